"""Loading the frames into the DuckDB warehouse, all or nothing.

DuckDB lets one process write a file and blocks every other process while it does, so the warehouse is
never written in place: a run builds a complete new file next to it (`ogi.duckdb.<pid>.staging`), inserts every
table inside one transaction, checkpoints, closes, and publishes it with an atomic `os.replace`. A crash
midway leaves the previous warehouse untouched; users' open connections keep their snapshot and new ones see
the new file. The file is created with storage compatibility v1.5.0 so the duckdb CLI (1.5.x) opens it.
Loading is idempotent: the same raw files give the same rows (a report's `ingested_at` is kept from the
previous warehouse while its bytes are unchanged).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import polars as pl

from pipeline import frames
from pipeline.catalog import install_catalog

STORAGE_CONFIG = {"storage_compatibility_version": "v1.5.0"}

_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int32: "INTEGER",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Datetime: "TIMESTAMP",
    pl.Boolean: "BOOLEAN",
}

TABLE_ORDER = ("reports", "report_sections", *frames.FACT_TABLES, "validation_issues")


def table_ddl(table: str) -> str:
    cols = [
        f'"{name}" {frames.DUCKDB_TYPE_OVERRIDES.get((table, name)) or _DUCKDB_TYPES[type(dtype)]}'
        for name, dtype in frames.TABLE_SCHEMAS[table].items()
    ]
    if table == "reports":
        cols[0] += " PRIMARY KEY"
    return f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(cols)})"


def view_ddl() -> list[str]:
    """Views over the tables (requests_by_year: one time series across the 2019 template break)."""
    from pipeline.views import REQUESTS_BY_YEAR_SQL

    return [REQUESTS_BY_YEAR_SQL]


@contextmanager
def connect(path: Path, read_only: bool = False):
    """A connection that is always closed, so the file lock never outlives the work."""
    con = duckdb.connect(str(path), read_only=read_only, config={} if read_only else STORAGE_CONFIG)
    try:
        yield con
    finally:
        con.close()


def previous_ingested_at(path: Path) -> dict[str, object]:
    """report_id → ingested_at from the published warehouse, if it can be read now."""
    if not path.exists():
        return {}
    with suppress(duckdb.Error), connect(path, read_only=True) as con:
        return dict(con.sql("SELECT report_id, ingested_at FROM reports").fetchall())
    return {}


def write_warehouse(path: Path, tables: Mapping[str, pl.DataFrame]) -> dict[str, int]:
    """Build the whole warehouse in a staging file and publish it atomically; return row counts per table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keep = previous_ingested_at(path)
    reports = tables["reports"]
    if keep and reports.height:
        reports = reports.with_columns(
            pl.col("report_id").replace_strict(keep, default=None, return_dtype=pl.Datetime("us")).alias("_prev")
        ).with_columns(pl.coalesce("_prev", "ingested_at").alias("ingested_at")).drop("_prev")
    staged = {**tables, "reports": reports}
    # one staging file per process: two runs at once (CLI beside Dagster) never write into each other's file;
    # the last one to finish is published, whole
    staging = path.with_name(f"{path.name}.{os.getpid()}.staging")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with connect(staging) as con:
            con.execute("BEGIN TRANSACTION")
            for table in TABLE_ORDER:
                con.execute(table_ddl(table))
                df = frames.conform(staged.get(table, frames.empty(table)), table)
                con.register("incoming", df)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
                con.unregister("incoming")
                counts[table] = df.height
            for ddl in view_ddl():
                con.execute(ddl)
            install_catalog(con)  # primary copies, code_labels, the views, COMMENT ON everything
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
        staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
    return counts
