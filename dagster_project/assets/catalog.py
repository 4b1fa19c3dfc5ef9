"""The reference catalog as Dagster assets: checked as a whole at the start of every job, then written into
schema `reference` of the working warehouse for dbt. A catalog that fails its check stops the run before
ingestion, with a report; the published warehouse and earlier data stay as they were."""

import dagster as dg

from ..catalog.check import REQUIRED_COLUMNS, check_catalog, render_check_report
from ..catalog.files import read_reference_file
from ..ingest.landing import land_reference_tables, land_reporting_clock
from ..ingest.reports import write_report
from ..resources import WarehouseResource

REFERENCE_TABLES = tuple(name.removesuffix(".csv") for name in REQUIRED_COLUMNS)
REFERENCE_KEYS = tuple(dg.AssetKey(["reference", name]) for name in REFERENCE_TABLES)
CLOCK_KEY = dg.AssetKey(["reference", "reporting_clock"])


@dg.multi_asset(
    specs=[
        *(
            dg.AssetSpec(
                key,
                group_name="reference",
                kinds={"csv", "duckdb"},
                description=f"目录参考表 / reference table sources/reference/{key.path[-1]}.csv, checked",
            )
            for key in REFERENCE_KEYS
        ),
        dg.AssetSpec(
            CLOCK_KEY,
            group_name="reference",
            kinds={"duckdb"},
            description="报送日历的判定日（重庆时间今天, 或 DAZU_AS_OF_DATE）/ the day the reporting "
            "calendar is judged at (today in Chongqing, or DAZU_AS_OF_DATE)",
        ),
    ],
    can_subset=False,
)
def reference_catalog(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """`python -m dagster_project.catalog check`, then the checked tables into the warehouse."""
    settings = warehouse.settings.get()
    issues = check_catalog(settings.reference_dir)
    report = settings.reports_dir / "catalog_check.html"
    write_report(report, render_check_report(issues))
    if issues:
        for issue in issues:
            context.log.error(issue.as_text())
        table = "\n".join(
            f"| {i.file_name} | {i.line or ''} | {i.column} | {i.problem_zh} / {i.problem_en} | "
            f"{i.fix_zh} / {i.fix_en} |"
            for i in issues
        )
        raise dg.Failure(
            description=f"目录检查未通过, 运行在入库前停止 / the catalog check failed ({len(issues)} problems): "
            f"the run stopped before ingestion; see {report}",
            metadata={
                "problems": dg.MetadataValue.md(
                    "| file | line | column | problem | fix |\n|---|---|---|---|---|\n" + table
                ),
                "report": dg.MetadataValue.path(str(report)),
            },
            allow_retries=False,
        )
    tables = {}
    for name in REFERENCE_TABLES:
        read = read_reference_file(settings.reference_dir / f"{name}.csv")
        tables[name] = (read.header or list(REQUIRED_COLUMNS[f"{name}.csv"]), read.rows)
    as_of = settings.reporting_date()
    with warehouse.write() as con:
        land_reference_tables(con, tables)
        land_reporting_clock(con, as_of)
    for key, name in zip(REFERENCE_KEYS, REFERENCE_TABLES):
        yield dg.MaterializeResult(
            asset_key=key, metadata={"rows": len(tables[name][1]), "report": dg.MetadataValue.path(str(report))}
        )
    yield dg.MaterializeResult(asset_key=CLOCK_KEY, metadata={"as_of_date": as_of.isoformat()})
