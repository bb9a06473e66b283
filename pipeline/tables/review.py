"""Table 四 (行政复议、行政诉讼) → fact_review_results, one row per (proceeding, outcome).

The templates print 15 numbers under a two- or three-row header: 行政复议 (5 outcomes), then 行政诉讼 split into
未经复议直接起诉 and 复议后起诉 (5 each). Reports give them as one flat row of 15, or, from converters, as three
rows of 5 under their own headings. The outcome order is read from the header when it names 15 outcomes
(驳回起诉 counts as 其他结果); otherwise the template's order is used. Any other count of numbers is ambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pipeline import frames
from pipeline.common import extract_issue
from pipeline.tables.cells import cell_kind, count_in, non_blank_span, read_count
from pipeline.tables.flat_tables import unflatten_review
from pipeline.tables.grid import Row, row_text
from pipeline.tables.labels import OUTCOME_ORDER, PROCEEDING_ORDER, match
from pipeline.tables.skeleton import SkeletonReader, read_by_skeleton

TABLE = "fact_review_results"
_NAME = "表四（行政复议、行政诉讼情况）"
_CELLS = len(PROCEEDING_ORDER) * len(OUTCOME_ORDER)
_ROW_WIDTHS = (_CELLS, len(OUTCOME_ORDER))  # a flat row of 15, or one proceeding's 5
#: layouts whose cells are delimited in the source (HTML cells, TABs, pipes), so a blank cell is a real cell
_MARKUP_LAYOUTS = ("tab", "cells", "markdown")


def _value_cells(row: Row) -> tuple[str, ...] | None:
    """The row's cells if it is a row of numbers (blanks and placeholders allowed), else None."""
    cells = row.cells if row.layout != "text" else tuple(row.cells[0].split())
    kinds = list(map(cell_kind, cells))
    if "unreadable" in kinds or "number" not in kinds:
        return None
    if row.layout == "text" and len(cells) < len(OUTCOME_ORDER):
        return None
    start, end = non_blank_span(kinds)
    if row.layout in _MARKUP_LAYOUTS and end - start not in _ROW_WIDTHS and len(cells) in _ROW_WIDTHS:
        return cells  # a web page's <td>&nbsp;</td> says which cell is blank: keep blanks at the ends
    return cells[start:end]


@lru_cache(maxsize=1024)
def _outcomes_from_header(header_rows: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The 15 outcomes in the header's order, or the template's order when the header does not give 15
    (remembered: a few headers recur in every report)."""
    default = OUTCOME_ORDER * len(PROCEEDING_ORDER)
    if not header_rows:
        return default
    found: list[str] = []
    for cells in reversed(header_rows):
        row_outcomes = []
        for cell in cells:
            if not cell.strip():
                continue
            label = match("outcome", cell)
            if label is None:
                break
            row_outcomes.append(label.code)
        found = row_outcomes[: _CELLS - len(found)] + found if len(found) < _CELLS else found
        if len(found) >= _CELLS:
            break
    blocks = [found[i : i + len(OUTCOME_ORDER)] for i in range(0, _CELLS, len(OUTCOME_ORDER))]
    if len(found) != _CELLS or any(sorted(b) != sorted(OUTCOME_ORDER) for b in blocks):
        return default
    return tuple(found)


@lru_cache(maxsize=4096)
def _label_row(cells: tuple[str, ...]) -> tuple[bool, str | None]:
    """Whether a row without numbers is a header row (naming two outcomes or more), else the proceeding a short
    row names (or None); remembered, as the same label rows recur in every report."""
    if len([c for c in cells if c.strip() and match("outcome", c)]) >= 2:
        return True, None
    text = row_text(cells)
    proceeding = match("proceeding", text) if len(text) <= 30 else None
    return False, (proceeding.code if proceeding is not None else None)


def review_columns(rows: Sequence[Row], report_id: str) -> tuple[frames.Columns, list[dict]]:
    """fact_review_results rows and extract.review.* issues for the rows of table 四's section (read_review),
    through the plan of the section's skeleton when it has one (pipeline.tables.skeleton; a row with a label
    keeps its numbers there, as its text is matched whole). Columns, not a frame: the ingest builds one frame
    per table for a whole batch."""
    return read_by_skeleton(rows, report_id, *SKELETON_READER)


def read_review(rows: Sequence[Row], report_id: str) -> tuple[frames.Columns, list[dict]]:
    """review_columns row by row."""
    facts = frames.Columns(TABLE)
    rows, flat_issues = unflatten_review(rows, report_id)  # crawler text: cells split by the arithmetic, or not at all
    if rows is None:
        return facts, flat_issues
    header_rows: list[tuple[str, ...]] = []
    groups: list[tuple[str | None, tuple[str, ...], int]] = []  # (proceeding named above, cells, line)
    hint: str | None = None
    found = 0  # cells in groups so far
    for row in rows:
        if found >= _CELLS:
            break
        values = _value_cells(row)
        if values is not None:
            groups.append((hint, values, row.line))
            found += len(values)
            hint = None
            continue
        is_header, proceeding = _label_row(row.cells)
        if is_header:
            header_rows.append(row.cells)
            continue
        if proceeding is not None:
            hint = proceeding

    if not groups:
        return facts, [extract_issue(
            report_id, TABLE, "missing", None, f"{_NAME}: the table was not found or it holds no numbers.",
        )]
    cells = [c for _hint, values, _line in groups for c in values]
    if len(cells) != _CELLS:
        lines = ",".join(str(line) for _h, _v, line in groups)
        return facts, [extract_issue(
            report_id, TABLE, "ambiguous", f"lines={lines}",
            f"{_NAME}: found {len(cells)} cells where the template has {_CELLS}; no cell was loaded because "
            f"it cannot be told which column each number belongs to.",
            expected=_CELLS, actual=len(cells),
        )]
    proceedings = [p for p in PROCEEDING_ORDER for _ in OUTCOME_ORDER]
    hints = [h for h, _v, _l in groups]
    if len(groups) == len(PROCEEDING_ORDER) and all(len(v) == len(OUTCOME_ORDER) for _h, v, _l in groups):
        if all(hints) and len(set(hints)) == len(PROCEEDING_ORDER):
            proceedings = [h for h in hints for _ in OUTCOME_ORDER]
    outcomes = _outcomes_from_header(tuple(header_rows))
    lines = [line for _h, values, line in groups for _ in values]

    issues: list[dict] = []
    texts = [text.strip() for text in cells]
    values = []
    for proceeding, outcome, text in zip(proceedings, outcomes, texts, strict=True):
        value, kind = read_count(text)
        if kind == "number" and value is None:
            issues.append(extract_issue(
                report_id, TABLE, "unreadable_cell", f"proceeding={proceeding}; outcome={outcome}",
                f"{_NAME}: the cell {text!r} ({proceeding} / {outcome}) is not a count; stored as NULL.",
            ))
        values.append(value)
    facts.extend(report_id=report_id, proceeding=proceedings, outcome=list(outcomes), value=values, raw_text=texts,
                 line=lines)
    return facts, issues


#: how read_by_skeleton (and pipeline.tables.by_text) read this table
SKELETON_READER = SkeletonReader(TABLE, read_review, (count_in,), labelled_rows_kept=True)
