"""Connections to the working warehouse: a DuckDB file, or PostgreSQL from the libpq variables.

SQL is written once with `?` placeholders and portable syntax; this module adapts it to the target.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .settings import Settings


class Connection:
    """The few operations the pipeline needs, the same on DuckDB and PostgreSQL."""

    def __init__(self, raw: Any, target: str):
        self.raw = raw
        self.target = target

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.target == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cursor = self.raw.execute(self._sql(sql), list(params)) if params else self.raw.execute(sql)
        return cursor.fetchall() if cursor.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.target == "postgres":
            with self.raw.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)
        else:
            self.raw.executemany(sql, rows)

    def frame(self, sql: str) -> pd.DataFrame:
        if self.target == "postgres":
            with self.raw.cursor() as cursor:
                cursor.execute(sql)
                columns = [d.name for d in cursor.description]
                return pd.DataFrame(cursor.fetchall(), columns=columns)
        return self.raw.execute(sql).df()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.target == "postgres":
            with self.raw.transaction():
                yield
            return
        self.raw.execute("begin transaction")
        try:
            yield
        except BaseException:
            self.raw.execute("rollback")
            raise
        self.raw.execute("commit")


def sql_string(text: str) -> str:
    """A SQL string literal (file paths in DuckDB statements that take no parameters: ATTACH, COPY, read_*)."""
    return "'" + text.replace("'", "''") + "'"


def duckdb_config() -> dict[str, str | bool]:
    """Every DuckDB database the pipeline opens stays within this (dbt's too: dbt/profiles.yml), so that a
    national-scale run fits in 2 GiB; DuckDB spills to disk beyond it. No table or export promises a row
    order, so inserts and Parquet writes need not keep one."""
    return {"memory_limit": os.environ.get("DAZU_DUCKDB_MEMORY_LIMIT") or "1GB", "preserve_insertion_order": False}


def double_type(target: str) -> str:
    return "double precision" if target == "postgres" else "double"


@contextmanager
def connect(settings: Settings, read_only: bool = False) -> Iterator[Connection]:
    """The working warehouse of settings.target."""
    if settings.target == "postgres":
        import psycopg

        # libpq reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE itself: no secret passes through here.
        raw = psycopg.connect(autocommit=True, application_name="dazu246")
        try:
            if read_only:
                raw.execute("set default_transaction_read_only = on")
            yield Connection(raw, "postgres")
        finally:
            raw.close()
        return
    settings.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
    if read_only and not settings.work_warehouse.exists():
        raise FileNotFoundError(settings.work_warehouse)
    raw = duckdb.connect(str(settings.work_warehouse), read_only=read_only, config=duckdb_config())
    try:
        attach_marts(raw, settings, read_only)
        yield Connection(raw, "duckdb")
    finally:
        raw.close()


# DuckDB 2.x writes a storage format that DuckDB 1.x readers refuse. v1.0.0 (storage number 64) is read by
# every DuckDB since 0.10, which is what BI tools bundle today (duckdb-engine, Metabase, DBeaver).
PUBLISHED_STORAGE_VERSION = "v1.0.0"
MARTS_CATALOG = "marts_db"


def attach_marts(raw: duckdb.DuckDBPyConnection, settings: Settings, read_only: bool) -> None:
    """The marts file beside the working database, so that `marts.<table>` reads what dbt built.

    dbt builds the marts into work/marts.duckdb (dbt/profiles.yml); created here first when missing, in
    the storage format readers need, so that publishing is a file copy.
    """
    if read_only and not settings.marts_warehouse.exists():
        return
    options = "read_only" if read_only else f"storage_version '{PUBLISHED_STORAGE_VERSION}'"
    raw.execute(f"attach if not exists {sql_string(str(settings.marts_warehouse))} as {MARTS_CATALOG} ({options})")
    if (
        not read_only
        and raw.execute(
            "select 1 from duckdb_schemas() where database_name = current_database() and schema_name = 'marts'"
        ).fetchall()
    ):
        # Earlier versions built the marts inside the working database: that stale copy would hide them.
        raw.execute("drop schema marts cascade")
    if not read_only:
        raw.execute(f"create schema if not exists {MARTS_CATALOG}.marts")
    if raw.execute(
        f"select 1 from duckdb_schemas() where database_name = '{MARTS_CATALOG}' and schema_name = 'marts'"
    ).fetchall():
        raw.execute(f"set search_path = 'main,{MARTS_CATALOG}.marts'")


def postgres_configured() -> bool:
    return bool(os.environ.get("PGHOST") or os.environ.get("PGDATABASE"))


@contextmanager
def connect_published(settings: Settings) -> Iterator[Connection]:
    """What readers see: the published DuckDB file (read-only) or PostgreSQL's marts schema."""
    if settings.target == "postgres":
        with connect(settings, read_only=True) as con:
            yield con
        return
    raw = duckdb.connect(str(settings.warehouse), read_only=True, config=duckdb_config())
    try:
        yield Connection(raw, "duckdb")
    finally:
        raw.close()


@contextmanager
def warehouse_lock(lock_file: Path):
    """DuckDB allows one writer: every step that writes the warehouse holds this lock."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
