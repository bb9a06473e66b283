"""The shortcuts taken for speed in table extraction (issue #9) decide exactly what the full rules decide."""

from pathlib import Path

import polars as pl

from pipeline import frames
from pipeline.ingest import RawFile, read_one
from pipeline.tables import grid
from pipeline.tables.grid import Row, heading_of, text_rows

FIXTURES = Path(__file__).parent / "fixtures"


def _full_heading_rule(cells: tuple[str, ...]) -> str | None:
    """heading_of without the one-character pre-check and without the cache."""
    return grid._heading_of_cells.__wrapped__(cells)


def _fixture_texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix.lower() in (".txt", ".md", ".html", ".htm") and path.is_file():
            report = read_one(RawFile(path, path.name, "ab" * 32))
            if report.text is not None:
                texts.append(report.text)
    return texts


def test_heading_pre_check_never_drops_a_heading():
    variants = [
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "表二：主动公开政府信息情况。", "五、存在的主要问题及改进情况", "存在的主要问题", "其 他 需 要 报 告 的 事 项",
        "六 、其他需要报告的事项", "## 七、其他", "**八、 附件**",
    ]
    splits = [(v,) for v in variants] + [tuple(v[:k] for k in (1,)) + (v[1:],) for v in variants]
    splits += [(v[:2], " ", v[2:]) for v in variants]
    for cells in splits:
        assert heading_of(Row(cells, 1, "tab")) == _full_heading_rule(cells), cells
    assert heading_of(Row(("六 ", "、其他需要报告的事项"), 1, "pipe")) == "closing"


def test_heading_length_gate_never_drops_a_heading():
    """heading_of skips a row whose text is surely longer than a heading before squeezing it: padded headings
    (whitespace of every kind, markdown decoration) at and around the limit are still found, as the full rule
    finds them, and prose is not."""
    headings = ["二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "其他需要报告的事项", "六、其他"]
    pads = [" ", "\u3000", "\t", "\xa0", "\u2003", "#", ">", "*", "*\u3000", "# "]
    cells = []
    for heading in headings:
        for pad in pads:
            for k in (1, 5, 20, 40, 60):
                cells += [(pad * k + heading,), (heading + pad * k,), (pad.join(heading) + pad * k,),
                          ("#" * k + " " + heading,), (heading, pad * k), (pad * k, heading, pad * k)]
        for filler in ("情况", "、", "说明", "政府信息公开工作取得了一定成效"):
            for k in range(0, 12):
                cells += [(heading + filler * k,), (filler * k + heading,), (heading, filler * k)]
    assert len(cells) > 1000
    for row_cells in cells:
        assert heading_of(Row(row_cells, 1, "tab")) == _full_heading_rule(row_cells), row_cells
    assert heading_of(Row(("# " * 40 + "二、主动公开政府信息情况",), 1, "markdown")) == "fact_proactive_disclosure"


def test_heading_pre_check_agrees_with_the_full_rule_on_every_fixture_row():
    rows = [row for text in _fixture_texts() for row in text_rows(text)]
    assert len(rows) > 1000
    assert [heading_of(r) for r in rows] == [_full_heading_rule(r.cells) for r in rows]


def test_footer_and_separator_gate_matches_the_two_patterns():
    lines = ["- 3 -", "— 12 —", "\u3000- 3 -", "\t－ 4 －", " |---|---|", "|:---:|---|", ":---|---", "---|---",
             "| a | b |", "-3", "— 第一章 —", "行政许可 97", "\u00a0|---|", "a - 3 -", ""]
    for line in lines:
        slow = bool(grid._FOOTER.match(line) or grid._MD_SEPARATOR.match(line))
        gate = bool(line) and (line[0] in grid._NOT_A_ROW_STARTS or line[0].isspace())
        fast = gate and bool(grid._NOT_A_ROW.match(line))
        assert fast == slow, line


def test_columns_build_the_same_frame_as_records():
    records = [
        {"report_id": "r", "row_code": "disclosed", "applicant": "total", "value": 3, "raw_text": "3", "line": 7},
        {"report_id": "r", "row_code": "disclosed", "applicant": "other_org", "value": None, "raw_text": "",
         "line": 7},
    ]
    columns = frames.Columns("fact_requests")
    columns.append(**records[0])
    other = frames.Columns("fact_requests")
    other.extend(report_id="r", row_code="disclosed", applicant=["other_org"], value=[None], raw_text=[""], line=7)
    columns.concat(other)
    built = columns.frame()
    assert built.schema == pl.Schema(frames.TABLE_SCHEMAS["fact_requests"])
    assert built.equals(frames.frame("fact_requests", records))
    assert frames.Columns("fact_requests").frame().equals(frames.empty("fact_requests"))


def test_cell_blocks_cut_at_once_as_line_by_line():
    """grid._cell_block's whole-block cut gives the row and next line that the line-by-line cut gives, on every
    cell block of the fixtures and on blocks with a footer, a wrapped cell, a line of several TABs or a blank line
    of spaces in them."""
    texts = _fixture_texts()
    texts += [
        "\t规章\n\t2\n\t1\n\n\t行政许可\n\t- 3 -\n\t4\n",
        "\t规章\n- 3 -\n\t2\n\n\t本年新\n制作数量\n\t3",
        "\t规章\n\t2\ta\tb\n\t1\n\n",
        "\t规章\n\t2\n   \n\t1\n\n",
        "\t规章\n\t  2 \n\t\n\t",
        "\t规章\n\t—\t\n\t1\n",
    ]
    for text in texts:
        lines = text.split("\n")
        for start, line in enumerate(lines):
            if line.startswith("\t") and line.count("\t") == 1:
                fast, slow = [], []
                assert grid._cell_block(lines, start, fast) == grid._cell_block_by_line(lines, start, slow)
                assert fast == slow, lines[start:start + 5]
