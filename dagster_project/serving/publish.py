"""Publishing the marts so that readers see either the previous complete state or the new one.

DuckDB: dbt builds the marts in their own file (work/marts.duckdb, in the readers' storage format); it is
copied to a new file, which is renamed over the published file (readers that have it open keep the old
one; new readers get the new one).
PostgreSQL: dbt builds `marts_build`; one transaction swaps it in as `marts` and grants bi_reader.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from ..failpoints import failpoint
from ..settings import Settings
from ..storage import PUBLISHED_STORAGE_VERSION, connect, duckdb_config

BI_READER_ROLE = "bi_reader"


def publish(settings: Settings, run_tag: str) -> list[str]:
    if settings.target == "postgres":
        return publish_postgres(settings)
    return publish_duckdb(settings, run_tag)


def publish_duckdb(settings: Settings, run_tag: str) -> list[str]:
    for stale in settings.data_dir.glob(".warehouse.*.publishing.duckdb*"):
        stale.unlink()  # left by a run killed while publishing
    staging = settings.data_dir / f".warehouse.{run_tag}.publishing.duckdb"
    # Opening the marts file replays and checkpoints any write-ahead log, so the file alone is complete.
    con = duckdb.connect(str(settings.marts_warehouse), config=duckdb_config())
    try:
        storage = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchone()[0]
        if not str(storage).startswith(PUBLISHED_STORAGE_VERSION):
            raise RuntimeError(
                f"{settings.marts_warehouse} has storage {storage}, readers need {PUBLISHED_STORAGE_VERSION}"
            )
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        con.execute("checkpoint")
    finally:
        con.close()
    shutil.copyfile(settings.marts_warehouse, staging)
    _fsync(staging)
    failpoint("publish.before_rename")
    os.replace(staging, settings.warehouse)
    _fsync(settings.data_dir)
    return tables


def publish_postgres(settings: Settings) -> list[str]:
    from psycopg import sql

    with connect(settings) as con, con.transaction():
        ensure_bi_reader(con)
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts_build' order by 1"
            )
        ]
        if not tables:
            raise RuntimeError("nothing to publish: schema marts_build is empty")
        con.execute("drop schema if exists marts_previous cascade")
        if con.execute("select 1 from information_schema.schemata where schema_name = 'marts'"):
            con.execute("alter schema marts rename to marts_previous")
        con.execute("alter schema marts_build rename to marts")
        con.execute(
            sql.SQL("grant usage on schema marts to {}").format(sql.Identifier(BI_READER_ROLE)).as_string(con.raw)
        )
        con.execute(
            sql.SQL("grant select on all tables in schema marts to {}")
            .format(sql.Identifier(BI_READER_ROLE))
            .as_string(con.raw)
        )
        failpoint("publish.before_rename")
        con.execute("drop schema if exists marts_previous cascade")
    return tables


def ensure_bi_reader(con) -> None:
    """A role that can read the marts schema and nothing else, and can write nothing."""
    from psycopg import sql

    role = sql.Identifier(BI_READER_ROLE)
    if not con.execute("select 1 from pg_roles where rolname = ?", [BI_READER_ROLE]):
        con.execute(sql.SQL("create role {} nologin").format(role).as_string(con.raw))
    password = os.environ.get("DAZU_BI_READER_PASSWORD")
    if password:
        con.execute(sql.SQL("alter role {} login password {}").format(role, sql.Literal(password)).as_string(con.raw))
    con.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(role).as_string(con.raw))
    database = sql.Identifier(con.execute("select current_database()")[0][0])
    # PUBLIC may create temporary tables and (before PostgreSQL 15) objects in schema public: not the reader.
    con.execute(sql.SQL("revoke temporary on database {} from public").format(database).as_string(con.raw))
    con.execute(sql.SQL("grant temporary on database {} to current_user").format(database).as_string(con.raw))
    con.execute("revoke create on schema public from public")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
