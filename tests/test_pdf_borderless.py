"""PDF tables printed without ruled lines (issue #10 follow-up): rows rebuilt from column x-ranges.

tests/fixtures/documents/pdf/borderless/ holds the pingtan report bodies printed by Chromium with every table
border removed (scripts/make_borderless_pdfs.py); their table markup is the page's own, so the golden files of
the source pages (tests/golden/gov/zone_2019.json, zone_2024.json) are their truth, cell for cell. The layout
cases below were read off the rendered pages (pdftoppm) by eye.
"""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl
import pytest

from pipeline.reading.files import read_report
from pipeline.tables.gov import extract_gov_tables
from tests import test_golden_gov as gov

BORDERLESS = Path(__file__).parent / "fixtures" / "documents" / "pdf" / "borderless"
#: (file, table) pairs whose rebuild does not yet equal the golden reading (work in progress, strict xfail)
NOT_YET = {(stem, table) for stem in ("zone_2019", "zone_2024")
           for table in ("fact_requests", "fact_proactive_disclosure")}
COPIES = {BORDERLESS / "zone_2019.pdf": "zone_2019", BORDERLESS / "zone_2024.pdf": "zone_2024"}


@functools.cache
def _read(path: Path):
    return read_report(path)


@functools.cache
def _gov(path: Path) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    facts, issues = extract_gov_tables(_read(path).text, report_id=gov.REPORT_ID)[:2]
    return facts, issues


@pytest.mark.parametrize(
    ("path", "table"),
    [pytest.param(path, table, id=f"{path.stem}-{gov.SHORT_NAMES[table]}",
                  marks=pytest.mark.xfail(reason="not yet read cell for cell", strict=True)
                  if (path.stem, table) in NOT_YET else ())
     for path in COPIES for table in gov.TABLE_KEYS],
)
def test_borderless_tables_equal_golden(path, table):
    gov._assert_matches_golden(COPIES[path], table, _gov(path)[0][table])


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in _read(path).text.split("\n") if "\t" in line]


def _row(path: Path, starts: str) -> list[str]:
    return next(cells for cells in _rows(path) if any(cell.startswith(starts) for cell in cells))
