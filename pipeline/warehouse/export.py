"""Export every table and view of the warehouse to Parquet or CSV, for tools that do not speak DuckDB.

    ogi-export --format parquet|csv --out DIR [--warehouse FILE]

One file per table and view (`DIR/fact_requests.parquet`, `DIR/requests_by_outcome.csv` …). The warehouse is
opened read-only, so an export never changes it. CSV is UTF-8 with a byte-order mark so Excel shows the
Chinese text (DuckDB's COPY cannot write one: the rows are copied to a temporary file and appended after the
BOM); NULL is an empty field. Parquet keeps the column types (DECIMAL money, BIGINT counts) and DuckDB reads it
back with `SELECT * FROM 'DIR/reports.parquet'`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import duckdb

from pipeline import config

FORMATS = {"parquet": "(FORMAT parquet)", "csv": "(FORMAT csv, HEADER true)"}
UTF8_BOM = b"\xef\xbb\xbf"

_RELATIONS = """
SELECT table_name FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
    AND schema_name = 'main'
UNION ALL
SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database()
    AND schema_name = 'main'
ORDER BY 1
"""


def _sql_string(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_warehouse(warehouse: Path, out_dir: Path, fmt: str) -> dict[str, Path]:
    """Write every table and view of `warehouse` to `out_dir` as `fmt`; return {name: file}."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for (name,) in con.sql(_RELATIONS).fetchall():
            target = out_dir / f"{name}.{fmt}"
            staging = target.with_name(f".{target.name}.partial")
            con.execute(f'COPY (SELECT * FROM "{name}") TO {_sql_string(staging)} {FORMATS[fmt]}')
            if fmt == "csv":
                with_bom = target.with_name(f".{target.name}.bom")
                with with_bom.open("wb") as out, staging.open("rb") as rows:
                    out.write(UTF8_BOM)
                    shutil.copyfileobj(rows, out, 1 << 20)
                staging.unlink()
                staging = with_bom
            staging.replace(target)  # a reader never sees a half-written file
            written[name] = target
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ogi-export", description=__doc__.split("\n")[0])
    parser.add_argument("--format", choices=sorted(FORMATS), required=True)
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="DuckDB file (default $OGI_WAREHOUSE or data/warehouse/ogi.duckdb)")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or config.warehouse_path()
    if not warehouse.is_file():
        print(f"error: warehouse {warehouse} does not exist (run ogi-ingest first)", file=sys.stderr)
        return 2
    try:
        written = export_warehouse(warehouse, args.out, args.format)
    except duckdb.Error as exc:
        print(f"error: cannot export {warehouse}: {exc}", file=sys.stderr)
        return 1
    for name, path in written.items():
        print(f"{name:<28} → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
