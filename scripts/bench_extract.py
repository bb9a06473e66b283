"""Benchmark of table extraction alone: ms per report and peak memory over every fixture report.

    .venv/bin/python scripts/bench_extract.py [--min-seconds 1.0]

Reads every report in tests/fixtures once (reading is not timed), then runs extract_gov_tables over all of
them, repeating the whole set until at least --min-seconds of work is done. Prints the average ms/report, the
slowest report, and peak memory: Python allocations during one pass (tracemalloc) and the process max RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.reading.files import REPORT_SUFFIXES, read_report  # noqa: E402
from pipeline.tables.gov import extract_gov_tables  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def fixture_reports() -> list[tuple[str, str]]:
    paths = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in REPORT_SUFFIXES)
    return [(p.relative_to(FIXTURES).as_posix(), read_report(p).text) for p in paths if p.name != "MANIFEST.md"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-seconds", type=float, default=1.0)
    args = parser.parse_args()

    reports = fixture_reports()
    for name, text in reports:  # warm-up (compiles regexes, fills caches)
        extract_gov_tables(text, name)

    per_report = dict.fromkeys((name for name, _ in reports), 0.0)
    passes, calls, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < args.min_seconds:
        for name, text in reports:
            t0 = time.perf_counter()
            extract_gov_tables(text, name)
            per_report[name] += time.perf_counter() - t0
            calls += 1
        passes += 1
    elapsed = time.perf_counter() - start

    tracemalloc.start()
    for name, text in reports:
        extract_gov_tables(text, name)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    slowest = max(per_report, key=per_report.get)
    print(f"reports: {len(reports)}  passes: {passes}  calls: {calls}  total: {elapsed:.2f} s")
    print(f"average: {elapsed / calls * 1000:.2f} ms/report")
    print(f"slowest: {slowest} {per_report[slowest] / passes * 1000:.2f} ms/report")
    print(f"peak Python allocations during one pass (tracemalloc): {peak / 1024:.0f} KiB")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
