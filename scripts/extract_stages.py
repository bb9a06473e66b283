"""CPU ms per report of each stage of `ingest.extract_tables` (inclusive), one pass over a generated corpus.

    .venv/bin/python scripts/extract_stages.py [n1000|n4000]

Reads the corpus first (not measured); the first batch warms the caches and is not
counted. Each stage is wrapped by name where its caller looks it up (gov.text_rows, gov.EXTRACTORS, …); run
from a copy of an older tree (its scripts/ folder) to measure that tree's stages.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from check_same_tables import CORPORA, read_batches  # noqa: E402  (scripts/, the corpora and how they are read)

import pipeline.tables as tables  # noqa: E402
import pipeline.tables.gov as gov  # noqa: E402
from pipeline import ingest  # noqa: E402

spent: defaultdict[str, float] = defaultdict(float)


def timed(name: str, function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start
    return wrapper


STAGES = (  # the names of this tree and of the code before issue #9's extraction work, whichever exist
    (gov, "text_rows"), (gov, "find_table_sections"), (tables, "gov_table_columns"), (tables, "legacy_columns"),
    (ingest, "report_table_columns"), (tables, "extract_gov_tables"), (tables, "extract_legacy_indicators"),
    (ingest, "extract_report_tables"), (ingest, "attach_origins"), (ingest, "origins_frame"),
)
for module, name in STAGES:
    if hasattr(module, name):
        setattr(module, name, timed(name, getattr(module, name)))
for table, extract in list(gov.EXTRACTORS.items()):
    gov.EXTRACTORS[table] = timed(extract.__name__, extract)

corpus = sys.argv[1] if len(sys.argv) > 1 else "n4000"
batches = read_batches(CORPORA[corpus])
ingest.extract_tables(batches[0])
batches = batches[1:]
spent.clear()
n = sum(len(batch) for batch in batches)
start = time.process_time()
for batch in batches:
    ingest.extract_tables(batch)
print(f"extract_tables {(time.process_time() - start) / n * 1000:.3f} CPU ms/report over {n} reports")
for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
    print(f"  {name:24s} {seconds / n * 1000:.3f}")
