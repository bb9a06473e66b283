"""Benchmark: validate_facts over the fact frames of N synthetic reports (default 10,000).

    .venv/bin/python scripts/bench_validate.py [--reports 10000] [--broken 0.01] [--narrative 2000]

Shapes follow real reports: table 三 with 23 (2019) or 25 (2021) rows × 7 applicant columns, table 四
with 15 cells, table 二 with 22 cells; every table adds up except in a `--broken` share of reports,
where one cell is off by one. Issuers have 10 consecutive years each, so the cross-year joins work.
The narrative check needs report texts and is timed apart, on copies of the seed reports' text.
Prints seconds and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import frames  # noqa: E402
from pipeline.validation.narrative import check_narrative  # noqa: E402
from pipeline.validation.rules import validate_facts  # noqa: E402
from schemas.facts import APPLICANT_PARTS, OTHER_SUB_ROWS, OUTCOME_ROWS, PROCEEDINGS, REVIEW_PARTS  # noqa: E402

YEARS_PER_ISSUER = 10


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _rand(modulus: int, *salt: pl.Expr | int) -> pl.Expr:
    """A deterministic pseudo-random integer in [0, modulus) per row (polars hash; no numpy needed)."""
    return (pl.concat_str([pl.lit(str(s)) if isinstance(s, int) else s.cast(pl.String) for s in salt], separator="|")
            .hash(seed=7) % modulus).cast(pl.Int64)


def _codes(name: str, values) -> pl.DataFrame:
    return pl.DataFrame({name: list(values), f"{name}_i": list(range(len(values)))})


def synth_requests(ids: pl.DataFrame) -> pl.DataFrame:
    """Table 三 that balances: outcome cells random, totals and the balance derived from them."""
    outcome = (
        ids.join(_codes("row_code", [*OUTCOME_ROWS, "other", *OTHER_SUB_ROWS]), how="cross")
        .filter(
            pl.col("row_code").is_in(OUTCOME_ROWS)
            | (pl.col("is_2021") & pl.col("row_code").is_in(OTHER_SUB_ROWS))
            | (~pl.col("is_2021") & (pl.col("row_code") == "other"))
        )
        .join(_codes("applicant", APPLICANT_PARTS), how="cross")
        .with_columns(value=_rand(4, pl.col("k"), pl.col("row_code_i"), pl.col("applicant_i")))
    )
    per_column = outcome.group_by("report_id", "k", "broken", "applicant").agg(processed=pl.col("value").sum())
    per_column = per_column.with_columns(  # this year's 上年结转 = last year's 结转下年度 (same issuer)
        carried_forward=_rand(3, pl.col("k"), pl.col("applicant")),
        carried_over=pl.min_horizontal(_rand(3, pl.col("k") - 1, pl.col("applicant")), pl.col("processed")),
    ).with_columns(new_received=pl.col("processed") + pl.col("carried_forward") - pl.col("carried_over"))
    balance_rows = per_column.unpivot(
        index=["report_id", "k", "broken", "applicant"],
        on=["new_received", "carried_over", "processed", "carried_forward"],
        variable_name="row_code", value_name="value",
    ).with_columns(pl.col("row_code").replace({"processed": "total_processed"}))
    parts = pl.concat([
        outcome.select("report_id", "broken", "row_code", "applicant", "value"),
        balance_rows.select("report_id", "broken", "row_code", "applicant", "value"),
    ])
    totals = parts.group_by("report_id", "broken", "row_code").agg(pl.col("value").sum()).with_columns(
        applicant=pl.lit("total"))
    df = pl.concat([parts, totals.select(parts.columns)]).with_columns(
        value=pl.when(pl.col("broken") & (pl.col("row_code") == "disclosed")
                      & (pl.col("applicant") == "natural_person"))
        .then(pl.col("value") + 1).otherwise(pl.col("value"))
    ).sort("report_id", maintain_order=True)
    return frames.conform(df.with_columns(raw_text=pl.col("value").cast(pl.String)), "fact_requests")


def synth_review(ids: pl.DataFrame) -> pl.DataFrame:
    parts = (
        ids.join(_codes("proceeding", PROCEEDINGS), how="cross")
        .join(_codes("outcome", REVIEW_PARTS), how="cross")
        .with_columns(value=_rand(3, pl.col("k"), pl.col("proceeding_i"), pl.col("outcome_i")))
    )
    totals = parts.group_by("report_id", "broken", "proceeding").agg(pl.col("value").sum()).with_columns(
        outcome=pl.lit("total"),
        value=pl.col("value") + (pl.col("broken") & (pl.col("proceeding") == "administrative_review")).cast(pl.Int64),
    )
    cols = ["report_id", "proceeding", "outcome", "value"]
    df = pl.concat([parts.select(cols), totals.select(cols)]).sort("report_id", maintain_order=True)
    return frames.conform(df.with_columns(raw_text=pl.col("value").cast(pl.String)), "fact_review_results")


PROACTIVE_CELLS = [
    ("20.1", "regulation", "new_made"), ("20.1", "regulation", "new_published"),
    ("20.1", "regulation", "total_published"), ("20.1", "normative_document", "new_made"),
    ("20.1", "normative_document", "new_published"), ("20.1", "normative_document", "total_published"),
    *((a, i, m) for a, i in (("20.5", "administrative_license"), ("20.5", "other_management_service"),
                             ("20.6", "administrative_penalty"), ("20.6", "administrative_coercion"))
      for m in ("prev_year_items", "change", "decisions")),
    ("20.8", "administrative_fee", "prev_year_items"), ("20.8", "administrative_fee", "change"),
    ("20.9", "centralized_procurement", "procurement_items"),
    ("20.9", "centralized_procurement", "procurement_amount"),
]


def synth_proactive(ids: pl.DataFrame) -> pl.DataFrame:
    cells = pl.DataFrame(PROACTIVE_CELLS, schema=["article", "item", "measure"], orient="row").with_row_index("c")
    df = ids.join(cells, how="cross").with_columns(
        value=(_rand(5000, pl.col("k"), pl.col("c")) - pl.when(pl.col("measure") == "change").then(2500)
               .otherwise(0)).cast(pl.Float64),
        unit=pl.when(pl.col("measure") == "procurement_amount").then(pl.lit("yuan")).otherwise(pl.lit("count")),
    )
    return frames.conform(df, "fact_proactive_disclosure")


def synth(n: int, broken_share: float):
    ids = pl.DataFrame({"k": range(n)}).with_columns(
        report_id=pl.format("r{}", pl.col("k").cast(pl.String).str.zfill(6)),
        is_2021=pl.col("k") % 2 == 1,
        broken=_rand(1_000_000, pl.col("k"), 99) < int(broken_share * 1_000_000),
    )
    facts = {
        "fact_requests": synth_requests(ids),
        "fact_review_results": synth_review(ids),
        "fact_proactive_disclosure": synth_proactive(ids),
        "fact_legacy_indicators": frames.empty("fact_legacy_indicators"),
    }
    reports = frames.conform(ids.select(
        "report_id",
        issuer=pl.format("第{}号市人民政府", pl.col("k") // YEARS_PER_ISSUER),
        report_year=2015 + pl.col("k") % YEARS_PER_ISSUER,
        template=pl.when(pl.col("is_2021")).then(pl.lit("gov2021")).otherwise(pl.lit("gov2019")),
    ), "reports")
    return facts, reports, int(ids["broken"].sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--broken", type=float, default=0.01, help="share of reports with one broken cell")
    ap.add_argument("--narrative", type=int, default=2_000, help="reports whose text the narrative check reads")
    args = ap.parse_args()

    t0 = time.perf_counter()
    facts, reports, n_broken = synth(args.reports, args.broken)
    t1 = time.perf_counter()
    print(f"synthesized {args.reports} reports ({n_broken} broken): "
          + ", ".join(f"{t} {df.height:,} rows" for t, df in facts.items() if df.height)
          + f" in {t1 - t0:.2f} s")

    validate_facts(facts, reports.head(10), {})  # warm up (imports, pandera schema build)
    t2 = time.perf_counter()
    issues = validate_facts(facts, reports, {})
    t3 = time.perf_counter()
    by_rule = dict(issues.group_by("rule_id").len().sort("rule_id").iter_rows())
    print(f"validate_facts (tables + cross-year, no narrative): {t3 - t2:.2f} s, {issues.height} issues {by_rule}")

    seeds = sorted((Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds").glob("*.txt"))
    from pipeline.reading.files import read_report

    seed_texts = [read_report(p).text for p in seeds]
    ids = reports["report_id"].head(args.narrative).to_list()
    texts = {rid: seed_texts[i % len(seed_texts)] for i, rid in enumerate(ids)}
    n_chars = sum(len(t) for t in texts.values())
    t4 = time.perf_counter()
    narrative = check_narrative(facts, reports, texts)
    t5 = time.perf_counter()
    print(f"narrative over {len(texts)} texts ({n_chars / 1e6:.1f} M chars): {t5 - t4:.2f} s "
          f"({(t5 - t4) / len(texts) * 1000:.2f} ms per report), {narrative.height} warnings")
    print(f"peak resident memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
