"""Ground truth of the arithmetic rules on real reports, with the tables transcribed BY HAND.

Every number below was read off the source file by a person (the file and the printed column order
are named in each block), not taken from the extractor's output, so these tests pin the rules
independently of extraction. tests/test_validation_e2e.py pins the same truths end to end.
"""

from __future__ import annotations

import polars as pl

from pipeline import frames
from pipeline.validation.rules import validate_facts

#: table 三 columns in the printed order: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
#: table 四 columns in the printed order, per proceeding
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def requests_frame(report_id: str, rows: dict[str, list[int | None]]) -> pl.DataFrame:
    """{row_code: the row's cells as printed, left to right} → fact_requests (None = blank cell)."""
    return frames.frame(
        "fact_requests",
        [
            {"report_id": report_id, "row_code": code, "applicant": col, "value": v,
             "raw_text": "" if v is None else str(v)}
            for code, cells in rows.items()
            for col, v in zip(COLUMNS, cells, strict=True)
        ],
    )


def review_frame(report_id: str, rows: dict[str, list[int | None]]) -> pl.DataFrame:
    """{proceeding: [维持, 纠正, 其他, 尚未审结, 总计]} → fact_review_results."""
    return frames.frame(
        "fact_review_results",
        [
            {"report_id": report_id, "proceeding": p, "outcome": o, "value": v,
             "raw_text": "" if v is None else str(v)}
            for p, cells in rows.items()
            for o, v in zip(REVIEW_COLUMNS, cells, strict=True)
        ],
    )


def proactive_frame(report_id: str, rows: list[tuple[str, str, str, float, str]]) -> pl.DataFrame:
    """[(article, item, measure, value, unit)] → fact_proactive_disclosure."""
    return frames.frame(
        "fact_proactive_disclosure",
        [{"report_id": report_id, "article": a, "item": i, "measure": m, "value": v, "unit": u, "raw_text": str(v)}
         for a, i, m, v, u in rows],
    )


def facts_of(*reports: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Concatenate the per-report frames into one frame per table (as the pipeline hands them over)."""
    return {t: frames.concat(t, [r[t] for r in reports if t in r]) for t in frames.FACT_TABLES}


def reports_frame(rows: list[tuple[str, str, int, str]]) -> pl.DataFrame:
    """[(report_id, issuer, report_year, template)] → reports."""
    return frames.frame(
        "reports",
        [{"report_id": r, "issuer": i, "report_year": y, "template": t, "status": "ok"} for r, i, y, t in rows],
    )


# --- seed 000: 株洲市 2019 (tests/fixtures/seeds/000_683ce4d00f0cce4b.txt), template gov2019 -----
ZHUZHOU = "000_zhuzhou_2019"
ZHUZHOU_FACTS = {
    "fact_requests": requests_frame(ZHUZHOU, {
        "new_received": [439, 17, 0, 35, 7, 3, 501],
        "carried_over": [42, 1, 0, 25, 0, 0, 68],
        "disclosed": [247, 7, 0, 43, 7, 1, 305],
        "partially_disclosed": [31, 2, 0, 6, 0, 0, 19],
        "withheld_state_secret": [1, 1, 0, 0, 0, 0, 2],
        "withheld_prohibited_by_law": [1, 0, 0, 0, 0, 0, 1],
        "withheld_security_stability": [1, 0, 0, 0, 0, 0, 1],
        "withheld_third_party_rights": [0, 0, 0, 1, 0, 0, 1],
        "withheld_internal_affairs": [0, 0, 0, 1, 0, 0, 1],
        "withheld_process_information": [3, 0, 0, 0, 0, 0, 3],
        "withheld_enforcement_file": [0, 0, 0, 0, 0, 0, 0],
        "withheld_query_matter": [6, 0, 0, 0, 0, 0, 6],
        "unavailable_not_held": [109, 6, 0, 5, 0, 2, 110],
        "unavailable_needs_compilation": [21, 1, 0, 4, 0, 0, 16],
        "unavailable_unclear_request": [11, 1, 0, 0, 0, 0, 12],
        "not_processed_complaint": [11, 0, 0, 0, 0, 0, 1],
        "not_processed_duplicate": [8, 0, 0, 0, 0, 0, 8],
        "not_processed_publication": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_excessive": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_confirmation": [1, 0, 0, 0, 0, 0, 1],
        "other": [5, 0, 0, 0, 0, 0, 5],
        "total_processed": [458, 18, 0, 60, 7, 3, 546],
        "carried_forward": [23, 0, 0, 0, 0, 0, 23],
    }),
    "fact_review_results": review_frame(ZHUZHOU, {
        "administrative_review": [0, 3, 20, 0, 23],  # 维持 纠正 驳回申请 尚未审结 总计
        "litigation_direct": [35, 3, 4, 0, 42],
        "litigation_after_review": [0, 0, 0, 0, 0],
    }),
    "fact_proactive_disclosure": proactive_frame(ZHUZHOU, [
        ("20.1", "regulation", "new_made", 1, "count"),
        ("20.1", "regulation", "new_published", 1, "count"),
        ("20.1", "regulation", "total_published", 1, "count"),
        ("20.1", "normative_document", "new_made", 134, "count"),
        ("20.1", "normative_document", "new_published", 134, "count"),
        ("20.1", "normative_document", "total_published", 149, "count"),
        ("20.5", "administrative_license", "prev_year_items", 360, "count"),
        ("20.5", "administrative_license", "change", 0, "count"),
        ("20.5", "administrative_license", "decisions", 312998, "count"),
        ("20.5", "other_management_service", "prev_year_items", 585, "count"),
        ("20.5", "other_management_service", "change", 0, "count"),
        ("20.5", "other_management_service", "decisions", 1245386, "count"),
        ("20.6", "administrative_penalty", "prev_year_items", 8337, "count"),
        ("20.6", "administrative_penalty", "change", 1107, "count"),
        ("20.6", "administrative_penalty", "decisions", 9315, "count"),
        ("20.6", "administrative_coercion", "prev_year_items", 800, "count"),
        ("20.6", "administrative_coercion", "change", -95, "count"),  # printed -95: signed, allowed
        ("20.6", "administrative_coercion", "decisions", 692, "count"),
        ("20.8", "administrative_fee", "prev_year_items", 1163, "count"),
        ("20.8", "administrative_fee", "change", 531, "count"),
        ("20.9", "centralized_procurement", "procurement_items", 119652, "count"),
        ("20.9", "centralized_procurement", "procurement_amount", 1_907_000_000, "yuan"),  # 19.07亿元
    ]),
}

# --- seed 003: 淮南市人民政府办公室 2019 (seeds/003_7525cffb9e742ff2.txt), gov2019 --------------------
HUAINAN = "003_huainan_office_2019"
_zeros = [0, 0, 0, 0, 0, 0, 0]
HUAINAN_FACTS = {
    "fact_requests": requests_frame(HUAINAN, {
        "new_received": [86, 0, 0, 1, 0, 0, 87],
        "carried_over": _zeros,
        "disclosed": [13, 0, 0, 0, 0, 0, 13],
        "partially_disclosed": [4, 0, 0, 0, 0, 0, 4],
        "withheld_state_secret": _zeros,
        "withheld_prohibited_by_law": _zeros,
        "withheld_security_stability": _zeros,
        "withheld_third_party_rights": _zeros,
        "withheld_internal_affairs": _zeros,
        "withheld_process_information": _zeros,
        "withheld_enforcement_file": _zeros,
        "withheld_query_matter": [1, 0, 0, 0, 0, 0, 1],
        "unavailable_not_held": [58, 0, 0, 1, 0, 0, 59],
        "unavailable_needs_compilation": [2, 0, 0, 0, 0, 0, 2],
        "unavailable_unclear_request": _zeros,
        "not_processed_complaint": _zeros,
        "not_processed_duplicate": [2, 0, 0, 0, 0, 0, 2],
        "not_processed_publication": _zeros,
        "not_processed_excessive": _zeros,
        "not_processed_confirmation": _zeros,
        "other": [2, 0, 0, 0, 0, 0, 2],
        "total_processed": [82, 0, 0, 1, 0, 0, 83],
        "carried_forward": [4, 0, 0, 0, 0, 0, 4],
    }),
    "fact_review_results": review_frame(HUAINAN, {
        "administrative_review": [0, 0, 0, 0, 0],
        "litigation_direct": [0, 0, 0, 0, 0],
        "litigation_after_review": [0, 0, 0, 0, 0],
    }),
    "fact_proactive_disclosure": proactive_frame(HUAINAN, [
        ("20.1", "regulation", "new_made", 0, "count"),
        ("20.1", "regulation", "new_published", 0, "count"),
        ("20.1", "regulation", "total_published", 0, "count"),
        ("20.1", "normative_document", "new_made", 113, "count"),
        ("20.1", "normative_document", "new_published", 88, "count"),
        ("20.1", "normative_document", "total_published", 1156, "count"),
        ("20.9", "centralized_procurement", "procurement_items", 11, "count"),
        ("20.9", "centralized_procurement", "procurement_amount", 4003622, "yuan"),
    ]),
}

# --- seed 004: 平顶山市人民政府 2019 (seeds/004_2b7bc92f2bdde0c7.txt), gov2019 ---------------------
PINGDINGSHAN = "004_pingdingshan_2019"
PINGDINGSHAN_FACTS = {
    "fact_requests": requests_frame(PINGDINGSHAN, {
        "new_received": [460, 61, 0, 0, 5, 176, 702],
        "carried_over": [11, 0, 0, 0, 0, 0, 11],
        "disclosed": [230, 60, 0, 0, 5, 69, 364],
        "partially_disclosed": [2, 0, 0, 0, 0, 0, 2],
        "withheld_state_secret": _zeros,
        "withheld_prohibited_by_law": [1, 0, 0, 0, 0, 0, 1],
        "withheld_security_stability": _zeros,
        "withheld_third_party_rights": _zeros,
        "withheld_internal_affairs": _zeros,
        "withheld_process_information": _zeros,
        "withheld_enforcement_file": [44, 0, 0, 0, 0, 67, 111],
        "withheld_query_matter": [3, 0, 0, 0, 0, 0, 3],
        "unavailable_not_held": [37, 0, 0, 0, 0, 0, 37],
        "unavailable_needs_compilation": [3, 0, 0, 0, 0, 0, 3],
        "unavailable_unclear_request": [4, 0, 0, 0, 0, 0, 4],
        "not_processed_complaint": [3, 0, 0, 0, 0, 0, 3],
        "not_processed_duplicate": [3, 0, 0, 0, 0, 0, 3],
        "not_processed_publication": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_excessive": [9, 1, 0, 0, 0, 0, 10],
        "not_processed_confirmation": _zeros,
        "other": [130, 0, 0, 0, 0, 40, 170],
        "total_processed": [470, 61, 0, 0, 5, 176, 712],
        "carried_forward": [1, 0, 0, 0, 0, 0, 1],
    }),
    "fact_review_results": review_frame(PINGDINGSHAN, {
        "administrative_review": [16, 9, 28, 5, 58],
        "litigation_direct": [15, 0, 29, 19, 63],
        "litigation_after_review": [8, 0, 3, 3, 14],
    }),
    "fact_proactive_disclosure": proactive_frame(PINGDINGSHAN, [
        ("20.1", "regulation", "new_made", 2, "count"),
        ("20.1", "regulation", "new_published", 2, "count"),
        ("20.1", "regulation", "total_published", 2, "count"),
        ("20.1", "normative_document", "new_made", 86, "count"),
        ("20.1", "normative_document", "new_published", 90, "count"),
        ("20.1", "normative_document", "total_published", 169, "count"),
        ("20.5", "administrative_license", "prev_year_items", 11441, "count"),
        ("20.5", "administrative_license", "change", 2052, "count"),
        ("20.5", "administrative_license", "decisions", 486938, "count"),
        ("20.6", "administrative_coercion", "prev_year_items", 2000, "count"),
        ("20.6", "administrative_coercion", "change", 285, "count"),
        ("20.6", "administrative_coercion", "decisions", 3194, "count"),
        ("20.8", "administrative_fee", "prev_year_items", 217, "count"),
        ("20.8", "administrative_fee", "change", 4, "count"),
        ("20.9", "centralized_procurement", "procurement_items", 3150, "count"),
        ("20.9", "centralized_procurement", "procurement_amount", 3_176_674_971, "yuan"),  # 317667.4971万元
    ]),
}

# --- corpus text/002: 淮安市洪泽区人民政府 2023 (hybrid: 2021 table 二, one （六） row) ----------------
HONGZE_2023 = "002_hongze_2023"
HONGZE_2023_FACTS = {
    "fact_requests": requests_frame(HONGZE_2023, {
        "new_received": [21, 0, 0, 0, 0, 0, 21],
        "carried_over": _zeros,
        "disclosed": _zeros,
        "partially_disclosed": [4, 0, 0, 0, 0, 0, 4],
        "withheld_state_secret": [1, 0, 0, 0, 0, 0, 1],
        "withheld_prohibited_by_law": _zeros,  # printed with the typo 2.其他法律行政止公开
        "withheld_security_stability": _zeros,
        "withheld_third_party_rights": _zeros,
        "withheld_internal_affairs": _zeros,
        "withheld_process_information": [1, 0, 0, 0, 0, 0, 1],
        "withheld_enforcement_file": [1, 0, 0, 0, 0, 0, 1],
        "withheld_query_matter": _zeros,
        "unavailable_not_held": [10, 0, 0, 0, 0, 0, 10],
        "unavailable_needs_compilation": [3, 0, 0, 0, 0, 0, 3],
        "unavailable_unclear_request": _zeros,
        "not_processed_complaint": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_duplicate": _zeros,
        "not_processed_publication": _zeros,
        "not_processed_excessive": _zeros,
        "not_processed_confirmation": _zeros,
        "other": _zeros,
        "total_processed": [21, 0, 0, 0, 0, 0, 21],
        "carried_forward": _zeros,
    }),
    "fact_review_results": review_frame(HONGZE_2023, {
        "administrative_review": [10, 1, 0, 0, 0],  # the source prints 总计 0
        "litigation_direct": [0, 0, 0, 0, 0],
        "litigation_after_review": [5, 0, 0, 0, 0],  # the source prints 总计 0
    }),
    "fact_proactive_disclosure": proactive_frame(HONGZE_2023, [
        ("20.1", "regulation", "issued", 0, "count"),
        ("20.1", "regulation", "repealed", 0, "count"),
        ("20.1", "regulation", "in_force", 0, "count"),
        ("20.1", "normative_document", "issued", 0, "count"),
        ("20.1", "normative_document", "repealed", 5, "count"),
        ("20.1", "normative_document", "in_force", 5, "count"),
        ("20.5", "administrative_license", "decisions", 550, "count"),
        ("20.6", "administrative_penalty", "decisions", 4119, "count"),
        ("20.6", "administrative_coercion", "decisions", 195, "count"),
        ("20.8", "administrative_fee", "fee_amount", 77_302_800, "yuan"),  # 7730.28 万元
    ]),
}

# --- corpus text/003: 淮安市洪泽区人民政府 2024 --------------------------------------------------------
HONGZE_2024 = "003_hongze_2024"
HONGZE_2024_FACTS = {
    "fact_requests": requests_frame(HONGZE_2024, {
        "new_received": [95, 0, 0, 0, 0, 0, 95],
        "carried_over": _zeros,
        "disclosed": [50, 0, 0, 0, 0, 0, 50],
        "partially_disclosed": [9, 0, 0, 0, 0, 0, 9],
        "withheld_state_secret": _zeros,
        "withheld_prohibited_by_law": _zeros,
        "withheld_security_stability": [1, 0, 0, 0, 0, 0, 1],
        "withheld_third_party_rights": _zeros,
        "withheld_internal_affairs": _zeros,
        "withheld_process_information": [1, 0, 0, 0, 0, 0, 1],
        "withheld_enforcement_file": [1, 0, 0, 0, 0, 0, 1],
        "withheld_query_matter": _zeros,
        "unavailable_not_held": [31, 0, 0, 0, 0, 0, 31],
        "unavailable_needs_compilation": [1, 0, 0, 0, 0, 0, 1],
        "unavailable_unclear_request": _zeros,
        "not_processed_complaint": [1, 0, 0, 0, 0, 0, 1],
        "not_processed_duplicate": _zeros,
        "not_processed_publication": _zeros,
        "not_processed_excessive": _zeros,
        "not_processed_confirmation": _zeros,
        "other": _zeros,
        "total_processed": [95, 0, 0, 0, 0, 0, 95],
        "carried_forward": _zeros,
    }),
    "fact_review_results": review_frame(HONGZE_2024, {
        "administrative_review": [1, 1, 0, 0, 2],
        "litigation_direct": [1, 0, 0, 0, 1],
        "litigation_after_review": [2, 0, 1, 0, 3],
    }),
    "fact_proactive_disclosure": proactive_frame(HONGZE_2024, [
        ("20.1", "regulation", "issued", 0, "count"),
        ("20.1", "regulation", "repealed", 0, "count"),
        ("20.1", "regulation", "in_force", 0, "count"),
        ("20.1", "normative_document", "issued", 3, "count"),
        ("20.1", "normative_document", "repealed", 0, "count"),
        ("20.1", "normative_document", "in_force", 8, "count"),
        ("20.5", "administrative_license", "decisions", 9487, "count"),
        ("20.6", "administrative_penalty", "decisions", 2776, "count"),
        ("20.6", "administrative_coercion", "decisions", 84, "count"),
        ("20.8", "administrative_fee", "fee_amount", 75_450_000, "yuan"),  # 7545 万元
    ]),
}

SEED_REPORTS = reports_frame([
    (ZHUZHOU, "株洲市", 2019, "gov2019"),
    (HUAINAN, "淮南市人民政府办公室", 2019, "gov2019"),
    (PINGDINGSHAN, "平顶山市人民政府", 2019, "gov2019"),
    (HONGZE_2023, "洪泽区人民政府", 2023, "gov2021"),
    (HONGZE_2024, "淮安市洪泽区人民政府", 2024, "gov2021"),
])


def issues_of(issues: pl.DataFrame, report_id: str) -> list[tuple]:
    """(rule_id, location, expected, actual) of one report's issues, sorted."""
    return sorted(
        issues.filter(pl.col("report_id") == report_id)
        .select("rule_id", "location", "expected", "actual")
        .iter_rows()
    )


def test_zhuzhou_breaks_row_sum_in_four_rows_and_outcome_sum_in_the_total_column():
    issues = validate_facts(facts_of(ZHUZHOU_FACTS), SEED_REPORTS, {})
    assert issues_of(issues, ZHUZHOU) == [
        ("requests.outcome_sum", "applicant=total", 494.0, 546.0),
        ("requests.row_sum", "row=not_processed_complaint", 11.0, 1.0),
        ("requests.row_sum", "row=partially_disclosed", 39.0, 19.0),
        ("requests.row_sum", "row=unavailable_needs_compilation", 26.0, 16.0),
        ("requests.row_sum", "row=unavailable_not_held", 122.0, 110.0),
    ]
    assert set(issues["severity"]) == {"error"}
    assert set(issues["table_name"]) == {"fact_requests"}
    message = issues.filter(pl.col("location") == "row=partially_disclosed")["message"][0]
    assert "39" in message and "19" in message


def test_clean_seeds_003_and_004_break_nothing():
    issues = validate_facts(facts_of(HUAINAN_FACTS, PINGDINGSHAN_FACTS), SEED_REPORTS, {})
    assert issues.height == 0, issues


def test_hongze_2023_breaks_review_sum_for_review_and_litigation_after_review():
    issues = validate_facts(facts_of(HONGZE_2023_FACTS), SEED_REPORTS, {})
    assert issues_of(issues, HONGZE_2023) == [
        ("review.sum", "proceeding=administrative_review", 11.0, 0.0),
        ("review.sum", "proceeding=litigation_after_review", 5.0, 0.0),
    ]
    assert set(issues["table_name"]) == {"fact_review_results"}


def test_all_reports_in_one_call_give_the_same_issues_as_one_by_one():
    together = validate_facts(
        facts_of(ZHUZHOU_FACTS, HUAINAN_FACTS, PINGDINGSHAN_FACTS, HONGZE_2023_FACTS, HONGZE_2024_FACTS),
        SEED_REPORTS, {},
    )
    one_by_one = pl.concat([
        validate_facts(facts_of(f), SEED_REPORTS, {})
        for f in (ZHUZHOU_FACTS, HUAINAN_FACTS, PINGDINGSHAN_FACTS, HONGZE_2023_FACTS, HONGZE_2024_FACTS)
    ])
    key = ["report_id", "rule_id", "location"]
    assert together.sort(key).equals(one_by_one.sort(key))
    assert together.height == 7  # 5 for 株洲 + 2 for 洪泽 2023; the hongze pair adds no cross-year warning


def test_issues_frame_has_the_warehouse_schema():
    issues = validate_facts(facts_of(ZHUZHOU_FACTS), SEED_REPORTS, {})
    assert issues.schema == pl.Schema(frames.TABLE_SCHEMAS["validation_issues"])
