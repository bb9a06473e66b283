"""Where each line of a report's text came from: (page, table_no, row_no), carried through normalization.

A reader that knows the origin of a line writes it as an invisible marker at the line's start (private-use
characters and ASCII digits, which decoding, normalization and traditional → simplified conversion leave
alone); `strip_markers` removes the markers from the normalized text and returns the origins by line number.
So no step between reading and extraction has to keep line numbers in step by arithmetic.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_OPEN, _CLOSE = "\ue010", "\ue011"
_MARKER = re.compile(_OPEN + r"(\d*),(\d*),(\d*)" + _CLOSE)


class Origin(NamedTuple):
    page: int | None  # 1-based PDF page
    table_no: int | None  # the table's order in the document, 1-based
    row_no: int | None  # the row's order in its table, 1-based


def mark_line(text: str, page: int | None, table_no: int | None, row_no: int | None) -> str:
    """`text` with its origin written in front of it."""
    fields = ("" if v is None else str(v) for v in (page, table_no, row_no))
    return _OPEN + ",".join(fields) + _CLOSE + text


def strip_markers(text: str) -> tuple[str, dict[int, Origin]]:
    """The text without markers, and the origin of each marked line by its 1-based line number."""
    if _OPEN not in text:
        return text, {}
    origins: dict[int, Origin] = {}
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        found = _MARKER.search(line)
        if found is None:
            continue
        origins[number] = Origin(*(int(v) if v else None for v in found.groups()))
        lines[number - 1] = _MARKER.sub("", line)
    return "\n".join(lines), origins
