"""Publishing batches of Parquet parts into the DuckDB warehouse, incrementally and all or nothing.

DuckDB lets one process write a file and blocks every other process while it does, so the warehouse is never
written in place: a run copies the published file to `ogi.duckdb.<pid>.staging` (or starts an empty one for a
full rebuild), applies its changes there inside one transaction — delete the reports that were deleted or
changed, `INSERT … SELECT FROM read_parquet(…)` the new batches, rename moved files, re-run the cross-year rules
for the issuers it touched, recount issues —, checkpoints, closes, and publishes with an atomic `os.replace`.
A crash at any moment leaves the published file as it was; users' open connections keep their snapshot.
The file is created with storage compatibility v1.5.0 so the duckdb CLI (1.5.x) opens it.

Damaged state of our own is set aside, never trusted: staging files and part folders of runs whose process is
gone are deleted, and a stale `ogi.duckdb.wal` left by another program (which makes every open fail) is moved
to `ogi.duckdb.wal.stale-<time>` before reading. A warehouse held open read-write by another process cannot be
read or published over safely: the run stops with `WarehouseBusy` and changes nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipeline import frames
from pipeline.validation.cross_year import cross_year_issues_sql
from pipeline.warehouse.catalog import install_catalog
from pipeline.warehouse.views import VIEWS

STORAGE_CONFIG = {"storage_compatibility_version": "v1.5.0"}

_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int32: "INTEGER",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Datetime: "TIMESTAMP",
    pl.Boolean: "BOOLEAN",
}

#: DuckDB's memory while publishing (it spills to a temporary file next to the staging file beyond this)
PUBLISH_MEMORY_LIMIT = "512MB"
#: ... and while loading batches, which the main job does while its workers run: the rows go to the file in row
#: groups as they fill, so a small cache costs no time (48,000 reports loaded: 15.1 s at 512MB, 15.6 s at 128MB,
#: peak RSS 472 → 229 MB) and the workers keep the memory
LOAD_MEMORY_LIMIT = "128MB"
#: a commit to the staging file larger than this is checkpointed into the file directly, without a WAL
STAGING_CHECKPOINT_THRESHOLD = "1MB"
#: DuckDB's threads while loading: the workers already keep every core busy, and a second thread costs the load
#: more CPU than it saves (4,000 reports' batches: 0.73-0.92 s of CPU on two threads, 0.49-0.65 s on one)
LOAD_THREADS = 1

TABLE_ORDER = ("reports", "report_sections", *frames.FACT_TABLES, "validation_issues", "ingest_state")
#: tables whose rows belong to one report (all of them: every table has report_id)
REPORT_TABLES = TABLE_ORDER


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse open read-write; the message is one sentence saying so."""


@dataclass
class Changes:
    """What a run applies to the published warehouse."""

    parts_dir: Path
    gone: list[str] = field(default_factory=list)  # report_ids to remove (deleted, edited, reprocessed)
    renames: dict[str, str] = field(default_factory=dict)  # report_id → new source_path (same bytes)
    full_rebuild: bool = False


def table_ddl(table: str) -> str:
    cols = [
        f'"{name}" {frames.DUCKDB_TYPE_OVERRIDES.get((table, name)) or _DUCKDB_TYPES[type(dtype)]}'
        for name, dtype in frames.TABLE_SCHEMAS[table].items()
    ]
    if table in ("reports", "ingest_state"):
        cols[0] += " PRIMARY KEY"
    return f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(cols)})"


def view_ddl() -> list[str]:
    """The views for the common questions (pipeline.warehouse.views), in creation order."""
    return list(VIEWS.values())


@contextmanager
def connect(path: Path, read_only: bool = False):
    """A connection that is always closed, so the file lock never outlives the work."""
    con = duckdb.connect(str(path), read_only=read_only, config={} if read_only else STORAGE_CONFIG)
    try:
        yield con
    finally:
        con.close()


# ---------------------------------------------------------------- leftovers and damaged state

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(path: Path) -> list[Path]:
    """Delete staging files and part folders of earlier runs whose process no longer exists."""
    removed = []
    pattern = re.compile(rf"^{re.escape(path.name)}\.(\d+)\.(staging(?:\.wal)?|parts)$")
    if not path.parent.is_dir():
        return removed
    for leftover in path.parent.iterdir():
        m = pattern.match(leftover.name)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _set_aside_stale_wal(path: Path) -> Path | None:
    wal = path.with_name(path.name + ".wal")
    if not wal.exists():
        return None
    aside = wal.with_name(f"{wal.name}.stale-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(wal, aside)
    return aside


def published_state(path: Path) -> tuple[pl.DataFrame | None, list[str]]:
    """(ingest_state of the published warehouse or None when there is none usable, notes about what was set aside).

    A warehouse that exists but cannot be opened because another process holds it read-write raises
    WarehouseBusy; one that is damaged or from an older layout is rebuilt (None)."""
    notes: list[str] = []
    if not path.exists():
        return None, notes
    for attempt in range(2):
        try:
            with connect(path, read_only=True) as con:
                tables = {r[0] for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
                if "ingest_state" not in tables:
                    notes.append(f"{path.name} has no ingest_state table (built by an older version): rebuilt.")
                    return None, notes
                return con.sql("SELECT * FROM ingest_state").pl(), notes
        except duckdb.Error as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise WarehouseBusy(f"the warehouse {path} is held open read-write by another process "
                                    "(close that connection and run again); nothing was changed.") from exc
            if attempt == 0 and "WAL" in text and (aside := _set_aside_stale_wal(path)) is not None:
                notes.append(f"a stale write-ahead log next to {path.name} did not match it and was moved to "
                             f"{aside.name}.")
                continue
            notes.append(f"{path.name} could not be read ({text.splitlines()[0]}): rebuilt from the raw files.")
            return None, notes
    return None, notes


# ---------------------------------------------------------------- publishing

def batch_dirs(parts_dir: Path) -> list[Path]:
    """The folders below parts_dir that hold a batch's Parquet parts, in order (a batch always has `reports`)."""
    return sorted(p.parent for p in parts_dir.rglob("reports.parquet"))


def _parts(dirs: Iterable[Path], table: str) -> list[str]:
    return [str(f) for d in dirs if (f := d / f"{table}.parquet").exists()]


def _id_list(con: duckdb.DuckDBPyConnection, name: str, ids: Iterable[str]) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (report_id VARCHAR)")
    ids = list(ids)
    if ids:
        con.execute(f"INSERT INTO {name} SELECT unnest(?::VARCHAR[])", [ids])


class Staging:
    """The next warehouse, built in a private file and swapped in whole: `ogi.duckdb.<pid>.staging`, a copy of the
    published file (an empty one for a full rebuild), changed inside one transaction.

        with Staging(path, full_rebuild) as staging:
            staging.load(batch_dirs)            # as often as batches finish: the run loads each as it comes
            counts = staging.publish(gone, renames)     # or finish(gone, renames), then commit_and_swap()

    The main job loads each batch as its worker finishes it, so DuckDB's loading overlaps the batches still
    running instead of following them all. Leaving the block without `publish` (an error) deletes the file: the
    published warehouse is never touched before the atomic `os.replace`."""

    def __init__(self, path: Path, full_rebuild: bool) -> None:
        self.path = path
        self.full_rebuild = full_rebuild
        self.file = path.with_name(f"{path.name}.{os.getpid()}.staging")
        self.con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> Staging:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_file()
        try:
            if self.path.exists() and not self.full_rebuild:
                shutil.copyfile(self.path, self.file)
            self.con = con = duckdb.connect(str(self.file), config=STORAGE_CONFIG)
            # DuckDB would keep up to 80 % of the machine's memory as cache while loading a national corpus;
            # bounded, it writes through to the file instead, so memory does not grow with the corpus
            con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
            con.execute(f"SET threads = {LOAD_THREADS}")
            con.execute("SET preserve_insertion_order = false")
            # the one commit goes straight into the file: above this size DuckDB checkpoints at commit instead of
            # writing the transaction to the WAL first (35 MB of WAL for 4,000 reports, then copied into the file)
            con.execute(f"SET checkpoint_threshold = '{STAGING_CHECKPOINT_THRESHOLD}'")
            con.execute("BEGIN TRANSACTION")
            for table in TABLE_ORDER:
                con.execute(table_ddl(table))
            # issuers whose cross-year comparisons may change (those of removed and of new reports), and the
            # first ingestion time of reports re-built with unchanged bytes (new code or override)
            con.execute("CREATE OR REPLACE TEMP TABLE touched_keys (issuer_key VARCHAR)")
            con.execute("CREATE OR REPLACE TEMP TABLE kept_ingested_at AS "
                        "SELECT report_id, ingested_at FROM reports LIMIT 0")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self._remove_file()

    def _remove_file(self) -> None:
        for file in (self.file, self.file.with_name(self.file.name + ".wal")):
            file.unlink(missing_ok=True)

    def load(self, dirs: Iterable[Path]) -> None:
        """Insert the batches' parts; a report already in the warehouse (reprocessed) is replaced."""
        dirs = list(dirs)
        new_reports = _parts(dirs, "reports")
        if not new_reports:
            return
        con = self.con
        if not self.full_rebuild:  # an empty warehouse holds none of them (every report_id is one batch's)
            con.execute("CREATE OR REPLACE TEMP TABLE replaced AS SELECT report_id, issuer_key, ingested_at "
                        "FROM reports WHERE report_id IN (SELECT report_id FROM read_parquet(?))", [new_reports])
            if con.sql("SELECT count(*) FROM replaced").fetchall()[0][0]:
                con.execute("INSERT INTO touched_keys SELECT DISTINCT issuer_key FROM replaced")
                con.execute("INSERT INTO kept_ingested_at SELECT report_id, ingested_at FROM replaced")
                for table in reversed(TABLE_ORDER):
                    con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM replaced)")
        for table in TABLE_ORDER:
            if files := _parts(dirs, table):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)", [files])
        con.execute("INSERT INTO touched_keys SELECT DISTINCT issuer_key FROM read_parquet(?)", [new_reports])

    def publish(self, gone: Iterable[str] = (), renames: dict[str, str] | None = None) -> dict[str, int]:
        """`finish`, then `commit_and_swap`: the row count of every table."""
        self.finish(gone, renames)
        return self.commit_and_swap()

    def finish(self, gone: Iterable[str] = (), renames: dict[str, str] | None = None) -> None:
        """Remove `gone` reports, apply `renames` (report_id → new source_path), re-run the cross-year rules of the
        issuers touched, recount issues, and install the views and the catalog: the warehouse as it will be
        published, still inside the transaction (`self.con` reads it)."""
        con = self.con
        con.execute(f"SET memory_limit = '{PUBLISH_MEMORY_LIMIT}'")  # the batches are all in: the workers are done
        con.execute("RESET threads")
        _id_list(con, "gone", gone)
        con.execute("""INSERT INTO touched_keys
                       SELECT DISTINCT issuer_key FROM reports WHERE report_id IN (SELECT report_id FROM gone)""")
        for table in reversed(TABLE_ORDER):
            con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM gone)")
        con.execute("""UPDATE reports SET ingested_at = k.ingested_at FROM kept_ingested_at k
                       WHERE reports.report_id = k.report_id""")
        if renames:
            con.execute("CREATE OR REPLACE TEMP TABLE renamed (report_id VARCHAR, source_path VARCHAR)")
            con.execute("INSERT INTO renamed SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                        [list(renames), list(renames.values())])
            for table in ("reports", "ingest_state"):
                con.execute(f"""UPDATE {table} SET source_path = r.source_path FROM renamed r
                                WHERE {table}.report_id = r.report_id""")
        con.execute("""DELETE FROM validation_issues WHERE starts_with(rule_id, 'cross_year.') AND report_id IN
                       (SELECT report_id FROM reports WHERE issuer_key IN (SELECT issuer_key FROM touched_keys))""")
        con.execute(f"INSERT INTO validation_issues BY NAME {cross_year_issues_sql('touched_keys')}")
        con.execute("""UPDATE reports SET n_errors = c.e, n_warnings = c.w FROM (
                           SELECT r.report_id,
                                  CAST(count(v.report_id) FILTER (WHERE v.severity = 'error') AS INTEGER) AS e,
                                  CAST(count(v.report_id) FILTER (WHERE v.severity = 'warning') AS INTEGER) AS w
                           FROM reports r LEFT JOIN validation_issues v USING (report_id)
                           GROUP BY r.report_id) c
                       WHERE reports.report_id = c.report_id
                         AND (reports.n_errors IS DISTINCT FROM c.e OR reports.n_warnings IS DISTINCT FROM c.w)""")
        for ddl in view_ddl():
            con.execute(ddl)
        install_catalog(con)  # primary copies, code_labels, COMMENT ON every table, view and column

    def commit_and_swap(self) -> dict[str, int]:
        """Commit, checkpoint and swap the file in; return the row count of every table. DuckDB releases the GIL
        while it commits, so another thread can go on meanwhile (the run renders quality.html)."""
        con = self.con
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        counts = {t: con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLE_ORDER}
        con.close()
        self.con = None
        os.replace(self.file, self.path)
        _set_aside_stale_wal(self.path)  # a log of the file just replaced can only be stale now
        return counts


def publish(path: Path, changes: Changes) -> dict[str, int]:
    """Apply `changes` to a copy of the published warehouse (an empty one for a full rebuild) and swap it in
    atomically; return the row count of every table."""
    with Staging(path, changes.full_rebuild) as staging:
        staging.load(batch_dirs(changes.parts_dir))
        return staging.publish(changes.gone, changes.renames)


def read_tables(path: Path, tables: Iterable[str] = TABLE_ORDER) -> dict[str, pl.DataFrame]:
    """Whole tables of the published warehouse as polars frames (for tests and small warehouses)."""
    with connect(path, read_only=True) as con:
        return {t: con.sql(f"SELECT * FROM {t}").pl() for t in tables}
