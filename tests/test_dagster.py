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

from assets.checks import rule_family_checks
from assets.definitions import defs, pipeline_assets
from assets.resources import PipelinePaths
from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent


def test_definitions_wire_the_pipeline():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {"raw_report_files", "report_texts", "report_sections", "fact_tables", "validation_issues",
                    "warehouse"}
    schedule = defs.resolve_schedule_def("nightly_ingest")
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_materialize_in_process(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    result = dg.materialize(
        [*pipeline_assets, *rule_family_checks],
        resources={"paths": PipelinePaths(raw_dir=str(SEEDS), warehouse=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM reports").fetchall() == [(5,)]
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {"requests_rules", "review_rules", "narrative_rules", "extract_rules"} <= set(checks)
    assert checks["requests_rules"].passed is False  # seed 000's table 三 does not add up
    assert checks["requests_rules"].metadata["failures"].value >= 5


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
                "assetSelection": [{"path": [k]} for k in ("raw_report_files", "report_texts", "report_sections",
                                                          "fact_tables", "validation_issues", "warehouse")],
            },
            "mode": "default",
            "executionMetadata": {"tags": [{"key": "dagster/from_ui", "value": "test"}]},
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
    from assets.checks import RULE_FAMILIES as CHECKED
    from pipeline.validation.families import RULE_FAMILIES

    assert set(RULE_FAMILIES) | {"extract", "legacy"} <= set(CHECKED)
    names = {key.name for checks in rule_family_checks for key in checks.check_keys}
    assert names == {f"{family}_rules" for family in CHECKED}
