"""Gate 1: the review rules (审核规则) on a parsed submission, before anything of it lands.

Frames are built here (pure); the rules themselves are the suites expectations/submission_*.json.
A critical finding is a hard error (the file is rejected whole); a warning is a soft finding that
lands with quality_flag set, marked as explained when the row's 说明 is filled in.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

import pandas as pd

from ..catalog import Catalog
from ..domain import ERROR, OUTPUT_INDICATOR, WARNING, Issue, ParsedSubmission, ValueRow
from ..messages import MESSAGES
from ..parsing.periods import Period, months
from .gx_runner import Finding, GxWorker

ValueKey = tuple[str, str, str, str, str]  # indicator, area, cluster ('' when none), kind, period


def cluster_key(cluster_code: str | None) -> str:
    return cluster_code or ""


def year_earlier(period: Period) -> str:
    """The same months one year earlier: the comparison base of 同比."""
    return months(period.year - 1, period.start_date.month, period.end_date.month).code


def previous_keys(parsed: ParsedSubmission) -> set[ValueKey]:
    """The values a year earlier that the change rule compares against."""
    return {
        (
            row.indicator_code,
            row.area_code,
            cluster_key(row.cluster_code),
            row.value_kind,
            year_earlier(parsed.periods[row.period_code]),
        )
        for row in parsed.rows
        if row.period_code in parsed.periods
    }


def value_keys(parsed: ParsedSubmission) -> set[ValueKey]:
    """The values the submission itself provides (what a later submission's change rule may compare with)."""
    return {
        (row.indicator_code, row.area_code, cluster_key(row.cluster_code), row.value_kind, row.period_code)
        for row in parsed.rows
    }


def values_frame(parsed: ParsedSubmission, catalog: Catalog, previous: dict[ValueKey, float]) -> pd.DataFrame:
    records = []
    for row in parsed.rows:
        indicator = catalog.indicators[row.indicator_code]
        period = parsed.periods.get(row.period_code)
        before = (
            previous.get(
                (row.indicator_code, row.area_code, cluster_key(row.cluster_code), row.value_kind, year_earlier(period))
            )
            if period
            else None
        )
        relative = absolute = None
        if before is not None and row.comparator != "range":
            if indicator.is_amount and before > 0:
                relative = row.value / before - 1
            elif indicator.base_unit == "ratio":
                absolute = row.value - before
        is_count = indicator.base_unit == "count"
        records.append(
            {
                "indicator_code": row.indicator_code,
                "area_code": row.area_code,
                "cluster_key": cluster_key(row.cluster_code),
                "period_code": row.period_code,
                "value_kind": row.value_kind,
                "value": row.value,
                "value_upper": row.value_upper,
                "fraction": (row.value % 1) if is_count else None,
                "fraction_upper": (row.value_upper % 1) if is_count and row.value_upper is not None else None,
                "is_non_negative": indicator.is_non_negative,
                "is_bounded_ratio": indicator.is_bounded_ratio,
                "is_change_rate": indicator.is_change_rate,
                "plausible_min": indicator.plausible_min,
                "plausible_max": indicator.plausible_max,
                "previous_value": before,
                "relative_change": relative,
                "absolute_change": absolute,
            }
        )
    return pd.DataFrame.from_records(records, columns=_VALUE_COLUMNS).astype(_VALUE_TYPES)


_VALUE_TYPES = {
    "indicator_code": "object",
    "area_code": "object",
    "cluster_key": "object",
    "period_code": "object",
    "value_kind": "object",
    "value": "float64",
    "value_upper": "float64",
    "fraction": "float64",
    "fraction_upper": "float64",
    "is_non_negative": "bool",
    "is_bounded_ratio": "bool",
    "is_change_rate": "bool",
    "plausible_min": "float64",
    "plausible_max": "float64",
    "previous_value": "float64",
    "relative_change": "float64",
    "absolute_change": "float64",
}
_VALUE_COLUMNS = list(_VALUE_TYPES)


@dataclass(frozen=True)
class ClusterTotal:
    area_code: str
    period_code: str
    clusters_sum: float
    total_row: ValueRow


def cluster_totals(parsed: ParsedSubmission) -> list[ClusterTotal]:
    """Where the file gives both a total output and its cluster breakdown for one area and period."""
    totals = {
        (r.area_code, r.period_code): r
        for r in parsed.rows
        if r.indicator_code == OUTPUT_INDICATOR and r.cluster_code is None and r.value_kind == "actual"
    }
    sums: dict[tuple[str, str], float] = {}
    for r in parsed.rows:
        if r.indicator_code == OUTPUT_INDICATOR and r.cluster_code is not None and r.value_kind == "actual":
            sums[(r.area_code, r.period_code)] = sums.get((r.area_code, r.period_code), 0.0) + r.value
    return [
        ClusterTotal(area, period, sums[(area, period)], totals[(area, period)])
        for (area, period) in sorted(sums)
        if (area, period) in totals
    ]


def cluster_totals_frame(totals: list[ClusterTotal]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": [t.area_code for t in totals],
            "period_code": [t.period_code for t in totals],
            "clusters_sum": [t.clusters_sum for t in totals],
            "reported_total": [t.total_row.value for t in totals],
            "gap_ratio": [t.clusters_sum / t.total_row.value - 1 if t.total_row.value else None for t in totals],
        },
        columns=["area_code", "period_code", "clusters_sum", "reported_total", "gap_ratio"],
    ).astype({"clusters_sum": "float64", "reported_total": "float64", "gap_ratio": "float64"})


@dataclass
class PendingGate:
    """A submission whose review rules are running in the Great Expectations worker."""

    parsed: ParsedSubmission
    frame: pd.DataFrame
    values_findings: Future
    totals: list[ClusterTotal]
    totals_findings: Future | None


def start_gate(
    parsed: ParsedSubmission, catalog: Catalog, previous: dict[ValueKey, float], runner: GxWorker
) -> PendingGate | None:
    """Sends the submission's frames to the rules without waiting: the caller goes on with other files."""
    if not parsed.rows:
        return None
    frame = values_frame(parsed, catalog, previous)
    totals = cluster_totals(parsed)
    return PendingGate(
        parsed,
        frame,
        runner.validate_later("submission_values", frame),
        totals,
        runner.validate_later("submission_cluster_totals", cluster_totals_frame(totals)) if totals else None,
    )


def finish_gate(pending: PendingGate | None, catalog: Catalog) -> None:
    """Adds the gate's issues to the submission and sets quality_flag on rows with soft findings."""
    if pending is None:
        return
    parsed, frame = pending.parsed, pending.frame
    soft: dict[int, set[str]] = {}
    for finding in pending.values_findings.result():
        for index in finding.row_indices:
            row = parsed.rows[index]
            indicator = catalog.indicators[row.indicator_code]
            before = frame.at[index, "previous_value"]
            display = catalog.display_unit(indicator)
            words = {
                "indicator": indicator.name_zh,
                "indicator_en": indicator.name_en,
                "plausible_min": indicator.plausible_min,
                "plausible_max": indicator.plausible_max,
                "previous_display": "" if pd.isna(before) else f"{before / float(display.factor):g}{display.unit_zh}",
            }
            parsed.issues.append(_issue(finding, row, words))
            if finding.severity != "critical":
                soft.setdefault(index, set()).add(finding.rule)
    for index, rules in soft.items():
        for rule in rules:
            parsed.rows[index].add_flag(rule)

    if pending.totals_findings is not None:
        for finding in pending.totals_findings.result():
            for index in finding.row_indices:
                total = pending.totals[index]
                unit = catalog.display_unit(catalog.indicators[OUTPUT_INDICATOR])
                words = {
                    "clusters_sum_display": f"{total.clusters_sum / float(unit.factor):g}{unit.unit_zh}",
                    "total_display": f"{total.total_row.value / float(unit.factor):g}{unit.unit_zh}",
                }
                parsed.issues.append(_issue(finding, total.total_row, words))


def _issue(finding: Finding, row: ValueRow, words: dict) -> Issue:
    meta = finding.meta
    hard = finding.severity == "critical"
    explained = not hard and bool(row.explanation)
    text = MESSAGES[meta["message"]].format(**words)
    return Issue(
        ERROR if hard else WARNING,
        finding.rule,
        text.problem_zh + (MESSAGES["explained"].problem_zh if explained else ""),
        text.problem_en + (MESSAGES["explained"].problem_en if explained else ""),
        text.fix_zh,
        text.fix_en,
        sheet=row.source_sheet,
        row=row.source_row,
        column=meta.get("column", "数值"),
        cell=row.source_cell,
        value_text=row.raw_text,
    )
