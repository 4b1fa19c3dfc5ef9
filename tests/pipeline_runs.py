"""Running the real nightly job into a temporary data folder, and reading the marts back."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

# When a file arrived (its mtime, capped at the run's start) or a run landed it: the columns two runs over the
# same files may tell apart (first_accepted_at is a received_at); everything else must be identical.
RUN_TIMESTAMPS = {"loaded_at", "received_at", "first_accepted_at"}


def mart_keys() -> dict[str, str]:
    """Every mart and its primary key, from the tests dbt runs on it (dbt/target/manifest.json): the order a
    snapshot reads rows in. A unique combination is the key where there is one (dim_enterprise's unique
    credit_code holds among current versions only)."""
    from dagster_project.settings import DBT_PROJECT_DIR

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    keys = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["config"].get("schema") != "marts":
            continue
        candidates = []
        for test in manifest["nodes"].values():
            meta = test.get("test_metadata") or {}
            if test.get("attached_node") != unique_id:
                continue
            if meta.get("name") == "unique_combination":
                candidates.append((0, test["name"], ", ".join(meta["kwargs"]["combination_of_columns"])))
            elif meta.get("name") == "unique":
                candidates.append((1, test["name"], meta["kwargs"]["column_name"]))
        keys[node["name"]] = min(candidates)[2]
    return dict(sorted(keys.items()))


MART_KEYS = mart_keys()


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


def run_nightly(inbox: Path, data_dir: Path, tags: dict[str, str] | None = None, **settings: str):
    """The nightly job (and the publish job after a selective build) with these folders and settings (fields of
    SettingsResource: target, as_of_date, reference_dir), given as resources."""
    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.resources import SettingsResource
    from dagster_project.run_once import run_night

    defs = build_definitions(SettingsResource(inbox=str(inbox), data_dir=str(data_dir), **settings))
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
