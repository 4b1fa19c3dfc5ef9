"""Schedule, sensor, asset graph and the single-writer guard."""

from __future__ import annotations

import multiprocessing

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.resources import SettingsResource
from dagster_project.storage import warehouse_lock
from tests.builders import cover, indicator_row, write_workbook


def test_nightly_schedule_runs_at_two_beijing_time():
    schedule = defs.get_schedule_def("nightly_0200_asia_shanghai")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "nightly"


def test_job_runs_in_process():
    assert defs.get_job_def("nightly").executor_def.name == "in_process"


def test_graph_reaches_every_mart_from_the_inbox():
    graph = defs.resolve_asset_graph()
    marts = {k.path[-1]: k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    contract = {
        "dim_cluster",
        "dim_indicator",
        "dim_department",
        "dim_area",
        "dim_period",
        "fct_indicator_value",
        "fct_cluster_output",
        "fct_target_progress",
        "fct_submission",
    }
    assert contract <= set(marts)
    published = graph.get(dg.AssetKey(["serving", "published_warehouse"])).parent_keys
    assert set(marts.values()) <= published, "publishing waits for every mart"
    for name, key in marts.items():
        ancestors = _ancestors(graph, key)
        if name.startswith("fct_") or name in ("dim_period", "dim_enterprise"):
            assert dg.AssetKey("inbox") in ancestors, name
        else:
            assert any(k.path[0] == "reference" for k in ancestors), name
    assert graph.asset_check_keys, "dbt tests appear as asset checks"


def _ancestors(graph, key):
    seen, stack = set(), [key]
    while stack:
        for parent in graph.get(stack.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_sensor_requests_a_run_only_when_the_inbox_changes(tmp_path):
    sensor = defs.get_sensor_def("inbox_sensor")
    inbox = tmp_path / "inbox"
    write_workbook(inbox / "a.xlsx", cover(), [indicator_row("工业投资增速", "12", "%")])
    resources = {"settings": SettingsResource(inbox=str(inbox))}
    first = sensor.evaluate_tick(dg.build_sensor_context(cursor=None, resources=resources))
    assert len(first.run_requests) == 1
    again = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor, resources=resources))
    assert again.run_requests == [] and again.cursor == first.cursor
    write_workbook(inbox / "b.xlsx", cover(), [indicator_row("工业投资增速", "13", "%")])
    changed = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor, resources=resources))
    assert len(changed.run_requests) == 1 and changed.cursor != first.cursor


def _try_lock(lock_file, queue):
    import fcntl

    with open(lock_file, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            queue.put("acquired")
        except BlockingIOError:
            queue.put("blocked")


def test_a_second_writer_waits_for_the_first(tmp_path):
    lock_file = tmp_path / ".warehouse.lock"
    queue = multiprocessing.get_context("spawn").Queue()
    with warehouse_lock(lock_file):
        process = multiprocessing.get_context("spawn").Process(target=_try_lock, args=(lock_file, queue))
        process.start()
        process.join(30)
        assert queue.get(timeout=5) == "blocked"
    process = multiprocessing.get_context("spawn").Process(target=_try_lock, args=(lock_file, queue))
    process.start()
    process.join(30)
    assert queue.get(timeout=5) == "acquired"


def test_marts_materialized_since_the_last_publishing_wait_for_the_publish_job():
    from dagster_project.assets.serving import PUBLISHED
    from dagster_project.schedules import unpublished_marts

    due, submission = dg.AssetKey(["marts", "fct_submission_due"]), dg.AssetKey(["marts", "fct_submission"])
    with dg.DagsterInstance.ephemeral() as instance:
        assert unpublished_marts(instance) == []
        instance.report_runless_asset_event(dg.AssetMaterialization(due))
        assert unpublished_marts(instance) == [due]
        instance.report_runless_asset_event(dg.AssetMaterialization(PUBLISHED))
        assert unpublished_marts(instance) == []
        instance.report_runless_asset_event(dg.AssetMaterialization(submission))
        assert unpublished_marts(instance) == [submission]
    sensor = defs.get_sensor_def("publish_after_nightly")
    assert sensor.job_name == "publish"
    assert {k.path[-1] for k in defs.get_job_def("publish").asset_layer.selected_asset_keys} == {
        "published_warehouse",
        "parquet_export",
    }
