"""Golden values for the 2019/2021 report tables 二 (proactive disclosure), 三 (requests) and 四 (review).

The expected cells in tests/golden/gov/*.json were read cell by cell off the fixtures by a person, never
copied from program output, so these tests are an independent check of `pipeline.tables.extract_gov_tables`.
Each golden file lists every printed cell of a table (null = blank, '-', '/' or '无'), so a missing cell, a
wrong value, a value where the source is blank, and an extra row are all failures. Exceptions, written in
the file itself: `"fact_requests": null` means table 三 is unreadable and nothing may be guessed (an
`extract.*` issue is expected instead); `partial_tables` lists tables whose cells are only partly readable
(extra rows are then not failures); `inferred` holds a reader's likely reading of garbled cells, checked
only when the extractor emits those cells. Each file's `notes` say what in the source does not add up.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import math
from pathlib import Path

import polars as pl
import pytest

from pipeline.frames import TABLE_SCHEMAS, frame
from pipeline.reading.files import read_report

TESTS_DIR = Path(__file__).parent
GOLDEN_DIR = TESTS_DIR / "golden" / "gov"
FIXTURES_DIR = TESTS_DIR / "fixtures"
REPORT_ID = "t"
ISSUES_TABLE = "validation_issues"
YUAN_RELATIVE_TOLERANCE = 1e-6

# Codes from ../shared/DATA_MODEL.md.
APPLICANTS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
OPTIONAL_APPLICANTS = ("org_subtotal",)
_COMMON_ROWS = (
    "new_received",
    "carried_over",
    "disclosed",
    "partially_disclosed",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_security_stability",
    "withheld_third_party_rights",
    "withheld_internal_affairs",
    "withheld_process_information",
    "withheld_enforcement_file",
    "withheld_query_matter",
    "unavailable_not_held",
    "unavailable_needs_compilation",
    "unavailable_unclear_request",
    "not_processed_complaint",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
)
_TAIL_ROWS = ("total_processed", "carried_forward")
# Table 三 prints （六）其他处理 either as one row (2019 format, and hybrid reports) or as three (2021 format).
REQUEST_ROW_SETS = {
    "single_other_row": frozenset(_COMMON_ROWS + ("other",) + _TAIL_ROWS),
    "three_other_rows": frozenset(
        _COMMON_ROWS + ("other_overdue_correction", "other_overdue_fee", "other_misc") + _TAIL_ROWS
    ),
}
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
# Table 二: which measures each article's items carry, in the 2019 and the 2021 format.
DISCLOSURE_MEASURES = {
    "20.1": (
        {"regulation", "normative_document"},
        {"new_made", "new_published", "total_published", "issued", "repealed", "in_force"},
    ),
    "20.5": (
        {"administrative_license", "other_management_service"},
        {"prev_year_items", "change", "decisions"},
    ),
    "20.6": (
        {"administrative_penalty", "administrative_coercion"},
        {"prev_year_items", "change", "decisions"},
    ),
    "20.8": ({"administrative_fee"}, {"prev_year_items", "change", "fee_amount"}),
    "20.9": ({"centralized_procurement"}, {"procurement_items", "procurement_amount"}),
}
MONEY_MEASURES = {"fee_amount", "procurement_amount"}

# Per table: the columns that name a cell, and how a golden file writes that table.
TABLE_KEYS = {
    "fact_requests": ("row_code", "applicant"),
    "fact_review_results": ("proceeding", "outcome"),
    "fact_proactive_disclosure": ("article", "item", "measure"),
}
SHORT_NAMES = {
    "fact_requests": "t3_requests",
    "fact_review_results": "t4_review",
    "fact_proactive_disclosure": "t2_proactive",
}

GOLDEN: dict[str, dict] = {
    path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLDEN_DIR.glob("*.json"))
}


def expected_cells(table: str, section) -> dict[tuple, dict]:
    """Golden cells of one table as {key: {"value": …, "unit": …}} (unit only for table 二)."""
    if table == "fact_proactive_disclosure":
        return {
            (e["article"], e["item"], e["measure"]): {"value": e["value"], "unit": e["unit"]} for e in section
        }
    return {
        (outer, inner): {"value": value} for outer, row in section.items() for inner, value in row.items()
    }


TABLE_CASES = [
    pytest.param(stem, table, id=f"{stem}-{SHORT_NAMES[table]}")
    for stem in sorted(GOLDEN)
    for table in TABLE_KEYS
]


# ---------------------------------------------------------------- the golden files themselves (no extractor needed)


@pytest.mark.parametrize("stem", sorted(GOLDEN))
def test_golden_file_is_well_formed(stem):
    doc = GOLDEN[stem]
    assert (FIXTURES_DIR / doc["fixture"]).is_file(), doc["fixture"]
    assert Path(doc["fixture"]).stem == stem
    assert doc["notes"], "say what was odd, or that everything adds up"
    assert set(doc.get("partial_tables", [])) <= set(TABLE_KEYS)

    requests = doc["fact_requests"]
    if requests is None:
        assert "fact_requests" not in doc.get("partial_tables", [])
    else:
        assert frozenset(requests) in REQUEST_ROW_SETS.values(), "table 三 rows are not a template's row set"
        for row_code, row in requests.items():
            assert set(APPLICANTS) <= set(row) <= set(APPLICANTS + OPTIONAL_APPLICANTS), row_code
            assert all(v is None or isinstance(v, int) for v in row.values()), row_code

    review = doc["fact_review_results"]
    assert set(review) == set(PROCEEDINGS)
    for proceeding, row in review.items():
        assert set(row) == set(OUTCOMES), proceeding
        assert all(v is None or isinstance(v, int) for v in row.values()), proceeding

    entries = doc["fact_proactive_disclosure"] + doc.get("inferred", {}).get("fact_proactive_disclosure", [])
    keys = [(e["article"], e["item"], e["measure"]) for e in entries]
    assert len(keys) == len(set(keys)), "a table 二 cell is listed twice"
    for entry in entries:
        items, measures = DISCLOSURE_MEASURES[entry["article"]]
        assert entry["item"] in items and entry["measure"] in measures, entry
        assert entry["unit"] == ("yuan" if entry["measure"] in MONEY_MEASURES else "count"), entry
        assert entry["value"] is None or isinstance(entry["value"], int | float), entry


# ---------------------------------------------------------------- extraction


def extract_gov_tables():
    """The extractor under test; skips (not errors) only while its module does not exist yet."""
    if importlib.util.find_spec("pipeline.tables.gov") is None:
        pytest.skip("pipeline.tables.gov is not written yet")
    return importlib.import_module("pipeline.tables.gov").extract_gov_tables


@functools.cache
def _extracted(stem: str) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """(facts by table name, issues frame); the extractor may return issues as dict rows."""
    text = read_report(FIXTURES_DIR / GOLDEN[stem]["fixture"]).text
    facts, issues = extract_gov_tables()(text, report_id=REPORT_ID)
    if not isinstance(issues, pl.DataFrame):
        unknown = {key for issue in issues for key in issue} - set(TABLE_SCHEMAS[ISSUES_TABLE])
        assert not unknown, f"{stem}: issue keys not in validation_issues: {unknown}"
        issues = frame(ISSUES_TABLE, [{"report_id": REPORT_ID, **issue} for issue in issues])
    return facts, issues


def _facts(stem: str, table: str) -> pl.DataFrame:
    facts = _extracted(stem)[0]
    assert table in facts, f"{stem}: the extractor returned no {table} frame (got {sorted(facts)})"
    return facts[table]


def _same_value(expected, got, unit: str | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if unit == "yuan":
        return math.isclose(got, expected, rel_tol=YUAN_RELATIVE_TOLERANCE)
    return got == expected


def _cell_problems(table: str, expected: dict, got: dict, *, must_exist: bool) -> list[str]:
    problems = []
    for key, want in expected.items():
        where = "/".join(key)
        if key not in got:
            if must_exist:
                problems.append(f"{where}: missing (expected {want['value']!r})")
            continue
        row = got[key]
        if not _same_value(want["value"], row["value"], want.get("unit")):
            problems.append(
                f"{where}: expected {want['value']!r}, got {row['value']!r} (raw_text {row['raw_text']!r})"
            )
        if "unit" in want and row["unit"] != want["unit"]:
            problems.append(f"{where}: unit expected {want['unit']!r}, got {row['unit']!r}")
        if want["value"] is not None and not (row["raw_text"] or "").strip():
            problems.append(f"{where}: value {row['value']!r} has no raw_text")
    return problems


@pytest.mark.parametrize(("stem", "table"), TABLE_CASES)
def test_table_matches_golden(stem, table):
    doc = GOLDEN[stem]
    if doc[table] is None:
        _assert_nothing_guessed(stem, table, *_extracted(stem))
        return
    _assert_matches_golden(stem, table, _facts(stem, table))


@pytest.mark.parametrize(("stem", "table"), TABLE_CASES)
def test_table_loads_through_the_main_pipeline(stem, table, corpus_warehouse):
    """The same cells, read back from the warehouse that run_pipeline built over every fixture."""
    con, report_ids = corpus_warehouse
    rid = report_ids[GOLDEN[stem]["fixture"]]
    df = con.sql(f"SELECT * FROM {table} WHERE report_id = '{rid}'").pl().with_columns(report_id=pl.lit(REPORT_ID))
    if GOLDEN[stem][table] is None:
        issues = con.sql(f"SELECT * FROM validation_issues WHERE report_id = '{rid}'").pl()
        _assert_nothing_guessed(stem, table, {table: df}, issues.with_columns(report_id=pl.lit(REPORT_ID)))
        status = con.sql(f"SELECT status FROM reports WHERE report_id = '{rid}'").fetchall()
        assert status == [("partial",)]
        return
    _assert_matches_golden(stem, table, df)


def _assert_matches_golden(stem: str, table: str, df: pl.DataFrame) -> None:
    doc = GOLDEN[stem]
    key_columns = TABLE_KEYS[table]
    assert df.columns == list(TABLE_SCHEMAS[table]), (
        f"{stem}: {table} columns differ from frames.TABLE_SCHEMAS"
    )
    assert set(df["report_id"].to_list()) <= {REPORT_ID}, f"{stem}: {table} rows carry another report_id"

    rows = list(df.iter_rows(named=True))
    got: dict[tuple, dict] = {}
    problems = []
    for row in rows:
        key = tuple(row[c] for c in key_columns)
        if key in got:
            problems.append(
                f"{'/'.join(map(str, key))}: extracted twice ({got[key]['value']!r}, {row['value']!r})"
            )
        got[key] = row

    expected = expected_cells(table, doc[table])
    problems += _cell_problems(table, expected, got, must_exist=True)
    inferred = doc.get("inferred", {}).get(table)
    if inferred:
        problems += _cell_problems(table, expected_cells(table, inferred), got, must_exist=False)
    if table not in doc.get("partial_tables", []):
        allowed = set(expected) | (set(expected_cells(table, inferred)) if inferred else set())
        problems += [
            f"{'/'.join(map(str, key))}: extra row not in the source table (value {got[key]['value']!r})"
            for key in sorted(set(got) - allowed, key=lambda k: tuple(map(str, k)))
        ]
    assert not problems, (
        f"{stem} {table}: {len(problems)} cell(s) differ from the golden reading:\n"
        + "\n".join(problems[:60])
    )


def _assert_nothing_guessed(stem: str, table: str, facts: dict, issues: pl.DataFrame) -> None:
    """An unreadable table yields no values (NULL rows at most) and an extract.* issue naming the table."""
    df = facts.get(table)
    if df is not None and df.height:
        guessed = df.filter(pl.col("value").is_not_null())
        assert guessed.is_empty(), (
            f"{stem}: {table} is unreadable in the source but values were extracted:\n{guessed}"
        )
    flagged = issues.filter(pl.col("rule_id").str.starts_with("extract.") & (pl.col("table_name") == table))
    assert not flagged.is_empty(), f"{stem}: no extract.* issue on {table}; issues were:\n{issues}"
