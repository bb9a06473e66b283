"""Time the flat-cell solver (pipeline.tables.flat): ms per table on the real crawler texts and on generated tables.

    .venv/bin/python scripts/bench_flat.py [n_generated]

Generated tables satisfy the templates' arithmetic (table 三 with random applicant counts, table 四), with values
drawn from a realistic range (mostly 0, counts up to 3 digits) and a wide one (up to 5 digits), flattened without
spaces. Prints, per set: tables, median / p95 / max ms, search steps, and how many were unique / ambiguous / given up.
The objects of the imports are frozen out of the garbage collector first (else one full collection of polars,
pandera & co, ~40 ms, lands on whichever table triggers it); the CPU max counts this process only, the wall
max also other processes' time slices on a shared machine.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from pathlib import Path

from pipeline.reading.files import read_report
from pipeline.tables.flat import COUNT, REVIEW_KEY, FlatRow, request_constraints, review_constraints, solve
from pipeline.tables.gov import extract_gov_tables
from pipeline.tables.labels import codes
from schemas.facts import OUTCOME_ROWS

TEXT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus" / "text"


def _count(rng: random.Random, wide: bool) -> int:
    if rng.random() < 0.6:
        return 0
    return rng.randint(0, 99_999 if wide else 999) if rng.random() < 0.3 else rng.randint(1, 30)


def requests_table(rng: random.Random, wide: bool) -> list[FlatRow]:
    rows = (*OUTCOME_ROWS, "other")
    table = {r: [_count(rng, wide) for _ in range(6)] for r in rows}
    table["total_processed"] = [sum(table[r][c] for r in rows) for c in range(6)]
    table["carried_forward"] = [rng.randint(0, 5) for _ in range(6)]
    table["carried_over"] = [rng.randint(0, 5) for _ in range(6)]
    table["new_received"] = [max(0, table["total_processed"][c] + table["carried_forward"][c]
                                 - table["carried_over"][c]) for c in range(6)]
    table["carried_over"] = [table["total_processed"][c] + table["carried_forward"][c] - table["new_received"][c]
                             for c in range(6)]
    order = [c for c in codes("request_row", "gov2019") if c in table]
    return [FlatRow(r, "".join(str(v) for v in (*table[r], sum(table[r]))), (COUNT,) * 7) for r in order]


def review_table(rng: random.Random, wide: bool) -> list[FlatRow]:
    cells = []
    for _ in range(3):
        block = [_count(rng, wide) for _ in range(4)]
        cells += [*block, sum(block)]
    return [FlatRow(REVIEW_KEY, "".join(map(str, cells)), (COUNT,) * 15)]


def run(name: str, tables, constraints) -> None:
    times, cpu, steps, status = [], [], [], {}
    for rows in tables:
        start, start_cpu = time.perf_counter(), time.process_time()
        solution = solve(rows, constraints(rows))
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        steps.append(solution.steps)
        status[solution.status] = status.get(solution.status, 0) + 1
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1] if len(times) > 1 else times[0]
    print(f"{name:28s} n={len(times):4d}  median {statistics.median(times):7.2f} ms  p95 {p95:7.2f} ms  "
          f"max {times[-1]:8.2f} ms  (CPU max {max(cpu):6.2f} ms)  steps median {int(statistics.median(steps))}  {status}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    gc.freeze()  # the imported libraries' objects: a full collection of them (~40 ms) is no table's own time
    for name in ("005_pingtan_zone_2019_flat.txt", "007_pingtan_zone_2024_flat.txt"):
        text = read_report(TEXT / name).text
        start = time.perf_counter()
        for _ in range(20):
            extract_gov_tables(text, "b")
        print(f"{name:28s} tables 二/三/四 read and solved: {(time.perf_counter() - start) / 20 * 1000:.2f} ms/report")
    rng = random.Random(12)
    for wide in (False, True):
        label = "wide" if wide else "realistic"
        run(f"table 三, {label}", [requests_table(rng, wide) for _ in range(n)],
            lambda rows: request_constraints([r.key for r in rows]))
        run(f"table 四, {label}", [review_table(rng, wide) for _ in range(n)], lambda rows: review_constraints())


if __name__ == "__main__":
    main()
