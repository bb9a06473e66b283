"""Table layouts that pipeline.tables.grid's rows do not yet put together (issue #11), repaired on rows before extraction.

- a table found by its own header rows when its section heading is missing or worded otherwise
  (`find_table_sections`: TABLE_SIGNATURES, one row per table, as data);
- table 二 printed one cell per line (信息内容 / 本年制发件数 / … / 规章 / 0 / 0 / 3): `join_cell_lines`;
- a row label wrapped over two lines of PDF layout text (`（二）部分公开（区分处理的，只计` /
  `这一情形，不计其他情形）  12  0 …`): `join_wrapped_labels`.
Each repair only joins rows whose reading is forced (a label row without values followed by values without a
label); anything else is left as it was, for the extractors to load or report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import compress

from pipeline.tables.cells import read_cell
from pipeline.tables.grid import Row, heading_of, row_layout, split_text_row
from pipeline.tables.labels import match, squeeze

#: rows that open a table when its heading is absent: a short row whose text matches (whitespace removed)
TABLE_SIGNATURES: dict[str, re.Pattern] = {
    "fact_proactive_disclosure": re.compile(r"^第二十条第[（(][一二三四五六七八九十]+[）)]项"),
    "fact_requests": re.compile(r"申请人情况|^自然人(?:法人或其他组织)?(?:商业企业)?|^一、本年新收政府信息公开申请数量"),
    "fact_review_results": re.compile(r"^行政复议(?:行政复议)*行政诉讼|^(?:行政复议)?结果维持结果纠正"),
}
#: a signature row is a table's header, never prose: at most this many characters
MAX_SIGNATURE_CHARS = 200


def find_table_sections(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """The rows of each table: from its heading (grid.table_sections' rule), or, when no heading of that table
    is found, from its first header row (TABLE_SIGNATURES), up to the next table's start or a closing heading."""
    starts: list[tuple[int, str, bool]] = []  # (row index, table or 'closing', the start row belongs to the table)
    seen: set[str] = set()
    headings = list(map(heading_of, rows))
    for index in compress(range(len(rows)), headings):  # the few rows that are headings (picked in C)
        heading = headings[index]
        if heading == "closing":
            starts.append((index, heading, False))
        elif heading is not None and heading not in seen:
            seen.add(heading)
            starts.append((index, heading, False))
    for table, pattern in TABLE_SIGNATURES.items():
        if table in seen:
            continue
        for index, row in enumerate(rows):
            text = row.text
            if headings[index] is None and len(text) <= MAX_SIGNATURE_CHARS and pattern.search(text):
                starts.append((index, table, True))
                seen.add(table)
                break
    starts.sort()
    first_table = next((k for k, (_i, t, _inc) in enumerate(starts) if t != "closing"), len(starts))
    starts = starts[first_table:]  # a closing heading before any table closes nothing
    sections: dict[str, list[Row]] = {}
    for k, (index, table, inclusive) in enumerate(starts):
        if table == "closing":
            continue
        end = next((later for later, later_table, _inc in starts[k + 1:] if later_table != table), len(rows))
        sections[table] = list(rows[index if inclusive else index + 1 : end])
    return sections



def _single(row: Row) -> str | None:
    """The one cell of a one-cell line of text (not a table row with several cells)."""
    if row.layout != "text" or len(row.cells) != 1:
        return None
    return row.cells[0].strip()


def join_cell_lines(
    rows: Sequence[Row], header_width: Callable[[str], int], item_label: Callable[[str], bool]
) -> list[Row]:
    """Table 二 printed one cell per line, rebuilt into rows.

    `信息内容` followed by lines that each name one measure (`header_width(line) == 1`) becomes a header row;
    after it, an item label followed by exactly one value line per measure becomes an item row."""
    if "text" not in map(row_layout, rows):  # only lines of text are joined (checked in C: most tables have none)
        return list(rows)
    out: list[Row] = []
    width = 0
    i = 0
    while i < len(rows):
        row = rows[i]
        text = _single(row)
        if text is not None and squeeze(text) == "信息内容":
            j = i + 1
            while j < len(rows) and (cell := _single(rows[j])) is not None and header_width(cell) == 1:
                j += 1
            if j > i + 1:
                out.append(Row(tuple(_single(r) for r in rows[i:j]), row.line, "cells"))
                width, i = j - i - 1, j
                continue
        if text is not None and width and item_label(text):
            values = [_single(r) for r in rows[i + 1 : i + 1 + width]]
            if len(values) == width and all(v is not None and v and read_cell(v).kind != "unreadable"
                                            for v in values):
                out.append(Row((text, *values), row.line, "cells"))
                i += 1 + width
                continue
        out.append(row)
        i += 1
    return out


def join_wrapped_labels(rows: Sequence[Row], is_label: Callable[[str], bool]) -> list[Row]:
    """A text line holding a row label and no values, followed by a text line whose values carry no label of
    their own, is one row whose label wrapped: the two lines are joined."""
    if list(map(row_layout, rows)).count("text") < 2:  # two lines of text are needed (checked in C: most tables have none)
        return list(rows)
    out: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if i + 1 < len(rows) and row.layout == "text" and rows[i + 1].layout == "text":
            head, tail = split_text_row(row), split_text_row(rows[i + 1])
            if (len(head) == 1 and is_label(head[0]) and len(tail) > 1 and not is_label(tail[0])
                    and read_cell(tail[0]).kind == "unreadable"):
                out.append(Row((f"{row.cells[0].strip()}{rows[i + 1].cells[0].strip()}",), row.line, "text"))
                i += 2
                continue
        out.append(row)
        i += 1
    return out


def is_request_label(text: str) -> bool:
    """A row label of table 三 under any of its groups."""
    return any(match("request_row", text, group) for group in (None, "withheld", "unavailable", "not_processed",
                                                                  "other"))
