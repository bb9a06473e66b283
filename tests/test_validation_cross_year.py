"""cross_year.carry and cross_year.in_force on real consecutive reports, transcribed by hand.

平潭综合实验区 2021–2025 (tests/fixtures/corpus/pingtan/zone_YEAR.html): table 三's total column
(new_received, carried_over, total_processed, carried_forward) and table 二's 第二十条第（一）项 rows
(本年制发, 本年废止, 现行有效), read off the pages. The carry-over chain holds every year (2021 结转 1 →
2022 上年结转 1); the 行政规范性文件 现行有效 chain breaks in 2023, 2024 and 2025 in the source itself.
"""

from __future__ import annotations

import polars as pl

from pipeline import frames
from pipeline.reading.metadata import issuer_key
from pipeline.validation.rules import validate_facts
from tests.test_validation_rules import with_cell
from tests.test_validation_seeds import (
    HONGZE_2023_FACTS,
    HONGZE_2024,
    HONGZE_2024_FACTS,
    SEED_REPORTS,
    facts_of,
    reports_frame,
)

#: year → (new_received, carried_over, total_processed, carried_forward), total column
PINGTAN_REQUESTS = {
    2021: (70, 0, 69, 1),
    2022: (74, 1, 75, 0),
    2023: (81, 0, 81, 0),
    2024: (218, 0, 218, 0),
    2025: (154, 0, 148, 6),
}
#: year → {item: (issued, repealed, in_force)}
PINGTAN_IN_FORCE = {
    2021: {"regulation": (0, 0, 0), "normative_document": (69, 3, 665)},
    2022: {"regulation": (0, 0, 0), "normative_document": (88, 55, 698)},
    2023: {"regulation": (0, 0, 0), "normative_document": (77, 132, 470)},
    2024: {"regulation": (0, 0, 0), "normative_document": (62, 33, 440)},
    2025: {"regulation": (0, 0, 0), "normative_document": (58, 45, 546)},
}
ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def pingtan_facts(years=PINGTAN_REQUESTS) -> dict[str, pl.DataFrame]:
    requests = frames.frame("fact_requests", [
        {"report_id": f"zone_{y}", "row_code": row, "applicant": "total", "value": v, "raw_text": str(v)}
        for y in years for row, v in zip(ROWS, PINGTAN_REQUESTS[y], strict=True)
    ])
    proactive = frames.frame("fact_proactive_disclosure", [
        {"report_id": f"zone_{y}", "article": "20.1", "item": item, "measure": m, "value": v, "unit": "count",
         "raw_text": str(v)}
        for y in years for item, values in PINGTAN_IN_FORCE[y].items()
        for m, v in zip(("issued", "repealed", "in_force"), values, strict=True)
    ])
    return facts_of({"fact_requests": requests, "fact_proactive_disclosure": proactive})


#: the issuer as each page names itself (2022 written the way the 管委会's office signs it)
PINGTAN_REPORTS = reports_frame([
    (f"zone_{y}", "平潭综合实验区管委会" if y == 2022 else "平潭综合实验区", y, "gov2021") for y in PINGTAN_REQUESTS
])


def test_pingtan_in_force_chain_breaks_where_the_source_breaks_it():
    issues = validate_facts(pingtan_facts(), PINGTAN_REPORTS, {})
    assert sorted(issues.select("report_id", "rule_id", "expected", "actual").rows()) == [
        ("zone_2023", "cross_year.in_force", 643.0, 470.0),  # 698 + 77 − 132
        ("zone_2024", "cross_year.in_force", 499.0, 440.0),  # 470 + 62 − 33
        ("zone_2025", "cross_year.in_force", 453.0, 546.0),  # 440 + 58 − 45
    ]
    assert set(issues["severity"]) == {"warning"}
    assert issues["location"][0].startswith("article=20.1;item=normative_document")


def test_pingtan_carry_holds_across_the_issuer_name_variant():
    issues = validate_facts(pingtan_facts(), PINGTAN_REPORTS, {})
    assert issues.filter(pl.col("rule_id") == "cross_year.carry").height == 0


def test_carry_breaks_when_this_year_does_not_take_over_last_years_carried_forward():
    facts = pingtan_facts()
    facts["fact_requests"] = with_cell(facts["fact_requests"], 0, report_id="zone_2022", row_code="carried_over",
                                       applicant="total")
    facts["fact_requests"] = with_cell(facts["fact_requests"], 75, report_id="zone_2022", row_code="new_received",
                                       applicant="total")  # keep 2022's own balance
    issues = validate_facts(facts, PINGTAN_REPORTS, {})
    carry = issues.filter(pl.col("rule_id") == "cross_year.carry")
    assert carry.select("report_id", "expected", "actual").rows() == [("zone_2022", 1.0, 0.0)]
    assert "zone_2021" in carry["location"][0]
    assert "1" in carry["message"][0] and "0" in carry["message"][0]


def test_hongze_2023_to_2024_in_force_and_carry_hold():
    """洪泽区人民政府 2023 → 淮安市洪泽区人民政府 2024: 行政规范性文件 5 + 3 − 0 = 8; 结转 0 → 0."""
    issues = validate_facts(facts_of(HONGZE_2023_FACTS, HONGZE_2024_FACTS), SEED_REPORTS, {})
    assert issues.filter(pl.col("rule_id").str.starts_with("cross_year.")).height == 0


def test_hongze_in_force_break_is_found_across_the_name_variant():
    broken = dict(HONGZE_2024_FACTS)
    broken["fact_proactive_disclosure"] = with_cell(
        broken["fact_proactive_disclosure"], 9, item="normative_document", measure="in_force")
    issues = validate_facts(facts_of(HONGZE_2023_FACTS, broken), SEED_REPORTS, {})
    assert issues.filter(pl.col("rule_id") == "cross_year.in_force").select(
        "report_id", "expected", "actual").rows() == [(HONGZE_2024, 8.0, 9.0)]


def test_blank_operand_skips_the_comparison():
    facts = pingtan_facts()
    facts["fact_proactive_disclosure"] = with_cell(
        facts["fact_proactive_disclosure"], None, report_id="zone_2024", item="normative_document", measure="repealed")
    rids = validate_facts(facts, PINGTAN_REPORTS, {}).filter(pl.col("rule_id") == "cross_year.in_force")["report_id"]
    assert sorted(rids) == ["zone_2023", "zone_2025"]


def test_only_consecutive_years_are_compared():
    years = {y: PINGTAN_REQUESTS[y] for y in (2021, 2023, 2025)}
    issues = validate_facts(pingtan_facts(years), PINGTAN_REPORTS.filter(pl.col("report_year").is_in(list(years))), {})
    assert issues.height == 0


def test_issuer_key_folds_trivial_variants_only():
    names = ["平潭综合实验区", "平潭综合实验区管委会", "平潭综合实验区管理委员会", "洪泽区人民政府", "淮安市洪泽区人民政府",
             "淮安市人民政府", "淮南市人民政府办公室", "平潭县人民政府", "平潭综合实验区地方税务局"]
    keys = pl.select(issuer_key(pl.Series(names))).to_series().to_list()
    assert keys == ["平潭综合实验区", "平潭综合实验区", "平潭综合实验区", "洪泽区", "洪泽区",
                    "淮安市", "淮南市人民政府办公室", "平潭县", "平潭综合实验区地方税务局"]
