"""The pipeline's stages as plain functions, applied to one bounded batch of raw files at a time.

    summary = process_batch(jobs, out_dir)       # read → sections → tables → per-report rules → Parquet parts

A batch is read, sectioned, extracted and validated (one pandera call per table type for the whole batch), then
written as one Parquet file per warehouse table under `out_dir` and dropped from memory, so no stage ever holds
the whole corpus. Rules that compare reports (cross_year.*) run later in DuckDB over the loaded tables
(pipeline.warehouse.load). The command line (`pipeline.run`) and the Dagster assets call the same functions.

No stage raises for one bad report: a file that cannot be read becomes a `failed` report row with a one-sentence
error, an extractor that crashes on one report marks it `partial` with an `extract.crash` issue, and every other
report goes on. Only a failure to write the batch's files (disk full) stops the run: nothing can be published.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path

import polars as pl

from pipeline import frames
from pipeline.reading.discovery import (  # noqa: F401  (RawFile, NOT_REPORTS: the ingest's vocabulary)
    NOT_REPORTS,
    Entry,
    RawFile,
    discover_raw_files,
    failed_entry,
    walk_raw_folder,
)
from pipeline.reading.files import ReadError, read_report_bytes
from pipeline.reading.metadata import infer_metadata, is_annual_report, issuer_key, metadata_issues
from pipeline.reading.overrides import OverrideProblem, apply_overrides, load_overrides
from pipeline.reading.provenance import attach_origins, origins_frame
from pipeline.reading.sectioning import split_sections
from pipeline.tables import extract_report_tables, report_table_columns  # noqa: F401 (the one-report API)
from pipeline.validation.rules import validate_facts, with_issue_counts
from pipeline.version import code_version
from schemas.legacy import check_legacy_indicators

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Job:
    """One distinct document to ingest, with the metadata override that applies to it and the parts of its
    override that were refused (each becomes an `extract.override` issue on the report)."""

    raw: RawFile
    override: dict | None = None
    problems: tuple[OverrideProblem, ...] = ()

    @property
    def override_key(self) -> str:
        """A hash of the override and its refusals, so changing either re-processes the file ('' when none)."""
        if not self.override and not self.problems:
            return ""
        refused = [p.sentence for p in self.problems]
        return hashlib.sha256(json.dumps([self.override, refused], sort_keys=True, default=str).encode()
                              ).hexdigest()[:12]


@dataclass
class ReportText:
    """One raw file after reading and metadata inference; `text` is None when it failed."""

    row: dict
    text: str | None
    issues: list[dict] = field(default_factory=list)  # validation_issues rows found while reading
    line_origins: dict = field(default_factory=dict)  # line of `text` → provenance.Origin (page, table, row)


@dataclass
class Extraction:
    facts: dict[str, pl.DataFrame]
    issues: pl.DataFrame
    crashed: dict[str, str] = field(default_factory=dict)  # report_id → error sentence


@dataclass(frozen=True)
class BatchSummary:
    """What a batch wrote: (source_path, status) per report, and seconds per stage, for progress and summary."""

    statuses: tuple[tuple[str, str], ...]
    seconds: tuple[tuple[str, float], ...] = ()
    parts_dir: Path | None = None  # where its Parquet parts are, for loading as soon as it is done


class PartsWriteError(RuntimeError):
    """The batch's Parquet files could not be written (disk full, permissions): nothing can be published."""


def plan_jobs(raw_files: Iterable[RawFile], raw_dir: Path, entries: Iterable[Entry] | None = None) -> list[Job]:
    """One job per distinct document (identical bytes are ingested once, under the first path), with overrides.

    `entries` is the folder's walk when the caller has it (so the folder is listed once). A refused override
    travels with its report; one that concerns no report (a manifest that cannot be parsed,
    an override for a missing file) becomes a job of its own for the override file, recorded as failed."""
    overrides, problems = load_overrides(raw_dir, entries)
    unique: dict[str, RawFile] = {}
    for raw in raw_files:
        unique.setdefault(raw.report_id, raw)
    by_target: dict[str, list[OverrideProblem]] = {}
    for problem in problems:
        by_target.setdefault(problem.target or "", []).append(problem)
    jobs = [Job(raw, overrides.get(raw.source_path), tuple(by_target.pop(raw.source_path, ())))
            for raw in unique.values()]
    orphans: dict[str, list[str]] = {}
    for problem in (p for found in by_target.values() for p in found):
        orphans.setdefault(problem.source, []).append(problem.sentence.removeprefix(f"{problem.source}: "))
    for source, sentences in orphans.items():
        jobs.append(Job(failed_entry(raw_dir / source, source, "; ".join(sentences))))
    return jobs


def _report_row(raw: RawFile, **values) -> dict:
    return {
        "report_id": raw.report_id,
        "source_path": raw.source_path,
        "source_sha256": raw.sha256,
        "status": "ok",
        "ingested_at": datetime.now(UTC).replace(tzinfo=None),
        **values,
    }


def crash_sentence(source_path: str, stage: str, exc: BaseException) -> str:
    """One sentence naming the file, the stage and where in our code it broke."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
    return f"{source_path}: {stage} crashed ({type(exc).__name__}: {exc}{where})."


def _override_issues(raw: RawFile, problems: Iterable[OverrideProblem]) -> list[dict]:
    return [{"report_id": raw.report_id, "rule_id": "extract.override", "severity": p.severity, "table_name": None,
             "location": f"field={p.field}" if p.field else None, "message": p.sentence + "."} for p in problems]


def read_one(raw: RawFile, override: dict | None = None, problems: Iterable[OverrideProblem] = ()) -> ReportText:
    """Read, normalize and describe one raw file; never raises for bad input."""
    if raw.error:  # found by discovery: not readable as a file, so no content hash either
        return ReportText(_report_row(raw, status="failed", source_sha256=None,
                                      error=f"{raw.source_path}: {raw.error}."), None)
    try:
        result = read_report_bytes(raw.path.read_bytes(), raw.path.suffix.lower())
    except ReadError as exc:
        return ReportText(_report_row(raw, status="failed", error=f"{raw.source_path}: {exc}."), None)
    except OSError as exc:
        return ReportText(_report_row(raw, status="failed", error=f"{raw.source_path}: cannot be read ({exc})."), None)
    except Exception as exc:  # a reader bug on one file must not stop the others
        return ReportText(_report_row(raw, status="failed", error=crash_sentence(raw.source_path, "reading", exc)),
                          None)
    meta = infer_metadata(result.text, result.page)
    row = _report_row(raw, script=result.script, encoding=result.encoding, source_format=result.source_format)
    if not is_annual_report(result.text, meta) and not override:
        row.update(status="failed", error=f"{raw.source_path}: the text is not a government information "
                                          "disclosure annual report (no 信息公开 report title or year found, and "
                                          "not the report's section headings).")
        return ReportText(row, None)
    meta = apply_overrides(meta, override)
    row.update(issuer=meta.issuer, report_year=meta.report_year, template=meta.template, url=meta.url,
               region=meta.region)
    issues = [{**issue, "report_id": raw.report_id} for issue in metadata_issues(meta, raw.source_path)]
    if issues:  # a report whose text never names its issuer or year loads, marked partial
        row.update(status="partial", error=issues[0]["message"])
    return ReportText(row, result.text, _override_issues(raw, problems) + issues, result.line_origins)


#: below this many files, reading in one process beats starting worker processes (~1 s each to import)
PARALLEL_MIN_FILES = 200


def worker_count(workers: int | None = None) -> int:
    """The worker processes a run uses: `workers` when given, else one per core."""
    return max(1, workers if workers is not None else (os.cpu_count() or 1))


def runs_in_workers(n_jobs: int, workers: int | None = None) -> bool:
    """Whether n_jobs are processed by worker processes (below PARALLEL_MIN_FILES, starting them costs more than
    it saves)."""
    return worker_count(workers) > 1 and n_jobs >= PARALLEL_MIN_FILES


def _read_job(job: Job) -> ReportText:
    return read_one(job.raw, job.override, job.problems)


def read_reports(raw_files: Iterable[RawFile], raw_dir: Path, progress: Progress | None = None,
                 workers: int | None = None) -> list[ReportText]:
    """All raw files as ReportText (identical bytes once), in file order; large folders read by worker processes.

    Holds every text in memory: for tests, benchmarks and small folders. The main job streams batches instead.
    """
    jobs = plan_jobs(raw_files, raw_dir)
    if runs_in_workers(len(jobs), workers):
        with ProcessPoolExecutor(worker_count(workers), mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_read_job, jobs, chunksize=16))
    else:
        results = [_read_job(job) for job in jobs]
    if progress:
        for n, report in enumerate(results, start=1):
            progress(n, len(results), f"read {report.row['source_path']}: {report.row['status']}")
    return results


#: report_sections' columns read off a sectioning.Section
_SECTION_FIELDS = tuple((name, attrgetter(name)) for name in ("ordinal", "heading", "body"))


def section_reports(reports: Iterable[ReportText]) -> pl.DataFrame:
    """report_sections for every readable report.

    Built as columns (each read off the sections by a C-level `map`), one frame per batch: a dict per section and
    `from_dicts` cost more."""
    columns: dict[str, list] = {"report_id": [], "ordinal": [], "heading": [], "body": []}
    for r in reports:
        if r.text is None:
            continue
        sections = split_sections(r.text)
        columns["report_id"].extend([r.row["report_id"]] * len(sections))
        for name, column in _SECTION_FIELDS:
            columns[name].extend(map(column, sections))
    return pl.DataFrame(columns, schema=frames.TABLE_SCHEMAS["report_sections"])


def extract_tables(reports: Iterable[ReportText], progress: Progress | None = None) -> Extraction:
    """Fact frames and extract.* issues over the readable reports.

    The extractors return columns; each fact table's frame is built once for the whole batch (one small frame
    per report and table cost more than the extraction itself)."""
    reports = [r for r in reports if r.text is not None]
    batch: dict[str, frames.Columns] = {t: frames.Columns(t) for t in frames.FACT_TABLES}
    issue_rows: list[dict] = []
    crashed: dict[str, str] = {}
    for i, r in enumerate(reports, start=1):
        rid = r.row["report_id"]
        try:
            facts, issues = report_table_columns(r.text, rid, r.row["template"])
        except Exception as exc:  # one report's bad layout must not stop the others
            crashed[rid] = crash_sentence(r.row["source_path"], "table extraction", exc)
            issue_rows.append({"report_id": rid, "rule_id": "extract.crash", "severity": "error",
                               "table_name": None, "location": None, "message": crashed[rid]})
            continue
        for table, columns in facts.items():
            batch[table].concat(columns)
        issue_rows.extend({**issue, "report_id": rid} for issue in issues)
        if progress:
            progress(i, len(reports), f"extracted {r.row['source_path']}")
    origins = origins_frame({r.row["report_id"]: r.line_origins for r in reports if r.line_origins})
    return Extraction(
        facts={t: attach_origins(columns.frame(), origins) for t, columns in batch.items()},
        issues=frames.frame("validation_issues", issue_rows),
        crashed=crashed,
    )


def validate(reports: list[ReportText], extraction: Extraction, cross_year: bool = True) -> pl.DataFrame:
    """Validation issues: extraction's own, the arithmetic and narrative rules, the legacy sums, and (unless
    `cross_year` is False, as in batches whose neighbours are elsewhere) the cross-year rules."""
    report_frame = (build_reports_frame(reports, extraction, frames.empty("validation_issues")) if cross_year
                    else None)  # only the cross-year rules read it
    texts = {r.row["report_id"]: r.text for r in reports if r.text is not None}
    return frames.concat(
        "validation_issues",
        [
            frames.frame("validation_issues", [issue for r in reports for issue in r.issues]),
            extraction.issues,
            validate_facts(extraction.facts, report_frame, texts, cross_year=cross_year),
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
    reports_frame = frames.frame("reports", rows).with_columns(issuer_key(pl.col("issuer")).alias("issuer_key"))
    return with_issue_counts(reports_frame, issues)


def batch_tables(jobs: list[Job], timings: dict[str, float] | None = None) -> dict[str, pl.DataFrame]:
    """Every warehouse table's rows for one batch, per-report rules applied (cross-year rules are not).

    `timings`, when given, receives the seconds spent per stage (read, extract, validate)."""
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    reports = [_read_job(job) for job in jobs]
    t1 = time.perf_counter()
    sections = section_reports(reports)
    extraction = extract_tables(reports)
    t2 = time.perf_counter()
    issues = validate(reports, extraction, cross_year=False)
    state = frames.frame("ingest_state", [_state_row(job) for job in jobs])
    tables = {
        "reports": build_reports_frame(reports, extraction, issues),
        "report_sections": sections,
        **extraction.facts,
        "validation_issues": issues,
        "ingest_state": state,
    }
    timings.update(read=t1 - t0, extract=t2 - t1, validate=time.perf_counter() - t2)
    return tables


def _state_row(job: Job) -> dict:
    """What the warehouse remembers of a file, so the next run can tell whether it changed."""
    raw = job.raw
    return {"report_id": raw.report_id, "source_path": raw.source_path, "override_key": job.override_key,
            "code_version": code_version(), "source_sha256": None if raw.error else raw.sha256,
            "size": raw.size, "mtime_ns": raw.mtime_ns}


def failed_batch_tables(job: Job, sentence: str) -> dict[str, pl.DataFrame]:
    """The rows of a report whose processing crashed its worker: a failed report, so nothing is lost."""
    row = _report_row(job.raw, status="failed", error=sentence)
    return {
        "reports": frames.frame("reports", [row]),
        "ingest_state": frames.frame("ingest_state", [_state_row(job)]),
    }


def write_parts(tables: dict[str, pl.DataFrame], out_dir: Path) -> None:
    """One Parquet file per non-empty table in out_dir, written to a temporary name and renamed when whole."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for table, df in tables.items():
            if df.height:
                tmp = out_dir / f"{table}.parquet.tmp"
                frames.conform(df, table).write_parquet(tmp, compression="lz4", statistics=False)  # parts live minutes: speed over size
                os.replace(tmp, out_dir / f"{table}.parquet")
    except OSError as exc:
        for tmp in out_dir.glob("*.tmp"):
            tmp.unlink(missing_ok=True)
        raise PartsWriteError(f"cannot write the batch files in {out_dir} ({exc.strerror or exc})") from exc


def process_batch(jobs: list[Job], out_dir: Path) -> BatchSummary:
    """A batch from raw bytes to Parquet parts; returns only what progress reporting needs."""
    timings: dict[str, float] = {}
    tables = batch_tables(jobs, timings)
    t0 = time.perf_counter()
    write_parts(tables, out_dir)
    timings["write"] = time.perf_counter() - t0
    reports = tables["reports"]
    return BatchSummary(tuple(zip(reports["source_path"], reports["status"], strict=True)), tuple(timings.items()),
                        out_dir)
