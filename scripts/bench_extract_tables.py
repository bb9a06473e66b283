"""CPU milliseconds per report of `ingest.extract_tables` on the generated corpora, batches of 256, one process.

    .venv/bin/python scripts/bench_extract_tables.py [CORPUS] [prof]

Reads the corpus first (reading is not measured here). The first batch
warms the label caches and is not counted; the other reports are extracted once, as the main job sees them (a
second pass would find every cell string in the caches already). Run it a few times and take the lowest: the
machine is shared. With `prof`, prints a cProfile of the run instead.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from check_same_tables import CORPORA, read_batches  # noqa: E402  (scripts/, the corpora and how they are read)

from pipeline import ingest  # noqa: E402

name = sys.argv[1] if len(sys.argv) > 1 else "n4000"
batches = read_batches(CORPORA[name])
ingest.extract_tables(batches[0])
batches = batches[1:]
n = sum(len(b) for b in batches)


def run() -> None:
    for batch in batches:
        ingest.extract_tables(batch)


if sys.argv[2:] == ["prof"]:
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(50)
else:
    t0 = time.process_time()
    run()
    print(f"extract_tables: {(time.process_time() - t0) / n * 1000:.3f} ms/report CPU over {n} reports")
