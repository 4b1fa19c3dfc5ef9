"""The code location: `dagster dev` in the repository root finds it through pyproject.toml."""

from __future__ import annotations

import os

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import dagster as dg  # noqa: E402

from .assets.catalog import reference_catalog  # noqa: E402
from .assets.dbt import warehouse_models  # noqa: E402
from .assets.ingestion import INBOX, raw_submissions  # noqa: E402
from .assets.mart_checks import MART_CHECKS  # noqa: E402
from .assets.serving import parquet_export, published_warehouse  # noqa: E402
from .resources import DbtResource, GreatExpectationsResource, SettingsResource, WarehouseResource  # noqa: E402
from .schedules import (  # noqa: E402
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
