"""One case per rule, the NULL policy included, each starting from a real clean table.

The base is seed 003 (淮南市人民政府办公室 2019), transcribed by hand in test_validation_seeds.py and
known to break nothing; each test changes one or two cells and names exactly which issues follow.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipeline import frames
from pipeline.validation.families import RULE_FAMILIES
from pipeline.validation.rules import validate_facts
from tests.test_validation_seeds import (
    COLUMNS,
    HUAINAN,
    HUAINAN_FACTS,
    SEED_REPORTS,
    facts_of,
    issues_of,
)


def with_cell(df: pl.DataFrame, value: int | None, **key: str) -> pl.DataFrame:
    """`df` with the value of the cell matching `key` replaced (None = blank cell)."""
    match = pl.all_horizontal([pl.col(k) == v for k, v in key.items()])
    assert df.filter(match).height == 1, key
    return df.with_columns(
        value=pl.when(match).then(pl.lit(value, dtype=df.schema["value"])).otherwise(pl.col("value"))
    )


def huainan_with(requests: pl.DataFrame | None = None, review: pl.DataFrame | None = None,
                 proactive: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    return facts_of({
        "fact_requests": HUAINAN_FACTS["fact_requests"] if requests is None else requests,
        "fact_review_results": HUAINAN_FACTS["fact_review_results"] if review is None else review,
        "fact_proactive_disclosure": (
            HUAINAN_FACTS["fact_proactive_disclosure"] if proactive is None else proactive),
    })


def run(facts: dict[str, pl.DataFrame]) -> list[tuple]:
    return issues_of(validate_facts(facts, SEED_REPORTS, {}), HUAINAN)


REQ = HUAINAN_FACTS["fact_requests"]
REV = HUAINAN_FACTS["fact_review_results"]


# --- requests.row_sum ---------------------------------------------------------------------------

def test_row_sum_fails_when_a_part_changes():
    df = with_cell(REQ, 14, row_code="disclosed", applicant="natural_person")  # printed 13
    assert run(huainan_with(df)) == [
        ("requests.outcome_sum", "applicant=natural_person", 83.0, 82.0),
        ("requests.row_sum", "row=disclosed", 14.0, 13.0),
    ]


def test_row_sum_with_a_blank_part_is_skipped_not_read_as_zero():
    df = with_cell(REQ, None, row_code="disclosed", applicant="natural_person")
    assert run(huainan_with(df)) == []


def test_row_sum_with_a_blank_part_fails_when_the_known_parts_already_exceed_the_total():
    df = with_cell(REQ, None, row_code="unavailable_not_held", applicant="commercial_enterprise")
    df = with_cell(df, 70, row_code="unavailable_not_held", applicant="natural_person")  # 70 + 1 > 59
    issues = validate_facts(huainan_with(df), SEED_REPORTS, {}).filter(pl.col("rule_id") == "requests.row_sum")
    assert issues.select("location", "expected", "actual").rows() == [("row=unavailable_not_held", 71.0, 59.0)]
    assert "blank" in issues["message"][0]


def test_row_sum_with_a_blank_total_is_skipped():
    df = with_cell(REQ, None, row_code="disclosed", applicant="total")
    assert run(huainan_with(df)) == []


def test_row_sum_with_a_missing_column_counts_it_as_blank():
    df = REQ.filter(~((pl.col("row_code") == "disclosed") & (pl.col("applicant") == "other_org")))
    assert run(huainan_with(df)) == []


# --- requests.balance ---------------------------------------------------------------------------

def test_balance_fails_per_applicant_column():
    df = with_cell(REQ, 90, row_code="new_received", applicant="natural_person")  # printed 86
    df = with_cell(df, 91, row_code="new_received", applicant="total")  # printed 87; the row still adds up
    assert run(huainan_with(df)) == [
        ("requests.balance", "applicant=natural_person", 90.0, 86.0),
        ("requests.balance", "applicant=total", 91.0, 87.0),
    ]


def test_balance_with_a_blank_operand_is_skipped():
    df = with_cell(REQ, None, row_code="carried_over", applicant="total")
    assert run(huainan_with(df)) == []


def test_balance_with_a_blank_operand_fails_only_when_certainly_broken():
    blank = with_cell(REQ, None, row_code="carried_over", applicant="total")  # left side: 87 + blank

    def balance_issues(total_processed: int) -> list[tuple]:
        df = with_cell(blank, total_processed, row_code="total_processed", applicant="total")
        issues = validate_facts(huainan_with(df), SEED_REPORTS, {})
        return issues.filter(pl.col("rule_id") == "requests.balance").select("location", "expected", "actual").rows()

    assert balance_issues(90) == []  # right side 90 + 4 = 94: the blank could be 7
    assert balance_issues(80) == [("applicant=total", 87.0, 84.0)]  # 84 < 87 whatever the blank is


# --- requests.outcome_sum -----------------------------------------------------------------------

def test_outcome_sum_fails_on_the_total_row():
    df = with_cell(REQ, 84, row_code="total_processed", applicant="total")  # the outcome rows sum to 83
    assert run(huainan_with(df)) == [
        ("requests.balance", "applicant=total", 87.0, 88.0),
        ("requests.outcome_sum", "applicant=total", 83.0, 84.0),
        ("requests.row_sum", "row=total_processed", 83.0, 84.0),
    ]


def _with_three_other_rows(df: pl.DataFrame, cells: dict[str, list[int]]) -> pl.DataFrame:
    """Replace the single （六）其他处理 row with the 2021 template's three sub-rows."""
    sub = frames.frame("fact_requests", [
        {"report_id": HUAINAN, "row_code": code, "applicant": col, "value": v, "raw_text": str(v)}
        for code, values in cells.items() for col, v in zip(COLUMNS, values, strict=True)
    ])
    return pl.concat([df.filter(pl.col("row_code") != "other"), sub])


def test_outcome_sum_uses_the_three_2021_sub_rows():
    df = _with_three_other_rows(REQ, {
        "other_overdue_correction": [1, 0, 0, 0, 0, 0, 1],
        "other_overdue_fee": [0, 0, 0, 0, 0, 0, 0],
        "other_misc": [1, 0, 0, 0, 0, 0, 1],
    })
    assert run(huainan_with(df)) == []
    df = with_cell(with_cell(df, 2, row_code="other_misc", applicant="natural_person"),
                   2, row_code="other_misc", applicant="total")
    assert run(huainan_with(df)) == [
        ("requests.outcome_sum", "applicant=natural_person", 83.0, 82.0),
        ("requests.outcome_sum", "applicant=total", 84.0, 83.0),
    ]


def test_outcome_sum_with_a_blank_sub_row_is_skipped():
    df = _with_three_other_rows(REQ, {
        "other_overdue_correction": [1, 0, 0, 0, 0, 0, 1],
        "other_overdue_fee": [None, 0, 0, 0, 0, 0, None],
        "other_misc": [1, 0, 0, 0, 0, 0, 1],
    })
    assert run(huainan_with(df)) == []


# --- requests.org_subtotal ----------------------------------------------------------------------

def _with_org_subtotal(df: pl.DataFrame) -> pl.DataFrame:
    orgs = ["commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org"]
    sub = (
        df.filter(pl.col("applicant").is_in(orgs))
        .group_by("report_id", "row_code", maintain_order=True)
        .agg(pl.col("value").sum())
        .with_columns(applicant=pl.lit("org_subtotal"), raw_text=pl.col("value").cast(pl.String))
    )
    return pl.concat([df, frames.conform(sub, "fact_requests")])


def test_org_subtotal_checked_where_printed():
    df = _with_org_subtotal(REQ)
    assert run(huainan_with(df)) == []
    df = with_cell(df, 0, row_code="unavailable_not_held", applicant="org_subtotal")  # orgs sum to 1
    assert run(huainan_with(df)) == [
        ("requests.org_subtotal", "row=unavailable_not_held", 1.0, 0.0),
        ("requests.outcome_sum", "applicant=org_subtotal", 0.0, 1.0),  # the subtotal column no longer adds up
    ]


# --- review.sum ---------------------------------------------------------------------------------

def test_review_sum_per_proceeding():
    df = with_cell(REV, 2, proceeding="litigation_direct", outcome="upheld")
    assert run(huainan_with(review=df)) == [("review.sum", "proceeding=litigation_direct", 2.0, 0.0)]


def test_review_sum_with_a_blank_outcome():
    df = with_cell(REV, 2, proceeding="administrative_review", outcome="total")
    df = with_cell(df, None, proceeding="administrative_review", outcome="pending")
    df = with_cell(df, 1, proceeding="administrative_review", outcome="upheld")
    assert run(huainan_with(review=df)) == []  # 1 + blank may be 2
    df = with_cell(df, 2, proceeding="administrative_review", outcome="corrected")
    assert run(huainan_with(review=df)) == [("review.sum", "proceeding=administrative_review", 3.0, 2.0)]


# --- schema rules -------------------------------------------------------------------------------

def test_unknown_codes_negative_counts_and_duplicate_keys():
    df = with_cell(REQ, -1, row_code="not_processed_publication", applicant="research_institution")
    df = df.with_columns(
        row_code=pl.when(pl.col("row_code") == "not_processed_excessive").then(pl.lit("excessive"))
        .otherwise(pl.col("row_code"))
    )
    dup = REQ.filter((pl.col("row_code") == "disclosed") & (pl.col("applicant") == "total"))
    issues = validate_facts(huainan_with(pl.concat([df, dup])), SEED_REPORTS, {})
    by_rule = dict(issues.group_by("rule_id").len().iter_rows())
    assert by_rule["requests.non_negative"] == 1
    assert by_rule["requests.codes"] == 7  # the seven cells of the unknown row
    assert by_rule["requests.unique_key"] == 2  # both copies of the duplicated cell
    negative = issues.filter(pl.col("rule_id") == "requests.non_negative")
    assert negative["location"][0] == "row=not_processed_publication;applicant=research_institution"
    assert negative["actual"][0] == -1.0


def test_proactive_signed_change_allowed_other_negatives_units_and_articles_flagged():
    base = HUAINAN_FACTS["fact_proactive_disclosure"]
    extra = frames.frame("fact_proactive_disclosure", [
        {"report_id": HUAINAN, "article": "20.6", "item": "administrative_coercion", "measure": "change",
         "value": -95.0, "unit": "count"},  # 减95: fine
        {"report_id": HUAINAN, "article": "20.6", "item": "administrative_penalty", "measure": "decisions",
         "value": -3.0, "unit": "count"},
        {"report_id": HUAINAN, "article": "20.8", "item": "administrative_fee", "measure": "fee_amount",
         "value": 100.0, "unit": "count"},
        {"report_id": HUAINAN, "article": "20.5", "item": "administrative_penalty", "measure": "prev_year_items",
         "value": 1.0, "unit": "count"},
    ])
    issues = validate_facts(huainan_with(proactive=pl.concat([base, extra])), SEED_REPORTS, {})
    assert sorted(issues.select("rule_id", "location").rows()) == [
        ("proactive.article_item", "article=20.5;item=administrative_penalty;measure=prev_year_items"),
        ("proactive.non_negative", "article=20.6;item=administrative_penalty;measure=decisions"),
        ("proactive.unit", "article=20.8;item=administrative_fee;measure=fee_amount"),
    ]


# --- the whole contract -------------------------------------------------------------------------

def test_every_rule_id_is_family_dot_rule_and_listed():
    df = with_cell(REQ, 14, row_code="disclosed", applicant="natural_person")
    issues = validate_facts(huainan_with(df), SEED_REPORTS, {})
    listed = {r for rules in RULE_FAMILIES.values() for r in rules}
    for rule_id in issues["rule_id"]:
        family, _, rule = rule_id.partition(".")
        assert family in RULE_FAMILIES and rule and rule_id in listed


def test_data_is_not_changed_by_validation():
    facts = huainan_with(with_cell(REQ, 14, row_code="disclosed", applicant="natural_person"))
    before = {t: df.clone() for t, df in facts.items()}
    validate_facts(facts, SEED_REPORTS, {})
    assert all(facts[t].equals(before[t]) for t in facts)


@pytest.mark.parametrize("table", ["fact_requests", "fact_review_results", "fact_proactive_disclosure"])
def test_empty_frames_give_no_issues(table):
    facts = {t: frames.empty(t) for t in frames.FACT_TABLES}
    assert validate_facts(facts, SEED_REPORTS, {}).height == 0


def test_balance_is_reported_even_when_the_carried_forward_row_is_missing():
    df = REQ.filter(~((pl.col("row_code") == "carried_forward") & (pl.col("applicant") == "total")))
    df = with_cell(df, 90, row_code="total_processed", applicant="total")  # 90 > 87 + 0 whatever is missing
    issues = validate_facts(huainan_with(df), SEED_REPORTS, {}).filter(pl.col("rule_id") == "requests.balance")
    assert issues.select("location", "expected", "actual").rows() == [("applicant=total", 87.0, 90.0)]


def test_issue_counts_fill_the_reports_frame():
    from pipeline.validation.rules import with_issue_counts

    issues = validate_facts(huainan_with(with_cell(REQ, 14, row_code="disclosed", applicant="natural_person")),
                            SEED_REPORTS, {})
    counted = with_issue_counts(SEED_REPORTS, issues)
    assert counted.filter(pl.col("report_id") == HUAINAN).select("n_errors", "n_warnings").row(0) == (2, 0)
    assert counted.filter(pl.col("report_id") != HUAINAN)["n_errors"].to_list() == [0] * 4
    assert counted.schema == pl.Schema(frames.TABLE_SCHEMAS["reports"])
