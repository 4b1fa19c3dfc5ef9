"""dbt models and their tests as Dagster assets and asset checks (dagster-dbt's public API only)."""

import json
import logging
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliEventMessage, DbtProject, dbt_assets

from ..build_state import (
    FULL_BUILD_TAG,
    downstream_of,
    forget_record,
    pending_record_path,
    plan_build,
    record_path,
    write_record,
)
from ..dbt_runner import RESULT_EVENTS, project_fingerprint
from ..docs_site import page_url
from ..failpoints import failpoint
from ..resources import DbtResource, WarehouseResource
from ..settings import DBT_PROJECT_DIR


class _QuietUnrunMartChecks(logging.Filter):
    """Dagster warns, one line each, of every blocking check that gave no result in a run. After a selective
    build that is every test of every unchanged mart (~80 lines a night); the step's log says why once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Blocking asset check 'marts/")


logging.getLogger("dagster._core.execution.plan.active").addFilter(_QuietUnrunMartChecks())

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


@cache
def dbt_manifest() -> dict[str, Any]:
    """The manifest the definitions were made from (dbt/target/manifest.json, `make manifest`)."""
    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def layer(dbt_resource_props: Mapping[str, Any]) -> str:
    # The configured schema (staging, marts, …), not the built one: PostgreSQL builds marts as marts_build.
    return dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]


def is_check(manifest: Mapping[str, Any], test_unique_id: str) -> bool:
    """Whether a dbt test is a Dagster asset check: the tests on the marts (see WarehouseTranslator)."""
    attached = manifest["nodes"].get(test_unique_id, {}).get("attached_node")
    node = manifest["nodes"].get(attached) if attached else None
    return node is not None and layer(node) == "marts"


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys are schema/name (raw/submission, staging/stg_…, marts/fct_…); groups are the layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return layer(dbt_resource_props)

    def get_asset_spec(self, manifest, unique_id, project) -> dg.AssetSpec:
        # a link to the node's page in the dbt docs site (`make docs`)
        return (
            super()
            .get_asset_spec(manifest, unique_id, project)
            .merge_attributes(metadata={"dbt_docs": dg.MetadataValue.url(page_url(unique_id))})
        )

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        # Tests on the marts (the public tables) are asset checks. Tests on staging and intermediate run in
        # the same build and fail it all the same, but are not checks of their own: every check costs the
        # run two events in Dagster's log (planned, evaluated), ~8 ms of CPU each.
        if not is_check(manifest, unique_id):
            return None
        return super().get_asset_check_spec(asset_spec, manifest, unique_id, project)


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtCoreResultEvent(DbtCliEventMessage):
    """A dbt-core result event (LogModelResult, LogTestResult, …) for dagster-dbt's public
    `to_default_asset_events`; these three members are what its abstract base asks of a dbt engine."""

    @property
    def is_result_event(self) -> bool:
        unique_id = self.raw_event["data"].get("node_info", {}).get("unique_id", "")
        return self.raw_event["info"]["name"] in RESULT_EVENTS and not unique_id.startswith("unit_test")

    def _status(self) -> str:
        return self.raw_event["data"]["node_info"]["node_status"]

    def _get_check_passed(self) -> bool:
        return self._status() == "pass"

    def _get_check_severity(self) -> dg.AssetCheckSeverity:
        return dg.AssetCheckSeverity.WARN if self._status() == "warn" else dg.AssetCheckSeverity.ERROR


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtResource, warehouse: WarehouseResource):
    """`dbt build` of what changed since the last complete build, or of the assets chosen in the UI.

    A model that is not rebuilt is not reported: its materialization stays the one of the run that built it,
    and the checks and publishing downstream of it do not run. Unit tests are left to `make test`: they test
    the SQL, not the night's data.
    """
    settings = warehouse.settings.get()
    manifest = dbt_manifest()
    with warehouse.lock():
        if context.is_subset:  # chosen in the UI: exactly that, and no record of a complete build
            forget_record(record_path(settings))
            yield from _build(context, dbt, settings, manifest, _subset_selection(context, manifest))
            return
        plan = plan_build(
            settings,
            manifest,
            project_fingerprint(settings),
            complete=context.run.tags.get(FULL_BUILD_TAG, "").lower() in ("1", "true", "yes"),
        )
        forget_record(record_path(settings))
        if plan.builds_nothing:
            context.log.info(
                "dbt：自上次完整构建以来原始表和参考表无变化，不重建任何模型；检查、发布和导出随之跳过 / no raw or "
                "reference table changed since the last complete build: no model is rebuilt, so the checks, "
                "publishing and the export that follow are skipped"
            )
            write_record(record_path(settings), plan.record)
            return
        if plan.select is None:
            context.log.info(f"dbt：完整构建 / a complete build ({plan.reason})")
        else:
            changed = ", ".join(plan.changed)
            rebuilt = downstream_of(manifest, list(plan.changed))
            left = sorted(
                node["name"]
                for unique_id, node in manifest["nodes"].items()
                if node["resource_type"] == "model" and layer(node) == "marts" and unique_id not in rebuilt
            )
            context.log.info(
                f"dbt：只重建依赖 {changed} 的模型；其余数据集市的输入未变，不重建、不报告为已物化，其检查随之跳过；"
                f"发布在随后的发布运行中进行 / only what depends on {changed} is rebuilt (changed since the last "
                "complete build). Left as they are, not reported as materialized, their checks skipped: "
                f"{', '.join(left) or '-'}. Publishing follows in a run of its own."
            )
        yield from _build(context, dbt, settings, manifest, plan.select or [])
        if plan.record is not None:
            # made the record of a complete build by publishing, once the checks after this step passed
            write_record(pending_record_path(settings), plan.record)


def _subset_selection(context: dg.AssetExecutionContext, manifest: Mapping[str, Any]) -> list[str]:
    """dbt selection arguments for the assets and checks chosen in Dagster (tests of staging and intermediate
    models come with their model; tests of the marts only when their check is chosen)."""
    keys, checks = context.selected_asset_keys, context.selected_asset_check_keys
    chosen = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot") and translator.get_asset_key(node) in keys
    }
    tests = set()
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "test" or not set(node["depends_on"]["nodes"]) <= chosen:
            continue
        if not is_check(manifest, unique_id) or (
            dg.AssetCheckKey(translator.get_asset_key(manifest["nodes"][node["attached_node"]]), node["name"]) in checks
        ):
            tests.add(unique_id)
    names = [".".join(manifest["nodes"][unique_id]["fqn"]) for unique_id in sorted(chosen | tests)]
    return ["--select", *(f"fqn:{name}" for name in names), "--indirect-selection", "empty"]


def _build(
    context: dg.AssetExecutionContext, dbt: DbtResource, settings, manifest: Mapping[str, Any], selection: list[str]
) -> Iterator:
    settings.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
    for number, raw_event in enumerate(dbt.run(["build", "--exclude-resource-type", "unit_test", *selection]), start=1):
        if number == 20:
            failpoint("dbt.mid_build")
        unique_id = raw_event["data"]["node_info"]["unique_id"]
        if unique_id.startswith("test.") and not is_check(manifest, unique_id):
            # A test on staging or intermediate: its failure fails the build (raised by dbt.run); a warning
            # is logged; a pass needs no event of its own.
            if raw_event["data"].get("status") not in ("pass", "success"):
                context.log.warning(f"dbt test {unique_id}: {raw_event['info'].get('msg', '')}")
            continue
        yield from DbtCoreResultEvent(raw_event=raw_event, event_history_metadata={}).to_default_asset_events(
            manifest=manifest,
            dagster_dbt_translator=translator,
            context=context,
            target_path=settings.dbt_target_dir,
            project=dbt_project,
        )
