"""The nightly dbt build selects what depends on the raw tables that changed since the last complete build."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from dagster_project.build_state import (
    FULL_BUILD_TAG,
    BuildRecord,
    changed_sources,
    downstream_of,
    plan_build,
    read_record,
    record_path,
    selection_for,
    write_record,
)
from dagster_project.dbt_runner import project_fingerprint
from dagster_project.settings import Settings
from tests.pipeline_runs import marts_rebuilt, run_nightly, snapshot

STATES = {"raw.submission": [5, "2024-07-01 10:00:00"], "raw.period": [21, None], "raw.enterprise_month": None}
MANIFEST = {
    "sources": {
        "source.p.raw.a": {"source_name": "raw", "name": "a"},
        "source.p.raw.b": {"source_name": "raw", "name": "b"},
    },
    "nodes": {
        "model.p.stg_a": {"depends_on": {"nodes": ["source.p.raw.a"]}},
        "model.p.stg_b": {"depends_on": {"nodes": ["source.p.raw.b"]}},
        "model.p.fct": {"depends_on": {"nodes": ["model.p.stg_a", "model.p.stg_b", "model.p.dim"]}},
        "model.p.dim": {"depends_on": {"nodes": ["model.p.stg_b"]}},
        "test.p.unique_fct": {"depends_on": {"nodes": ["model.p.fct"]}},
    },
    "child_map": {
        "source.p.raw.a": ["model.p.stg_a"],
        "source.p.raw.b": ["model.p.stg_b"],
        "model.p.stg_a": ["model.p.fct"],
        "model.p.stg_b": ["model.p.dim", "model.p.fct"],
        "model.p.dim": ["model.p.fct"],
        "model.p.fct": ["test.p.unique_fct"],
        "test.p.unique_fct": [],
    },
}


def test_only_the_tables_that_moved_are_changed():
    record = BuildRecord("f1", {k: v for k, v in STATES.items()})
    assert changed_sources(record, "f1", STATES) == []
    moved = {**STATES, "raw.submission": [6, "2024-07-02 09:00:00"], "raw.enterprise_month": [0, None]}
    assert changed_sources(record, "f1", moved) == ["raw.enterprise_month", "raw.submission"]
    later_same_count = {**STATES, "raw.submission": [5, "2024-07-02 09:00:00"]}
    assert changed_sources(record, "f1", later_same_count) == ["raw.submission"], "a replaced rejection"


def test_without_a_record_of_this_project_everything_is_built():
    record = BuildRecord("f1", dict(STATES))
    assert changed_sources(None, "f1", STATES) is None
    assert changed_sources(record, "f2", STATES) is None, "another project or other reference data"
    assert changed_sources(record, "f1", {**STATES, "raw.new_feed": [1, None]}) is None, "a new source"


def test_selection_and_what_it_reaches():
    assert selection_for(["raw.a", "raw.b"]) == ["--select", "source:raw.a+", "source:raw.b+"]
    assert selection_for([]) == []
    assert downstream_of(MANIFEST, ["raw.a"]) == {"model.p.stg_a", "model.p.fct", "test.p.unique_fct"}
    assert downstream_of(MANIFEST, ["raw.b"]) == {"model.p.stg_b", "model.p.dim", "model.p.fct", "test.p.unique_fct"}


def test_a_record_survives_a_round_trip_and_a_damaged_one_means_a_complete_build(tmp_path):
    path = tmp_path / "work" / "state.json"
    assert read_record(path) is None
    write_record(path, BuildRecord("f1", dict(STATES)))
    assert read_record(path) == BuildRecord("f1", dict(STATES))
    path.write_text('{"fingerprint": "f1"', encoding="utf-8")
    assert read_record(path) is None


def _dbt_tests_run(result) -> int:
    return sum(
        1
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.step_key == "warehouse_models"
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory, built_sample):
    """A copy of the session's built sample: these tests run more nights on it."""
    root = tmp_path_factory.mktemp("build_state")
    inbox, data = built_sample
    shutil.copytree(inbox, root / "inbox")
    shutil.copytree(data, root / "data", symlinks=True)
    return root / "inbox", root / "data"


def test_a_night_without_new_data_builds_nothing_and_keeps_every_mart(sample):
    inbox, data = sample
    record = read_record(record_path(Settings(inbox=inbox, data_dir=data)))
    assert record is not None and record.sources["raw.enterprise_month"][0] > 0, "the first run left its record"
    before = snapshot(data)

    result = run_nightly(inbox, data)
    reported = marts_rebuilt(result)
    assert reported and not any(reported.values()), "every mart reported, none rebuilt"
    assert _dbt_tests_run(result) == 0, "no dbt test ran"
    assert snapshot(data) == before


def test_a_run_tagged_for_it_builds_everything(sample):
    inbox, data = sample
    result = run_nightly(inbox, data, tags={FULL_BUILD_TAG: "true"})
    reported = marts_rebuilt(result)
    assert reported and all(reported.values())
    assert _dbt_tests_run(result) > 50


def test_what_cannot_be_vouched_for_is_built_in_full(sample, monkeypatch):
    inbox, data = sample
    settings = Settings(inbox=inbox, data_dir=data)
    import json

    from dagster_project.assets.dbt import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    fingerprint = project_fingerprint(settings)
    assert plan_build(settings, manifest, fingerprint, complete=False).select == []
    assert plan_build(settings, manifest, "another project", complete=False).select is None
    assert plan_build(settings, manifest, fingerprint, complete=True).select is None

    con = duckdb.connect(str(settings.work_warehouse))
    try:
        con.execute("drop view staging.stg_reference__units")
    finally:
        con.close()
    plan = plan_build(settings, manifest, fingerprint, complete=False)
    assert plan.select is None and "missing" in plan.reason


@pytest.mark.parametrize(
    "changed", [["raw.enterprise_month"], ["raw.period"], ["raw.submission", "raw.indicator_value"]]
)
def test_what_the_run_says_it_left_is_exactly_what_dbt_does_not_select(changed, tmp_path):
    """The marts the run's log names as left unchanged (downstream_of) and those dbt builds (its own
    selector) must complement each other."""
    import json

    from dbt.cli.main import dbtRunner

    from dagster_project.assets.dbt import dbt_project
    from dagster_project.dbt_runner import parsed_manifest

    settings = Settings(inbox=tmp_path, data_dir=tmp_path / "data")
    result = dbtRunner(manifest=parsed_manifest(settings)).invoke(
        [
            "ls",
            *selection_for(changed),
            "--resource-type",
            "model",
            "--resource-type",
            "test",
            "--output",
            "json",
            "--output-keys",
            "unique_id",
            "--quiet",
            "--project-dir",
            str(dbt_project.project_dir),
            "--profiles-dir",
            str(dbt_project.project_dir),
            "--target-path",
            str(tmp_path / "target"),
        ]
    )
    assert result.success
    selected_by_dbt = {json.loads(line)["unique_id"] for line in result.result}
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    ours = {u for u in downstream_of(manifest, changed) if u.split(".")[0] in ("model", "test")}
    assert ours and selected_by_dbt == ours


def test_a_subset_chosen_in_the_ui_builds_exactly_that(sample):
    """Dagster's selection (assets and their checks) becomes dbt's: one mart and its tests, nothing else."""
    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.resources import SettingsResource

    inbox, data = sample
    defs = build_definitions(SettingsResource(inbox=str(inbox), data_dir=str(data)))
    area = dg.AssetKey(["marts", "dim_area"])
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.get_job_def("nightly").execute_in_process(
            instance=instance, asset_selection=[area], raise_on_error=False
        )
    assert result.success
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [area]
    checks = {
        e.asset_check_evaluation_data.check_name
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert checks and all("dim_area" in name for name in checks)
    assert read_record(record_path(Settings(inbox=inbox, data_dir=data))) is None, "no record of a complete build"
