"""`failing_part`: pandera given only what fails reports the same failure cases as the whole schema."""

import pandera.api.polars.container
import pandera.errors
import polars as pl

from pipeline import frames
from schemas.facts import MODELS, table_masks
from schemas.legacy import LEGACY_SCHEMA
from schemas.precomputed import failing_part, validate_failing


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


def _raised_cases(run) -> pl.DataFrame | None:
    try:
        run()
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.drop("check_number")
        return cases.sort(cases.columns, nulls_last=True)
    return None


def test_validate_failing_raises_what_the_whole_schema_raises():
    schema = MODELS["fact_requests"][0].to_schema()
    frames_to_check = [
        _requests(),
        _requests(value=pl.Series([2, 3, -1, 1])),
        _requests(row_code=pl.Series(["new_received", None, "bogus", "carried_over"])),
        _requests().with_columns(pl.col("value").cast(pl.Float64)),  # the right numbers in the wrong dtype
        _requests().drop("applicant"),  # a required column missing
        _requests().with_columns(pl.col("raw_text").cast(pl.Int64)),  # a nullable column of the wrong dtype
    ]
    for df in frames_to_check:
        masks = table_masks(df, "fact_requests") if "applicant" in df.columns else None
        expected = _failure_cases(schema, df)
        got = _raised_cases(lambda df=df, masks=masks: validate_failing(schema, df, masks))
        assert got is None if expected is None else expected.equals(got)
    assert all(_failure_cases(schema, df) is not None for df in frames_to_check[1:])


def test_validate_failing_leaves_pandera_out_when_nothing_fails(monkeypatch):
    df = _requests()

    def pandera_called(*args, **kwargs):
        raise AssertionError("pandera ran although nothing fails")

    monkeypatch.setattr(pandera.api.polars.container.DataFrameSchema, "validate", pandera_called)
    validate_failing(MODELS["fact_requests"][0].to_schema(), df, table_masks(df, "fact_requests"))
