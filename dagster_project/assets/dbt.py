"""dbt models, seeds and tests as Dagster assets and asset checks."""


import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from ..failpoints import failpoint
from ..ingest.landing import warehouse_lock
from ..settings import DBT_PROJECT_DIR, load_settings

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# `dagster dev` prepares the project with a default resource that looks for `dbt` on PATH:
# make it find this environment's dbt even when the venv is not activated.
if Path(DBT_EXECUTABLE).parent.as_posix() not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([str(Path(DBT_EXECUTABLE).parent), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys are schema/name (raw/submission, staging/stg_…, marts/fct_…); groups are the layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return self._layer(dbt_resource_props)

    @staticmethod
    def _layer(dbt_resource_props: Mapping[str, Any]) -> str:
        # The configured schema (staging, marts, …), not the built one: PostgreSQL builds marts as marts_build.
        return dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    settings = load_settings()
    # dbt runs in dbt/ as a subprocess: hand it the resolved data folder, target and marts schema.
    os.environ["DAZU_DATA_DIR"] = str(settings.data_dir)
    os.environ["DAZU_TARGET"] = settings.target
    os.environ["DAZU_MARTS_SCHEMA"] = settings.build_marts_schema
    settings.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
    with warehouse_lock(settings.lock_file):
        for number, event in enumerate(
            dbt.cli(["build"], context=context, target_path=settings.dbt_target_dir).stream(), start=1
        ):
            if number == 20:
                failpoint("dbt.mid_build")
            yield event


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
