"""Reading tables 二, 三 and 四 straight from a report's text, without cutting its lines into rows.

Most reports print the three tables as one of a few layouts of the template filled with other numbers (68 such
regions for the 3,888 2019/2021 reports of the generated n4000 corpus). The *region* is the text from the first
table's heading line to the end of the closing heading's line (五、… after the last table), and its *key* is the
region with the number of every number cell masked (`_TOKEN`: the cell's sign and digits, as
cells.number_skeleton marks them in a TAB, pipe or markdown cell or in a one-cell-per-line cell; lines of text
keep their numbers). Every decision grid.text_rows, layouts.find_table_sections and the skeleton plans make looks
at a number cell through its shape (a number or not, its unit), never its digits, once the guards below hold; so a
region whose key was read once is read again from its number tokens: the facts' raw_text are the n-th tokens,
their values the skeleton plan's readings, their lines offsets from the region's first line.

- finding the region (`find_region`): each line holding 况, 存 or 需 (every heading holds one) is asked `heading_of`
  as a line of text, in order: the first table heading opens the region, the first closing heading once all three
  tables were seen ends it. This is exact for the text before the region when it holds no TAB and no `|` (its rows
  are then its lines: none is a table heading, so the first table heading of the text opens the region); what is
  inside the region is settled by the key.
- the plan of a key (`_text_plan`, at its second sighting, from the row-by-row reading of that report): kept only
  when the region is where find_table_sections puts the tables (all three found by their headings, the closing
  row one line), the masked region cut into rows has the same rows as the text, every section's skeleton
  (skeleton.read_by_skeleton's) is the masked region's cells (so every token is a number cell's number and every
  number cell a token), no token can be part of a page footer (`_DASH_BY_MARK`: a footer's number has 1–4
  digits), no row holding a token reads as a closing heading (its length would count), and each table's skeleton
  has a plan. Otherwise the key is remembered as having none.
- reading (`_read`): as skeleton.read_by_skeleton reads a section through its plan; a cell that is no value where
  the plan has one (an issue, which the reader words) sends the report to the row-by-row reading.

tests/test_by_text.py compares this reading with the row-by-row one on every layout, on mutated regions, and on
regions that must be refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain, filterfalse
from typing import NamedTuple

from pipeline import frames
from pipeline.tables.cells import NUMBER_MARK, number_skeleton
from pipeline.tables.flat_text import FLAT
from pipeline.tables.grid import Row, heading_of, row_cells, row_layout, row_text, text_rows
from pipeline.tables.labels import CLOSING_HEADING
from pipeline.tables.skeleton import (
    Plan,
    Reader,
    SkeletonReader,
    ValueReaders,
    _picker,
    _plan,
    _row_skeleton,
    plan_facts,
)

#: a number cell's number in a TAB, pipe or markdown row or a cell line: after a TAB or `|` (or at a line's start
#: when a TAB or `|` ends the cell: a line of text keeps its numbers) and whitespace, the sign and digits of
#: cells._NUMBER (the group: what number_skeleton marks), then whitespace, a unit and the cell's end. Whitespace
#: here is never TAB or newline, as in a cell.
_WS = r"[^\S\t\n]*"
#: (the whitespace after the sign only: a pattern of several tokens must have one way to match each, or a region
#: that does not match would be tried in every way, 2^tokens)
_SIGNED = r"(?:(?:增加|减少|增|减|[+\-])" + _WS + r")?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_UNIT = _WS + r"(?:亿元|万元|元|件|个|项|条|次|人次|人)?" + _WS
_TOKEN = re.compile(
    rf"(?:(?<=[\t|])|(?:(?<=\n)|\A)(?={_WS}{_SIGNED}{_UNIT}[\t|])){_WS}({_SIGNED})(?={_UNIT}(?:[\t|\n]|\Z))"
)
#: a mark next to a dash across whitespace: a token that may be a page footer's number (`- 3 -`), which text_rows
#: drops only when it has 1 to 4 digits
_DASH_BY_MARK = re.compile(rf"[-—–－]\s*{NUMBER_MARK}|{NUMBER_MARK}\s*[-—–－]")
_TABLES = ("fact_proactive_disclosure", "fact_requests", "fact_review_results")


class Region(NamedTuple):
    """The tables' region of a report's text (module docstring): text[start:end]."""

    start: int
    end: int
    line: int  # 1-based line of its first line in the report


def _line_heading(text: str, at: int) -> tuple[str | None, int, int]:
    """heading_of the line of text holding text[at], read as a line of text; and the line's start and end."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    if end < 0:
        end = len(text)
    line = text[start:end].strip()
    return heading_of(Row((line,), 0, "text")), start, end


def find_region(text: str) -> Region | None:
    """The region from the first table heading line to the first closing heading line after all three tables'
    headings, when the text before it holds no TAB and no `|` (its lines are then its rows, and each line that
    can be a table heading, holding 况 as all do, is asked); None otherwise."""
    seen: set[str] = set()
    start, at = -1, 0
    while len(seen) < len(_TABLES):
        at = text.find("况", at)
        if at < 0:
            return None
        heading, line_start, at = _line_heading(text, at)
        if heading is None or heading == "closing" or heading in seen:
            continue
        if not seen:
            if text.find("\t", 0, line_start) >= 0 or text.find("|", 0, line_start) >= 0:
                return None
            start = line_start
        seen.add(heading)
    while True:  # the closing heading: 五、存在的主要问题…, 其他需要报告…
        found = [k for k in map(text.find, "况存需", (at, at, at)) if k >= 0]
        if not found:
            return None
        heading, _line_start, at = _line_heading(text, min(found))
        if heading == "closing":
            return Region(start, at, text.count("\n", 0, start) + 1)


def masked(region: str) -> tuple[str, list[str]]:
    """The region's key (every token's number replaced by NUMBER_MARK) and its tokens, in order."""
    parts = _TOKEN.split(region)
    return NUMBER_MARK.join(parts[::2]), parts[1::2]


#: a token in a key's pattern: any cell text up to the next piece of the key (which then says where it ends),
#: checked to be a token afterwards (_are_tokens): sre takes ~0.6 µs per token to follow _SIGNED's grammar, a
#: few characters' compare to follow this
_ANY_TOKEN = f"{_WS}([^\\s|][^\\t|\\n]*?)"
_IS_TOKEN = re.compile(_SIGNED).fullmatch


def key_pattern(key: str) -> re.Pattern:
    """The pattern a region matches whole, with tokens that _are_tokens, exactly when its key is `key`: the key's
    text with each mark a token, captured (so a match gives the tokens in one call, where masking the region
    takes a scan of it). Each token has one way to match (whitespace before it is the pattern's, the key's next
    piece starts with the rest of its cell and the cell's end), so a region that does not match fails in time
    linear in its length."""
    return re.compile(_ANY_TOKEN.join(map(re.escape, key.split(NUMBER_MARK))))


def _are_tokens(tokens: tuple[str, ...]) -> bool:
    """Whether every text a key's pattern took for a token is one (_SIGNED): digits alone, tested in C, or
    the full grammar."""
    return all(map(str.isdecimal, tokens)) or all(map(_IS_TOKEN, filterfalse(str.isdecimal, tokens)))


class _TablePlan(NamedTuple):
    """Where one table's facts come from in a region of a key."""

    table: str
    plan: Plan  # the skeleton plan of the table's section (its columns, readers, issues)
    pick: Callable[[Sequence], tuple]  # the facts' cell texts out of the region's tokens + constants
    constants: tuple[str, ...]  # raw_text of facts whose cell holds no token
    suffixes: tuple[str, ...] | None  # per fact: what follows the number in its cell (units), None when nothing
    lines: tuple[int, ...]  # per fact: its row's line less the region's first line


class TextPlan(NamedTuple):
    tables: tuple[_TablePlan, ...]  # in gov.EXTRACTORS' order


def read_tables(plan: TextPlan, tokens: tuple[str, ...], first_line: int, report_id: str,
                ) -> tuple[dict[str, frames.Columns], list[dict]] | None:
    """The facts and issues of a region through its key's plan, from its tokens; None when a cell is no value
    where the plan has one (the row-by-row reading words the issue)."""
    facts: dict[str, frames.Columns] = {}
    issues: list[dict] = []
    for t in plan.tables:
        texts = list(t.pick(tokens + t.constants if t.constants else tokens))
        if t.suffixes is not None:
            texts = list(map(str.__add__, texts, t.suffixes))
        columns = plan_facts(t.plan, t.table, report_id, texts, list(map(first_line.__add__, t.lines)))
        if columns is None:
            return None
        facts[t.table] = columns
        issues.extend(dict(issue, report_id=report_id) for issue in t.plan.issues)
    return facts, issues


#: the keys met, by the region's shape (its first line and its numbers of lines, TABs and `|`: cheap to find,
#: where a key costs a scan of the region): each key as its pattern (key_pattern) and its plan, None when it has
#: none. A shape met once is only noted (a plan costs a second reading of the rows and a scan of the region);
#: at most KEYS_PER_SHAPE keys are learnt per shape.
#: Learning is a budget per process, never renewed: a key's pattern takes ~22 ms to compile (~200 groups) and
#: holds ~0.2 MB, so a corpus of ever new layouts must not pay that again and again. At most KEYS_LEARNT keys are
#: learnt (the generated corpora have 20), and SHAPES_NOTED shapes noted; past that, known keys are still read
#: and every other report is read row by row. (re's own cache of 512 patterns then holds at most these.)
#: A cache: what it holds changes the time a report takes, never its facts or issues
_KNOWN: dict[tuple, list[tuple[re.Pattern, TextPlan | None]]] = {}
KEYS_PER_SHAPE = 8
KEYS_LEARNT = 64
SHAPES_NOTED = 4096


def shape_of(text: str, region: Region) -> tuple:
    """What regions of one key share (a key's shape), found by C-level searches and counts."""
    start, end = region.start, region.end
    return (text[start : text.find("\n", start, end)], text.count("\n", start, end),
            text.count("\t", start, end), text.count("|", start, end))


def known_plan(text: str, region: Region, shape: tuple) -> tuple[TextPlan | None, tuple[str, ...]] | None:
    """The plan of the region's key and the region's tokens when its key was learnt (the plan None when the key
    has none), else None. The key's pattern matching the region whole is what says its key is that key."""
    for pattern, plan in _KNOWN.get(shape, ()):
        m = pattern.fullmatch(text, region.start, region.end)
        if m is not None and _are_tokens(tokens := m.groups()):
            return plan, tokens
    return None


def learn(text: str, region: Region, shape: tuple, make: Callable[[str, int], TextPlan | None]) -> None:
    """Note a shape met for the first time; from its second sighting on, learn the key of a region whose key is
    unknown, with its plan `make(key, number of tokens)`, while the budget (KEYS_LEARNT, SHAPES_NOTED) lasts."""
    keys = _KNOWN.get(shape)
    if keys is None:
        if len(_KNOWN) < SHAPES_NOTED:
            _KNOWN[shape] = []
    elif len(keys) < KEYS_PER_SHAPE and sum(map(len, _KNOWN.values())) < KEYS_LEARNT:
        key, tokens = masked(text[region.start : region.end])
        keys.append((key_pattern(key), make(key, len(tokens))))


def text_plan(text: str, rows: Sequence[Row], sections: dict[str, list[Row]], region: Region, key: str,
              n_tokens: int, readers: Sequence[SkeletonReader]) -> TextPlan | None:
    """The plan of `key` from the rows of a report whose region has that key, or None when it cannot be sure
    (module docstring). `readers`: per table, in order, its reader, value readers and labelled_rows_kept, as
    the table's module passes them to skeleton.read_by_skeleton."""
    if text.find(NUMBER_MARK, region.start, region.end) >= 0 or _DASH_BY_MARK.search(key):
        return None
    first, last = region.line, region.line + key.count("\n")
    headings = list(map(heading_of, rows))
    index = {row.line: i for i, row in enumerate(rows)}
    if first not in index or last not in index:
        return None
    i0, i1 = index[first], index[last]
    # the starts of find_table_sections: the first heading of each table, closing headings; the region must open
    # at the first table's heading and end at the start after the last table's
    firsts: dict[str, int] = {}
    for i, heading in enumerate(headings[: i1 + 1]):
        if heading in _TABLES and heading not in firsts:
            firsts[heading] = i
    if len(firsts) != len(_TABLES) or min(firsts.values()) != i0 or rows[i1].layout == "cells":
        return None
    closing = next((i for i in range(max(firsts.values()) + 1, len(rows)) if headings[i] == "closing"), None)
    if closing != i1:
        return None
    masked_rows = text_rows(key)
    region_rows = rows[i0 : i1 + 1]
    if len(masked_rows) != len(region_rows):
        return None
    for row, masked in zip(region_rows, masked_rows, strict=True):
        if (row.layout != masked.layout or len(row.cells) != len(masked.cells) or row.line - first != masked.line - 1):
            return None
        if NUMBER_MARK in "".join(masked.cells) and CLOSING_HEADING.match(row_text(row.cells)):
            return None  # a closing heading holding a number: whether it is one depends on the number's length
    token_before = [0]  # per masked row: how many tokens come before it
    for masked in masked_rows:
        token_before.append(token_before[-1] + "".join(masked.cells).count(NUMBER_MARK))
    if token_before[-1] != n_tokens:
        return None
    starts = sorted([*firsts.values(), *(i for i, h in enumerate(headings[: i1 + 1]) if h == "closing" and i >= i0)])
    tables = []
    for table, read, value_readers, labelled_rows_kept in readers:
        at = firsts[table]
        end = next(i for i in starts if i > at)
        if sections.get(table) != list(rows[at + 1 : end]):
            return None  # not find_table_sections' section (cannot happen: checked on the way)
        plan = _table_plan(table, read, value_readers, labelled_rows_kept, rows[at + 1 : end],
                           masked_rows[at + 1 - i0 : end - i0], token_before[at + 1 - i0], n_tokens, first)
        if plan is None:
            return None
        tables.append(plan)
    return TextPlan(tuple(tables))


def _table_plan(table: str, read: Reader, value_readers: ValueReaders, labelled_rows_kept: bool,
                rows: Sequence[Row], masked_rows: Sequence[Row], token_start: int, n_tokens: int, first: int,
                ) -> _TablePlan | None:
    """One table's part of a text plan: its section's skeleton (as read_by_skeleton makes it) must be the
    masked section's cells, and have a plan."""
    layouts = tuple(map(row_layout, rows))
    cells = list(map(row_cells, rows))
    flat = list(chain.from_iterable(cells))
    if FLAT in layouts or NUMBER_MARK in "".join(flat):
        return None
    if labelled_rows_kept or "text" in layouts:
        marked = tuple(chain.from_iterable(map(_row_skeleton, cells, layouts, [labelled_rows_kept] * len(cells))))
    else:
        marked = tuple(map(number_skeleton, flat))
    masked_flat = tuple(chain.from_iterable(map(row_cells, masked_rows)))
    if marked != masked_flat:
        return None
    plan = _plan(table, read, value_readers, (layouts, tuple(map(len, cells)), marked))
    if plan is None:
        return None
    # each fact's cell: a token (its index among the region's tokens) or a constant text (after the tokens)
    token_of, k = {}, token_start
    for c, cell in enumerate(masked_flat):
        if NUMBER_MARK in cell:
            if cell.count(NUMBER_MARK) != 1 or not cell.startswith(NUMBER_MARK):
                return None
            token_of[c] = k
            k += 1
    n_cells = len(flat)
    sources, constants, suffixes = [], [], []
    for source in plan.sources:
        if source in token_of:
            sources.append(token_of[source])
            suffixes.append(masked_flat[source][1:])
        else:
            text = plan.constants[source - n_cells] if source >= n_cells else flat[source].strip()
            sources.append(n_tokens + len(constants))
            constants.append(text)
            suffixes.append("")
    lines = tuple(rows[r].line - first for r in plan.rows)
    return _TablePlan(table, plan, _picker(sources), tuple(constants),
                      tuple(suffixes) if any(suffixes) else None, lines)

