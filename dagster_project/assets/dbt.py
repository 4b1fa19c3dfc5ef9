"""dbt models, seeds and tests as Dagster assets and asset checks."""


import logging
import os
import sys
from collections.abc import Iterator, Mapping
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

from ..build_state import (
    FULL_BUILD_TAG,
    downstream_of,
    forget_record,
    in_dependency_order,
    plan_build,
    record_path,
    write_record,
)
from ..dbt_runner import DbtInvocation, dbt_environment, project_fingerprint
from ..docs_site import page_url
from ..failpoints import failpoint
from ..ingest.landing import warehouse_lock
from ..quality.gx_runner import prestart as prestart_gx
from ..settings import DBT_PROJECT_DIR, Settings, load_settings

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# `dagster dev` prepares the project with a default resource that looks for `dbt` on PATH:
# make it find this environment's dbt even when the venv is not activated.
if Path(DBT_EXECUTABLE).parent.as_posix() not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([str(Path(DBT_EXECUTABLE).parent), os.environ.get("PATH", "")])


class _QuietUnrunMartChecks(logging.Filter):
    """Dagster warns, one line each, of every blocking check that gave no result in a run. After a selective
    build that is every test of every unchanged mart (~80 lines a night); the step's log says why once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Blocking asset check 'marts/")


logging.getLogger("dagster._core.execution.plan.active").addFilter(_QuietUnrunMartChecks())

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

    def get_asset_spec(self, manifest, unique_id, project) -> dg.AssetSpec:
        # a link to the node's page in the dbt docs site (`make docs`)
        return super().get_asset_spec(manifest, unique_id, project).merge_attributes(
            metadata={"dbt_docs": dg.MetadataValue.url(page_url(unique_id))})

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
    prestart_gx()  # the mart checks after dbt need it: its import runs beside dbt
    with warehouse_lock(settings.lock_file):
        # A run of a chosen subset builds exactly that; the nightly selection builds what changed.
        plan = None if context.is_subset else plan_build(
            settings, manifest, project_fingerprint(settings),
            complete=context.run.tags.get(FULL_BUILD_TAG, "").lower() in ("1", "true", "yes"))
        forget_record(record_path(settings))
        if plan is not None and plan.select is not None:
            selection = plan.select
            changed = ", ".join(plan.changed)
            context.log.info(
                f"dbt：只重建依赖 {changed} 的模型（自上次完整构建以来有变化），其余保持不变 / only what depends on "
                f"{changed} (changed since the last complete build); the other models stay as they are"
                if plan.changed else "dbt：自上次完整构建以来原始表无变化，不重建 / no raw table changed since the "
                                     "last complete build: nothing to build")
            # First: Dagster wants a multi-asset's outputs in dependency order, and these depend on nothing
            # that is rebuilt.
            yield from _unchanged_marts(context, manifest, plan.changed)
        elif plan is not None:
            context.log.info(f"dbt：完整构建 / a complete build ({plan.reason})")
        if plan is None or not plan.builds_nothing:
            yield from _build(context, settings, manifest, selection, indirect_selection)
        if plan is not None and plan.record is not None:
            write_record(record_path(settings), plan.record)


def _unchanged_marts(context: dg.AssetExecutionContext, manifest: Mapping[str, Any],
                     changed: tuple[str, ...]) -> Iterator[dg.Output]:
    """The marts a selective build leaves as they are, reported as not rebuilt: the checks and publishing
    downstream depend on them, and Dagster skips a step whose inputs were not produced. Their dbt tests
    are not run again; their latest results are those of the build that made them."""
    rebuilt = downstream_of(manifest, list(changed))
    marts = {unique_id for unique_id, node in manifest["nodes"].items()
             if node["resource_type"] == "model" and _layer(node) == "marts" and unique_id not in rebuilt}
    for unique_id in in_dependency_order(manifest, marts):
        output_name = context.assets_def.get_output_name_for_asset_key(
            translator.get_asset_key(manifest["nodes"][unique_id]))
        if output_name in context.selected_output_names:
            yield dg.Output(None, output_name, metadata={
                "rebuilt": False, "dbt": "未重建：其输入自上次完整构建以来未变 / not rebuilt: none of its inputs "
                                         "changed since the last complete build"})


def _build(context: dg.AssetExecutionContext, settings: Settings, manifest: Mapping[str, Any],
           selection: list[str], indirect_selection: str | None) -> Iterator:
    args = ["build", "--exclude-resource-type", "unit_test", *selection]
    if indirect_selection:
        args += ["--indirect-selection", indirect_selection]
    invocation = DbtInvocation(settings, args)
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

