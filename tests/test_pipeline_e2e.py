"""The main command end to end on the seeds: the warehouse rows, idempotence, replacement, bad input, atomicity."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.run import run_pipeline
from pipeline.warehouse import load as warehouse_module
from tests.conftest import SEEDS
from tests.test_metadata_sections import SEED_HEADINGS, SEED_METADATA

ROOT = Path(__file__).resolve().parent.parent


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory) -> Path:
    """The README's main command, run as a user would, with the paths given through the environment."""
    out = tmp_path_factory.mktemp("wh") / "ogi.duckdb"
    env = {**os.environ, "OGI_RAW_DIR": str(SEEDS), "OGI_WAREHOUSE": str(out)}
    proc = subprocess.run([sys.executable, "-m", "pipeline"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Ingested 5 report(s)" in proc.stdout and "5/5" in proc.stderr  # the summary, and the progress bar
    return out


def test_reports_rows(seed_warehouse):
    rows = query(seed_warehouse, "SELECT source_path, issuer, report_year, template, script FROM reports")
    found = {path[:3]: rest for path, *rest in rows}
    assert found == {k: list(v) for k, v in SEED_METADATA.items()}
    ids = query(seed_warehouse, "SELECT report_id, source_sha256 FROM reports")
    assert all(rid == sha[:16] and len(sha) == 64 for rid, sha in ids)


def test_sections_rows(seed_warehouse):
    rows = query(seed_warehouse, """SELECT r.source_path, s.heading FROM report_sections s JOIN reports r USING (report_id)
                                    WHERE s.heading IS NOT NULL ORDER BY r.source_path, s.ordinal""")
    found: dict[str, list[str]] = {}
    for path, heading in rows:
        found.setdefault(path[:3], []).append(heading)
    assert found == SEED_HEADINGS


def test_every_documented_table_exists(seed_warehouse):
    tables = {t for (t,) in query(seed_warehouse, "SELECT table_name FROM information_schema.tables")}
    assert {"reports", "report_sections", "fact_requests", "fact_review_results", "fact_proactive_disclosure",
            "fact_legacy_indicators", "validation_issues", "requests_by_year"} <= tables
    cols = [c for (c,) in query(seed_warehouse, "SELECT column_name FROM information_schema.columns "
                                               "WHERE table_name = 'validation_issues' ORDER BY ordinal_position")]
    assert cols == ["report_id", "rule_id", "severity", "table_name", "location", "expected", "actual", "message"]


def test_duckdb_cli_opens_the_file(seed_warehouse):
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.exists():
        pytest.skip("duckdb CLI not installed (it comes with the dev extras)")
    proc = subprocess.run([str(cli), str(seed_warehouse), "-csv", "-c", "SELECT count(*) FROM reports"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["count_star()", "5"]


def _all_rows(path: Path) -> dict[str, list]:
    tables = ["reports", "report_sections", "fact_requests", "fact_review_results", "fact_proactive_disclosure",
              "fact_legacy_indicators", "validation_issues"]
    return {t: sorted(map(repr, query(path, f"SELECT * FROM {t}"))) for t in tables}


def test_loading_is_idempotent_and_replaces_a_changed_file(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    first = _all_rows(wh)
    run_pipeline(raw, wh)
    assert _all_rows(wh) == first  # same rows, ingested_at included

    changed = next(raw.glob("004_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("平顶山市人民政府2019年", "平顶山市人民政府2020年"),
                       encoding="utf-8")
    run_pipeline(raw, wh)
    rows = query(wh, "SELECT source_path, report_year FROM reports WHERE source_path LIKE '004_%'")
    assert rows == [(changed.name, 2020)]
    assert query(wh, "SELECT count(*) FROM reports") == [(5,)]
    orphans = query(wh, "SELECT count(*) FROM report_sections WHERE report_id NOT IN (SELECT report_id FROM reports)")
    assert orphans == [(0,)]


def test_bad_inputs_fail_alone(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (raw / "notes.txt").write_text("购物清单:苹果、香蕉、牛奶。明天下午三点开会。", encoding="utf-8")
    (raw / "garbled.txt").write_bytes(b"\x81\x20\xff\xfe\x80 abc \x81\x7f" * 50)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    rows = dict(query(wh, "SELECT source_path, status FROM reports"))
    assert {p: s for p, s in rows.items() if not p[0].isdigit()} == {
        "empty.txt": "failed", "binary.txt": "failed", "notes.txt": "failed", "garbled.txt": "failed"}
    assert sum(1 for p, s in rows.items() if p[0].isdigit() and s != "failed") == 5
    errors = dict(query(wh, "SELECT source_path, error FROM reports WHERE status = 'failed'"))
    assert "empty" in errors["empty.txt"] and "binary" in errors["binary.txt"]
    assert "not a government information disclosure annual report" in errors["notes.txt"]
    assert "decode" in errors["garbled.txt"]


def test_a_crash_while_loading_leaves_the_previous_warehouse(tmp_path, monkeypatch):
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(SEEDS, wh)
    before = _all_rows(wh)

    def broken_views():
        raise RuntimeError("simulated crash after the tables were inserted")

    monkeypatch.setattr(warehouse_module, "view_ddl", broken_views)
    with pytest.raises(RuntimeError):
        run_pipeline(SEEDS, wh, full=True)
    assert _all_rows(wh) == before
    assert not list(tmp_path.glob("*.staging*"))


def test_parallel_reading_gives_the_same_reports_in_order(monkeypatch):
    import pipeline.ingest as ingest

    files = ingest.discover_raw_files(SEEDS)
    serial = ingest.read_reports(files, SEEDS, workers=1)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_FILES", 1)
    parallel = ingest.read_reports(files, SEEDS, workers=2)

    def rows(reports):
        return [{k: v for k, v in r.row.items() if k != "ingested_at"} for r in reports]

    assert rows(parallel) == rows(serial)
    assert [r.text for r in parallel] == [r.text for r in serial]
