"""One new month is processed alone, and the marts end identical to a full rebuild."""

from __future__ import annotations

import shutil

from tests.builders import SAMPLE_INBOX
from tests.pipeline_runs import run_nightly, snapshot

MONTHLY = "规上工业企业月报"
RUN_TIMESTAMPS = {"loaded_at", "received_at"}


def _comparable(snap: dict) -> dict:
    return {t: [{k: v for k, v in r.items() if k not in RUN_TIMESTAMPS} for r in rows] for t, rows in snap.items()}


def test_a_new_month_is_incremental_and_equals_a_full_rebuild(tmp_path):
    months = sorted((SAMPLE_INBOX / MONTHLY).iterdir())
    last = months[-1]
    inbox = tmp_path / "incremental" / "inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    (inbox / MONTHLY / last.name).unlink()
    data = tmp_path / "incremental" / "data"
    run_nightly(inbox, data)
    shutil.copy2(last, inbox / MONTHLY / last.name)
    run_nightly(inbox, data)

    model = "dazu246/models/marts/fct_enterprise_month.sql"
    executed = (data / "dbt_target" / "duckdb" / "run" / model).read_text()
    compiled = (data / "dbt_target" / "duckdb" / "compiled" / model).read_text()
    assert "delete from" in executed and "create  table" not in executed, "the second run merged, not rebuilt"
    assert "loaded_at >= watermark.max_loaded_at" in compiled, "and it read only the newly loaded rows"

    full_inbox = tmp_path / "full" / "inbox"
    shutil.copytree(SAMPLE_INBOX, full_inbox)
    run_nightly(full_inbox, tmp_path / "full" / "data")
    assert _comparable(snapshot(data)) == _comparable(snapshot(tmp_path / "full" / "data"))
