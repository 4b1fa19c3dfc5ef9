"""`make check FILE=…`: the review a file would get, in a few seconds, before it is sent.

Reads the file as the nightly job would (the same limits, template rules, catalog, review rules and date
rules, against the latest accepted values where the working warehouse can be read) and prints the review.
Nothing is landed, archived or written.

    .venv/bin/python -m dagster_project.precheck FILE
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from .catalog import load_catalog
from .ingest.inbox import read_bytes, read_inbox_file
from .ingest.reports import render_text_review
from .intake import parse_bytes
from .parsing.errors import ParseError
from .quality.date_rules import check_dates
from .settings import Settings, load_settings


def review(settings: Settings, path: Path, now: dt.datetime | None = None) -> tuple[str, str]:
    """(status, the review as text) of one file."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    catalog = load_catalog(settings.reference_dir)
    file = read_inbox_file(path, path.parent)
    from .domain import ERROR, Issue, ParsedSubmission

    parsed = ParsedSubmission(path.name)
    if not file.is_regular:
        parsed.issues.append(
            Issue.of(ERROR, "not_a_regular_file", "not_a_regular_file.2", words={"path_name": path.name})
        )
        return parsed.status, render_text_review(path.name, parsed)
    try:
        data, _ = read_bytes(file, settings.limits.max_file_bytes)
    except ParseError as exc:
        parsed.issues.append(Issue.from_parse_error(exc, "unreadable_file"))
        return parsed.status, render_text_review(path.name, parsed)
    parsed = parse_bytes(path.name, data, catalog, settings.limits)
    if parsed.rows:
        from .quality.gx_runner import gx_runner
        from .quality.submission_gate import finish_gate, previous_keys, start_gate

        finish_gate(start_gate(parsed, catalog, _previous(settings, previous_keys(parsed)), gx_runner()), catalog)
    check_dates(parsed, min(file.modified_at, now))
    return parsed.status, render_text_review(path.name, parsed)


def _previous(settings: Settings, keys) -> dict:
    """The latest accepted values the change rule compares with; none when the warehouse cannot be read
    (a first install, or a run writing it right now)."""
    from .ingest.landing import latest_values
    from .storage import connect

    if settings.target == "duckdb" and not settings.work_warehouse.exists():
        return {}
    try:
        with connect(settings, read_only=True) as con:
            return latest_values(con, keys)
    except Exception:
        return {}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make check FILE=path/to/report.xlsx")
        return 2
    status, text = review(load_settings(), Path(argv[0]))
    print(text)
    return 0 if status == "accepted" else 1


if __name__ == "__main__":
    from .fast_exit import exit_now

    exit_now(main(sys.argv[1:]))
