"""Where each line of a report's text came from: (page, table_no, row_no), carried through normalization.

A reader that knows the origin of a line writes it as an invisible marker at the line's start (private-use
characters and ASCII digits, which decoding, normalization and traditional → simplified conversion leave
alone); `strip_markers` removes the markers from the normalized text and returns the origins by line number.
So no step between reading and extraction has to keep line numbers in step by arithmetic.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import polars as pl

_OPEN, _CLOSE = "\ue010", "\ue011"
_TAB = "\t"  # the cell separator of a marked table row
_MARKER = re.compile(_OPEN + r"(\d*),(\d*),(\d*)" + _CLOSE)


class Origin(NamedTuple):
    page: int | None  # 1-based PDF page
    table_no: int | None  # the table's order in the document, 1-based
    row_no: int | None  # the row's order in its table, 1-based


def mark_line(text: str, page: int | None, table_no: int | None, row_no: int | None) -> str:
    """`text` with its origin written in front of it."""
    fields = ("" if v is None else str(v) for v in (page, table_no, row_no))
    return _OPEN + ",".join(fields) + _CLOSE + text


def mark_rows(rows: list[list[str]], page: int | None, table_no: int) -> str:
    """A table's rows as lines of TAB-separated cells, each marked with its origin as `mark_line` marks it and ended
    by a line break. Rows are numbered from 1; a row whose cells are all empty is left out (its number skipped).
    One format string per row, the marker's head built once per table (a web page has ~50 rows)."""
    head = _OPEN + ("" if page is None else str(page)) + f",{table_no},"
    return "".join(f"{head}{row_no}{_CLOSE}{_TAB.join(row)}\n" for row_no, row in enumerate(rows, start=1) if any(row))


def strip_markers(text: str) -> tuple[str, dict[int, Origin]]:
    """The text without markers, and the origin of each marked line by its 1-based line number."""
    if _OPEN not in text:
        return text, {}
    origins: dict[int, Origin] = {}
    line, counted_to = 1, 0  # one scan for the markers; line numbers by counting line breaks between them
    for found in _MARKER.finditer(text):
        line += text.count("\n", counted_to, found.start())
        counted_to = found.start()
        if line not in origins:  # a line's first marker is its origin
            origins[line] = _origin(found.groups())
    return _MARKER.sub("", text), origins


@lru_cache(maxsize=4096)
def _origin(fields: tuple[str, str, str]) -> Origin:
    """A marker's fields as an Origin, remembered: pages, tables and rows repeat within and across reports."""
    return Origin(*(int(v) if v else None for v in fields))


def origins_frame(by_report: dict[str, dict[int, Origin]]) -> pl.DataFrame:
    """(report_id, line, page, table_no, row_no) for every line whose origin a reader recorded."""
    columns: dict[str, list] = {"report_id": [], "line": [], "page": [], "table_no": [], "row_no": []}
    for report_id, origins in by_report.items():
        if not origins:
            continue
        columns["report_id"].extend([report_id] * len(origins))
        columns["line"].extend(origins)
        for name, values in zip(Origin._fields, zip(*origins.values(), strict=True), strict=True):
            columns[name].extend(values)  # a report's origins transposed in C (was five appends per line)
    return pl.DataFrame(columns, schema={"report_id": pl.String, "line": pl.Int32, "page": pl.Int32,
                                         "table_no": pl.Int32, "row_no": pl.Int32})


def attach_origins(facts: pl.DataFrame, origins: pl.DataFrame) -> pl.DataFrame:
    """Fill the fact rows' page / table_no / row_no from the origin of the line each was read from."""
    if facts.is_empty() or origins.is_empty():
        return facts
    columns = facts.columns
    return (
        facts.rechunk()  # a batch's facts arrive as one chunk per report: the join runs ~2x faster on one
        .drop("page", "table_no", "row_no")
        .join(origins, on=["report_id", "line"], how="left", maintain_order="left")
        .select(columns)
    )
