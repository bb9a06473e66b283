"""The flat solver's pruning (issue #12 follow-up): rows computed from the column sums instead of split, block
rows split total-first, splittings remembered. Each shortcut must give the answer of the plain search.

The real runs are table 三 of text/005 and text/007 (crawler copies of Pingtan's 2019 and 2024 reports), whose
cells a person read off the same reports' web pages (tests/golden/gov/zone_2019.json, zone_2024.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.reading.files import read_report
from pipeline.tables import flat
from pipeline.tables.flat import COUNT, FlatRow, describe, request_constraints, solve, split_row
from pipeline.tables.flat_text import flat_sections
from pipeline.tables.labels import APPLICANT_ORDER, match
from tests.test_flat_cells import SEVEN, _flatten, request_tables

TESTS = Path(__file__).parent
TEXT = TESTS / "fixtures" / "corpus" / "text"
GOLDEN = TESTS / "golden" / "gov"
REPORTS = [("005_pingtan_zone_2019_flat.txt", "zone_2019.json"), ("007_pingtan_zone_2024_flat.txt", "zone_2024.json")]


def _request_rows(name: str) -> list[FlatRow]:
    """Table 三's runs of a crawler text, keyed by row code (as pipeline.tables.flat_tables reads them)."""
    group, keyed = None, {}
    for row in flat_sections(read_report(TEXT / name).text)["fact_requests"]:
        found = match("request_group", row.cells[0])
        group = found.code if found else group
        leaf = match("request_row", row.cells[0], group)
        if leaf is not None and leaf.code not in keyed:
            keyed[leaf.code] = FlatRow(leaf.code, row.cells[1], (COUNT,) * len(APPLICANT_ORDER))
    return list(keyed.values())


def _golden(golden: str) -> dict[str, tuple[str, ...]]:
    cells = json.loads((GOLDEN / golden).read_text(encoding="utf-8"))["fact_requests"]
    return {row: tuple(str(int(values[a])) for a in APPLICANT_ORDER) for row, values in cells.items()}


@pytest.mark.parametrize("name, golden", REPORTS)
def test_table_three_is_solved_with_its_totals_computed(name, golden):
    rows = _request_rows(name)
    solution = solve(rows, request_constraints([r.key for r in rows]))
    assert solution.status == "unique"
    assert solution.cells == {key: cells for key, cells in _golden(golden).items() if key in solution.cells}
    assert len(solution.cells) == len(rows)
    # total_processed follows from the outcome rows, new_received from the balance: matched, never split
    assert {"total_processed", "new_received"}.isdisjoint(solution.row_candidates)


@pytest.mark.parametrize("name, golden", REPORTS)
def test_splitting_every_row_gives_the_same_answer(name, golden, monkeypatch):
    rows = _request_rows(name)
    monkeypatch.setattr(flat, "COMPUTE_LIMIT", -1)  # computing is then never allowed
    solution = solve(rows, request_constraints([r.key for r in rows]))
    assert solution.status == "unique" and "total_processed" in solution.row_candidates
    assert solution.cells == {key: cells for key, cells in _golden(golden).items() if key in solution.cells}


def test_a_total_row_that_does_not_add_up_is_reported_by_name():
    # text/007 with total_processed misprinted 219 for 218 (21710000218 → 21710000219): nothing fits, and the
    # message names the row whose own splittings fail
    rows = [FlatRow(r.key, "21710000219", r.kinds) if r.key == "total_processed" else r
            for r in _request_rows("007_pingtan_zone_2024_flat.txt")]
    solution = solve(rows, request_constraints([r.key for r in rows]))
    assert solution.status == "none" and solution.cells is None
    assert "row=total_processed: none" in describe(solution)


@pytest.mark.parametrize("run, cells, reads", [
    ("230 000023", ("23", "0", "0", "0", "0", "0", "23"), True),  # text/005 本年新收
    ("23 0 00 0 023", ("23", "0", "0", "0", "0", "0", "23"), True),  # text/005 总计: spaces are boundaries
    ("21710000218", ("217", "1", "0", "0", "0", "0", "218"), True),  # text/007 本年新收
    ("21710000218", ("21", "71", "0", "0", "0", "0", "218"), True),  # reads so (the sums refuse it elsewhere)
    ("230 000023", ("2", "3", "0", "0", "0", "0", "23"), False),  # the space is inside no cell
    ("230 000023", ("23", "0", "0", "0", "0", "0", "2"), False),  # the run is longer
    ("1100002", ("1", "1", "0", "0", "0", "0", "02"), False),  # no leading zero
])
def test_a_computed_row_must_read_as_its_run(run, cells, reads):
    assert flat._reads_as(run, cells) is reads


def test_running_out_of_budget_is_not_remembered(monkeypatch):
    monkeypatch.setattr(flat, "_SPLITS", {})
    row = FlatRow("new_received", "21710000218", SEVEN)  # text/007 本年新收
    local = [c for c in request_constraints(["new_received"]) if c.rule_id == "requests.row_sum"]
    assert split_row(row, local, flat._Budget(1)) is None
    assert split_row(row, local) == [("217", "1", "0", "0", "0", "0", "218")]
    assert split_row(row, local, flat._Budget(1)) == [("217", "1", "0", "0", "0", "0", "218")]  # remembered


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request_tables(), st.lists(st.booleans(), min_size=6, max_size=6), st.booleans())
def test_computing_rows_agrees_with_splitting_them(truth, spaces, keep_spaces):
    rows = [FlatRow(r, _flatten(cells, spaces if keep_spaces else [False] * 6), SEVEN) for r, cells in truth.items()]
    computed = solve(rows, request_constraints(truth))
    original, flat.COMPUTE_LIMIT = flat.COMPUTE_LIMIT, -1
    try:
        split = solve(rows, request_constraints(truth))
    finally:
        flat.COMPUTE_LIMIT = original
    if "gave_up" not in (computed.status, split.status):
        assert (computed.status, computed.cells) == (split.status, split.cells)
    if computed.status == "unique":
        assert computed.cells == truth


@st.composite
def _runs(draw, blocks: int):
    """A run of `blocks` blocks (four or six parts, then their sum), some digits maybe changed, some spaces kept."""
    parts = 6 if blocks == 1 else 4
    cells = []
    for _ in range(blocks):
        block = [draw(st.one_of(st.just(0), st.integers(0, 99), st.integers(0, 99_999))) for _ in range(parts)]
        cells += [str(v) for v in (*block, sum(block))]
    run = _flatten(cells, draw(st.lists(st.booleans(), min_size=len(cells) - 1, max_size=len(cells) - 1)))
    if draw(st.booleans()):  # a misprint: one digit changed
        at = draw(st.integers(0, len(run) - 1))
        run = run[:at] + (str(draw(st.integers(0, 9))) if run[at].isdigit() else " ") + run[at + 1:]
    return run.replace("  ", " ").strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([1, 3]).flatmap(lambda blocks: st.tuples(st.just(blocks), _runs(blocks))))
def test_splitting_total_first_finds_what_the_plain_search_finds(case):
    blocks, run = case
    if blocks == 1:
        row, local = FlatRow("r", run, SEVEN), [c for c in request_constraints(["r"]) if c.rule_id == "requests.row_sum"]
    else:
        row, local = FlatRow(flat.REVIEW_KEY, run, (COUNT,) * 15), flat.review_constraints()
    total_first = split_row(row, local, flat._Budget(10**6))
    original = flat._blocks
    flat._blocks = lambda kinds, local: None  # the general depth-first search
    try:
        plain = split_row(row, local, flat._Budget(10**6))
    finally:
        flat._blocks = original
    assert sorted(total_first) == sorted(plain)
