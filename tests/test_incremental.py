"""New months are processed alone, and the marts end identical to a full rebuild."""

from __future__ import annotations

import shutil

from tests.builders import SAMPLE_INBOX
from tests.pipeline_runs import run_nightly, snapshot

MONTHLY = "规上工业企业月报"
RUN_TIMESTAMPS = {"loaded_at", "received_at"}
INCREMENTAL_MARTS = ("fct_enterprise_month", "fct_mu_efficiency", "dim_enterprise")


def _comparable(snap: dict) -> dict:
    return {t: [{k: v for k, v in r.items() if k not in RUN_TIMESTAMPS} for r in rows] for t, rows in snap.items()}


def _assert_merged(data) -> None:
    for name in INCREMENTAL_MARTS:
        model = f"dazu246/models/marts/{name}.sql"
        executed = (data / "dbt_target" / "duckdb" / "run" / model).read_text()
        assert "delete from" in executed and "create  table" not in executed, f"{name}: the run merged, not rebuilt"


def _not_rebuilt(result) -> set[str]:
    return {e.asset_key.path[1] for e in result.get_asset_materialization_events()
            if e.step_materialization_data.materialization.metadata.get("rebuilt") is not None}


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
    assert {"dim_cluster", "dim_indicator", "dim_mu_class"} <= _not_rebuilt(result), \
        "marts that do not depend on the enterprise feed are left as they are"
    compiled = (data / "dbt_target" / "duckdb" / "compiled" / "dazu246/models/marts/fct_enterprise_month.sql").read_text()
    assert "loaded_at > watermark.max_loaded_at" in compiled, "and it read only the newly loaded rows"
    for name in ("fct_mu_efficiency", "dim_enterprise"):
        compiled = (data / "dbt_target" / "duckdb" / "compiled" / f"dazu246/models/marts/{name}.sql").read_text()
        assert "loaded_at > watermark.max_loaded_at" in compiled, f"{name} read only the newly loaded rows"

    # a back-filled older month: those enterprises are recomputed from their whole history
    shutil.copy2(late, inbox / MONTHLY / late.name)
    run_nightly(inbox, data)
    _assert_merged(data)

    full_inbox = tmp_path / "full" / "inbox"
    shutil.copytree(SAMPLE_INBOX, full_inbox)
    run_nightly(full_inbox, tmp_path / "full" / "data")
    assert _comparable(snapshot(data)) == _comparable(snapshot(tmp_path / "full" / "data"))
