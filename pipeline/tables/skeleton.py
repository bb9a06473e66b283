"""Reading a table section by its skeleton: the section with its numbers marked (cells.number_skeleton).

Most table sections are one of a few printed layouts of the template filled with other numbers (35 skeletons for
the 11,664 sections of the generated n4000 corpus). A reader's decisions — which rows are headers, which code and
column each cell gets, which issues the table has — depend on a number cell through its kind and unit, not through
its sign and digits (those only make the fact's value and raw_text), except when a row is printed twice (the
texts are compared) or a cell is no count. So the reading of a skeleton is worked out once, and every later section
of the same skeleton takes its facts' cells from the places found:

- the plan: the table's own reader runs on the skeleton filled with made-up numbers, twice (other numbers, other
  line numbers, another report id). A fact whose raw_text is a made-up number's cell comes from that cell (raw_text
  is the cell as printed, stripped: the warehouse's rule, which the three readers keep); every other
  fact and column, and the issues, must be the same in both runs, else the skeleton has no plan (a row printed
  twice, an issue naming a line or a cell: those sections are read row by row, as before). A plan is worked out
  at a skeleton's second sighting, so that a layout printed once costs no more than before;
- reading: the cells at the plan's places, stripped, and their values by the reader's own reading of a cell
  under that fact's column (`value_readers`: the readings a table has, e.g. a count, or an amount under a header
  in 万元; the plan keeps, per fact, the one that gives both runs' values: each is the number times a factor or
  always NULL, so one that fits the made-up numbers fits every number); when a cell is no value (3.5 or 12万元
  where a count belongs: an issue), the section is read row by row instead.

Lines of text (`行政许可 97`, one cell) keep their numbers in the skeleton, and so does a row holding a label when
the reader matches a labelled row's whole text (table 四: `labelled_rows_kept`); crawler text's flat rows are
always read row by row (their splitting depends on the arithmetic). tests/test_skeleton.py plans every fixture
section at first sight and compares with the row-by-row reading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from operator import call, itemgetter
from typing import NamedTuple

from pipeline import frames
from pipeline.tables.cells import NUMBER_MARK, cell_kind, number_skeleton
from pipeline.tables.flat_text import FLAT
from pipeline.tables.grid import Row, row_cells, row_layout, row_line

Reader = Callable[[Sequence[Row], str], tuple[frames.Columns, list[dict]]]
#: a reader's readings of a cell's stripped text as a fact's value
ValueReaders = tuple[Callable[[str], object], ...]
#: a section's skeleton: its rows' layouts, their numbers of cells, and every cell with its number's digits marked
Skeleton = tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]


class SkeletonReader(NamedTuple):
    """What a table's module passes to read_by_skeleton (after the rows and report id), named once so that
    pipeline.tables.by_text reads the table alike."""

    table: str
    read: Reader
    value_readers: ValueReaders
    labelled_rows_kept: bool = False


#: the columns a plan fills from the section; the others are the same for every section of the skeleton
_READ_COLUMNS = ("report_id", "raw_text", "value", "line")


class Plan(NamedTuple):
    """Where the facts of a skeleton's sections come from."""

    sources: tuple[int, ...]  # per fact: the index of its cell among the section's cells, or past them a constant
    constants: tuple[str, ...]  # raw_text of facts that are the same in every section (blanks, placeholders)
    rows: tuple[int, ...]  # per fact: the index of its row (for its line)
    readers: tuple[Callable[[str], object], ...]  # per fact: its value's reading (one of the value readers)
    reader: Callable[[str], object] | None  # the reading of every fact, when they all have the same one
    pick_cells: Callable[[Sequence], tuple]  # the facts' cells out of the section's cells and the constants
    pick_rows: Callable[[Sequence], tuple]  # the facts' rows' lines out of the section's lines
    columns: dict[str, tuple]  # every other column of the facts
    nulls: int  # facts whose value is NULL in every section (a NULL more means a cell that is no value)
    issues: tuple[dict, ...]  # the section's issues (report_id filled in per section)


def _row_skeleton(cells: tuple[str, ...], layout: str, labelled_rows_kept: bool) -> tuple[str, ...]:
    """A row's cells in the skeleton: numbers marked, except in a line of text and, with `labelled_rows_kept`, in
    a row holding a label."""
    if layout == "text" or (labelled_rows_kept and "unreadable" in map(cell_kind, cells)):
        return cells
    return tuple(map(number_skeleton, cells))


def read_by_skeleton(rows: Sequence[Row], report_id: str, table: str, read: Reader, value_readers: ValueReaders,
                     labelled_rows_kept: bool = False) -> tuple[frames.Columns, list[dict]]:
    """`read(rows, report_id)` (the reader of `table`), through the plan of the section's skeleton when it has one;
    `value_readers`: the reader's readings of a cell's stripped text as a value (module docstring)."""
    layouts = tuple(map(row_layout, rows))
    cells = list(map(row_cells, rows))
    flat = list(chain.from_iterable(cells))
    if FLAT in layouts or NUMBER_MARK in "".join(flat):
        return read(rows, report_id)
    if labelled_rows_kept or "text" in layouts:
        marked = tuple(chain.from_iterable(map(_row_skeleton, cells, layouts, [labelled_rows_kept] * len(cells))))
    else:  # every cell's skeleton, in C
        marked = tuple(map(number_skeleton, flat))
    plan = _recurring_plan(table, read, value_readers, (layouts, tuple(map(len, cells)), marked))
    if plan is None:
        return read(rows, report_id)
    texts = list(map(str.strip, plan.pick_cells(flat + list(plan.constants) if plan.constants else flat)))
    facts = plan_facts(plan, table, report_id, texts, list(plan.pick_rows(list(map(row_line, rows)))))
    if facts is None:  # a cell that is no value: an issue, which the reader words
        return read(rows, report_id)
    return facts, [dict(issue, report_id=report_id) for issue in plan.issues]


def plan_facts(plan: Plan, table: str, report_id: str, texts: list[str], lines: list[int]) -> frames.Columns | None:
    """The facts of a section read through `plan` from its facts' cell texts and lines, or None when a cell is no
    value where the plan has one."""
    values = list(map(plan.reader, texts) if plan.reader else map(call, plan.readers, texts))
    if values.count(None) != plan.nulls:
        return None
    facts = frames.Columns(table)
    lists = facts.lists
    for name, column in plan.columns.items():
        lists[name] = list(column)
    lists["report_id"] = [report_id] * len(texts)
    lists["raw_text"] = texts
    lists["value"] = values
    lists["line"] = lines
    return facts


def _picker(indices: Sequence[int]) -> Callable[[Sequence], tuple]:
    """The items at `indices` of a sequence, as a tuple, in one C call (itemgetter: one item alone is no tuple)."""
    if len(indices) >= 2:
        return itemgetter(*indices)
    if indices:
        return lambda items: (items[indices[0]],)
    return lambda items: ()


class _Probe(NamedTuple):
    """One run of a reader on a skeleton filled with made-up numbers."""

    cells: list[str]  # the section's cells as filled
    facts: dict[str, list]
    issues: list[dict]  # without their report_id


def _probe(table: str, read: Reader, skeleton: Skeleton, number: Callable[[int], str], line: Callable[[int], int],
           report_id: str) -> _Probe:
    """The reader's output on the skeleton with the k-th cell's digits `number(k)` and the i-th row on `line(i)`."""
    layouts, widths, marked = skeleton
    cells = [cell.replace(NUMBER_MARK, number(k)) for k, cell in enumerate(marked)]
    rows, start = [], 0
    for i, (layout, width) in enumerate(zip(layouts, widths, strict=True)):
        rows.append(Row(tuple(cells[start : start + width]), line(i), layout))
        start += width
    facts, issues = read(rows, report_id)
    assert facts.table == table
    return _Probe(cells, facts.lists, [dict(issue, report_id=None) for issue in issues])


#: the two probes: the cells' made-up numbers, the rows' lines, the report id
_PROBES = ((lambda k: str(100_000 + k), lambda i: i + 1, "\x00a"),
           (lambda k: str(700_000 + 7 * k), lambda i: 50_000 + 3 * i, "\x00b"))


#: plans by (table, skeleton), all forgotten at once beyond PLANS_KEPT (each comes back at its next two sightings);
#: a skeleton met for the first time is only noted (_NOTED): its plan costs two more readings, worth it for a
#: layout that recurs, not for one printed once. A cache: what it holds changes the time a section takes, never
#: its facts or issues
_PLANS: dict[tuple[str, Skeleton], Plan | None | object] = {}
_NOTED, _UNSEEN = object(), object()
PLANS_KEPT = 512  # a plan and its skeleton hold ~25 KB (measured on n4000): at most ~13 MB per process


def _recurring_plan(table: str, read: Reader, value_readers: ValueReaders, skeleton: Skeleton) -> Plan | None:
    """The skeleton's plan (_plan), from its second sighting on; None the first time and when it has none."""
    key = (table, skeleton)
    plan = _PLANS.get(key, _UNSEEN)
    if plan is _UNSEEN:
        if len(_PLANS) >= PLANS_KEPT:
            _PLANS.clear()
        _PLANS[key] = _NOTED
        return None
    if plan is _NOTED:
        plan = _PLANS[key] = _plan(table, read, value_readers, skeleton)
    return plan


def _plan(table: str, read: Reader, value_readers: ValueReaders, skeleton: Skeleton) -> Plan | None:
    """The plan of a skeleton (module docstring), or None when the reading of its sections depends on more than
    the skeleton."""
    try:
        a, b = (_probe(table, read, skeleton, *probe) for probe in _PROBES)
    except Exception:  # noqa: BLE001 - a reader failing on made-up numbers: the sections are read row by row
        return None
    if a.issues != b.issues or any(a.facts[name] != b.facts[name] for name in a.facts if name not in _READ_COLUMNS
                                   ) or len(a.facts["raw_text"]) != len(b.facts["raw_text"]):
        return None
    if set(a.facts["report_id"]) - {_PROBES[0][2]} or set(b.facts["report_id"]) - {_PROBES[1][2]}:
        return None
    n_cells = len(skeleton[2])
    made_up = [{cell.strip(): k for k, cell in enumerate(probe.cells) if NUMBER_MARK in skeleton[2][k]}
               for probe in (a, b)]
    sources, constants, rows, readers = [], [], [], []
    for text_a, text_b, value_a, value_b, line_a, line_b in zip(
            a.facts["raw_text"], b.facts["raw_text"], a.facts["value"], b.facts["value"], a.facts["line"],
            b.facts["line"], strict=True):
        if not isinstance(text_a, str) or not isinstance(text_b, str):
            return None
        if text_a in made_up[0]:
            if made_up[1].get(text_b) != made_up[0][text_a]:
                return None
            sources.append(made_up[0][text_a])
        elif text_a == text_b:
            sources.append(n_cells + len(constants))
            constants.append(text_a)
        else:
            return None
        reader = next((f for f in value_readers if f(text_a) == value_a and f(text_b) == value_b), None)
        if reader is None:
            return None
        readers.append(reader)
        row = line_a - 1 if type(line_a) is int else -1
        if not 0 <= row < len(skeleton[0]) or line_b != _PROBES[1][1](row):
            return None
        rows.append(row)
    nulls = a.facts["value"].count(None)
    if nulls != sum(source >= n_cells for source, value in zip(sources, a.facts["value"], strict=True) if value is None):
        return None  # a made-up number must read as a value
    return Plan(tuple(sources), tuple(constants), tuple(rows), tuple(readers),
                readers[0] if readers and readers.count(readers[0]) == len(readers) else None,
                _picker(sources), _picker(rows),
                {name: tuple(column) for name, column in a.facts.items() if name not in _READ_COLUMNS},
                nulls, tuple(a.issues))
