"""`make run`: the nightly job once, recorded in the Dagster instance, then a short summary."""

from __future__ import annotations

import sys

import duckdb

from .instance import ensure_dagster_home
from .settings import load_settings

MARTS = (
    "dim_cluster", "dim_indicator", "dim_department", "dim_area", "dim_period",
    "fct_indicator_value", "fct_cluster_output", "fct_target_progress", "fct_submission",
)


def summary(warehouse: str) -> str:
    con = duckdb.connect(warehouse, read_only=True)
    try:
        lines = ["报送 submissions: " + ", ".join(
            f"{status} {n}" for status, n in
            con.execute("select status, count(*) from marts.fct_submission group by 1 order by 1").fetchall()
        )]
        lines.append("各表行数 rows per mart:")
        lines += [f"  marts.{t:<22} {con.execute(f'select count(*) from marts.{t}').fetchone()[0]:>6}" for t in MARTS]
        lines.append("目标进度 targets by status: " + ", ".join(
            f"{status} {n}" for status, n in
            con.execute("select status, count(*) from marts.fct_target_progress group by 1 order by 1").fetchall()
        ))
        return "\n".join(lines)
    finally:
        con.close()


def main() -> int:
    settings = load_settings()
    ensure_dagster_home(settings)
    import dagster as dg

    from .definitions import defs

    result = defs.get_job_def("nightly").execute_in_process(instance=dg.DagsterInstance.get(), raise_on_error=False)
    print()
    print(f"Run {result.run_id}: {'success' if result.success else 'FAILED'}")
    print(f"Warehouse: {settings.warehouse}")
    if settings.warehouse.exists():
        try:
            print(summary(str(settings.warehouse)))
        except duckdb.Error as exc:
            print(f"(no summary: {exc})")
    print(f"Reports: {settings.reports_dir}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
