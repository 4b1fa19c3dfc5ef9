"""New months are processed alone, and the marts end identical to a full rebuild."""

from __future__ import annotations

import shutil

import pytest

from tests.builders import SAMPLE_INBOX
from tests.pipeline_runs import RUN_TIMESTAMPS, marts_rebuilt, run_nightly, snapshot

MONTHLY = "规上工业企业月报"
INCREMENTAL_MARTS = ("fct_enterprise_month", "fct_mu_efficiency", "dim_enterprise")


def _comparable(snap: dict) -> dict:
    return {t: [{k: v for k, v in r.items() if k not in RUN_TIMESTAMPS} for r in rows] for t, rows in snap.items()}


def _assert_merged(data) -> None:
    for name in INCREMENTAL_MARTS:
        model = f"dazu246/models/marts/enterprise/{name}.sql"
        executed = (data / "dbt_target" / "duckdb" / "run" / model).read_text()
        assert "delete from" in executed and "create  table" not in executed, f"{name}: the run merged, not rebuilt"


def test_new_months_are_incremental_and_equal_a_full_rebuild(tmp_path):
    months = sorted((SAMPLE_INBOX / MONTHLY).iterdir())
    last = months[-1]
    # a month in the middle of the history, sent late (back-filled)
    late = months[len(months) // 2]
    inbox = tmp_path / "incremental" / "inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    (inbox / MONTHLY / last.name).unlink()
    (inbox / MONTHLY / late.name).unlink()
    data = tmp_path / "incremental" / "data"
    run_nightly(inbox, data)

    # the next month: every enterprise's current version is continued
    shutil.copy2(last, inbox / MONTHLY / last.name)
    result = run_nightly(inbox, data)
    _assert_merged(data)
    assert {
        "dim_cluster",
        "dim_indicator",
        "dim_mu_class",
        "fct_indicator_value",
        "fct_cluster_output",
        "fct_target_progress",
    } <= {mart for mart, rebuilt in marts_rebuilt(result).items() if not rebuilt}, (
        "marts that do not read the enterprise feed are left as they are"
    )
    compiled = (
        data / "dbt_target" / "duckdb" / "compiled" / "dazu246/models/marts/enterprise/fct_enterprise_month.sql"
    ).read_text()
    assert "enterprise_months.loaded_at > cast('" in compiled, "and it read only the newly loaded rows"
    for name in ("fct_mu_efficiency", "dim_enterprise"):
        compiled = (
            data / "dbt_target" / "duckdb" / "compiled" / f"dazu246/models/marts/enterprise/{name}.sql"
        ).read_text()
        assert "enterprise_months.loaded_at > cast('" in compiled, f"{name} read only the newly loaded rows"

    # a back-filled older month: those enterprises are recomputed from their whole history
    shutil.copy2(late, inbox / MONTHLY / late.name)
    run_nightly(inbox, data)
    _assert_merged(data)

    full_inbox = tmp_path / "full" / "inbox"
    shutil.copytree(SAMPLE_INBOX, full_inbox)
    run_nightly(full_inbox, tmp_path / "full" / "data")
    assert _comparable(snapshot(data)) == _comparable(snapshot(tmp_path / "full" / "data"))


def test_a_month_landed_with_an_older_stamp_fails_the_latest_row_guard(tmp_path):
    """The incremental marts trust that later loads carry later loaded_at. A file stamped earlier (clock set
    back, rows loaded by hand) is skipped by them; assert_fct_enterprise_month_is_latest must say so."""
    import dagster as dg
    import duckdb

    from dagster_project.catalog import load_catalog
    from dagster_project.definitions import build_definitions
    from dagster_project.intake import process_inbox
    from dagster_project.resources import SettingsResource
    from dagster_project.settings import REFERENCE_DIR, Settings

    months = sorted((SAMPLE_INBOX / MONTHLY).iterdir())
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    shutil.copytree(SAMPLE_INBOX, inbox)
    (inbox / MONTHLY / months[-1].name).unlink()
    run_nightly(inbox, data)

    shutil.copy2(months[-1], inbox / MONTHLY / months[-1].name)
    settings = Settings(inbox=inbox, data_dir=data)
    process_inbox(settings, load_catalog(REFERENCE_DIR))  # landed, not yet built
    con = duckdb.connect(str(settings.work_warehouse))
    try:
        (latest,) = con.execute("select max(loaded_at) from raw.enterprise_submission").fetchone()
        for table in ("raw.enterprise_submission", "raw.enterprise_month"):
            con.execute(f"update {table} set loaded_at = loaded_at - interval 30 day where loaded_at = ?", [latest])
    finally:
        con.close()

    defs = build_definitions(SettingsResource(inbox=str(inbox), data_dir=str(data)))
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.get_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "assert_fct_enterprise_month_is_latest" in str(failure.step_failure_data.error)


# Each changes fct_enterprise_month of a built sample by hand; the guard must notice. The second keeps
# the count of rows and the keys, so only the comparison of the rows' hashes can see it.
TAMPERINGS = {
    "a row deleted": [
        "delete from marts_db.marts.fct_enterprise_month where rowid = (select min(rowid) "
        "from marts_db.marts.fct_enterprise_month)"
    ],
    "two rows' provenance swapped": [
        "create temp table pair as select credit_code, period_code, row_no from marts_db.marts.fct_enterprise_month "
        "where submission_id = (select min(submission_id) from marts_db.marts.fct_enterprise_month) "
        "order by row_no limit 2",
        "update marts_db.marts.fct_enterprise_month as f set row_no = (select max(row_no) + min(row_no) - f.row_no "
        "from pair) where (credit_code, period_code) in (select credit_code, period_code from pair)",
    ],
    "a row twice": [
        "insert into marts_db.marts.fct_enterprise_month select * from marts_db.marts.fct_enterprise_month limit 1"
    ],
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_the_latest_row_guard_fails_on_a_changed_table(tampering, built_sample, tmp_path):
    import duckdb

    from dagster_project.dbt_runner import DbtFailure, DbtWorker
    from dagster_project.settings import Settings

    inbox, built = built_sample
    data = tmp_path / "data"
    shutil.copytree(built / "work", data / "work")
    settings = Settings(inbox=inbox, data_dir=data)
    guard = ["test", "--select", "assert_fct_enterprise_month_is_latest"]
    list(DbtWorker(settings).run(guard))  # passes as built

    con = duckdb.connect(str(settings.work_warehouse))
    try:
        con.execute(f"attach '{settings.marts_warehouse}' as marts_db")
        for statement in TAMPERINGS[tampering]:
            con.execute(statement)
    finally:
        con.close()
    with pytest.raises(DbtFailure) as failure:
        list(DbtWorker(settings).run(guard))
    assert "assert_fct_enterprise_month_is_latest" in str(failure.value)
