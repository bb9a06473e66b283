"""CPU ms per report of each stage of `batch_tables` (wrapped functions, inclusive), over a generated corpus, in
one process: reading (web pages and their parts, normalizing, metadata, sections), table extraction (rows, table
sections, each table's reader) and validation.

    python scripts/stages.py RAW [BATCH]

The first 64 reports warm the caches and are not counted. Names missing from the tree measured are skipped, so the
script also runs from an older tree's copy. The machine's load moves CPU time too: alternate runs, keep the lowest."""

import importlib
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pipeline.ingest as ingest  # noqa: E402
from pipeline.reading.discovery import discover_raw_files  # noqa: E402

TARGETS = [
    ("pipeline.reading.files", "html_to_text_and_meta"), ("pipeline.reading.files", "decode_bytes"),
    ("pipeline.reading.files", "normalize_text"), ("pipeline.reading.files", "strip_markers"),
    ("pipeline.ingest", "infer_metadata"), ("pipeline.ingest", "is_annual_report"),
    ("pipeline.ingest", "split_sections"), ("pipeline.ingest", "extract_report_tables"),
    ("pipeline.ingest", "validate"), ("pipeline.ingest", "build_reports_frame"),
    ("pipeline.ingest", "attach_origins"), ("pipeline.ingest", "origins_frame"),
    ("pipeline.validation.rules", "validate_tables"), ("pipeline.validation.rules", "check_narrative"),
    ("pipeline.ingest", "validate_facts"), ("pipeline.ingest", "check_legacy_indicators"),
    ("pipeline.frames", "frame"), ("pipeline.frames", "concat"),
    ("pipeline.ingest", "read_one"), ("pipeline.ingest", "read_report_bytes"),
    ("pipeline.ingest", "section_reports"), ("pipeline.ingest", "extract_tables"),
    ("pipeline.ingest", "metadata_issues"),
    ("pipeline.reading.html", "page_metadata"), ("pipeline.reading.html", "_main_content"),
    ("pipeline.reading.html", "_content_text"), ("pipeline.reading.html", "_expand_table"),
    ("pipeline.ingest", "report_table_columns"), ("pipeline.tables", "gov_table_columns"),
    ("pipeline.tables", "legacy_columns"), ("pipeline.tables.gov", "text_rows"),
    ("pipeline.tables.gov", "find_table_sections"),
]
acc: dict[str, float] = defaultdict(float)
cnt: dict[str, int] = defaultdict(int)


def timed(name: str, f, seconds: dict[str, float] = acc, calls: dict[str, int] = cnt):
    """f, adding its CPU seconds and calls under `name` (to this script's totals unless others are given)."""

    def wrapper(*args, **kwargs):
        t = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            seconds[name] += time.process_time() - t
            calls[name] += 1

    return wrapper


def main() -> None:
    for module_name, name in TARGETS:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, timed(name, getattr(module, name)))
    gov = importlib.import_module("pipeline.tables.gov")
    for table, extract in list(gov.EXTRACTORS.items()):  # each table's reader
        gov.EXTRACTORS[table] = timed(extract.__name__, extract)
    raw = Path(sys.argv[1])
    jobs = ingest.plan_jobs(discover_raw_files(raw), raw)
    ingest.batch_tables(jobs[:64])  # warm up (imports, caches)
    jobs = jobs[64:]
    acc.clear()
    cnt.clear()
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    c0 = time.process_time()
    for i in range(0, len(jobs), batch):
        ingest.batch_tables(jobs[i:i + batch])
    total, n = time.process_time() - c0, len(jobs)
    print(f"total {total / n * 1000:.2f} ms/report over {n}")
    for name, seconds in sorted(acc.items(), key=lambda kv: -kv[1]):
        print(f"{name:28s} {seconds / n * 1000:6.2f} ms/report  calls {cnt[name]}")


if __name__ == "__main__":
    main()
