"""The raw schema, table by table: each table's columns (name, type, whether it may be empty) are written here
and nowhere else. The DDL and the inserts come from these definitions; dbt's source YAML
(dbt/models/staging/raw/_raw__sources.yml, which says what each column means) is checked against them by
tests/test_raw_tables.py, and so are the Python records that fill them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Portable column types; `double` is DuckDB's DOUBLE and PostgreSQL's DOUBLE PRECISION (storage.double_type).
TYPES = {"varchar", "integer", "date", "timestamp", "double", "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True

    def __post_init__(self) -> None:
        assert self.type in TYPES, f"{self.name}: unknown type {self.type}"


def _columns(spec: str) -> tuple[Column, ...]:
    """`name type [not null]`, one per line."""
    columns = []
    for line in spec.strip().splitlines():
        name, type_, *rest = line.split()
        columns.append(Column(name, type_, nullable=rest != ["not", "null"]))
    return tuple(columns)


@dataclass(frozen=True)
class RawTable:
    name: str  # schema.table
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self, double: str, name: str | None = None) -> str:
        """`create table if not exists`, with `double` as the target's name for double."""
        lines = [
            f"{c.name} {double if c.type == 'double' else c.type}{'' if c.nullable else ' not null'}"
            for c in self.columns
        ]
        if self.primary_key:
            lines.append(f"primary key ({', '.join(self.primary_key)})")
        return f"create table if not exists {name or self.name} (\n    " + ",\n    ".join(lines) + "\n)"

    def insert_sql(self, columns: Sequence[str] | None = None, upsert: bool = False) -> str:
        """An insert of these columns (default: all), `?` placeholders; upsert: replace on the primary key."""
        columns = tuple(columns or self.column_names)
        unknown = set(columns) - set(self.column_names)
        assert not unknown, f"{self.name} has no column {sorted(unknown)}"
        sql = f"insert into {self.name} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
        if upsert:
            rest = [c for c in columns if c not in self.primary_key]
            sql += f" on conflict ({', '.join(self.primary_key)}) do update set " + ", ".join(
                f"{c} = excluded.{c}" for c in rest
            )
        return sql

    def row(self, values: Mapping[str, Any]) -> list:
        """The values in column order; every column must be given."""
        missing = set(self.column_names) - set(values)
        assert not missing, f"{self.name}: no value for {sorted(missing)}"
        return [values[name] for name in self.column_names]


SUBMISSION = RawTable(
    "raw.submission",
    _columns("""
    submission_id varchar not null
    sha256 varchar not null
    file_name varchar not null
    archive_path varchar
    department_code varchar
    period_code varchar
    sent_date date
    filled_by varchar
    received_at timestamp not null
    loaded_at timestamp not null
    status varchar not null
    n_rows integer not null
    n_errors integer not null
    n_warnings integer not null
    report_path varchar
    catalog_version varchar
"""),
    primary_key=("submission_id",),
)

INDICATOR_VALUE = RawTable(
    "raw.indicator_value",
    _columns("""
    submission_id varchar not null
    line_no integer not null
    department_code varchar not null
    area_code varchar not null
    cluster_code varchar
    indicator_code varchar not null
    period_code varchar not null
    value_kind varchar not null
    target_strength varchar
    comparator varchar not null
    value double not null
    value_upper double
    base_unit varchar not null
    display_value double
    display_unit_zh varchar
    base_period_code varchar
    raw_text varchar
    explanation varchar
    quality_flag varchar
    source_file varchar not null
    source_sha256 varchar not null
    source_sheet varchar not null
    source_row integer not null
    source_cell varchar not null
    loaded_at timestamp not null
"""),
    primary_key=("submission_id", "line_no"),
)

UNRESOLVED_NAME = RawTable(
    "raw.unresolved_name",
    _columns("""
    submission_id varchar not null
    name_no integer not null
    name_kind varchar not null
    name_as_written varchar not null
    source_sheet varchar
    source_row integer
    source_cell varchar
    unit_text varchar
    proposal_kind varchar
    proposed_code varchar
    proposed_form_code varchar
    proposed_base_unit varchar
    loaded_at timestamp not null
"""),
    primary_key=("submission_id", "name_no"),
)

COMPOSED_INDICATOR = RawTable(
    "raw.composed_indicator",
    _columns("""
    indicator_code varchar not null
    measure_code varchar not null
    form_code varchar not null
    name_zh varchar not null
    name_en varchar not null
    base_unit varchar not null
    display_unit_zh varchar not null
    category varchar
    category_zh varchar
    direction varchar not null
    is_additive boolean not null
    measure_type varchar not null
    plausible_min double
    plausible_max double
"""),
    primary_key=("indicator_code",),
)

PERIOD = RawTable(
    "raw.period",
    _columns("""
    period_code varchar not null
    year integer not null
    start_date date not null
    end_date date not null
    granularity varchar not null
    is_ytd boolean not null
"""),
    primary_key=("period_code",),
)

ENTERPRISE_SUBMISSION = RawTable(
    "raw.enterprise_submission",
    _columns("""
    submission_id varchar not null
    sha256 varchar not null
    file_name varchar not null
    archive_path varchar
    received_at timestamp not null
    loaded_at timestamp not null
    status varchar not null
    n_rows integer not null
    n_errors integer not null
    report_path varchar
    catalog_version varchar
"""),
    primary_key=("submission_id",),
)

# No primary key on (submission_id, row_no): its index cost more than the insert itself at national scale
# (11.7 million rows) and held memory the whole run. The pair is unique all the same: row_no is the row's
# number in its file, and a submission's rows land in the transaction that inserts its one
# raw.enterprise_submission row (primary key submission_id), so a file never lands twice.
ENTERPRISE_MONTH = RawTable(
    "raw.enterprise_month",
    _columns("""
    submission_id varchar not null
    row_no integer not null
    credit_code varchar not null
    enterprise_name varchar
    park_name varchar
    area_code varchar
    cluster_code varchar not null
    period_code varchar not null
    month_start date not null
    output_month_yuan double
    output_ytd_yuan double
    revenue_yuan double
    profit_yuan double
    tax_yuan double
    energy_tce double
    rd_yuan double
    employees integer
    land_mu double
    loaded_at timestamp not null
"""),
)

SUBMISSION_TABLES = (SUBMISSION, INDICATOR_VALUE, UNRESOLVED_NAME, COMPOSED_INDICATOR, PERIOD)
ENTERPRISE_TABLES = (ENTERPRISE_SUBMISSION, ENTERPRISE_MONTH)
RAW_TABLES = (*SUBMISSION_TABLES, *ENTERPRISE_TABLES)
