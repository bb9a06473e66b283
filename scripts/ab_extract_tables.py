"""CPU ms per report of `ingest.extract_tables` and its parts, another tree's code against this one, in one process.

    .venv/bin/python scripts/ab_extract_tables.py BASE_TREE [CORPUS]   # CORPUS: n4000 (default) or n1000

Why in one process: on the shared machine separate runs of the same code moved by ±30 % (other engineers' jobs),
more than most single changes buy. Here both codes extract every batch of 256 once (as the main job sees each
report once), the order swapped from batch to batch, the loaded reports frozen out of the garbage collector's
way (a full collection landing in one side's batch is no measure of it). The parts are inclusive (text_rows,
find_table_sections, each table's reader, report_table_columns).
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from ab_base import load_base  # noqa: E402
from check_same_tables import CORPORA, read_batches  # noqa: E402
from stages import timed  # noqa: E402

import pipeline  # noqa: E402


def _instrument(package) -> dict[str, float]:
    """Timers around the parts of table extraction of one package (names missing from a tree are skipped)."""
    acc: dict[str, float] = defaultdict(float)
    gov = importlib.import_module(f"{package.__name__}.tables.gov")
    ingest = importlib.import_module(f"{package.__name__}.ingest")
    for name in ("text_rows", "find_table_sections"):
        if hasattr(gov, name):
            setattr(gov, name, timed(name, getattr(gov, name), acc, defaultdict(int)))
    for table, extract in list(gov.EXTRACTORS.items()):
        gov.EXTRACTORS[table] = timed(extract.__name__, extract, acc, defaultdict(int))
    ingest.report_table_columns = timed("report_table_columns", ingest.report_table_columns, acc, defaultdict(int))
    ingest.extract_tables = timed("extract_tables", ingest.extract_tables, acc, defaultdict(int))
    return acc


def main() -> None:
    base = load_base(sys.argv[1])
    batches = read_batches(CORPORA[sys.argv[2] if len(sys.argv) > 2 else "n4000"])
    sides = {}
    for package in (base, pipeline):
        acc = _instrument(package)
        ingest = importlib.import_module(f"{package.__name__}.ingest")
        ingest.extract_tables(batches[0])  # warm-up: imports, label caches
        acc.clear()
        sides[package.__name__] = (ingest, acc)
    batches = batches[1:]
    n = sum(len(b) for b in batches)
    gc.collect()
    gc.freeze()
    order = list(sides.values())
    for batch in batches:
        for ingest, _acc in order:
            ingest.extract_tables(batch)
        order.reverse()
    (_, old), (_, new) = sides["pipeline_base"], sides["pipeline"]
    print(f"{n} reports, CPU ms/report: base → this tree")
    for name in sorted(old, key=lambda k: -old[k]):
        if name in new:
            print(f"  {name:26s} {old[name] / n * 1000:6.3f} → {new[name] / n * 1000:6.3f}  ({new[name] / old[name]:.2f}x)")


if __name__ == "__main__":
    main()
