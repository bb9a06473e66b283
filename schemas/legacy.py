"""legacy.* rules: the sums the 2014 national 统计表 implies, checked on fact_legacy_indicators.

Each rule says a printed total equals the sum of its printed parts (`LEGACY_SUM_RULES`, one data table). The
rules run on all reports at once: the facts are folded into one row per (report, column, rule) with the printed
total as `expected` and the sum of the parts as `actual`, and a pandera schema holds one check per rule on that
frame. A year value and a 历年累计 value (code suffix `.cumulative`) are checked separately.

A rule is applied only where it can be decided: the total and every part are printed with a number (a blank
cell is unknown, not 0), and the report's table does not split that total into parts outside the national form
(Fujian's 电子邮件申请数 / 信函、传真申请数 …, see `pipeline.tables.legacy_labels.LegacyLabel.part_of`). Checks flag;
they never change a value.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from pipeline.frames import conform, empty
from pipeline.tables.legacy_labels import CUMULATIVE_SUFFIX, EXTRA_PART_KEYS, LEGACY_SUM_RULES, label_key
from schemas.precomputed import validate_failing

TABLE = "fact_legacy_indicators"
TOLERANCE = 1e-6

RULE_PARTS = pl.DataFrame(
    [(rule, total, part) for rule, total, parts in LEGACY_SUM_RULES for part in parts],
    schema={"rule_id": pl.String, "total_code": pl.String, "part_code": pl.String},
    orient="row",
)
RULE_TOTALS = RULE_PARTS.group_by("rule_id", "total_code", maintain_order=True).agg(
    pl.col("part_code").alias("parts"), pl.len().cast(pl.UInt32).alias("n_needed")
)
_KEYS = ["report_id", "column", "rule_id"]


def _with_column(df: pl.DataFrame) -> pl.DataFrame:
    """Split indicator_code into its base code and the column it was printed in (year / cumulative)."""
    cumulative = pl.col("indicator_code").str.ends_with(CUMULATIVE_SUFFIX)
    return df.filter(pl.col("indicator_code").is_not_null()).with_columns(
        pl.when(cumulative).then(pl.lit("cumulative")).otherwise(pl.lit("year")).alias("column"),
        pl.col("indicator_code").str.strip_suffix(CUMULATIVE_SUFFIX).alias("code"),
    ).unique(subset=["report_id", "column", "code"], keep="first", maintain_order=True)


def _extra_parts(df: pl.DataFrame) -> pl.DataFrame:
    """(report_id, total_code) where the report prints a part of that total outside the national split."""
    unmapped = df.filter(pl.col("indicator_code").is_null()).select("report_id", "label").unique()
    keys = {label: EXTRA_PART_KEYS.get(label_key(label)) for label in unmapped.get_column("label").to_list()}
    return (
        unmapped.with_columns(pl.col("label").replace_strict(keys, default=None, return_dtype=pl.String)
                              .alias("total_code"))
        .filter(pl.col("total_code").is_not_null())
        .select("report_id", "total_code").unique()
        .with_columns(pl.lit(True).alias("has_extra_part"))
    )


def rule_evaluations(df: pl.DataFrame) -> pl.DataFrame:
    """One row per (report, column, rule) that can be decided: printed total `expected`, parts' sum `actual`."""
    facts = _with_column(conform(df, TABLE))
    totals = facts.join(RULE_TOTALS, left_on="code", right_on="total_code").select(
        "report_id", "column", "rule_id", pl.col("code").alias("total_code"), "parts", "n_needed",
        pl.col("value").alias("expected"),
    )
    parts = (
        facts.filter(pl.col("value").is_not_null())
        .join(RULE_PARTS, left_on="code", right_on="part_code")
        .group_by(_KEYS)
        .agg(pl.col("value").sum().alias("actual"), pl.len().cast(pl.UInt32).alias("n_present"))
    )
    return (
        totals.join(parts, on=_KEYS, how="left")
        .join(_extra_parts(df), on=["report_id", "total_code"], how="left")
        .filter(
            pl.col("expected").is_not_null()
            & (pl.col("n_present") == pl.col("n_needed"))
            & pl.col("has_extra_part").is_null()
        )
        .select(*_KEYS, "total_code", "parts", "expected", "actual")
        .sort(_KEYS)
    )


def _sum_check(rule_id: str) -> pa.Check:
    def holds(data) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("rule_id") != rule_id) | ((pl.col("expected") - pl.col("actual")).abs() <= TOLERANCE)
        )

    return pa.Check(holds, name=rule_id)


LEGACY_SCHEMA = pa.DataFrameSchema(
    {
        "report_id": pa.Column(str),
        "column": pa.Column(str, pa.Check.isin(["year", "cumulative"])),
        "rule_id": pa.Column(str),
        "expected": pa.Column(float),
        "actual": pa.Column(float),
    },
    checks=[_sum_check(rule_id) for rule_id, _, _ in LEGACY_SUM_RULES],
    name="legacy",
)


def check_legacy_indicators(df: pl.DataFrame) -> pl.DataFrame:
    """Run the legacy.* sum rules on fact_legacy_indicators of all reports; return validation_issues rows."""
    evaluations = rule_evaluations(df)
    if evaluations.is_empty():
        return empty("validation_issues")
    try:
        validate_failing(LEGACY_SCHEMA, evaluations)
        return empty("validation_issues")
    except pa.errors.SchemaErrors as errors:
        failed_rows = errors.failure_cases.get_column("index").drop_nulls().unique().sort().to_list()
    failed = evaluations.with_row_index("index").filter(pl.col("index").is_in(failed_rows))
    issues = failed.select(
        "report_id",
        "rule_id",
        pl.lit("error").alias("severity"),
        pl.lit(TABLE).alias("table_name"),
        pl.format("indicator={}; column={}", "total_code", "column").alias("location"),
        "expected",
        "actual",
        pl.format(
            "{} ({} column) is printed as {} but its parts ({}) add up to {}",
            "total_code", "column", pl.col("expected").round(4), pl.col("parts").list.join(" + "),
            pl.col("actual").round(4),
        ).alias("message"),
    )
    return conform(issues, "validation_issues")
