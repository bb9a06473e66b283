"""Issue #14 (analyst part): the views, primary copies, the self-describing schema, export and quality.html.

The warehouse is built by run_pipeline over the five seeds plus 平潭's 2019 and 2020 pages and the crawler text
of the same 2019 report (a second copy). Expected values were read off the sources by a person:
seed 000 (株洲市 2019) table 三, 总计 column: 本年新收 501, 上年结转 68, （一）予以公开 305, （二）部分公开 19,
（三）不予公开 2+1+1+1+1+3+0+6 = 15, （四）无法提供 110+16+12 = 138, （五）不予处理 1+8+1+1+1 = 12, （六）其他处理 5,
（七）总计 546, 结转下年度 23; table 四 行政复议: 维持 0, 纠正 3, 驳回申请 20, 尚未审结 0, 总计 23.
Seed 002 (湘潭市 2016, 统计表): 行政复议数量 97 = 维持 60 + 纠错 17 + 其他 20; 行政诉讼 197 = 149 + 2 + 46.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipeline.run import run_pipeline
from pipeline.warehouse import quality_report
from pipeline.warehouse.catalog import TABLE_COMMENTS
from pipeline.warehouse.load import table_ddl
from pipeline.warehouse.primary import mark_primary_copies
from schemas.facts import APPLICANTS, PROCEEDINGS, REQUEST_ROWS, REVIEW_OUTCOMES
from tests.conftest import CORPUS, SEEDS

PINGTAN_COPIES = ("pingtan/zone_2019.html", "pingtan/zone_2020.html", "text/005_pingtan_zone_2019_flat.txt")
ZHUZHOU = "000_683ce4d00f0cce4b.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("analyst")
    raw = root / "raw"
    shutil.copytree(SEEDS, raw)
    for rel in PINGTAN_COPIES:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, raw / rel)
    warehouse = root / "warehouse" / "ogi.duckdb"
    run_pipeline(raw, warehouse)
    return warehouse


@pytest.fixture(scope="module")
def con(built):
    connection = duckdb.connect(str(built), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str, *params) -> dict:
    rel = con.execute(sql, list(params))
    names = [d[0] for d in rel.description]
    rows = rel.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


# ---------------------------------------------------------------- requests_by_outcome


def test_requests_by_outcome_zhuzhou_2019(con):
    row = one(con, "SELECT * FROM requests_by_outcome WHERE issuer = '株洲市' AND report_year = 2019")
    assert {k: row[k] for k in ("received", "carried_over", "processed", "disclosed", "partially_disclosed",
                                "withheld", "unavailable", "not_processed", "other", "carried_forward")} == {
        "received": 501, "carried_over": 68, "processed": 546, "disclosed": 305, "partially_disclosed": 19,
        "withheld": 15, "unavailable": 138, "not_processed": 12, "other": 5, "carried_forward": 23,
    }
    assert row["disclosure_rate"] == pytest.approx((305 + 19) / 546)
    assert row["template"] == "gov2019" and row["issuer_key"] == "株洲市"


def test_requests_by_outcome_columns_and_types(con):
    cols = con.sql("SELECT column_name, data_type FROM duckdb_columns() "
                   "WHERE table_name = 'requests_by_outcome' ORDER BY column_index").fetchall()
    counts = ["received", "carried_over", "processed", "disclosed", "partially_disclosed", "withheld",
              "unavailable", "not_processed", "other", "carried_forward"]
    assert cols == [("issuer", "VARCHAR"), ("issuer_key", "VARCHAR"), ("report_year", "INTEGER"),
                    ("template", "VARCHAR"), ("report_id", "VARCHAR"), *((c, "BIGINT") for c in counts),
                    ("disclosure_rate", "DOUBLE")]


def test_one_row_per_issuer_and_year_from_the_page_not_the_crawler_text(con):
    rows = con.sql("""SELECT r.source_path FROM requests_by_outcome v JOIN reports r USING (report_id)
                      WHERE v.issuer_key = '平潭综合实验区' AND v.report_year = 2019""").fetchall()
    assert rows == [("pingtan/zone_2019.html",)]
    dupes = con.sql("SELECT issuer_key, report_year FROM requests_by_outcome GROUP BY ALL HAVING count(*) > 1")
    assert dupes.fetchall() == []
    years = con.sql("SELECT report_year FROM requests_by_year WHERE issuer_key = '平潭综合实验区' ORDER BY 1")
    assert years.fetchall() == [(2019,), (2020,)]


def test_a_report_without_table_three_shows_nulls_not_zeros(con):
    # seed 001: table 三 prints 2 numbers for 7 columns, so nothing is loaded (extract.requests.ambiguous)
    row = one(con, "SELECT * FROM requests_by_outcome WHERE issuer = '新乐市人民政府'")
    assert row["received"] is None and row["withheld"] is None and row["disclosure_rate"] is None


# ---------------------------------------------------------------- review_outcomes


def test_review_outcomes_zhuzhou_administrative_review(con):
    row = one(con, "SELECT * FROM review_outcomes WHERE issuer = '株洲市' AND proceeding = 'administrative_review'")
    assert (row["upheld"], row["corrected"], row["other"], row["pending"], row["total"]) == (0, 3, 20, 0, 23)
    assert row["correction_rate"] == pytest.approx(3 / 23)


def test_review_outcomes_pre_2019_from_the_indicators(con):
    rows = con.sql("""SELECT proceeding, upheld, corrected, other, pending, total, correction_rate, source_table
                      FROM review_outcomes WHERE issuer = '湘潭市' AND report_year = 2016
                      ORDER BY proceeding""").fetchall()
    assert rows == [
        ("administrative_review", 60, 17, 20, None, 97, pytest.approx(17 / 97), "fact_legacy_indicators"),
        ("litigation", 149, 2, 46, None, 197, pytest.approx(2 / 197), "fact_legacy_indicators"),
    ]


def test_review_outcomes_never_divides_by_zero(con):
    # 平潭 2019 table 四 is all zeros: no decided case, so no rate (not 0, not an error)
    rates = con.sql("""SELECT DISTINCT correction_rate FROM review_outcomes
                       WHERE issuer_key = '平潭综合实验区' AND report_year = 2019""").fetchall()
    assert rates == [(None,)]


# ---------------------------------------------------------------- report_quality


def test_report_quality_one_row_per_report_with_failing_rules(con):
    assert con.sql("SELECT count(*) FROM report_quality").fetchall() == [(8,)]
    row = one(con, "SELECT * FROM report_quality WHERE source_path = ?", ZHUZHOU)
    assert (row["issuer"], row["report_year"], row["status"], row["n_errors"], row["n_warnings"]) == (
        "株洲市", 2019, "ok", 5, 0)
    assert row["failed_rules"] == "requests.outcome_sum, requests.row_sum"
    flat = one(con, "SELECT * FROM report_quality WHERE source_path = ?", PINGTAN_COPIES[2])
    assert flat["status"] == "partial" and flat["is_primary"] is False
    assert flat["failed_rules"] == "extract.proactive.ambiguous"  # tables 三/四 solved; 二 has no sums to fix it


# ---------------------------------------------------------------- primary copies


def test_exactly_one_primary_copy_per_issuer_and_year(con):
    rows = con.sql("""SELECT issuer_key, report_year, count(*) FILTER (WHERE is_primary) AS n
                      FROM reports WHERE status <> 'failed' GROUP BY ALL""").fetchall()
    assert rows and all(n == 1 for *_, n in rows)
    assert con.sql("SELECT count(*) FROM reports WHERE is_primary IS NULL").fetchall() == [(0,)]


PRIMARY_CASES = [
    # (copies as (report_id, status, non-blank cells, n_errors), the primary report_id)
    pytest.param([("a", "partial", 200, 0), ("b", "ok", 10, 3)], "b", id="ok-before-partial"),
    pytest.param([("a", "ok", 10, 0), ("b", "ok", 161, 4)], "b", id="most-cells"),
    pytest.param([("a", "ok", 161, 2), ("b", "ok", 161, 0)], "b", id="fewest-errors"),
    pytest.param([("b", "ok", 161, 0), ("a", "ok", 161, 0)], "a", id="stable-tie-break"),
    pytest.param([("a", "failed", 0, 0), ("b", "partial", 0, 1)], "b", id="failed-never"),
    pytest.param([("a", "failed", 0, 0)], None, id="failed-alone-never"),
]


@pytest.mark.parametrize(("copies", "primary"), PRIMARY_CASES)
def test_mark_primary_copies_prefers_the_most_complete_copy(copies, primary):
    with duckdb.connect(":memory:") as mem:
        for table in ("reports", "fact_requests", "fact_review_results", "fact_proactive_disclosure",
                      "fact_legacy_indicators"):
            mem.execute(table_ddl(table))
        for rid, status, cells, errors in copies:
            mem.execute("INSERT INTO reports (report_id, issuer_key, report_year, status, n_errors, n_warnings) "
                        "VALUES (?, '某市', 2020, ?, ?, 0)", [rid, status, errors])
            mem.execute("INSERT INTO fact_requests (report_id, row_code, applicant, value, raw_text) "
                        "SELECT ?, 'r' || i, 'total', i, CAST(i AS VARCHAR) "
                        "FROM range(?) t(i)", [rid, cells])
        # another issuer's report is primary on its own, and so is a report whose year is unknown
        mem.execute("INSERT INTO reports (report_id, issuer_key, report_year, status, n_errors, n_warnings) "
                    "VALUES ('z', '他市', 2020, 'ok', 0, 0), ('y', '某市', NULL, 'ok', 0, 0)")
        mark_primary_copies(mem)
        marked = dict(mem.sql("SELECT report_id, is_primary FROM reports").fetchall())
    assert marked.pop("z") is True and marked.pop("y") is True
    assert marked == {rid: rid == primary for rid, *_ in copies}


# ---------------------------------------------------------------- self-describing schema


def test_every_table_view_and_column_has_a_comment(con):
    own = "NOT internal AND database_name = current_database() AND schema_name = 'main'"
    relations = con.sql(f"""SELECT table_name, comment FROM duckdb_tables() WHERE {own}
                            UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE {own}""").fetchall()
    assert {name for name, _ in relations} == set(TABLE_COMMENTS)
    assert [name for name, comment in relations if not (comment or "").strip()] == []
    uncommented = con.sql(f"""SELECT table_name, column_name FROM duckdb_columns()
                              WHERE {own} AND coalesce(trim(comment), '') = ''""").fetchall()
    assert uncommented == []
    blank = one(con, "SELECT comment FROM duckdb_columns() WHERE table_name = 'fact_requests' "
                     "AND column_name = 'value'")["comment"]
    assert "NULL" in blank and "blank" in blank


def test_code_labels_show_codes_as_printed(con):
    label = one(con, """SELECT label FROM code_labels WHERE table_name = 'fact_requests'
                        AND column_name = 'row_code' AND code = 'disclosed'""")["label"]
    assert label == "（一）予以公开"
    assert one(con, """SELECT label FROM code_labels WHERE table_name = 'fact_review_results'
                       AND column_name = 'outcome' AND code = 'corrected'""")["label"] == "结果纠正"
    assert one(con, """SELECT label FROM code_labels WHERE table_name = 'fact_proactive_disclosure'
                       AND column_name = 'article' AND code = '20.9'""")["label"] == "第二十条第（九）项"
    assert one(con, """SELECT label FROM code_labels WHERE table_name = 'fact_legacy_indicators'
                       AND code = 'review.corrected'""")["label"] == "被依法纠错数"


@pytest.mark.parametrize(("table", "column", "codes"), [
    ("fact_requests", "row_code", set(REQUEST_ROWS)),
    ("fact_requests", "applicant", set(APPLICANTS)),
    ("fact_review_results", "proceeding", set(PROCEEDINGS)),
    ("fact_review_results", "outcome", set(REVIEW_OUTCOMES)),
])
def test_code_labels_cover_every_code_the_schema_allows(con, table, column, codes):
    labelled = con.execute("SELECT code FROM code_labels WHERE table_name = ? AND column_name = ?",
                           [table, column]).fetchall()
    assert sorted(c for (c,) in labelled) == sorted(codes)


def test_every_loaded_code_has_a_label(con):
    missing = con.sql("""
        SELECT 'row_code', row_code FROM fact_requests
        WHERE row_code NOT IN (SELECT code FROM code_labels WHERE column_name = 'row_code')
        UNION ALL SELECT 'item', item FROM fact_proactive_disclosure
        WHERE item NOT IN (SELECT code FROM code_labels WHERE column_name = 'item')
        UNION ALL SELECT 'measure', measure FROM fact_proactive_disclosure
        WHERE measure NOT IN (SELECT code FROM code_labels WHERE column_name = 'measure')
        UNION ALL SELECT 'indicator_code', indicator_code FROM fact_legacy_indicators
        WHERE indicator_code NOT IN (SELECT code FROM code_labels WHERE column_name = 'indicator_code')""")
    assert missing.fetchall() == []


def test_money_is_decimal_and_counts_are_bigint(con):
    types = dict(con.sql("""SELECT table_name || '.' || column_name, data_type FROM duckdb_columns()
                            WHERE column_name = 'value'""").fetchall())
    assert types["fact_proactive_disclosure.value"] == "DECIMAL(20,2)"
    assert types["fact_requests.value"] == types["fact_review_results.value"] == "BIGINT"
    # seed 000 table 二: 政府集中采购 采购总金额 19.07亿元
    amount = one(con, """SELECT f.value FROM fact_proactive_disclosure f JOIN reports r USING (report_id)
                         WHERE r.source_path = ? AND f.measure = 'procurement_amount'""", ZHUZHOU)["value"]
    assert amount == Decimal("1907000000.00")


# ---------------------------------------------------------------- export

RELATIONS = sorted(TABLE_COMMENTS)  # every table and view of the warehouse (the comment test pins the list)


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory) -> Path:
    """`ogi-export` as a user runs it, in both formats."""
    out = tmp_path_factory.mktemp("export")
    cli = Path(sys.executable).with_name("ogi-export")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "pipeline.warehouse.export"]
    for fmt in ("parquet", "csv"):
        proc = subprocess.run([*command, "--format", fmt, "--out", str(out / fmt), "--warehouse", str(built)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
    return out


def test_export_writes_every_table_and_view(exported):
    for fmt in ("parquet", "csv"):
        assert sorted(p.stem for p in (exported / fmt).iterdir()) == RELATIONS, fmt


def test_parquet_reads_back_with_the_same_counts_and_types(con, exported):
    with duckdb.connect(":memory:") as mem:
        for name in RELATIONS:
            path = exported / "parquet" / f"{name}.parquet"
            assert mem.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall() == \
                con.sql(f"SELECT count(*) FROM {name}").fetchall(), name
        row = mem.execute("SELECT received, processed, withheld, unavailable FROM read_parquet(?) "
                          "WHERE issuer = '株洲市'", [str(exported / "parquet" / "requests_by_outcome.parquet")])
        assert row.fetchall() == [(501, 546, 15, 138)]
        types = dict(mem.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                 [str(exported / "parquet" / "fact_proactive_disclosure.parquet")]).fetchall())
        assert types["value"] == "DECIMAL(20,2)"


def test_csv_is_utf8_with_a_bom_and_keeps_the_chinese_text(con, exported):
    for name in RELATIONS:
        data = (exported / "csv" / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2), name
    text = (exported / "csv" / "requests_by_outcome.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("issuer,issuer_key,report_year,template,report_id,received,")
    zhuzhou = next(line for line in lines if line.startswith("株洲市,"))
    assert ",501,68,546,305,19,15,138,12,5,23," in zhuzhou
    with duckdb.connect(":memory:") as mem:
        counts = mem.execute("SELECT count(*) FROM read_csv(?, header = true)",
                             [str(exported / "csv" / "fact_requests.csv")]).fetchall()
    assert counts == con.sql("SELECT count(*) FROM fact_requests").fetchall()


def test_export_of_a_missing_warehouse_is_a_clear_error(tmp_path):
    from pipeline.warehouse.export import main

    assert main(["--format", "csv", "--out", str(tmp_path / "out"), "--warehouse", str(tmp_path / "no.duckdb")]) == 2


# ---------------------------------------------------------------- quality.html

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")


class _Text(HTMLParser):
    """The visible text of a page (no style), one chunk per text node."""

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data.strip())


def page_text(dom: str) -> str:
    parser = _Text()
    parser.feed(dom)
    return " ".join(parser.chunks)


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory) -> str:
    """quality.html as headless Chromium renders it (its DOM after loading), as text."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium not installed (apt-get install -y chromium; .ci/run installs it)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    page = built.with_name("quality.html")
    proc = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return page_text(proc.stdout)


def test_quality_html_is_written_next_to_the_warehouse(built):
    page = built.with_name("quality.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page


# seed 000 table 三: rows whose six applicant columns do not add up to the printed 总计 (read off the file)
ZHUZHOU_ROW_SUMS = [
    ("partially_disclosed", "（二）部分公开", (31, 2, 0, 6, 0, 0), 39, 19),
    ("unavailable_not_held", "1.本机关不掌握相关政府信息", (109, 6, 0, 5, 0, 2), 122, 110),
    ("unavailable_needs_compilation", "2.没有现成信息需要另行制作", (21, 1, 0, 4, 0, 0), 26, 16),
    ("not_processed_complaint", "1.信访举报投诉类申请", (11, 0, 0, 0, 0, 0), 11, 1),
]


@pytest.mark.parametrize(("row", "label", "cells", "parts_sum", "printed"), ZHUZHOU_ROW_SUMS)
def test_quality_html_lists_zhuzhou_row_sum_findings(rendered, row, label, cells, parts_sum, printed):
    assert sum(cells) == parts_sum
    section = rendered[rendered.index("株洲市 2019"):]
    section = section[:section.index(" — ", section.index("— ok —") + 5)]  # up to the next report's heading
    finding = f"requests.row_sum error fact_requests row={row} {parts_sum} {printed}"
    assert finding in section
    after = section[section.index(finding):]
    message = f"Table 三 row {row}: the six applicant columns sum to {parts_sum} but the printed total (总计) = {printed}."
    assert after.startswith(f"{finding} {message}")
    # the cells involved: six applicant cells and the printed total, each with value and raw_text
    applicants = ("natural_person 自然人", "commercial_enterprise 商业企业", "research_institution 科研机构",
                  "social_welfare_org 社会公益组织", "legal_service_org 法律服务机构", "other_org 其他", "total 总计")
    table = after[len(finding) + len(message) + 2:].split("rule severity")[0]
    assert table.startswith("row_code applicant value raw_text")
    for applicant, value in zip(applicants, (*cells, printed), strict=True):
        assert f"{row} {label}" in table and f"{applicant} {value} {value}" in table, (row, applicant)
    assert table.count(f"{row} ") == 7  # those seven cells, not the whole table


def test_quality_html_puts_failing_reports_first(rendered):
    headings = [rendered.index(h) for h in ("新乐市人民政府 2019 — partial", "株洲市 2019 — ok — 5 error(s)",
                                            "湘潭市 2016 — ok — 0 error(s), 1 warning(s)",
                                            "Reports without findings")]
    assert headings == sorted(headings)
    clean = rendered[rendered.index("Reports without findings"):]
    assert "平顶山市人民政府" in clean and "株洲市" not in clean


def test_quality_html_escapes_report_text():
    """Report text is untrusted: an issuer or message with markup is shown as text, never as markup."""
    from pipeline.warehouse.quality_report import render_quality_report

    hostile = '<img src=x onerror="alert(1)">市'
    with duckdb.connect(":memory:") as mem:
        for table in ("reports", "fact_requests", "validation_issues"):
            mem.execute(table_ddl(table))
        mem.execute("INSERT INTO reports (report_id, source_path, issuer, report_year, status, n_errors, "
                    "n_warnings) VALUES ('r1', 'a<b>.txt', ?, 2020, 'ok', 1, 0)", [hostile])
        mem.execute("INSERT INTO fact_requests (report_id, row_code, applicant, value, raw_text) "
                    "VALUES ('r1', 'disclosed', 'total', 5, '<i>5</i>')")
        mem.execute("INSERT INTO validation_issues VALUES ('r1', 'narrative.disclosed', 'error', 'fact_requests', "
                    "'row=disclosed', 5, 6, '</td><script>alert(2)</script>')")
        page = render_quality_report(mem, "ogi.duckdb")
    assert "<img" not in page and "<script" not in page and "<i>" not in page and "<b>" not in page
    assert html.escape(hostile) in page and "&lt;i&gt;5&lt;/i&gt;" in page


# ---------------------------------------------------------------- the whole fixture corpus (conftest's warehouse)


def test_requests_by_outcome_2021_format_adds_the_three_other_rows(corpus_warehouse):
    """淮安市 2024 (gov2021), read off corpus/text/001: （六） is printed in three rows, 71 + 6 + 110."""
    con, report_ids = corpus_warehouse
    rows = con.sql("SELECT * FROM requests_by_outcome WHERE report_year = 2024 AND issuer_key = '淮安市'").pl()
    assert rows.height == 1  # 008 is a fragment of the same report: not primary
    row = rows.row(0, named=True)
    assert row["report_id"] == report_ids["corpus/text/001_huaian_city_2024.txt"]
    assert {k: row[k] for k in ("received", "carried_over", "processed", "disclosed", "partially_disclosed",
                                "withheld", "unavailable", "not_processed", "other", "carried_forward")} == {
        "received": 3119, "carried_over": 34, "processed": 3050, "disclosed": 1362, "partially_disclosed": 454,
        "withheld": 2 + 31 + 5 + 6 + 8 + 12 + 9 + 105, "unavailable": 769 + 11 + 1, "not_processed": 62 + 25 + 1,
        "other": 71 + 6 + 110, "carried_forward": 103,
    }


def test_no_issuer_has_two_rows_for_a_year_in_any_view(corpus_warehouse):
    con, _ = corpus_warehouse
    for view, key in (("requests_by_outcome", "issuer_key, report_year"), ("requests_by_year", "issuer_key, report_year"),
                      ("review_outcomes", "issuer_key, report_year, proceeding")):
        assert con.sql(f"SELECT {key} FROM {view} GROUP BY ALL HAVING count(*) > 1").fetchall() == [], view


@pytest.mark.parametrize(("rows", "n"), [("WITHHELD_ROWS", 8), ("UNAVAILABLE_ROWS", 3), ("NOT_PROCESSED_ROWS", 5),
                                         ("OTHER_SUB_ROWS", 3)])
def test_outcome_groups_have_the_templates_row_counts(rows, n):
    import pipeline.warehouse.views

    assert len(getattr(pipeline.warehouse.views, rows)) == n


def test_quality_html_stays_bounded_on_a_national_warehouse(con, monkeypatch):
    """With more failing reports than the page details, it shows the first ones (failing first) and counts the
    rest, so its size does not grow with the corpus."""
    monkeypatch.setattr(quality_report, "MAX_DETAILED_REPORTS", 1)
    monkeypatch.setattr(quality_report, "MAX_LISTED_CLEAN", 1)
    page = quality_report.render_quality_report(con, "ogi.duckdb")
    failing = con.sql("SELECT count(*) FROM report_quality WHERE status <> 'ok' OR n_errors > 0 "
                      "OR n_warnings > 0").fetchall()[0][0]
    clean = con.sql("SELECT count(*) FROM report_quality").fetchall()[0][0] - failing
    assert f"{failing - 1} more with findings and {clean - 1} more clean reports" in page
    assert page.count("<h2>") <= 3  # one detailed report, the clean list, nothing else


@pytest.mark.parametrize("text", ['<script>alert("x")</script>', "A&B 'q' >", "&amp; already", "第一条（一）", "",
                                  "\u00a0&#39;", "1 < 2 > 0"])
def test_the_quality_page_escapes_exactly_as_html_escape(text):
    assert quality_report._esc(text) == html.escape(text, quote=True)
    assert quality_report._num(text) == html.escape(text)
