"""PostgreSQL as the shared warehouse: same marts as DuckDB, and a bi_reader role that only reads marts.

Needs a server from the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) with a role that
may create schemas and roles; `.ci/run` starts a throwaway one. Skipped when none is configured.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import shutil

import duckdb
import pytest
import sqlalchemy as sa

from dagster_project.storage import postgres_configured
from tests.builders import SAMPLE_INBOX, cover, indicator_row, write_workbook
from tests.pipeline_runs import MART_KEYS, RUN_TIMESTAMPS, environment, run_nightly, snapshot

pytestmark = pytest.mark.skipif(not postgres_configured(), reason="no PostgreSQL configured (PGHOST/PGDATABASE)")

READER_PASSWORD = secrets.token_urlsafe(12)
SCHEMAS = ("raw", "staging", "intermediate", "reference", "marts", "marts_build", "marts_previous")


def _admin():
    import psycopg

    return psycopg.connect(autocommit=True)


@pytest.fixture(scope="module")
def both_targets(tmp_path_factory):
    root = tmp_path_factory.mktemp("targets")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    # a file held for the catalog, so that the work list and a composed indicator are compared too
    write_workbook(
        inbox / "held.xlsx",
        cover(),
        [indicator_row("重点企业产值", "120", "亿元"), indicator_row("重点企业产值增速", "9", "%")],
    )
    write_workbook(
        inbox / "composed.xlsx", cover(department="区科技局"), [indicator_row("规上工业增加值增速", "8.5", "%")]
    )
    with _admin() as con:
        for schema in SCHEMAS:
            con.execute(f"drop schema if exists {schema} cascade")
    run_nightly(inbox, root / "duckdb")
    with environment(DAZU_BI_READER_PASSWORD=READER_PASSWORD):  # a secret: only ever from the environment
        run_nightly(inbox, root / "postgres", target="postgres")
    return snapshot(root / "duckdb"), _postgres_snapshot(), root


def _postgres_snapshot() -> dict[str, list[dict]]:
    with _admin() as con:
        tables = {}
        for table, key in MART_KEYS.items():
            cursor = con.execute(f"select * from marts.{table} order by {key}")
            columns = [d.name for d in cursor.description]
            tables[table] = [dict(zip(columns, row)) for row in cursor.fetchall()]
        return tables


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def test_postgres_marts_equal_duckdb_marts_row_by_row(both_targets):
    duck, pg, _ = both_targets
    for table in MART_KEYS:
        assert len(pg[table]) == len(duck[table]) > 0, table
        for duck_row, pg_row in zip(duck[table], pg[table]):
            assert set(duck_row) == set(pg_row), table
            differing = {
                k: (duck_row[k], pg_row[k])
                for k in duck_row
                if k not in RUN_TIMESTAMPS and not _same(duck_row[k], pg_row[k])
            }
            assert differing == {}, (table, differing)


def test_postgres_export_has_the_layout_and_rows_of_the_duckdb_export(both_targets):
    _, _, root = both_targets
    layouts = {}
    for target in ("duckdb", "postgres"):
        current = root / target / "export" / "current"
        layouts[target] = {
            str(path.relative_to(current)): duckdb.execute(f"select count(*) from '{path}'").fetchone()[0]
            for path in sorted(current.rglob("*.parquet"))
        }
    assert "fct_enterprise_month/year=2024/month=6/data_0.parquet" in layouts["duckdb"]
    assert any(name.startswith("fct_mu_efficiency/year=") for name in layouts["duckdb"])
    assert layouts["postgres"] == layouts["duckdb"]


def test_postgres_export_holds_the_postgres_marts_value_for_value(both_targets):
    _, pg, root = both_targets
    current = root / "postgres" / "export" / "current"
    for table, key in MART_KEYS.items():
        files = (
            f"read_parquet('{current / table}/**/*.parquet', hive_partitioning = false)"
            if (current / table).is_dir()
            else f"'{current / table}.parquet'"
        )
        cursor = duckdb.execute(f"select * from {files} order by {key}")
        columns = [d[0] for d in cursor.description]
        exported = [dict(zip(columns, row)) for row in cursor.fetchall()]
        assert exported == pg[table], table


def _reader_engine():
    import os

    url = sa.engine.URL.create(
        "postgresql+psycopg",
        username="bi_reader",
        password=READER_PASSWORD,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=int(os.environ.get("PGPORT", 5432)),
        database=os.environ["PGDATABASE"],
    )
    return sa.create_engine(url)


def test_bi_reader_reads_every_mart_through_sqlalchemy(both_targets):
    engine = _reader_engine()
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names(schema="marts")) == set(MART_KEYS)
        for table in MART_KEYS:
            assert connection.execute(sa.text(f"select * from marts.{table}")).fetchall(), table
    engine.dispose()


def test_bi_reader_runs_the_superset_datasets_as_duckdb_does(both_targets):
    """The dashboards' datasets (bi/superset/assets/) are portable SQL over the marts: as bi_reader on
    PostgreSQL they return the columns and rows they return on the DuckDB warehouse."""
    import yaml

    from dagster_project.settings import REPO_ROOT

    _, _, root = both_targets
    duck = duckdb.connect(str(root / "duckdb" / "warehouse.duckdb"), read_only=True)
    engine = _reader_engine()
    try:
        with engine.connect() as connection:
            for path in sorted((REPO_ROOT / "bi" / "superset" / "assets" / "datasets").rglob("*.yaml")):
                sql = yaml.safe_load(path.read_text(encoding="utf-8"))["sql"]
                expected = duck.execute(sql)
                columns = [d[0] for d in expected.description]
                expected_rows = sorted(map(repr, expected.fetchall()))
                result = connection.execute(sa.text(sql.replace(":", r"\:")))
                assert list(result.keys()) == columns, path.name
                assert len(sorted(map(repr, result.fetchall()))) == len(expected_rows) > 0, path.name
    finally:
        engine.dispose()
        duck.close()


@pytest.mark.parametrize(
    "statement",
    [
        "select * from raw.submission",
        "select * from staging.stg_raw__submission",
        "insert into marts.dim_area (area_code) values ('x')",
        "update marts.fct_indicator_value set value = 0",
        "delete from marts.fct_submission",
        "create table public.sneaky (x int)",
        "create table marts.sneaky (x int)",
        "create temporary table sneaky (x int)",
        "drop table marts.dim_area",
    ],
)
def test_bi_reader_is_refused_everything_else(both_targets, statement):
    engine = _reader_engine()
    with engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError) as refused:
            connection.execute(sa.text(statement))
    engine.dispose()
    assert "permission denied" in str(refused.value) or "read-only transaction" in str(refused.value)


def test_enterprise_rows_land_in_postgres_exactly_as_read():
    """The PostgreSQL landing streams DuckDB's CSV into COPY: texts with commas, quotes, line breaks and
    formula characters, empty texts against nulls, and doubles must arrive as DuckDB has them."""
    import psycopg

    from dagster_project.ingest.enterprise import ensure_enterprise_schema, land_enterprise_rows
    from dagster_project.raw_tables import ENTERPRISE_MONTH
    from dagster_project.storage import Connection

    engine = duckdb.connect()
    engine.execute("""
        create temp view enterprise_checked as select * from (values
          (1, '91500111MA5U4W1X7C', '重庆大足, "五金" 有限公司', '双桥经开区', 'shuangqiao', 'hardware', '2024M06',
           date '2024-06-01', 0.1::double + 0.2::double, 1e-7::double, 1.23456789012345e15::double,
           -2500.5::double, 0.0::double, 12.75::double, 3.0::double, 41.0::double, 33.3::double),
          (2, '91500111MA5U4W1X7C', '=SUM(A1)' || chr(10) || '第二行', '', null, 'other', '2024M06',
           date '2024-06-01', null, null, null, null, null, null, null, null, null)
        ) as t(row_no, credit_code, enterprise_name, park_name, area_code, cluster_code, period_code, month_start,
               output_month_yuan, output_ytd_yuan, revenue_yuan, profit_yuan, tax_yuan, energy_tce, rd_yuan,
               employees, land_mu)
    """)
    loaded_at = dt.datetime(2026, 11, 27, 6, 0, 1)
    columns = ", ".join(ENTERPRISE_MONTH.column_names)
    expected = engine.execute(
        "select 'sub_landing_test' as submission_id, * exclude (employees, land_mu), "
        "cast(round(employees) as integer) as employees, land_mu, "
        "cast(? as timestamp) as loaded_at from enterprise_checked order by row_no",
        [loaded_at],
    ).fetchall()
    with psycopg.connect(autocommit=True) as pg:
        con = Connection(pg, "postgres")
        with pg.transaction():
            ensure_enterprise_schema(con)
            land_enterprise_rows(engine, con, "sub_landing_test", loaded_at)
            landed = pg.execute(
                f"select {columns} from raw.enterprise_month where submission_id = 'sub_landing_test' order by row_no"
            ).fetchall()
            raise psycopg.Rollback()
    assert [tuple(row) for row in landed] == expected
    assert landed[1][3] == "=SUM(A1)\n第二行" and landed[1][4] == "" and landed[1][5] is None


def test_a_second_night_on_postgresql_runs_and_keeps_the_marts(both_targets):
    """The checked catalog is written again every night under the staging views that read it (last in this
    module: it moves the PostgreSQL build on)."""
    _, pg, root = both_targets
    with environment(DAZU_BI_READER_PASSWORD=READER_PASSWORD):
        run_nightly(root / "inbox", root / "postgres", target="postgres")
    again = _postgres_snapshot()
    for table in MART_KEYS:
        assert [{k: v for k, v in row.items() if k not in RUN_TIMESTAMPS} for row in again[table]] == [
            {k: v for k, v in row.items() if k not in RUN_TIMESTAMPS} for row in pg[table]
        ], table
