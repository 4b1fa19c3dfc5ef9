"""What the last complete dbt build was built from, and which raw tables changed since.

The nightly job selects every model, but a model none of whose inputs changed would be rebuilt into the same
rows. The build therefore selects only what lies downstream of a raw table that changed (what dbt's
`source_status:fresher+` selects, without a `dbt source freshness` run before each build). Whatever this
cannot vouch for means a complete build: no record (a first run, or the previous build failed or was cut
short), another dbt project or reference data (the project fingerprint), a relation missing from the
warehouse, a run tagged `dazu/full_build`, or PostgreSQL (which builds its marts in a schema of their own
and swaps it in whole).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .settings import Settings
from .storage import connect

FULL_BUILD_TAG = "dazu/full_build"

# A raw table's state: its row count and its latest loaded_at. Ingestion only appends, and every run's
# loaded_at is later than all earlier ones (intake.py), so any change moves one of the two.
TableState = list


@dataclass(frozen=True)
class BuildRecord:
    fingerprint: str  # dbt_runner.project_fingerprint: models, tests, seeds (reference data), versions
    sources: dict[str, TableState]  # "raw.submission" -> [rows, latest loaded_at or None]; absent table: None


@dataclass(frozen=True)
class BuildPlan:
    """select: dbt selection arguments, or None for every node; record: what to keep once the build succeeds."""

    select: list[str] | None
    record: BuildRecord | None
    changed: tuple[str, ...] = ()
    reason: str = ""

    @property
    def builds_nothing(self) -> bool:
        return self.select == []


def changed_sources(
    record: BuildRecord | None, fingerprint: str, sources: Mapping[str, TableState | None]
) -> list[str] | None:
    """The sources whose state differs from the record's, or None when only a complete build will do."""
    if record is None or record.fingerprint != fingerprint or set(record.sources) != set(sources):
        return None
    return sorted(name for name, state in sources.items() if state != record.sources[name])


def selection_for(changed: list[str]) -> list[str]:
    """dbt's selection of everything downstream of these sources (their tests come with them)."""
    return ["--select", *(f"source:{name}+" for name in changed)] if changed else []


def downstream_of(manifest: Mapping[str, Any], changed: list[str]) -> set[str]:
    """unique_ids of every node a build of `source:<name>+` for these sources selects."""
    ids = {unique_id for unique_id, s in manifest["sources"].items() if f"{s['source_name']}.{s['name']}" in changed}
    reached, frontier = set(), list(ids)
    while frontier:
        for child in manifest["child_map"].get(frontier.pop(), ()):
            if child not in reached:
                reached.add(child)
                frontier.append(child)
    return reached


def read_record(path: Path) -> BuildRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return BuildRecord(fingerprint=data["fingerprint"], sources=data["sources"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(path: Path, record: BuildRecord) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(
        json.dumps({"fingerprint": record.fingerprint, "sources": record.sources}, indent=1), encoding="utf-8"
    )
    os.replace(partial, path)


def forget_record(path: Path) -> None:
    """Before a build starts: if it, its checks or its publishing fail or are cut short, the next one is complete."""
    path.unlink(missing_ok=True)
    path.with_name(path.stem + ".pending.json").unlink(missing_ok=True)


def record_path(settings: Settings) -> Path:
    return settings.data_dir / "work" / "dbt_build_state.json"


def pending_record_path(settings: Settings) -> Path:
    """The record of a build whose marts are not published yet: publishing makes it the record."""
    return settings.data_dir / "work" / "dbt_build_state.pending.json"


def promote_pending_record(settings: Settings) -> None:
    """After publishing: the build it published is a complete build to select the next one from."""
    pending = pending_record_path(settings)
    if pending.exists():
        os.replace(pending, record_path(settings))


def source_tables(manifest: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """ "raw.submission" -> (schema, table) for every dbt source."""
    return {
        f"{s['source_name']}.{s['name']}": (s["schema"], s.get("identifier") or s["name"])
        for s in manifest["sources"].values()
    }


def built_relations(manifest: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(schema, name) of every seed and model the build creates."""
    return {
        (n["schema"].lower(), (n.get("alias") or n["name"]).lower())
        for n in manifest["nodes"].values()
        if n["resource_type"] in ("model", "seed")
    }


def source_states(raw, tables: Mapping[str, tuple[str, str]]) -> dict[str, TableState | None]:
    """Row count and latest loaded_at of each source table, on a DuckDB connection to the working database."""
    columns: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in raw.execute(
        "select schema_name, table_name, column_name from duckdb_columns() where database_name = current_database()"
    ).fetchall():
        columns.setdefault((schema.lower(), table.lower()), set()).add(column.lower())
    states: dict[str, TableState | None] = {}
    for name, (schema, table) in sorted(tables.items()):
        present = columns.get((schema.lower(), table.lower()))
        if present is None:
            states[name] = None
            continue
        latest = "max(loaded_at)::varchar" if "loaded_at" in present else "null"
        rows, loaded = raw.execute(f'select count(*), {latest} from "{schema}"."{table}"').fetchone()
        states[name] = [rows, loaded]
    return states


def existing_relations(raw) -> set[tuple[str, str]]:
    """(schema, name) of every table and view in the working database and the attached marts file."""
    return {
        (schema.lower(), name.lower())
        for schema, name in raw.execute(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
    }


def plan_build(settings: Settings, manifest: Mapping[str, Any], fingerprint: str, complete: bool) -> BuildPlan:
    """What the nightly build needs to select. complete: build everything whatever changed."""
    if settings.target != "duckdb":
        return BuildPlan(
            None,
            None,
            reason="PostgreSQL 每次在新模式中构建全部数据集市 / PostgreSQL builds every mart into a new schema",
        )
    if not settings.work_warehouse.exists():
        return BuildPlan(None, None, reason="新仓库 / a new warehouse")
    with connect(settings, read_only=True) as con:
        sources = source_states(con.raw, source_tables(manifest))
        missing = built_relations(manifest) - existing_relations(con.raw)
    record = BuildRecord(fingerprint, sources)
    if complete:
        return BuildPlan(None, record, reason="运行要求完整构建 / a complete build was asked for")
    if missing:
        return BuildPlan(None, record, reason=f"缺少 {len(missing)} 个表或视图 / {len(missing)} relations are missing")
    changed = changed_sources(read_record(record_path(settings)), fingerprint, sources)
    if changed is None:
        return BuildPlan(None, record, reason="无本项目完整构建的记录 / no record of a complete build of this project")
    return BuildPlan(selection_for(changed), record, tuple(changed))
