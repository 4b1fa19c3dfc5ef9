"""The Dagster instance `make run` and `make ui` share: runs and their events are recorded for the UI."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg

from dagster_project.instance import PooledSqliteEventLogStorage, ensure_dagster_home
from dagster_project.settings import REPO_ROOT, Settings


@dg.asset
def number() -> int:
    return 1


@dg.asset_check(asset=number)
def number_is_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def test_a_run_and_its_events_are_visible_to_another_process(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home(Settings(inbox=tmp_path, data_dir=tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(home))  # restored after the test
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = dg.materialize([number, number_is_positive], instance=instance)
        assert result.success
        run_id = result.run_id
        events_here = len(instance.all_logs(run_id))

    # As the web server would: a new process, the instance from $DAGSTER_HOME's dagster.yaml.
    reader = (
        "import dagster as dg\n"
        "with dg.DagsterInstance.get() as instance:\n"
        f"    run = instance.get_run_by_id({run_id!r})\n"
        "    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(\n"
        "        [dg.AssetCheckKey(dg.AssetKey('number'), 'number_is_positive')])\n"
        "    print(run.status.value, len(instance.all_logs(run.run_id)),\n"
        "          instance.get_latest_materialization_event(dg.AssetKey('number')) is not None, len(check))\n"
    )
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run([sys.executable, "-c", reader], env=env, capture_output=True, text=True, check=True)
    status, events, materialized, checks = out.stdout.split()
    assert (status, int(events), materialized, int(checks)) == ("SUCCESS", events_here, "True", 1)
    assert events_here > 5


def test_an_existing_home_keeps_its_configuration(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home(Settings(inbox=tmp_path, data_dir=tmp_path / "data"))
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == "telemetry:\n  enabled: false\n"


def test_a_table_found_is_not_looked_up_again_and_a_missing_one_is(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = ensure_dagster_home(Settings(inbox=tmp_path, data_dir=tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        lookups = []
        real_has_table = storage._engine.dialect.has_table
        monkeypatch.setattr(
            storage._engine.dialect,
            "has_table",
            lambda conn, name, **kw: lookups.append(name) or real_has_table(conn, name, **kw),
        )
        assert storage.has_table("event_logs") and storage.has_table("event_logs")
        assert lookups == ["event_logs"]
        assert not storage.has_table("added_later")
        with storage._engine.begin() as conn:
            conn.exec_driver_sql("create table added_later (x integer)")
        assert storage.has_table("added_later"), "a table that was missing is looked up again"
