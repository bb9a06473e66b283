"""Table extraction gives exactly the same output as a recorded baseline (issue #9's table-extraction work).

    .venv/bin/python scripts/check_same_tables.py record   # with the unchanged code: store the outputs
    .venv/bin/python scripts/check_same_tables.py compare  # after a change: recompute and compare

The recording goes to $OGI_CHECK_DIR (default /tmp/ext_check).

Inputs: every fixture under tests/fixtures (read once) and the generated corpora /tmp/bench/n1000/raw and
/tmp/b9/n4000/raw, read in batches of 256 as the main job does (read again by each mode: nothing is loaded
back from disk but Parquet and JSON).

Outputs compared:
- `extract_tables` per batch (corpora) and over all fixtures: every fact frame (`df.equals`, schema included),
  the issues frame and the crashed reports;
- per fixture text: `extract_gov_tables` and `extract_legacy_indicators` (frames and issues), and the rows of
  `find_table_sections(text_rows(text))`.
Frames are stored as Parquet, issues and rows as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import ingest  # noqa: E402
from pipeline.reading.discovery import discover_raw_files  # noqa: E402
from pipeline.tables.gov import extract_gov_tables  # noqa: E402
from pipeline.tables.grid import text_rows  # noqa: E402
from pipeline.tables.layouts import find_table_sections  # noqa: E402
from pipeline.tables.legacy import extract_legacy_indicators  # noqa: E402

#: where the recording lives (OGI_CHECK_DIR: one per engineer, /tmp is shared)
OUT = Path(os.environ.get("OGI_CHECK_DIR", "/tmp/ext_check"))
CORPORA = {"n1000": Path("/tmp/bench/n1000/raw"), "n4000": Path("/tmp/b9/n4000/raw")}
FIXTURES = ROOT / "tests" / "fixtures"
BATCH = 256


def read_batches(raw: Path) -> list[list[ingest.ReportText]]:
    """The corpus read in batches of 256 (reading is not under test, only what follows it)."""
    jobs = ingest.plan_jobs(discover_raw_files(raw), raw)
    return [[ingest._read_job(j) for j in jobs[i : i + BATCH]] for i in range(0, len(jobs), BATCH)]


def _frame_outputs(prefix: str, extraction: ingest.Extraction) -> dict[str, object]:
    out: dict[str, object] = {f"{prefix}.{t}": df for t, df in extraction.facts.items()}
    out[f"{prefix}.issues"] = extraction.issues
    out[f"{prefix}.crashed"] = extraction.crashed
    return out


def _per_text_outputs(name: str, text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    facts, issues = extract_gov_tables(text, name)
    out.update({f"gov.{name}.{t}": df for t, df in facts.items()})
    out[f"gov.{name}.issues"] = issues
    facts, issues = extract_legacy_indicators(text, name)
    out.update({f"legacy.{name}.{t}": df for t, df in facts.items()})
    out[f"legacy.{name}.issues"] = issues
    sections = find_table_sections(text_rows(text))
    out[f"sections.{name}"] = {t: [[list(r.cells), r.line, r.layout] for r in rows] for t, rows in sections.items()}
    return out


def outputs() -> tuple[dict[str, object], float]:
    """Every output under test by key, and the CPU seconds `extract_tables` took over the corpora."""
    out: dict[str, object] = {}
    cpu = 0.0
    for name, raw in CORPORA.items():
        for k, batch in enumerate(read_batches(raw)):
            t0 = time.process_time()
            extraction = ingest.extract_tables(batch)
            cpu += time.process_time() - t0
            out.update(_frame_outputs(f"{name}.{k:03d}", extraction))
    fixtures = read_batches(FIXTURES)
    reports = [r for batch in fixtures for r in batch]
    out.update(_frame_outputs("fixtures", ingest.extract_tables(reports)))
    for r in reports:
        if r.text is not None:
            out.update(_per_text_outputs(r.row["source_path"].replace("/", "_"), r.text))
    return out, cpu


def _path(key: str, value: object) -> Path:
    return OUT / "base" / (key + (".parquet" if isinstance(value, pl.DataFrame) else ".json"))


def record() -> None:
    out, cpu = outputs()
    (OUT / "base").mkdir(parents=True, exist_ok=True)
    for key, value in out.items():
        if isinstance(value, pl.DataFrame):
            value.write_parquet(_path(key, value))
        else:
            _path(key, value).write_text(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))
    (OUT / "base" / "_keys.json").write_text(json.dumps(sorted(out)))
    print(f"recorded {len(out)} outputs; extract_tables {cpu:.2f} s CPU over the corpora")


def compare() -> int:
    out, cpu = outputs()
    keys = json.loads((OUT / "base" / "_keys.json").read_text())
    bad = []
    if sorted(out) != keys:
        bad.append(f"keys differ: missing {sorted(set(keys) - set(out))[:5]}, extra {sorted(set(out) - set(keys))[:5]}")
    for key in keys:
        if key not in out:
            continue
        value = out[key]
        if isinstance(value, pl.DataFrame):
            base = pl.read_parquet(_path(key, value))
            if value.schema != base.schema or not value.equals(base):
                bad.append(f"{key}: frame differs ({value.height} vs {base.height} rows)")
        else:
            now = json.loads(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))
            if now != json.loads(_path(key, value).read_text()):
                bad.append(f"{key}: differs")
    for line in bad[:30]:
        print(line)
    print(f"{len(keys)} outputs compared, {len(bad)} differ; extract_tables {cpu:.2f} s CPU over the corpora")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["record"]:
        record()
    elif sys.argv[1:] == ["compare"]:
        sys.exit(compare())
    else:
        sys.exit(__doc__)
