"""Nightly re-ingest (Asia/Shanghai), and a sensor that starts a run when the raw folder's content changes.

Both launch one run over every bucket (the partitioned `report_batches` and the publishing step); an unchanged
bucket costs a content hash per file and nothing else.
"""

import dagster as dg

from assets.partitions import ALL_BUCKETS_TAGS
from assets.resources import PipelinePaths
from pipeline.ingest import discover_raw_files, plan_jobs
from pipeline.plan import fingerprint

ingest_job = dg.define_asset_job(
    "ingest_job", selection=dg.AssetSelection.groups("ogi"), description="Raw reports → DuckDB warehouse.",
)


@dg.schedule(job=ingest_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def nightly_ingest(context: dg.ScheduleEvaluationContext):
    """Every night at 02:00 Beijing time: one run over all buckets."""
    return dg.RunRequest(tags=ALL_BUCKETS_TAGS)


@dg.sensor(job=ingest_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def raw_folder_changed(context: dg.SensorEvaluationContext, paths: PipelinePaths):
    """Runs the ingest when files are added, removed or changed; a touch or re-download of the same bytes is no
    change (the run key is a hash of the folder's content hashes). It never opens the warehouse."""
    digest = fingerprint(plan_jobs(discover_raw_files(paths.raw_path), paths.raw_path))
    if digest != context.cursor:
        context.update_cursor(digest)
        yield dg.RunRequest(run_key=f"raw:{digest}", tags=ALL_BUCKETS_TAGS)
