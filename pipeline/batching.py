"""Running batches on worker processes: each batch writes its own Parquet parts; a crash costs one report.

Large runs use one spawned worker per core ("spawn", since forking a process that has started polars' thread
pool can deadlock); small ones run in this process, where starting workers would cost more than it saves.
A batch whose worker raises or dies is retried report by report, each in a fresh worker, so one report can
never take its batch down: a report that still crashes becomes a `failed` row saying so. Workers watch their
parent and exit when it is gone, so a `kill -9` of the run leaves no process behind.
In Dagster the same `process_batch` runs per partition under Dagster's own executors instead.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from pipeline.ingest import (
    BatchSummary,
    Job,
    PartsWriteError,
    crash_sentence,
    failed_batch_tables,
    process_batch,
    runs_in_workers,
    worker_count,
    write_parts,
)

OnBatch = Callable[[BatchSummary], None]
#: the workers' gc thresholds (generation 0 after this many new objects; the defaults are 700, 10, 10)
WORKER_GC_THRESHOLDS = (10_000, 20, 20)
#: polars' threads per worker: the workers already keep every core busy
WORKER_POLARS_THREADS = "1"


def _init_worker(parent: int) -> None:
    """Worker initializer: exit with the parent, and a garbage collector sized for batch work.

    The modules and tables imported so far live as long as the worker, so they are moved out of the collector's
    sight (gc.freeze), and it runs after 10,000 new objects instead of 700: a batch allocates millions of
    short-lived ones, few in cycles, and every full collection walked the whole heap (callgrind, 256 n4000 reports:
    -4 % instructions)."""
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """A thread that ends this process as soon as the parent process is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


@contextmanager
def worker_pool(workers: int):
    """A pool of `workers` spawned worker processes, each running polars on WORKER_POLARS_THREADS thread(s).

    One worker per core already keeps every core busy; a polars thread pool per worker (a thread per core) only
    adds threads that compete with the other workers and spin while they wait. polars sizes its pool once, at
    import, from POLARS_MAX_THREADS, so the variable is set while the workers are spawned (processes start on
    demand, at submit) and restored after; this process's polars has its pool already. A value the user set is
    kept."""
    previous = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = previous or WORKER_POLARS_THREADS
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker, initargs=(os.getpid(),)) as pool:
            yield pool
    finally:
        if previous is None:
            os.environ.pop("POLARS_MAX_THREADS", None)


def _retry_alone(job: Job, out_dir: Path, in_process: bool) -> BatchSummary:
    """One report of a failed batch, on its own; if it crashes again it is recorded as failed."""
    try:
        if in_process:
            return process_batch([job], out_dir)
        with worker_pool(1) as pool:
            return pool.submit(process_batch, [job], out_dir).result()
    except PartsWriteError:
        raise
    except BrokenProcessPool:
        sentence = f"{job.raw.source_path}: the worker process died while processing this file (it was retried alone)."
    except Exception as exc:
        sentence = crash_sentence(job.raw.source_path, "processing", exc)
    write_parts(failed_batch_tables(job, sentence), out_dir)
    return BatchSummary(((job.raw.source_path, "failed"),), parts_dir=out_dir)


def _warm_up() -> None:
    """Nothing: a worker's first task, so that it is spawned and imports the pipeline before the batches come."""


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Spawn the pool's workers now (the pool starts one per task submitted while none is idle): their ~1 s of
    imports then overlaps whatever this process does before the first batch, such as planning."""
    for _ in range(workers):
        pool.submit(_warm_up)


def run_batches(batches: list[list[Job]], parts_dir: Path, on_batch: OnBatch | None = None,
                workers: int | None = None, pool: ProcessPoolExecutor | None = None) -> None:
    """Process every batch into `parts_dir/<batch number>/`, in parallel when the run is large enough (on `pool`
    when one is given, already started; it is shut down at the end, so its workers' memory is freed before the
    caller publishes)."""
    workers = worker_count(workers)
    n_jobs = sum(len(b) for b in batches)
    failed: list[tuple[int, list[Job]]] = []
    in_process = not runs_in_workers(n_jobs, workers)

    def done(summary: BatchSummary) -> None:
        if on_batch:
            on_batch(summary)

    if in_process:
        for i, batch in enumerate(batches):
            try:
                summary = process_batch(batch, parts_dir / f"{i:06d}")
            except PartsWriteError:
                raise
            except Exception:
                failed.append((i, batch))
                continue
            done(summary)  # outside the try: an error of the caller's (loading the batch) is not the batch's
    else:
        with pool if pool is not None else worker_pool(workers) as pool:
            running: dict[Future, tuple[int, list[Job]]] = {}
            queue = list(enumerate(batches))
            while queue or running:
                while queue and len(running) < 2 * workers:  # a bounded queue: memory stays flat
                    i, batch = queue.pop(0)
                    running[pool.submit(process_batch, batch, parts_dir / f"{i:06d}")] = (i, batch)
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    i, batch = running.pop(future)
                    try:
                        summary = future.result()
                    except PartsWriteError:
                        raise
                    except BrokenProcessPool:
                        failed.append((i, batch))
                        failed.extend(running.values())
                        failed.extend(queue)
                        running.clear()
                        queue.clear()
                        break
                    except Exception:
                        failed.append((i, batch))
                    else:
                        done(summary)  # an error of the caller's (loading the batch) is not the batch's
    for i, batch in failed:
        shutil.rmtree(parts_dir / f"{i:06d}", ignore_errors=True)  # whatever part of it was written
        for k, job in enumerate(batch):
            done(_retry_alone(job, parts_dir / f"{i:06d}-retry-{k:05d}", in_process))
