"""Running the real nightly job into a temporary data folder, and reading the marts back."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

# When a file arrived (its mtime, capped at the run's start) or a run landed it: the columns two runs over the
# same files may tell apart (first_accepted_at is a received_at); everything else must be identical.
RUN_TIMESTAMPS = {"loaded_at", "received_at", "first_accepted_at"}

MART_KEYS = {
    "dim_cluster": "cluster_code", "dim_indicator": "indicator_code", "dim_department": "department_code",
    "dim_area": "area_code", "dim_period": "period_code", "fct_indicator_value": "submission_id, line_no",
    "fct_cluster_output": "cluster_code, area_code, period_code",
    "fct_target_progress": "indicator_code, area_code, cluster_code, department_code, year",
    "fct_submission": "submission_id",
    "dim_enterprise": "credit_code, version", "fct_enterprise_month": "credit_code, period_code",
    "fct_mu_efficiency": "credit_code, year", "fct_cluster_output_enterprise": "cluster_code, area_code, period_code",
    "dim_mu_class": "mu_class", "fct_unresolved_name": "name_kind, name_as_written",
    "fct_submission_due": "department_code, report_kind, period_code",
}


@contextmanager
def environment(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_nightly(inbox: Path, data_dir: Path, tags: dict[str, str] | None = None):
    """The nightly job (and the publish job after a selective build) with these folders, given as resources."""
    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.resources import SettingsResource
    from dagster_project.run_once import run_night

    defs = build_definitions(SettingsResource(inbox=str(inbox), data_dir=str(data_dir)))
    with dg.DagsterInstance.ephemeral() as instance:
        result, published = run_night(defs, instance, tags)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert published is None or published.success, [e.message for e in published.all_events if e.is_failure]
    return result


def marts_rebuilt(result) -> dict[str, bool]:
    """mart -> whether the run rebuilt it (a mart left as it was has no materialization in the run)."""
    rebuilt = {e.asset_key.path[1] for e in result.get_asset_materialization_events() if e.asset_key.path[0] == "marts"}
    return {mart: mart in rebuilt for mart in MART_KEYS}


def snapshot(data_dir: Path) -> dict[str, list[dict]]:
    """Every mart, rows as dicts in key order: what a BI tool would read."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        tables = {}
        for table, key in MART_KEYS.items():
            cursor = con.execute(f"select * from marts.{table} order by {key}")
            columns = [d[0] for d in cursor.description]
            tables[table] = [dict(zip(columns, row)) for row in cursor.fetchall()]
        return tables
    finally:
        con.close()
