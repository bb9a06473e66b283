"""Reading a table section through its skeleton's plan (pipeline.tables.skeleton) gives exactly what the table's
reader gives row by row: on every fixture section, planned at first sight, and on sections whose numbers make the
reader say something (a row printed twice, a cell that is no count, an amount without a unit)."""

from pathlib import Path

import pytest

from pipeline.ingest import RawFile, read_one
from pipeline.tables import skeleton
from pipeline.tables.cells import number_skeleton
from pipeline.tables.grid import Row, text_rows
from pipeline.tables.layouts import find_table_sections
from pipeline.tables.proactive import proactive_columns, read_proactive
from pipeline.tables.requests import read_requests, requests_columns
from pipeline.tables.review import read_review, review_columns

FIXTURES = Path(__file__).parent / "fixtures"
READERS = {
    "fact_proactive_disclosure": (proactive_columns, read_proactive),
    "fact_requests": (requests_columns, read_requests),
    "fact_review_results": (review_columns, read_review),
}


@pytest.fixture
def planned_at_first_sight(monkeypatch):
    """Every skeleton planned when first met (the ingest waits for its second sighting), counting plans used."""
    used = []

    def plan_now(table, read, value_readers, found):
        plan = skeleton._plan(table, read, value_readers, found)
        used.append(plan is not None)
        return plan

    monkeypatch.setattr(skeleton, "_recurring_plan", plan_now)
    return used


def _same(table: str, rows: list[Row], report_id: str = "r1") -> None:
    by_skeleton, row_by_row = READERS[table]
    facts, issues = by_skeleton(rows, report_id)
    expected_facts, expected_issues = row_by_row(rows, report_id)
    assert facts.lists == expected_facts.lists
    assert list(facts.lists) == list(expected_facts.lists)
    assert issues == expected_issues


def _fixture_sections() -> list[tuple[str, list[Row]]]:
    sections = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix.lower() in (".txt", ".md", ".html", ".htm") and path.is_file():
            report = read_one(RawFile(path, path.name, "ab" * 32))
            if report.text is not None:
                sections += find_table_sections(text_rows(report.text)).items()
    return sections


def test_every_fixture_section_reads_the_same_through_its_plan(planned_at_first_sight):
    sections = _fixture_sections()
    assert len(sections) > 100
    for table, rows in sections:
        _same(table, rows)
    assert sum(planned_at_first_sight) > len(sections) // 2  # most sections do have a plan


REQUESTS_HEADER = Row(("本机关", "", "", "", "", "", "", ""), 1, "tab"), Row(
    ("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"), 2, "tab")


def _requests_rows(first: tuple[str, ...], second: tuple[str, ...]) -> list[Row]:
    return [*REQUESTS_HEADER, Row(("一、本年新收政府信息公开申请数量", *first), 5, "tab"),
            Row(("二、上年结转政府信息公开申请数量", *second), 9, "tab")]


@pytest.mark.parametrize(("second", "planned"), [
    (("1", "2", "3", "4", "5", "6", "21"), True),  # the common row
    (("1", "2", "3.5", "4", "5", "6", "21"), True),  # no count: an issue naming the cell (read row by row)
    (("1", "12万元", "3", "4", "5", "6", "21"), False),  # a money unit where a count belongs: an issue in the skeleton
    (("增1", "-2", "+3", "减少4", "5", "6", "21"), True),  # signed numbers
    (("", "-", "3", "—", "", "6", "9"), True),  # blanks and placeholders
])
def test_requests_rows_read_the_same_whatever_their_numbers(planned_at_first_sight, second, planned):
    _same("fact_requests", _requests_rows(("7", "0", "0", "0", "0", "0", "7"), second))
    _same("fact_requests", _requests_rows(("8", "1", "0", "0", "0", "0", "9"), second))
    assert planned_at_first_sight == [planned, planned]


def test_a_row_printed_twice_is_read_row_by_row(planned_at_first_sight):
    row = ("一、本年新收政府信息公开申请数量", "1", "2", "3", "4", "5", "6", "21")
    for second in (row[1:], ("1", "2", "3", "4", "5", "6", "22")):
        rows = [*REQUESTS_HEADER, Row(row, 5, "tab"), Row((row[0], *second), 6, "tab")]
        _same("fact_requests", rows)
    assert not any(planned_at_first_sight)  # the texts compared make the two probes differ: no plan


def test_proactive_amounts_by_the_cell_or_header_unit(planned_at_first_sight):
    purchases = [("8493.52万元", "采购总金额"), ("3.5亿元", "采购总金额（元）"), ("7", "采购总金额（万元）"), ("7", "采购总金额")]
    for amount, header in purchases:
        _same("fact_proactive_disclosure", [Row(("第二十条第（九）项", "", ""), 1, "tab"),
                                            Row(("信息内容", "采购项目数量", header), 2, "tab"),
                                            Row(("政府集中采购", "3", amount), 3, "tab")])
    _same("fact_proactive_disclosure", [Row(("信息内容", "本年收费金额（单位:万元）"), 1, "tab"),
                                        Row(("行政事业性收费", "987184.5"), 2, "tab")])
    # an amount under a header without unit is an issue quoting it: read row by row
    assert planned_at_first_sight == [True, True, True, False, True]


def test_review_rows_with_labels_keep_their_numbers(planned_at_first_sight):
    outcomes = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    values = [("1", "2", "3", "4", "10"), ("0", "0", "1", "0", "1"), ("2", "0", "0", "0", "2")]
    rows = [Row(outcomes, 1, "tab")]
    rows += [Row((label, *v), 2 + i, "tab") for i, (label, v) in enumerate(zip(("行政复议", "未经复议直接起诉", "复议后起诉"),
                                                                          values, strict=True))]
    _same("fact_review_results", rows)
    _same("fact_review_results", [Row(outcomes * 3, 1, "tab"), Row(sum(values, ()), 2, "tab")])
    assert all(planned_at_first_sight)


def test_number_skeleton_marks_the_signed_number_only():
    assert number_skeleton("12") == "\x00"
    assert number_skeleton(" 增 12 万元") == " \x00 万元"
    assert number_skeleton("-95") == "\x00"
    assert number_skeleton("1,234.5元") == "\x00元"
    for cell in ("", "-", "无", "行政许可", "第20条", "12a"):
        assert number_skeleton(cell) == cell


def test_a_section_holding_the_mark_itself_is_read_row_by_row(planned_at_first_sight):
    rows = _requests_rows(("7", "0", "0", "0", "0", "0", "7"), ("1", "2", "3", "4", "5", "6", "21"))
    rows[2] = rows[2]._replace(cells=("一、本年新收政府信息公开申请数量\x00", *rows[2].cells[1:]))
    _same("fact_requests", rows)
    assert planned_at_first_sight == []
