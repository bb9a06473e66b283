"""Table 三 (收到和处理政府信息公开申请情况) → fact_requests, one row per (row_code, applicant).

A row is its label cells (the merged 三、本年度办理结果 / （三）不予公开 cells, possibly blank or repeated) followed
by its value cells. The extractor classifies rows (header, labelled, unlabelled), fills unlabelled rows in template
order where that is forced, then places each row's values with the first strategy that fits:
1. the header's columns, when the header rows can be read cell by cell and every value of the row falls under
   an applicant column (web pages with spans expanded, aligned PDF text);
2. the row's own cells, when stripping blanks at both ends leaves exactly one cell per applicant (rows that are
   shifted by merged label cells, seed 004);
3. a row whose cells are all blank is blank in every column;
4. the column positions of the table's clean rows, for a row with the same number of cells.
Placing depends on the row's shape only (its cells' kinds, its last label), so it is done once per shape and
table; classifying a row depends on its labels and shape, and is remembered (_row_reading).
Anything else is ambiguous: the row is not loaded and
an extract.requests.ambiguous issue says so (seed 001: 2 numbers for 7 columns).
The format (2019 one （六）其他处理 row, or 2021's three) is read from the rows present, per table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from types import MappingProxyType
from typing import NamedTuple

from pipeline import frames
from pipeline.common import extract_issue
from pipeline.tables.cells import CELL_CACHE_SIZE, cell_kind, count_in, non_blank_span, read_cell, read_count
from pipeline.tables.flat_tables import unflatten_requests
from pipeline.tables.grid import Row, split_text_row
from pipeline.tables.labels import APPLICANT_ORDER, codes, match
from pipeline.tables.layouts import is_request_label, join_wrapped_labels
from pipeline.tables.skeleton import SkeletonReader, read_by_skeleton

TABLE = "fact_requests"
#: a header's columns: applicant → its first column, and every column under some applicant
Header = tuple[Mapping[str, int], frozenset[int]]
#: the header's applicants to read, their columns, and the lowest and highest of those
Wanted = tuple[tuple[str, ...], tuple[int, ...], int, int]
_NAME = "表三（收到和处理政府信息公开申请情况）"


def _header_columns(header_rows: Sequence[tuple[str, ...]]) -> tuple[dict[str, int], frozenset[int]]:
    """applicant → first column, and every column under some applicant (colspans repeat a label)."""
    width = max((len(cells) for cells in header_rows), default=0)
    resolved: dict[int, str] = {}
    for col in range(width):
        for cells in reversed(header_rows):
            if col < len(cells) and cells[col]:
                label = match("applicant", cells[col])
                if label is not None:
                    resolved[col] = label.code
                    break
    first: dict[str, int] = {}
    for col in sorted(resolved):
        first.setdefault(resolved[col], col)
    return first, frozenset(resolved)


@lru_cache(maxsize=1024)
def _table_header(header_rows: tuple[tuple[str, ...], ...]) -> tuple[Header, Wanted | None]:
    """The header's columns (_header_columns) and the columns to read (_wanted_columns), remembered per header
    rows, as a few headers recur in every report; the column map is read-only since the result is shared."""
    first, covered = _header_columns(header_rows)
    header = (MappingProxyType(first), covered)
    return header, _wanted_columns(header)


def _wanted_columns(header: Header) -> Wanted | None:
    """The header's (applicant, column) pairs to read, with their lowest and highest column, or None when the
    header does not name every applicant: worked out once per table, not once per row."""
    columns, _covered = header
    if not all(a in columns for a in APPLICANT_ORDER):
        return None
    wanted = tuple((a, c) for a, c in columns.items() if a in APPLICANT_ORDER or a == "org_subtotal")
    return (tuple(a for a, _c in wanted), tuple(c for _a, c in wanted), min(c for _a, c in wanted),
            max(c for _a, c in wanted))


@lru_cache(maxsize=1024)
def _uncovered(covered: frozenset[int], start: int, stop: int) -> tuple[int, ...]:
    """The columns from start to stop that no applicant covers (a row with a value there does not fit the
    header); remembered, as every row of a table asks the same question."""
    return tuple(c for c in range(start, stop) if c not in covered)


class Entry(NamedTuple):
    """One row of table 三 as classified: its code (None when no label was recognised), cells, last label cell
    and the kinds of its cells (cells.cell_kind: what placing its values depends on)."""

    code: str | None
    row: Row
    cells: tuple[str, ...]
    last_label: int  # index of the last label cell, -1 when the row has none
    kinds: tuple[str, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return self.cells[self.last_label + 1 :]


#: Entry(...) without NamedTuple's Python-level __new__ (one per table row of every report)
_new_entry = partial(tuple.__new__, Entry)
#: a shape not placed yet (None is a placement: the row is ambiguous)
_UNPLACED = object()

#: where a row's values go: the applicants in the order they are stored and the column of each (None: every
#: applicant's cell is blank)
Placed = tuple[tuple[str, ...], tuple[int, ...] | None]
Placement = Callable[[tuple[str, ...], int, "TableLayout"], "Placed | None"]


@dataclass(frozen=True)
class TableLayout:
    """What the placement strategies may use besides the row itself: the header's columns, the clean rows' layout."""

    header: Header
    entries: Sequence[Entry]  # the table's labelled rows
    wanted: Wanted | None = None  # the header's columns to read (once)

    @cached_property
    def clean_layouts(self) -> dict[int, set[int]]:
        """Row width → first value column of rows with one value per applicant; worked out only when a row
        needs it (most tables place every row by the header's columns or the row's own cells)."""
        return _clean_layouts(self.entries)


def _place_by_header(kinds: tuple[str, ...], last_label: int, layout: TableLayout) -> Placed | None:
    """The header's columns, when every value of the row falls under an applicant column."""
    if layout.wanted is None:
        return None
    applicants, columns, lowest, highest = layout.wanted
    if lowest <= last_label or highest >= len(kinds):
        return None
    for c in _uncovered(layout.header[1], last_label + 1, len(kinds)):
        if kinds[c] != "blank":
            return None
    return applicants, columns


def _place_by_own_cells(kinds: tuple[str, ...], last_label: int, layout: TableLayout | None) -> Placed | None:
    """The row's own cells, when stripping blanks at both ends leaves exactly one cell per applicant."""
    first = last_label + 1
    start, end = non_blank_span(kinds[first:])
    if end - start != len(APPLICANT_ORDER):
        return None
    return APPLICANT_ORDER, tuple(range(first + start, first + end))


def _place_blank_row(kinds: tuple[str, ...], last_label: int, layout: TableLayout) -> Placed | None:
    """A row whose value cells are all blank is blank in every column."""
    start, end = non_blank_span(kinds[last_label + 1 :])
    return (APPLICANT_ORDER, None) if end == start else None


def _place_by_clean_rows(kinds: tuple[str, ...], last_label: int, layout: TableLayout) -> Placed | None:
    """The column positions of the table's clean rows, for a row of the same width with nothing outside them."""
    firsts = layout.clean_layouts.get(len(kinds), set())
    if len(firsts) != 1:
        return None
    first = next(iter(firsts))
    end = first + len(APPLICANT_ORDER)
    if first <= last_label or end > len(kinds):
        return None
    if any(k != "blank" for k in kinds[last_label + 1 : first] + kinds[end:]):
        return None
    return APPLICANT_ORDER, tuple(range(first, end))


#: how a row's values are matched to the applicant columns, tried in this order; the first that fits wins
PLACEMENTS: tuple[Placement, ...] = (_place_by_header, _place_by_own_cells, _place_blank_row, _place_by_clean_rows)


def _place(kinds: tuple[str, ...], last_label: int, layout: TableLayout) -> Placed | None:
    """Where the row's values go, by the first of PLACEMENTS that fits, or None (ambiguous)."""
    for place in PLACEMENTS:
        found = place(kinds, last_label, layout)
        if found is not None:
            return found
    return None


def requests_columns(rows: Sequence[Row], report_id: str) -> tuple[frames.Columns, list[dict]]:
    """fact_requests rows and extract.requests.* issues for the rows of table 三's section (read_requests),
    through the plan of the section's skeleton when it has one (pipeline.tables.skeleton: the same few printed
    layouts recur in every report). Columns, not a frame: the ingest builds one frame per table for a whole batch."""
    return read_by_skeleton(rows, report_id, *SKELETON_READER)


def read_requests(rows: Sequence[Row], report_id: str) -> tuple[frames.Columns, list[dict]]:
    """requests_columns row by row: classify rows → fill gaps in template order → place values in columns →
    read the cells."""
    facts = frames.Columns(TABLE)
    rows, issues = unflatten_requests(rows, report_id)  # crawler text: cells split by the arithmetic, or not at all
    if rows is None:
        return facts, issues
    header_rows, entries = classify_rows(rows)
    entries = _fill_gaps_in_template_order(entries)
    unlabelled = [e.row.line for e in entries if e.code is None]
    parsed = [e for e in entries if e.code is not None]
    header, wanted = _table_header(tuple(header_rows))
    layout = TableLayout(header, parsed, wanted)
    # a row's placement depends on its shape only (the kinds of its cells, its last label): a table's ~25 rows
    # share a handful of shapes, so each shape is placed once per table
    placements: dict[tuple[tuple[str, ...], int], Placed | None] = {}
    seen: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # row code → (applicants, texts) loaded
    # the fact columns, filled a row at a time (a list operation per row rather than a Python step per cell)
    row_codes: list[str] = []
    applicants: list[str] = []
    values: list[int | None] = []
    raw_texts: list[str] = []
    lines: list[int] = []
    for entry in parsed:
        shape = (entry.kinds, entry.last_label)
        placed = placements.get(shape, _UNPLACED)
        if placed is _UNPLACED:
            placed = placements[shape] = _place(*shape, layout)
        if placed is None:
            issues.append(_ambiguous_row(report_id, entry))
            continue
        names, columns = placed
        texts = (("",) * len(names) if columns is None  # the placed cells' text, stripped
                 else tuple(map(str.strip, map(entry.cells.__getitem__, columns))))
        if entry.code in seen:
            if dict(zip(*seen[entry.code], strict=True)) != dict(zip(names, texts, strict=True)):
                issues.append(extract_issue(
                    report_id, TABLE, "duplicate", f"row={entry.code}; line={entry.row.line}",
                    f"{_NAME}: row {entry.code} is printed twice with different numbers (line {entry.row.line}); "
                    f"the first one was kept.",
                ))
            continue
        seen[entry.code] = (names, texts)
        counts = list(map(count_in, texts))
        if None in counts:  # a cell that is not a count has no value either
            _flag_not_counts(report_id, entry, names, texts, issues)
        values += counts
        row_codes += [entry.code] * len(names)
        applicants += names
        raw_texts += texts
        lines += [entry.row.line] * len(names)
    issues.extend(_completeness(report_id, seen, unlabelled))
    facts.extend(report_id=report_id, row_code=row_codes, applicant=applicants, value=values, raw_text=raw_texts,
                 line=lines)
    return facts, issues


#: what classify_rows makes of a row
HEADER, ENTRY, SKIP = "header", "entry", "skip"


def classify_rows(rows: Sequence[Row]) -> tuple[list[tuple[str, ...]], list[Entry]]:
    """Header rows (applicant labels, no numbers), and every other row of numbers with the code its labels name
    (None when unlabelled), in document order; prose that merely names a row is left out."""
    header_rows: list[tuple[str, ...]] = []
    entries: list[Entry] = []
    group: str | None = None
    for row in join_wrapped_labels(rows, is_request_label):
        is_text = row.layout == "text"
        cells = split_text_row(row) if is_text else row.cells
        kinds = tuple(map(cell_kind, cells))
        has_number, text_cols = _shape(kinds)
        last_label = text_cols[-1] if text_cols else -1
        fits = not is_text or len(cells) - 1 - last_label == len(APPLICANT_ORDER)
        what, code, group = _row_reading(cells[: last_label + 1], text_cols, has_number, group, is_text, fits)
        if what == HEADER:
            header_rows.append(cells)
        elif what == ENTRY:
            entries.append(_new_entry((code, row, cells, last_label, kinds)))
    return header_rows, entries


@lru_cache(maxsize=16384)
def _row_reading(
    labelled: tuple[str, ...], text_cols: tuple[int, ...], has_number: bool, group: str | None, is_text: bool,
    fits: bool,
) -> tuple[str, str | None, str | None]:
    """(HEADER / ENTRY / SKIP, the row's code, the （三）…（六） group after it) of a row whose cells up to its
    last label are `labelled`, with labels at `text_cols`, under `group`; `fits`: a text line has one value per
    applicant. Remembered: it depends on the labels and the row's shape, not on the numbers, and the same
    labels recur in every report."""
    labels = [labelled[i] for i in text_cols]
    if not has_number and any(match("applicant", label) for label in labels):
        return HEADER, None, group
    leaf_codes: list[str] = []
    row_group = group
    for label in labels:
        grp = match("request_group", label)
        if grp is not None:
            row_group = grp.code
        leaf = match("request_row", label, row_group)
        if leaf is not None and leaf.code not in leaf_codes:
            leaf_codes.append(leaf.code)
    if len(leaf_codes) > 1 and not has_number:
        return SKIP, None, group  # a header row naming several rows (markdown converters write such rows)
    if not leaf_codes:
        return (ENTRY if has_number and not is_text else SKIP), None, row_group
    if not fits:
        return SKIP, None, row_group  # prose that happens to name a row
    return ENTRY, leaf_codes[-1], row_group


@lru_cache(maxsize=4096)
def _shape(kinds: tuple[str, ...]) -> tuple[bool, tuple[int, ...]]:
    """Whether a row with these cell kinds holds a number, and its text (label) columns; remembered, as a
    table's rows share a handful of shapes."""
    return "number" in kinds, tuple(i for i, k in enumerate(kinds) if k == "unreadable")


def _clean_layouts(entries: Sequence[Entry]) -> dict[int, set[int]]:
    """Column layout of the clean rows (exactly one value per applicant), for rows that need it."""
    layouts: dict[int, set[int]] = {}
    for entry in entries:
        start, end = non_blank_span(entry.kinds[entry.last_label + 1 :])
        if end - start == len(APPLICANT_ORDER):
            layouts.setdefault(len(entry.cells), set()).add(entry.last_label + 1 + start)
    return layouts


def _ambiguous_row(report_id: str, entry: Entry) -> dict:
    numbers = sum(1 for v in entry.values if read_cell(v).kind == "number")
    return extract_issue(
        report_id, TABLE, "ambiguous", f"row={entry.code}; line={entry.row.line}",
        f"{_NAME}: row {entry.code} (line {entry.row.line}) has {numbers} numbers for {len(APPLICANT_ORDER)} "
        f"applicant columns and its cells cannot be matched to columns; the row was not loaded.",
        expected=len(APPLICANT_ORDER), actual=numbers,
    )


def _flag_not_counts(report_id: str, entry: Entry, applicants: tuple[str, ...], texts: tuple[str, ...],
                     issues: list[dict]) -> None:
    """An unreadable_cell issue for each cell that is not a count (stored as NULL)."""
    if any(map(_not_a_count, texts)):
        for applicant, text in zip(applicants, texts, strict=True):
            if _not_a_count(text):
                issues.append(extract_issue(
                    report_id, TABLE, "unreadable_cell", f"row={entry.code}; applicant={applicant}",
                    f"{_NAME}: the cell {text!r} (row {entry.code}, applicant {applicant}) is not a count; "
                    f"stored as NULL.",
                ))


@lru_cache(maxsize=CELL_CACHE_SIZE)
def _not_a_count(text: str) -> bool:
    """A cell that should hold a count but holds text or a number that is no count (3.5, 12万元)."""
    value, kind = read_count(text)
    return kind == "unreadable" or (kind == "number" and value is None)


def _fill_gaps_in_template_order(entries: list[Entry]) -> list[Entry]:
    """Give unlabelled value rows the template's rows they stand between, when that reading is forced.

    Converters tear labels from numbers (markdown/shanghai_kewei_2024.md) but keep the rows in order. A run of
    unlabelled rows between two labelled rows is assigned only if it fills the template's rows between them one
    to one, none of those rows is printed elsewhere, and each has exactly one value per applicant.
    """
    labelled = [e.code for e in entries if e.code is not None]
    if len(labelled) == len(entries):
        return entries
    if any(c in labelled for c in codes("request_row", "gov2021") if c not in codes("request_row", "gov2019")):
        order = codes("request_row", "gov2021")
    elif "other" in labelled:
        order = codes("request_row", "gov2019")
    else:
        order = tuple(c for c in codes("request_row", "gov2019") if c != "other")
    position = {code: i for i, code in enumerate(order)}
    if any(code not in position for code in labelled):
        return entries
    filled = list(entries)
    k = 0
    while k < len(filled):
        if filled[k].code is not None:
            k += 1
            continue
        end = k
        while end < len(filled) and filled[end].code is None:
            end += 1
        before = position[filled[k - 1].code] if k > 0 else -1
        after = position[filled[end].code] if end < len(filled) else len(order)
        gap = order[before + 1 : after] if before < after else ()
        run = filled[k:end]
        if len(gap) == len(run) and not set(gap) & set(labelled) and all(
            _place_by_own_cells(e.kinds, e.last_label, None) is not None for e in run
        ):
            filled[k:end] = [e._replace(code=code) for code, e in zip(gap, run, strict=True)]
        k = end
    return filled


def _completeness(report_id: str, seen: dict, unlabelled: list[int]) -> list[dict]:
    issues: list[dict] = []
    if unlabelled:
        lines = ",".join(map(str, unlabelled))
        issues.append(extract_issue(
            report_id, TABLE, "unlabelled", f"lines={lines}",
            f"{_NAME}: {len(unlabelled)} row(s) of numbers carry no recognizable row label (lines {lines}); "
            f"they were not loaded.", actual=len(unlabelled),
        ))
    if not seen:
        issues.append(extract_issue(
            report_id, TABLE, "missing", None, f"{_NAME}: the table was not found or none of its rows could be read.",
        ))
        return issues
    expected, missing = _missing_rows(frozenset(seen))
    if missing:
        issues.append(extract_issue(
            report_id, TABLE, "missing_rows", "rows=" + ",".join(missing),
            f"{_NAME}: {len(missing)} row(s) of the template were not found or not loaded: {', '.join(missing)}.",
            expected=expected, actual=expected - len(missing),
        ))
    return issues


@lru_cache(maxsize=1024)
def _missing_rows(seen: frozenset[str]) -> tuple[int, tuple[str, ...]]:
    """How many rows the template of the rows seen prints, and which of them are missing (the format is told by
    the rows present); remembered, as most reports load the same set of rows."""
    if any(c in seen for c in codes("request_row", "gov2021")) and "other" not in seen:
        template = "gov2021"
    elif "other" in seen:
        template = "gov2019"
    else:
        template = None
    expected = [
        c for c in codes("request_row", template)
        if template is not None or c not in ("other", "other_overdue_correction", "other_overdue_fee", "other_misc")
    ]
    missing = [c for c in expected if c not in seen]
    if template is None:
        missing.append("other")
    return len(expected) + (template is None), tuple(missing)


#: how read_by_skeleton (and pipeline.tables.by_text) read this table
SKELETON_READER = SkeletonReader(TABLE, read_requests, (count_in,))
