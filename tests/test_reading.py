"""Decoding, normalization and HTML reading, on small inputs made for each rule and on the real pages."""

import pytest

from pipeline.reading.files import ReadError, decode_bytes, read_report, read_report_bytes
from pipeline.reading.normalizing import normalize_text
from tests.conftest import CORPUS, seed

SAMPLE = "株洲市2019年政府信息公开工作年度报告\n一、总体情况\n规范性文件 154件\n"


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8 (BOM)"),
        (SAMPLE.encode("utf-16"), "utf-16 (BOM)"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb18030"), "gb18030"),
    ],
)
def test_decoding_is_detected(encoded, encoding):
    text, found = decode_bytes(encoded)
    assert text.lstrip("\ufeff") == SAMPLE
    assert found == encoding


def test_undecodable_bytes_fail_with_a_reason():
    with pytest.raises(ReadError, match="decode"):
        decode_bytes(b"\x81\x20\xff\xfe\x80 report \x81\x7f" * 20)


def test_binary_and_empty_files_fail():
    with pytest.raises(ReadError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ReadError, match="empty"):
        decode_bytes(b"  \n")


def test_normalization_rules():
    raw = "第二十条第(一)项\r\n总\u00a0计\u3000１２３，４５６．７８％\r旧行\u200b\n＋１０３６　－９５／：\n"
    text, script = normalize_text(raw)
    assert text == "第二十条第（一）项\n总 计 123,456.78%\n旧行\n+1036 -95/:\n"
    assert script == "simplified"


def test_traditional_is_converted_with_phrases():
    text, script = normalize_text("規範性檔案 154件。政府資訊公開工作年度報告,網路輿情監控。")
    assert script == "traditional"
    assert "规范性文件" in text and "网络舆情" in text


def test_seed_001_is_traditional_and_stored_simplified():
    result = read_report(seed("001"))
    assert result.script == "traditional"
    assert "新乐市人民政府" in result.text
    assert "规范性文件 | 154 | 105 | 752 |" in result.text


def test_html_page_keeps_body_drops_chrome_and_expands_tables():
    result = read_report(CORPUS / "pingtan" / "zone_2019.html")
    assert result.source_format == "html" and result.encoding == "utf-8"
    text = result.text
    assert text.startswith("平潭综合实验区2019年度政府信息公开工作年度报告")
    assert "<script" not in text and "var " not in text
    # the rowspan label 三、本年度办理结果 repeats on each row it spans; colspan labels repeat across columns
    assert "三、本年度办理结果\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0" in text
    assert "一、本年新收政府信息公开申请数量\t一、本年新收政府信息公开申请数量\t一、本年新收政府信息公开申请数量\t23\t0" in text
    assert "\n0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n" in text  # table 四, 15 cells


def test_html_in_declared_gbk_with_nav_and_footer():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>t</title>'
        "<script>var x = 1;</script></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>'
        '<div class="article"><h1>某县2020年政府信息公开工作年度报告</h1><p>一、总体情况</p>'
        "<p>全年主动公开政府信息1200条,办理依申请公开23件。</p>"
        '<table><tr><td rowspan="2">行政复议</td><td colspan="2">结果</td></tr>'
        "<tr><td>1</td><td>&nbsp;</td></tr></table></div>"
        '<div class="footer">版权所有 某县人民政府 网站标识码</div></body></html>'
    ).encode("gbk")
    result = read_report_bytes(page, ".html")
    assert result.encoding == "gbk" or result.encoding == "gb18030"
    lines = result.text.split("\n")
    assert lines[0] == "某县2020年政府信息公开工作年度报告"
    assert "行政复议\t结果\t结果" in lines
    assert "行政复议\t1\t" in lines  # NBSP cell is empty, the rowspan label repeats
    assert "首页" not in result.text and "版权所有" not in result.text and "var x" not in result.text


def test_comment_after_the_closing_html_tag():
    page = "<html><body><p>某县2020年政府信息公开工作年度报告</p></body></html>\n<!-- cached 2020-01-01 -->\n"
    assert read_report_bytes(page.encode(), ".html").text == "某县2020年政府信息公开工作年度报告\n"


def test_taiwan_phrase_rewrites_that_change_meaning_are_not_applied():
    text, _ = normalize_text("「效能革命」目標任務,屬於行政查詢事項,規範性檔案,網路輿情。")
    assert "效能革命" in text and "行政查询事项" in text
    assert "规范性文件" in text and "网络舆情" in text
    assert "\ue000" not in text
