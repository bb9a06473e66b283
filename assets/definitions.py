"""The Dagster entry point: every asset, check, job, schedule and sensor of the project, wired in one place."""

from __future__ import annotations

import os

import dagster as dg

from assets.ingestion import report_batches, warehouse_tables
from assets.resources import PipelinePaths
from assets.schedules import ingest_job, nightly_ingest, raw_folder_changed
from pipeline import config

# the UI shows the paths as environment variables; unset, they are the project's folders
os.environ.setdefault("OGI_RAW_DIR", str(config.DEFAULT_RAW_DIR))
os.environ.setdefault("OGI_WAREHOUSE", str(config.DEFAULT_WAREHOUSE))

#: In pipeline order: raw files (in buckets) → batches → the seven warehouse tables, each with its checks.
pipeline_assets = [report_batches, warehouse_tables]

defs = dg.Definitions(
    assets=pipeline_assets,
    jobs=[ingest_job],
    schedules=[nightly_ingest],
    sensors=[raw_folder_changed],
    resources={"paths": PipelinePaths(raw_dir=dg.EnvVar("OGI_RAW_DIR"), warehouse=dg.EnvVar("OGI_WAREHOUSE"))},
)
