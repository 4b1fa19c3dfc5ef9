"""The benchmark's floor (b): the pipeline's work on the enterprise feed as hand-written DuckDB SQL.

    python bench/floor.py INBOX_DIR OUT.duckdb [--reference sources/reference] [--memory-limit 1GB] [--marts-only]

Runs bench/floor.sql (the marts) and then bench/floor_served.sql (what the pipeline keeps and checks beside
them: the rows read kept in a table, key checks) in a database written in storage v1.0.0, as the pipeline
publishes it for DuckDB 1.x readers, and exports the marts to Parquet in OUT.export/ (fct_enterprise_month
one file per month, as the pipeline's export). --marts-only (b₀, for information) builds the marts alone, in
DuckDB's own storage format, and nothing else.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "sources" / "reference"


def _list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def source_view(files: list[Path]) -> str:
    """`src`: every row of every file, with file_name and file_row. CSV is read as text, like the pipeline."""
    parquet = sorted(p for p in files if p.suffix.lower() == ".parquet")
    csv = sorted(p for p in files if p.suffix.lower() == ".csv")
    parts = []
    if parquet:
        parts.append(
            f"select * exclude (filename, file_row_number), parse_filename(filename) as file_name, "
            f"file_row_number + 1 as file_row from read_parquet({_list(parquet)}, filename = true, "
            f"file_row_number = true, union_by_name = true)"
        )
    if csv:
        parts.append(
            f"select * exclude (filename), parse_filename(filename) as file_name, "
            f"cast(null as bigint) as file_row from read_csv({_list(csv)}, header = true, "
            f"all_varchar = true, filename = true, union_by_name = true)"
        )
    if not parts:
        raise SystemExit("no .csv or .parquet files")
    return "create or replace temp view src as " + " union all by name ".join(parts)


def export(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Every mart to Parquet, as the pipeline's export on a first build (dagster_project/serving/export.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    for (table,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' and table_name <> 'file_status'"
    ).fetchall():
        if table != "fct_enterprise_month":
            con.execute(f"copy marts.{table} to '{folder / table}.parquet' (format parquet)")
            continue
        for year, month in con.execute("select distinct year, month from marts.fct_enterprise_month").fetchall():
            partition = folder / table / f"year={year}" / f"month={month}"
            partition.mkdir(parents=True)
            con.execute(
                f"copy (select * from marts.{table} where year = {year} and month = {month}) "
                f"to '{partition / 'data_0.parquet'}' (format parquet)"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--memory-limit", help="DuckDB's memory_limit (default: DuckDB's own, 80%% of RAM)")
    parser.add_argument(
        "--marts-only",
        action="store_true",
        help="the marts alone: no rows kept, no key checks, DuckDB's own storage format, no export",
    )
    args = parser.parse_args()
    files = [p for p in sorted(args.inbox.rglob("*")) if p.suffix.lower() in (".csv", ".parquet")]
    args.out.unlink(missing_ok=True)
    shutil.rmtree(args.out.with_name(args.out.name + ".export"), ignore_errors=True)
    start = time.perf_counter()
    config = {"memory_limit": args.memory_limit} if args.memory_limit else {}
    if not args.marts_only:
        config["storage_compatibility_version"] = "v1.0.0"
    con = duckdb.connect(str(args.out), config=config)
    con.execute(source_view(files))
    script = (HERE / "floor.sql").read_text(encoding="utf-8")
    con.execute(script.replace(":reference_dir:", str(args.reference.resolve()).replace("'", "''")))
    phases = {"marts": time.perf_counter() - start}
    if not args.marts_only:
        con.execute((HERE / "floor_served.sql").read_text(encoding="utf-8"))
        failed = con.execute("select check_name, failures from served_checks where failures > 0").fetchall()
        if failed:
            raise SystemExit(f"key checks failed: {failed}")
        phases["rows kept and checked"] = time.perf_counter() - start - sum(phases.values())
        export(con, args.out.with_name(args.out.name + ".export"))
        phases["Parquet export"] = time.perf_counter() - start - sum(phases.values())
    rows = {
        t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]
        for t in ("fct_enterprise_month", "dim_enterprise", "fct_mu_efficiency", "fct_cluster_output_enterprise")
    }
    rejected = con.execute(
        "select count(*) from marts.file_status where file_name not in "
        "(select distinct file_name from marts.fct_enterprise_month)"
    ).fetchone()[0]
    con.close()
    print(
        f"floor: {len(files)} files ({rejected} without accepted rows), {rows}, "
        f"{time.perf_counter() - start:.2f} s ({', '.join(f'{k} {v:.1f} s' for k, v in phases.items())})",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
