"""The Dagster entry point: every asset, check, job, schedule and sensor of the project, wired in one place."""

from __future__ import annotations

import dagster as dg

from assets.checks import rule_family_checks
from assets.ingestion import (
    fact_tables,
    raw_report_files,
    report_sections,
    report_texts,
    validation_issues,
    warehouse,
)
from assets.resources import PipelinePaths
from assets.schedules import ingest_job, nightly_ingest, raw_folder_changed

#: In pipeline order: raw files → texts → sections, tables → issues → warehouse.
pipeline_assets = [raw_report_files, report_texts, report_sections, fact_tables, validation_issues, warehouse]

defs = dg.Definitions(
    assets=pipeline_assets,
    asset_checks=rule_family_checks,
    jobs=[ingest_job],
    schedules=[nightly_ingest],
    sensors=[raw_folder_changed],
    resources={"paths": PipelinePaths()},
)
