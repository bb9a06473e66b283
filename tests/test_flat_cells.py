"""Tables whose cells ran together (crawler text, issue #12): split by the template's arithmetic, or not at all.

Real texts are checked against the same reports' web pages, read cell by cell by a person
(tests/golden/gov/zone_2019.json ↔ text/005, zone_2024.json ↔ text/007, legacy/county_2011.json ↔ text/004).
The property tests generate tables that satisfy the templates' arithmetic, flatten them with and without
surviving spaces, and require that the solver never returns a unique splitting other than the truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.reading.files import read_report
from pipeline.tables.flat import (
    COUNT,
    MONEY,
    REVIEW_COLUMNS,
    REVIEW_KEY,
    FlatRow,
    legacy_constraints,
    proactive_constraints,
    request_constraints,
    review_constraints,
    solve,
    split_row,
)
from pipeline.tables.gov import extract_gov_tables
from pipeline.tables.labels import APPLICANT_ORDER, codes
from pipeline.tables.legacy import extract_legacy_indicators
from schemas.facts import OTHER_SUB_ROWS, OUTCOME_ROWS

TESTS = Path(__file__).parent
TEXT = TESTS / "fixtures" / "corpus" / "text"
GOLDEN = TESTS / "golden"
REQUESTS, REVIEW, PROACTIVE = "fact_requests", "fact_review_results", "fact_proactive_disclosure"
SEVEN = (COUNT,) * len(APPLICANT_ORDER)


def _row_sum(key):
    return [c for c in request_constraints([key]) if c.rule_id == "requests.row_sum"]


# --- single runs from the issue and the corpus ------------------------------------------------------------------

@pytest.mark.parametrize("run, expected", [
    ("230 000023", ("23", "0", "0", "0", "0", "0", "23")),  # text/005 本年新收: the space survived
    ("23 0 00 0 023", ("23", "0", "0", "0", "0", "0", "23")),  # text/005 （七）总计
    ("21710000218", ("217", "1", "0", "0", "0", "0", "218")),  # text/007 本年新收
    ("1100002", ("1", "1", "0", "0", "0", "0", "2")),  # text/007 （六）3.其他
    ("7000007", ("7", "0", "0", "0", "0", "0", "7")),  # seven digits for seven cells
])
def test_a_row_sum_fixes_a_row(run, expected):
    assert split_row(FlatRow("r", run, SEVEN), _row_sum("r")) == [expected]


@pytest.mark.parametrize("run, kinds, truth", [
    ("898989", (COUNT,) * 3, ("89", "89", "89")),  # text/005 规范性文件: no arithmetic in 2019's table 二
    ("6233440", (COUNT,) * 3, ("62", "33", "440")),  # text/007 行政规范性文件
    ("13575394432.52元", (COUNT, MONEY), ("135", "75394432.52元")),  # text/005 政府集中采购
    ("350", (COUNT,) * 2, ("35", "0")),  # text/005 行政事业性收费 上一年项目数量 / 本年增减
])
def test_runs_without_arithmetic_are_ambiguous_and_list_the_truth(run, kinds, truth):
    solution = solve([FlatRow("r", run, kinds)], max_candidates=50)
    assert solution.status == "ambiguous" and solution.cells is None
    assert truth in [c["r"] for c in solution.candidates]


@pytest.mark.parametrize("run, kinds, splittings", [
    ("000", (COUNT,) * 3, [("0", "0", "0")]),  # a lone 0 only: no 00
    ("1 00", (COUNT,) * 2, []),  # 00 is not a number, and the space keeps the 1 apart
    ("100", (COUNT,) * 2, [("10", "0")]),  # not 1/00
    ("12.5", (COUNT,) * 2, []),  # a count has no decimals
    ("12.5元", (COUNT, MONEY), [("1", "2.5元")]),  # the unit stays with the amount, the point inside a cell
    ("7元", (COUNT,), []),  # a unit only in a money column
    ("1234567890", (COUNT,), []),  # wider than any count in these reports
])
def test_plausible_cells(run, kinds, splittings):
    assert split_row(FlatRow("r", run, kinds)) == splittings


def test_table_four_of_2024_is_fixed_by_its_three_sums():
    # text/007: 17 digits for 15 cells; golden zone_2024: 复议 2,1,3,1,7; 直接起诉 0×5; 复议后起诉 13,2,4,0,19
    solution = solve([FlatRow(REVIEW_KEY, "21317000001324019", (COUNT,) * 15)], review_constraints())
    assert solution.status == "unique"
    assert solution.cells[REVIEW_KEY] == ("2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19")


def test_cross_year_in_force_when_last_year_is_known():
    # issued / repealed / in_force = 9 / 4 / 105 after 100 last year: the only splitting of 94105 that chains
    measures = {"n": ["issued", "repealed", "in_force"]}
    solution = solve([FlatRow("n", "94105", (COUNT,) * 3)], proactive_constraints(measures, {"n": 100}))
    assert solution.status == "unique" and solution.cells["n"] == ("9", "4", "105")
    # text/007: 470 last year, 6233440 printed — no splitting chains (the page prints 62/33/440 ≠ 499): not loaded
    broken = solve([FlatRow("n", "6233440", (COUNT,) * 3)], proactive_constraints(measures, {"n": 470}))
    assert broken.status == "none" and broken.cells is None


def test_a_constraint_on_a_missing_row_is_not_used():
    solution = solve([FlatRow("new_received", "1120", SEVEN[:3])], request_constraints(["new_received"]))
    assert solution.status == "ambiguous"  # the row_sum names 7 columns; this row has 3, so it must not apply


# --- the real texts against the golden cells of the same reports -------------------------------------------------

def _golden_gov(name):
    data = json.loads((GOLDEN / "gov" / name).read_text(encoding="utf-8"))
    requests = {(r, a): v for r, cells in data["fact_requests"].items() for a, v in cells.items()}
    review = {(p, o): v for p, cells in data["fact_review_results"].items() for o, v in cells.items()}
    proactive = {(c["item"], c["measure"]): c["value"] for c in data["fact_proactive_disclosure"]}
    return {REQUESTS: requests, REVIEW: review, PROACTIVE: proactive}


_KEYS = {REQUESTS: ("row_code", "applicant"), REVIEW: ("proceeding", "outcome"), PROACTIVE: ("item", "measure")}


def _loaded(facts):
    return {
        table: {(r[a], r[b]): r["value"] for r in facts[table].iter_rows(named=True)}
        for table, (a, b) in _KEYS.items()
    }


@pytest.mark.parametrize("text, golden", [
    ("005_pingtan_zone_2019_flat.txt", "zone_2019.json"),
    ("007_pingtan_zone_2024_flat.txt", "zone_2024.json"),
])
def test_every_loaded_cell_equals_the_web_page(text, golden):
    facts, issues = extract_gov_tables(read_report(TEXT / text).text, "t")
    truth, loaded = _golden_gov(golden), _loaded(facts)
    for table in _KEYS:
        assert {k: v for k, v in loaded[table].items() if truth[table].get(k) != v} == {}, table
    # a table not loaded is reported, with its candidates
    for table in _KEYS:
        if not loaded[table]:
            assert any(i["table_name"] == table and i["rule_id"].endswith(".ambiguous") and "candidates" in i["message"]
                       for i in issues), table


def test_2019_text_loads_every_table_whose_splitting_is_unique():
    facts, issues = extract_gov_tables(read_report(TEXT / "005_pingtan_zone_2019_flat.txt").text, "t")
    truth, loaded = _golden_gov("zone_2019.json"), _loaded(facts)
    assert loaded[REQUESTS] == truth[REQUESTS]  # all 23 × 7 cells
    assert loaded[REVIEW] == truth[REVIEW]
    # table 二 of 2019 has no arithmetic: 898989 could be 89/89/89 or 8/98/989 …, so it is reported, not loaded
    assert loaded[PROACTIVE] == {}
    assert [i["rule_id"] for i in issues] == ["extract.proactive.ambiguous"]


def test_2024_text_loads_tables_three_and_four_and_reports_table_two():
    facts, issues = extract_gov_tables(read_report(TEXT / "007_pingtan_zone_2024_flat.txt").text, "t")
    truth, loaded = _golden_gov("zone_2024.json"), _loaded(facts)
    assert loaded[REQUESTS] == truth[REQUESTS]
    assert loaded[REVIEW] == truth[REVIEW]
    assert [i["rule_id"] for i in issues] == ["extract.proactive.ambiguous"]
    assert "row=1:行政规范性文件: [6,2,33440]" in issues[0]["message"]  # 6233440 is listed among the candidates


def test_2011_legacy_text_loads_its_statistics_table():
    facts, issues = extract_legacy_indicators(read_report(TEXT / "004_pingtan_county_2011_flat.txt").text, "t")
    df = facts["fact_legacy_indicators"]
    golden = json.loads((GOLDEN / "legacy" / "county_2011.json").read_text(encoding="utf-8"))["rows"]
    assert issues == []
    got = {(r["label"], r["period"]): r["value"] for r in df.iter_rows(named=True)}
    want = {(g["label"], p): float(g[c]) for g in golden for p, c in (("year", "value"), ("cumulative", "cumulative"))}
    assert got == want
    assert df.filter(pl.col("label") == "2.政府公报公开")["unit"].to_list() == ["条", "条"]


# --- property: generated consistent tables, flattened, never split wrongly ---------------------------------------

_count = st.one_of(st.just(0), st.integers(0, 9), st.integers(0, 99), st.integers(0, 9_999))


def _flatten(cells, spaces):
    """Join cells, keeping a space at the boundaries `spaces` marks (crawlers keep some, most are lost)."""
    out = cells[0]
    for cell, space in zip(cells[1:], spaces, strict=False):
        out += (" " if space else "") + cell
    return out


@st.composite
def request_tables(draw):
    """A table 三 that satisfies row_sum, outcome_sum and balance, 2019 or 2021 (one or three （六） rows)."""
    template = draw(st.sampled_from(["gov2019", "gov2021"]))
    outcome_rows = (*OUTCOME_ROWS, *(OTHER_SUB_ROWS if template == "gov2021" else ("other",)))
    parts = len(APPLICANT_ORDER) - 1
    table = {r: [draw(st.one_of(st.just(0), _count)) for _ in range(parts)] for r in outcome_rows}
    table["total_processed"] = [sum(table[r][c] for r in outcome_rows) for c in range(parts)]
    table["carried_forward"] = [draw(st.integers(0, 20)) for _ in range(parts)]
    table["carried_over"] = [draw(st.integers(0, table["total_processed"][c] + table["carried_forward"][c]))
                             for c in range(parts)]
    table["new_received"] = [table["total_processed"][c] + table["carried_forward"][c] - table["carried_over"][c]
                             for c in range(parts)]
    order = [c for c in codes("request_row", template) if c in table]
    return {r: tuple(str(v) for v in (*table[r], sum(table[r]))) for r in order}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request_tables(), st.lists(st.booleans(), min_size=6, max_size=6), st.integers(0, 2))
def test_requests_solver_never_returns_a_wrong_unique_answer(truth, spaces, space_mode):
    mask = {0: [False] * 6, 1: [True] * 6, 2: spaces}[space_mode]
    rows = [FlatRow(r, _flatten(cells, mask), SEVEN) for r, cells in truth.items()]
    solution = solve(rows, request_constraints(truth))
    assert solution.status != "none"  # the truth satisfies the arithmetic, so something fits
    if solution.status == "unique":
        assert solution.cells == truth


@st.composite
def review_tables(draw):
    cells = []
    for _ in range(3):
        block = [draw(_count) for _ in range(4)]
        cells += [*block, sum(block)]
    return tuple(str(v) for v in cells)


@settings(max_examples=100, deadline=None)
@given(review_tables(), st.lists(st.booleans(), min_size=14, max_size=14), st.booleans())
def test_review_solver_never_returns_a_wrong_unique_answer(truth, spaces, keep_spaces):
    run = _flatten(truth, spaces if keep_spaces else [False] * 14)
    solution = solve([FlatRow(REVIEW_KEY, run, (COUNT,) * len(REVIEW_COLUMNS))], review_constraints())
    assert solution.status != "none"
    if solution.status == "unique":
        assert solution.cells[REVIEW_KEY] == truth


@st.composite
def legacy_tables(draw):
    """Fujian-style rows (label, year, cumulative): a total with 其中 parts adding up to at most it."""
    parts = [(y, y + draw(_count)) for y in (draw(_count) for _ in range(draw(st.integers(1, 4))))]
    year = sum(y for y, _c in parts) + draw(st.integers(0, 50))
    total = (year, sum(c for _y, c in parts) + (year - sum(y for y, _c in parts)) + draw(st.integers(0, 50)))
    rows = [("主动公开信息数", total)] + [(f"{'其中:' if i == 0 else ''}{i + 1}.部分{i}", v) for i, v in enumerate(parts)]
    return {label: (str(y), str(c)) for label, (y, c) in rows}


@settings(max_examples=100, deadline=None)
@given(legacy_tables(), st.booleans())
def test_legacy_solver_never_returns_a_wrong_unique_answer(truth, keep_spaces):
    rows = [FlatRow(k, (" " if keep_spaces else "").join(v), (COUNT, COUNT)) for k, v in truth.items()]
    solution = solve(rows, legacy_constraints([(k, None) for k in truth], 0, 1))
    assert solution.status != "none"
    if solution.status == "unique":
        assert solution.cells == truth
