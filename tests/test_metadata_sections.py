"""Issuer, year, template and sections of the five seeds, as read off their text (issue #2, point 3 and 4)."""

import json

import pytest

from pipeline.ingest import RawFile, read_one
from pipeline.reading.files import read_report
from pipeline.reading.metadata import infer_metadata
from pipeline.reading.overrides import apply_overrides, load_overrides
from pipeline.reading.sectioning import split_sections
from tests.conftest import CORPUS, seed

SEED_METADATA = {
    "000": ("株洲市", 2019, "gov2019", "simplified"),
    "001": ("新乐市人民政府", 2019, "gov2019", "traditional"),
    "002": ("湘潭市", 2016, "stat2014", "simplified"),
    "003": ("淮南市人民政府办公室", 2019, "gov2019", "simplified"),
    "004": ("平顶山市人民政府", 2019, "gov2019", "simplified"),
}

GOV_HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]

SEED_HEADINGS = {
    "000": GOV_HEADINGS,
    "001": GOV_HEADINGS[:5],  # the page ends inside 五 (no 六 printed)
    "002": [
        "一、概述",
        "二、2016年政务公开要点落实情况",
        "三、主动公开政府信息情况",
        "四、依申请公开政府信息情况",
        "五、政府信息公开的收费及减免情况",
        "六、行政复议、行政诉讼与申诉情况",
        "七、存在的主要问题及改进措施",
        "八、附表",
    ],
    "003": [*GOV_HEADINGS[:4], "存在的主要问题及改进情况", GOV_HEADINGS[5]],  # 五 printed without its numeral
    "004": GOV_HEADINGS,
}


@pytest.mark.parametrize("prefix", sorted(SEED_METADATA))
def test_seed_metadata(prefix):
    result = read_report(seed(prefix))
    meta = infer_metadata(result.text)
    assert (meta.issuer, meta.report_year, meta.template, result.script) == SEED_METADATA[prefix]


@pytest.mark.parametrize("prefix", sorted(SEED_HEADINGS))
def test_seed_sections(prefix):
    sections = split_sections(read_report(seed(prefix)).text)
    assert [s.heading for s in sections if s.heading] == SEED_HEADINGS[prefix]


def test_subheadings_and_table_rows_stay_inside_their_section():
    sections = {s.heading: s.body for s in split_sections(read_report(seed("000")).text)}
    assert "（一）主动公开情况" in sections["一、总体情况"]
    assert "四、结转下年度继续办理" in sections["三、收到和处理政府信息公开申请情况"]
    appendix = {s.heading: s.body for s in split_sections(read_report(seed("002")).text)}["八、附表"]
    assert "九、政府信息公开会议和培训情况" in appendix


def test_skipped_numeral_is_still_a_heading():
    sections = split_sections(read_report(CORPUS / "markdown" / "shanghai_office_2025.md").text)
    assert [s.heading for s in sections][-1] == "六、其他需要报告的事项"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("pingtan/zone_2014.html", ("平潭综合实验区管委会", 2014, "legacy")),
        ("pingtan/zone_2021.html", ("平潭综合实验区", 2021, "gov2021")),
        ("pingtan/dishuiju_2013.html", ("平潭综合实验区地方税务局", 2013, "legacy")),
        ("text/001_huaian_city_2024.txt", ("淮安市人民政府", 2024, "gov2021")),
        ("markdown/shanghai_office_2025.md", ("上海市人民政府办公厅", 2025, "gov2021")),
        ("text/006_pingtan_dishuiju_2013_flat.txt", ("平潭综合实验区地方税务局", 2013, "legacy")),
    ],
)
def test_corpus_metadata(path, expected):
    meta = infer_metadata(read_report(CORPUS / path).text)
    assert (meta.issuer, meta.report_year, meta.template) == expected


def test_meta_json_and_manifest_override(tmp_path):
    src = seed("000")
    (tmp_path / "a.txt").write_bytes(src.read_bytes())
    (tmp_path / "b.txt").write_bytes(src.read_bytes() + b"\n")
    (tmp_path / "a.txt.meta.json").write_text(json.dumps({"issuer": "株洲市人民政府", "url": "http://x"}), "utf-8")
    (tmp_path / "manifest.csv").write_text("file,issuer,report_year,region\nb.txt,株洲市政府办,2020,湖南\n", "utf-8")
    overrides, problems = load_overrides(tmp_path)
    assert overrides == {"a.txt": {"issuer": "株洲市人民政府", "url": "http://x"},
                         "b.txt": {"issuer": "株洲市政府办", "report_year": 2020, "region": "湖南"}}
    assert problems == []
    meta = apply_overrides(infer_metadata(read_report(src).text), overrides["b.txt"])
    assert (meta.issuer, meta.report_year, meta.template, meta.region) == ("株洲市政府办", 2020, "gov2019", "湖南")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03PK\x03\x04" * 50, "binary"),
        ("今天天气很好,我们去公园散步。".encode(), "not a government information disclosure annual report"),
        (b"\x81\x20\xff\xfe\x80 abc \x81\x7f" * 20, "decode"),
    ],
)
def test_bad_input_is_a_failed_report_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    report = read_one(RawFile(path, "bad.txt", "0" * 64))
    assert report.text is None
    assert report.row["status"] == "failed"
    assert reason in report.row["error"] and report.row["error"].startswith("bad.txt: ")


def test_a_reader_crash_is_a_failed_report_not_an_aborted_run(tmp_path, monkeypatch):
    import pipeline.ingest as ingest

    def explode(data, suffix):
        raise ValueError("unexpected markup")

    monkeypatch.setattr(ingest, "read_report_bytes", explode)
    path = tmp_path / "x.html"
    path.write_text("<html></html>")
    report = read_one(RawFile(path, "x.html", "1" * 64))
    assert report.row["status"] == "failed"
    assert report.row["error"].startswith("x.html: reading crashed (ValueError: unexpected markup")
