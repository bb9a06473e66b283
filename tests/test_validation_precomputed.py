"""`failing_part`: pandera given only what fails reports the same failure cases as the whole schema."""

import pandera.errors
import polars as pl

from pipeline import frames
from schemas.facts import MODELS, table_masks
from schemas.legacy import LEGACY_SCHEMA
from schemas.precomputed import failing_part


def _failure_cases(schema, df) -> pl.DataFrame | None:
    try:
        schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.drop("check_number")  # counts the checks in the schema validated
        return cases.sort(cases.columns, nulls_last=True)
    return None


def _requests(**broken) -> pl.DataFrame:
    rows = [("r1", "new_received", a, v) for a, v in (("natural_person", 2), ("total", 2))]
    rows += [("r1", "carried_over", "natural_person", 1), ("r1", "carried_over", "total", 1)]
    df = pl.DataFrame(rows, schema=["report_id", "row_code", "applicant", "value"], orient="row")
    return frames.conform(df.with_columns(**broken) if broken else df, "fact_requests")


def test_a_clean_frame_leaves_pandera_nothing_to_check():
    df = _requests()
    part = failing_part(MODELS["fact_requests"][0].to_schema(), df, table_masks(df, "fact_requests"))
    assert part.checks == []
    assert all(not c.checks and c.nullable for c in part.columns.values())
    assert _failure_cases(part, df) is None


def test_failures_are_the_whole_schemas():
    broken = [
        _requests(value=pl.Series([2, 3, -1, 1])),  # a row sum off, a negative count
        _requests(row_code=pl.Series(["new_received", None, "bogus", "carried_over"])),  # NULL and unknown codes
        _requests(applicant=pl.lit("total")),  # duplicated keys
    ]
    for table_df in broken:
        schema = MODELS["fact_requests"][0].to_schema()
        part = failing_part(schema, table_df, table_masks(table_df, "fact_requests"))
        assert part is not schema and len(part.checks) < len(schema.checks)
        expected = _failure_cases(schema, table_df)
        assert expected is not None and expected.equals(_failure_cases(part, table_df))


def test_legacy_sums():
    df = pl.DataFrame({"report_id": ["a", "a", "b"], "column": ["year", "bogus", "year"],
                       "rule_id": ["legacy.review_sum", "legacy.requests_closed", "legacy.review_sum"],
                       "expected": [3.0, 2.0, 5.0], "actual": [3.0, 1.0, 4.0]})
    part = failing_part(LEGACY_SCHEMA, df)
    assert len(part.checks) == 2  # legacy.requests_closed and legacy.review_sum fail; the other seven pass
    assert _failure_cases(LEGACY_SCHEMA, df).equals(_failure_cases(part, df))
