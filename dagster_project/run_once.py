"""`make run`: the nightly job once, recorded in the Dagster instance, then a short summary."""

from __future__ import annotations

from contextlib import redirect_stderr, redirect_stdout
from typing import TYPE_CHECKING

from .settings import load_settings

if TYPE_CHECKING:
    from .storage import Connection

# Imports stay inside main(): the Great Expectations worker, a spawned process, imports this module again
# as its __main__ and should not pay for Dagster, DuckDB and pandas there.


def summary(con: Connection) -> str:
    """What the published marts hold."""
    counts = con.execute("select status, count(*) from marts.fct_submission group by 1 order by 1")
    lines = ["报送 submissions: " + ", ".join(f"{status} {n}" for status, n in counts)]
    for status, file_name, report in con.execute(
        "select status, file_name, report_path from marts.fct_submission where status in ('rejected', 'held') "
        "order by status desc, file_name"
    ):
        label = "退回 rejected" if status == "rejected" else "待补录目录 held"
        lines.append(f"  {label}: {file_name} → 报告 report: {report}")
    (unresolved,) = con.execute("select count(*) from marts.fct_unresolved_name")[0]
    if unresolved:
        lines.append(
            f"目录待补录名称 names for the catalog: {unresolved} (marts.fct_unresolved_name, "
            "reports/catalog_proposals.csv)"
        )
    lines += calendar_summary(con)
    lines.append("各表行数 rows per mart:")
    marts = [
        t
        for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"
        )
    ]
    lines += [f"  marts.{t:<30} {con.execute(f'select count(*) from marts.{t}')[0][0]:>7}" for t in marts]
    targets = con.execute("select status, count(*) from marts.fct_target_progress group by 1 order by 1")
    lines.append("目标进度 targets by status: " + ", ".join(f"{status} {n}" for status, n in targets))
    return "\n".join(lines)


CALENDAR_LABELS = {
    "missing": "缺报 missing",
    "late": "逾期 late",
    "held": "待补录目录 held",
    "rejected": "退回 rejected",
}


def calendar_summary(con: Connection) -> list[str]:
    """Who has not reported, or reported late, for which periods (marts.fct_submission_due)."""
    counts = con.execute("select status, count(*), max(as_of_date) from marts.fct_submission_due group by 1 order by 1")
    if not counts:
        return []
    as_of = max(row[2] for row in counts)
    lines = [f"报送进度 reporting calendar ({as_of}): " + ", ".join(f"{status} {n}" for status, n, _ in counts)]
    rows = con.execute(
        "select due.status, department.name_zh, department.name_en, due.report_name_zh, due.report_name_en, "
        "due.period_code, due.days_late from marts.fct_submission_due as due "
        "join marts.dim_department as department on due.department_code = department.department_code "
        "where due.status in ('missing', 'late', 'held', 'rejected') "
        "order by case due.status when 'missing' then 1 when 'late' then 2 else 3 end, department.department_code, "
        "due.report_kind, due.period_start_date"
    )
    groups: dict[tuple, list[tuple[str, int | None]]] = {}
    for status, dept_zh, dept_en, report_zh, report_en, period, days in rows:
        groups.setdefault((status, f"{dept_zh} {dept_en}", f"{report_zh} {report_en}"), []).append((period, days))
    for (status, department, report), periods in groups.items():
        if len(periods) <= 6:
            shown = ", ".join(f"{p} ({d} 天 days)" if status == "late" else p for p, d in periods)
        else:
            shown = f"{periods[0][0]} … {periods[-1][0]} ({len(periods)} 期 periods)"
        lines.append(f"  {CALENDAR_LABELS[status]}: {department} · {report}: {shown}")
    return lines


def run_night(defs, instance, tags: dict[str, str] | None = None):
    """The nightly job, then the publish job when the nightly run rebuilt marts without publishing them (what
    the sensor publish_after_nightly does under `dagster dev`). Returns both results (publish: None)."""
    from .schedules import unpublished_marts

    nightly = defs.get_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False, tags=tags)
    if not (nightly.success and unpublished_marts(instance)):
        return nightly, None
    return nightly, defs.get_job_def("publish").execute_in_process(
        instance=instance, raise_on_error=False, tags={"dazu/after_run": nightly.run_id}
    )


def main() -> int:
    from . import dbt_runner
    from .quality.gx_runner import prestart as prestart_gx

    prestart_gx()  # Great Expectations and dbt start in processes of their own while Dagster starts here
    settings = load_settings()
    dbt_runner.prestart(settings)
    import dagster as dg

    from .instance import ensure_dagster_home
    from .storage import connect_published

    ensure_dagster_home(settings)

    from .definitions import defs

    log_path = settings.data_dir / "logs" / "make_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Running the nightly job; its log goes to {log_path} and to the run page of `make ui` …", flush=True)
    with open(log_path, "w", encoding="utf-8") as log, redirect_stdout(log), redirect_stderr(log):
        nightly, published = run_night(defs, dg.DagsterInstance.get())
    success = nightly.success and (published is None or published.success)
    print(f"Run {nightly.run_id}: {'success' if nightly.success else 'FAILED'}")
    rebuilt = sorted(
        e.asset_key.path[-1] for e in nightly.get_asset_materialization_events() if e.asset_key.path[0] == "marts"
    )
    if published is not None:
        print(f"Publish run {published.run_id}: {'success' if published.success else 'FAILED'}")
    if nightly.success:
        print(
            f"重建的数据集市 marts rebuilt: {len(rebuilt)}"
            + (
                f" ({', '.join(rebuilt)})"
                if rebuilt
                else " (自上次构建以来无变化 / nothing changed since the last build: nothing rebuilt or published)"
            )
        )
    print("Warehouse: " + ("PostgreSQL, schema marts" if settings.target == "postgres" else str(settings.warehouse)))
    try:
        with connect_published(settings) as con:
            print(summary(con))
    except Exception as exc:  # the run's own failure is reported above; the summary is best effort
        print(f"(no summary: {exc})")
    print(f"Reports: {settings.reports_dir}")
    return 0 if success else 1


if __name__ == "__main__":
    from .fast_exit import exit_now

    exit_now(main())  # the warehouse, reports and run history are written and closed by now
