"""The warehouse tables as polars schemas: the one place their columns and types are written down.

Every stage (extraction, validation, loading) builds its frames through `frame()` or `empty()` so a
column can never be misspelt or mistyped on the way to DuckDB. The names follow
../shared/DATA_MODEL.md exactly; users' SQL depends on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import SimpleNamespace

import polars as pl

TABLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "reports": {
        "report_id": pl.String(),
        "source_path": pl.String(),
        "source_sha256": pl.String(),
        "issuer": pl.String(),
        "report_year": pl.Int32(),
        "template": pl.String(),
        "script": pl.String(),
        "status": pl.String(),
        "error": pl.String(),
        "n_errors": pl.Int32(),
        "n_warnings": pl.Int32(),
        "ingested_at": pl.Datetime("us"),
        # extensions (DATA_MODEL allows adding columns)
        "issuer_key": pl.String(),  # the issuer with trivial variants folded: one key per body across years
        "encoding": pl.String(),
        "source_format": pl.String(),
        "url": pl.String(),
        "region": pl.String(),
        # the one copy per (issuer_key, report_year) the views use; set in SQL by pipeline.warehouse.primary
        "is_primary": pl.Boolean(),
    },
    "report_sections": {
        "report_id": pl.String(),
        "ordinal": pl.Int32(),
        "heading": pl.String(),
        "body": pl.String(),
    },
    "fact_requests": {
        "report_id": pl.String(),
        "row_code": pl.String(),
        "applicant": pl.String(),
        "value": pl.Int64(),
        "raw_text": pl.String(),
        # provenance (DATA_MODEL: every fact table): the line of the report's normalized text the cell was read
        # from, and where that line came from: 1-based PDF page, the table's and the row's order in the document
        "line": pl.Int32(),
        "page": pl.Int32(),
        "table_no": pl.Int32(),
        "row_no": pl.Int32(),
    },
    "fact_review_results": {
        "report_id": pl.String(),
        "proceeding": pl.String(),
        "outcome": pl.String(),
        "value": pl.Int64(),
        "raw_text": pl.String(),
        # provenance (DATA_MODEL: every fact table): the line of the report's normalized text the cell was read
        # from, and where that line came from: 1-based PDF page, the table's and the row's order in the document
        "line": pl.Int32(),
        "page": pl.Int32(),
        "table_no": pl.Int32(),
        "row_no": pl.Int32(),
    },
    "fact_proactive_disclosure": {
        "report_id": pl.String(),
        "article": pl.String(),
        "item": pl.String(),
        "measure": pl.String(),
        "value": pl.Float64(),
        "unit": pl.String(),
        "raw_text": pl.String(),
        # provenance (DATA_MODEL: every fact table): the line of the report's normalized text the cell was read
        # from, and where that line came from: 1-based PDF page, the table's and the row's order in the document
        "line": pl.Int32(),
        "page": pl.Int32(),
        "table_no": pl.Int32(),
        "row_no": pl.Int32(),
    },
    "fact_legacy_indicators": {
        "report_id": pl.String(),
        "indicator_code": pl.String(),
        "label": pl.String(),
        "unit": pl.String(),
        "value": pl.Float64(),
        "raw_text": pl.String(),
        # extension: 'year' (the report year's column) or 'cumulative' (历年累计), also for rows with no code
        "period": pl.String(),
        # provenance (DATA_MODEL: every fact table): the line of the report's normalized text the cell was read
        # from, and where that line came from: 1-based PDF page, the table's and the row's order in the document
        "line": pl.Int32(),
        "page": pl.Int32(),
        "table_no": pl.Int32(),
        "row_no": pl.Int32(),
    },
    "validation_issues": {
        "report_id": pl.String(),
        "rule_id": pl.String(),
        "severity": pl.String(),
        "table_name": pl.String(),
        "location": pl.String(),
        "expected": pl.Float64(),
        "actual": pl.Float64(),
        "message": pl.String(),
    },
    # internal bookkeeping of incremental runs: what each report was built from (not part of the data model)
    "ingest_state": {
        "report_id": pl.String(),
        "source_path": pl.String(),
        "override_key": pl.String(),
        "code_version": pl.String(),
        # the file as it was hashed: a later run re-hashes it only when its size or modification time changed
        "source_sha256": pl.String(),
        "size": pl.Int64(),
        "mtime_ns": pl.Int64(),
    },
}

#: the provenance columns every fact table carries (filled at ingest from the reader's line origins)
PROVENANCE_COLUMNS = ("page", "table_no", "row_no")

FACT_TABLES = (
    "fact_requests",
    "fact_review_results",
    "fact_proactive_disclosure",
    "fact_legacy_indicators",
)

#: DuckDB types that differ from the polars type's default (DATA_MODEL: money is DECIMAL, not DOUBLE)
DUCKDB_TYPE_OVERRIDES: dict[tuple[str, str], str] = {
    ("fact_proactive_disclosure", "value"): "DECIMAL(20,2)",
}

#: Primary keys, for DDL and for the uniqueness checks.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "reports": ("report_id",),
    "report_sections": ("report_id", "ordinal"),
    "fact_requests": ("report_id", "row_code", "applicant"),
    "fact_review_results": ("report_id", "proceeding", "outcome"),
    "fact_proactive_disclosure": ("report_id", "article", "item", "measure"),
}


def column_types(table: str) -> SimpleNamespace:
    """The table's column types as attributes (`column_types("fact_requests").value` is pl.Int64), for the
    pandera models' annotations: the types are written here once."""
    return SimpleNamespace(**{name: type(dtype) for name, dtype in TABLE_SCHEMAS[table].items()})


def empty(table: str) -> pl.DataFrame:
    """An empty frame with the table's columns and types."""
    return pl.DataFrame(schema=TABLE_SCHEMAS[table])


def frame(table: str, rows: Iterable[Mapping] | Sequence[Sequence]) -> pl.DataFrame:
    """Build a frame of `table` from dict rows (missing keys become NULL) or positional tuples."""
    schema = TABLE_SCHEMAS[table]
    rows = list(rows)
    if not rows:
        return empty(table)
    if isinstance(rows[0], Mapping):  # from_dicts reads the schema's keys only (missing → NULL): ~2.5x cheaper
        return pl.from_dicts(rows, schema=schema)
    return pl.DataFrame(rows, schema=list(schema.items())[: len(rows[0])], orient="row").pipe(conform, table)


_SEQUENCES = (list, tuple)  # what Columns.extend takes as one value per row


class Columns:
    """Rows of one table collected as one list per column, to build the table's frame once per batch.

    The extractors add a report's facts here (`append` one row, `extend` several rows sharing some values);
    the ingest joins the reports' columns (`concat`) and builds one frame (`frame`). A dict per cell and
    `from_dicts` over a batch cost several times what appending to lists and one `pl.DataFrame` cost.
    Columns nobody sets (the provenance, filled at ingest) are NULL."""

    __slots__ = ("table", "lists")

    def __init__(self, table: str):
        self.table = table
        self.lists: dict[str, list] = {name: [] for name in TABLE_SCHEMAS[table]}

    def __len__(self) -> int:
        return len(self.lists["report_id"])

    def append(self, **values) -> None:
        """One row; columns not given are NULL."""
        for name, column in self.lists.items():
            column.append(values.get(name))

    def extend(self, **values) -> None:
        """Several rows: a list or tuple gives one value per row (all the same length), anything else is the
        value of every row; columns not given are NULL."""
        n = next(len(v) for v in values.values() if type(v) in _SEQUENCES)
        for name, column in self.lists.items():
            value = values.get(name)
            column.extend(value if type(value) in _SEQUENCES else [value] * n)

    def concat(self, other: Columns) -> None:
        """Append every row of `other` (of the same table)."""
        for name, column in self.lists.items():
            column.extend(other.lists[name])

    def column(self, name: str) -> list:
        return self.lists[name]

    def frame(self) -> pl.DataFrame:
        """The rows as a frame in the table's schema."""
        return pl.DataFrame(self.lists, schema=TABLE_SCHEMAS[self.table])


def frames_of(facts: dict[str, Columns]) -> dict[str, pl.DataFrame]:
    """Each table's collected rows as its frame (the extractors' frame-returning forms, for one report)."""
    return {table: columns.frame() for table, columns in facts.items()}


def conform(df: pl.DataFrame, table: str) -> pl.DataFrame:
    """Add missing columns as NULL, cast to the table's types and order the columns."""
    schema = TABLE_SCHEMAS[table]
    if df.schema == schema:  # frames built by frame() already conform: no query per frame in concat
        return df
    return df.select(
        [
            (pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c)
            for c, t in schema.items()
        ]
    )


def concat(table: str, frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Concatenate frames of one table type (possibly none).

    When the frames already share the table's schema (those built by `frame()`: one per report), the schema is
    checked once on the result (a strict vertical concat fails on any difference) instead of once per frame
    (~25 µs each: 500 reports' frames cost more to check than to concatenate)."""
    frames = [f for f in frames if f is not None and f.height]
    if not frames:
        return empty(table)
    try:
        joined = pl.concat(frames, how="vertical")
    except pl.exceptions.PolarsError:
        joined = None
    if joined is not None and joined.schema == TABLE_SCHEMAS[table]:
        return joined
    return pl.concat([conform(f, table) for f in frames], how="vertical")
