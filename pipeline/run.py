"""The main job from the command line: ingest the raw folder into the warehouse, applying only what changed.

    ogi-ingest [--raw DIR] [--warehouse FILE] [--full] [--quiet]   (defaults: $OGI_RAW_DIR / $OGI_WAREHOUSE)

Shows a progress bar and prints a summary at the end; exits 0 even when some reports failed (they are recorded
in `reports` with their error), non-zero only when the warehouse could not be published, with one sentence
saying why (the previous warehouse is then unchanged).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
from tqdm import tqdm

from pipeline import config
from pipeline.batching import run_batches, start_workers, worker_pool
from pipeline.ingest import BatchSummary, Job, PartsWriteError, runs_in_workers, worker_count
from pipeline.plan import RunPlan, batches, plan_run
from pipeline.warehouse.load import (
    Staging,
    WarehouseBusy,
    connect,
    published_state,
    read_tables,
    remove_leftovers,
)
from pipeline.warehouse.quality_report import (
    quality_page_data,
    quality_report_path,
    render_quality_page,
    write_quality_page,
)

#: reports per batch, at least: big enough that per-batch costs (a pandera call per table type, ~0.1 s of CPU
#: whatever the batch's size, and a Parquet file per table) are small per report
BATCH_SIZE = 256
#: reports per batch, at most: a batch's texts and frames stay ~100 MB per worker
MAX_BATCH_SIZE = 1024
#: large runs give each worker at least this many batches, so the work spreads over the workers to the end and
#: progress moves
BATCHES_PER_WORKER = 4
#: the last round of batches (a batch per worker) is cut this many times finer, so that the workers finish
#: together: a worker left idle while another ends a whole batch costs up to a batch's time on one core
TAIL_SPLIT = 4


def batch_size_for(n_jobs: int, workers: int | None = None) -> int:
    """Fewer, larger batches when there are many files: BATCH_SIZE up to MAX_BATCH_SIZE reports, so that each
    worker still gets BATCHES_PER_WORKER batches (1,000 files: 256; 4,000 on 2 cores: 500; 10,000: 1,024)."""
    return max(BATCH_SIZE, min(MAX_BATCH_SIZE, -(-n_jobs // (worker_count(workers) * BATCHES_PER_WORKER))))


def tapered_batches(jobs: list[Job], size: int, workers: int | None = None) -> list[list[Job]]:
    """Batches of `size` jobs, except the last round: the `workers × size` jobs or more after the last whole
    batch before them, cut into `workers × TAIL_SPLIT` smaller batches. Each batch costs a fixed ~20 ms of CPU, so
    only the last round is cut, and a run of one round per worker keeps its batches."""
    workers = worker_count(workers)
    head = (len(jobs) - workers * size) // size * size
    if workers == 1 or head <= 0:
        return batches(jobs, size)
    tail = jobs[head:]
    return batches(jobs[:head], size) + batches(tail, max(1, -(-len(tail) // (workers * TAIL_SPLIT))))


@dataclass
class RunResult:
    warehouse: Path
    plan: RunPlan
    row_counts: dict[str, int]
    seconds: float
    statuses: Counter = field(default_factory=Counter)  # of the reports processed in this run
    stage_seconds: Counter = field(default_factory=Counter)  # summed over batches (over workers, so CPU time)
    notes: list[str] = field(default_factory=list)
    published: bool = True

    @property
    def tables(self) -> dict[str, pl.DataFrame]:
        """The published tables as frames (reads the whole warehouse: for tests and small folders)."""
        return read_tables(self.warehouse)


def run_pipeline(raw_dir: Path, warehouse: Path, progress=None, workers: int | None = None,
                 batch_size: int | None = None, full: bool = False) -> RunResult:
    """Plan against the published warehouse, process new and changed files in batches, publish atomically.

    `progress(done, total, message)` is called after each batch. Nothing is published when nothing changed.
    `batch_size` defaults to `batch_size_for` the number of files to process."""
    started = time.perf_counter()
    notes = [f"removed leftover {p.name} of an interrupted run." for p in remove_leftovers(warehouse)]
    state, found = published_state(warehouse)
    notes += found
    with ExitStack() as early_workers:
        pool: ProcessPoolExecutor | None = None

        def start_workers_early(n_files: int, all_new: bool) -> None:
            """A run that will process every file of a large folder starts its workers before hashing the files,
            so that their imports (~1 s each) overlap the planning."""
            nonlocal pool
            if all_new and runs_in_workers(n_files, workers):
                pool = early_workers.enter_context(worker_pool(worker_count(workers)))
                start_workers(pool, worker_count(workers))

        plan = plan_run(raw_dir, None if full else state, start_workers_early)
        stage_seconds: Counter = Counter(plan=time.perf_counter() - started)
        if not plan.has_changes:
            return RunResult(warehouse, plan, {}, time.perf_counter() - started, Counter(), stage_seconds, notes,
                             published=False)
        counts, statuses = _process_and_publish(plan, warehouse, stage_seconds, progress, workers, batch_size, pool)
    return RunResult(warehouse, plan, counts, time.perf_counter() - started, statuses, stage_seconds, notes)


def _process_and_publish(plan: RunPlan, warehouse: Path, stage_seconds: Counter, progress, workers: int | None,
                         batch_size: int | None, pool: ProcessPoolExecutor | None) -> tuple[dict[str, int], Counter]:
    """Process the plan's files in batches, loading each into the staging warehouse as it is done, then publish;
    return the tables' row counts and the reports' statuses (`stage_seconds` receives the time per stage)."""
    statuses: Counter = Counter()
    parts_dir = warehouse.with_name(f"{warehouse.name}.{os.getpid()}.parts")
    shutil.rmtree(parts_dir, ignore_errors=True)
    done = 0
    try:
        with Staging(warehouse, plan.full_rebuild) as staging:

            def on_batch(summary: BatchSummary) -> None:
                """Count the batch, and load it into the staging file while the workers go on with the next."""
                nonlocal done
                done += len(summary.statuses)
                statuses.update(status for _, status in summary.statuses)
                stage_seconds.update(dict(summary.seconds))
                t_load = time.perf_counter()
                staging.load([summary.parts_dir])
                stage_seconds["load"] += time.perf_counter() - t_load
                if progress:
                    progress(done, len(plan.todo), summary.statuses[-1][0])

            size = batch_size or batch_size_for(len(plan.todo), workers)
            run_batches(tapered_batches(plan.todo, size, workers), parts_dir, on_batch, workers, pool)
            t_publish = time.perf_counter()
            staging.finish(plan.gone, plan.renames)
            page_data = quality_page_data(staging.con)  # what quality.html shows, as it will be published
            with ThreadPoolExecutor(1) as committer:  # DuckDB commits without the GIL while the page is rendered
                committed = committer.submit(staging.commit_and_swap)
                page = render_quality_page(page_data, warehouse.name)
                counts = committed.result()
        write_quality_page(page, quality_report_path(warehouse))  # quality.html next to the warehouse
        stage_seconds["publish"] = time.perf_counter() - t_publish
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    return counts, statuses


def format_summary(result: RunResult) -> str:
    plan = result.plan
    n = len(plan.todo)
    lines = [""]
    lines += [f"Note: {note}" for note in result.notes]
    if not result.published:
        lines.append(f"Nothing changed since the last run ({plan.unchanged} report(s) up to date) → {result.warehouse}")
        return "\n".join(lines)
    kind = "full rebuild" if plan.full_rebuild else "incremental: new or changed files only"
    lines.append(f"Ingested {n} report(s) in {result.seconds:.2f} s ({n / max(result.seconds, 1e-9):.1f} reports/s, "
                 f"{kind}) → {result.warehouse}")
    lines.append(f"  unchanged {plan.unchanged}, removed {len(plan.gone)}, renamed {len(plan.renames)}")
    lines += [f"  {status:<8}{result.statuses.get(status, 0):>8}" for status in ("ok", "partial", "failed")]
    lines.append("Rows in the warehouse:")
    lines += [f"  {table:<28}{count:>9}" for table, count in result.row_counts.items() if table != "ingest_state"]
    with connect(result.warehouse, read_only=True) as con:
        by_rule = con.sql("""SELECT rule_id, severity, count(*) FROM validation_issues
                             GROUP BY ALL ORDER BY rule_id""").fetchall()
        problems = con.sql("""SELECT status, error FROM reports WHERE status <> 'ok'
                              ORDER BY status, source_path LIMIT 50""").fetchall()
        n_problems = con.sql("SELECT count(*) FROM reports WHERE status <> 'ok'").fetchall()[0][0]
    if by_rule:
        lines.append("Validation issues by rule:")
        lines += [f"  {rule:<40}{severity:<9}{count:>7}" for rule, severity, count in by_rule]
    if problems:
        lines.append(f"Reports not fully loaded ({n_problems}; first {len(problems)}; "
                     "see reports.error and validation_issues):")
        lines += [f"  [{status}] {error}" for status, error in problems]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ogi-ingest", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=None, help="raw folder (default $OGI_RAW_DIR or data/raw)")
    parser.add_argument("--warehouse", type=Path, default=None,
                        help="warehouse file (default $OGI_WAREHOUSE or data/warehouse/ogi.duckdb)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--full", "--no-cache", action="store_true",
                        help="process every file again into a fresh warehouse (--no-cache: the older name)")
    args = parser.parse_args(argv)
    raw_dir = args.raw or config.raw_dir()
    warehouse = args.warehouse or config.warehouse_path()
    if not raw_dir.is_dir():
        print(f"error: raw folder {raw_dir} does not exist", file=sys.stderr)
        return 2
    try:  # an unlistable raw folder would publish an empty warehouse over the previous one
        os.scandir(raw_dir).close()
    except OSError as exc:
        print(f"error: raw folder {raw_dir} cannot be read ({exc.strerror}); the warehouse is left as it was",
              file=sys.stderr)
        return 2
    bar = tqdm(total=0, unit="report", disable=args.quiet, desc="ingest", dynamic_ncols=True)

    def progress(done: int, total: int, last: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(last[-40:], refresh=False)
        bar.refresh()

    try:
        result = run_pipeline(raw_dir, warehouse, progress, full=args.full)
    except (WarehouseBusy, PartsWriteError) as exc:
        bar.close()
        print(f"error: {exc} The published warehouse was not changed.", file=sys.stderr)
        return 1
    except (OSError, duckdb.Error) as exc:
        bar.close()
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        print(f"error: the warehouse {warehouse} could not be written ({reason}); "
              "the published warehouse was not changed.", file=sys.stderr)
        return 1
    bar.close()
    print(format_summary(result))
    print(f"Data-quality report: {quality_report_path(warehouse)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
