"""Checks that two implementations built the same marts: the floor's DuckDB file against the pandas Parquet
files (and, where it has them, the pipeline's warehouse). Numbers are compared rounded, dates as dates.

    python bench/compare.py FLOOR.duckdb PANDAS_DIR [PIPELINE_WAREHOUSE.duckdb]
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

KEYS = {
    "fct_enterprise_month": ["credit_code", "month_start"],
    "dim_enterprise": ["credit_code", "version"],
    "fct_mu_efficiency": ["credit_code", "year"],
    "fct_cluster_output_enterprise": ["cluster_code", "area_code", "period_code"],
}
SKIP = {"file_name", "file_row"}


def _expr(name: str, dtype: str) -> str:
    if dtype.startswith(("DATE", "TIMESTAMP")):
        return f"cast({name} as date) as {name}"
    if dtype in ("DOUBLE", "FLOAT", "DECIMAL") or dtype.startswith("DECIMAL"):
        return f"round({name}, 2) as {name}"  # rounding to cents; relative drift of sums is far smaller
    if dtype in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT"):
        return f"cast({name} as bigint) as {name}"
    return f"{name}"


def compare(con: duckdb.DuckDBPyConnection, left: str, right: str) -> dict[str, str]:
    """left, right: format strings with {t} for the table. Returns a verdict per mart."""
    verdicts = {}
    for table in KEYS:
        try:
            lcols = {r[0]: r[1] for r in con.execute(f"describe select * from {left.format(t=table)}").fetchall()}
            rcols = {r[0]: r[1] for r in con.execute(f"describe select * from {right.format(t=table)}").fetchall()}
        except duckdb.Error as exc:
            verdicts[table] = f"missing ({str(exc).splitlines()[0][:80]})"
            continue
        common = [c for c in lcols if c in rcols and c not in SKIP]
        lsel = ", ".join(_expr(c, lcols[c]) for c in common)
        rsel = ", ".join(_expr(c, rcols[c]) for c in common)
        a = f"select {lsel} from {left.format(t=table)}"
        b = f"select {rsel} from {right.format(t=table)}"
        # An order-independent fingerprint first (one pass each); the row-by-row difference only when it differs.
        fingerprint = f"select count(*), sum(cast(hash({', '.join(common)}) as hugeint)) from ({{q}})"
        n_left, f_left = con.execute(fingerprint.format(q=a)).fetchone()
        n_right, f_right = con.execute(fingerprint.format(q=b)).fetchone()
        if (n_left, f_left) == (n_right, f_right):
            verdict = "same"
        else:
            only_left = con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
            only_right = con.execute(f"select count(*) from ({b} except all {a})").fetchone()[0]
            verdict = "same" if only_left == only_right == 0 else f"{only_left} / {only_right} rows differ"
        verdicts[table] = f"{verdict} ({n_left} vs {n_right} rows, {len(common)} columns compared)"
    return verdicts


def main() -> int:
    floor, pandas_dir = Path(sys.argv[1]), Path(sys.argv[2])
    con = duckdb.connect()
    con.execute(f"attach '{floor}' as floor (read_only)")
    ok = True
    for table, verdict in compare(con, "floor.marts.{t}", f"read_parquet('{pandas_dir}/{{t}}.parquet')").items():
        print(f"floor vs pandas   {table:<32} {verdict}")
        ok &= verdict.startswith("same")
    if len(sys.argv) > 3:
        con.execute(f"attach '{sys.argv[3]}' as pipeline (read_only)")
        for table, verdict in compare(con, "floor.marts.{t}", "pipeline.marts.{t}").items():
            print(f"floor vs pipeline {table:<32} {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
