"""The dates a submission states, against the moment it arrived (shared/contract/submission-template.md, v2).

报出日期 cannot lie after the file arrived (a day allowed for clock skew) nor before its report period began;
a 报告期 cannot lie ahead of the arrival; an actual for a period that had not begun is impossible, and one for
a period still running when the file arrived is a soft finding unless 说明 explains it (a 1-6月 report sent on
28 June). Supersession trusts only a 报出日期 that passed these rules.
"""

from __future__ import annotations

import datetime as dt

from ..domain import ERROR, WARNING, Issue, ParsedSubmission

CLOCK_SKEW = dt.timedelta(days=1)


def check_dates(parsed: ParsedSubmission, received_at: dt.datetime) -> None:
    received_on = received_at.date()
    period = parsed.period
    sent = parsed.sent_date
    sent_where = parsed.cover_where.get("报出日期", {"column": "报出日期"})
    if sent is not None and sent > (received_at + CLOCK_SKEW).date():
        parsed.issues.append(
            Issue.of(
                ERROR,
                "sent_date_after_arrival",
                "sent_date_after_arrival",
                words={"sent": sent, "received_on": received_on},
                **sent_where,
            )
        )
    elif sent is not None and period is not None and sent < period.start_date:
        parsed.issues.append(
            Issue.of(
                ERROR,
                "sent_date_before_period",
                "sent_date_before_period",
                words={"sent": sent, "period_code": period.code, "period_start_date": period.start_date},
                **sent_where,
            )
        )
    if period is not None and period.start_date > received_on:
        parsed.issues.append(
            Issue.of(
                ERROR,
                "period_not_begun",
                "period_not_begun",
                words={"period_code": period.code, "received_on": received_on},
                **parsed.cover_where.get("报告期", {"column": "报告期"}),
            )
        )
    for row in parsed.rows:
        row_period = parsed.periods.get(row.period_code)
        if row.value_kind != "actual" or row_period is None or row_period.end_date < received_on:
            continue
        where = {
            "sheet": row.source_sheet,
            "row": row.source_row,
            "column": "数值",
            "cell": row.source_cell,
            "value_text": row.raw_text,
        }
        if row_period.start_date > received_on:
            parsed.issues.append(
                Issue.of(
                    ERROR,
                    "actual_for_future_period",
                    "actual_for_future_period",
                    words={"row_period_code": row.period_code},
                    **where,
                )
            )
            continue
        explained = bool(row.explanation)
        parsed.issues.append(
            Issue.of(
                WARNING,
                "actual_before_period_end",
                "actual_before_period_end.explained" if explained else "actual_before_period_end",
                words={"period_code": row.period_code, "received_on": received_on},
                **where,
            )
        )
        row.add_flag("actual_before_period_end")
