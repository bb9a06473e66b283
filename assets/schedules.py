"""Nightly re-ingest (Asia/Shanghai), and a sensor that starts a run when the raw folder's content changes."""


import hashlib

import dagster as dg

from assets.resources import PipelinePaths
from pipeline.ingest import discover_raw_files

ingest_job = dg.define_asset_job(
    "ingest_job", selection=dg.AssetSelection.groups("ogi"), description="Raw reports → DuckDB warehouse."
)

nightly_ingest = dg.ScheduleDefinition(
    name="nightly_ingest",
    job=ingest_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(job=ingest_job, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def raw_folder_changed(context: dg.SensorEvaluationContext, paths: PipelinePaths):
    """Runs the ingest when files are added, removed or changed; a touch or re-download of the same bytes is no
    change (the run key is a hash of the folder's content hashes). It never opens the warehouse."""
    files = discover_raw_files(paths.raw_path)
    digest = hashlib.sha256("\n".join(f"{f.source_path}:{f.sha256}" for f in files).encode()).hexdigest()[:16]
    if digest != context.cursor:
        context.update_cursor(digest)
        yield dg.RunRequest(run_key=f"raw:{digest}")
