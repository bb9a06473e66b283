"""Table 二 (主动公开政府信息情况) → fact_proactive_disclosure, one row per (item, measure).

The table is a run of small blocks: 第二十条第（X）项 / a header row (信息内容 + measures) / item rows. Each
item row is read against the header above it, column by column; a header repeated over a colspan counts once.
The measures in the header say the format (2019: 本年新制作数量…, 2021: 本年制发件数…), so hybrids are read
correctly. The article comes from the item (the templates fix it), not from the 第二十条 line, which converters
sometimes print out of place. Money is stored in yuan, from the unit in the cell or else in the header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from pipeline import frames
from pipeline.common import extract_issue
from pipeline.tables.cells import (
    CELL_CACHE_SIZE,
    MONEY_UNITS,
    cell_kind,
    header_unit,
    non_blank_span,
    read_cell,
    yuan_value,
)
from pipeline.tables.flat_tables import unflatten_proactive
from pipeline.tables.grid import Row, split_text_row
from pipeline.tables.labels import Label, by_code, codes, match, measure_spans, squeeze, strip_note
from pipeline.tables.layouts import join_cell_lines
from pipeline.tables.skeleton import SkeletonReader, read_by_skeleton

TABLE = "fact_proactive_disclosure"
_NAME = "表二（主动公开政府信息情况）"
_MAX_ITEM_CHARS = 20


@dataclass(frozen=True, slots=True, eq=False)
class Header:
    """A header row read (eq=False: compared and hashed by identity, as the key of _item_plan's cache; _read_header
    gives the same object for the same cells)."""

    measures: tuple[Label, ...]
    columns: tuple[int, ...] | None  # column of each measure; None when the header is one run-together cell
    units: tuple[str | None, ...]  # money unit the header declares for each measure
    covered: frozenset[int]  # columns under some measure (colspans repeat them)
    templates: frozenset[str]  # the formats its measures belong to (gov2019 / gov2021)


@lru_cache(maxsize=4096)
def _measures_in(cell: str) -> tuple[tuple[int, Label], ...]:
    """The measures a header cell names, remembered (every row without numbers is tried as a header)."""
    return tuple((start, label) for start, _end, label in measure_spans(cell))


@lru_cache(maxsize=4096)
def _read_header(cells: tuple[str, ...]) -> Header | None:
    """The header these cells are, or None; remembered, as the same header rows recur in every report."""
    per_cell = [(col, _measures_in(c)) for col, c in enumerate(cells)]
    per_cell = [(col, found) for col, found in per_cell if found]
    if not per_cell:
        return None
    run_together = any(len(found) > 1 or "信息内容" in squeeze(cells[col]) for col, found in per_cell)
    if run_together:
        measures = tuple(label for _col, found in per_cell for _pos, label in found)
        units = tuple(header_unit(cells[col]) for col, found in per_cell for _ in found)
        return Header(measures, None, units, frozenset(), _templates(measures))
    measures, columns, units, covered = [], [], [], set()
    for col, found in per_cell:
        label = found[0][1]
        covered.add(col)
        if label in measures:
            continue
        measures.append(label)
        columns.append(col)
        units.append(header_unit(cells[col]))
    return Header(tuple(measures), tuple(columns), tuple(units), frozenset(covered), _templates(measures))


def _templates(measures: Sequence[Label]) -> frozenset[str]:
    return frozenset(m.template for m in measures if m.template)


def _item_of(cells: tuple[str, ...]) -> tuple[int, Label] | None:
    """The item the row's first non-blank cell names, with its column."""
    for col, cell in enumerate(cells):
        if not cell.strip():
            continue
        label = _item_label(cell)
        return (col, label) if label is not None else None
    return None


@lru_cache(maxsize=4096)
def _item_label(cell: str) -> Label | None:
    """The item a label cell names (None for long text), remembered: the same labels recur in every report."""
    key = strip_note(squeeze(cell))  # 规章（设区的市…应提供相关数据） is 规章
    if len(key) > _MAX_ITEM_CHARS:
        return None
    return match("item", key)


#: the parts of a _read_value result (C-level getters: the common row is checked without a Python loop)
_VALUE, _NO_UNIT = itemgetter(0), itemgetter(2)


@lru_cache(maxsize=CELL_CACHE_SIZE)
def _read_value(text: str, yuan: bool, unit_in_header: str | None) -> tuple[float | None, str, bool]:
    """(value, the cell's kind, whether it is an amount that states no unit) of one cell under a measure:
    amounts in yuan (the cell's unit, else the header's), counts as printed (a count with a money unit is NULL)."""
    cell = read_cell(text)
    if yuan:
        amount = yuan_value(cell, unit_in_header)
        return (float(amount) if amount is not None else None), cell.kind, cell.kind == "number" and amount is None
    value = float(cell.value) if cell.kind == "number" and cell.unit not in ("元", "万元", "亿元") else None
    return value, cell.kind, False


def _value_columns(kinds: tuple[str, ...], item_col: int, header: Header) -> tuple[int, ...] | None:
    """The column of the cell under each measure of the header, or None when the row cannot be matched to it
    (a cell is blank exactly when its kind is)."""
    if header.columns is None:  # one run-together header cell: the row's cells after the item, blanks at the ends cut
        start, end = non_blank_span(kinds[item_col + 1 :])
        first = item_col + 1
        return tuple(range(first + start, first + end)) if end - start == len(header.measures) else None
    if any(col <= item_col for col in header.columns):
        return None
    if max(header.columns) >= len(kinds):
        return None
    if any(kinds[c] != "blank" and c not in header.covered for c in range(item_col + 1, len(kinds))):
        return None
    return header.columns


class ItemPlan(NamedTuple):
    """How an item row under a header is read: the cells to take and what each is (worked out once per header,
    item and row shape: the fact columns then grow by a list operation per row)."""

    columns: tuple[int, ...]  # the cell under each measure
    keys: tuple[tuple[str, str], ...]  # (item, measure) of each
    yuan: tuple[bool, ...]  # each measure is an amount in yuan
    header_units: tuple[str | None, ...]  # the money unit the header declares for each
    measures: tuple[str, ...]  # measure codes
    units: tuple[str, ...]  # the measures' units (count / yuan)
    distinct: bool  # no measure is named twice (else the row takes the measure-by-measure path)
    unreadable: bool  # a cell to read is no number, placeholder or blank (an issue: measure by measure too)


@lru_cache(maxsize=4096)
def _item_plan(header: Header, item: str, item_col: int, kinds: tuple[str, ...]) -> ItemPlan | None:
    """The plan of an item row, or None when the row does not fit its header (another article's measures, or
    cells that cannot be matched to the columns); remembered, as headers, items and row shapes recur."""
    label = by_code("item", item)
    if not all(label.article in m.articles for m in header.measures):
        return None
    columns = _value_columns(kinds, item_col, header)
    if columns is None:
        return None
    keys = tuple((item, m.code) for m in header.measures)
    return ItemPlan(columns, keys, tuple(m.unit == "yuan" for m in header.measures), header.units,
                    tuple(m.code for m in header.measures), tuple(m.unit for m in header.measures),
                    len(set(keys)) == len(keys), any(kinds[c] == "unreadable" for c in columns))


def _value_reader(yuan: bool, unit_in_header: str | None) -> Callable[[str], float | None]:
    """One of read_proactive's readings of a cell's value (for pipeline.tables.skeleton): under a measure that is
    an amount in yuan or not, with the money unit its header declares (or none); remembered per text."""

    @lru_cache(maxsize=CELL_CACHE_SIZE)
    def value(text: str) -> float | None:
        return _read_value(text, yuan, unit_in_header)[0]

    return value


#: every reading of a cell's value in table 二: a count, or an amount under a header in each money unit or in none
VALUE_READERS = (_value_reader(False, None), *(_value_reader(True, unit) for unit in (None, *MONEY_UNITS)))


def proactive_columns(rows: Sequence[Row], report_id: str) -> tuple[frames.Columns, list[dict]]:
    """fact_proactive_disclosure rows and extract.proactive.* issues for the rows of table 二's section
    (read_proactive), through the plan of the section's skeleton when it has one (pipeline.tables.skeleton).
    Columns, not a frame: the ingest builds one frame per table for a whole batch."""
    return read_by_skeleton(rows, report_id, *SKELETON_READER)


def read_proactive(rows: Sequence[Row], report_id: str) -> tuple[frames.Columns, list[dict]]:
    """proactive_columns row by row: each item row read against the header above it."""
    facts = frames.Columns(TABLE)
    rows, issues = unflatten_proactive(rows, report_id)  # crawler text: cells split by the arithmetic, or not at all
    if rows is None:
        return facts, issues
    seen: dict[tuple[str, str], str] = {}
    columns = {name: [] for name in ("article", "item", "measure", "value", "unit", "raw_text", "line")}
    header: Header | None = None
    templates: set[str] = set()
    rows = join_cell_lines(rows, lambda cell: len(_measures_in(cell)), lambda text: _item_of((text,)) is not None)
    for row in rows:
        cells = split_text_row(row)
        kinds = tuple(map(cell_kind, cells))
        if "number" not in kinds:
            found = _read_header(cells)
            if found is not None:
                header = found
                templates.update(found.templates)
                continue
            if "null" not in kinds:
                continue  # a row of placeholders only (规章 - - -) is still an item row, loaded as blanks
        item = _item_of(cells)
        if item is None:
            continue
        item_col, item_label = item
        plan = _item_plan(header, item_label.code, item_col, kinds) if header is not None else None
        if plan is None:
            numbers = sum(1 for c in cells if read_cell(c).kind == "number")
            issues.append(extract_issue(
                report_id, TABLE, "ambiguous", f"item={item_label.code}; line={row.line}",
                f"{_NAME}: the row {item_label.printed} (line {row.line}) has {numbers} number(s) that cannot be "
                f"matched to the columns of its header; the row was not loaded.",
                expected=len(header.measures) if header else None, actual=numbers,
            ))
            continue
        texts = tuple(map(str.strip, map(cells.__getitem__, plan.columns)))
        reads = list(map(_read_value, texts, plan.yuan, plan.header_units))
        if (plan.distinct and not plan.unreadable and seen.keys().isdisjoint(plan.keys)
                and not any(map(_NO_UNIT, reads))):
            # the common row: new cells, nothing to report: the columns grow by a list operation each
            seen.update(zip(plan.keys, texts, strict=True))
            columns["article"] += [item_label.article] * len(texts)
            columns["item"] += [item_label.code] * len(texts)
            columns["measure"] += plan.measures
            columns["value"] += map(_VALUE, reads)
            columns["unit"] += plan.units
            columns["raw_text"] += texts
            columns["line"] += [row.line] * len(texts)
            continue
        for measure, unit_in_header, text in zip(header.measures, header.units, texts, strict=True):
            key = (item_label.code, measure.code)
            if key in seen:
                if seen[key] != text:
                    issues.append(extract_issue(
                        report_id, TABLE, "duplicate", f"item={key[0]}; measure={key[1]}",
                        f"{_NAME}: {item_label.printed} / {measure.printed} is printed twice with different values "
                        f"({seen[key]!r}, {text!r}); the first one was kept.",
                    ))
                continue
            seen[key] = text
            value, kind, no_unit = _read_value(text, measure.unit == "yuan", unit_in_header)
            if no_unit:
                issues.append(extract_issue(
                    report_id, TABLE, "unit", f"item={key[0]}; measure={key[1]}",
                    f"{_NAME}: the amount {text!r} of {item_label.printed} states no unit (元/万元/亿元) in the "
                    f"cell or its header; stored as NULL.",
                ))
            if kind == "unreadable":
                issues.append(extract_issue(
                    report_id, TABLE, "unreadable_cell", f"item={key[0]}; measure={key[1]}",
                    f"{_NAME}: the cell {text!r} ({item_label.printed} / {measure.printed}) is not a number; "
                    f"stored as NULL.",
                ))
            for name, cell in (("article", item_label.article), ("item", item_label.code), ("measure", measure.code),
                               ("value", value), ("unit", measure.unit), ("raw_text", text), ("line", row.line)):
                columns[name].append(cell)

    issues.extend(_completeness(report_id, seen, templates))
    facts.extend(report_id=report_id, **columns)
    return facts, issues


def _completeness(report_id: str, seen: dict, templates: set[str]) -> list[dict]:
    if not seen:
        return [extract_issue(
            report_id, TABLE, "missing", None, f"{_NAME}: the table was not found or none of its rows could be read.",
        )]
    template = next(iter(templates)) if len(templates) == 1 else None
    expected = codes("item", template) if template else codes("item", "gov2021")
    present = {item for item, _measure in seen}
    missing = [c for c in expected if c not in present]
    if not missing:
        return []
    return [extract_issue(
        report_id, TABLE, "missing_rows", "items=" + ",".join(missing),
        f"{_NAME}: {len(missing)} item(s) of the template were not found or not loaded: {', '.join(missing)}.",
        expected=len(expected), actual=len(expected) - len(missing),
    )]


#: how read_by_skeleton (and pipeline.tables.by_text) read this table
SKELETON_READER = SkeletonReader(TABLE, read_proactive, VALUE_READERS)
