"""The raw schema in the warehouse: created if missing, written in one transaction per submission."""

from __future__ import annotations

import datetime as dt
import fcntl
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from ..storage import Connection, double_type
from .submission import ParsedSubmission

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


def ensure_raw_schema(con: Connection) -> None:
    for statement in RAW_DDL.format(double=double_type(con.target)).split(";"):
        if statement.strip():
            con.execute(statement)


def known_submissions(con: Connection) -> dict[str, tuple[str, str | None]]:
    """sha256 -> (status, catalog_version) of every file already processed."""
    rows = con.execute("select sha256, status, catalog_version from raw.submission union all "
                       "select sha256, status, catalog_version from raw.enterprise_submission")
    return {sha: (status, version) for sha, status, version in rows}


def land_submission(con: Connection, record: SubmissionRecord, parsed: ParsedSubmission) -> None:
    """All or nothing: the submission row, its values (when accepted) and its periods."""
    with con.transaction():
        # A rejected file is retried when the catalog changes; its earlier outcome carried no values.
        con.execute("delete from raw.submission where sha256 = ? and status = 'rejected'", [record.sha256])
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
