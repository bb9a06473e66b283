"""The ground truths of test_validation_seeds.py, end to end: real text → reader → extractor → rules.

Skipped until pipeline.tables.gov exists. The expected issues are the ones a person reads off the sources
(see test_validation_seeds.py), so a failure here means extraction and the hand transcription disagree.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipeline import frames
from tests.conftest import CORPUS, seed
from tests.test_validation_seeds import reports_frame

tables = pytest.importorskip("pipeline.tables.gov")
reading = pytest.importorskip("pipeline.reading.files")

SOURCES = {
    "000": seed("000"),
    "003": seed("003"),
    "004": seed("004"),
    "hongze_2023": CORPUS / "text" / "002_hongze_district_2023.txt",
    "hongze_2024": CORPUS / "text" / "003_hongze_district_2024.txt",
}
REPORTS = reports_frame([
    ("000", "株洲市", 2019, "gov2019"),
    ("003", "淮南市人民政府办公室", 2019, "gov2019"),
    ("004", "平顶山市人民政府", 2019, "gov2019"),
    ("hongze_2023", "洪泽区人民政府", 2023, "gov2021"),
    ("hongze_2024", "淮安市洪泽区人民政府", 2024, "gov2021"),
])


@pytest.fixture(scope="module")
def extracted() -> tuple[dict[str, pl.DataFrame], dict[str, str]]:
    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in frames.FACT_TABLES}
    texts = {}
    for rid, path in SOURCES.items():
        texts[rid] = reading.read_report(path).text
        facts, _ = tables.extract_gov_tables(texts[rid], rid)
        for t, df in facts.items():
            parts[t].append(df)
    return {t: frames.concat(t, dfs) for t, dfs in parts.items()}, texts


def arithmetic(issues: pl.DataFrame, report_id: str) -> list[tuple]:
    return sorted(
        issues.filter((pl.col("report_id") == report_id) & (pl.col("severity") == "error"))
        .select("rule_id", "location", "expected", "actual").iter_rows()
    )


def test_ground_truth_end_to_end(extracted):
    from pipeline.validation.rules import validate_facts

    facts, texts = extracted
    issues = validate_facts(facts, REPORTS, texts)
    assert arithmetic(issues, "000") == [
        ("requests.outcome_sum", "applicant=total", 494.0, 546.0),
        ("requests.row_sum", "row=not_processed_complaint", 11.0, 1.0),
        ("requests.row_sum", "row=partially_disclosed", 39.0, 19.0),
        ("requests.row_sum", "row=unavailable_needs_compilation", 26.0, 16.0),
        ("requests.row_sum", "row=unavailable_not_held", 122.0, 110.0),
    ]
    assert arithmetic(issues, "003") == []
    assert arithmetic(issues, "004") == []
    assert arithmetic(issues, "hongze_2023") == [
        ("review.sum", "proceeding=administrative_review", 11.0, 0.0),
        ("review.sum", "proceeding=litigation_after_review", 5.0, 0.0),
    ]
    assert arithmetic(issues, "hongze_2024") == []
    warnings = sorted(issues.filter(pl.col("severity") == "warning").select("report_id", "rule_id").iter_rows())
    assert warnings == [("hongze_2024", "narrative.received")]  # 受理…申请17件 vs table 三 95


# --- the whole corpus: every issue the rules raise, each one checked against the source by hand -----

#: file → (issuer, report year, template), from tests/fixtures/corpus/MANIFEST.md and the seeds' titles
CORPUS_REPORTS = {
    "seeds/000_683ce4d00f0cce4b.txt": ("株洲市", 2019, "gov2019"),
    "seeds/001_a1987c7275b215ef.txt": ("新乐市人民政府", 2019, "gov2019"),
    "seeds/002_a1ae499f7f2fe0ec.txt": ("湘潭市", 2016, "stat2014"),
    "seeds/003_7525cffb9e742ff2.txt": ("淮南市人民政府办公室", 2019, "gov2019"),
    "seeds/004_2b7bc92f2bdde0c7.txt": ("平顶山市人民政府", 2019, "gov2019"),
    "corpus/text/001_huaian_city_2024.txt": ("淮安市人民政府", 2024, "gov2021"),
    "corpus/text/002_hongze_district_2023.txt": ("淮安市洪泽区人民政府", 2023, "gov2021"),
    "corpus/text/003_hongze_district_2024.txt": ("淮安市洪泽区人民政府", 2024, "gov2021"),
    "corpus/text/004_pingtan_county_2011_flat.txt": ("平潭县人民政府", 2011, "legacy"),
    "corpus/text/005_pingtan_zone_2019_flat.txt": ("平潭综合实验区", 2019, "gov2019"),
    "corpus/text/006_pingtan_dishuiju_2013_flat.txt": ("平潭综合实验区地方税务局", 2013, "legacy"),
    "corpus/text/007_pingtan_zone_2024_flat.txt": ("平潭综合实验区", 2024, "gov2021"),
    "corpus/text/008_huaian_city_2024_fragment_rawpdftext.txt": ("淮安市人民政府", 2024, "gov2021"),
    "corpus/markdown/shuyang_county_2025.md": ("沭阳县人民政府", 2025, "gov2021"),
    "corpus/markdown/shanghai_kewei_2024.md": ("上海市科学技术委员会", 2024, "gov2021"),
    "corpus/markdown/shanghai_office_2025.md": ("上海市人民政府办公厅", 2025, "gov2021"),
    **{f"corpus/pingtan/county_{y}.html": ("平潭县人民政府", y, "legacy") for y in (2011, 2012, 2013)},
    "corpus/pingtan/dishuiju_2013.html": ("平潭综合实验区地方税务局", 2013, "legacy"),
    **{f"corpus/pingtan/zone_{y}.html": ("平潭综合实验区管委会" if y % 2 else "平潭综合实验区", y,
                                         "legacy" if y < 2019 else "gov2019" if y < 2021 else "gov2021")
       for y in range(2011, 2026)},
}

#: every issue over the corpus, each verified by reading the source
CORPUS_ISSUES = [
    # 株洲 2019 table 三: the four rows and the total column that do not add up (see test_validation_seeds)
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.outcome_sum", "applicant=total"),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=not_processed_complaint"),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=partially_disclosed"),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=unavailable_needs_compilation"),
    ("seeds/000_683ce4d00f0cce4b.txt", "requests.row_sum", "row=unavailable_not_held"),
    # 湘潭 2016: prose 同意部分公开41件, 统计表 43
    ("seeds/002_a1ae499f7f2fe0ec.txt", "narrative.partially_disclosed", "indicator=requests.answered.partially_granted"),
    # 洪泽 2023 table 四 prints 总计 0 under 维持10 纠正1 and under 复议后起诉 维持5
    ("corpus/text/002_hongze_district_2023.txt", "review.sum", "proceeding=administrative_review"),
    ("corpus/text/002_hongze_district_2023.txt", "review.sum", "proceeding=litigation_after_review"),
    # 洪泽 2024 prose 受理…申请17件, table 三 95
    ("corpus/text/003_hongze_district_2024.txt", "narrative.received", "row=new_received;applicant=total"),
    # 平潭 2020 table 三: outcome rows 6+6+4+3+3+4 = 26 (总计 column 27) but （七）总计 prints 20 (21)
    ("corpus/pingtan/zone_2020.html", "requests.outcome_sum", "applicant=natural_person"),
    ("corpus/pingtan/zone_2020.html", "requests.outcome_sum", "applicant=total"),
    # 平潭 行政规范性文件 现行有效 chain: 698+77−132≠470, 470+62−33≠440, 440+58−45≠546
    ("corpus/pingtan/zone_2023.html", "cross_year.in_force", "article=20.1;item=normative_document"),
    ("corpus/pingtan/zone_2024.html", "cross_year.in_force", "article=20.1;item=normative_document"),
    ("corpus/pingtan/zone_2025.html", "cross_year.in_force", "article=20.1;item=normative_document"),
]


def test_every_issue_over_the_corpus_is_a_real_one():
    ingest = pytest.importorskip("pipeline.ingest")
    from pipeline.validation.rules import validate_facts
    from tests.conftest import FIXTURES

    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in frames.FACT_TABLES}
    texts = {}
    for rid, (_, _, template) in CORPUS_REPORTS.items():
        texts[rid] = reading.read_report(FIXTURES / rid).text
        facts, _ = ingest.extract_report_tables(texts[rid], rid, template)
        for t, df in facts.items():
            parts[t].append(df)
    facts = {t: frames.concat(t, dfs) for t, dfs in parts.items()}
    reports = reports_frame([(rid, *meta) for rid, meta in CORPUS_REPORTS.items()])
    issues = validate_facts(facts, reports, texts)
    found = sorted(
        (rid, rule, loc.split(";previous_report=")[0])
        for rid, rule, loc in issues.select("report_id", "rule_id", "location").iter_rows()
    )
    assert found == sorted(CORPUS_ISSUES)
