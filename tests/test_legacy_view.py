"""requests_by_year: legacy and 2019+ requests counts on one series per issuer, in a throwaway DuckDB."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.frames import concat, frame
from pipeline.reading.files import read_report
from pipeline.reading.metadata import issuer_key
from pipeline.tables.legacy import extract_legacy_indicators
from pipeline.warehouse.views import REQUESTS_BY_YEAR_SQL

FIXTURES = Path(__file__).parent / "fixtures"
PINGTAN = FIXTURES / "corpus" / "pingtan"

REPORTS = [  # report_id, source, issuer, year, template, status
    ("county12", PINGTAN / "county_2012.html", "平潭县人民政府", 2012, "legacy", "ok"),
    ("zone15", PINGTAN / "zone_2015.html", "平潭综合实验区管委会", 2015, "legacy", "ok"),
    ("zone19", PINGTAN / "zone_2019.html", "平潭综合实验区", 2019, "gov2019", "ok"),
    ("xt16", FIXTURES / "seeds" / "002_a1ae499f7f2fe0ec.txt", "湘潭市人民政府", 2016, "stat2014", "ok"),
    ("dsj13", PINGTAN / "dishuiju_2013.html", "平潭综合实验区地方税务局", 2013, "legacy", "ok"),
    ("bad", None, None, None, None, "failed"),
]

# zone_2019.html table 三, column 总计, read off the page: 新收 23, 予以公开 7, 部分公开 1, 不予公开 0 in all
# eight rows, （七）总计 23; the natural-person column is the same, which the view must not add in.
ZONE_2019_REQUESTS = {"new_received": 23, "carried_over": 0, "disclosed": 7, "partially_disclosed": 1,
                      **{f"withheld_{r}": 0 for r in ("state_secret", "prohibited_by_law", "security_stability",
                                                      "third_party_rights", "internal_affairs",
                                                      "process_information", "enforcement_file", "query_matter")},
                      "unavailable_not_held": 7, "total_processed": 23, "carried_forward": 0}


@pytest.fixture(scope="module")
def view() -> pl.DataFrame:
    reports = frame("reports", [
        {"report_id": rid, "issuer": issuer, "report_year": year, "template": template, "status": status,
         "ingested_at": datetime(2026, 1, 1)}
        for rid, _, issuer, year, template, status in REPORTS
    ]).with_columns(issuer_key(pl.col("issuer")).alias("issuer_key"))
    legacy = concat("fact_legacy_indicators", [
        extract_legacy_indicators(read_report(path).text, rid)[0]["fact_legacy_indicators"]
        for rid, path, _, _, template, _ in REPORTS if template in ("legacy", "stat2014")
    ])
    requests = frame("fact_requests", [
        {"report_id": "zone19", "row_code": code, "applicant": applicant, "value": value, "raw_text": str(value)}
        for code, value in ZONE_2019_REQUESTS.items() for applicant in ("natural_person", "total")
    ])
    con = duckdb.connect(":memory:")
    try:
        for name, df in (("reports", reports), ("fact_legacy_indicators", legacy), ("fact_requests", requests)):
            con.register(f"{name}_df", df)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_df")
        con.execute(REQUESTS_BY_YEAR_SQL)
        return con.sql("SELECT * FROM requests_by_year ORDER BY issuer_key, report_year").pl()
    finally:
        con.close()


def _row(view: pl.DataFrame, report_id: str) -> dict:
    return view.filter(pl.col("report_id") == report_id).row(0, named=True)


def test_columns(view):
    assert view.columns[:5] == ["issuer_key", "issuer", "report_year", "report_id", "template"]
    assert {"received", "processed", "granted", "partially_granted", "refused"} <= set(view.columns)


def test_legacy_and_2019_reports_of_one_issuer_share_a_key(view):
    zone = view.filter(pl.col("issuer_key") == "平潭综合实验区")
    assert zone.get_column("report_id").to_list() == ["zone15", "zone19"]
    assert _row(view, "county12")["issuer_key"] == "平潭县"
    assert _row(view, "dsj13")["issuer_key"] == "平潭综合实验区地方税务局"


def test_2019_counts_come_from_the_total_column(view):
    row = _row(view, "zone19")
    counts = [row[c] for c in ("received", "processed", "granted", "partially_granted", "refused")]
    assert counts == [23, 23, 7, 1, 0]


def test_legacy_counts(view):
    county = _row(view, "county12")  # 受理 21, 答复 21, 同意公开 17, 同意部分公开 2, 否决公开 2
    assert [county[c] for c in ("received", "processed", "granted", "partially_granted", "refused")] == [
        21, 21, 17, 2, 2]
    seed = _row(view, "xt16")  # 收到 687, 答复 687, 同意公开 336, 同意部分公开 43, 不同意公开 41
    assert [seed[c] for c in ("received", "processed", "granted", "partially_granted", "refused")] == [
        687, 687, 336, 43, 41]


def test_cumulative_values_are_not_used(view):
    assert _row(view, "zone15")["received"] == 0  # 2015年度 0; 历年累计 1


def test_report_without_table_shows_a_gap_and_failed_reports_are_left_out(view):
    row = _row(view, "dsj13")
    assert row["received"] is None and row["processed"] is None
    assert "bad" not in view.get_column("report_id").to_list()
