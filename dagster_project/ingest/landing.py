"""The raw schema in the warehouse: created if missing, written in one transaction per submission."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..catalog import Indicator
from ..storage import Connection, double_type
from ..domain import ParsedSubmission

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.submission (
    submission_id varchar primary key,
    sha256 varchar not null,
    file_name varchar not null,
    archive_path varchar,
    department_code varchar,
    period_code varchar,
    sent_date date,
    filled_by varchar,
    received_at timestamp not null,
    loaded_at timestamp not null,
    status varchar not null,
    n_rows integer not null,
    n_errors integer not null,
    n_warnings integer not null,
    report_path varchar,
    catalog_version varchar
);
create table if not exists raw.indicator_value (
    submission_id varchar not null,
    line_no integer not null,
    department_code varchar not null,
    area_code varchar not null,
    cluster_code varchar,
    indicator_code varchar not null,
    period_code varchar not null,
    value_kind varchar not null,
    target_strength varchar,
    comparator varchar not null,
    value {double} not null,
    value_upper {double},
    base_unit varchar not null,
    display_value {double},
    display_unit_zh varchar,
    base_period_code varchar,
    raw_text varchar,
    explanation varchar,
    quality_flag varchar,
    source_file varchar not null,
    source_sha256 varchar not null,
    source_sheet varchar not null,
    source_row integer not null,
    source_cell varchar not null,
    loaded_at timestamp not null,
    primary key (submission_id, line_no)
);
create table if not exists raw.unresolved_name (
    submission_id varchar not null,
    name_no integer not null,
    name_kind varchar not null,
    name_as_written varchar not null,
    source_sheet varchar,
    source_row integer,
    source_cell varchar,
    unit_text varchar,
    proposal_kind varchar,
    proposed_code varchar,
    proposed_form_code varchar,
    proposed_base_unit varchar,
    loaded_at timestamp not null,
    primary key (submission_id, name_no)
);
create table if not exists raw.composed_indicator (
    indicator_code varchar primary key,
    measure_code varchar not null,
    form_code varchar not null,
    name_zh varchar not null,
    name_en varchar not null,
    base_unit varchar not null,
    display_unit_zh varchar not null,
    category varchar,
    category_zh varchar,
    direction varchar not null,
    is_additive boolean not null,
    measure_type varchar not null,
    plausible_min {double},
    plausible_max {double}
);
create table if not exists raw.period (
    period_code varchar primary key,
    year integer not null,
    start_date date not null,
    end_date date not null,
    granularity varchar not null,
    is_ytd boolean not null
);
"""

VALUE_COLUMNS = (
    "submission_id", "line_no", "department_code", "area_code", "cluster_code", "indicator_code", "period_code",
    "value_kind", "target_strength", "comparator", "value", "value_upper", "base_unit", "display_value",
    "display_unit_zh", "base_period_code", "raw_text", "explanation", "quality_flag", "source_file",
    "source_sha256", "source_sheet", "source_row", "source_cell", "loaded_at",
)


UNRESOLVED_COLUMNS = ("submission_id", "name_no", "name_kind", "name_as_written", "source_sheet", "source_row",
                      "source_cell", "unit_text", "proposal_kind", "proposed_code", "proposed_form_code",
                      "proposed_base_unit", "loaded_at")
COMPOSED_COLUMNS = ("indicator_code", "measure_code", "form_code", "name_zh", "name_en", "base_unit",
                    "display_unit_zh", "category", "category_zh", "direction", "is_additive", "measure_type",
                    "plausible_min", "plausible_max")


@dataclass(frozen=True)
class SubmissionRecord:
    submission_id: str
    sha256: str
    file_name: str
    archive_path: str
    department_code: str | None
    period_code: str | None
    sent_date: dt.date | None
    filled_by: str | None
    received_at: dt.datetime
    loaded_at: dt.datetime
    status: str
    n_rows: int
    n_errors: int
    n_warnings: int
    report_path: str
    catalog_version: str


def ensure_raw_schema(con: Connection) -> None:
    for statement in RAW_DDL.format(double=double_type(con.target)).split(";"):
        if statement.strip():
            con.execute(statement)


def known_submissions(con: Connection) -> dict[str, tuple[str, str | None]]:
    """sha256 -> (status, catalog_version) of every file already processed."""
    rows = con.execute("select sha256, status, catalog_version from raw.submission union all "
                       "select sha256, status, catalog_version from raw.enterprise_submission")
    return {sha: (status, version) for sha, status, version in rows}


def land_submission(con: Connection, record: SubmissionRecord, parsed: ParsedSubmission,
                    composed: list[Indicator] = (), proposals: dict | None = None) -> None:
    """All or nothing: the submission row, its values (when accepted) with the composed indicators they use
    and their periods, or (held or rejected) the names the catalog did not know."""
    proposals = proposals or {}
    with con.transaction():
        # A rejected or held file is retried when the catalog changes; its earlier outcome carried no values.
        for table in ("raw.unresolved_name", "raw.submission"):
            con.execute(f"delete from {table} where submission_id in (select submission_id from raw.submission "
                        "where sha256 = ? and status in ('rejected', 'held'))", [record.sha256])
        fields = asdict(record)
        con.execute(
            f"insert into raw.submission ({', '.join(fields)}) values ({', '.join('?' * len(fields))})",
            list(fields.values()),
        )
        if record.status == "accepted":
            rows = [
                [record.submission_id, *(_value_tuple(row)), record.file_name, record.sha256, row.source_sheet, row.source_row,
                 row.source_cell, record.loaded_at]
                for row in parsed.rows
            ]
            if rows:
                con.executemany(
                    f"insert into raw.indicator_value ({', '.join(VALUE_COLUMNS)}) "
                    f"values ({', '.join('?' * len(VALUE_COLUMNS))})",
                    rows,
                )
            land_periods(con, parsed.periods.values())
            land_composed_indicators(con, composed)
        elif parsed.unresolved:
            con.executemany(
                f"insert into raw.unresolved_name ({', '.join(UNRESOLVED_COLUMNS)}) "
                f"values ({', '.join('?' * len(UNRESOLVED_COLUMNS))})",
                [[record.submission_id, n, name.name_kind, name.name_as_written, name.source_sheet, name.source_row,
                  name.source_cell, name.unit_text or None, *_proposal_values(proposals.get(name)), record.loaded_at]
                 for n, name in enumerate(parsed.unresolved, start=1)])


def trusted_sent_date(sent_date: dt.date | None, received_at: dt.datetime) -> dt.date | None:
    """A 报出日期 supersession may go by: none after the arrival (a day allowed for clock skew). Files dated
    later are rejected since the date rules exist; this keeps rows landed before them from deciding."""
    if sent_date is None or sent_date > (received_at + dt.timedelta(days=1)).date():
        return None
    return sent_date


def recency_key(sent_date: dt.date | None, received_at: dt.datetime, file_name: str, submission_id: str) -> tuple:
    """Latest first, as int_submission_status ranks: trusted 报出日期 (none last), arrival, file name, id."""
    trusted = trusted_sent_date(sent_date, received_at)
    return (trusted is not None, trusted or dt.date.min, received_at, file_name, submission_id)


def superseding_submission(con: Connection, record: SubmissionRecord) -> tuple[str, str, dt.date | None] | None:
    """The accepted submission of the same department and period that already outranks this one, if any:
    (submission_id, file_name, sent_date). The file is accepted all the same and stays in history."""
    if record.department_code is None or record.period_code is None:
        return None
    rows = con.execute(
        "select submission_id, file_name, sent_date, received_at from raw.submission "
        "where status = 'accepted' and department_code = ? and period_code = ? and sha256 <> ?",
        [record.department_code, record.period_code, record.sha256])
    own = recency_key(record.sent_date, record.received_at, record.file_name, record.submission_id)
    later = [(recency_key(sent, received, name, sid), sid, name, sent) for sid, name, sent, received in rows]
    later = [row for row in later if row[0] > own]
    return max(later)[1:] if later else None


def _proposal_values(proposal) -> list:
    if proposal is None:
        return [None, None, None, None]
    return [proposal.proposal_kind, proposal.code, proposal.form_code, proposal.base_unit or None]


def land_reference_tables(con: Connection, tables: dict[str, tuple[list[str], list[dict]]]) -> None:
    """The checked catalog as schema `reference` (name -> (header, rows)), every column text and an empty
    field null, replaced in one transaction; dbt's staging models cast the columns."""
    with con.transaction():
        con.execute("create schema if not exists reference")
        for name, (header, rows) in sorted(tables.items()):
            _recreate(con, f"reference.{name}", ", ".join(f'"{column}" varchar' for column in header))
            if rows:
                con.executemany(f"insert into reference.{name} values ({', '.join('?' * len(header))})",
                                [[row.get(column) or None for column in header] for row in rows])


def _recreate(con: Connection, table: str, columns: str) -> None:
    """The table empty, with these columns. PostgreSQL refuses to drop a table that dbt's staging views read
    unless they go too: they do, and the build that follows makes them again (a PostgreSQL build is always
    complete, build_state.py); DuckDB's views bind by name and survive."""
    con.execute(f"drop table if exists {table}" + (" cascade" if con.target == "postgres" else ""))
    con.execute(f"create table {table} ({columns})")


def land_reporting_clock(con: Connection, as_of: dt.date) -> None:
    """The day the reporting calendar is judged at, as schema `reference`'s one-row table. Its loaded_at is
    that day, not the time of writing: the build record (build_state.py) sees it move once a day, so the
    calendar is rebuilt when the date moves and not on every run of the same day."""
    with con.transaction():
        con.execute("create schema if not exists reference")
        _recreate(con, "reference.reporting_clock", "as_of_date date, loaded_at timestamp")
        con.execute("insert into reference.reporting_clock values (?, ?)",
                    [as_of, dt.datetime.combine(as_of, dt.time())])


def land_composed_indicators(con: Connection, indicators: list[Indicator]) -> None:
    """Forms of measures a submission used without a catalog row of their own: what dim_indicator lists."""
    for i in indicators:
        con.execute(
            f"insert into raw.composed_indicator ({', '.join(COMPOSED_COLUMNS)}) "
            f"values ({', '.join('?' * len(COMPOSED_COLUMNS))}) on conflict (indicator_code) do update set "
            + ", ".join(f"{column} = excluded.{column}" for column in COMPOSED_COLUMNS[1:]),
            [i.code, i.measure_code, i.form_code, i.name_zh, i.name_en, i.base_unit, i.display_unit_zh, i.category,
             i.category_zh, i.direction, i.is_additive, i.measure_type, i.plausible_min, i.plausible_max])


def land_periods(con: Connection, periods) -> None:
    for period in periods:
        con.execute(
            "insert into raw.period values (?, ?, ?, ?, ?, ?) on conflict do nothing",
            [period.code, period.year, period.start_date, period.end_date, period.granularity, period.is_ytd],
        )


def _value_tuple(row) -> list:
    return [
        row.line_no, row.department_code, row.area_code, row.cluster_code, row.indicator_code, row.period_code,
        row.value_kind, row.target_strength, row.comparator, row.value, row.value_upper, row.base_unit,
        row.display_value, row.display_unit_zh, row.base_period_code, row.raw_text, row.explanation,
        row.quality_flag,
    ]


def latest_values(con: Connection, keys: set[tuple[str, str, str, str, str]]) -> dict:
    """The latest accepted value for each (indicator, area, cluster or '', kind, period) asked for."""
    if not keys:
        return {}
    periods = sorted({key[4] for key in keys})
    rows = con.execute(
        f"""
        select indicator_code, area_code, cluster_key, value_kind, period_code, value
        from (
            select v.indicator_code, v.area_code, coalesce(v.cluster_code, '') as cluster_key, v.value_kind,
                   v.period_code, v.value,
                   row_number() over (
                       partition by v.indicator_code, v.area_code, v.cluster_code, v.value_kind, v.period_code
                       order by s.sent_date desc nulls last, s.received_at desc, s.file_name desc, v.line_no
                   ) as recency
            from raw.indicator_value v
            join raw.submission s on s.submission_id = v.submission_id
            where s.status = 'accepted' and v.period_code in ({", ".join("?" * len(periods))})
        ) ranked
        where recency = 1
        """,
        periods,
    )
    return {tuple(row[:5]): row[5] for row in rows if tuple(row[:5]) in keys}
