"""The Dagster layer: definitions load, the assets materialize in process, and the webserver launches a run
through its GraphQL API the way the UI's Materialize button does."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from assets.definitions import defs, pipeline_assets
from assets.ingestion import WAREHOUSE_TABLES, report_batches
from assets.partitions import ALL_BUCKETS_TAGS
from assets.resources import PipelinePaths
from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent


def test_definitions_wire_the_pipeline():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {"report_batches", *WAREHOUSE_TABLES}
    assert set(WAREHOUSE_TABLES) == {"reports", "report_sections", "fact_requests", "fact_review_results",
                                     "fact_proactive_disclosure", "fact_legacy_indicators", "validation_issues"}
    schedule = defs.resolve_schedule_def("nightly_ingest")
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("fact_requests", "requests_rules") in checks and ("fact_review_results", "review_rules") in checks
    spec = graph.get(dg.AssetKey("fact_requests"))
    assert {"duckdb", "polars"} <= set(spec.kinds)
    assert [c.name for c in spec.metadata["dagster/column_schema"].columns][:3] == [
        "report_id", "row_code", "applicant"]


def test_materialize_in_process(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    resources = {"paths": PipelinePaths(raw_dir=str(SEEDS), warehouse=str(warehouse))}
    instance = dg.DagsterInstance.ephemeral()
    # one bucket through the partitioned step; the publishing step completes the rest of the folder
    first = dg.materialize([report_batches], partition_key="0", resources=resources, instance=instance)
    assert first.success
    result = dg.materialize(pipeline_assets, selection=WAREHOUSE_TABLES, resources=resources, instance=instance)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM reports").fetchall() == [(5,)]
    counts = {m.asset_key.to_user_string(): m.metadata["dagster/row_count"].value
              for m in result.get_asset_materialization_events() for m in [m.materialization]}
    assert counts["reports"] == 5 and counts["fact_requests"] > 0
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {"requests_rules", "review_rules", "narrative_rules", "extract_rules"} <= set(checks)
    assert checks["requests_rules"].passed is False  # seed 000's table 三 does not add up
    assert checks["requests_rules"].metadata["failures"].value >= 5
    assert "株洲市 2019" in checks["requests_rules"].metadata["sample"].value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LAUNCH = """
mutation($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
STATUS = "query($runId: ID!) { runOrError(runId: $runId) { ... on Run { status } } }"


@pytest.mark.slow
def test_webserver_launches_a_materialization(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    # no daemon here: the default coordinator launches the run at once, as `dagster dev` would after queueing
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\nrun_coordinator:\n  module: dagster._core.run_coordinator\n"
        "  class: DefaultRunCoordinator\n"
    )
    warehouse = tmp_path / "ogi.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "OGI_RAW_DIR": str(SEEDS), "OGI_WAREHOUSE": str(warehouse)}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dagster_webserver", "-m", "assets.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(f"{url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            pytest.fail("the webserver did not start: " + server.stderr.read1().decode(errors="replace")[-2000:])
        params = {
            "selector": {
                "repositoryLocationName": "assets.definitions",
                "repositoryName": "__repository__",
                "pipelineName": "__ASSET_JOB",
                "assetSelection": [{"path": [k]} for k in ("report_batches", *WAREHOUSE_TABLES)],
            },
            "mode": "default",
            # what the UI's "Materialize all" launches for a single-run backfill: one run over every bucket
            "executionMetadata": {"tags": [{"key": "dagster/from_ui", "value": "test"},
                                           *({"key": k, "value": v} for k, v in ALL_BUCKETS_TAGS.items())]},
        }
        launched = requests.post(f"{url}/graphql", json={"query": LAUNCH, "variables": {"executionParams": params}},
                                 timeout=60).json()
        result = launched["data"]["launchPipelineExecution"]
        assert result["__typename"] == "LaunchRunSuccess", json.dumps(result, ensure_ascii=False)
        run_id = result["run"]["runId"]
        status = None
        deadline = time.time() + 240
        while time.time() < deadline:
            status = requests.post(f"{url}/graphql", json={"query": STATUS, "variables": {"runId": run_id}},
                                   timeout=10).json()["data"]["runOrError"]["status"]
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(1)
        assert status == "SUCCESS"
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.sql("SELECT count(*) FROM reports").fetchall() == [(5,)]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_every_rule_family_has_a_check():
    from pipeline.validation.families import RULE_FAMILIES

    names = {k.name for k in defs.resolve_asset_graph().asset_check_keys}
    assert names == {f"{family}_rules" for family in RULE_FAMILIES}
