"""Instructions per report of `batch_tables`, counted by valgrind (callgrind): a speed measure the machine's load
does not move, for A/B comparisons on a shared machine where CPU time varies by ±25 % between identical runs.

    python scripts/count_instructions.py RAW [N] [--tree DIR]

Runs `batch_tables` under callgrind twice in child processes — the 64 warm-up reports only, then the warm-up plus
a batch of N reports (default 256) spread over RAW — and prints (second − first) / N: instructions per report,
imports and warm-up excluded. Each run takes ~50× its normal time (N = 256: about a minute). `--tree` measures
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
WARM_UP = 64
CHILD = f"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipeline.ingest import batch_tables, plan_jobs
from pipeline.reading.discovery import discover_raw_files
raw, n = Path(sys.argv[2]), int(sys.argv[3])
jobs = plan_jobs(discover_raw_files(raw), raw)
batch_tables(jobs[:{WARM_UP}])
if n:
    batch_tables(jobs[{WARM_UP}::max(1, (len(jobs) - {WARM_UP}) // n)][:n])
"""


def instructions(tree: Path, raw: Path, n: int) -> int:
    """Instructions callgrind counts for the child: the warm-up, plus n reports when n > 0."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", CHILD,
           str(tree), str(raw), str(n)]
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
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    base = instructions(args.tree, args.raw, 0)
    total = instructions(args.tree, args.raw, args.n)
    print(f"{args.tree}: {(total - base) / args.n / 1e6:.2f} M instructions per report "
          f"({args.n} reports of {args.raw}, after {WARM_UP} warm-up reports)")


if __name__ == "__main__":
    main()
