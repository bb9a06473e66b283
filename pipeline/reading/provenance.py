"""Where each line of a report's text came from: (page, table_no, row_no), carried through normalization.

A reader that knows the origin of a line writes it as an invisible marker at the line's start (private-use
characters and ASCII digits, which decoding, normalization and traditional → simplified conversion leave
alone); `strip_markers` removes the markers from the normalized text and returns the origins by line number.
So no step between reading and extraction has to keep line numbers in step by arithmetic.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import polars as pl

_OPEN, _CLOSE = "\ue010", "\ue011"  # a marker: _OPEN page,table_no,row_no _CLOSE (each field digits or empty)
_TAB = "\t"  # the cell separator of a marked table row


class Origin(NamedTuple):
    page: int | None  # 1-based PDF page
    table_no: int | None  # the table's order in the document, 1-based
    row_no: int | None  # the row's order in its table, 1-based


def mark_line(text: str, page: int | None, table_no: int | None, row_no: int | None) -> str:
    """`text` with its origin written in front of it."""
    return _marker(page, table_no, row_no) + text


@lru_cache(maxsize=4096, typed=True)
def _marker(page: int | None, table_no: int | None, row_no: int | None) -> str:
    """The marker of an origin, remembered: a web page writes one per table row, and rows repeat across pages."""
    return _OPEN + ",".join("" if v is None else str(v) for v in (page, table_no, row_no)) + _CLOSE


def mark_rows(rows: list[list[str]], page: int | None, table_no: int) -> str:
    """A table's rows as lines of TAB-separated cells, each marked with its origin as `mark_line` marks it and ended
    by a line break. Rows are numbered from 1; a row whose cells are all empty is left out (its number skipped).
    One join per table (a web page has ~50 rows), each row's marker remembered as mark_line's."""
    return "".join(_marker(page, table_no, row_no) + _TAB.join(row) + "\n"
                   for row_no, row in enumerate(rows, start=1) if any(row))


def strip_markers(text: str) -> tuple[str, dict[int, Origin]]:
    """The text without markers, and the origin of each marked line by its 1-based line number.

    The text is cut at each marker's opening character (str.split, in C); a piece that starts with a marker's
    fields and closing character (three fields of decimal digits, each may be empty) loses them, any other piece
    keeps its opening character. A regex scan and a `sub` cost ~4 µs per marker, ~46 markers per web page."""
    if _OPEN not in text:
        return text, {}
    pieces = text.split(_OPEN)
    kept = [pieces[0]]
    origins: dict[int, Origin] = {}
    line = 1 + pieces[0].count("\n")
    for piece in pieces[1:]:
        fields, close, rest = piece.partition(_CLOSE)
        origin = _origin(fields) if close else None
        if origin is None:  # not a marker: the piece stays as it was
            kept.append(_OPEN + piece)
            line += piece.count("\n")
            continue
        if line not in origins:  # a line's first marker is its origin
            origins[line] = origin
        kept.append(rest)
        line += rest.count("\n")
    return "".join(kept), origins


@lru_cache(maxsize=4096)
def _origin(fields: str) -> Origin | None:
    """A marker's fields (`page,table_no,row_no`, each digits or empty) as an Origin; None when `fields` is not
    that (the opening character was not a marker's). Remembered: pages, tables and rows repeat."""
    values = fields.split(",")
    if len(values) != 3 or not all(v.isdecimal() or not v for v in values):  # the regex's (\d*),(\d*),(\d*)
        return None
    return Origin(*(int(v) if v else None for v in values))


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
