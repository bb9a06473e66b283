"""One asset check per rule family over `validation_issues`: failure count and a sample of failures.

Checks never block: the data loads unchanged and the failures are in the warehouse; the checks make them
visible in the UI at a glance (which reports fail, where, expected vs actual).
"""


import dagster as dg
import polars as pl

from assets.ingestion import validation_issues
from pipeline.ingest import ReportText
from pipeline.validation.families import FAMILY_DESCRIPTIONS, RULE_FAMILIES

SAMPLE_SIZE = 20


def family_failures(issues: pl.DataFrame, family: str) -> pl.DataFrame:
    return issues.filter(pl.col("rule_id").str.starts_with(f"{family}."))


def _make_check(family: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=validation_issues,
        name=f"{family}_rules",
        description=f"{family}.*: {description}",
        additional_ins={"report_texts": dg.AssetIn("report_texts")},
        blocking=False,
    )
    def _check(validation_issues: pl.DataFrame, report_texts: list[ReportText]) -> dg.AssetCheckResult:
        failures = family_failures(validation_issues, family)
        paths = pl.DataFrame(
            {"report_id": [r.row["report_id"] for r in report_texts],
             "report": [r.row["source_path"] for r in report_texts]},
            schema={"report_id": pl.String, "report": pl.String},
        )
        sample = (
            failures.join(paths, on="report_id", how="left")
            .select("report", "rule_id", "location", "expected", "actual", "message")
            .head(SAMPLE_SIZE)
        )
        with pl.Config(tbl_formatting="MARKDOWN", tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True,
                       fmt_str_lengths=120, tbl_cols=-1, tbl_rows=SAMPLE_SIZE):
            table = str(sample)
        has_errors = failures.filter(pl.col("severity") == "error").height > 0
        return dg.AssetCheckResult(
            passed=failures.height == 0,
            severity=dg.AssetCheckSeverity.ERROR if has_errors else dg.AssetCheckSeverity.WARN,
            metadata={
                "failures": failures.height,
                "reports_failing": failures["report_id"].n_unique(),
                "by_rule": dg.MetadataValue.json(
                    dict(failures.group_by("rule_id").len().sort("rule_id").iter_rows())
                ),
                "sample": dg.MetadataValue.md(table if failures.height else "no failures"),
            },
        )

    return _check


rule_family_checks = [_make_check(family, FAMILY_DESCRIPTIONS[family]) for family in RULE_FAMILIES]
