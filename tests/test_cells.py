"""Cell forms met in real reports; each raw value is copied from a fixture (named in the comment)."""

from decimal import Decimal

import pytest

from pipeline.tables.cells import count_value, header_unit, read_cell, yuan_value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("312998", Decimal(312998)),  # seed 000, 行政许可 处理决定数量
        ("减5711", Decimal(-5711)),  # seed 001, 行政许可 本年增/减
        ("增1", Decimal(1)),  # seed 001, 行政处罚 本年增/减
        ("-95", Decimal(-95)),  # seed 000, 行政强制 本年增/减
        ("+1036", Decimal(1036)),
        ("1,245,386", Decimal(1245386)),  # thousands separators
        ("96171.6", Decimal("96171.6")),  # text/001, 本年收费金额
    ],
)
def test_numbers_signed_changes_and_separators(raw, value):
    cell = read_cell(raw)
    assert cell.kind == "number"
    assert cell.value == value
    assert cell.raw == raw


def test_blank_is_blank_never_zero():
    cell = read_cell("")
    assert cell.kind == "blank" and cell.value is None
    assert count_value(cell) is None


@pytest.mark.parametrize("token", ["-", "/", "—", "无"])
def test_placeholders_are_null_and_keep_their_token(token):
    cell = read_cell(token)
    assert cell.kind == "null" and cell.value is None and cell.raw == token
    assert count_value(cell) is None


def test_text_and_two_numbers_in_one_cell_are_unreadable():
    assert read_cell("（四）无").kind == "unreadable"  # a label split by a page break, text/001
    assert read_cell("1 0").kind == "unreadable"  # never glue two numbers together


@pytest.mark.parametrize(
    ("raw", "header", "yuan"),
    [
        ("19.07亿元", "采购总金额", Decimal(1_907_000_000)),  # seed 000
        ("6089.19万元", "采购总金额", Decimal(60_891_900)),  # seed 001
        ("4003622元", "采购总金额", Decimal(4_003_622)),  # seed 003
        ("317667.4971", "采购总金额（单位:万元,保留4位小数）", Decimal(3_176_674_971)),  # seed 004
        ("96171.6", "本年收费金额（单位:万元）", Decimal(961_716_000)),  # text/001
        ("75394432.52元", "采购总金额", Decimal("75394432.52")),  # pingtan zone_2019
    ],
)
def test_money_in_cell_or_header_is_stored_in_yuan(raw, header, yuan):
    assert yuan_value(read_cell(raw), header_unit(header)) == yuan


def test_money_without_any_unit_is_not_guessed():
    assert yuan_value(read_cell("7730.28"), header_unit("采购总金额")) is None


def test_counts_are_integers_only():
    assert count_value(read_cell("3119")) == 3119
    assert count_value(read_cell("1.5")) is None
    assert count_value(read_cell("19.07亿元")) is None
