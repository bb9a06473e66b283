"""Incremental runs: only new, changed, deleted and renamed files are applied, and the result equals a fresh build
of the same folder row for row; damaged state of our own (leftovers, a stale WAL) is set aside; a held warehouse
stops the run with one sentence; a crashing batch costs one report; kill -9 leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import pipeline.ingest as ingest
import pipeline.plan as plan_module
import pipeline.run as run_module
from pipeline.run import main, run_pipeline, tapered_batches
from pipeline.warehouse.load import TABLE_ORDER, Staging
from tests.conftest import CORPUS, SEEDS

ROOT = Path(__file__).resolve().parent.parent


def snapshot(path: Path) -> dict[str, list]:
    """Every row of every table, ingested_at left out (a fresh build stamps a new time)."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for table in TABLE_ORDER:
            cols = [c for c, in con.sql(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()
                    if c != "ingested_at"]
            out[table] = sorted(map(repr, con.sql(f"SELECT {', '.join(cols)} FROM {table}").fetchall()))
        return out


def raw_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS, raw)
    for name in ("zone_2023.html", "zone_2024.html", "zone_2025.html"):
        shutil.copy(CORPUS / "pingtan" / name, raw / name)
    return raw


def test_nothing_changed_reads_nothing_and_publishes_nothing(tmp_path, monkeypatch):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    stamp = wh.stat().st_mtime_ns

    def must_not_read(*args, **kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(ingest, "read_one", must_not_read)
    result = run_pipeline(raw, wh)
    assert not result.published and result.plan.unchanged == 8
    assert wh.stat().st_mtime_ns == stamp


def test_adds_edits_deletes_and_renames_equal_a_fresh_build(tmp_path):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    with duckdb.connect(str(wh), read_only=True) as con:
        kept_at = con.sql("SELECT ingested_at FROM reports WHERE source_path LIKE '002_%'").fetchall()
    # add one, edit one (the 2024 page: its in_force chain with 2023 and 2025 must be re-checked), delete one,
    # rename one
    shutil.copy(CORPUS / "pingtan" / "zone_2022.html", raw / "zone_2022.html")
    page = raw / "zone_2024.html"
    page.write_bytes(page.read_bytes() + b"\n<!-- edited -->")
    (raw / "003_7525cffb9e742ff2.txt").unlink()
    (raw / "004_2b7bc92f2bdde0c7.txt").rename(raw / "pingdingshan_2019.txt")
    result = run_pipeline(raw, wh)
    assert len(result.plan.todo) == 2 and len(result.plan.gone) == 2 and len(result.plan.renames) == 1
    fresh = tmp_path / "fresh.duckdb"
    run_pipeline(raw, fresh)
    assert snapshot(wh) == snapshot(fresh)
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.sql("SELECT ingested_at FROM reports WHERE source_path LIKE '002_%'").fetchall() == kept_at
        paths = {p for p, in con.sql("SELECT source_path FROM reports").fetchall()}
        in_force = con.sql("""SELECT r.source_path, v.expected, v.actual FROM validation_issues v
                              JOIN reports r USING (report_id) WHERE v.rule_id = 'cross_year.in_force'
                              ORDER BY 1""").fetchall()
    assert "pingdingshan_2019.txt" in paths and "003_7525cffb9e742ff2.txt" not in paths
    # the pingtan 行政规范性文件 chain, read off the pages (tests/test_corpus_e2e.py): 2023 vs 2022 now present too
    assert in_force == [("zone_2023.html", 643.0, 470.0), ("zone_2024.html", 499.0, 440.0),
                        ("zone_2025.html", 453.0, 546.0)]


def test_a_changed_override_or_code_version_reprocesses(tmp_path, monkeypatch):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    (raw / "zone_2025.html.meta.json").write_text('{"region": "福建省平潭"}', encoding="utf-8")
    result = run_pipeline(raw, wh)
    assert [job.raw.source_path for job in result.plan.todo] == ["zone_2025.html"]
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.sql("SELECT region FROM reports WHERE source_path = 'zone_2025.html'").fetchall() == [("福建省平潭",)]
    monkeypatch.setattr(plan_module, "code_version", lambda: "another-version")
    result = run_pipeline(raw, wh)
    assert result.plan.full_rebuild and len(result.plan.todo) == 8


def test_leftovers_of_dead_runs_and_a_stale_wal_are_set_aside(tmp_path):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    before = snapshot(wh)
    dead = 2**22 + 12345  # above the default pid_max: no such process
    (tmp_path / f"ogi.duckdb.{dead}.staging").write_bytes(b"half a file")
    (tmp_path / f"ogi.duckdb.{dead}.parts" / "000000").mkdir(parents=True)
    # another program's write-ahead log (it opened a warehouse read-write and was killed): not of this file
    other = tmp_path / "other" / "ogi.duckdb"
    other.parent.mkdir()
    subprocess.run([sys.executable, "-c", f"import duckdb, os; c = duckdb.connect({str(other)!r}); "
                    "c.execute('CREATE TABLE t (a INT)'); c.execute('INSERT INTO t VALUES (1)'); os._exit(0)"],
                   check=True)
    shutil.move(other.with_name("ogi.duckdb.wal"), tmp_path / "ogi.duckdb.wal")
    with pytest.raises(duckdb.IOException, match="WAL"):
        duckdb.connect(str(wh), read_only=True)
    (raw / "zone_2022.html").write_bytes((CORPUS / "pingtan" / "zone_2022.html").read_bytes())
    result = run_pipeline(raw, wh)
    assert sorted(p.name for p in tmp_path.iterdir() if ".staging" in p.name or p.name.endswith(".parts")) == []
    assert any("stale write-ahead log" in note for note in result.notes)
    assert list(tmp_path.glob("ogi.duckdb.wal.stale-*"))
    after = snapshot(wh)
    assert len(after["reports"]) == len(before["reports"]) + 1


def test_a_warehouse_held_read_write_stops_the_run_with_one_sentence(tmp_path, capsys):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    before = snapshot(wh)
    (raw / "003_7525cffb9e742ff2.txt").unlink()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(wh)!r}); "
                               "print('ok', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        rc = main(["--raw", str(raw), "--warehouse", str(wh), "--quiet"])
    finally:
        holder.kill()
        holder.wait()
    assert rc == 1
    err = capsys.readouterr().err
    assert "held open read-write by another process" in err and err.count("\n") == 1
    assert snapshot(wh) == before


def test_a_batch_that_crashes_is_retried_report_by_report(tmp_path, monkeypatch):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    real = ingest.batch_tables

    def fragile(jobs, timings=None):
        if any(job.raw.source_path == "zone_2024.html" for job in jobs):
            raise MemoryError("simulated crash of the whole batch")
        return real(jobs, timings)

    monkeypatch.setattr(ingest, "batch_tables", fragile)
    run_pipeline(raw, wh, batch_size=4, workers=1)
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = dict(con.sql("SELECT source_path, status FROM reports").fetchall())
        error = con.sql("SELECT error FROM reports WHERE source_path = 'zone_2024.html'").fetchall()[0][0]
    assert len(rows) == 8 and rows.pop("zone_2024.html") == "failed"
    assert "failed" not in rows.values()
    assert error.startswith("zone_2024.html: processing crashed (MemoryError")


def test_batches_are_loaded_as_they_finish_and_a_load_error_stops_the_run_without_retries(tmp_path, monkeypatch,
                                                                                           capsys):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    loaded: list[int] = []
    real_load = Staging.load

    def counting_load(self, dirs):
        dirs = list(dirs)
        loaded.append(len(dirs))
        return real_load(self, dirs)

    monkeypatch.setattr(Staging, "load", counting_load)
    result = run_pipeline(raw, wh, batch_size=3, workers=1)
    assert loaded == [1, 1, 1] and result.row_counts["reports"] == 8  # 8 reports in batches of 3, one load each
    assert snapshot(wh) != {}

    edited = raw / "001_a1987c7275b215ef.txt"
    edited.write_bytes(edited.read_bytes() + b"\n")
    batches_run: list[int] = []
    real_batch = ingest.batch_tables

    def counting_batch(jobs, timings=None):
        batches_run.append(len(jobs))
        return real_batch(jobs, timings)

    def failing_load(self, dirs):
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(ingest, "batch_tables", counting_batch)
    monkeypatch.setattr(Staging, "load", failing_load)
    before = snapshot(wh)
    assert main(["--raw", str(raw), "--warehouse", str(wh), "--quiet"]) == 1
    assert batches_run == [1]  # the batch was not retried report by report: the error was the warehouse's
    assert "could not be written (IO Error: No space left on device)" in capsys.readouterr().err
    assert snapshot(wh) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging" in p.name or ".parts" in p.name] == []


def test_a_large_full_run_starts_its_workers_before_hashing_the_files_and_an_unchanged_one_starts_none(
        tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(ingest.PARALLEL_MIN_FILES):  # enough files for worker processes
        (raw / f"{i:04d}.txt").write_bytes(seeds[i % len(seeds)].read_bytes() + f"\n{i}\n".encode())
    events: list[str] = []
    real_start, real_discover = run_module.start_workers, plan_module.discover_raw_files
    monkeypatch.setattr(run_module, "start_workers", lambda *a: (events.append("workers"), real_start(*a))[1])
    monkeypatch.setattr(plan_module, "discover_raw_files",
                        lambda *a, **k: (events.append("hashing"), real_discover(*a, **k))[1])
    wh = tmp_path / "ogi.duckdb"
    result = run_pipeline(raw, wh, workers=2)
    assert events == ["workers", "hashing"] and result.row_counts["reports"] == ingest.PARALLEL_MIN_FILES
    events.clear()
    assert not run_pipeline(raw, wh, workers=2).published and events == ["hashing"]


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


@pytest.mark.slow
def test_kill_9_leaves_no_process_or_staging_file_and_the_next_run_completes(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    sources = sorted(p for p in (CORPUS / "pingtan").glob("*.html"))
    for i in range(400):  # large enough for worker processes
        src = sources[i % len(sources)]
        (raw / f"{i:04d}_{src.name}").write_bytes(src.read_bytes() + f"\n<!-- copy {i} -->".encode())
    wh = tmp_path / "ogi.duckdb"
    env = {**os.environ, "OGI_RAW_DIR": str(raw), "OGI_WAREHOUSE": str(wh)}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "--quiet"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers |= _children(run.pid)
    time.sleep(1.0)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert workers, "the run never started its workers"
    time.sleep(3)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
    assert alive == []
    assert main(["--raw", str(raw), "--warehouse", str(wh), "--quiet"]) == 0
    assert [p.name for p in tmp_path.iterdir() if ".staging" in p.name or p.name.endswith(".parts")] == []
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM reports").fetchall() == [(400,)]


def test_disk_full_while_writing_batches_is_one_sentence_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    before = snapshot(wh)
    (raw / "003_7525cffb9e742ff2.txt").write_bytes((raw / "003_7525cffb9e742ff2.txt").read_bytes() + b"\n")

    def full_disk(self, path, **kwargs):
        Path(path).write_bytes(b"PAR1 half")  # what a full disk leaves behind
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest.pl.DataFrame, "write_parquet", full_disk)
    assert main(["--raw", str(raw), "--warehouse", str(wh), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(wh) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging" in p.name or ".parts" in p.name
            or p.suffix == ".tmp"] == []


def test_disk_full_while_publishing_keeps_the_previous_warehouse(tmp_path, monkeypatch, capsys):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    before = snapshot(wh)
    (raw / "003_7525cffb9e742ff2.txt").unlink()

    def full_disk(src, dst, **kwargs):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    assert main(["--raw", str(raw), "--warehouse", str(wh), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "could not be written (No space left on device)" in err and "Traceback" not in err
    assert snapshot(wh) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging" in p.name or ".parts" in p.name] == []


def test_planning_reads_only_files_whose_size_or_time_changed(tmp_path, monkeypatch):
    raw = raw_folder(tmp_path)
    wh = tmp_path / "ogi.duckdb"
    run_pipeline(raw, wh)
    touched = raw / "zone_2024.html"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))  # same bytes, new time
    read: list[str] = []
    real = Path.read_bytes

    def counting(path, *args, **kwargs):
        if path.parent == raw:
            read.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", counting)
    result = run_pipeline(raw, wh)
    assert read == ["zone_2024.html"]  # hashed again, found unchanged: nothing to do
    assert not result.published and result.plan.unchanged == 8


@pytest.mark.parametrize(("n", "size", "workers", "expected"), [
    (4000, 500, 2, [500] * 6 + [125] * 8),  # the last round (2 × 500) cut four times finer per worker
    (1000, 256, 2, [256] + [93] * 8),  # 744 after the last whole batch: 8 batches of 93
    (513, 256, 2, [256, 256, 1]),  # one round per worker: today's batches
    (300, 256, 2, [256, 44]),
    (4000, 500, 1, [500] * 8),  # one worker: nothing to balance
])
def test_the_last_round_of_batches_is_cut_finer_so_workers_finish_together(n, size, workers, expected):
    jobs = list(range(n))
    cut = tapered_batches(jobs, size, workers)
    assert [len(b) for b in cut] == expected
    assert [j for b in cut for j in b] == jobs  # every job once, in order
