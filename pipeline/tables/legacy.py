"""The pre-2019 statistics tables of a report → fact_legacy_indicators.

Two forms carry these numbers: the national 《政府信息公开情况统计表》 of 2014–2018 (统计指标 | 单位 | 合计) and
older provincial forms such as Fujian's (指标名称 | 计量单位 | 2011年度 | 历年累计). Both are found by their header
row, in the layouts the normalized text has:
- one table row per line, cells separated by TABs (web pages) or by ` | ` (PDF-derived text);
- one cell per line, each ending in ` |` (seed 002): the cells are regrouped by the header's width.

Every indicator row is loaded: the printed label and unit are kept, the code comes from
`pipeline.tables.legacy_labels` (NULL where the label means nothing national), 万元/元 become yuan, and a 历年累计
value gets the year value's code plus `.cumulative`. Section headings and bracketed notes (no unit, no value)
are not indicator rows. A report without such a table yields no facts and no issue; a table whose cells run
together (crawler text) yields no facts and one issue — its numbers are never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from pipeline.common import extract_issue
from pipeline.frames import Columns, frames_of
from pipeline.tables.cells import read_cell
from pipeline.tables.flat_tables import unflatten_legacy
from pipeline.tables.legacy_labels import CUMULATIVE_SUFFIX, family_of, lookup_code

TABLE = "fact_legacy_indicators"

#: header cell (spaces removed) → the column's role; year columns are matched by YEAR_HEADER below
HEADER_ROLES: dict[str, str] = {
    "统计指标": "label",
    "指标名称": "label",
    "指标": "label",
    "项目": "label",
    "单位": "unit",
    "计量单位": "unit",
    "合计": "year",
    "数量": "year",
    "本年": "year",
    "本年度": "year",
    "历年累计": "cumulative",
    "累计": "cumulative",
}
YEAR_HEADER = re.compile(r"^(?:19|20)\d\d年度?$")

#: printed unit (spaces removed) → (stored unit, factor to apply to the value)
UNIT_SCALE: dict[str, tuple[str, int]] = {"万元": ("yuan", 10000), "元": ("yuan", 1)}

#: a table header whose cells ran together (crawler text): present, but unreadable
_FLAT_HEADER = re.compile(r"(?:指标名称|统计指标)\W{0,3}(?:计量单位|单位)")


@dataclass(frozen=True)
class _Layout:
    """Where a found table's label, unit, year and cumulative columns are (None = absent)."""

    labels: tuple[int, ...]  # a label header may span several columns (section | indicator): rightmost wins
    unit: int
    year: int | None
    cumulative: int | None
    width: int


def _role(cell: str) -> str | None:
    key = re.sub(r"\s+", "", cell)
    return HEADER_ROLES.get(key) or ("year" if YEAR_HEADER.match(key) else None)


def _layout(header: list[str]) -> _Layout | None:
    """The column layout if these cells are a legacy table's header row, else None."""
    roles = [_role(c) for c in header]
    first = {r: i for i, r in reversed(list(enumerate(roles))) if r}
    if "label" not in first or "unit" not in first or not ({"year", "cumulative"} & first.keys()):
        return None
    labels = tuple(i for i, r in enumerate(roles) if r == "label")
    return _Layout(labels, first["unit"], first.get("year"), first.get("cumulative"), len(header))


def _row_cells(line: str) -> list[str] | None:
    """A line's cells when it is a one-row-per-line table row (TABs or ` | `), else None."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if line.count("|") >= 2 or (line.count("|") == 1 and not line.rstrip().endswith("|")):
        cells = [c.strip() for c in line.split("|")]
        if cells and cells[-1] == "" and line.rstrip().endswith("|"):
            cells = cells[:-1]
        return cells
    return None


def _is_stream_cell(line: str) -> bool:
    return line.rstrip().endswith("|")


def _tables(lines: list[str]) -> Iterator[tuple[_Layout, list[list[str]], list[int | None], int, bool]]:
    """Yield (layout, body rows, each row's 1-based line or None, header line index, truncated) for every legacy
    table in the text."""
    i = 0
    while i < len(lines):
        cells = _row_cells(lines[i])
        layout = _layout(cells) if cells and len(cells) > 1 else None
        if layout:  # one row per line
            rows, row_lines, j = [], [], i + 1
            while j < len(lines) and (row := _row_cells(lines[j])) is not None:
                if not _layout(row):  # a header repeated after a page break is not a row
                    rows.append(row)
                    row_lines.append(j + 1)
                j += 1
            yield layout, rows, row_lines, i, False
            i = j
            continue
        if _is_stream_cell(lines[i]) and _role(lines[i].rstrip().rstrip("|")) == "label":
            j = i
            while j < len(lines) and "|" in lines[j]:
                j += 1
            stream = [c.strip() for c in "\n".join(lines[i:j]).split("|")]
            if stream and stream[-1] == "":
                stream = stream[:-1]  # text after the last separator
            width = 0
            while width < len(stream) and _role(stream[width]):
                width += 1
            layout = _layout(stream[:width]) if width > 1 else None
            if layout:
                body = stream[width:]
                rows = [body[k : k + width] for k in range(0, len(body), width)]
                yield layout, rows, [None] * len(rows), i, len(body) % width != 0
                i = j
                continue
        i += 1


def _parse_value(raw: str) -> tuple[Decimal | None, bool]:
    """(number, readable): blanks and placeholders are NULL and readable; other text is unreadable."""
    cell = read_cell(re.sub(r"\s", "", raw))
    if cell.kind in ("blank", "null"):
        return None, True
    if cell.kind == "number" and cell.unit is None:
        return cell.value, True
    return None, False


def _issue(report_id: str, what: str, severity: str, location: str, message: str) -> dict:
    return extract_issue(report_id, TABLE, what, location, message, severity=severity)


def extract_legacy_indicators(text: str, report_id: str) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """Every indicator row of the report's legacy statistics tables as a frame, and the extraction issues found."""
    facts, issues = legacy_columns(text, report_id)
    return frames_of(facts), issues


def legacy_columns(text: str, report_id: str) -> tuple[dict[str, Columns], list[dict]]:
    """Every indicator row of the report's legacy statistics tables, and the extraction issues found
    (columns, so that the ingest builds the table's frame once per batch rather than once per report)."""
    lines = text.split("\n")
    facts = Columns(TABLE)
    issues: list[dict] = []
    found_table = False
    for layout, rows, row_lines, line_no, truncated in _tables(lines):
        found_table = True
        if truncated:
            issues.append(_issue(report_id, "truncated", "warning", f"line={line_no + 1}",
                                 f"the table at line {line_no + 1} ends inside a row: its cells do not fill "
                                 f"whole rows of {layout.width} columns"))
        family = None
        columns = [(c, s) for c, s in ((layout.year, ""), (layout.cumulative, CUMULATIVE_SUFFIX)) if c is not None]
        for row, row_line in zip(rows, row_lines, strict=True):
            row = row + [""] * (layout.width - len(row))
            label = next((row[c] for c in reversed(layout.labels) if row[c].strip()), "")
            printed_unit = row[layout.unit]
            raws = [row[c] for c, _ in columns]
            if all(read_cell(r).kind in ("blank", "null") for r in raws) and printed_unit.strip() in ("", "/"):
                continue  # a section heading or a bracketed note, not an indicator
            code = lookup_code(label, family)
            family = family_of(code) or family
            unit, factor = UNIT_SCALE.get(re.sub(r"\s+", "", printed_unit), (printed_unit or None, 1))
            for (_, suffix), raw in zip(columns, raws, strict=True):
                value, readable = _parse_value(raw)
                if not readable:
                    issues.append(_issue(report_id, "unreadable_cell", "warning",
                                         f"label={label}; column={'cumulative' if suffix else 'year'}",
                                         f"the cell '{raw}' of row '{label}' is not a number; loaded as NULL"))
                facts.append(
                    report_id=report_id,
                    indicator_code=code + suffix if code else None,
                    label=label,
                    unit=unit,
                    value=float(value * factor) if value is not None else None,
                    raw_text=raw,
                    period="cumulative" if suffix else "year",
                    line=row_line,
                )
    if not found_table:
        flat = next((n for n, line in enumerate(lines) if _FLAT_HEADER.search(re.sub(r"\s+", "", line))), None)
        rebuilt, flat_issues = unflatten_legacy(lines[flat], report_id) if flat is not None else (None, [])
        if rebuilt is not None:  # crawler text whose splitting is unique: read it as the table it was
            facts_again, issues_again = legacy_columns(rebuilt, report_id)
            return facts_again, issues + issues_again
        issues.extend(flat_issues)
        if flat is not None and not flat_issues:
            issues.append(_issue(report_id, "unreadable_table", "error", f"line={flat + 1}",
                                 "a legacy statistics table header is printed but its cells run together "
                                 "without separators; no value was read from it"))
    for code in _duplicated_codes(facts):
        issues.append(_issue(report_id, "duplicate_code", "warning", f"indicator={code}",
                             f"more than one row maps to {code}; sums using it are ambiguous"))
    return {TABLE: facts}, issues


def _duplicated_codes(facts: Columns) -> list[str]:
    """Indicator codes that more than one row maps to, in the order of their first row."""
    counts = Counter(code for code in facts.column("indicator_code") if code is not None)
    return [code for code, n in counts.items() if n > 1]
