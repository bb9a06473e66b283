"""Stage 2: a report's normalized text → fact frames and extract.* issues.

`grid` cuts text into rows whatever the layout; `labels` / `legacy_labels` map printed labels to codes;
`cells` reads one cell; one module per table (`proactive` 二, `requests` 三, `review` 四, `legacy` 统计表).
"""

from __future__ import annotations

import polars as pl

from pipeline.tables.gov import extract_gov_tables
from pipeline.tables.legacy import extract_legacy_indicators

#: templates whose tables are 二/三/四; every other template is read as a pre-2019 indicator table
GOV_TEMPLATES = ("gov2019", "gov2021")


def extract_report_tables(text: str, report_id: str, template: str) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """The fact tables of one report, by template: the 2019/2021 tables, or the pre-2019 indicator tables."""
    if template in GOV_TEMPLATES:
        return extract_gov_tables(text, report_id)
    return extract_legacy_indicators(text, report_id)
