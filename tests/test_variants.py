"""Issue #11: report openings and table layouts met on pages we had not seen. One small fixture per variant in
tests/fixtures/variants/ (real report text with the opening or layout changed as the issue describes); the
expected values were read off each fixture by eye."""

from pathlib import Path

import pytest

from pipeline.ingest import RawFile, read_one
from pipeline.metadata import infer_metadata
from pipeline.reading import read_report

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


# --- issuer and year --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, issuer, year",
    [
        # 2012年…报告 title without a body; a cited 《…关于做好2012年…年度报告…的通知》; 现公布XX局2012年…报告
        ("meta_cited_notice.txt", "淮安市洪泽区商务局", 2012),
        # 现将XX（以下简称…）2023年…报告公布如下, no title line
        ("meta_presented_abbrev.txt", "淮安市交通运输局", 2023),
        # site chrome names the portal (淮安市人民政府); the report names its compiler: 本报告由XX编制
        ("meta_chrome.txt", "淮安市洪泽区人民政府办公室", 2024),
        # crawler line: 登录 注册 … 当前位置：首页 > … > title 发布时间 …
        ("meta_chrome_title.txt", "淮安市洪泽区人民政府", 2024),
        ("meta_compiled_by.txt", "淮安市洪泽区人民政府办公室", 2024),
        # no name anywhere but the signature (落款) over its date
        ("meta_signature.txt", "淮安市洪泽区水利局", 2024),
        # XX（以下简称…） in the first sentence
        ("meta_abbreviated.txt", "淮安市自然资源和规划局", 2024),
        # the page's metadata table (发布机构) sits outside the body; <title> ends in the portal's name
        ("meta_html_publisher.html", "淮安市生态环境局", 2024),
        # the title only in <title>, chrome after it
        ("meta_html_title.html", "淮安市洪泽区人民政府", 2023),
        # title without a year; prose mentions 发布了2019年度…年报; 统计期限为2020年…
        ("year_prose_mention.txt", "淮安市洪泽区应急管理局", 2020),
        # 本年度报告中所列数据统计期限从2019年1月1日到12月31日
        ("year_period_from.txt", "淮安市洪泽区民政局", 2019),
        # only 我局, no year anywhere
        ("meta_unnamed.txt", None, None),
    ],
)
def test_issuer_and_year(name, issuer, year):
    result = read_report(VARIANTS / name)
    meta = infer_metadata(result.text, result.page)
    assert (meta.issuer, meta.report_year) == (issuer, year)


def _read(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((VARIANTS / name).read_bytes())
    return read_one(RawFile(path, name, "ab" * 32))


def test_titleless_unnamed_report_loads_partial_with_warnings(tmp_path):
    report = _read(tmp_path, "meta_unnamed.txt")
    assert report.text is not None
    assert (report.row["status"], report.row["issuer"], report.row["report_year"]) == ("partial", None, None)
    assert [(i["rule_id"], i["severity"], i["location"]) for i in report.issues] == [
        ("extract.metadata", "warning", "field=issuer"), ("extract.metadata", "warning", "field=report_year"),
    ]
    assert all(i["message"].startswith("meta_unnamed.txt: ") and i["report_id"] == "ab" * 8 for i in report.issues)


def test_titleless_report_that_names_itself_loads_ok(tmp_path):
    report = _read(tmp_path, "meta_compiled_by.txt")
    assert (report.row["status"], report.row["issuer"], report.row["report_year"]) == (
        "ok", "淮安市洪泽区人民政府办公室", 2024)
    assert report.issues == []


def test_text_that_is_not_a_report_still_fails(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于做好2024年政府信息公开工作的通知\n各单位：请按要求做好信息公开工作。\n", "utf-8")
    report = read_one(RawFile(path, "notice.txt", "cd" * 32))
    assert report.row["status"] == "failed" and report.text is None
