"""Gate 2: rules on the built marts. Frames from mart tables (pure pandas); rules in expectations/marts_*.json."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..messages import MESSAGES
from .gx_runner import GxWorker

GROWTH_INDICATOR = "above_scale_industrial_output_growth"


@dataclass
class CheckOutcome:
    check: str
    passed: bool
    severity: str  # critical | warning (of the failing expectations; critical when mixed)
    failing_rows: pd.DataFrame
    problems: list[str]


def cluster_shares_frame(cluster_output: pd.DataFrame) -> pd.DataFrame:
    return cluster_output.groupby(["area_code", "period_code"], as_index=False).agg(
        share_sum=("share_of_area_total", "sum"), n_clusters=("cluster_code", "count")
    )


def cluster_output_frame(cluster_output: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    growth = indicators.loc[indicators["indicator_code"] == GROWTH_INDICATOR].iloc[0]
    frame = cluster_output[["cluster_code", "area_code", "period_code", "yoy_growth", "reported_yoy_growth"]].copy()
    frame["plausible_min"] = float(growth["plausible_min"])
    frame["plausible_max"] = float(growth["plausible_max"])
    frame["growth_gap_pp"] = (frame["reported_yoy_growth"] - frame["yoy_growth"]) * 100
    return frame.astype({"yoy_growth": "float64", "reported_yoy_growth": "float64", "growth_gap_pp": "float64"})


def park_reconciliation_frame(values: pd.DataFrame, indicators: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """District value beside the sum of its parks, per additive indicator, period, kind and cluster."""
    additive = set(indicators.loc[indicators["is_additive"].astype(bool), "indicator_code"])
    parks = set(areas.loc[areas["parent_area_code"] == "dazu_district", "area_code"])
    rows = values.loc[values["indicator_code"].isin(additive)].copy()
    rows["cluster_key"] = rows["cluster_code"].fillna("")
    keys = ["indicator_code", "period_code", "value_kind", "cluster_key"]
    district = (
        rows.loc[rows["area_code"] == "dazu_district"]
        .groupby(keys, as_index=False)
        .agg(district_value=("value", "max"))
    )
    park_sums = (
        rows.loc[rows["area_code"].isin(parks)]
        .groupby(keys, as_index=False)
        .agg(parks_sum=("value", "sum"), parks=("area_code", lambda a: "、".join(sorted(set(a)))))
    )
    frame = district.merge(park_sums, on=keys, how="inner")
    return frame.astype({"district_value": "float64", "parks_sum": "float64"}).reset_index(drop=True)


def target_progress_frame(targets: pd.DataFrame, indicators: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
    frame = targets[
        ["department_code", "area_code", "indicator_code", "year", "status", "attainment_ratio", "schedule_ratio"]
    ].copy()
    frame["known_indicator_code"] = frame["indicator_code"].where(
        frame["indicator_code"].isin(indicators["indicator_code"])
    )
    frame["known_department_code"] = frame["department_code"].where(
        frame["department_code"].isin(departments["department_code"])
    )
    return frame.astype({"attainment_ratio": "float64", "schedule_ratio": "float64"})


def run_checks(runner: GxWorker, suite: str, frame: pd.DataFrame, checks: list[str]) -> list[CheckOutcome]:
    """One outcome per check name of the suite: passed, or the failing rows and what is wrong."""
    findings = runner.validate(suite, frame) if len(frame) else []
    outcomes = []
    for check in checks:
        failing = [f for f in findings if f.meta.get("check") == check]
        indices = sorted({i for f in failing for i in f.row_indices})
        outcomes.append(
            CheckOutcome(
                check=check,
                passed=not failing,
                severity="critical" if any(f.severity == "critical" for f in failing) or not failing else "warning",
                failing_rows=frame.loc[indices] if indices else frame.iloc[0:0],
                problems=[_problem(f) for f in failing],
            )
        )
    return outcomes


def _problem(finding) -> str:
    text = MESSAGES[finding.meta["message"]]
    return f"{text.problem_zh} / {text.problem_en}"
