"""Gate 2 as Dagster asset checks beside the dbt marts they check; failing rows go into the check's metadata."""

import dagster as dg
import pandas as pd

from ..quality.mart_gate import (
    CheckOutcome,
    cluster_output_frame,
    cluster_shares_frame,
    park_reconciliation_frame,
    run_checks,
    target_progress_frame,
)
from ..resources import GreatExpectationsResource, WarehouseResource

CLUSTER_OUTPUT = dg.AssetKey(["marts", "fct_cluster_output"])
INDICATOR_VALUE = dg.AssetKey(["marts", "fct_indicator_value"])
TARGET_PROGRESS = dg.AssetKey(["marts", "fct_target_progress"])
MAX_ROWS_SHOWN = 50


def _read(warehouse: WarehouseResource, *queries: str) -> list[pd.DataFrame]:
    """Marts as just built (before publishing): `{marts}` in a query is the schema they were built in."""
    marts = warehouse.settings.get().build_marts_schema
    with warehouse.connect(read_only=True) as con:
        return [con.frame(q.format(marts=marts)) for q in queries]


def _data_docs(warehouse: WarehouseResource):
    return warehouse.settings.get().data_dir / "data_docs"


def _result(outcome: CheckOutcome, asset_key: dg.AssetKey, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = outcome.failing_rows.head(MAX_ROWS_SHOWN)
    metadata = {"failing_row_count": len(outcome.failing_rows)}
    if not outcome.passed:
        metadata["problems"] = dg.MetadataValue.md("\n".join(f"- {p}" for p in outcome.problems))
        metadata["failing_rows"] = dg.MetadataValue.md(rows.to_markdown(index=False) if len(rows) else "")
    metadata["data_docs"] = dg.MetadataValue.path(str(_data_docs(warehouse) / "index.html"))
    return dg.AssetCheckResult(
        check_name=outcome.check,
        asset_key=asset_key,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if outcome.severity == "critical" else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
    )


def _build_docs(gx: GreatExpectationsResource, warehouse: WarehouseResource) -> None:
    gx.runner().build_data_docs(_data_docs(warehouse))


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "cluster_shares_sum_to_one",
            asset=CLUSTER_OUTPUT,
            blocking=True,
            description="各范围、期间的集群占比之和为1 / cluster shares sum to 1 per area and period",
        ),
        dg.AssetCheckSpec(
            "computed_growth_plausible",
            asset=CLUSTER_OUTPUT,
            blocking=True,
            description="计算增速在合理范围内 / computed growth within the plausible range",
        ),
        dg.AssetCheckSpec(
            "reported_growth_agrees",
            asset=CLUSTER_OUTPUT,
            description="填报增速与计算增速相差不超过0.5个百分点 / reported and computed growth within 0.5 pp",
        ),
    ],
)
def cluster_output_checks(gx: GreatExpectationsResource, warehouse: WarehouseResource):
    output, indicators = _read(
        warehouse, "select * from {marts}.fct_cluster_output", "select * from {marts}.dim_indicator"
    )
    runner = gx.runner()
    outcomes = run_checks(runner, "marts_cluster_shares", cluster_shares_frame(output), ["cluster_shares_sum_to_one"])
    outcomes += run_checks(
        runner,
        "marts_cluster_output",
        cluster_output_frame(output, indicators),
        ["computed_growth_plausible", "reported_growth_agrees"],
    )
    _build_docs(gx, warehouse)
    for outcome in outcomes:
        yield _result(outcome, CLUSTER_OUTPUT, warehouse)


@dg.asset_check(
    asset=INDICATOR_VALUE,
    description="各园区之和不超过全区(可加指标) / parks never exceed the district "
    "for additive indicators (cross-department reconciliation)",
)
def parks_within_district(gx: GreatExpectationsResource, warehouse: WarehouseResource):
    values, indicators, areas = _read(
        warehouse,
        "select * from {marts}.fct_indicator_value where value_kind = 'actual'",
        "select * from {marts}.dim_indicator",
        "select * from {marts}.dim_area",
    )
    frame = park_reconciliation_frame(values, indicators, areas)
    (outcome,) = run_checks(gx.runner(), "marts_park_reconciliation", frame, ["parks_within_district"])
    _build_docs(gx, warehouse)
    return _result(outcome, INDICATOR_VALUE, warehouse)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "targets_reference_known_codes",
            asset=TARGET_PROGRESS,
            blocking=True,
            description="目标的指标和部门都存在 / every target's indicator and department exist",
        ),
        dg.AssetCheckSpec(
            "progress_ratios_in_bounds",
            asset=TARGET_PROGRESS,
            blocking=True,
            description="完成率和序时进度在合理界限内 / attainment and schedule ratios in sensible bounds",
        ),
    ],
)
def target_progress_checks(gx: GreatExpectationsResource, warehouse: WarehouseResource):
    targets, indicators, departments = _read(
        warehouse,
        "select * from {marts}.fct_target_progress",
        "select * from {marts}.dim_indicator",
        "select * from {marts}.dim_department",
    )
    frame = target_progress_frame(targets, indicators, departments)
    outcomes = run_checks(
        gx.runner(), "marts_target_progress", frame, ["targets_reference_known_codes", "progress_ratios_in_bounds"]
    )
    _build_docs(gx, warehouse)
    for outcome in outcomes:
        yield _result(outcome, TARGET_PROGRESS, warehouse)


# The comparison of the two marts (dbt/models/audits): rebuilt whenever either is, so the check runs then.
CLUSTER_OUTPUT_RECONCILIATION = dg.AssetKey(["audit", "audit_cluster_output_reconciliation"])


@dg.asset_check(
    asset=CLUSTER_OUTPUT_RECONCILIATION,
    description="企业汇总与部门填报的集群产值相差不超过1% / cluster output from the enterprise feed "
    "within 1% of the department's reported cluster output",
)
def enterprise_cluster_output_reconciles(gx: GreatExpectationsResource, warehouse: WarehouseResource):
    with warehouse.connect(read_only=True) as con:
        frame = con.frame("select * from audit.audit_cluster_output_reconciliation")
    frame["exceeds_tolerance"] = frame["exceeds_tolerance"].astype(bool)
    (outcome,) = run_checks(
        gx.runner(), "marts_cluster_reconciliation", frame, ["enterprise_cluster_output_reconciles"]
    )
    _build_docs(gx, warehouse)
    return _result(outcome, CLUSTER_OUTPUT_RECONCILIATION, warehouse)


MART_CHECKS = [
    cluster_output_checks,
    parks_within_district,
    target_progress_checks,
    enterprise_cluster_output_reconciles,
]
