"""Table extraction gives the same output as another tree's code on report texts broken on purpose.

    .venv/bin/python scripts/check_same_mutated.py BASE_TREE [SEED]

check_same_tables.py compares clean reports, on which the extractors' rare paths (duplicated rows, cells that
are no number, amounts without a unit, footers or stray lines inside a table, unlabelled rows) never run. Here
1,500 reports of the n4000 corpus and every fixture report are each broken three ways at random (1 to 4 edits
of their table lines, see `mutate`), and `gov_table_columns` / `report_table_columns` of both codes must give
the same columns and issues (crashes compared by message). Prints how often each extract.* issue fired, so
that one can see the rare paths were taken.
"""

from __future__ import annotations

import importlib
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from ab_base import load_base  # noqa: E402
from check_same_tables import CORPORA, FIXTURES, read_batches  # noqa: E402

from pipeline import tables  # noqa: E402
from pipeline.tables import gov  # noqa: E402
from pipeline.tables.grid import text_rows  # noqa: E402
from pipeline.tables.layouts import find_table_sections  # noqa: E402

#: what a mutated cell may become
CELLS = ["3.5", "abc", "12万元", "1,234", "-", "", " ", "增5", "8493.52万元", "100元", "—", "0", "7", "减3", "x1"]
#: lines slipped into a table
STRAY = ["- 3 -", "\t- 3 -", "   ", "— 12 —", "", "\t", "续表", "（续）", "a\tb\tc", "\t1\t2", "数量"]


def mutate(text: str, rng: random.Random) -> str:
    """1 to 4 edits of the text's table lines: a number replaced, a line printed twice (or with another number),
    a line dropped, units dropped, a stray line slipped in, a separator removed, a label reworded."""
    lines = text.split("\n")
    rows = [r for section in find_table_sections(text_rows(text)).values() for r in section]
    for _ in range(rng.randint(1, 4) if rows else 0):
        k = rng.choice(rows).line - 1
        if k >= len(lines):
            continue
        line, edit = lines[k], rng.randrange(7)
        if edit == 0 and (numbers := list(re.finditer(r"\d+(?:\.\d+)?", line))):
            m = rng.choice(numbers)
            lines[k] = line[: m.start()] + rng.choice(CELLS) + line[m.end():]
        elif edit == 1:
            again = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), line, count=1) if rng.random() < 0.5 else line
            lines.insert(k + 1, again)
        elif edit == 2:
            del lines[k]
        elif edit == 3:
            lines[k] = line.replace("（单位:万元）", "").replace("万元", "")
        elif edit == 4:
            lines.insert(k + 1, rng.choice(STRAY))
        elif edit == 5:
            lines[k] = line.replace("\t", "", 1) if "\t" in line else line.replace("|", "", 1)
        else:
            lines[k] = line.replace("其他", "其它", 1).replace("公开", "公 开", 1)
    return "\n".join(lines)


def _outcome(f, *args):
    try:
        facts, issues = f(*args)
    except Exception as exc:  # noqa: BLE001 (a crash is an outcome to compare)
        return repr(exc)
    return {table: columns.lists for table, columns in facts.items()}, issues


def main() -> int:
    base = load_base(sys.argv[1])
    base_tables = importlib.import_module(f"{base.__name__}.tables")
    base_gov = importlib.import_module(f"{base.__name__}.tables.gov")
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    reports = [r for batch in read_batches(CORPORA["n4000"]) for r in batch if r.text is not None]
    reports = [r for r in reports if r.row["template"] in tables.GOV_TEMPLATES][:1500]
    reports += [r for batch in read_batches(FIXTURES) for r in batch if r.text is not None]
    fired: Counter[str] = Counter()
    compared = differ = 0
    for report in reports:
        rid, template = report.row["report_id"], report.row["template"]
        for _ in range(3):
            text = mutate(report.text, rng)
            pairs = [(base_gov.gov_table_columns, gov.gov_table_columns, (text, rid)),
                     (base_tables.report_table_columns, tables.report_table_columns, (text, rid, template))]
            for old, new, args in pairs:
                was, now = _outcome(old, *args), _outcome(new, *args)
                compared += 1
                if was != now:
                    differ += 1
                    if differ <= 3:
                        print(f"DIFF {rid}: {str(was)[:300]}\n  now {str(now)[:300]}")
                elif isinstance(now, tuple):
                    fired.update(issue["rule_id"] for issue in now[1])
    print(dict(fired.most_common()))
    print(f"{compared} extractions of mutated texts compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
