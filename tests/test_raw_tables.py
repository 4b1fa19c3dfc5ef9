"""Each raw table is defined once (dagster_project/raw_tables.py): the warehouse, dbt's sources, the staging
models and the Python records that fill the tables all agree with that definition."""

from __future__ import annotations

import dataclasses
import json
import re

import duckdb
import pytest

from dagster_project.domain import ValueRow
from dagster_project.ingest.enterprise import ensure_enterprise_schema
from dagster_project.ingest.landing import SubmissionRecord, ensure_raw_schema
from dagster_project.raw_tables import INDICATOR_VALUE, RAW_TABLES, SUBMISSION, RawTable, _columns
from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.storage import Connection

DUCKDB_TYPES = {
    "varchar": "VARCHAR",
    "integer": "INTEGER",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))


def _source(manifest: dict, table: RawTable) -> dict:
    schema, name = table.name.split(".")
    (source,) = [s for s in manifest["sources"].values() if s["source_name"] == schema and s["name"] == name]
    return source


def test_every_raw_source_of_dbt_is_defined_once(manifest):
    declared = {f"{s['source_name']}.{s['name']}" for s in manifest["sources"].values() if s["source_name"] == "raw"}
    assert declared == {t.name for t in RAW_TABLES}


@pytest.mark.parametrize("table", RAW_TABLES, ids=lambda t: t.name)
def test_dbt_source_lists_the_columns_in_their_order(manifest, table):
    assert tuple(_source(manifest, table)["columns"]) == table.column_names


@pytest.mark.parametrize("table", RAW_TABLES, ids=lambda t: t.name)
def test_its_staging_model_reads_every_column(manifest, table):
    source_id = _source(manifest, table)["unique_id"]
    (staging,) = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and source_id in n["depends_on"]["nodes"] and n["name"].startswith("stg_")
    ]
    code = staging["raw_code"]
    unread = [c for c in table.column_names if not re.search(rf"\b{c}\b", code)]
    assert not unread or re.search(r"select\s+\*", code), f"{staging['name']} never reads {unread}"


@pytest.mark.parametrize("table", RAW_TABLES, ids=lambda t: t.name)
def test_the_warehouse_gets_the_definition(tmp_path, table):
    raw = duckdb.connect(str(tmp_path / "w.duckdb"))
    con = Connection(raw, "duckdb")
    ensure_raw_schema(con)
    ensure_enterprise_schema(con)
    schema, name = table.name.split(".")
    columns = raw.execute(
        "select column_name, data_type, is_nullable from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [schema, name],
    ).fetchall()
    assert columns == [(c.name, DUCKDB_TYPES[c.type], c.nullable) for c in table.columns]
    keys = raw.execute(
        "select constraint_column_names from duckdb_constraints() where schema_name = ? and "
        "table_name = ? and constraint_type = 'PRIMARY KEY'",
        [schema, name],
    ).fetchall()
    assert [tuple(k[0]) for k in keys] == ([table.primary_key] if table.primary_key else [])


def test_the_records_that_fill_the_tables_match_them():
    assert tuple(f.name for f in dataclasses.fields(SubmissionRecord)) == SUBMISSION.column_names
    value_fields = {f.name for f in dataclasses.fields(ValueRow)}
    assert value_fields <= set(INDICATOR_VALUE.column_names)
    assert set(INDICATOR_VALUE.column_names) - value_fields == {
        "submission_id",
        "source_file",
        "source_sha256",
        "loaded_at",
    }, "what landing adds to each value"


def test_a_row_needs_every_column_and_the_insert_only_known_ones():
    table = RawTable("raw.t", _columns("a integer not null\nb varchar"), primary_key=("a",))
    assert table.row({"b": "x", "a": 1}) == [1, "x"]
    with pytest.raises(AssertionError, match="no value"):
        table.row({"a": 1})
    with pytest.raises(AssertionError, match="no column"):
        table.insert_sql(["a", "c"])
    assert table.insert_sql(upsert=True) == (
        "insert into raw.t (a, b) values (?, ?) on conflict (a) do update set b = excluded.b"
    )
    assert (
        table.ddl("double") == "create table if not exists raw.t (\n    a integer not null,\n    b varchar,\n"
        "    primary key (a)\n)"
    )
