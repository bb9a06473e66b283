"""End-to-end benchmark of the main job on generated corpora: reports/s, peak memory, time per stage, re-runs.

    .venv/bin/python scripts/bench_pipeline.py [--sizes 1000,4000,10000] [--seed 0] [--work DIR] [--keep]

For each size, a corpus is generated (scripts/generate_corpus.py: every layout, both templates, issuers × years)
and the whole pipeline runs on it in a fresh child process (`run_pipeline` into a new warehouse, which prints its
RunResult as JSON), while this process samples VmRSS of the child and all its descendants (the reading workers)
every 0.1 s and keeps the largest sum. Per size it prints wall time, reports/s, the CPU seconds (user + system) of
the whole process tree, peak RSS of the tree and the seconds per stage (plan/publish are wall time;
read/extract/validate/write are summed over the batches, so CPU seconds over both workers). The child also times
the floor, after the job: reading and decoding the same files, nothing else; the wall time and CPU reported are the
child's whole life (start, imports, the job) minus that floor.

At the largest size of at least 10,000 it also runs the job again on the unchanged folder, and again after 1 % of
the files changed (0.25 % each added, edited, deleted and renamed). With sizes 1,000 and 4,000 it prints issue
#9's numbers: the marginal rate (3,000 / (t4000 − t1000)), the floor's rate, and their ratio. `--repeat K` runs the
1,000 and 4,000 pair K times, alternated, and prints every marginal rate and their median: the host moves wall time
by up to ±40 %, so one pair says little.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import generate_corpus  # noqa: E402

STAGES = ("plan", "read", "extract", "validate", "write", "load", "publish")
CHURN_KINDS = ("added", "edited", "deleted", "renamed")


# ------------------------------------------------------------------------------------------------ child


def decode_floor(raw: Path) -> float:
    """Seconds to read and decode every report file (UTF-8, else GB18030): the least any reader must do."""
    t0 = time.perf_counter()
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                data.decode("gb18030")
    return time.perf_counter() - t0


def child(raw: Path, warehouse: Path, floor: bool) -> None:
    from pipeline.run import run_pipeline

    result = run_pipeline(raw, warehouse)
    out = {"seconds": result.seconds, "todo": len(result.plan.todo), "gone": len(result.plan.gone),
           "renamed": len(result.plan.renames), "published": result.published,
           "stages": dict(result.stage_seconds), "statuses": dict(result.statuses)}
    if floor:
        out["floor_seconds"] = decode_floor(raw)
    print(json.dumps(out))


# ------------------------------------------------------------------------------------------------ parent


def _tree(pid: int) -> list[int]:
    """pid and all its descendants, from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_child(raw: Path, warehouse: Path, floor: bool = False) -> dict:
    """Run the pipeline in a fresh process; return its JSON plus wall time and peak RSS (MB) of its tree."""
    cmd = [sys.executable, __file__, "--child", str(raw), str(warehouse)] + (["--floor"] if floor else [])
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(_rss_kb(p) for p in _tree(proc.pid)))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"the pipeline failed on {raw}:\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    floor = result.get("floor_seconds", 0.0)  # the floor is not the job
    result.update(wall=wall - floor, cpu=_children_cpu() - cpu0 - floor, peak_mb=peak / 1024)
    return result


def _children_cpu() -> float:
    """User + system CPU seconds of the finished children and all their waited-for descendants (the workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def churn(raw: Path, n: int, seed: int, share: float = 0.0025) -> dict[str, int]:
    """Add, edit, delete and rename `share` of the files each (deterministically); return how many of each."""
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    k = max(1, round(n * share))
    step = max(1, len(files) // (3 * k))
    picked = files[::step][: 3 * k]
    edited, deleted, renamed = picked[0::3], picked[1::3], picked[2::3]
    for path in edited:  # a changed number of prose: new bytes, the same report
        data = path.read_bytes()
        path.write_bytes(data + (b"<!-- edited -->\n" if path.suffix == ".html" else "\n（本报告已更新）\n".encode(
            "gb18030" if "traditional" in path.name else "utf-8")))
    for path in deleted:
        path.unlink()
    for path in renamed:
        path.rename(path.with_name("moved_" + path.name))
    generate_corpus.generate(k, raw, seed=seed, start=n)
    return dict(zip(CHURN_KINDS, (k, len(edited), len(deleted), len(renamed)), strict=True))


def corpus(work: Path, n: int, seed: int) -> Path:
    """The generated corpus of size n (reused when a complete one is already there)."""
    raw = work / f"n{n}" / "raw"
    done = raw.parent / "complete"
    if not done.exists():
        shutil.rmtree(raw.parent, ignore_errors=True)
        t0 = time.perf_counter()
        generate_corpus.generate(n, raw, seed=seed)
        done.write_text(f"{time.perf_counter() - t0:.1f}\n")
    return raw


def row(label: str, n: int, r: dict) -> str:
    stages = " | ".join(f"{r['stages'].get(s, 0):.1f}" for s in STAGES)
    return (f"| {label} | {n:,} | {r['wall']:.1f} | {n / r['wall']:.0f} | {r['cpu']:.1f} | {r['peak_mb']:.0f} "
            f"| {stages} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,4000,10000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=None, help="where corpora are generated (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora (for a later run)")
    parser.add_argument("--repeat", type=int, default=1, help="run the 1,000/4,000 pair this many times (alternated)")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, floor=args.floor)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}, corpora in {work}\n")
    print("| run | reports | wall s | reports/s | CPU s (tree) | peak RSS MB (tree) | "
          + " | ".join(f"{s} s" for s in STAGES) + " |")
    print("|---|---:|---:|---:|---:|---:|" + "---:|" * len(STAGES))
    first: dict[int, dict] = {}
    big = max((n for n in sizes if n >= 10_000), default=None)
    marginals: list[float] = []
    cpu_per_report: list[float] = []
    try:
        for attempt in range(max(1, args.repeat)):
            for n in sizes if attempt == 0 else (1000, 4000):
                raw = corpus(work, n, args.seed)
                warehouse = raw.parent / "ogi.duckdb"
                for stale in raw.parent.glob("ogi.duckdb*"):
                    shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink()
                first[n] = run_child(raw, warehouse, floor=True)
                print(row("first run", n, first[n]), flush=True)
                if n == big and attempt == 0:
                    again = run_child(raw, warehouse)
                    print(row("no change", n, again), flush=True)
                    counts = churn(raw, n, args.seed)
                    changed = run_child(raw, warehouse)
                    label = "1 % churn (" + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")"
                    print(row(label, n, changed), flush=True)
                    (raw.parent / "complete").unlink(missing_ok=True)  # the folder is no longer the generated one
            if 1000 in first and 4000 in first:
                marginals.append(3000 / (first[4000]["wall"] - first[1000]["wall"]))
                cpu_per_report.append((first[4000]["cpu"] - first[1000]["cpu"]) / 3000 * 1000)
        print()
        for n, r in first.items():
            print(f"floor at {n:,}: read + decode {r['floor_seconds']:.2f} s ({n / r['floor_seconds']:,.0f} files/s); "
                  f"statuses {r['statuses']}")
        if marginals:
            dt = first[4000]["wall"] - first[1000]["wall"]
            floor_rate = 3000 / (first[4000]["floor_seconds"] - first[1000]["floor_seconds"])
            print(f"\nmarginal rate (3,000 / (t4000 − t1000) = 3,000 / {dt:.2f} s): {marginals[-1]:,.0f} reports/s; "
                  f"floor {floor_rate:,.0f} files/s; floor / marginal = {floor_rate / marginals[-1]:.0f}×")
            if len(marginals) > 1:
                print("marginal rates of the " + str(len(marginals)) + " pairs: "
                      + ", ".join(f"{m:,.0f}" for m in marginals) + f"; median {statistics.median(marginals):,.0f}")
            print("marginal CPU of the process tree, ms per report: "
                  + ", ".join(f"{c:.2f}" for c in cpu_per_report) + f"; median {statistics.median(cpu_per_report):.2f}")
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
