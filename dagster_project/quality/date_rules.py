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
            Issue(
                ERROR,
                "sent_date_after_arrival",
                f"报出日期 {sent} 晚于文件收到的日期 {received_on}",
                f"the date sent, {sent}, is after the file arrived on {received_on}",
                "填写本文件实际报出的日期",
                "write the date this file was actually sent",
                **sent_where,
            )
        )
    elif sent is not None and period is not None and sent < period.start_date:
        parsed.issues.append(
            Issue(
                ERROR,
                "sent_date_before_period",
                f"报出日期 {sent} 早于报告期 {period.code} 的开始日期 {period.start_date}",
                f"the date sent, {sent}, is before the report period {period.code} began on {period.start_date}",
                "核对报出日期和报告期",
                "check the date sent and the report period",
                **sent_where,
            )
        )
    if period is not None and period.start_date > received_on:
        parsed.issues.append(
            Issue(
                ERROR,
                "period_not_begun",
                f"报告期 {period.code} 在文件收到时({received_on})尚未开始",
                f"the report period {period.code} had not begun when the file arrived on {received_on}",
                "核对报告期",
                "check the report period",
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
                Issue(
                    ERROR,
                    "actual_for_future_period",
                    f"期间 {row.period_code} 尚未开始, 不能有实绩",
                    f"period {row.period_code} had not begun when the file arrived: it cannot have actuals",
                    "核对“期间”和“数据类型”: 对未来期间请填写目标",
                    "check 期间 and 数据类型: a future period takes targets",
                    **where,
                )
            )
            continue
        explained = bool(row.explanation)
        parsed.issues.append(
            Issue(
                WARNING,
                "actual_before_period_end",
                f"期间 {row.period_code} 在文件收到时({received_on})尚未结束, 实绩可能不完整"
                + ("(已有说明)" if explained else ""),
                f"period {row.period_code} had not ended when the file arrived on {received_on}: the actual may be "
                "incomplete" + (" (explained)" if explained else ""),
                "如为快报或预计数, 请在“说明”中注明",
                "if it is a flash or estimated figure, say so in 说明",
                **where,
            )
        )
        row.add_flag("actual_before_period_end")
