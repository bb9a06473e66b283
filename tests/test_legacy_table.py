"""fact_legacy_indicators from the pre-2019 statistics tables.

Expected values are read off the source files by eye (seed 002's 附表; the 平潭 pages' 指标名称 | 计量单位 |
YYYY年度 | 历年累计 tables), not copied from the program's output.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.reading.files import read_report
from pipeline.tables.legacy import extract_legacy_indicators
from pipeline.tables.legacy_labels import label_key, lookup_code

FIXTURES = Path(__file__).parent / "fixtures"
SEED_002 = FIXTURES / "seeds" / "002_a1ae499f7f2fe0ec.txt"
PINGTAN = FIXTURES / "corpus" / "pingtan"


def _extract(path: Path, report_id: str = "r") -> tuple[pl.DataFrame, list[dict]]:
    facts, issues = extract_legacy_indicators(read_report(path).text, report_id)
    return facts["fact_legacy_indicators"], issues


def _value(df: pl.DataFrame, code: str) -> float | None:
    rows = df.filter(pl.col("indicator_code") == code)
    assert rows.height == 1, f"{code}: {rows.height} rows"
    return rows.item(0, "value")


# ---------------------------------------------------------------- seed 002 (湘潭 2016, national 统计表)


@pytest.fixture(scope="module")
def seed_002():
    return _extract(SEED_002, "002")


def test_seed_002_every_indicator_row_loads_with_its_value(seed_002):
    df, issues = seed_002
    assert issues == []
    # 附表: 67 rows below the header (3 × 68 cells in all): 5 section headings (unit '/', no value),
    # 2 bracketed notes, 60 indicator rows
    assert df.height == 60
    assert df.get_column("value").null_count() == 0
    assert df.get_column("indicator_code").null_count() == 0
    assert df.get_column("indicator_code").is_unique().all()
    labels = df.get_column("label").to_list()
    assert "一、主动公开情况" not in labels and "二、回应解读情况" not in labels


@pytest.mark.parametrize(
    ("code", "label", "unit", "value"),
    [
        ("proactive.total", "（一）主动公开政府信息数", "条", 344266),
        ("proactive.channels", "（二）通过不同渠道和方式公开政府信息的情况", "/", 376091),
        ("proactive.channels.website", "2.政府网站公开政府信息数", "条", 269311),
        ("response.press_conferences_principal", "其中:主要负责同志参加新闻发布会次数", "次", 25),
        ("response.interpretations", "3.政策解读稿件发布数", "篇", 595),
        ("requests.received.fax", "2.传真申请数", "件", 1),
        ("requests.answered.partially_granted", "3.同意部分公开答复数", "件", 43),
        ("requests.answered.denied.not_government_information", "不是《条例》所指政府信息", "件", 23),
        ("review.corrected", "（二）被依法纠错数", "件", 17),
        ("litigation.corrected", "（二）被依法纠错数", "件", 2),
        ("review.other", "（三）其他情形数", "件", 20),
        ("litigation.other", "（三）其他情形数", "件", 46),
        ("complaints.total", "六、举报投诉数量", "件", 509),
        ("staffing.staff_full_time", "1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", 69),
        ("meetings.trainees", "（三）接受培训人员数", "人次", 4562),
    ],
)
def test_seed_002_rows(seed_002, code, label, unit, value):
    df, _ = seed_002
    row = df.filter(pl.col("indicator_code") == code).row(0, named=True)
    assert (row["label"], row["unit"], row["value"], row["raw_text"]) == (label, unit, value, str(value))


def test_seed_002_wan_yuan_becomes_yuan(seed_002):
    df, _ = seed_002
    budget = df.filter(pl.col("indicator_code") == "staffing.budget").row(0, named=True)
    assert (budget["unit"], budget["value"], budget["raw_text"]) == ("yuan", 4_965_000.0, "496.5")
    fees = df.filter(pl.col("indicator_code") == "fees.collected").row(0, named=True)
    assert (fees["unit"], fees["value"], fees["raw_text"]) == ("yuan", 0.0, "0")


def test_seed_002_raw_file_text_reads_the_same():
    """The extractor does not depend on normalization having turned ( ) into （ ）."""
    raw = SEED_002.read_text(encoding="utf-8")
    facts, _ = extract_legacy_indicators(raw, "002")
    df = facts["fact_legacy_indicators"]
    assert df.height == 60
    assert _value(df, "litigation.upheld") == 149


# ---------------------------------------------------------------- Fujian's provincial form (平潭)


def test_county_2011_loads_year_and_cumulative_columns():
    df, issues = _extract(PINGTAN / "county_2011.html")
    assert issues == []
    assert df.height == 17 * 2  # 17 indicator rows, 2011年度 and 历年累计
    assert _value(df, "proactive.total") == 425
    assert _value(df, "proactive.total.cumulative") == 1516
    assert _value(df, "proactive.channels.website") == 418
    assert _value(df, "proactive.channels.website.cumulative") == 1509
    assert _value(df, "proactive.channels.gazette.cumulative") == 7
    assert _value(df, "requests.received") == 0
    assert _value(df, "complaints.total.cumulative") == 0  # 行政申诉数
    # 3.电子邮件申请数 and 6.其它形式申请数 have no national counterpart: kept, code NULL, both columns
    unmapped = df.filter(pl.col("indicator_code").is_null())
    assert sorted(label_key(x) for x in unmapped.get_column("label")) == ["其他形式申请数"] * 2 + ["电子邮件申请数"] * 2


@pytest.mark.parametrize(
    ("year", "n_rows", "proactive", "proactive_cumulative"),
    [
        (2011, 17, 425, 1516),
        (2012, 16, 739, 4359),
        (2013, 16, 72804, 76424),
        (2014, 16, 2543, 78967),
        (2015, 16, 2949, 81916),
        (2016, 16, 3460, 85376),
        (2017, 15, 2122, 10037),
        (2018, 15, 2069, 12106),
    ],
)
def test_zone_series_loads_every_row_in_both_columns(year, n_rows, proactive, proactive_cumulative):
    df, issues = _extract(PINGTAN / f"zone_{year}.html")
    assert issues == []
    assert df.height == 2 * n_rows
    assert _value(df, "proactive.total") == proactive
    assert _value(df, "proactive.total.cumulative") == proactive_cumulative
    codes = set(df.get_column("indicator_code").drop_nulls())
    assert {"requests.received", "requests.answered", "review.total", "litigation.total"} <= codes
    assert {"requests.received.cumulative", "review.total.cumulative"} <= codes


def test_zone_2013_blank_cumulative_cell_is_null_not_zero():
    df, _ = _extract(PINGTAN / "zone_2013.html")
    row = df.filter(pl.col("indicator_code") == "proactive.channels.gazette.cumulative").row(0, named=True)
    assert row["value"] is None and row["raw_text"] == ""
    assert _value(df, "proactive.channels.gazette") == 0


def test_zone_2014_labels_units_and_split_numbers():
    df, _ = _extract(PINGTAN / "zone_2014.html")
    assert _value(df, "proactive.channels.website") == 2543  # 政府网站公开数
    cumulative = df.filter(pl.col("indicator_code") == "proactive.total.cumulative").row(0, named=True)
    assert cumulative["value"] == 78967  # printed across two spans: '78 967'
    assert _value(df, "requests.received") == 1  # 受理依申请公开信息总数
    assert _value(df, "requests.answered.granted") == 1  # 同意公开答复数
    assert _value(df, "requests.answered.denied") == 0  # 不予公开答复数
    fee = df.filter(pl.col("label") == "政府信息公开收费减免金额")
    assert fee.get_column("indicator_code").to_list() == [None, None]  # waived, not collected: no code
    assert fee.get_column("unit").to_list() == ["yuan", "yuan"]  # printed 元
    letter_fax = df.filter(pl.col("label").map_elements(label_key, return_dtype=pl.String) == "信函、传真申请数")
    assert letter_fax.get_column("value").to_list() == [1, 1]
    assert letter_fax.get_column("indicator_code").null_count() == 2


def test_zone_2017_label_variant_maps():
    df, _ = _extract(PINGTAN / "zone_2017.html")  # 受理政府信息依申请公开总数
    label = df.filter(pl.col("indicator_code") == "requests.received").row(0, named=True)["label"]
    assert label_key(label) == "受理政府信息依申请公开总数"  # the page's spans may leave spaces inside


def test_county_2012_requests():
    df, _ = _extract(PINGTAN / "county_2012.html")
    assert _value(df, "requests.received") == 21
    assert _value(df, "requests.received.in_person") == 18
    assert _value(df, "requests.answered") == 21
    assert _value(df, "requests.answered.granted") == 17
    assert _value(df, "requests.answered.partially_granted") == 2
    assert _value(df, "requests.answered.denied") == 2  # 否决公开答复数


@pytest.mark.parametrize("path", [PINGTAN / "dishuiju_2013.html",
                                  FIXTURES / "corpus" / "text" / "006_pingtan_dishuiju_2013_flat.txt"])
def test_free_text_report_yields_no_facts_and_no_issue(path):
    df, issues = _extract(path)
    assert df.height == 0 and issues == []


def test_flat_crawler_table_is_read_only_where_its_splitting_is_unique():
    # issue #12: 4251516 / 41815092. / 77 split one way only (418 + 7 = 425, 1509 + 7 = 1516, 累计 ≥ 年度);
    # every cell is checked against county_2011.html in tests/test_flat_cells.py
    df, issues = _extract(FIXTURES / "corpus" / "text" / "004_pingtan_county_2011_flat.txt")
    assert df.height == 34 and issues == []
    # without its 其中 rows, 4251516 is 4/251516, 42/51516 or 425/1516: nothing is guessed
    text = "附件1：统计表 指标名称计量单位2011年度历年累计主动公开信息数条4251516"
    facts, issues = extract_legacy_indicators(text, "r")
    assert facts["fact_legacy_indicators"].height == 0
    assert [i["rule_id"] for i in issues] == ["extract.legacy.ambiguous"]
    assert "[425,1516]" in issues[0]["message"]


def test_reports_of_2019_and_later_have_no_legacy_table():
    df, issues = _extract(PINGTAN / "zone_2019.html")
    assert df.height == 0 and issues == []


# ---------------------------------------------------------------- layouts and cells (small made-up tables)


def test_tab_and_pipe_row_layouts():
    tab = "统计指标\t单位\t合计\n（一）收到申请数\t件\t12\n1.当面申请数\t件\t5\n"
    pipe = "统计指标 | 单位 | 合计\n（一）收到申请数 | 件 | 12\n1.当面申请数 | 件 | 5\n"
    for text in (tab, pipe):
        facts, issues = extract_legacy_indicators(text, "x")
        df = facts["fact_legacy_indicators"]
        assert df.get_column("indicator_code").to_list() == ["requests.received", "requests.received.in_person"]
        assert df.get_column("value").to_list() == [12, 5]
        assert issues == []


def test_unreadable_cell_is_null_and_flagged():
    facts, issues = extract_legacy_indicators("统计指标\t单位\t合计\n（一）收到申请数\t件\t约12\n", "x")
    row = facts["fact_legacy_indicators"].row(0, named=True)
    assert row["value"] is None and row["raw_text"] == "约12"
    assert [(i["rule_id"], i["severity"]) for i in issues] == [("extract.legacy.unreadable_cell", "warning")]


def test_truncated_cell_stream_is_flagged():
    text = "统计指标 |\n单位 |\n合计 |\n（一）收到申请数 |\n件 |\n12 |\n1.当面申请数 |\n件 |\n"
    facts, issues = extract_legacy_indicators(text, "x")
    assert facts["fact_legacy_indicators"].get_column("value").to_list() == [12, None]
    assert [i["rule_id"] for i in issues] == ["extract.legacy.truncated"]


def test_label_key_and_block_context():
    assert label_key("其中: 1 、网站公开") == "网站公开"
    assert label_key("1.专职人员数（不包括政府公报及政府网站工作人员数）") == "专职人员数"
    assert label_key("6. 其它形式申请数") == "其他形式申请数"
    assert lookup_code("（二）被依法纠错数", "review") == "review.corrected"
    assert lookup_code("（二）被依法纠错数", "litigation") == "litigation.corrected"
    assert lookup_code("（二）被依法纠错数", None) is None
    assert lookup_code("某个没见过的指标") is None


def test_label_header_spanning_two_columns_takes_the_indicator_column():
    text = (
        "统计指标\t统计指标\t单位\t合计\n"
        "四、行政复议数量\t四、行政复议数量\t件\t3\n"
        "四、行政复议数量\t（一）维持具体行政行为数\t件\t2\n"
        "四、行政复议数量\t（二）被依法纠错数\t件\t1\n"
    )
    facts, _ = extract_legacy_indicators(text, "x")
    df = facts["fact_legacy_indicators"]
    assert df.get_column("indicator_code").to_list() == ["review.total", "review.upheld", "review.corrected"]
    assert df.get_column("label").to_list()[1] == "（一）维持具体行政行为数"


def test_period_column_tells_year_from_cumulative_even_without_a_code():
    """county_2011's table: 主动公开信息数 425 this year, 1516 历年累计 (read off the page)."""
    facts, _ = extract_legacy_indicators(
        read_report(Path(__file__).parent / "fixtures" / "corpus" / "pingtan" / "county_2011.html").text, "t")
    df = facts["fact_legacy_indicators"]
    rows = df.filter(df["label"] == "主动公开信息数").select("period", "value").rows()
    assert rows == [("year", 425.0), ("cumulative", 1516.0)]
    uncoded = df.filter(df["indicator_code"].is_null())
    assert uncoded.height and set(uncoded["period"]) == {"year", "cumulative"}
