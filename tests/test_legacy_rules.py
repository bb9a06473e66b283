"""legacy.* sum rules on real reports and on broken variants of them."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.frames import TABLE_SCHEMAS, concat, frame
from pipeline.reading.files import read_report
from pipeline.tables.legacy import extract_legacy_indicators
from schemas.legacy import LEGACY_SUM_RULES, check_legacy_indicators, rule_evaluations

FIXTURES = Path(__file__).parent / "fixtures"
PINGTAN = FIXTURES / "corpus" / "pingtan"


def _facts(path: Path, report_id: str) -> pl.DataFrame:
    facts, _ = extract_legacy_indicators(read_report(path).text, report_id)
    return facts["fact_legacy_indicators"]


@pytest.fixture(scope="module")
def seed_002() -> pl.DataFrame:
    return _facts(FIXTURES / "seeds" / "002_a1ae499f7f2fe0ec.txt", "002")


def _set(df: pl.DataFrame, code: str, value: float | None) -> pl.DataFrame:
    return df.with_columns(
        pl.when(pl.col("indicator_code") == code).then(pl.lit(value, pl.Float64)).otherwise("value").alias("value")
    )


def test_seed_002_passes_every_legacy_sum(seed_002):
    evaluated = rule_evaluations(seed_002)
    assert sorted(evaluated.get_column("rule_id")) == sorted(rule for rule, _, _ in LEGACY_SUM_RULES)
    issues = check_legacy_indicators(seed_002)
    assert issues.height == 0
    assert issues.schema == pl.Schema(TABLE_SCHEMAS["validation_issues"])


# one part of each rule, changed by +1 from the printed value (read off seed 002's 附表)
BROKEN = [
    ("legacy.proactive_channels", "proactive.channels.gazette", 1268, 376091),
    ("legacy.response_channels", "response.press_conferences", 115, 23072),
    ("legacy.requests_received", "requests.received.in_person", 199, 687),
    ("legacy.requests_closed", "requests.closed.on_time", 633, 655),
    ("legacy.requests_answered", "requests.answered.already_public", 86, 687),
    ("legacy.requests_denied", "requests.answered.denied.state_secret", 2, 41),
    ("legacy.review_sum", "review.upheld", 60, 97),
    ("legacy.litigation_sum", "litigation.upheld", 149, 197),
    ("legacy.staff_sum", "staffing.staff_full_time", 69, 419),
]


@pytest.mark.parametrize(("rule_id", "part", "printed", "total"), BROKEN)
def test_each_rule_flags_a_broken_part(seed_002, rule_id, part, printed, total):
    issues = check_legacy_indicators(_set(seed_002, part, printed + 1))
    assert issues.height == 1
    issue = issues.row(0, named=True)
    assert (issue["report_id"], issue["rule_id"], issue["severity"]) == ("002", rule_id, "error")
    assert (issue["expected"], issue["actual"]) == (total, total + 1)
    assert issue["table_name"] == "fact_legacy_indicators"
    assert "column=year" in issue["location"]


def test_prose_figure_41_would_break_the_answers(seed_002):
    """The prose says 同意部分公开41件; the table prints 43, with which the eight kinds add up to 687."""
    issues = check_legacy_indicators(_set(seed_002, "requests.answered.partially_granted", 41))
    assert issues.select("rule_id", "expected", "actual").rows() == [("legacy.requests_answered", 687.0, 685.0)]


def test_principal_counts_are_not_channels(seed_002):
    changed = _set(seed_002, "response.press_conferences_principal", 999)
    assert check_legacy_indicators(changed).height == 0


def test_blank_part_is_not_decided(seed_002):
    assert check_legacy_indicators(_set(seed_002, "requests.closed.extended", None)).height == 0
    assert "legacy.requests_closed" not in rule_evaluations(_set(seed_002, "requests.closed.extended", None))[
        "rule_id"
    ].to_list()


def test_pingtan_legacy_tables_raise_no_false_alarm():
    """county_2012: 受理 21 = 当面 18 + 电子邮件 3 — e-mail is a channel the national rule does not know, so the
    4-channel rule (18 + 0 + 0 + 0) must not be applied to it."""
    pages = ["county_2011", "county_2012", "county_2013", *(f"zone_{y}" for y in range(2011, 2019))]
    df = concat("fact_legacy_indicators", [_facts(PINGTAN / f"{p}.html", p) for p in pages])
    assert check_legacy_indicators(df).height == 0
    assert rule_evaluations(df).filter(pl.col("report_id") == "county_2012").height == 0


def test_cumulative_column_is_checked_on_its_own():
    rows = [
        ("review.total", 5), ("review.upheld", 3), ("review.corrected", 1), ("review.other", 1),
        ("review.total.cumulative", 9), ("review.upheld.cumulative", 3),
        ("review.corrected.cumulative", 1), ("review.other.cumulative", 1),
    ]
    df = frame("fact_legacy_indicators", [
        {"report_id": "x", "indicator_code": c, "label": c, "unit": "件", "value": v, "raw_text": str(v)}
        for c, v in rows
    ])
    issues = check_legacy_indicators(df)
    assert issues.select("rule_id", "location", "expected", "actual").rows() == [
        ("legacy.review_sum", "indicator=review.total; column=cumulative", 9.0, 5.0)
    ]


def test_all_reports_at_once(seed_002):
    other = _set(seed_002.with_columns(pl.lit("other").alias("report_id")), "staffing.staff_part_time", 1)
    issues = check_legacy_indicators(pl.concat([seed_002, other]))
    assert issues.select("report_id", "rule_id").rows() == [("other", "legacy.staff_sum")]


def test_empty_input():
    assert check_legacy_indicators(frame("fact_legacy_indicators", [])).height == 0
