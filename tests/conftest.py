from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
CORPUS = FIXTURES / "corpus"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def seed(prefix: str) -> Path:
    """The seed file whose name starts with prefix ('000' … '004')."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def corpus_warehouse(tmp_path_factory):
    """run_pipeline over every fixture report (seeds and corpus, laid out as in tests/fixtures), read-only
    connection and {fixture path relative to tests/fixtures: report_id}."""
    import shutil

    import duckdb

    from pipeline.run import run_pipeline

    root = tmp_path_factory.mktemp("corpus")
    raw = root / "raw"
    # variants/ holds issue #11's small layout fixtures (tests/test_variants.py), documents/ PDF and Word copies of
    # corpus reports (tests/test_pdf_docx.py): neither is part of the corpus
    shutil.copytree(FIXTURES, raw, ignore=shutil.ignore_patterns("MANIFEST.md", "variants", "documents"))
    run_pipeline(raw, root / "ogi.duckdb")
    con = duckdb.connect(str(root / "ogi.duckdb"), read_only=True)
    report_ids = dict(con.sql("SELECT source_path, report_id FROM reports").fetchall())
    yield con, report_ids
    con.close()
