"""The benchmark corpus is honest: the pipeline loads every cell the generator says it printed.

scripts/generate_corpus.py writes reports in every layout with their ground truth beside them; here ~40 of them
(every layout, both templates, a pre-2019 统计表, consecutive years of one issuer) go through run_pipeline and
each report's metadata and every truth cell must come back, with no extract.* error and no failed rule.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from pipeline.run import run_pipeline

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "scripts" / "generate_corpus.py")
generate_corpus = importlib.util.module_from_spec(_spec)
sys.modules["generate_corpus"] = generate_corpus
_spec.loader.exec_module(generate_corpus)

#: the truth's fact lists, in the column order of the warehouse tables
TRUTH_COLUMNS = {
    "fact_requests": ("row_code", "applicant", "value", "raw_text"),
    "fact_proactive_disclosure": ("article", "item", "measure", "value", "unit", "raw_text"),
    "fact_review_results": ("proceeding", "outcome", "value", "raw_text"),
    "fact_legacy_indicators": ("indicator_code", "label", "unit", "value", "raw_text", "period"),
}
N_REPORTS = 40


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated")
    raw = root / "raw"
    names = generate_corpus.generate(N_REPORTS, raw, seed=3)
    result = run_pipeline(raw, root / "ogi.duckdb", workers=1)
    truths = [json.loads((root / "truth" / f"{name}.truth.json").read_text(encoding="utf-8")) for name in names]
    return result.tables, truths


def test_the_sample_covers_every_layout_and_template(generated):
    _tables, truths = generated
    assert {t["layout"] for t in truths} == {layout for layout, _share in generate_corpus.LAYOUTS}
    assert {t["template"] for t in truths} == {"gov2019", "gov2021", "stat2014"}


def test_metadata_of_every_report(generated):
    tables, truths = generated
    reports = {r["source_path"]: r for r in tables["reports"].iter_rows(named=True)}
    for truth in truths:
        row = reports[truth["file"]]
        assert (row["issuer"], row["report_year"], row["template"], row["status"]) == (
            truth["issuer"], truth["report_year"], truth["template"], "ok"), truth["file"]
        expected_script = "traditional" if truth["layout"] == "traditional" else "simplified"
        assert row["script"] == expected_script, truth["file"]


@pytest.mark.parametrize("table", list(TRUTH_COLUMNS))
def test_every_truth_cell_is_loaded(generated, table):
    tables, truths = generated
    ids = dict(zip(tables["reports"]["source_path"], tables["reports"]["report_id"], strict=True))
    columns = TRUTH_COLUMNS[table]
    loaded = tables[table].select("report_id", *columns)
    for truth in truths:
        expected = sorted(tuple(row) for row in truth["facts"].get(table, []))
        got = sorted(loaded.filter(loaded["report_id"] == ids[truth["file"]]).drop("report_id").iter_rows())
        assert got == expected, f"{truth['file']}: {table}"


def test_no_extraction_error_and_the_tables_add_up(generated):
    tables, _truths = generated
    issues = tables["validation_issues"]
    assert issues.filter(issues["severity"] == "error").height == 0, issues.head(10)


def test_generation_is_deterministic(tmp_path):
    first = generate_corpus.generate(12, tmp_path / "a" / "raw", seed=5)
    again = generate_corpus.generate(12, tmp_path / "b" / "raw", seed=5)
    added = generate_corpus.generate(4, tmp_path / "c" / "raw", seed=5, start=8)
    assert first == again and added == first[8:]
    for name in first:
        assert (tmp_path / "a" / "raw" / name).read_bytes() == (tmp_path / "b" / "raw" / name).read_bytes()
    for name in added:
        assert (tmp_path / "c" / "raw" / name).read_bytes() == (tmp_path / "a" / "raw" / name).read_bytes()
