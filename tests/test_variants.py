"""Issue #11: report openings and table layouts met on pages we had not seen. One small fixture per variant in
tests/fixtures/variants/ (real report text with the opening or layout changed as the issue describes); the
expected values were read off each fixture by eye."""

from pathlib import Path

import pytest

from pipeline.ingest import RawFile, read_one
from pipeline.reading.files import read_report
from pipeline.reading.metadata import infer_metadata

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


# --- issuer and year --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, issuer, year",
    [
        # 2012年…报告 title without a body; a cited 《…关于做好2012年…年度报告…的通知》; 现公布XX局2012年…报告
        ("meta_cited_notice.txt", "淮安市洪泽区商务局", 2012),
        # 现将XX（以下简称…）2023年…报告公布如下, no title line
        ("meta_presented_abbrev.txt", "淮安市交通运输局", 2023),
        # site chrome names the portal (淮安市人民政府); the report names its compiler: 本报告由XX编制
        ("meta_chrome.txt", "淮安市洪泽区人民政府办公室", 2024),
        # crawler line: 登录 注册 … 当前位置：首页 > … > title 发布时间 …
        ("meta_chrome_title.txt", "淮安市洪泽区人民政府", 2024),
        ("meta_compiled_by.txt", "淮安市洪泽区人民政府办公室", 2024),
        # no name anywhere but the signature (落款) over its date
        ("meta_signature.txt", "淮安市洪泽区水利局", 2024),
        # XX（以下简称…） in the first sentence
        ("meta_abbreviated.txt", "淮安市自然资源和规划局", 2024),
        # the page's metadata table (发布机构) sits outside the body; <title> ends in the portal's name
        ("meta_html_publisher.html", "淮安市生态环境局", 2024),
        # the title only in <title>, chrome after it
        ("meta_html_title.html", "淮安市洪泽区人民政府", 2023),
        # title without a year; prose mentions 发布了2019年度…年报; 统计期限为2020年…
        ("year_prose_mention.txt", "淮安市洪泽区应急管理局", 2020),
        # 本年度报告中所列数据统计期限从2019年1月1日到12月31日
        ("year_period_from.txt", "淮安市洪泽区民政局", 2019),
        # only 我局, no year anywhere
        ("meta_unnamed.txt", None, None),
    ],
)
def test_issuer_and_year(name, issuer, year):
    result = read_report(VARIANTS / name)
    meta = infer_metadata(result.text, result.page)
    assert (meta.issuer, meta.report_year) == (issuer, year)


def _read(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((VARIANTS / name).read_bytes())
    return read_one(RawFile(path, name, "ab" * 32))


def test_titleless_unnamed_report_loads_partial_with_warnings(tmp_path):
    report = _read(tmp_path, "meta_unnamed.txt")
    assert report.text is not None
    assert (report.row["status"], report.row["issuer"], report.row["report_year"]) == ("partial", None, None)
    assert [(i["rule_id"], i["severity"], i["location"]) for i in report.issues] == [
        ("extract.metadata", "warning", "field=issuer"), ("extract.metadata", "warning", "field=report_year"),
    ]
    assert all(i["message"].startswith("meta_unnamed.txt: ") and i["report_id"] == "ab" * 8 for i in report.issues)


def test_titleless_report_that_names_itself_loads_ok(tmp_path):
    report = _read(tmp_path, "meta_compiled_by.txt")
    assert (report.row["status"], report.row["issuer"], report.row["report_year"]) == (
        "ok", "淮安市洪泽区人民政府办公室", 2024)
    assert report.issues == []


def test_text_that_is_not_a_report_still_fails(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于做好2024年政府信息公开工作的通知\n各单位：请按要求做好信息公开工作。\n", "utf-8")
    report = read_one(RawFile(path, "notice.txt", "cd" * 32))
    assert report.row["status"] == "failed" and report.text is None


# --- table layouts ----------------------------------------------------------------------------------------------

from pipeline.tables import extract_gov_tables  # noqa: E402

PROACTIVE, REQUESTS, REVIEW = "fact_proactive_disclosure", "fact_requests", "fact_review_results"
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")


def _facts(name):
    return extract_gov_tables(read_report(VARIANTS / name).text, name)


def _cells(frame, keys):
    return {tuple(r[k] for k in keys): (r["value"], r["raw_text"]) for r in frame.iter_rows(named=True)}


def _rule_ids(issues):
    return sorted(i["rule_id"] for i in issues)


@pytest.mark.parametrize(
    "name, item, measure, value, raw",
    [
        # labels with bracketed notes; `-` is a blank cell (NULL, raw '-'); the extra 其他主动公开文件 row is skipped
        ("labels_with_notes.txt", "regulation", "new_made", None, "-"),
        ("labels_with_notes.txt", "regulation", "total_published", None, "-"),
        ("labels_with_notes.txt", "normative_document", "total_published", 37.0, "37"),
        ("labels_with_notes.txt", "administrative_license", "decisions", 2841.0, "2841"),
        ("labels_with_notes.txt", "administrative_penalty", "prev_year_items", 1205.0, "1205"),
        ("labels_with_notes.txt", "administrative_coercion", "change", None, "-"),
        ("labels_with_notes.txt", "centralized_procurement", "procurement_amount", 13_156_000.0, "1315.6万元"),
        # 采购总金额（万元）: the unit in brackets without 单位
        ("unit_in_brackets.txt", "centralized_procurement", "procurement_amount", 14_203_500.0, "1420.35"),
        ("unit_in_brackets.txt", "administrative_fee", "change", -2.0, "-2"),
        # table 二 one cell per line
        ("table2_cell_per_line.txt", "regulation", "in_force", 3.0, "3"),
        ("table2_cell_per_line.txt", "normative_document", "issued", 12.0, "12"),
        ("table2_cell_per_line.txt", "normative_document", "repealed", 2.0, "2"),
        ("table2_cell_per_line.txt", "administrative_license", "decisions", 2963.0, "2963"),
        ("table2_cell_per_line.txt", "administrative_coercion", "decisions", 25.0, "25"),
        ("table2_cell_per_line.txt", "administrative_fee", "fee_amount", 0.0, "0"),
        # no 二、主动公开政府信息情况 heading (二、主动公开情况): found by 第二十条第（一）项
        ("missing_heading.txt", "normative_document", "in_force", 8.0, "8"),
        ("missing_heading.txt", "administrative_license", "decisions", 9487.0, "9487"),
        ("missing_heading.txt", "administrative_fee", "fee_amount", 75_450_000.0, "7545"),
    ],
)
def test_table_two_variants(name, item, measure, value, raw):
    facts, _ = _facts(name)
    assert _cells(facts[PROACTIVE], ("item", "measure"))[(item, measure)] == (value, raw)


@pytest.mark.parametrize("name, cells", [
    ("labels_with_notes.txt", 22), ("unit_in_brackets.txt", 22), ("table2_cell_per_line.txt", 10),
    ("missing_heading.txt", 10),
])
def test_table_two_loads_every_cell(name, cells):
    facts, issues = _facts(name)
    assert facts[PROACTIVE].height == cells
    assert not [i for i in issues if i["rule_id"].startswith("extract.proactive")]


def test_table_three_without_its_heading():
    facts, issues = _facts("missing_heading.txt")
    rows = _cells(facts[REQUESTS], ("row_code", "applicant"))
    assert [rows[("new_received", a)][0] for a in APPLICANTS] == [95, 0, 0, 0, 0, 0, 95]
    assert [rows[("unavailable_not_held", a)][0] for a in APPLICANTS] == [31, 0, 0, 0, 0, 0, 31]
    assert facts[REQUESTS].height == 23 * 7  # hybrid: 2021 table 二, one （六）其他处理 row
    assert _rule_ids(issues) == []


def test_table_four_under_another_heading():
    facts, _ = _facts("missing_heading.txt")
    grid = _cells(facts[REVIEW], ("proceeding", "outcome"))
    assert [grid[("administrative_review", o)][0] for o in OUTCOMES] == [1, 1, 0, 0, 2]
    assert [grid[("litigation_after_review", o)][0] for o in OUTCOMES] == [2, 0, 1, 0, 3]


def test_wrapped_labels_in_layout_text():
    facts, issues = _facts("wrapped_labels_layout.txt")
    rows = _cells(facts[REQUESTS], ("row_code", "applicant"))
    assert [rows[("partially_disclosed", a)][0] for a in APPLICANTS] == [12, 0, 0, 0, 0, 1, 13]
    assert [rows[("not_processed_confirmation", a)][0] for a in APPLICANTS] == [0, 3, 0, 0, 0, 0, 3]
    assert [rows[("other_overdue_correction", a)][0] for a in APPLICANTS] == [2, 0, 0, 0, 0, 0, 2]
    assert [rows[("other_overdue_fee", a)][0] for a in APPLICANTS] == [0, 0, 0, 0, 0, 0, 0]
    assert [rows[("total_processed", a)][0] for a in APPLICANTS] == [91, 6, 0, 0, 1, 1, 99]
    assert facts[REQUESTS].height == 25 * 7
    assert not [i for i in issues if i["rule_id"].startswith("extract.requests")]


def test_html_table_four_keeps_trailing_blank_cells():
    facts, issues = _facts("html_trailing_blanks.html")
    grid = _cells(facts[REVIEW], ("proceeding", "outcome"))
    assert [grid[("administrative_review", o)] for o in OUTCOMES] == [(1, "1"), (0, "0"), (2, "2"), (0, "0"),
                                                                       (3, "3")]
    assert [grid[("litigation_direct", o)][0] for o in OUTCOMES] == [12, 0, 0, 0, 12]
    assert [grid[("litigation_after_review", o)] for o in OUTCOMES] == [(None, "")] * 5
    assert not [i for i in issues if i["rule_id"].startswith("extract.review")]


from pipeline.tables.cells import header_unit, read_cell  # noqa: E402
from pipeline.tables.labels import match  # noqa: E402


@pytest.mark.parametrize("kind, printed, code", [
    ("item", "规章（设区的市、自治州人民政府应提供相关数据）", "regulation"),
    ("item", "规范性文件（行政机关制定发布的决定、公告、通告等具有普遍约束力的文件）", "normative_document"),
    ("item", "行政处罚（含简易程序）", "administrative_penalty"),
    ("item", "其他主动公开文件（工作动态、通知公告、人事信息等）", None),
    ("measure", "处理决定数量（指2020年办件量）", "decisions"),
    ("request_row", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_disclosed"),
    ("request_group", "（六）其他处理", "other"),
])
def test_a_bracketed_note_after_a_label_is_ignored(kind, printed, code):
    label = match(kind, printed)
    assert (label.code if label else None) == code


@pytest.mark.parametrize("header, unit", [
    ("采购总金额（万元）", "万元"), ("采购总金额(万元)", "万元"), ("本年收费金额（单位：万元）", "万元"),
    ("采购总金额（元）", "元"), ("采购总金额", None),
])
def test_header_unit_in_brackets(header, unit):
    assert header_unit(header) == unit


def test_dash_is_a_blank_not_zero():
    assert (read_cell("-").kind, read_cell("-").value) == ("null", None)
