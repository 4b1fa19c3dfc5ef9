"""The code location: `dagster dev` in the repository root finds it through pyproject.toml."""

from __future__ import annotations

import os

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import dagster as dg

from .assets.catalog import reference_catalog
from .assets.dbt import warehouse_models
from .assets.ingestion import INBOX, raw_submissions
from .assets.mart_checks import MART_CHECKS
from .assets.serving import parquet_export, published_warehouse
from .resources import DbtResource, GreatExpectationsResource, SettingsResource, WarehouseResource
from .schedules import (
    inbox_sensor,
    nightly_job,
    nightly_schedule,
    publish_after_nightly,
    publish_job,
)


def build_definitions(settings: SettingsResource | None = None) -> dg.Definitions:
    """The definitions with these settings (default: from the environment); tests give theirs."""
    settings = settings or SettingsResource()
    return dg.Definitions(
        assets=[INBOX, reference_catalog, raw_submissions, warehouse_models, published_warehouse, parquet_export],
        jobs=[nightly_job, publish_job],
        schedules=[nightly_schedule],
        sensors=[inbox_sensor, publish_after_nightly],
        asset_checks=MART_CHECKS,
        resources={
            "settings": settings,
            "warehouse": WarehouseResource(settings=settings),
            "gx": GreatExpectationsResource(),
            "dbt": DbtResource(settings=settings),
        },
    )


defs = build_definitions()
