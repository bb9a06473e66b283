"""What a run has to do: the raw folder compared, by content hash, with what the warehouse was built from.

    plan = plan_run(raw_dir, state)     # state: ingest_state of the published warehouse, or None

A file whose bytes, override and code version match a published report is unchanged: it is neither read nor
validated again. New and edited files are processed; the old version of an edited file and deleted files are
removed; a file that only moved (same bytes, new path) is renamed in place. When there is no usable warehouse or
the code changed, every file is processed once into a fresh warehouse (a full rebuild).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.ingest import Job, discover_raw_files, plan_jobs, walk_raw_folder
from pipeline.version import code_version


@dataclass
class RunPlan:
    todo: list[Job]  # to read, extract and validate
    gone: list[str] = field(default_factory=list)  # report_ids to remove from the warehouse
    renames: dict[str, str] = field(default_factory=dict)  # report_id → new source_path
    unchanged: int = 0
    full_rebuild: bool = False
    fingerprint: str = ""  # hash of (path, content, override) of every file: "has anything changed?"

    @property
    def has_changes(self) -> bool:
        return bool(self.todo or self.gone or self.renames or self.full_rebuild)


def fingerprint(jobs: list[Job]) -> str:
    digest = hashlib.sha256()
    for job in jobs:
        digest.update(f"{job.raw.source_path}\0{job.raw.sha256}\0{job.override_key}\n".encode())
    return digest.hexdigest()[:16]


def plan_run(raw_dir: Path, state: pl.DataFrame | None,
             on_listed: Callable[[int, bool], None] | None = None) -> RunPlan:
    """The plan; `on_listed(entries listed, whether every file is to be processed)` is called once the folder is
    listed, before its files are hashed (the main job starts its workers then, when it will need them)."""
    entries = list(walk_raw_folder(raw_dir))  # listed once: the files and their overrides come from one walk
    version = code_version()
    known = _known_files(state) if state is not None and state.height and (state["code_version"] == version).all() \
        else None
    if on_listed is not None:
        on_listed(len(entries), known is None)
    jobs = plan_jobs(discover_raw_files(raw_dir, entries, known), raw_dir, entries)
    print_ = fingerprint(jobs)
    if state is None or state.height and (state["code_version"] != version).any():
        return RunPlan(todo=jobs, full_rebuild=True, fingerprint=print_)
    published = {r["report_id"]: r for r in state.iter_rows(named=True)}
    todo, renames = [], {}
    for job in jobs:
        row = published.get(job.raw.report_id)
        if row is None or row["override_key"] != job.override_key:
            todo.append(job)
        elif row["source_path"] != job.raw.source_path:
            renames[job.raw.report_id] = job.raw.source_path
    present = {job.raw.report_id for job in jobs}
    gone = [rid for rid in published if rid not in present]
    return RunPlan(todo=todo, gone=gone, renames=renames, unchanged=len(jobs) - len(todo), fingerprint=print_)


def _known_files(state: pl.DataFrame) -> dict[str, tuple[int, int, str]]:
    """source_path → (size, mtime_ns, sha256) of the files the published warehouse was built from."""
    if "mtime_ns" not in state.columns:
        return {}
    seen = state.drop_nulls(["size", "mtime_ns", "source_sha256"])
    return {path: (size, mtime, sha) for path, size, mtime, sha in
            seen.select("source_path", "size", "mtime_ns", "source_sha256").iter_rows()}


def batches(jobs: list[Job], size: int) -> list[list[Job]]:
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]
