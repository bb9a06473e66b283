"""Stage 2: a report's normalized text → fact frames and extract.* issues.

`grid` cuts text into rows whatever the layout; `labels` / `legacy_labels` map printed labels to codes;
`cells` reads one cell; one module per table (`proactive` 二, `requests` 三, `review` 四, `legacy` 统计表).
"""

from __future__ import annotations

import polars as pl

from pipeline import frames
from pipeline.tables.gov import extract_gov_tables, gov_table_columns
from pipeline.tables.legacy import extract_legacy_indicators, legacy_columns

__all__ = ["GOV_TEMPLATES", "extract_gov_tables", "extract_legacy_indicators", "extract_report_tables",
           "gov_table_columns", "legacy_columns", "report_table_columns"]

#: templates whose tables are 二/三/四; every other template is read as a pre-2019 indicator table
GOV_TEMPLATES = ("gov2019", "gov2021")


def extract_report_tables(text: str, report_id: str, template: str) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """The fact tables of one report, by template: the 2019/2021 tables, or the pre-2019 indicator tables."""
    facts, issues = report_table_columns(text, report_id, template)
    return frames.frames_of(facts), issues


def report_table_columns(text: str, report_id: str, template: str) -> tuple[dict[str, frames.Columns], list[dict]]:
    """extract_report_tables as frames.Columns by table (the ingest builds each table's frame once per batch)."""
    if template in GOV_TEMPLATES:
        return gov_table_columns(text, report_id)
    return legacy_columns(text, report_id)
