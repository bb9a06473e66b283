"""Tables 二, 三 and 四 of a 2019- or 2021-format report → the three fact frames, plus extract.* issues.

    facts, issues = extract_gov_tables(text, report_id)

`text` is the normalized text of the whole report (pipeline.reading.files). The text is cut into rows once
(pipeline.tables.grid), each table's heading opens its section, and each section is read by its own extractor. The
format is detected per table, so hybrids (2021 table 二 with a single （六）其他处理 row) read correctly. An issue
is returned only when a table is missing, truncated or has cells that cannot be placed; a clean report yields none.
"""

from __future__ import annotations

import polars as pl

from pipeline import frames
from pipeline.tables import by_text, proactive, requests, review
from pipeline.tables.flat_text import flat_sections, is_flat
from pipeline.tables.grid import Row, text_rows
from pipeline.tables.layouts import find_table_sections
from pipeline.tables.proactive import proactive_columns
from pipeline.tables.requests import requests_columns
from pipeline.tables.review import review_columns

#: each table's reader: its section's rows → (fact rows as frames.Columns, extract.* issues)
EXTRACTORS = {
    "fact_proactive_disclosure": proactive_columns,
    "fact_requests": requests_columns,
    "fact_review_results": review_columns,
}
#: the same readers as the skeleton plans use them, in EXTRACTORS' order (pipeline.tables.by_text)
SKELETON_READERS = (proactive.SKELETON_READER, requests.SKELETON_READER, review.SKELETON_READER)


def extract_gov_tables(text: str, report_id: str) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """The fact frames of tables 二/三/四 (built through pipeline.frames) and the extract.* issues."""
    facts, issues = gov_table_columns(text, report_id)
    return frames.frames_of(facts), issues


def gov_table_columns(text: str, report_id: str) -> tuple[dict[str, frames.Columns], list[dict]]:
    """The fact rows of tables 二/三/四 by table, and the extract.* issues (columns, so that the ingest builds
    each table's frame once per batch rather than once per report).

    Straight from the text when its tables' region has a known key (pipeline.tables.by_text), else row by row."""
    region = by_text.find_region(text)
    if region is None:
        return read_rows(text, report_id)[0]
    shape = by_text.shape_of(text, region)
    known = by_text.known_plan(text, region, shape)
    if known is not None:
        plan, tokens = known
        read = None if plan is None else by_text.read_tables(plan, tokens, region.line, report_id)
        return read if read is not None else read_rows(text, report_id)[0]
    found, rows, sections = read_rows(text, report_id)
    by_text.learn(text, region, shape, lambda key, n_tokens: by_text.text_plan(
        text, rows, sections, region, key, n_tokens, SKELETON_READERS))
    return found


def read_rows(text: str, report_id: str,
              ) -> tuple[tuple[dict[str, frames.Columns], list[dict]], list[Row], dict[str, list[Row]]]:
    """gov_table_columns row by row: the text cut into rows, each table's section read by its extractor; also
    the rows and sections (a text plan is made from them)."""
    rows = text_rows(text)
    sections = find_table_sections(rows)
    if not sections and is_flat(text):  # crawler text: the tables ran together with the prose in one line
        sections = flat_sections(text)
    facts: dict[str, frames.Columns] = {}
    issues: list[dict] = []
    for table, extract in EXTRACTORS.items():
        facts[table], found = extract(sections.get(table, []), report_id)
        issues.extend(found)
    return (facts, issues), rows, sections
