"""The benchmark's floor (bench/floor.py): the marts and what the pipeline keeps and checks beside them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import REPO_ROOT

BENCH = REPO_ROOT / "bench"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "sources" / "generate_enterprises.py"),
            "--scale",
            "district",
            "--out",
            str(inbox),
            "--months",
            "2023-11:2024-02",
            "--format",
            "parquet",
            "--quiet",
        ],
        check=True,
    )
    out = tmp_path_factory.mktemp("floor") / "floor.duckdb"
    done = subprocess.run(
        [sys.executable, str(BENCH / "floor.py"), str(inbox), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Parquet export" in done.stdout
    (out.parent / "inbox").symlink_to(inbox)
    return out


def test_served_floor_writes_what_readers_of_the_pipeline_open(served):
    con = duckdb.connect(str(served), read_only=True)
    storage = con.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]
    assert storage.startswith("v1.0.0")
    kept = con.execute("select count(*) from raw.enterprise_month").fetchone()[0]
    read = con.execute(f"select count(*) from '{served.parent / 'inbox'}/*.parquet'").fetchone()[0]
    assert kept == read > 0  # every row read is kept, accepted or not


def test_served_floor_exports_every_mart_row(served):
    export = served.with_name(served.name + ".export")
    con = duckdb.connect(str(served), read_only=True)
    partitions = sorted(
        p.relative_to(export / "fct_enterprise_month").as_posix()
        for p in (export / "fct_enterprise_month").glob("year=*/month=*")
    )
    assert partitions == ["year=2023/month=11", "year=2023/month=12", "year=2024/month=1", "year=2024/month=2"]
    files = f"'{export}/fct_enterprise_month/*/*/*.parquet'"
    for query in (
        f"select * exclude (year, month) from marts.fct_enterprise_month except all "
        f"select * exclude (year, month) from read_parquet({files}, hive_partitioning = false)",
        f"select * exclude (year, month) from read_parquet({files}, hive_partitioning = false) "
        f"except all select * exclude (year, month) from marts.fct_enterprise_month",
    ):
        assert con.execute(f"select count(*) from ({query})").fetchone()[0] == 0
    for table in ("dim_enterprise", "fct_mu_efficiency", "fct_cluster_output_enterprise"):
        exported = con.execute(f"select count(*) from '{export}/{table}.parquet'").fetchone()[0]
        assert exported == con.execute(f"select count(*) from marts.{table}").fetchone()[0] > 0


def test_served_key_checks_count_a_duplicated_row(served, tmp_path):
    copy = tmp_path / "floor.duckdb"
    copy.write_bytes(served.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("insert into marts.fct_enterprise_month select * from marts.fct_enterprise_month limit 1")
    con.execute("create temp table staged as select * from raw.enterprise_month")
    con.execute("create temp table accepted_files as select distinct file_name from marts.fct_enterprise_month")
    con.execute((BENCH / "floor_served.sql").read_text(encoding="utf-8"))
    failures = dict(con.execute("select check_name, failures from served_checks").fetchall())
    assert failures.pop("fct_enterprise_month unique per enterprise and month") == 1
    assert set(failures.values()) == {0}


def test_marts_only_floor_builds_the_same_marts_and_nothing_else(served, tmp_path):
    out = tmp_path / "marts_only.duckdb"
    done = subprocess.run(
        [sys.executable, str(BENCH / "floor.py"), str(served.parent / "inbox"), str(out), "--marts-only"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert not out.with_name(out.name + ".export").exists()
    con = duckdb.connect(str(out), read_only=True)
    assert con.execute("select count(*) from duckdb_tables() where schema_name = 'raw'").fetchone()[0] == 0
    con.execute(f"attach '{served}' as served (read_only)")
    for table in ("fct_enterprise_month", "dim_enterprise", "fct_mu_efficiency", "fct_cluster_output_enterprise"):
        differing = con.execute(
            f"select count(*) from ((select * from marts.{table} except all "
            f"select * from served.marts.{table}) union all (select * from "
            f"served.marts.{table} except all select * from marts.{table}))"
        ).fetchone()[0]
        assert differing == 0, table
