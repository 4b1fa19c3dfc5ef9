"""The raw schema in the warehouse: created if missing, written in one transaction per submission."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..catalog import Indicator
from ..domain import ParsedSubmission
from ..raw_tables import COMPOSED_INDICATOR, INDICATOR_VALUE, PERIOD, SUBMISSION, SUBMISSION_TABLES, UNRESOLVED_NAME
from ..storage import Connection, double_type


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
    con.execute("create schema if not exists raw")
    for table in SUBMISSION_TABLES:
        con.execute(table.ddl(double_type(con.target)))


def known_submissions(con: Connection) -> dict[str, tuple[str, str | None]]:
    """sha256 -> (status, catalog_version) of every file already processed."""
    rows = con.execute(
        "select sha256, status, catalog_version from raw.submission union all "
        "select sha256, status, catalog_version from raw.enterprise_submission"
    )
    return {sha: (status, version) for sha, status, version in rows}


def land_submission(
    con: Connection,
    record: SubmissionRecord,
    parsed: ParsedSubmission,
    composed: list[Indicator] = (),
    proposals: dict | None = None,
) -> None:
    """All or nothing: the submission row, its values (when accepted) with the composed indicators they use
    and their periods, or (held or rejected) the names the catalog did not know."""
    proposals = proposals or {}
    with con.transaction():
        # A rejected or held file is retried when the catalog changes; its earlier outcome carried no values.
        for table in ("raw.unresolved_name", "raw.submission"):
            con.execute(
                f"delete from {table} where submission_id in (select submission_id from raw.submission "
                "where sha256 = ? and status in ('rejected', 'held'))",
                [record.sha256],
            )
        con.execute(SUBMISSION.insert_sql(), SUBMISSION.row(asdict(record)))
        if record.status == "accepted":
            source = {
                "submission_id": record.submission_id,
                "source_file": record.file_name,
                "source_sha256": record.sha256,
                "loaded_at": record.loaded_at,
            }
            if parsed.rows:
                con.executemany(
                    INDICATOR_VALUE.insert_sql(), [INDICATOR_VALUE.row({**vars(row), **source}) for row in parsed.rows]
                )
            land_periods(con, parsed.periods.values())
            land_composed_indicators(con, composed)
        elif parsed.unresolved:
            con.executemany(
                UNRESOLVED_NAME.insert_sql(),
                [
                    UNRESOLVED_NAME.row(
                        {
                            "submission_id": record.submission_id,
                            "name_no": n,
                            "name_kind": name.name_kind,
                            "name_as_written": name.name_as_written,
                            "source_sheet": name.source_sheet,
                            "source_row": name.source_row,
                            "source_cell": name.source_cell,
                            "unit_text": name.unit_text or None,
                            **_proposal_values(proposals.get(name)),
                            "loaded_at": record.loaded_at,
                        }
                    )
                    for n, name in enumerate(parsed.unresolved, start=1)
                ],
            )


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
        [record.department_code, record.period_code, record.sha256],
    )
    own = recency_key(record.sent_date, record.received_at, record.file_name, record.submission_id)
    later = [(recency_key(sent, received, name, sid), sid, name, sent) for sid, name, sent, received in rows]
    later = [row for row in later if row[0] > own]
    return max(later)[1:] if later else None


def _proposal_values(proposal) -> dict:
    return {
        "proposal_kind": proposal and proposal.proposal_kind,
        "proposed_code": proposal and proposal.code,
        "proposed_form_code": proposal and proposal.form_code,
        "proposed_base_unit": (proposal and proposal.base_unit) or None,
    }


def land_reference_tables(con: Connection, tables: dict[str, tuple[list[str], list[dict]]]) -> None:
    """The checked catalog as schema `reference` (name -> (header, rows)), every column text and an empty
    field null, replaced in one transaction; dbt's staging models cast the columns."""
    with con.transaction():
        con.execute("create schema if not exists reference")
        for name, (header, rows) in sorted(tables.items()):
            _recreate(con, f"reference.{name}", ", ".join(f'"{column}" varchar' for column in header))
            if rows:
                con.executemany(
                    f"insert into reference.{name} values ({', '.join('?' * len(header))})",
                    [[row.get(column) or None for column in header] for row in rows],
                )


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
        con.execute(
            "insert into reference.reporting_clock values (?, ?)", [as_of, dt.datetime.combine(as_of, dt.time())]
        )


def land_composed_indicators(con: Connection, indicators: list[Indicator]) -> None:
    """Forms of measures a submission used without a catalog row of their own: what dim_indicator lists."""
    for i in indicators:
        con.execute(
            COMPOSED_INDICATOR.insert_sql(upsert=True),
            COMPOSED_INDICATOR.row(
                {
                    "indicator_code": i.code,
                    "measure_code": i.measure_code,
                    "form_code": i.form_code,
                    "name_zh": i.name_zh,
                    "name_en": i.name_en,
                    "base_unit": i.base_unit,
                    "display_unit_zh": i.display_unit_zh,
                    "category": i.category,
                    "category_zh": i.category_zh,
                    "direction": i.direction,
                    "is_additive": i.is_additive,
                    "measure_type": i.measure_type,
                    "plausible_min": i.plausible_min,
                    "plausible_max": i.plausible_max,
                }
            ),
        )


def land_periods(con: Connection, periods) -> None:
    for period in periods:
        con.execute(
            PERIOD.insert_sql() + " on conflict do nothing",
            PERIOD.row(
                {
                    "period_code": period.code,
                    "year": period.year,
                    "start_date": period.start_date,
                    "end_date": period.end_date,
                    "granularity": period.granularity,
                    "is_ytd": period.is_ytd,
                }
            ),
        )


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
