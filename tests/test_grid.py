"""Rows and sections from each layout; the excerpts are copied from tests/fixtures (file named per test)."""

from pipeline.tables.grid import Row, split_text_row, table_sections, text_rows


def test_one_cell_per_line_with_wrapped_cells():
    # seed 003 (cells start with a TAB; 本年新 / 制作数量 is one cell wrapped over two lines)
    text = "\t第二十条第（一）项\n\n\t信息内容\n\t本年新\n制作数量\n\t本年新\n公开数量\n\t对外公开总数量\n\n\t规章\n\t0\n\t0\n\t0\n"
    rows = text_rows(text)
    assert [r.cells for r in rows] == [
        ("第二十条第（一）项",),
        ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
        ("规章", "0", "0", "0"),
    ]
    assert {r.layout for r in rows} == {"cells"}


def test_one_cell_per_line_keeps_empty_cells_and_joins_a_label_broken_over_lines():
    # seed 000: an empty cell is a line holding only a TAB; 三 / 、 / 本年度办理结果 is one cell
    text = "\t三\n、\n本年度办理结果\n\t（一）予以公开\n\t247\n\n\t\n\t（二）部分公开\n\t31\n"
    rows = text_rows(text)
    assert rows[0].cells == ("三、本年度办理结果", "（一）予以公开", "247")
    assert rows[1].cells == ("", "（二）部分公开", "31")


def test_tab_separated_rows_keep_empty_leading_cells():
    # seed 004
    text = "\t\t2.其他法律行政法规禁止公开\t\t1\t0\t0\t0\t0\t0\t1\n"
    (row,) = text_rows(text)
    assert row.layout == "tab"
    assert row.cells[:4] == ("", "", "2.其他法律行政法规禁止公开", "")
    assert row.cells[-1] == "1"


def test_pipe_rows_drop_page_footers_inside_a_table():
    # text/001_huaian_city_2024: a page break splits （四）无 / 法提供
    text = (
        " | （四）无 | 1.本机关不掌握相关政府信息 | 746 | 12 | 0 | 0 | 10 | 1 | 769\n"
        "- 4 -\n"
        " |  法提供 | 2.没有现成信息需要另行制作 | 11 | 0 | 0 | 0 | 0 | 0 | 11\n"
    )
    rows = text_rows(text)
    assert len(rows) == 2
    assert rows[0].cells[0] == "" and rows[0].cells[1] == "（四）无"
    assert rows[1].cells[2] == "2.没有现成信息需要另行制作"
    assert rows[1].line == 3


def test_markdown_rows_and_separators():
    # markdown/shuyang_county_2025.md
    text = "| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 517645 |\n"
    rows = text_rows(text)
    assert [r.cells for r in rows] == [("信息内容", "本年处理决定数量"), ("行政许可", "517645")]
    assert rows[0].layout == "markdown"


def test_traditional_pipe_rows_with_trailing_bar():
    # seed 001 after normalization (tw2sp)
    (row,) = text_rows("行政许可 | 19175 | 减5711 | 20219 |\n")
    assert row.cells == ("行政许可", "19175", "减5711", "20219")


def test_plain_text_line_splits_trailing_numbers_only():
    # markdown/shanghai_kewei_2024.md writes 行政许可 97 as plain text
    assert split_text_row(Row(("行政许可 97",), 1, "text")) == ("行政许可", "97")
    assert split_text_row(Row(("2024 年市科委有 1 件",), 1, "text")) == ("2024 年市科委有 1 件",)


def test_sections_start_at_headings_not_at_prose_that_names_them():
    # markdown/shanghai_kewei_2024.md: the introduction lists the table titles in a wrapped line
    text = (
        "报告全文包括总体情况、主动公开政府信息情况、收到和\n"
        "一、主动公开政府信息情况\n"
        "行政许可 97\n"
        "二、收到和处理政府信息公开申请情况\n"
        "| 一、本年新收政府信息公开申请数量 | 32 | 2 | 0 | 0 | 0 | 0 | 34 |  |\n"
        "三、政府信息公开行政复议、行政诉讼情况\n"
        "| 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "五、其他需要报告的事项\n"
        "2024 年，市科委未发生政府信息公开收费事项。\n"
    )
    sections = table_sections(text_rows(text))
    assert [r.cells for r in sections["fact_proactive_disclosure"]] == [("行政许可 97",)]
    assert len(sections["fact_requests"]) == 1
    assert len(sections["fact_review_results"]) == 1


def test_heading_with_typo_and_leading_tab():
    # pingtan zone_2022: `\t四、政府信息公开行政法复议、行政诉讼情况`
    sections = table_sections(text_rows("\t四、政府信息公开行政法复议、行政诉讼情况\n\n1\t0\n"))
    assert "fact_review_results" in sections
