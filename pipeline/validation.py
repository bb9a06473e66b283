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
from pipeline.metadata import issuer_key
from pipeline.narrative import NARRATIVE_RULES, check_narrative
from schemas.facts import ARITHMETIC_RULES, MODELS, fmt

# --- which rule ids exist, by family (one Dagster asset check per family) -----------------------

SCHEMA_RULES = ("codes", "non_negative", "unique_key", "not_null", "dtype")
CROSS_YEAR_RULES = ("cross_year.carry", "cross_year.in_force")

RULE_FAMILIES: dict[str, list[str]] = {
    "requests": [
        *(r for r in ARITHMETIC_RULES if r.startswith("requests.")),
        *(f"requests.{s}" for s in SCHEMA_RULES),
    ],
    "review": [
        *(r for r in ARITHMETIC_RULES if r.startswith("review.")),
        *(f"review.{s}" for s in SCHEMA_RULES),
    ],
    "proactive": [
        "proactive.article_item",
        "proactive.unit",
        *(f"proactive.{s}" for s in SCHEMA_RULES),
    ],
    "cross_year": list(CROSS_YEAR_RULES),
    "narrative": list(NARRATIVE_RULES),
}

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
    facts: dict[str, pl.DataFrame], reports: pl.DataFrame, texts: dict[str, str]
) -> pl.DataFrame:
    """Every failure of every rule over the frames of all reports, as a validation_issues frame."""
    issues = [validate_tables(facts), check_cross_year(facts, reports)]
    if texts:
        issues.append(check_narrative(facts, reports, texts))
    return frames.concat("validation_issues", issues)


def validate_tables(facts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The pandera models: one lazy validate call per table type."""
    out = []
    for table, (model, family) in MODELS.items():
        df = facts.get(table)
        if df is None or df.height == 0:
            continue
        df = frames.conform(df, table).rechunk()
        try:
            model.validate(df, lazy=True)
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


# --- cross-year rules ----------------------------------------------------------------------------

#: endings that name the same issuer (平潭综合实验区管委会 = 平潭综合实验区; 淮安市人民政府 = 淮安市)
def _with_previous_report(reports: pl.DataFrame) -> pl.DataFrame:
    """(report_id, prev_report_id, issuer, report_year) for every report whose issuer has last year's."""
    keyed = reports.filter(pl.col("issuer").is_not_null() & pl.col("report_year").is_not_null()).select(
        "report_id", "issuer", "report_year", issuer_key(pl.col("issuer")).alias("issuer_key")
    )
    previous = keyed.select(
        pl.col("report_id").alias("prev_report_id"),
        "issuer_key",
        (pl.col("report_year") + 1).alias("report_year"),
    )
    return keyed.join(previous, on=["issuer_key", "report_year"], how="inner").filter(
        pl.col("report_id") != pl.col("prev_report_id")
    )


def check_cross_year(facts: dict[str, pl.DataFrame], reports: pl.DataFrame) -> pl.DataFrame:
    """cross_year.carry and cross_year.in_force over every issuer's consecutive years."""
    pairs = _with_previous_report(reports)
    if pairs.height == 0:
        return frames.empty("validation_issues")
    return frames.concat(
        "validation_issues",
        [
            _carry_issues(pairs, facts.get("fact_requests")),
            _in_force_issues(pairs, facts.get("fact_proactive_disclosure")),
        ],
    )


def _carry_issues(pairs: pl.DataFrame, requests: pl.DataFrame | None) -> pl.DataFrame:
    """This year's 上年结转 (total column) = last year's 结转下年度继续办理."""
    if requests is None or requests.height == 0:
        return frames.empty("validation_issues")
    totals = requests.filter((pl.col("applicant") == "total") & pl.col("value").is_not_null())
    carried_over = totals.filter(pl.col("row_code") == "carried_over").select(
        "report_id", pl.col("value").alias("carried_over")
    ).unique("report_id", keep="first")
    carried_forward = totals.filter(pl.col("row_code") == "carried_forward").select(
        pl.col("report_id").alias("prev_report_id"), pl.col("value").alias("prev_carried_forward")
    ).unique("prev_report_id", keep="first")
    failing = (
        pairs.join(carried_over, on="report_id")
        .join(carried_forward, on="prev_report_id")
        .filter(pl.col("carried_over") != pl.col("prev_carried_forward"))
    )
    return frames.conform(
        failing.select(
            "report_id",
            rule_id=pl.lit("cross_year.carry"),
            severity=pl.lit("warning"),
            table_name=pl.lit("fact_requests"),
            location=fmt("row=carried_over;applicant=total;previous_report={}", pl.col("prev_report_id")),
            expected=pl.col("prev_carried_forward").cast(pl.Float64),
            actual=pl.col("carried_over").cast(pl.Float64),
            message=fmt(
                "{} {}: 上年结转 (carried_over) is {} but the {} report carried forward 结转下年度 {}.",
                pl.col("issuer"),
                pl.col("report_year"),
                pl.col("carried_over"),
                pl.col("report_year") - 1,
                pl.col("prev_carried_forward"),
            ),
        ),
        "validation_issues",
    )


def _in_force_issues(pairs: pl.DataFrame, proactive: pl.DataFrame | None) -> pl.DataFrame:
    """2021 table 二: last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效."""
    if proactive is None or proactive.height == 0:
        return frames.empty("validation_issues")
    measures = (
        proactive.filter(pl.col("measure").is_in(["issued", "repealed", "in_force"]))
        .unique(["report_id", "article", "item", "measure"], keep="first")
        .pivot(on="measure", index=["report_id", "article", "item"], values="value")
    )
    for m in ("issued", "repealed", "in_force"):
        if m not in measures.columns:
            return frames.empty("validation_issues")
    previous = measures.select(
        pl.col("report_id").alias("prev_report_id"), "article", "item", pl.col("in_force").alias("prev_in_force")
    )
    checked = (
        pairs.join(measures, on="report_id")
        .join(previous, on=["prev_report_id", "article", "item"])
        .with_columns(expected=pl.col("prev_in_force") + pl.col("issued") - pl.col("repealed"))
        .filter(pl.col("expected").is_not_null() & pl.col("in_force").is_not_null())
        .filter(pl.col("expected") != pl.col("in_force"))
    )
    return frames.conform(
        checked.select(
            "report_id",
            rule_id=pl.lit("cross_year.in_force"),
            severity=pl.lit("warning"),
            table_name=pl.lit("fact_proactive_disclosure"),
            location=fmt(
                "article={};item={};previous_report={}", pl.col("article"), pl.col("item"), pl.col("prev_report_id")
            ),
            expected=pl.col("expected"),
            actual=pl.col("in_force"),
            message=fmt(
                "{} {} {}: last year's 现行有效 {} + 本年制发 {} − 本年废止 {} = {}, but this year's 现行有效 is {}.",
                pl.col("issuer"),
                pl.col("report_year"),
                pl.col("item"),
                pl.col("prev_in_force").cast(pl.Int64),
                pl.col("issued").cast(pl.Int64),
                pl.col("repealed").cast(pl.Int64),
                pl.col("expected").cast(pl.Int64),
                pl.col("in_force").cast(pl.Int64),
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
