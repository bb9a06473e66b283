"""Equivalence check for speed work: the batch tables and the reading functions must give exactly the same output.

    python scripts/check_same_output.py save    OUT_DIR [--batch N]   # with the unchanged code
    python scripts/check_same_output.py compare OUT_DIR [--batch N]   # after a change

For every raw folder (each fixture folder under tests/fixtures, and the generated corpora), `batch_tables` runs in
batches of N reports (256 unless told); every warehouse table of every batch is concatenated and stored as Parquet
(`ingested_at` and `code_version` dropped: the clock, the code's hash). While saving, the inputs and outputs of the functions of the reading
stage (normalize_text, strip_markers, infer_metadata, is_annual_report, split_sections, find_issuer, find_year)
are recorded; comparing calls the current functions on the recorded inputs. With a different --batch when
comparing, the tables are compared as sorted row sets (batching changes the order of rows, not the rows);
validation_issues always is (its row order already varied from run to run: group_by / unique without order).
`mutated` holds validate() over the facts of 512 generated reports broken on purpose (see `mutate`), so that
every rule family fires.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

import pipeline.ingest as ingest  # noqa: E402
import pipeline.reading.files as files  # noqa: E402
import pipeline.reading.metadata as metadata  # noqa: E402
from pipeline.reading import issuer, normalizing, provenance, sectioning  # noqa: E402
from pipeline.reading.discovery import discover_raw_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPORA = [*sorted(p for p in FIXTURES.iterdir() if p.is_dir()), Path("/tmp/bench/n1000/raw"),
           Path("/tmp/b9/n4000/raw")]

#: columns that differ by design: the clock, and the hash of the code (it changes with every edit)
VARYING = ["ingested_at", "code_version"]

#: (module where the pipeline looks the function up, name, module that defines it)
RECORDED = [
    (files, "normalize_text", normalizing),
    (files, "strip_markers", provenance),
    (ingest, "infer_metadata", metadata),
    (ingest, "is_annual_report", metadata),
    (ingest, "split_sections", sectioning),
    (metadata, "find_issuer", issuer),
    (metadata, "find_year", issuer),
]


#: the only objects a recorded call's arguments may hold besides JSON values (read back by name: no pickle)
ARGUMENT_TYPES = {"ReportMetadata": metadata.ReportMetadata}


def _encode(value):
    """A call's argument as JSON: dataclasses by name and fields, dicts as pairs (keys may be ints)."""
    if dataclasses.is_dataclass(value):
        return {"dataclass": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dict):
        return {"pairs": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict) and "dataclass" in value:
        return ARGUMENT_TYPES[value["dataclass"]](**{k: _decode(v) for k, v in value["fields"].items()})
    if isinstance(value, dict):
        return {_decode(k): _decode(v) for k, v in value["pairs"]}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _record(calls: dict[str, list]) -> None:
    """Record each reading function's arguments and the repr of its output (what the comparison checks)."""
    for module, name, _ in RECORDED:
        original = getattr(module, name)

        def wrapper(*args, _f=original, _name=name, **kwargs):
            out = _f(*args, **kwargs)
            calls[_name].append((_encode(list(args)), _encode(kwargs), repr(out)))
            return out

        setattr(module, name, wrapper)


def run_folder(raw: Path, batch: int) -> dict[str, pl.DataFrame]:
    jobs = ingest.plan_jobs(discover_raw_files(raw), raw)
    parts: dict[str, list[pl.DataFrame]] = {}
    for i in range(0, len(jobs), batch):
        for table, df in ingest.batch_tables(jobs[i:i + batch]).items():
            parts.setdefault(table, []).append(df.drop(VARYING, strict=False))
    return {t: pl.concat(dfs, how="vertical") for t, dfs in parts.items()}


def mutate(df: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Break a fact frame the ways the rules look for: values off by one, blank, negative; duplicated rows;
    unknown and blank codes (the generated corpora are consistent, so without this few rules would fire)."""
    if df.height == 0:
        return df
    n = df.height
    draw = pl.Series(__import__("random").Random(seed).choices(range(100), k=n))
    value = pl.col("value")
    out = df.with_columns(
        pl.when(draw < 3).then(value + 1).when(draw < 5).then(None).when(draw < 6).then(-value - 1)
        .otherwise(value).alias("value"))
    code = next(c for c in ("row_code", "outcome", "measure", "indicator_code") if c in df.columns)
    out = out.with_columns(pl.when(draw == 7).then(pl.lit("bogus")).when(draw == 9).then(None)
                           .otherwise(pl.col(code)).alias(code))
    return pl.concat([out, out.filter(draw == 8)])


def mutated_validation(raw: Path) -> dict[str, pl.DataFrame]:
    """validate() and the reports frame over the first batches of a corpus with its facts broken by `mutate`."""
    jobs = ingest.plan_jobs(discover_raw_files(raw), raw)[:512]
    reports = [ingest.read_one(job.raw, job.override, job.problems) for job in jobs]
    extraction = ingest.extract_tables(reports)
    extraction.facts = {t: mutate(df, k) for k, (t, df) in enumerate(sorted(extraction.facts.items()))}
    issues = ingest.validate(reports, extraction, cross_year=False)
    issues_cy = ingest.validate(reports, extraction, cross_year=True)
    frame = ingest.build_reports_frame(reports, extraction, issues).drop("ingested_at")
    return {"validation_issues": issues, "validation_issues_cross_year": issues_cy, "reports": frame}


def _same(a: pl.DataFrame, b: pl.DataFrame, as_sets: bool) -> bool:
    if as_sets:
        if a.schema != b.schema:
            return False
        cols = a.columns
        a, b = a.sort(cols, nulls_last=True), b.sort(cols, nulls_last=True)
    return a.equals(b, null_equal=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["save", "compare"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--only", default=None, help="only folders whose path contains this")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    calls: dict[str, list] = {name: [] for _, name, _ in RECORDED}
    if args.mode == "save":
        _record(calls)
    ok = True
    for n, raw in enumerate(CORPORA):
        if args.only and args.only not in str(raw):
            continue
        t = time.process_time()
        tables = run_folder(raw, args.batch)
        folder = args.out / f"{n:02d}"
        folder.mkdir(exist_ok=True)
        for table, df in tables.items():
            path = folder / f"{table}.parquet"
            if args.mode == "save":
                df.write_parquet(path)
            else:
                saved = pl.read_parquet(path).drop(VARYING, strict=False)
                same = _same(saved, df, as_sets=args.batch != 256 or table == "validation_issues")
                ok &= same
                if not same:
                    print(f"DIFFERENT {raw} {table}: saved {saved.shape} now {df.shape}")
        if args.mode == "compare":
            missing = {p.stem for p in folder.glob("*.parquet")} - set(tables)
            if missing:
                ok = False
                print(f"DIFFERENT {raw}: tables missing now {missing}")
        print(f"{raw}: {sum(df.height for df in tables.values())} rows, {time.process_time() - t:.1f} s CPU",
              flush=True)
    if not args.only:
        folder = args.out / "mutated"
        folder.mkdir(exist_ok=True)
        for table, df in mutated_validation(CORPORA[-2]).items():
            path = folder / f"{table}.parquet"
            if args.mode == "save":
                df.write_parquet(path)
                print(f"mutated {table}: {df.height} rows")
            else:
                same = _same(pl.read_parquet(path), df, as_sets=table.startswith("validation_issues"))
                ok &= same
                print(f"mutated {table}: {'same' if same else 'DIFFERENT'}")
    calls_path = args.out / "calls.json"
    if args.mode == "save" and not args.only:
        calls_path.write_text(json.dumps(calls, ensure_ascii=False), "utf-8")
    elif args.mode == "compare" and calls_path.exists():
        saved_calls = json.loads(calls_path.read_text("utf-8"))
        for _, name, home in RECORDED:
            f = getattr(home, name)
            bad = sum(repr(f(*_decode(a), **_decode(k))) != out for a, k, out in saved_calls[name])
            ok &= not bad
            print(f"{name}: {len(saved_calls[name])} calls, {bad} different")
    print("SAME" if ok else "DIFFERENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
