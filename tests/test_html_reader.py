"""The web-page reader's less common paths (pipeline.reading.html), on a real page's metadata table
(tests/fixtures/variants/meta_html_publisher.html: 发布机构：淮安市生态环境局, read off the page)."""

from pathlib import Path

import pytest

from pipeline.reading.html import html_to_text_and_meta, without_style_attributes

PAGE = (Path(__file__).parent / "fixtures" / "variants" / "meta_html_publisher.html").read_text("utf-8")
LABEL_CELL = '<td class="t">发布机构：</td><td>淮安市生态环境局</td>'


@pytest.mark.parametrize(
    "cells",
    [
        LABEL_CELL,  # the label in one text node: found through that node's elements
        '<td class="t"><b>发布</b>机构：</td><td>淮安市生态环境局</td>',  # split over elements: every element tested
        '<td class="t"><i></i>发布机构：</td><td>淮安市生态环境局</td>',  # the label in a tail text
        '<td class="t">发布机构：淮安市生态环境局</td><td></td>',  # label and value in one cell
    ],
)
def test_publisher_found_however_the_label_is_split(cells):
    page = PAGE.replace(LABEL_CELL, cells)
    assert page != PAGE or cells == LABEL_CELL
    _text, _encoding, meta = html_to_text_and_meta(page.encode("utf-8"))
    assert meta["publisher"] == "淮安市生态环境局"


def test_gbk_page_reads_the_same_as_utf8():
    gbk = PAGE.replace("utf-8", "gbk").replace("UTF-8", "gbk").encode("gbk")
    utf8 = html_to_text_and_meta(PAGE.encode("utf-8"))
    assert b"gbk" in gbk[:4096] and html_to_text_and_meta(gbk)[0::2] == utf8[0::2]


def test_a_table_in_a_cell_is_read_inside_its_cell():
    page = ("<html><body><div><p>某某局2024年政府信息公开工作年度报告</p><table>"
            "<tr><td>行政许可<table><tr><td>子表</td></tr></table></td><td>12<br>34</td></tr></table>"
            "</div></body></html>")
    text, _encoding, _meta = html_to_text_and_meta(page.encode("utf-8"))
    rows = [line.split("\ue011")[-1] for line in text.split("\n") if "\t" in line]
    assert rows == ["行政许可 子表\t12 34"]


def test_spanned_cells_fill_every_position_they_cover():
    """rowspan/colspan expanded by hand: a row of its own (empty <tr>) still gets the cells spanning into it."""
    page = ("<html><body><div><p>某某局2024年政府信息公开工作年度报告</p><table>"
            '<tr><td rowspan="2">A</td><td colspan="2">B</td></tr>'
            "<tr><td>C</td><td>D</td></tr>"
            '<tr><td>E</td><td></td><td rowspan="2" colspan="2">F</td></tr>'
            "<tr></tr>"
            "<tr><td>G</td></tr>"
            "</table></div></body></html>")
    text, _encoding, _meta = html_to_text_and_meta(page.encode("utf-8"))
    rows = [line.split("\ue011")[-1] for line in text.split("\n") if "\t" in line]
    assert rows == ["A\tB\tB\t", "A\tC\tD\t", "E\t\tF\tF", "\t\tF\tF", "G\t\t\t"]


def test_a_frameset_page_has_no_body_but_keeps_its_title():
    page = "<html><head><title>某某局2024年政府信息公开工作年度报告</title></head><frameset><frame src=a.html></frameset></html>"
    assert html_to_text_and_meta(page.encode("utf-8"))[0] == "某某局2024年政府信息公开工作年度报告"


def test_text_inside_a_table_but_outside_its_cells_is_kept_before_the_table():
    """HTML5 moves such text before the table (a browser shows it there); the libxml2 reader lost it."""
    page = ("<html><body><div><p>某某局2024年政府信息公开工作年度报告</p>"
            "<table>（单位：件）<tr><td>行政许可</td><td>12</td></tr></table></div></body></html>")
    text, _encoding, _meta = html_to_text_and_meta(page.encode("utf-8"))
    assert text.split("\n")[-2:] == ["（单位：件）", "\ue010,1,1\ue011行政许可\t12"]


def test_style_attributes_are_cut_from_tags_but_not_from_text():
    """Inline styles are over half a Word-exported page's bytes and are cut before decoding; text that merely
    reads like one (no ">" ends it before the next tag) stays, in GBK as in UTF-8."""
    page = ('<html><head><meta charset="gbk"></head><body><div style="margin:0"><p style="text-indent:2em;">'
            '某某局2024年政府信息公开工作年度报告</p><p>样式写作 style="宋体" 不是属性</p></div></body></html>')
    data = page.encode("gbk")
    assert without_style_attributes(data) == page.replace(' style="margin:0"', "").replace(
        ' style="text-indent:2em;"', "").encode("gbk")
    text, encoding, _meta = html_to_text_and_meta(data)
    assert encoding == "gbk"
    assert [line for line in text.split("\n") if line] == ["某某局2024年政府信息公开工作年度报告", '样式写作 style="宋体" 不是属性']
