"""Dagster assets for the inbox and the raw schema that ingestion writes."""

import dagster as dg

from ..catalog import load_catalog
from ..intake import InboxResult, process_inbox
from ..resources import GreatExpectationsResource, SettingsResource
from .catalog import REFERENCE_KEYS

INBOX = dg.AssetSpec(
    key="inbox",
    group_name="sources",
    description="部门报送文件收件箱(只读) / Inbox of department submission files (read-only): $DAZU_INBOX",
    kinds={"file"},
)
RAW_KEYS = (
    dg.AssetKey(["raw", "submission"]),
    dg.AssetKey(["raw", "indicator_value"]),
    dg.AssetKey(["raw", "period"]),
    dg.AssetKey(["raw", "enterprise_submission"]),
    dg.AssetKey(["raw", "enterprise_month"]),
)
RAW_DESCRIPTIONS = {
    "submission": "每个报送文件的处理记录 / one row per distinct submission file processed",
    "indicator_value": "已接收报送的全部数值及出处 / every value of every accepted submission, with its source cell",
    "period": "报送中出现的全部期间 / every period the submissions use",
    "enterprise_submission": "每个企业月报文件的处理记录 / one row per enterprise monthly file processed",
    "enterprise_month": "规上工业企业月报数据及出处 / enterprise monthly figures of accepted files, with their row",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[INBOX.key, *REFERENCE_KEYS],
            group_name="raw",
            kinds={"python", "duckdb"},
            description=RAW_DESCRIPTIONS[key.path[-1]],
        )
        for key in RAW_KEYS
    ],
    can_subset=False,
)
def raw_submissions(context: dg.AssetExecutionContext, settings: SettingsResource, gx: GreatExpectationsResource):
    """Reads every new file of the inbox, rejects bad files whole with a report, lands the rest."""
    settings = settings.get()
    result = process_inbox(settings, load_catalog(settings.reference_dir), gx=gx.runner())
    if result.count("accepted") or result.count("rejected") or result.count("held"):
        gx.runner().build_data_docs(settings.data_dir / "data_docs")
    for outcome in result.outcomes:
        if outcome.status in ("rejected", "held"):
            label = "退回 rejected" if outcome.status == "rejected" else "待补录目录 held"
            context.log.warning(
                f"{label}: {outcome.file_name} ({outcome.n_errors} 个错误 errors) → {outcome.report_path}"
            )
    if result.unresolved:
        context.log.warning(
            f"目录待补录名称 {len(result.unresolved)} 个 / {len(result.unresolved)} names for the "
            f"catalog: {settings.reports_dir / 'catalog_proposals.csv'}"
        )
    metadata = _metadata(result)
    metadata["data_docs"] = dg.MetadataValue.path(str(settings.data_dir / "data_docs" / "index.html"))
    metadata["reports"] = dg.MetadataValue.path(str(settings.reports_dir))
    for key in RAW_KEYS:
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


def _metadata(result: InboxResult) -> dict:
    table = "\n".join(
        f"| {o.file_name} | {o.status} | {o.department_code or ''} | {o.period_code or ''} | {o.n_rows} | "
        f"{o.n_errors} | {o.n_warnings} | {o.report_path or ''} |"
        for o in result.outcomes
    )
    names = "\n".join(
        f"| {n.name_as_written} | {n.name_kind} | {n.n_rows} | {'、'.join(n.units_seen)} |" for n in result.unresolved
    )
    return {
        "accepted": result.count("accepted"),
        "held": result.count("held"),
        "rejected": result.count("rejected"),
        "unchanged": result.count("unchanged"),
        "unresolved_names": dg.MetadataValue.md(
            "目录待补录名称 / names the catalog lacks (reports/catalog_proposals.csv)\n\n"
            "| name | kind | rows | units |\n|---|---|---|---|\n" + names
        ),
        "files": dg.MetadataValue.md(
            "| file | status | department | period | rows | errors | warnings | report |\n"
            "|---|---|---|---|---|---|---|---|\n" + table
        ),
    }
