"""A BI reader: opens the published warehouse afresh for every query round, as Superset does, until told to stop.

Usage: python reader_loop.py WAREHOUSE STOP_FILE OUT_JSON [MAX_SECONDS]
Writes the list of observed states (row counts of every mart, read in one connection) and every error.
"""

import json
import sys
import time

import duckdb


def main() -> None:
    warehouse, stop_file, out, *rest = sys.argv[1:]
    deadline = time.monotonic() + (float(rest[0]) if rest else 600)
    states, errors, rounds = [], [], 0
    while time.monotonic() < deadline:
        try:
            open(stop_file).close()
            break
        except FileNotFoundError:
            pass
        try:
            con = duckdb.connect(warehouse, read_only=True)
            try:
                marts = [
                    t
                    for (t,) in con.execute(
                        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
                    ).fetchall()
                ]
                state = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in marts}
                state["shares_ok"] = con.execute(
                    "select coalesce(bool_and(abs(s - 1) < 1e-9), true) from (select sum(share_of_area_total) s "
                    "from marts.fct_cluster_output group by area_code, period_code)"
                ).fetchone()[0]
            finally:
                con.close()
            states.append(state)
        except Exception as exc:  # every failure is what the test looks for
            errors.append(f"{type(exc).__name__}: {exc}")
        rounds += 1
        time.sleep(0.02)
    with open(out, "w") as f:
        json.dump({"rounds": rounds, "states": states, "errors": errors}, f)


if __name__ == "__main__":
    main()
