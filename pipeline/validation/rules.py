"""Validation: every rule over the fact frames of all reports, every failure one `validation_issues` row.

    issues = validate_facts(facts, reports, texts)

* Table rules run as pandera models (schemas/facts.py), one validate call per table type over all
  reports, lazy=True so every failure is collected: codes, non-negative counts, unique keys and the
  template arithmetic (requests.row_sum, .org_subtotal, .balance, .outcome_sum; review.sum).
  Severity 'error'.
* cross_year.carry / cross_year.in_force compare a report with the same issuer's previous year
  (plain polars joins). Severity 'warning'.
* narrative.* compares figures stated in the prose with the tables (pipeline/narrative.py).
  Severity 'warning'.

Checks flag, they never rewrite data. NULL policy (a blank cell is unknown, not 0): see
schemas/facts.py for the arithmetic rules; a cross-year or narrative comparison with a blank or
missing operand is skipped (no issue). `expected` is the value the rule derives from other cells
(the sum of the parts, last year's figure, the table value for narrative), `actual` the value
being checked (the printed total, this year's figure, the number stated in the prose).
Locations: `row=<row_code>`, `applicant=<applicant>`, `proceeding=<proceeding>`,
`article=<a>;item=<i>`, several joined with ';'.
"""

from __future__ import annotations

import pandera.errors
import polars as pl

from pipeline import frames
from pipeline.common import fmt
from pipeline.validation.cross_year import check_cross_year
from pipeline.validation.narrative import check_narrative
from schemas.facts import ARITHMETIC_RULES, MODELS, table_masks
from schemas.precomputed import validate_failing

#: where each table's rows are, for the location of a column-level failure
KEY_LOCATIONS: dict[str, pl.Expr] = {
    "fact_requests": fmt("row={};applicant={}", pl.col("row_code"), pl.col("applicant")),
    "fact_review_results": fmt("proceeding={};outcome={}", pl.col("proceeding"), pl.col("outcome")),
    "fact_proactive_disclosure": fmt(
        "article={};item={};measure={}", pl.col("article"), pl.col("item"), pl.col("measure")
    ),
}

#: pandera check names (prefixes) → the rule name after the family
_PANDERA_CHECKS = (
    ("isin", "codes"),
    ("greater_than_or_equal_to", "non_negative"),
    ("multiple_fields_uniqueness", "unique_key"),
    ("not_nullable", "not_null"),
    ("dtype", "dtype"),
    ("column_in_dataframe", "dtype"),
)


def validate_facts(
    facts: dict[str, pl.DataFrame], reports: pl.DataFrame | None, texts: dict[str, str], cross_year: bool = True
) -> pl.DataFrame:
    """Every failure of every rule over the frames of the given reports, as a validation_issues frame.

    `cross_year=False` leaves out the rules that compare reports (a batch does not hold its neighbours; the
    warehouse load runs them in SQL); only those read `reports`."""
    issues = [validate_tables(facts)]
    if cross_year:
        issues.append(check_cross_year(facts, reports))
    if texts:
        issues.append(check_narrative(facts, reports, texts))
    return frames.concat("validation_issues", issues)


def validate_tables(facts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The pandera models: one lazy validate call per table type.

    The window checks' masks are computed first, in one query per table (`table_masks`), every other check's
    output in one more, and pandera validates what fails (`validate_failing`): the same failure cases, without
    pandera's fixed queries for each check that passes (nor its call at all when nothing fails)."""
    out = []
    for table, (model, family) in MODELS.items():
        df = facts.get(table)
        if df is None or df.height == 0:
            continue
        df = frames.conform(df, table).rechunk()
        try:
            validate_failing(model.to_schema(), df, table_masks(df, table))
        except pandera.errors.SchemaErrors as exc:
            out.append(failures_to_issues(exc.failure_cases, df, table, family))
    return frames.concat("validation_issues", out)


def failures_to_issues(failure_cases: pl.DataFrame, df: pl.DataFrame, table: str, family: str) -> pl.DataFrame:
    """pandera's failure cases → issue rows; arithmetic failures get both numbers recomputed."""
    cases = failure_cases.select("check", "column", "failure_case", "index").with_columns(
        rule_id=pl.when(pl.col("check").str.starts_with(f"{family}."))
        .then(pl.col("check"))
        .otherwise(fmt("{}.{}", pl.lit(family), _schema_rule_name(pl.col("check"))))
    )
    arithmetic = cases.filter(pl.col("check").is_in(list(ARITHMETIC_RULES)))
    other = cases.filter(~pl.col("check").is_in(list(ARITHMETIC_RULES)))
    parts = [_arithmetic_issues(arithmetic, df, table, rule_id) for rule_id in arithmetic["rule_id"].unique()]
    parts.append(_row_issues(other, df, table))
    return frames.concat("validation_issues", parts)


def _schema_rule_name(check: pl.Expr) -> pl.Expr:
    expr = pl.lit("schema")
    for prefix, name in reversed(_PANDERA_CHECKS):
        expr = pl.when(check.str.starts_with(prefix)).then(pl.lit(name)).otherwise(expr)
    return expr


def _arithmetic_issues(cases: pl.DataFrame, df: pl.DataFrame, table: str, rule_id: str) -> pl.DataFrame:
    """Recompute expected/actual/location for the blamed rows (windows are per report: a subset suffices)."""
    rule = ARITHMETIC_RULES[rule_id]
    index = cases.filter(pl.col("rule_id") == rule_id)["index"].cast(pl.UInt32)
    indexed = df.with_row_index("__i")
    failing_reports = indexed.filter(pl.col("__i").is_in(index.implode()))["report_id"].unique()
    detail = (
        indexed.filter(pl.col("report_id").is_in(failing_reports.implode()))
        .pipe(rule.numbers)
        .filter(pl.col("__i").is_in(index.implode()))
        .with_columns(rule.wording())
    )
    return frames.conform(
        detail.with_columns(
            rule_id=pl.lit(rule_id), severity=pl.lit("error"), table_name=pl.lit(table)
        ),
        "validation_issues",
    )


def _row_issues(cases: pl.DataFrame, df: pl.DataFrame, table: str) -> pl.DataFrame:
    """Column-level failures (codes, signs, keys): the offending cell and its key."""
    if cases.height == 0:
        return frames.empty("validation_issues")
    located = df.with_row_index("__i").select(
        pl.col("__i").cast(pl.Int64), "report_id", KEY_LOCATIONS[table].alias("location"), "value"
    )
    joined = cases.with_columns(pl.col("index").cast(pl.Int64)).join(
        located, left_on="index", right_on="__i", how="left"
    )
    return frames.conform(
        joined.with_columns(
            severity=pl.lit("error"),
            table_name=pl.lit(table),
            actual=pl.col("value").cast(pl.Float64),
            message=fmt(
                "{} {}: {} fails the check {} (value {}).",
                pl.lit(table),
                pl.col("location").fill_null("(whole table)"),
                pl.col("column"),
                pl.col("check"),
                pl.col("failure_case").str.slice(0, 200),
            ),
        ),
        "validation_issues",
    )


def with_issue_counts(reports: pl.DataFrame, issues: pl.DataFrame) -> pl.DataFrame:
    """reports with n_errors / n_warnings counted from the issues (0 when a report has none)."""
    counts = issues.group_by("report_id").agg(
        (pl.col("severity") == "error").sum().cast(pl.Int32).alias("n_errors"),
        (pl.col("severity") == "warning").sum().cast(pl.Int32).alias("n_warnings"),
    )
    return frames.conform(
        reports.drop("n_errors", "n_warnings", strict=False)
        .join(counts, on="report_id", how="left")
        .with_columns(pl.col("n_errors").fill_null(0), pl.col("n_warnings").fill_null(0)),
        "reports",
    )
