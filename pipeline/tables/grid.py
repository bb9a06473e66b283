"""Turning a report's normalized text into rows of cells, whatever layout its tables came in.

Layouts met in real reports (all in tests/fixtures):
- `cells`: one cell per line, each starting with a TAB, rows separated by blank lines; a cell's text may wrap
  onto following lines that have no TAB (本年新 / 制作数量), which are joined back;
- `tab`: one row per line, TAB-separated (text exports and the HTML reader's output);
- `pipe`: ` | `-joined rows from PDF text, blank cells where merged cells were;
- `markdown`: `| a | b |` rows (separator lines `|---|` dropped);
- `text`: any other line, one cell.
Page footers (`- 3 -`, `— 1 —`) are dropped wherever they fall, so a table split over pages reads as one.
The extractors then work on rows only and never look at the layout again, except to tell a table row from prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache, partial
from itertools import accumulate, repeat
from operator import itemgetter
from typing import NamedTuple

from pipeline.tables.cells import is_value_cell
from pipeline.tables.labels import CLOSING_HEADING, TABLE_HEADINGS, squeeze

_FOOTER = re.compile(r"^\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*$")
_MD_SEPARATOR = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?$")
_MD_DECORATION = re.compile(r"^[#>*\s]+|[*\s]+$")
#: a line that is no row: a page footer or a markdown separator (one match instead of two per line)
_NOT_A_ROW = re.compile(f"(?:{_FOOTER.pattern})|(?:{_MD_SEPARATOR.pattern})")
#: the characters either can start with besides whitespace (`\s` is str.isspace): other lines skip the regex
_NOT_A_ROW_STARTS = frozenset("-—–－|:")

#: a heading is a short line: prose that merely mentions a table's title is longer than this
MAX_HEADING_CHARS = 40


class Row(NamedTuple):
    """One table row or line of text (a NamedTuple: every line of every report becomes one, and a tuple is
    built at a fraction of a frozen dataclass's cost)."""

    cells: tuple[str, ...]
    line: int  # 1-based line of the row's first line in the text
    layout: str  # cells | tab | pipe | markdown | text

    @property
    def text(self) -> str:
        """The row's text without whitespace or markdown decoration (for headings and labels)."""
        return row_text(self.cells)


#: Row.layout as a C-level getter (`map(row_layout, rows)` looks at every row's layout without a Python loop)
row_layout = itemgetter(Row._fields.index("layout"))
#: Row.cells and Row.line as C-level getters
row_cells = itemgetter(Row._fields.index("cells"))
row_line = itemgetter(Row._fields.index("line"))


@lru_cache(maxsize=65536)
def row_text(cells: tuple[str, ...]) -> str:
    """Row.text, remembered: headings and table signatures ask every row for it several times."""
    return squeeze(_MD_DECORATION.sub("", "".join(cells)))


def _is_blank(line: str) -> bool:
    return not line.strip(" ")


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and line.count("\t") == 1


def _split_pipes(line: str) -> tuple[tuple[str, ...], str]:
    """The cells and layout (pipe / markdown) of a line with `|` that no run of such lines holds (_run_rows)."""
    parts = line.split("|")
    layout = "markdown" if line.startswith("|") else "pipe"
    if line.startswith("|"):
        parts = parts[1:]
    if line.endswith("|"):
        parts = parts[:-1]
    return tuple(map(str.strip, parts)), layout


#: Row(cells, line, layout) without NamedTuple's Python-level __new__ (text_rows builds one per line of every report)
_new_row = partial(tuple.__new__, Row)


#: a run of lines that text_rows cuts alike, each ending in a newline, matched from a line's start. No line of a run
#: holds `---` or is a page footer (those may be no row: such a line ends the run and is cut on its own), so every
#: line of a run is a row of the run's layout:
#: - tab: a TAB in the line, which is not one TAB and a single cell (that opens a cell block);
#: - pipe: a `|` in the line, no TAB, not starting with `|`;
#: - markdown: starting with `|` and holding more (a line that is `|` alone has no cells), no TAB.
_NO_DASHES = r"(?![^\n]*---)"
_NO_FOOTER = r"(?![^\S\n]*[-—–－]+[^\S\n]*\d{1,4}[^\S\n]*[-—–－]+[^\S\n]*\n)"
_RUNS = {
    "tab": re.compile(rf"(?:{_NO_DASHES}{_NO_FOOTER}(?!\t[^\t\n]*\n)[^\n]*\t[^\n]*\n)+"),
    "pipe": re.compile(rf"(?:{_NO_DASHES}[^\n\t|][^\n\t|]*\|[^\n\t]*\n)+"),
    "markdown": re.compile(rf"(?:{_NO_DASHES}\|[^\n\t]+\n)+"),
}


def _run_rows(text: str, offset: int, number: int, layout: str, rows: list[Row]) -> int:
    """The rows of the run of `layout` lines starting at text[offset] (line `number`, 1-based), appended to rows,
    each line's cells cut in C (no Python per line); returns how many lines the run holds (0: no run there)."""
    m = _RUNS[layout].match(text, offset)
    if m is None:
        return 0
    lines = m.group().split("\n")
    lines.pop()  # the empty piece after the run's last newline
    count = len(lines)
    if layout == "tab":
        cells = map(tuple, map(map, repeat(str.strip), map(str.split, lines, repeat("\t"))))
    else:  # the outer pipes dropped, as _split_pipes does (`removesuffix`: the last `|`, when there is one)
        if layout == "markdown":
            lines = map(itemgetter(slice(1, None)), lines)
        parts = map(str.split, map(str.removesuffix, lines, repeat("|")), repeat("|"))
        cells = map(tuple, map(map, repeat(str.strip), parts))
    rows.extend(map(_new_row, zip(cells, range(number, number + count), repeat(layout))))
    return count


def text_rows(text: str) -> list[Row]:
    """Every non-blank line or cell block of `text` as a Row, footers and markdown separators dropped.

    Runs once per line of every report, so the common cases are tested first and inline; a run of TAB, pipe or
    markdown rows (a table's body) is cut at once (_run_rows)."""
    lines = text.split("\n")
    rows: list[Row] = []
    offsets = None  # each line's offset in text, worked out at the first run
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1  # i is now the line's 1-based number
        if not line.strip(" ") or (
            (line[0] in _NOT_A_ROW_STARTS or line[0].isspace()) and _NOT_A_ROW.match(line)
        ):
            continue
        if "\t" in line:
            if line[0] == "\t" and line.count("\t") == 1:  # _is_cell_line, inline: once per line of every report
                i = _cell_block(lines, i - 1, rows)
                continue
            layout = "tab"
        elif "|" in line:
            layout = "markdown" if line[0] == "|" else "pipe"
        else:
            rows.append(_new_row(((line.strip(),), i, "text")))
            continue
        if offsets is None:
            offsets = list(accumulate(map(len, lines), initial=0))
        run = _run_rows(text, offsets[i - 1] + i - 1, i, layout, rows)
        if run:
            i += run - 1
        elif layout == "tab":
            rows.append(_new_row((tuple(map(str.strip, line.split("\t"))), i, "tab")))
        else:
            cells, layout = _split_pipes(line)
            rows.append(_new_row((cells, i, layout)))
    return rows


#: a page footer on any line of a block of lines (as _FOOTER on one line; `\s` may also span lines here, so it can
#: find more than _FOOTER would, never fewer: a block where it finds one is cut line by line)
_FOOTER_IN_BLOCK = re.compile(_FOOTER.pattern.removeprefix("^").removesuffix("$").join("^$"), re.MULTILINE)


def _cell_block(lines: list[str], start: int, rows: list[Row]) -> int:
    """The row of one-cell-per-line layout starting at lines[start], appended to rows; returns the index of the
    first line after it. Continuation lines without a TAB are a wrapped cell's text; footers are dropped.

    The common block (every line up to the next empty one is a TAB and one cell, no footer) is cut at once."""
    try:
        end = lines.index("", start + 1)
    except ValueError:
        end = len(lines)
    block = "\n".join(lines[start:end])
    if block.count("\n\t") == end - start - 1 == block.count("\t") - 1 and not _FOOTER_IN_BLOCK.search(block):
        rows.append(_new_row((tuple(map(str.strip, block[1:].split("\n\t"))), start + 1, "cells")))
        return end
    return _cell_block_by_line(lines, start, rows)


def _cell_block_by_line(lines: list[str], start: int, rows: list[Row]) -> int:
    """_cell_block line by line (a block with a wrapped cell, a footer, or a line of several TABs in it)."""
    cells = [lines[start][1:].strip()]
    i, n = start + 1, len(lines)
    while i < n and not _is_blank(lines[i]):
        nxt = lines[i]
        if (nxt[0] in _NOT_A_ROW_STARTS or nxt[0].isspace()) and _FOOTER.match(nxt):
            pass
        elif nxt[0] == "\t" and nxt.count("\t") == 1:  # _is_cell_line, inline: once per line of the block
            cells.append(nxt[1:].strip())
        elif "\t" in nxt:
            break
        else:
            cells[-1] += nxt.strip()
        i += 1
    rows.append(_new_row((tuple(cells), start + 1, "cells")))
    return i


#: what every heading holds, whitespace allowed inside as squeeze() removes it: the tables' …情况, the closing
#: 五、… / 存在的主要问题 / 其他需要报告, i.e. 况 or 存, or one of these two patterns. A row without it is no heading,
#: which spares squeezing the text of every row of numbers (those are unique, so a cache would not help them). Each
#: pattern starts with a character or a set, which sre looks for in C (one alternation of all three was tried at
#: every position), and is searched only when its 需 / 、 is in the text
_OTHER_MATTERS = re.compile(r"其\s*他\s*需")
_NUMBERED_FIVE_TO_EIGHT = re.compile(r"[五六七八]\s*、")


def heading_of(row: Row) -> str | None:
    """The table whose heading the row is ('closing' for 五、… and the like), or None."""
    cells = row.cells
    text = cells[0] if len(cells) == 1 else "".join(cells)
    if not ("况" in text or "存" in text or "需" in text or "、" in text):
        return None  # none of the characters every heading holds
    if len(text) > MAX_HEADING_CHARS and _longer_than_a_heading(text):
        return None  # prose: not searched, and not squeezed (a text no cache would find again)
    if not ("况" in text or "存" in text or ("需" in text and _OTHER_MATTERS.search(text))
            or ("、" in text and _NUMBERED_FIVE_TO_EIGHT.search(text))):
        return None  # holds none of what a heading holds
    return _heading_of_cells(cells)


def _longer_than_a_heading(text: str) -> bool:
    """Whether row_text of a row whose cells join to `text` is surely longer than MAX_HEADING_CHARS, in C: it
    removes whitespace (what str.split splits on, as `\\s` in squeeze) and at most every `#`, `>` and `*`."""
    return (len("".join(text.split())) - text.count("#") - text.count(">") - text.count("*")
            > MAX_HEADING_CHARS)


@lru_cache(maxsize=16384)
def _heading_of_cells(cells: tuple[str, ...]) -> str | None:
    """heading_of, remembered per cells (the same headings and labels recur in every report)."""
    text = row_text(cells)
    if not text or len(text) > MAX_HEADING_CHARS:
        return None
    for table, pattern in TABLE_HEADINGS.items():
        if pattern.match(text):
            return table
    if CLOSING_HEADING.match(text):
        return "closing"
    return None


def table_sections(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """The rows under each table's heading, up to the next table's heading or a closing heading (五、…).

    Only the first heading of each table counts (markdown converters repeat them: `## 表二` twice).
    A table whose heading is not found is absent from the result.
    """
    starts: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        heading = heading_of(row)
        if heading is None:
            continue
        if heading == "closing":
            if seen:
                starts.append((index, heading))
            continue
        if heading not in seen:
            seen.add(heading)
            starts.append((index, heading))
    sections: dict[str, list[Row]] = {}
    for k, (index, heading) in enumerate(starts):
        if heading == "closing":
            continue
        end = len(rows)
        for later, later_heading in starts[k + 1:]:
            if later_heading != heading:
                end = later
                break
        sections[heading] = list(rows[index + 1 : end])
    return sections


def split_text_row(row: Row) -> tuple[str, ...]:
    """A plain-text line `行政许可 97` or `一、本年新收… 3001 53 0` as label + its trailing numbers.

    Only trailing tokens that read as numbers or placeholders are split off; a line without them stays one cell.
    """
    if row.layout != "text":
        return row.cells
    tokens = row.cells[0].split()
    k = len(tokens)
    while k > 0 and is_value_cell(tokens[k - 1]) and tokens[k - 1].strip():
        k -= 1
    if k == len(tokens):
        return row.cells
    return (" ".join(tokens[:k]), *tokens[k:]) if k else tuple(tokens)
