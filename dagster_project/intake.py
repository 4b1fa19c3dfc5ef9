"""One pass over the inbox: every new file is read, parsed, checked, archived, reported and landed."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from .catalog import Catalog
from .catalog.proposals import propose
from .catalog.worklist import OpenName, open_names, proposal_rows, write_proposals
from .domain import ERROR, Issue, ParsedSubmission
from .failpoints import failpoint
from .ingest.enterprise import (
    csv_header,
    drop_enterprise_work,
    ensure_enterprise_schema,
    is_enterprise_header,
    land_enterprise_rows,
    load_enterprise_file,
    workbook_header,
)
from .ingest.inbox import KINDS_ZH, InboxFile, copy_regular, first_line, read_bytes, read_inbox
from .ingest.landing import (
    SubmissionRecord,
    ensure_raw_schema,
    known_submissions,
    land_submission,
    latest_values,
    superseding_submission,
)
from .ingest.reading import ZIP_MAGIC, damaged, read_source_file, suffix_of
from .ingest.reports import render_plain_report, render_report, render_report_xlsx, write_report
from .ingest.submission import parse_submission
from .parsing.errors import ParseError
from .quality.date_rules import check_dates
from .quality.gx_runner import GxWorker, gx_runner
from .quality.submission_gate import PendingGate, finish_gate, previous_keys, start_gate, value_keys
from .raw_tables import ENTERPRISE_SUBMISSION
from .settings import DEFAULT_LIMITS, IntakeLimits, Settings
from .storage import Connection, connect, sql_string, warehouse_lock

ENTERPRISE_MEMORY_LIMIT = "512MB"  # a national file (490,000 rows) needs about 300 MB; more spills to disk


@dataclass
class FileOutcome:
    file_name: str
    submission_id: str
    status: str  # accepted | held | rejected | unchanged
    department_code: str | None = None
    period_code: str | None = None
    n_rows: int = 0
    n_errors: int = 0
    n_warnings: int = 0
    report_path: str | None = None


@dataclass
class InboxResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    unresolved: list[OpenName] = field(default_factory=list)  # names held and rejected files wait for

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def submission_id_for(sha256: str) -> str:
    return "sub_" + sha256[:16]


def parse_bytes(
    file_name: str, data: bytes, catalog: Catalog, limits: IntakeLimits = DEFAULT_LIMITS
) -> ParsedSubmission:
    try:
        source = read_source_file(file_name, data, limits)
    except ParseError as exc:
        parsed = ParsedSubmission(file_name)
        parsed.issues.append(Issue.from_parse_error(exc, "unreadable_file"))
        return parsed
    return parse_submission(source, catalog)


def parse_file(file: InboxFile, catalog: Catalog, limits: IntakeLimits = DEFAULT_LIMITS) -> ParsedSubmission:
    data, _ = read_bytes(file, limits.max_file_bytes)
    return parse_bytes(file.name, data, catalog, limits)


@dataclass
class Received:
    """A new file's bytes as checked: in memory (a workbook or an indicator CSV, within max_file_bytes) or,
    for an enterprise extract (CSV or Parquet, possibly large), already copied into the archive. What is
    parsed is exactly what is archived, whatever happens to the inbox meanwhile."""

    file: InboxFile
    sha256: str
    data: bytes | None = None
    archived: Path | None = None
    enterprise: bool = False

    @property
    def submission_id(self) -> str:
        return submission_id_for(self.sha256)


def receive(settings: Settings, file: InboxFile) -> Received:
    """Takes a new regular file's bytes once, within the limits (ParseError beyond them). Whether it is an
    enterprise extract is told by its header: a Parquet file always is one, a CSV or workbook when its first
    row holds 统一社会信用代码."""
    limits = settings.limits
    suffix = suffix_of(file.name)
    if suffix == ".parquet" or (suffix == ".csv" and is_enterprise_header(csv_header(first_line(file)))):
        incoming = settings.archive_dir / ".incoming" / f"{os.getpid()}-{file.sha256[:16]}"
        try:
            sha256 = copy_regular(file, incoming, limits.max_enterprise_file_bytes)
            target = settings.data_dir / archive_path_for(submission_id_for(sha256), file.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(incoming, target)
        finally:
            incoming.unlink(missing_ok=True)
        return Received(file, sha256, archived=target, enterprise=True)
    data, sha256 = read_bytes(file, limits.max_file_bytes)
    return Received(file, sha256, data=data, enterprise=_is_enterprise_workbook(file.name, data, limits))


def _is_enterprise_workbook(file_name: str, data: bytes, limits: IntakeLimits) -> bool:
    if suffix_of(file_name) not in (".xlsx", ".xlsm") or data[:4] != ZIP_MAGIC:
        return False
    try:
        return is_enterprise_header(workbook_header(data, limits))
    except ParseError:
        return False  # the indicator path reports what is wrong with it


def archive_path_for(submission_id: str, file_name: str) -> str:
    return f"archive/{submission_id}/{file_name}"


def _after_every_earlier_load(con: Connection, now: dt.datetime) -> dt.datetime:
    """A run's loaded_at is later than every earlier run's, even with the clock set back or two runs in one
    second: the incremental marts read exactly the rows loaded after their watermark."""
    (latest,) = con.execute(
        "select max(loaded_at) from (select loaded_at from raw.submission "
        "union all select loaded_at from raw.enterprise_submission) as loads"
    )[0]
    return max(now, latest + dt.timedelta(seconds=1)) if latest is not None else now


def process_inbox(
    settings: Settings, catalog: Catalog, now: dt.datetime | None = None, gx: GxWorker | None = None
) -> InboxResult:
    """Land every file of the inbox not landed before. The inbox itself is only read.

    gx: the Great Expectations worker of the gates (default: this process's).

    Whatever one file does while it is read, parsed, checked, reported or landed fails that file alone: it is
    rejected whole with a report and recorded by its sha256, and the other files go on."""
    gx = gx or gx_runner()
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    result = InboxResult()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with warehouse_lock(settings.lock_file), connect(settings) as con:
        # On DuckDB the working database is the engine: capped before a one-off migration copies its rows.
        engine = enterprise_engine(con, settings) if con.target == "duckdb" else None
        ensure_raw_schema(con)
        ensure_enterprise_schema(con)
        now = _after_every_earlier_load(con, now)
        known = known_submissions(con)
        # Indicator files wait for their review rules (Great Expectations, in its own process) while the
        # next files are read: enterprise files are processed meanwhile. They land in inbox order.
        waiting: list[tuple[int, Received, ParsedSubmission, PendingGate | None]] = []
        waiting_keys: set = set()
        outcomes: dict[int, FileOutcome] = {}
        accepted_now: list[LandedReport] = []

        def reject(position: int, received: Received, exc: Exception) -> None:
            outcomes[position] = _reject_unreadable(settings, catalog, con, received, exc, now)
            known[received.sha256] = ("rejected", catalog.version)

        def contain(position: int, received: Received, step) -> None:
            try:
                outcomes[position] = step()
            except Exception as exc:
                reject(position, received, exc)
                return
            known[received.sha256] = (outcomes[position].status, catalog.version)

        def land_waiting() -> None:
            for position, received, parsed, gate in waiting:

                def land(received=received, parsed=parsed, gate=gate) -> FileOutcome:
                    finish_gate(gate, catalog)
                    check_dates(parsed, received_at(received.file, now))
                    return _land_indicator_file(settings, catalog, con, received, parsed, now, accepted_now)

                contain(position, received, land)
            waiting.clear()
            waiting_keys.clear()

        for position, file in enumerate(read_inbox(settings.inbox)):
            status, version = known.get(file.sha256, (None, None))
            if (
                status == "accepted"
                or (status in ("rejected", "held") and version == catalog.version)
                or any(file.sha256 == w[1].sha256 for w in waiting)
            ):
                outcomes[position] = FileOutcome(file.name, submission_id_for(file.sha256), "unchanged")
                continue
            received = Received(file, file.sha256)
            if not file.is_regular:
                contain(position, received, lambda: _reject_entry(settings, catalog, con, file, now))  # noqa: B023 (called at once)
                continue
            try:
                received = receive(settings, file)
                if received.enterprise:
                    engine = engine or enterprise_engine(con, settings)
            except Exception as exc:
                reject(position, received, exc)
                continue
            if received.enterprise:
                contain(  # the lambda runs inside contain(), in this iteration
                    position,
                    received,
                    lambda: process_enterprise_file(settings, catalog, con, engine, received, now),  # noqa: B023
                )
                drop_enterprise_work(engine)  # the file's rows are landed: free them before the next file
                continue
            try:
                parsed = parse_bytes(file.name, received.data, catalog, settings.limits)
                gate = None
                if parsed.rows:
                    compared_with = previous_keys(parsed)
                    if compared_with & waiting_keys:
                        land_waiting()  # what this file is compared with may be among the waiting files' values
                    gate = start_gate(parsed, catalog, latest_values(con, compared_with), gx)
                    waiting_keys.update(value_keys(parsed))
            except Exception as exc:
                reject(position, received, exc)
                continue
            waiting.append((position, received, parsed, gate))
        land_waiting()
        _recheck_supersession(settings, catalog, con, accepted_now)
        result.unresolved = open_names(con)
        write_proposals(settings.reports_dir / "catalog_proposals.csv", proposal_rows(catalog, result.unresolved))
    result.outcomes = [outcomes[position] for position in sorted(outcomes)]
    return result


def received_at(file: InboxFile, now: dt.datetime) -> dt.datetime:
    """When the file arrived: its modification time in the inbox, never later than the run that sees it."""
    return min(file.modified_at, now)


@dataclass(frozen=True)
class LandedReport:
    record: SubmissionRecord
    parsed: ParsedSubmission
    superseded_by: tuple | None


def _land_indicator_file(
    settings: Settings,
    catalog: Catalog,
    con: Connection,
    received: Received,
    parsed: ParsedSubmission,
    now: dt.datetime,
    accepted_now: list[LandedReport],
) -> FileOutcome:
    """Archive, report and land one checked indicator submission (accepted or rejected whole)."""
    record = _record(settings, received, parsed, catalog, now)
    archive_bytes(settings, received, record.archive_path)
    superseded_by = superseding_submission(con, record) if record.status == "accepted" else None
    _write_reports(settings, catalog, record, parsed, superseded_by)
    composed = sorted({row.indicator_code for row in parsed.rows if catalog.is_composed(row.indicator_code)})
    proposals = {
        name: propose(catalog, name.name_kind, name.name_as_written, [name.unit_text]) for name in parsed.unresolved
    }
    land_submission(con, record, parsed, [catalog.indicators[code] for code in composed], proposals)
    if record.status == "accepted":
        accepted_now.append(LandedReport(record, parsed, superseded_by))
    failpoint("ingest.after_first_land")
    return FileOutcome(
        received.file.name,
        record.submission_id,
        record.status,
        record.department_code,
        record.period_code,
        record.n_rows,
        record.n_errors,
        record.n_warnings,
        record.report_path,
    )


def _recheck_supersession(
    settings: Settings, catalog: Catalog, con: Connection, accepted_now: list[LandedReport]
) -> None:
    """A file accepted in this run and outranked by one landed after it in the same run: its report says so."""
    for landed in accepted_now:
        superseded_by = superseding_submission(con, landed.record)
        if superseded_by != landed.superseded_by:
            _write_reports(settings, catalog, landed.record, landed.parsed, superseded_by)


def _write_reports(
    settings: Settings,
    catalog: Catalog,
    record: SubmissionRecord,
    parsed: ParsedSubmission,
    superseded_by: tuple | None = None,
) -> None:
    department = catalog.departments.display_names.get(parsed.department_code or "")
    report = settings.data_dir / record.report_path
    write_report(report, render_report(record, parsed, department, superseded_by))
    write_report(report.with_suffix(".xlsx"), render_report_xlsx(record, parsed, department, superseded_by))


def _reject_unreadable(
    settings: Settings, catalog: Catalog, con: Connection, received: Received, exc: Exception, now: dt.datetime
) -> FileOutcome:
    """A file that failed anywhere on its way: rejected whole, its report saying what the submitter can do
    and, for the data team, the exception. Its bytes are archived when they were taken."""
    parsed = ParsedSubmission(received.file.name)
    error = exc if isinstance(exc, ParseError) else damaged(exc)
    parsed.issues.append(Issue.from_parse_error(error, "unreadable_file"))
    record = _record(settings, received, parsed, catalog, now)
    if received.data is None and received.archived is None:
        record = replace(record, archive_path=None)
    else:
        archive_bytes(settings, received, record.archive_path)
    try:
        _write_reports(settings, catalog, record, parsed)
    except Exception:
        write_report(settings.data_dir / record.report_path, render_plain_report(record, parsed))
    land_submission(con, record, parsed)
    return FileOutcome(received.file.name, record.submission_id, "rejected", n_errors=1, report_path=record.report_path)


def _reject_entry(
    settings: Settings, catalog: Catalog, con: Connection, file: InboxFile, now: dt.datetime
) -> FileOutcome:
    """A link, FIFO, device or socket in the inbox: named in a report, nothing of its target read."""
    kind_zh = KINDS_ZH.get(file.kind, KINDS_ZH["other"])
    parsed = ParsedSubmission(file.name)
    parsed.issues.append(
        Issue.of(
            ERROR,
            "not_a_regular_file",
            "not_a_regular_file",
            words={"file_relative": file.relative, "kind_zh": kind_zh, "file_kind": file.kind},
            technical=file.kind,
        )
    )
    received = Received(file, file.sha256)
    record = replace(_record(settings, received, parsed, catalog, now), archive_path=None)
    _write_reports(settings, catalog, record, parsed)
    land_submission(con, record, parsed)
    return FileOutcome(file.name, record.submission_id, "rejected", n_errors=1, report_path=record.report_path)


def enterprise_engine(con: Connection, settings: Settings) -> duckdb.DuckDBPyConnection:
    """DuckDB does the set-wise work on enterprise files: the working database itself, or an in-memory one
    whose results are copied into PostgreSQL. Whatever exceeds the memory limit spills under the data folder
    (the working database's own <file>.tmp, or work/duckdb_tmp for the in-memory one)."""
    if con.target == "duckdb":
        engine = con.raw
    else:
        engine = duckdb.connect()
        spill = settings.data_dir / "work" / "duckdb_tmp"
        engine.execute(f"set temp_directory = {sql_string(str(spill))}")
    engine.execute(f"set memory_limit = '{ENTERPRISE_MEMORY_LIMIT}'")
    return engine


def process_enterprise_file(
    settings: Settings, catalog: Catalog, con: Connection, engine, received: Received, now: dt.datetime
) -> FileOutcome:
    file = received.file
    submission_id = received.submission_id
    archive_path = archive_path_for(submission_id, file.name)
    archive_bytes(settings, received, archive_path)  # a workbook's bytes; an extract was copied there already
    loaded = load_enterprise_file(engine, settings.data_dir / archive_path, catalog, settings.limits, received.data)
    parsed = loaded.parsed
    accepted = not parsed.errors
    report_path = f"reports/{submission_id}.html"
    arrived = received_at(file, now)
    record = SubmissionRecord(
        submission_id=submission_id,
        sha256=received.sha256,
        file_name=file.name,
        archive_path=archive_path,
        department_code=None,
        period_code=loaded.months[0] if len(loaded.months) == 1 else None,
        sent_date=None,
        filled_by=None,
        received_at=arrived,
        loaded_at=now,
        status="accepted" if accepted else "rejected",
        n_rows=loaded.n_rows,
        n_errors=len(parsed.errors),
        n_warnings=0,
        report_path=report_path,
        catalog_version=catalog.version,
    )
    report = settings.data_dir / report_path
    write_report(report, render_report(record, parsed, "规上工业企业月报 / enterprise monthly feed"))
    write_report(report.with_suffix(".xlsx"), render_report_xlsx(record, parsed, "规上工业企业月报"))
    failpoint("ingest.before_land")
    with con.transaction():
        con.execute("delete from raw.enterprise_submission where sha256 = ? and status = 'rejected'", [received.sha256])
        con.execute(
            ENTERPRISE_SUBMISSION.insert_sql(),
            ENTERPRISE_SUBMISSION.row(
                {
                    "submission_id": submission_id,
                    "sha256": received.sha256,
                    "file_name": file.name,
                    "archive_path": archive_path,
                    "received_at": arrived,
                    "loaded_at": now,
                    "status": record.status,
                    "n_rows": loaded.n_rows,
                    "n_errors": len(parsed.errors),
                    "report_path": report_path,
                    "catalog_version": catalog.version,
                }
            ),
        )
        if accepted:
            land_enterprise_rows(engine, con, submission_id, now)
    failpoint("ingest.after_first_land")
    return FileOutcome(
        file.name,
        submission_id,
        record.status,
        None,
        record.period_code,
        loaded.n_rows,
        len(parsed.errors),
        0,
        report_path,
    )


def _record(
    settings: Settings, received: Received, parsed: ParsedSubmission, catalog: Catalog, now: dt.datetime
) -> SubmissionRecord:
    submission_id = received.submission_id
    return SubmissionRecord(
        submission_id=submission_id,
        sha256=received.sha256,
        file_name=received.file.name,
        archive_path=archive_path_for(submission_id, received.file.name),
        department_code=parsed.department_code,
        period_code=parsed.period.code if parsed.period else None,
        sent_date=parsed.sent_date,
        filled_by=parsed.filled_by,
        received_at=received_at(received.file, now),
        loaded_at=now,
        status=parsed.status,
        n_rows=parsed.n_rows,
        n_errors=len(parsed.errors),
        n_warnings=len(parsed.warnings),
        report_path=f"reports/{submission_id}.html",
        catalog_version=catalog.version,
    )


def archive_bytes(settings: Settings, received: Received, archive_path: str) -> None:
    """A copy of every processed file, so the warehouse never depends on the inbox keeping it: the bytes that
    were checked (streamed files are already there)."""
    target = settings.data_dir / archive_path
    if received.data is None or target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(received.data)
    os.replace(tmp, target)
