"""cross_year.*: a report against the same issuer's report of the previous year (warnings).

`cross_year.carry`: this year's 上年结转 = last year's 结转下年度继续办理 (total column);
`cross_year.in_force`: 2021 table 二, last year's 现行有效 + 本年制发 − 本年废止 = this year's 现行有效.
Issuers are matched by `issuer_key`, so 平潭综合实验区管委会 and 平潭综合实验区 are one body.
"""

from __future__ import annotations

import polars as pl

from pipeline import frames
from pipeline.common import fmt
from pipeline.reading.metadata import issuer_key

CROSS_YEAR_RULES = ("cross_year.carry", "cross_year.in_force")


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
