"""The main job from the command line: ingest every report in the raw folder into the warehouse.

    ogi-ingest [--raw DIR] [--warehouse FILE]        (defaults: $OGI_RAW_DIR / $OGI_WAREHOUSE, then data/…)

Prints progress per report and a summary at the end; exits 0 even when some reports failed (they are
recorded in `reports` with their error), non-zero only when the warehouse could not be written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline import config
from pipeline.cache import ParseCache
from pipeline.ingest import (
    build_reports_frame,
    discover_raw_files,
    extract_tables,
    read_reports,
    section_reports,
    validate,
)
from pipeline.warehouse.load import write_warehouse


@dataclass
class RunResult:
    tables: dict[str, pl.DataFrame]
    row_counts: dict[str, int]
    seconds: float
    cache_hits: int = 0


def run_pipeline(raw_dir: Path, warehouse: Path, progress=None, cache_dir: Path | None = None,
                 use_cache: bool = True) -> RunResult:
    """All stages over the raw folder, then one atomic load; the same sequence the Dagster assets run."""
    started = time.perf_counter()
    cache = ParseCache(cache_dir or config.cache_dir(warehouse)) if use_cache else None
    raw_files = discover_raw_files(raw_dir)
    reports = read_reports(raw_files, raw_dir, progress, cache=cache)
    sections = section_reports(reports)
    extraction = extract_tables(reports, cache=cache)
    issues = validate(reports, extraction)
    tables = {
        "reports": build_reports_frame(reports, extraction, issues),
        "report_sections": sections,
        **extraction.facts,
        "validation_issues": issues,
    }
    counts = write_warehouse(warehouse, tables)
    return RunResult(tables, counts, time.perf_counter() - started, cache.hits if cache else 0)


def format_summary(result: RunResult, warehouse: Path) -> str:
    reports = result.tables["reports"]
    issues = result.tables["validation_issues"]
    n = reports.height
    lines = [
        "",
        f"Ingested {n} report(s) in {result.seconds:.2f} s ({n / max(result.seconds, 1e-9):.1f} reports/s) → {warehouse}",
    ]
    if result.cache_hits:
        lines.append(f"  ({result.cache_hits} read/extract results reused from the parse cache: unchanged files)")
    for status in ("ok", "partial", "failed"):
        lines.append(f"  {status:<8}{reports.filter(pl.col('status') == status).height:>6}")
    lines.append("Rows loaded:")
    lines += [f"  {table:<28}{count:>8}" for table, count in result.row_counts.items()]
    if issues.height:
        lines.append("Validation issues by rule:")
        by_rule = issues.group_by("rule_id", "severity").len().sort("rule_id")
        lines += [f"  {r['rule_id']:<32}{r['severity']:<9}{r['len']:>6}" for r in by_rule.iter_rows(named=True)]
    problems = reports.filter(pl.col("status") != "ok")
    if problems.height:
        lines.append("Reports not fully loaded:")
        lines += [f"  [{r['status']}] {r['error']}" for r in problems.iter_rows(named=True)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ogi-ingest", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=None, help="raw folder (default $OGI_RAW_DIR or data/raw)")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="DuckDB file (default $OGI_WAREHOUSE or data/warehouse/ogi.duckdb)")
    parser.add_argument("--quiet", action="store_true", help="no per-report progress lines")
    parser.add_argument("--no-cache", action="store_true",
                        help="parse every file again (default: reuse results for unchanged files and code)")
    args = parser.parse_args(argv)
    raw_dir = args.raw or config.raw_dir()
    warehouse = args.warehouse or config.warehouse_path()
    if not raw_dir.is_dir():
        print(f"error: raw folder {raw_dir} does not exist", file=sys.stderr)
        return 2
    try:  # an unlistable raw folder would publish an empty warehouse over the previous one
        os.scandir(raw_dir).close()
    except OSError as exc:
        print(f"error: raw folder {raw_dir} cannot be read ({exc.strerror}); the warehouse is left as it was",
              file=sys.stderr)
        return 2

    def progress(i: int, total: int, message: str) -> None:
        if not args.quiet:
            print(f"[{i}/{total}] {message}", flush=True)

    result = run_pipeline(raw_dir, warehouse, progress, use_cache=not args.no_cache)
    print(format_summary(result, warehouse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
