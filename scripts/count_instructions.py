"""Instructions per report of `batch_tables`, counted by valgrind (callgrind): a speed measure the machine's load
does not move, for A/B comparisons on a shared machine where CPU time varies by ±25 % between identical runs.

    python scripts/count_instructions.py RAW [N] [--tree DIR] [--warm-up W]

Runs `batch_tables` under callgrind twice in child processes — the W warm-up reports only (default 64), then the
warm-up plus a batch of N reports (default 256) spread over RAW — and prints (second − first) / N: instructions per
report, imports and warm-up excluded. The table reader learns a layout's key on its second sighting and compiles a
pattern for it (~22 ms, pipeline.tables.by_text): a long-running worker pays that once, so `--warm-up 512` counts
what a report costs once the layouts are known. Each run takes ~50× its normal time (N = 256: about a minute). `--tree` measures
another checkout (e.g. a `git worktree` of the base commit) with this interpreter. Instructions are not seconds
(cache misses, branch mispredictions and memory bandwidth are not in them), but a change that removes work
removes instructions, whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipeline.ingest import batch_tables, plan_jobs
from pipeline.reading.discovery import discover_raw_files
raw, n, warm_up = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
jobs = plan_jobs(discover_raw_files(raw), raw)
batch_tables(jobs[:warm_up])
if n:
    batch_tables(jobs[warm_up::max(1, (len(jobs) - warm_up) // n)][:n])
"""


def instructions(tree: Path, raw: Path, n: int, warm_up: int) -> int:
    """Instructions callgrind counts for the child: the warm-up, plus n reports when n > 0."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", CHILD,
           str(tree), str(raw), str(n), str(warm_up)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    found = re.search(r"Collected\s*:\s*(\d+)", out)
    if found is None:
        raise RuntimeError(f"callgrind printed no total:\n{out[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("n", type=int, nargs="?", default=256)
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--warm-up", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    base = instructions(args.tree, args.raw, 0, args.warm_up)
    total = instructions(args.tree, args.raw, args.n, args.warm_up)
    print(f"{args.tree}: {(total - base) / args.n / 1e6:.2f} M instructions per report "
          f"({args.n} reports of {args.raw}, after {args.warm_up} warm-up reports)")


if __name__ == "__main__":
    main()
