"""Flat rows (crawler text, pipeline.tables.flat_text) → ordinary table rows, when their splitting is unique.

Each extractor calls its function here on its section's rows before reading them. Rows that are not flat pass
through untouched. When a table's rows are flat, all its runs are split together by pipeline.tables.flat under
the template's arithmetic; if exactly one splitting fits, the rows come back as TAB rows (label + one cell per
column) that the extractor reads like any web-page table. Otherwise the rows are dropped and one
`extract.<table>.ambiguous` issue lists the candidate splittings: nothing from that table is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.common import extract_issue
from pipeline.tables.flat import (
    COUNT,
    MONEY,
    REVIEW_COLUMNS,
    REVIEW_KEY,
    FlatRow,
    Solution,
    describe,
    legacy_constraints,
    proactive_constraints,
    request_constraints,
    review_constraints,
    solve,
)
from pipeline.tables.flat_text import FLAT, segments
from pipeline.tables.grid import Row, row_layout
from pipeline.tables.labels import APPLICANT_ORDER, match, measure_spans, squeeze
from pipeline.tables.legacy_labels import ENTRIES_BY_KEY, label_key, lookup_code

_NOTE = re.compile(r"^[（(][^（）()]*[)）]")
#: units printed in legacy tables' 计量单位 column, longest first (the unit is glued to the label in flat text)
LEGACY_UNITS = ("人次", "万元", "条", "件", "个", "次", "人", "元", "项", "篇", "期", "场", "家")
_LEGACY_HEADER = re.compile(
    r"(?P<label>指标名称|统计指标)\W{0,3}(?P<unit>计量单位|单位)\W{0,3}"
    r"(?P<year>(?:19|20)\d\d年度?|合计|本年度|本年)\W{0,3}(?P<cumulative>历年累计|累计)?"
)


#: why a table was not loaded, for the issue message ("… and {count} its runs …")
_COUNT = {"ambiguous": "more than one splitting of", "none": "no splitting of", "gave_up": "no search within budget of"}


def _split(rows: Sequence[Row]) -> tuple[list[Row], bool]:
    if FLAT not in map(row_layout, rows):  # checked in C: flat rows are rare
        return [], False
    flat = [r for r in rows if r.layout == FLAT]
    return flat, bool(flat)



def _issue(report_id: str, table: str, solution: Solution, line: int, what: str) -> dict:
    name = {"fact_requests": "表三", "fact_review_results": "表四", "fact_proactive_disclosure": "表二"}[table]
    count = _COUNT[solution.status]
    return extract_issue(
        report_id, table, "ambiguous", f"line={line}; {what}",
        f"{name}: the cells ran together (crawler text) and {count} its runs fits the template's arithmetic, "
        f"so nothing from this table was loaded. {describe(solution)}",
        actual=len(solution.candidates),
    )


def unflatten_requests(rows: Sequence[Row], report_id: str) -> tuple[list[Row] | None, list[dict]]:
    """Table 三: rows keyed by their row code, split under requests.row_sum / balance / outcome_sum."""
    flat, any_flat = _split(rows)
    if not any_flat:
        return list(rows), []
    group = None
    keyed: list[tuple[str, Row]] = []
    for row in flat:
        label = row.cells[0]
        found = match("request_group", label)
        group = found.code if found else group
        leaf = match("request_row", label, group)
        if leaf is not None and leaf.code not in {k for k, _ in keyed}:
            keyed.append((leaf.code, row))
    codes = [k for k, _ in keyed]
    solution = solve([FlatRow(k, r.cells[1], (COUNT,) * len(APPLICANT_ORDER)) for k, r in keyed],
                     request_constraints(codes))
    if solution.status != "unique":
        return None, [_issue(report_id, "fact_requests", solution, flat[0].line, f"rows={len(keyed)}")]
    out = [Row((r.cells[0], *solution.cells[k]), r.line, "tab") for k, r in keyed]
    return [r for r in rows if r.layout != FLAT] + out, []


def unflatten_review(rows: Sequence[Row], report_id: str) -> tuple[list[Row] | None, list[dict]]:
    """Table 四: every run of the section is one row of 15 cells, split under review.sum."""
    flat, any_flat = _split(rows)
    if not any_flat:
        return list(rows), []
    run = " ".join(r.cells[1] for r in flat)
    solution = solve([FlatRow(REVIEW_KEY, run, (COUNT,) * len(REVIEW_COLUMNS))], review_constraints())
    if solution.status != "unique":
        return None, [_issue(report_id, "fact_review_results", solution, flat[0].line, "cells=15")]
    return [Row(solution.cells[REVIEW_KEY], flat[0].line, "tab")], []


def _header_and_item(label: str) -> tuple[tuple[str, ...], tuple, str]:
    """A flat table-二 label `第二十条…信息内容本年收费金额（单位:万元）行政事业性收费` → measure cells, their labels
    and the item (a label without measures is an item under the measures above it)."""
    key = squeeze(label)
    found = measure_spans(key)
    if not found:
        return (), (), key
    cells = [key[s : found[i + 1][0]] for i, (s, _e, _m) in enumerate(found[:-1])]
    start, end, _m = found[-1]
    note = _NOTE.match(key[end:])
    end += note.end() if note else 0
    cells.append(key[start:end])
    return tuple(cells), tuple(m for _s, _e, m in found), key[end:]


def unflatten_proactive(rows: Sequence[Row], report_id: str, previous_in_force: dict[str, int] | None = None):
    """Table 二: item rows read against the measures printed before them; only 2021's in_force has arithmetic,
    and only when last year's value is given."""
    flat, any_flat = _split(rows)
    if not any_flat:
        return list(rows), []
    header: tuple[str, ...] = ()
    measures: tuple = ()
    blocks: list[tuple[tuple[str, ...], str, Row, tuple]] = []  # (header cells, item, row, measure labels)
    for row in flat:
        cells, labels, item = _header_and_item(row.cells[0])
        if cells:
            header, measures = cells, labels
        blocks.append((header, item, row, measures))
    keyed = [(f"{i}:{item}", row, ms) for i, (_h, item, row, ms) in enumerate(blocks)]
    flat_rows = [
        FlatRow(k, row.cells[1], tuple(MONEY if m.unit == "yuan" else COUNT for m in ms)) for k, row, ms in keyed
    ]
    previous = {}
    for k, _row, _ms in keyed:
        item = match("item", k.split(":", 1)[1])
        if item is not None and previous_in_force and item.code in previous_in_force:
            previous[k] = previous_in_force[item.code]
    constraints = proactive_constraints({k: [m.code for m in ms] for k, _r, ms in keyed}, previous)
    solution = solve(flat_rows, constraints)
    if solution.status != "unique":
        return None, [_issue(report_id, "fact_proactive_disclosure", solution, flat[0].line, f"rows={len(keyed)}")]
    out: list[Row] = []
    last_header: tuple[str, ...] = ()
    for (k, row, _ms), (header, item, _r, _m) in zip(keyed, blocks, strict=True):
        if header != last_header:
            out.append(Row(("信息内容", *header), row.line, "tab"))
            last_header = header
        out.append(Row((item, *solution.cells[k]), row.line, "tab"))
    return [r for r in rows if r.layout != FLAT] + out, []


def _legacy_unit(label: str) -> tuple[str, str] | None:
    """(label, unit) of a flat legacy label such as `其中:1.网站公开条`, the unit preferred where the rest is known."""
    endings = [u for u in LEGACY_UNITS if label.endswith(u) and len(label) > len(u)]
    for unit in endings:
        if label_key(label[: -len(unit)]) in ENTRIES_BY_KEY:
            return label[: -len(unit)], unit
    return (label[: -len(endings[0])], endings[0]) if endings else None


def unflatten_legacy(line: str, report_id: str) -> tuple[str | None, list[dict]]:
    """A Fujian-style statistics table run together in one line → the same table as TAB-separated text.

    Returns (text for the ordinary legacy reader, issues); text is None when the header is not found or the
    splitting is not unique (then one extract.legacy.ambiguous issue lists the candidates).
    """
    header = _LEGACY_HEADER.search(squeeze(line))
    if header is None:
        return None, []
    body = squeeze(line)[header.end() :]
    has_cumulative = header["cumulative"] is not None
    rows: list[tuple[str, str, str]] = []  # (label, unit, run)
    for seg in segments(body):
        split = _legacy_unit(seg.label)
        if split is None:
            break
        label, unit = split
        if any(label == r[0] for r in rows):  # a label printed twice: keep both rows apart
            label = f"{label}#{len(rows)}"
        rows.append((label, unit, seg.run))
    width = 2 if has_cumulative else 1
    flat_rows = [
        FlatRow(label, run, ((MONEY if unit in ("万元", "元") else COUNT),) * width) for label, unit, run in rows
    ]
    constraints = legacy_constraints([(label, lookup_code(label)) for label, _u, _r in rows], 0,
                                     1 if has_cumulative else None)
    solution = solve(flat_rows, constraints)
    if solution.status != "unique":
        count = _COUNT[solution.status]
        return None, [{
            "report_id": report_id, "rule_id": "extract.legacy.ambiguous", "severity": "error",
            "table_name": "fact_legacy_indicators", "location": f"rows={len(rows)}",
            "message": f"the statistics table's cells ran together (crawler text) and {count} its runs fits "
                       f"its sums, so nothing from this table was loaded. {describe(solution)}",
        }]
    titles = [header["label"], header["unit"], header["year"]] + ([header["cumulative"]] if has_cumulative else [])
    lines = ["\t".join(titles)] + [
        "\t".join((label.split("#")[0], unit, *solution.cells[label])) for label, unit, _run in rows
    ]
    return "\n".join(lines), []
