"""PDF and Word reports: every table cell equals the golden reading of the same report, facts say their page.

The real PDFs (tests/fixtures/corpus/pdf/real/) are the originals of text/001–003; the other PDFs and the .docx
files were rendered from the pingtan web pages (see tests/fixtures/corpus/pdf/README.md), so the golden files of
those sources apply cell for cell. Comparison helpers are the golden tests' own.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.reading.files import ReadError, read_report
from pipeline.reading.normalizing import normalize_text
from pipeline.reading.provenance import Origin, mark_line, strip_markers
from pipeline.run import run_pipeline
from pipeline.tables.gov import extract_gov_tables
from pipeline.tables.legacy import extract_legacy_indicators
from tests import test_golden_gov as gov
from tests import test_golden_legacy as legacy

FIXTURES = Path(__file__).parent / "fixtures"
PDF = FIXTURES / "documents" / "pdf"
DOCX = FIXTURES / "documents" / "docx"
BROKEN = FIXTURES / "documents" / "broken"

#: file → golden stem (tests/golden/gov or tests/golden/legacy)
GOV_COPIES = {
    PDF / "real" / "szfgs2024.pdf": "001_huaian_city_2024",
    PDF / "real" / "hzq2023_working.pdf": "002_hongze_district_2023",
    PDF / "real" / "hzq2024_working.pdf": "003_hongze_district_2024",
    PDF / "zone_2019_page.pdf": "zone_2019",
    **{PDF / f"zone_{year}{kind}.pdf": f"zone_{year}" for year in (2019, 2020, 2021, 2023, 2024)
       for kind in ("", "_word")},
    **{DOCX / f"zone_{year}.docx": f"zone_{year}" for year in (2019, 2020, 2021, 2023, 2024)},
}
LEGACY_COPIES = {
    folder / f"{stem}{kind}": stem
    for stem in ("zone_2016", "county_2012")
    for folder, kind in ((PDF, ".pdf"), (PDF, "_word.pdf"), (DOCX, ".docx"))
}


def _id(path: Path) -> str:
    return path.relative_to(FIXTURES / "documents").as_posix()


@functools.cache
def _gov_facts(path: Path) -> dict[str, pl.DataFrame]:
    return extract_gov_tables(read_report(path).text, report_id=gov.REPORT_ID)[0]


@pytest.mark.parametrize(
    ("path", "table"),
    [pytest.param(path, table, id=f"{_id(path)}-{gov.SHORT_NAMES[table]}") for path in GOV_COPIES
     for table in gov.TABLE_KEYS],
)
def test_gov_tables_equal_golden(path, table):
    gov._assert_matches_golden(GOV_COPIES[path], table, _gov_facts(path)[table])


@pytest.mark.parametrize("path", [pytest.param(p, id=_id(p)) for p in LEGACY_COPIES])
def test_legacy_tables_equal_golden(path):
    stem = LEGACY_COPIES[path]
    facts = extract_legacy_indicators(read_report(path).text, "t")[0]["fact_legacy_indicators"]
    rows = legacy.GOLDEN[stem]["rows"]
    found = legacy.match_golden(facts, rows)
    for index, golden in enumerate(rows):
        assert index in found.year, f"{_id(path)} [{golden['label']}]: not extracted"
        legacy._check_cell(stem, golden, "value", facts.row(found.year[index], named=True))
        if "cumulative" in golden:
            legacy._check_cell(stem, golden, "cumulative", facts.row(found.cumulative[index], named=True))
    extra = facts.filter(pl.col("value").is_not_null()).height - sum(
        1 for i, g in enumerate(rows) for col in ("value", "cumulative") if g.get(col) is not None and i in found.year
    )
    assert extra == 0, f"{_id(path)}: {extra} value(s) not in the printed table"


# ---------------------------------------------------------------- layout cases, read off the rendered pages


def _row(path: Path, starts: str) -> list[str]:
    text = read_report(path).text
    return next(line.split("\t") for line in text.split("\n") if "\t" in line and starts in line)


def test_row_cut_by_page_break_is_one_row():
    """zone_2021_word.pdf: 「2.其他法律行政 / 法规禁止公开」 starts on page 3 with its zeros, ends on page 4."""
    cells = _row(PDF / "zone_2021_word.pdf", "2.其他法律行政")
    assert "2.其他法律行政法规禁止公开" in cells
    assert cells[-8:] == ["0"] * 8


def test_rows_either_side_of_a_page_break_stay_apart():
    """hzq2023_working.pdf: 2.没有现成信息… (3 … 3) is the last row of page 3, 3.补正后… (all 0) the first of page 4."""
    assert _row(PDF / "real" / "hzq2023_working.pdf", "2.没有现成信息需要另行制作")[-7:] == ["3", "0", "0", "0", "0",
                                                                                     "0", "3"]
    assert _row(PDF / "real" / "hzq2023_working.pdf", "3.补正后申请内容仍不明确")[-7:] == ["0"] * 7


def test_merged_label_cell_repeated_in_every_row_it_covers():
    """szfgs2024.pdf: （三）不予公开 spans eight rows; 三、本年度办理结果 is printed on page 4 only but covers page 5 rows."""
    text = read_report(PDF / "real" / "szfgs2024.pdf").text
    withheld = [line for line in text.split("\n") if "\t（三）不予公开\t" in line]
    assert len(withheld) == 8
    assert _row(PDF / "real" / "szfgs2024.pdf", "2.重复申请")[0] == "三、本年度办理结果"


def test_page_numbers_dropped_and_paragraphs_joined():
    text = read_report(PDF / "real" / "szfgs2024.pdf").text
    assert "- 4 -" not in text and "-4-" not in text
    assert "全年收取政府信息公开信息处理费3940元。" in text.split("\n")[-2]


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("scanned.pdf", "no text layer"),
        ("encrypted.pdf", "encrypted"),
        ("truncated.pdf", "damaged"),
        ("truncated.docx", "damaged"),
        ("old_word.doc", r"old binary Word document \(\.doc\)"),
    ],
)
def test_unreadable_files_raise_one_sentence(name, sentence):
    with pytest.raises(ReadError, match=sentence):
        read_report(BROKEN / name)


# ---------------------------------------------------------------- provenance


def test_markers_survive_normalization_and_leave_no_trace():
    raw = "\n\n" + mark_line("標題", 2, None, None) + "\r\n" + mark_line("a\tb ", 3, 1, 4) + "\n"
    text, origins = strip_markers(normalize_text(raw)[0])
    assert text == "标题\na\tb\n"
    assert origins == {1: Origin(2, None, None), 2: Origin(3, 1, 4)}


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for path in (PDF / "real" / "szfgs2024.pdf", DOCX / "zone_2024.docx", PDF / "county_2012.pdf",
                 FIXTURES / "corpus" / "pingtan" / "zone_2023.html", *sorted(BROKEN.iterdir())):
        shutil.copy(path, raw / path.name)
    result = run_pipeline(raw, tmp_path_factory.mktemp("wh") / "ogi.duckdb")
    reports = result.tables["reports"]
    ids = dict(zip(reports["source_path"], reports["report_id"], strict=True))
    return result.tables, ids


@pytest.mark.parametrize(
    ("name", "sentence"),
    [("scanned.pdf", "no text layer"), ("encrypted.pdf", "encrypted"), ("truncated.pdf", "damaged"),
     ("truncated.docx", "damaged"), ("old_word.doc", ".doc")],
)
def test_broken_files_are_failed_reports(pdf_run, name, sentence):
    tables, ids = pdf_run
    row = tables["reports"].filter(pl.col("source_path") == name).row(0, named=True)
    assert row["status"] == "failed"
    assert row["error"].startswith(f"{name}: ") and sentence in row["error"]


def test_pdf_facts_name_their_page(pdf_run):
    """Pages read off szfgs2024.pdf: table 二 runs over pages 3–4 (行政许可 on 3, 行政处罚 on 4), table 三 over 4–5."""
    tables, ids = pdf_run
    rid = ids["szfgs2024.pdf"]
    report = tables["reports"].filter(pl.col("report_id") == rid).row(0, named=True)
    assert (report["status"], report["source_format"]) == ("ok", "pdf")
    for table in ("fact_requests", "fact_review_results", "fact_proactive_disclosure"):
        facts = tables[table].filter(pl.col("report_id") == rid)
        assert facts.height and facts["page"].null_count() == 0 and facts["row_no"].null_count() == 0, table
    proactive = tables["fact_proactive_disclosure"].filter(pl.col("report_id") == rid)
    pages = dict(zip(proactive["item"], proactive["page"], strict=False))
    assert (pages["administrative_license"], pages["administrative_penalty"]) == (3, 4)
    requests = tables["fact_requests"].filter(pl.col("report_id") == rid)
    pages = dict(zip(requests["row_code"], requests["page"], strict=False))
    assert (pages["new_received"], pages["unavailable_not_held"], pages["carried_forward"]) == (4, 4, 5)
    review = tables["fact_review_results"].filter(pl.col("report_id") == rid)
    assert review["page"].unique().to_list() == [5]


def test_docx_and_html_facts_name_table_and_row(pdf_run):
    tables, ids = pdf_run
    for name in ("zone_2024.docx", "zone_2023.html"):
        requests = tables["fact_requests"].filter(pl.col("report_id") == ids[name])
        assert requests["page"].null_count() == requests.height
        assert requests["table_no"].null_count() == 0 and requests["row_no"].null_count() == 0
        # 一、本年新收 is the fourth row of table 三 under its three header rows, in both sources
        assert requests.filter(pl.col("row_code") == "new_received")["row_no"].unique().to_list() == [4], name
    legacy_facts = tables["fact_legacy_indicators"].filter(pl.col("report_id") == ids["county_2012.pdf"])
    assert legacy_facts.height and legacy_facts["page"].null_count() == 0
