"""End-to-end benchmark: reports/second, peak memory and how time grows with corpus size.

    .venv/bin/python scripts/bench_pipeline.py [--sizes 34,136,544]

Builds raw folders of growing size from the test fixtures (each copy made distinct by a trailing comment line,
so every file is its own report), runs the whole pipeline into a scratch warehouse, and prints one line per size
with time per stage (first run: every file parsed) and the time of a second run over the unchanged folder
(everything from the parse cache; validation and loading again). Peak memory is the main process's max RSS
(ru_maxrss; reading workers not included), so sizes run in separate processes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "MANIFEST.md")


def build_raw(folder: Path, n: int) -> None:
    files = fixture_files()
    for i in range(n):
        src = files[i % len(files)]
        dst = folder / f"{i:06d}_{src.name}"
        data = src.read_bytes()
        if i >= len(files):
            data += f"\n<!-- copy {i} -->\n".encode() if src.suffix == ".html" else f"\n副本{i}\n".encode()
        dst.write_bytes(data)


def run_one(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from pipeline import ingest
    from pipeline.cache import ParseCache
    from pipeline.run import run_pipeline
    from pipeline.warehouse.load import write_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        build_raw(raw, n)
        t = {"n": n}
        cache = ParseCache(Path(tmp) / "cache")
        t0 = time.perf_counter()
        files = ingest.discover_raw_files(raw)
        reports = ingest.read_reports(files, raw, cache=cache)
        t["read_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        sections = ingest.section_reports(reports)
        extraction = ingest.extract_tables(reports, cache=cache)
        t["extract_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        issues = ingest.validate(reports, extraction)
        t["validate_s"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        tables = {"reports": ingest.build_reports_frame(reports, extraction, issues), "report_sections": sections,
                  **extraction.facts, "validation_issues": issues}
        write_warehouse(Path(tmp) / "ogi.duckdb", tables)
        t["load_s"] = time.perf_counter() - t3
        t["total_s"] = time.perf_counter() - t0
        t["reports_per_s"] = n / t["total_s"]
        t4 = time.perf_counter()
        run_pipeline(raw, Path(tmp) / "ogi.duckdb", cache_dir=Path(tmp) / "cache")  # nothing changed: all cached
        t["rerun_s"] = time.perf_counter() - t4
        t["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="", help="comma-separated report counts (default: 1x, 4x, 16x fixtures)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    base = len(fixture_files())
    sizes = [int(s) for s in args.sizes.split(",") if s] or [base, base * 4, base * 16]
    print(f"{'reports':>8} {'read s':>8} {'extract s':>10} {'validate s':>11} {'load s':>8} {'total s':>8} "
          f"{'reports/s':>10} {'peak MB':>8} {'rerun s':>8}")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['n']:>8} {r['read_s']:>8.2f} {r['extract_s']:>10.2f} {r['validate_s']:>11.2f} {r['load_s']:>8.2f} "
              f"{r['total_s']:>8.2f} {r['reports_per_s']:>10.1f} {r['peak_rss_mb']:>8.0f} {r['rerun_s']:>8.2f}")


if __name__ == "__main__":
    main()
