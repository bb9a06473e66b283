"""Reading one table cell: a number as printed, a blank, a placeholder, or something unreadable.

A blank cell is NULL, never 0; placeholders (- / — 无) are NULL too but keep their token in raw_text.
Signed changes (增1, 减5711, -95, +1036), thousands separators and money units written in the cell
(19.07亿元, 6089.19万元, 4003622元) or in the column header （单位:万元） are understood here, in one place.
Arithmetic on amounts is done in Decimal so 19.07亿元 is exactly 1907000000 yuan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

#: cells that say "nothing here" (stored as NULL with the token in raw_text)
NULL_TOKENS = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "空", "×", "N/A", "n/a", "／", "－"})

#: money units and their factor to yuan
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}

_NUMBER = re.compile(
    r"^(?P<sign>增加|减少|增|减|[+\-])?"
    r"\s*(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<unit>亿元|万元|元|件|个|项|条|次|人次|人)?$"
)
_NEGATIVE = {"-", "减", "减少"}
_HEADER_UNIT = re.compile(r"单位[:：]?\s*(?P<unit>亿元|万元|元)|[（(]\s*(?P<bare>亿元|万元|元)\s*[)）]")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell read: `kind` is number | blank | null | unreadable; `value` is set for numbers only."""

    raw: str
    kind: str
    value: Decimal | None = None
    unit: str | None = None  # unit written in the cell itself (元 / 万元 / 亿元 / 件 …)


#: distinct cell strings remembered per cache. Most cells repeat across reports (small counts, placeholders);
#: on the generated corpus ~5 cells per report are new whatever the size from 8,192 to 65,536 (measured)
CELL_CACHE_SIZE = 1 << 14


@lru_cache(maxsize=CELL_CACHE_SIZE)
def read_cell(raw: str) -> Cell:
    """Classify and parse one cell exactly as printed."""
    text = raw.strip()
    if not text:
        return Cell(raw=text, kind="blank")
    if text in NULL_TOKENS:
        return Cell(raw=text, kind="null")
    m = _NUMBER.match(text)
    if m is None:
        return Cell(raw=text, kind="unreadable")
    value = Decimal(m["digits"].replace(",", ""))
    if m["sign"] in _NEGATIVE:
        value = -value
    return Cell(raw=text, kind="number", value=value, unit=m["unit"])


@lru_cache(maxsize=CELL_CACHE_SIZE)
def cell_kind(raw: str) -> str:
    """read_cell(raw).kind, remembered on its own so that rows are classified with `map(cell_kind, cells)`."""
    return read_cell(raw).kind


#: what stands for a signed number in a cell's skeleton (NUL, which reports do not hold: a section holding one is
#: read row by row)
NUMBER_MARK = "\x00"


@lru_cache(maxsize=CELL_CACHE_SIZE)
def number_skeleton(raw: str) -> str:
    """The cell with its signed number replaced by NUMBER_MARK (unit and surrounding whitespace kept), or the
    cell itself when it is no number: what a table section's skeleton holds (pipeline.tables.skeleton)."""
    text = raw.strip()
    m = _NUMBER.match(text) if text else None
    if m is None:
        return raw
    lead = len(raw) - len(raw.lstrip())
    return raw[:lead] + NUMBER_MARK + raw[lead + m.end("digits") :]


def non_blank_span(kinds: Sequence[str]) -> tuple[int, int]:
    """Start and end of a row's cells once blank cells at both ends are dropped, from their kinds (`cell_kind`:
    a cell is blank exactly when its kind is, as read_cell strips it first)."""
    start, end = 0, len(kinds)
    while start < end and kinds[start] == "blank":
        start += 1
    while end > start and kinds[end - 1] == "blank":
        end -= 1
    return start, end


def is_number(raw: str) -> bool:
    return read_cell(raw).kind == "number"


def is_value_cell(raw: str) -> bool:
    """A cell that belongs to the data part of a row: a number, a placeholder or a blank."""
    return read_cell(raw).kind != "unreadable"


def header_unit(header: str) -> str | None:
    """The money unit a column header declares: 本年收费金额（单位:万元） or 采购总金额（万元） → '万元'."""
    m = _HEADER_UNIT.search(header)
    return (m["unit"] or m["bare"]) if m else None


def count_value(cell: Cell) -> int | None:
    """A count as an integer; None for blanks, placeholders and non-integers (the caller flags those)."""
    if cell.kind != "number" or cell.value is None or cell.value != cell.value.to_integral_value():
        return None
    if cell.unit in MONEY_UNITS:
        return None
    return int(cell.value)


@lru_cache(maxsize=CELL_CACHE_SIZE)
def read_count(raw: str) -> tuple[int | None, str]:
    """(count_value, kind) of a cell as printed, remembered: tables 三 and 四 read ~200 cells per report, and
    the same few hundred strings recur across reports."""
    cell = read_cell(raw)
    return count_value(cell), cell.kind


@lru_cache(maxsize=CELL_CACHE_SIZE)
def count_in(raw: str) -> int | None:
    """count_value of the cell as printed, remembered (so a row's counts are `list(map(count_in, texts))`)."""
    return read_count(raw)[0]


def yuan_value(cell: Cell, header_unit_name: str | None) -> Decimal | None:
    """An amount in yuan: the unit in the cell wins over the header's; None when neither gives one."""
    if cell.kind != "number" or cell.value is None:
        return None
    unit = cell.unit if cell.unit in MONEY_UNITS else header_unit_name
    if unit is None:
        return None
    try:
        return cell.value * MONEY_UNITS[unit]
    except (InvalidOperation, KeyError):
        return None
