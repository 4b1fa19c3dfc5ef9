"""dbt through dbtRunner in a child process: parsing that serves every data folder, result events as they come,
failures that name their nodes, and the warehouse closed when the command ends."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from dagster_project import dbt_runner
from dagster_project.dbt_runner import DbtFailure, DbtWorker, parsed_manifest, project_fingerprint
from dagster_project.settings import Settings


def test_the_fingerprint_follows_the_target_not_the_data_folder(tmp_path):
    here = Settings(inbox=tmp_path, data_dir=tmp_path / "a")
    elsewhere = Settings(inbox=tmp_path, data_dir=tmp_path / "b")
    postgres = Settings(inbox=tmp_path, data_dir=tmp_path / "a", target="postgres")
    assert project_fingerprint(here) == project_fingerprint(elsewhere)
    assert project_fingerprint(here) != project_fingerprint(postgres)


def test_a_parse_for_another_data_folder_is_partial(tmp_path, monkeypatch):
    """dbt re-parses in full when a variable its profile reads changes; the parse fixes the data folder, so
    the state dbt keeps for partial parsing is not rewritten when only the data folder differs."""
    monkeypatch.setattr(dbt_runner, "PARSE_DIR", tmp_path / "parse")
    first = parsed_manifest(Settings(inbox=tmp_path, data_dir=tmp_path / "a"))
    state = tmp_path / "parse" / "duckdb" / "partial_parse.msgpack"
    written = state.stat().st_mtime_ns
    second = parsed_manifest(Settings(inbox=tmp_path, data_dir=tmp_path / "b"))
    assert state.stat().st_mtime_ns == written, "a full parse again"
    assert set(second.nodes) == set(first.nodes) and "model.dazu246.fct_enterprise_month" in second.nodes
    assert second.nodes["model.dazu246.fct_enterprise_month"].database == "marts_db"


@pytest.fixture
def warehouse(built_sample, tmp_path) -> Settings:
    inbox, built = built_sample
    shutil.copytree(built / "work", tmp_path / "data" / "work")
    return Settings(inbox=inbox, data_dir=tmp_path / "data")


def test_a_worker_streams_result_events_and_closes_the_warehouse(warehouse):
    events = list(DbtWorker(warehouse).run(["build", "--select", "dim_area"]))
    names = {(e["info"]["name"], e["data"]["node_info"]["unique_id"]) for e in events}
    assert ("LogModelResult", "model.dazu246.dim_area") in names
    assert any(kind == "LogTestResult" and node.startswith("test.dazu246.unique_dim_area") for kind, node in names)
    assert {e["data"]["node_info"]["node_status"] for e in events} <= {"success", "pass"}
    # the child has exited: this process may open the files with a configuration of its own
    duckdb.connect(str(warehouse.work_warehouse), config={"threads": 1}).close()
    duckdb.connect(str(warehouse.marts_warehouse), config={"threads": 1}).close()


def test_a_failing_build_names_the_node(warehouse):
    con = duckdb.connect(str(warehouse.work_warehouse))
    try:
        con.execute("drop table reference.areas cascade")
    finally:
        con.close()
    with pytest.raises(DbtFailure) as failure:
        list(DbtWorker(warehouse).run(["build", "--select", "stg_reference__areas"]))
    assert any(node == "model.dazu246.stg_reference__areas" for node, _ in failure.value.failures), failure.value


def test_a_worker_is_for_one_command(warehouse):
    worker = DbtWorker(warehouse)
    list(worker.run(["ls", "--select", "dim_area"]))
    with pytest.raises(RuntimeError):
        list(worker.run(["ls"]))
