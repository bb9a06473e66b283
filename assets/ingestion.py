"""The pipeline as assets, in reading order: raw files in buckets → report_batches → the warehouse tables.

`report_batches` (partitioned by hash bucket) reads, extracts and validates the new and changed files of its
buckets into Parquet batches; `warehouse_tables` publishes every pending batch into the DuckDB warehouse in one
atomic step and shows each table as its own asset, with its rule-family checks. The work is in `pipeline`.
"""

import shutil
import warnings

import dagster as dg
import polars as pl

from assets.checks import RULE_FAMILY_CHECKS, family_results
from assets.partitions import bucket_of, raw_buckets
from assets.resources import PipelinePaths
from pipeline import frames
from pipeline.batching import run_batches
from pipeline.plan import batches, plan_run
from pipeline.run import batch_size_for
from pipeline.warehouse.catalog import TABLE_COMMENTS, comment_for
from pipeline.warehouse.load import Changes, connect, publish, published_state
from pipeline.warehouse.quality_report import write_quality_report

# one run covers every bucket (BackfillPolicy.single_run); the parameter is marked beta in dagster 1.13
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)

GROUP = "ogi"
WAREHOUSE_TABLES = ("reports", "report_sections", *frames.FACT_TABLES, "validation_issues")


def _preview(df: pl.DataFrame) -> dg.MetadataValue:
    with pl.Config(tbl_formatting="MARKDOWN", tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True,
                   fmt_str_lengths=60, tbl_width_chars=400, tbl_cols=-1):
        return dg.MetadataValue.md(str(df))


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns with their types and the descriptions the warehouse carries as COMMENT ON."""
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype), description=comment_for(table, name))
                                   for name, dtype in frames.TABLE_SCHEMAS[table].items()])


@dg.asset(group_name=GROUP, partitions_def=raw_buckets, backfill_policy=dg.BackfillPolicy.single_run(),
          kinds={"polars", "parquet"},
          description="New and changed raw files of the bucket(s), read, extracted and validated into Parquet batches.")
def report_batches(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    state, notes = published_state(paths.warehouse_path)
    plan = plan_run(paths.raw_path, state)
    wanted = set(context.partition_keys)
    jobs = [job for job in plan.todo if bucket_of(job.raw.source_path) in wanted]
    for note in notes:
        context.log.warning(note)
    out = paths.parts_path / f"{min(wanted)}-{max(wanted)}"
    shutil.rmtree(out, ignore_errors=True)
    statuses: dict[str, int] = {}

    def on_batch(summary) -> None:
        for _, status in summary.statuses:
            statuses[status] = statuses.get(status, 0) + 1
        context.log.info(f"{sum(statuses.values())}/{len(jobs)} reports processed")

    run_batches(batches(jobs, batch_size_for(len(jobs))), out, on_batch)
    return dg.MaterializeResult(metadata={
        "processed": dg.MetadataValue.int(len(jobs)),
        "unchanged": dg.MetadataValue.int(plan.unchanged),
        "full_rebuild": plan.full_rebuild,
        **{f"status/{k}": dg.MetadataValue.int(v) for k, v in sorted(statuses.items())},
    })


@dg.multi_asset(
    group_name=GROUP,
    specs=[dg.AssetSpec(t, deps=[report_batches], description=TABLE_COMMENTS[t], kinds={"duckdb", "polars"},
                        metadata={"dagster/column_schema": column_schema(t)}) for t in WAREHOUSE_TABLES],
    check_specs=RULE_FAMILY_CHECKS,
)
def warehouse_tables(context: dg.AssetExecutionContext, paths: PipelinePaths):
    """Publish every pending batch (and whatever no partition step processed) into the warehouse, atomically."""
    state, _ = published_state(paths.warehouse_path)
    plan = plan_run(paths.raw_path, state)
    parts = paths.parts_path
    done_ids = set()
    if parts.is_dir():
        done_ids = set(pl.scan_parquet(str(parts / "**" / "reports.parquet")).select("report_id").collect()
                       ["report_id"]) if any(parts.rglob("reports.parquet")) else set()
    remaining = [job for job in plan.todo if job.raw.report_id not in done_ids]
    try:
        run_batches(batches(remaining, batch_size_for(len(remaining))), parts / "publish")
        counts = publish(paths.warehouse_path, Changes(parts, plan.gone, plan.renames, plan.full_rebuild))
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    report = write_quality_report(paths.warehouse_path)
    context.log.info(f"published {paths.warehouse_path}: {counts}; data-quality report {report}")
    with connect(paths.warehouse_path, read_only=True) as con:
        for table in WAREHOUSE_TABLES:
            yield dg.MaterializeResult(asset_key=table, metadata={
                "dagster/row_count": dg.MetadataValue.int(counts[table]),
                "path": dg.MetadataValue.path(str(paths.warehouse_path)),
                "preview": _preview(con.sql(f"SELECT * FROM {table} LIMIT 10").pl()),
            })
        yield from family_results(con)
