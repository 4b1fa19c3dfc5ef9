"""One pass over the inbox: every new file is read, parsed, checked, archived, reported and landed."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
from dataclasses import dataclass, field

from ..catalog import Catalog
from ..parsing.errors import ParseError
from ..settings import Settings
from ..failpoints import failpoint
from ..storage import Connection, connect, sql_string
from .enterprise import (
    drop_enterprise_work,
    ensure_enterprise_schema,
    is_enterprise_file,
    land_enterprise_rows,
    load_enterprise_file,
)
from .inbox import InboxFile, read_inbox
from .issues import Issue
from ..quality.gx_runner import gx_runner
from ..quality.submission_gate import PendingGate, finish_gate, previous_keys, start_gate, value_keys
from .landing import (
    SubmissionRecord,
    ensure_raw_schema,
    known_submissions,
    land_submission,
    latest_values,
    warehouse_lock,
)
from .reading import read_source_file
from .reports import render_report, render_report_xlsx, write_report
from .submission import ParsedSubmission, parse_submission


ENTERPRISE_MEMORY_LIMIT = "512MB"  # a national file (490,000 rows) needs about 300 MB; more spills to disk


@dataclass
class FileOutcome:
    file_name: str
    submission_id: str
    status: str  # accepted | rejected | unchanged
    department_code: str | None = None
    period_code: str | None = None
    n_rows: int = 0
    n_errors: int = 0
    n_warnings: int = 0
    report_path: str | None = None


@dataclass
class InboxResult:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def submission_id_for(sha256: str) -> str:
    return "sub_" + sha256[:16]


def parse_file(file: InboxFile, catalog: Catalog) -> ParsedSubmission:
    try:
        source = read_source_file(file.name, file.data)
    except ParseError as exc:
        parsed = ParsedSubmission(file.name)
        parsed.issues.append(Issue.from_parse_error(exc, "unreadable_file"))
        return parsed
    return parse_submission(source, catalog)


def _after_every_earlier_load(con: Connection, now: dt.datetime) -> dt.datetime:
    """A run's loaded_at is later than every earlier run's, even with the clock set back or two runs in one
    second: the incremental marts read exactly the rows loaded after their watermark."""
    (latest,) = con.execute("select max(loaded_at) from (select loaded_at from raw.submission "
                            "union all select loaded_at from raw.enterprise_submission) as loads")[0]
    return max(now, latest + dt.timedelta(seconds=1)) if latest is not None else now


def process_inbox(settings: Settings, catalog: Catalog, now: dt.datetime | None = None) -> InboxResult:
    """Land every file of the inbox not landed before. The inbox itself is only read."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
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
        waiting: list[tuple[int, InboxFile, ParsedSubmission, PendingGate | None]] = []
        waiting_keys: set = set()
        outcomes: dict[int, FileOutcome] = {}

        def land_waiting() -> None:
            for position, file, parsed, gate in waiting:
                finish_gate(gate, catalog)
                outcomes[position] = _land_indicator_file(settings, catalog, con, file, parsed, now)
                known[file.sha256] = (outcomes[position].status, catalog.version)
            waiting.clear()
            waiting_keys.clear()

        for position, file in enumerate(read_inbox(settings.inbox)):
            path = file.path
            submission_id = submission_id_for(file.sha256)
            status, version = known.get(file.sha256, (None, None))
            if (status == "accepted" or (status == "rejected" and version == catalog.version)
                    or any(file.sha256 == w[1].sha256 for w in waiting)):
                outcomes[position] = FileOutcome(file.name, submission_id, "unchanged")
                continue
            if is_enterprise_file(path):
                engine = engine or enterprise_engine(con, settings)
                outcomes[position] = process_enterprise_file(settings, catalog, con, engine, file, now)
                known[file.sha256] = (outcomes[position].status, catalog.version)
                drop_enterprise_work(engine)  # the file's rows are landed: free them before the next file
                continue
            parsed = parse_file(file, catalog)
            gate = None
            if parsed.rows:
                compared_with = previous_keys(parsed)
                if compared_with & waiting_keys:
                    land_waiting()  # what this file is compared with may be among the waiting files' values
                gate = start_gate(parsed, catalog, latest_values(con, compared_with), gx_runner())
                waiting_keys.update(value_keys(parsed))
            waiting.append((position, file, parsed, gate))
        land_waiting()
    result.outcomes = [outcomes[position] for position in sorted(outcomes)]
    return result


def _land_indicator_file(settings: Settings, catalog: Catalog, con: Connection, file: InboxFile,
                         parsed: ParsedSubmission, now: dt.datetime) -> FileOutcome:
    """Archive, report and land one checked indicator submission (accepted or rejected whole)."""
    record = _record(settings, file, parsed, catalog, now)
    archive_file(settings, file, record.archive_path)
    department = catalog.departments.display_names.get(parsed.department_code or "")
    report = settings.data_dir / record.report_path
    write_report(report, render_report(record, parsed, department))
    write_report(report.with_suffix(".xlsx"), render_report_xlsx(record, parsed, department))
    land_submission(con, record, parsed)
    failpoint("ingest.after_first_land")
    return FileOutcome(file.name, record.submission_id, record.status, record.department_code,
                       record.period_code, record.n_rows, record.n_errors, record.n_warnings, record.report_path)


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


def process_enterprise_file(settings: Settings, catalog: Catalog, con: Connection, engine, file: InboxFile,
                            now: dt.datetime) -> FileOutcome:
    submission_id = submission_id_for(file.sha256)
    loaded = load_enterprise_file(engine, file.path, catalog)
    parsed = loaded.parsed
    accepted = not parsed.errors
    archive_path = f"archive/{submission_id}/{file.name}"
    report_path = f"reports/{submission_id}.html"
    record = SubmissionRecord(
        submission_id=submission_id, sha256=file.sha256, file_name=file.name, archive_path=archive_path,
        department_code=None, period_code=loaded.months[0] if len(loaded.months) == 1 else None, sent_date=None,
        filled_by=None, received_at=file.modified_at, loaded_at=now, status="accepted" if accepted else "rejected",
        n_rows=loaded.n_rows, n_errors=len(parsed.errors), n_warnings=0, report_path=report_path,
        catalog_version=catalog.version,
    )
    archive_file(settings, file, archive_path)
    report = settings.data_dir / report_path
    write_report(report, render_report(record, parsed, "规上工业企业月报 / enterprise monthly feed"))
    write_report(report.with_suffix(".xlsx"), render_report_xlsx(record, parsed, "规上工业企业月报"))
    failpoint("ingest.before_land")
    with con.transaction():
        con.execute("delete from raw.enterprise_submission where sha256 = ? and status = 'rejected'", [file.sha256])
        con.execute(
            "insert into raw.enterprise_submission (submission_id, sha256, file_name, archive_path, received_at, "
            "loaded_at, status, n_rows, n_errors, report_path, catalog_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [submission_id, file.sha256, file.name, archive_path, file.modified_at, now, record.status,
             loaded.n_rows, len(parsed.errors), report_path, catalog.version])
        if accepted:
            land_enterprise_rows(engine, con, submission_id, now)
    failpoint("ingest.after_first_land")
    return FileOutcome(file.name, submission_id, record.status, None, record.period_code, loaded.n_rows,
                       len(parsed.errors), 0, report_path)


def _record(settings: Settings, file: InboxFile, parsed: ParsedSubmission, catalog: Catalog,
            now: dt.datetime) -> SubmissionRecord:
    submission_id = submission_id_for(file.sha256)
    return SubmissionRecord(
        submission_id=submission_id,
        sha256=file.sha256,
        file_name=file.name,
        archive_path=f"archive/{submission_id}/{file.name}",
        department_code=parsed.department_code,
        period_code=parsed.period.code if parsed.period else None,
        sent_date=parsed.sent_date,
        filled_by=parsed.filled_by,
        received_at=file.modified_at,
        loaded_at=now,
        status="accepted" if parsed.accepted else "rejected",
        n_rows=parsed.n_rows,
        n_errors=len(parsed.errors),
        n_warnings=len(parsed.warnings),
        report_path=f"reports/{submission_id}.html",
        catalog_version=catalog.version,
    )


def archive_file(settings: Settings, file: InboxFile, archive_path: str) -> None:
    """A copy of every processed file, so the warehouse never depends on the inbox keeping it."""
    target = settings.data_dir / archive_path
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(file.path, tmp)
        shutil.move(tmp, target)
