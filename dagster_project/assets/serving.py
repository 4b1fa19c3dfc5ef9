"""Publishing for readers: runs only after the marts are built and their blocking checks passed."""

import dagster as dg

from ..build_state import promote_pending_record
from ..resources import SettingsResource, WarehouseResource
from ..serving.export import export_parquet
from ..serving.publish import PUBLISHED_STORAGE_VERSION, publish
from .dbt import warehouse_models

MART_KEYS = sorted(k for k in warehouse_models.keys if k.path[0] == "marts")
PUBLISHED = dg.AssetKey(["serving", "published_warehouse"])
PARQUET_EXPORT = dg.AssetKey(["serving", "parquet_export"])


@dg.asset(
    key=PUBLISHED,
    deps=MART_KEYS,
    group_name="serving",
    kinds={"duckdb", "postgres"},
    description="读者使用的数据仓库(原子发布) / The warehouse readers open, published atomically: "
    "$DAZU_DATA_DIR/warehouse.duckdb or PostgreSQL schema marts",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings.get()
    with warehouse.lock():
        tables = publish(settings, context.run.run_id[:8])
        promote_pending_record(settings)
    where = "PostgreSQL schema marts" if settings.target == "postgres" else str(settings.warehouse)
    return dg.MaterializeResult(
        metadata={
            "published": where,
            "tables": len(tables),
            "duckdb_storage_version": PUBLISHED_STORAGE_VERSION if settings.target == "duckdb" else "",
        }
    )


@dg.asset(
    key=PARQUET_EXPORT,
    deps=[PUBLISHED],
    group_name="serving",
    kinds={"parquet"},
    description="数据集市的 Parquet 导出 / The marts as Parquet files: $DAZU_DATA_DIR/export/current/",
)
def parquet_export(context: dg.AssetExecutionContext, settings: SettingsResource) -> dg.MaterializeResult:
    settings = settings.get()
    version = export_parquet(settings, context.run.run_id[:8])
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(settings.export_dir / "current")),
            "version": version.name,
            "files": len(list(version.glob("*.parquet"))),
        }
    )
