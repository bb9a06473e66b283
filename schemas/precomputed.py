"""pandera on a batch, with what passes decided first in one polars query.

pandera runs each check as its own query and collects its pass flag and its output (two to three collects
per check and per non-nullable column, 0.2–1 ms each whatever the batch holds), so a batch paid ~40 of them
although almost every check passes. `failing_part` evaluates every check of a schema by the check's own
function (or takes a window check's mask from `masks`, computed together by `schemas.facts.table_masks`),
and every not-null constraint, all in one query; the schema pandera then validates keeps only what fails,
each failing check returning its computed output. What passes yields no failure case, and what fails is
reported by pandera from the same output, under the same name, error text and options, in the same order:
the same SchemaErrors failure cases as validating the whole schema (only `check_number` counts the checks kept).
`validate_failing` does both steps, and skips pandera altogether when nothing is left to fail but the frame's
structure (its columns and their dtypes), decided by pandera's own dtype test (~3 ms of fixed work per call).
"""

from __future__ import annotations

import copy
from functools import partial

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.constants import CHECK_OUTPUT_KEY


def failing_part(schema: pa.DataFrameSchema, df: pl.DataFrame,
                 masks: pl.DataFrame | None = None) -> pa.DataFrameSchema:
    """A copy of `schema` for validating `df` that keeps only the checks and not-null constraints `df` fails.

    A dataframe check named like a column of `masks` (row-aligned with `df`) takes that column as its output.
    If a check's output cannot be computed here, `schema` is returned whole: pandera runs (and reports) it."""
    lf = df.lazy()
    targets = [(name, check) for name, column in schema.columns.items() for check in column.checks]
    targets += [(None, check) for check in schema.checks]
    outputs, passes = [], []
    try:
        for n, (column, check) in enumerate(targets):
            if column is None and masks is not None and check.name in masks.columns:
                out = masks.lazy().select(check.name)
            else:
                out = _own_output(check, lf, column)
            if isinstance(out, bool):  # pandera's scalar path: leave the check to pandera
                passes.append(pl.lit(False).alias(f"passes{n}"))
                continue
            outputs.append(out.select(pl.first().alias(f"output{n}")))
            passes.append(_passes(pl.col(f"output{n}"), check.ignore_na).alias(f"passes{n}"))
        non_nullable = [name for name, column in schema.columns.items() if not column.nullable and name in df.columns]
        computed = pl.concat([lf.select(non_nullable), *outputs], how="horizontal").collect()
        verdicts = computed.select(*passes, *(_not_null(computed, name).alias(name) for name in non_nullable)
                                   ).row(0, named=True)
    except Exception:  # noqa: BLE001  (pandera reports a check's own error when it runs it)
        return schema
    kept = iter(None if verdicts[f"passes{n}"] else _answering(check, computed, f"output{n}")
                for n, (_, check) in enumerate(targets))  # in the order of `targets`
    schema = copy.copy(schema)
    schema.columns = {name: _failing_column(column, [next(kept) for _ in column.checks], verdicts.get(name, True))
                      for name, column in schema.columns.items()}
    schema.checks = [check for check in (next(kept) for _ in schema.checks) if check is not None]
    return schema


def validate_failing(schema: pa.DataFrameSchema, df: pl.DataFrame, masks: pl.DataFrame | None = None) -> None:
    """`schema.validate(df, lazy=True)` through `failing_part`: raises the same SchemaErrors, or nothing.

    When every check and not-null constraint passes, what pandera would still check is the structure: each
    column present and of its dtype. That is decided here, by the dtypes' own `check` as pandera calls it, and
    pandera runs only when the structure fails (or the schema asks for anything else: it then reports it)."""
    part = failing_part(schema, df, masks)
    if not _only_structure_left(part) or not _structure_holds(part, df):
        part.validate(df, lazy=True)


def _only_structure_left(schema: pa.DataFrameSchema) -> bool:
    """Whether `schema` asks nothing of a frame but its columns and dtypes (no check, not-null constraint,
    uniqueness, coercion, defaults, parsers, strictness or regex column names)."""
    if (schema.checks or schema.unique or schema.coerce or schema.strict or schema.add_missing_columns
            or schema.parsers or getattr(schema, "drop_invalid_rows", False)):
        return False
    return all(not (column.checks or not column.nullable or column.unique or column.coerce or column.regex
                    or column.default is not None or column.parsers)
               for column in schema.columns.values())


def _structure_holds(schema: pa.DataFrameSchema, df: pl.DataFrame) -> bool:
    """Every required column of `schema` is in `df`, and every column present has the schema's dtype, as
    pandera's `check_column_presence` and `check_dtype` decide."""
    for name, column in schema.columns.items():
        if name not in df.schema:
            if column.required:
                return False
            continue
        if column.dtype is not None and not column.dtype.check(df.schema[name], PolarsData(df.lazy(), name)):
            return False
    return True


def _own_output(check: pa.Check, lf: pl.LazyFrame, column: str | None) -> bool | pl.LazyFrame:
    """The check function's output on `lf` (not collected), as pandera's `Check.__call__` computes it: a built-in
    check's function looked up again first (polars registers its own when its backends are)."""
    check = copy.copy(check)
    name = getattr(check._check_fn, "__name__", None)
    if name is not None and check.is_builtin_check(name):
        check._check_fn = check.get_builtin_check_fn(name)
    return check.get_backend(lf)(check).apply(PolarsData(lf, column or "*"))


def _passes(output: pl.Expr, ignore_na: bool) -> pl.Expr:
    """Whether a check with this output passes, as pandera decides (a NULL passes only with ignore_na)."""
    return (output | output.is_null()).all() if ignore_na else output.fill_null(False).all()


def _not_null(df: pl.DataFrame, name: str) -> pl.Expr:
    """Whether a non-nullable column holds no NULL (nor NaN in a float column), as pandera's check_nullable."""
    column = pl.col(name)
    if df.schema[name] in (pl.Float32, pl.Float64):
        return (column.is_not_null() & column.is_not_nan()).all()
    return column.is_not_null().all()


def _failing_column(column: pa.Column, checks: list[pa.Check | None], not_null_holds: bool) -> pa.Column:
    """`column` with only its failing checks, and not-null kept only when it fails."""
    column = copy.copy(column)
    column.checks = [check for check in checks if check is not None]
    if not_null_holds:
        column.nullable = True
    return column


def _answering(check: pa.Check, computed: pl.DataFrame, output: str) -> pa.Check:
    """A copy of `check` (same name, error text and options) that returns its computed output, or the check
    itself when pandera answers it (`output` not computed)."""
    if output not in computed.columns:
        return check
    check = copy.copy(check)
    check._check_fn = partial(_computed_output, computed.select(pl.col(output).alias(CHECK_OUTPUT_KEY)))
    check._check_kwargs = {}
    return check


def _computed_output(output: pl.DataFrame, data: PolarsData) -> pl.LazyFrame:
    return output.lazy()
