"""Small helpers every stage shares, in a module that imports no other part of the project.

Both `pipeline` and `schemas` import from here, so dependencies run one way: nothing here knows about
reading, tables, validation or the warehouse.
"""

from __future__ import annotations

import polars as pl

#: the short family name of each fact table, as used in rule ids (extract.requests.missing …)
TABLE_FAMILIES = {
    "fact_requests": "requests",
    "fact_review_results": "review",
    "fact_proactive_disclosure": "proactive",
    "fact_legacy_indicators": "legacy",
}


def fmt(template: str, *args: pl.Expr | str) -> pl.Expr:
    """pl.format's contract ('{}' placeholders; str args are column names) via concat_str.

    pl.format panics in polars 2.1 on multi-chunk string columns after a filter (binview
    `i < self.len()`); concat_str does not.
    """
    pieces = template.split("{}")
    if len(pieces) != len(args) + 1:
        raise ValueError(f"{template!r} needs {len(pieces) - 1} arguments, got {len(args)}")
    exprs: list[pl.Expr] = []
    for piece, arg in zip(pieces, [*args, None], strict=True):
        if piece:
            exprs.append(pl.lit(piece))
        if arg is not None:
            exprs.append((pl.col(arg) if isinstance(arg, str) else arg).cast(pl.String))
    return pl.concat_str(exprs)


def extract_issue(
    report_id: str, table: str, what: str, location: str | None, message: str,
    expected: float | None = None, actual: float | None = None, severity: str = "error",
) -> dict:
    """One validation_issues row for a table that is missing, truncated or has cells that cannot be read."""
    return {
        "report_id": report_id,
        "rule_id": f"extract.{TABLE_FAMILIES[table]}.{what}",
        "severity": severity,
        "table_name": table,
        "location": location,
        "expected": expected,
        "actual": actual,
        "message": message,
    }
