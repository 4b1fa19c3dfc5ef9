"""dbt models, seeds and tests as Dagster assets and asset checks."""


import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, dbt_assets
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_EXCLUDE_METADATA_KEY,
    DAGSTER_DBT_SELECT_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from ..failpoints import failpoint
from ..ingest.landing import warehouse_lock
from ..dbt_runner import DbtInvocation, dbt_environment
from ..quality.gx_runner import prestart as prestart_gx
from ..settings import DBT_PROJECT_DIR, load_settings

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# `dagster dev` prepares the project with a default resource that looks for `dbt` on PATH:
# make it find this environment's dbt even when the venv is not activated.
if Path(DBT_EXECUTABLE).parent.as_posix() not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([str(Path(DBT_EXECUTABLE).parent), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def _is_check(manifest: Mapping[str, Any], test_unique_id: str) -> bool:
    """Whether a dbt test is a Dagster asset check: the tests on the marts (see WarehouseTranslator)."""
    attached = manifest["nodes"].get(test_unique_id, {}).get("attached_node")
    node = manifest["nodes"].get(attached) if attached else None
    return node is not None and _layer(node) == "marts"


def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
    # The configured schema (staging, marts, …), not the built one: PostgreSQL builds marts as marts_build.
    return dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys are schema/name (raw/submission, staging/stg_…, marts/fct_…); groups are the layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return _layer(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        # Tests on the marts (the public tables) are asset checks. Tests on seeds, staging and intermediate
        # run in the same build and fail it all the same, but are not checks of their own: every check
        # costs the run two events in Dagster's log (planned, evaluated), ~8 ms of CPU each.
        if not _is_check(manifest, unique_id):
            return None
        return super().get_asset_check_spec(asset_spec, manifest, unique_id, project)


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator)
def warehouse_models(context: dg.AssetExecutionContext):
    """`dbt build` of the selected models, seeds and their tests, in this process (dagster_project/dbt_runner.py).

    Unit tests are left to `make test`: they test the SQL, not the night's data.
    """
    settings = load_settings()
    os.environ.update(dbt_environment(settings))
    settings.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
    manifest, _, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    # The Dagster selection (a subset of the assets or checks) as dbt selection arguments.
    selection, indirect_selection = get_subset_selection_for_context(
        context=context, manifest=manifest, select=context.op.tags.get(DAGSTER_DBT_SELECT_METADATA_KEY),
        exclude=context.op.tags.get(DAGSTER_DBT_EXCLUDE_METADATA_KEY), selector=None,
        dagster_dbt_translator=translator, current_dbt_indirect_selection_env=None)
    args = ["build", "--exclude-resource-type", "unit_test", *selection]
    if indirect_selection:
        args += ["--indirect-selection", indirect_selection]
    invocation = DbtInvocation(settings, args)
    prestart_gx()  # the mart checks after dbt need it: its import runs beside dbt
    with warehouse_lock(settings.lock_file):
        for number, raw_event in enumerate(invocation.raw_events(), start=1):
            if number == 20:
                failpoint("dbt.mid_build")
            unique_id = raw_event["data"]["node_info"]["unique_id"]
            if unique_id.startswith("test.") and not _is_check(manifest, unique_id):
                # A test on seeds, staging or intermediate: its failure fails the build (and is raised
                # below); a warning is logged; a pass needs no event of its own.
                if raw_event["data"].get("status") not in ("pass", "success"):
                    context.log.warning(f"dbt test {unique_id}: {raw_event['info'].get('msg', '')}")
                continue
            yield from DbtCoreCliEventMessage(raw_event=raw_event, event_history_metadata={}).to_default_asset_events(
                manifest=manifest, dagster_dbt_translator=translator, context=context,
                target_path=settings.dbt_target_dir, project=dbt_project)

