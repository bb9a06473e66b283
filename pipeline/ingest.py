"""The pipeline's stages as plain functions: raw files → normalized texts → sections and tables → issues.

The Dagster assets and the command line (`pipeline.run`) call the same functions in the same order, so what
the UI materializes and what `ogi-ingest` builds are one thing. No stage raises for one bad report: a file
that cannot be read becomes a `failed` report row with a one-sentence error, an extractor that crashes on
one report marks it `partial` with an `extract.crash` issue, and every other report goes on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipeline import frames
from pipeline.cache import ParseCache, entry_key
from pipeline.metadata import apply_overrides, infer_metadata, is_annual_report, issuer_key, load_overrides
from pipeline.provenance import attach_origins, origins_frame
from pipeline.reading import ReadError, read_report_bytes
from pipeline.sectioning import split_sections

#: Files in the raw folder that are not reports.
NOT_REPORTS = ("manifest.csv", ".gitkeep", "README.md", "README.txt")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RawFile:
    path: Path
    source_path: str  # relative to the raw folder, POSIX separators
    sha256: str

    @property
    def report_id(self) -> str:
        return self.sha256[:16]


@dataclass
class ReportText:
    """One raw file after reading and metadata inference; `text` is None when it failed."""

    row: dict
    text: str | None
    line_origins: dict = field(default_factory=dict)  # line of `text` → provenance.Origin (page, table, row)


@dataclass
class Extraction:
    facts: dict[str, pl.DataFrame]
    issues: pl.DataFrame
    crashed: dict[str, str] = field(default_factory=dict)  # report_id → error sentence


def discover_raw_files(raw_dir: Path) -> list[RawFile]:
    """Every candidate report file below raw_dir (sorted), with its content hash."""
    files = []
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir)
        if not path.is_file() or path.name in NOT_REPORTS or path.name.endswith(".meta.json"):
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        files.append(RawFile(path, rel.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return files


def _report_row(raw: RawFile, **values) -> dict:
    return {
        "report_id": raw.report_id,
        "source_path": raw.source_path,
        "source_sha256": raw.sha256,
        "status": "ok",
        "ingested_at": datetime.now(UTC).replace(tzinfo=None),
        **values,
    }


def _crash_sentence(source_path: str, stage: str, exc: Exception) -> str:
    """One sentence naming the file, the stage and where in our code it broke."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{source_path}: {stage} crashed ({type(exc).__name__}: {exc} at {Path(where.filename).name}:{where.lineno})."


def read_one(raw: RawFile, override: dict | None = None) -> ReportText:
    """Read, normalize and describe one raw file; never raises for bad input."""
    try:
        result = read_report_bytes(raw.path.read_bytes(), raw.path.suffix.lower())
    except ReadError as exc:
        return ReportText(_report_row(raw, status="failed", error=f"{raw.source_path}: {exc}."), None)
    except OSError as exc:
        return ReportText(_report_row(raw, status="failed", error=f"{raw.source_path}: cannot be read ({exc})."), None)
    except Exception as exc:  # a reader bug on one file must not stop the others
        return ReportText(_report_row(raw, status="failed", error=_crash_sentence(raw.source_path, "reading", exc)),
                          None)
    meta = infer_metadata(result.text)
    row = _report_row(raw, script=result.script, encoding=result.encoding, source_format=result.source_format)
    if not is_annual_report(result.text) or (meta.report_year is None and not override):
        row.update(status="failed", error=f"{raw.source_path}: the text is not a government information "
                                          "disclosure annual report (no 信息公开 report title or year found).")
        return ReportText(row, None)
    meta = apply_overrides(meta, override)
    row.update(issuer=meta.issuer, report_year=meta.report_year, template=meta.template, url=meta.url,
               region=meta.region)
    return ReportText(row, result.text, result.line_origins)


#: below this many files, reading in one process beats starting worker processes (~1 s each to import)
PARALLEL_MIN_FILES = 200


def _read_one_args(args: tuple[RawFile, dict | None]) -> ReportText:
    return read_one(*args)


def read_reports(
    raw_files: Iterable[RawFile],
    raw_dir: Path,
    progress: Progress | None = None,
    workers: int | None = None,
    cache: ParseCache | None = None,
) -> list[ReportText]:
    """All raw files as ReportText, one row per distinct document (identical bytes are ingested once).

    Files whose bytes, override and code are unchanged come from the parse cache. The rest are read in
    this process, or, for large batches, by one worker process per core ("spawn", since forking a process
    that has started polars' thread pool can deadlock); results keep the file order either way.
    """
    overrides = load_overrides(raw_dir)
    unique: dict[str, RawFile] = {}
    for raw in raw_files:
        unique.setdefault(raw.report_id, raw)
    jobs = [(raw, overrides.get(raw.source_path)) for raw in unique.values()]
    keys = [entry_key(raw.report_id, override) for raw, override in jobs]
    done: dict[int, ReportText] = {}
    if cache is not None:
        for i, ((raw, _), key) in enumerate(zip(jobs, keys, strict=True)):
            cached = cache.get("read", key)
            if cached is not None:
                cached.row["source_path"] = raw.source_path  # the same bytes may have been renamed
                done[i] = cached
    todo = [i for i in range(len(jobs)) if i not in done]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    pool = None
    if workers > 1 and len(todo) >= PARALLEL_MIN_FILES:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        results: Iterable[ReportText] = pool.map(_read_one_args, [jobs[i] for i in todo], chunksize=16)
    else:
        results = map(_read_one_args, [jobs[i] for i in todo])
    try:
        for n, (i, report) in enumerate(zip(todo, results, strict=True), start=1):
            done[i] = report
            if cache is not None:
                cache.put("read", keys[i], report)
            if progress:
                progress(n, len(todo), f"read {report.row['source_path']}: {report.row['status']}")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if progress and len(todo) < len(jobs):
        progress(len(jobs), len(jobs), f"{len(jobs) - len(todo)} unchanged report(s) taken from the parse cache")
    return [done[i] for i in range(len(jobs))]


def section_reports(reports: Iterable[ReportText]) -> pl.DataFrame:
    """report_sections for every readable report."""
    rows = [
        {"report_id": r.row["report_id"], "ordinal": s.ordinal, "heading": s.heading, "body": s.body}
        for r in reports
        if r.text is not None
        for s in split_sections(r.text)
    ]
    return frames.frame("report_sections", rows)


def extract_report_tables(text: str, report_id: str, template: str) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """The fact tables of one report, by template: the 2019/2021 tables, or the pre-2019 indicator tables."""
    if template in ("gov2019", "gov2021"):
        from pipeline.tables import extract_gov_tables

        return extract_gov_tables(text, report_id)
    from pipeline.legacy_table import extract_legacy_indicators

    return extract_legacy_indicators(text, report_id)


def extract_tables(
    reports: Iterable[ReportText], progress: Progress | None = None, cache: ParseCache | None = None
) -> Extraction:
    """Fact frames and extract.* issues over all readable reports (unchanged ones from the parse cache)."""
    reports = [r for r in reports if r.text is not None]
    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in frames.FACT_TABLES}
    issue_rows: list[dict] = []
    crashed: dict[str, str] = {}
    for i, r in enumerate(reports, start=1):
        rid = r.row["report_id"]
        key = f"{rid}-{r.row['template']}"
        result = cache.get("extract", key) if cache is not None else None
        if result is None:
            try:
                result = extract_report_tables(r.text, rid, r.row["template"])
            except Exception as exc:  # one report's bad layout must not stop the others
                crashed[rid] = _crash_sentence(r.row["source_path"], "table extraction", exc)
                issue_rows.append({"report_id": rid, "rule_id": "extract.crash", "severity": "error",
                                   "table_name": None, "location": None, "message": crashed[rid]})
                continue
            if cache is not None:
                cache.put("extract", key, result)
        facts, issues = result
        for table, df in facts.items():
            parts[table].append(df)
        issue_rows.extend({**issue, "report_id": rid} for issue in issues)
        if progress:
            progress(i, len(reports), f"extracted {r.row['source_path']}")
    origins = origins_frame({r.row["report_id"]: r.line_origins for r in reports if r.line_origins})
    return Extraction(
        facts={t: attach_origins(frames.concat(t, dfs), origins) for t, dfs in parts.items()},
        issues=frames.frame("validation_issues", issue_rows),
        crashed=crashed,
    )


def validate(reports: list[ReportText], extraction: Extraction) -> pl.DataFrame:
    """Every validation issue: extraction's own, the arithmetic and cross-year rules, the legacy sums."""
    from pipeline.validation import validate_facts
    from schemas.legacy import check_legacy_indicators

    report_frame = build_reports_frame(reports, extraction, frames.empty("validation_issues"))
    texts = {r.row["report_id"]: r.text for r in reports if r.text is not None}
    return frames.concat(
        "validation_issues",
        [
            extraction.issues,
            validate_facts(extraction.facts, report_frame, texts),
            check_legacy_indicators(extraction.facts["fact_legacy_indicators"]),
        ],
    )


def build_reports_frame(reports: list[ReportText], extraction: Extraction, issues: pl.DataFrame) -> pl.DataFrame:
    """The reports table: status from reading and extraction, issue counts from the validation issues."""
    extract_errors = (
        issues.filter(pl.col("rule_id").str.starts_with("extract.") & (pl.col("severity") == "error"))
        .group_by("report_id", maintain_order=True)
        .agg(pl.col("message").first(), pl.len().alias("n"))
    )
    first_error = dict(zip(extract_errors["report_id"], extract_errors["message"], strict=True))
    rows = []
    for r in reports:
        row = dict(r.row)
        rid = row["report_id"]
        if row["status"] != "failed" and (rid in first_error or rid in extraction.crashed):
            row["status"] = "partial"
            row["error"] = extraction.crashed.get(rid) or f"{row['source_path']}: {first_error[rid]}"
        rows.append(row)
    from pipeline.validation import with_issue_counts

    reports_frame = frames.frame("reports", rows).with_columns(issuer_key(pl.col("issuer")).alias("issuer_key"))
    return with_issue_counts(reports_frame, issues)
