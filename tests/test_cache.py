"""The parse cache: unchanged files are not parsed again, and the warehouse is the same either way."""

import shutil

import pipeline.ingest as ingest
from pipeline.cache import ParseCache, code_version
from pipeline.run import run_pipeline
from tests.conftest import SEEDS


def _rows(result):
    return {t: df.drop("ingested_at", strict=False).sort(df.columns[:2]).rows() for t, df in result.tables.items()}


def test_second_run_reuses_everything_and_gives_the_same_tables(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    wh = tmp_path / "ogi.duckdb"
    first = run_pipeline(raw, wh)
    assert first.cache_hits == 0 and (tmp_path / "cache" / code_version()).is_dir()

    def must_not_parse(*args, **kwargs):
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr(ingest, "read_one", must_not_parse)
    monkeypatch.setattr(ingest, "extract_report_tables", must_not_parse)
    second = run_pipeline(raw, wh)
    assert second.cache_hits == 5 + 5  # five texts, five extractions
    assert _rows(second) == _rows(first)


def test_a_changed_file_or_a_renamed_one(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    changed = next(raw.glob("003_*.txt"))
    changed.write_bytes(changed.read_bytes() + "\n附:本报告由市政府办公室发布。\n".encode())
    renamed = next(raw.glob("004_*.txt"))
    renamed.rename(raw / "pingdingshan_2019.txt")
    result = run_pipeline(raw, wh)
    assert result.cache_hits == 4 + 4
    paths = set(result.tables["reports"]["source_path"])
    assert "pingdingshan_2019.txt" in paths and not any(p.startswith("004_") for p in paths)


def test_other_code_versions_are_pruned_and_corrupt_entries_miss(tmp_path):
    old = ParseCache(tmp_path, version="old")
    old.put("read", "abc", {"x": 1})
    assert old.get("read", "abc") == {"x": 1}
    new = ParseCache(tmp_path, version="new")
    assert not (tmp_path / "old").exists()
    new.put("read", "abc", {"x": 2})
    (tmp_path / "new" / "read" / "abc.pkl").write_bytes(b"not a pickle")
    assert new.get("read", "abc") is None and new.misses == 1
