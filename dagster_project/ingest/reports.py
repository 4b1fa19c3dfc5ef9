"""The submitter's report: one HTML page per file, Chinese first with English beside it."""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from ..domain import ERROR, Issue, ParsedSubmission
from .landing import SubmissionRecord

LISTED_PER_RULE = 200
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what a workbook's XML cannot hold
_STATUS = {
    "accepted": "已接收 / accepted",
    "held": "待补录目录 / held for the catalog",
    "rejected": "已退回 / rejected",
}
_SEVERITY = {ERROR: "强制性错误 / hard error", "warning": "核实性提示 / soft finding"}

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #bbb;padding:4px 8px;vertical-align:top}
th{background:#eef}.error{background:#fee}.warning{background:#ffd}.en{color:#666;font-size:90%}
"""


def _superseded_words(superseded_by: tuple | None) -> tuple[str, str] | None:
    if superseded_by is None:
        return None
    _submission_id, file_name, sent_date = superseded_by
    dated_zh = f"(报出日期 {sent_date})" if sent_date else ""
    dated_en = f" (sent {sent_date})" if sent_date else ""
    return (f"已接收, 但已被“{file_name}”{dated_zh}取代", f"accepted but superseded by {file_name}{dated_en}")


def listed_issues(issues: list[Issue]) -> list[Issue]:
    """The issues a report lists: the first LISTED_PER_RULE of each rule, then one line counting the rest.
    A file of 200,000 rows with the same mistake gets a report a person can read, written in a moment."""
    listed, seen = [], Counter()
    for issue in issues:
        seen[(issue.severity, issue.rule)] += 1
        if seen[(issue.severity, issue.rule)] <= LISTED_PER_RULE:
            listed.append(issue)
    for (severity, rule), count in seen.items():
        if count > LISTED_PER_RULE:
            listed.append(
                Issue.of(severity, rule, "more_findings_of_this_kind", words={"count": count - LISTED_PER_RULE})
            )
    return listed


def render_report(
    record: SubmissionRecord, parsed: ParsedSubmission, department_name: str | None, superseded_by: tuple | None = None
) -> str:
    """superseded_by: (submission_id, file_name, sent_date) of the accepted submission for the same department
    and period that already outranks this one."""
    e = html.escape
    status = _STATUS[record.status]
    superseded = _superseded_words(superseded_by)
    if superseded:
        status = f"{superseded[0]} / {superseded[1]}"
        verdict = (
            f"本文件已接收并存档, 但同一单位同一报告期已有报出日期更晚(或同日更晚收到)的报送“{superseded_by[1]}”, "
            "以该报送为准。如本文件才是更正版, 请修改报出日期后重新报送。",
            f"This file was accepted and kept, but {superseded_by[1]} for the same department and period "
            "was sent later (or arrived later on the same date) and counts. If this file is the correction, "
            "fix its 报出日期 and submit it again.",
        )
    elif record.status == "held":
        verdict = (
            "本文件暂存, 待补录目录: 文件中有指标或集群名称尚未收录在目录中, 其他内容均无问题。区数据专班补录目录后, "
            "本文件将自动入库, 无需重新报送; 如您本意是下列建议名称之一, 请修改后重新报送。",
            "This file is held for the catalog: some of its indicator or cluster names are not in the catalog "
            "yet, and nothing else is wrong. Once the district data team adds them, the file loads by itself "
            "with no resubmission; if you meant one of the suggested names, correct the file and send it again.",
        )
    elif record.status == "rejected":
        verdict = (
            "本文件存在强制性错误, 整份退回, 未写入数据库; 之前已接收的数据保持不变。请按下表修改后重新报送。",
            "This file has hard errors and was rejected whole: nothing of it entered the warehouse and "
            "earlier accepted data is unchanged. Fix the cells below and submit again.",
        )
    elif parsed.warnings:
        verdict = (
            "本文件已接收。下列核实性提示请核对; 如数值无误, 请在“说明”列写明原因。",
            "This file was accepted. Please check the soft findings below; if a value is right, explain it in 说明.",
        )
    else:
        verdict = ("本文件已接收, 未发现问题。", "This file was accepted with no findings.")
    facts = [
        ("文件 / file", record.file_name),
        ("SHA-256", record.sha256),
        ("报送单位 / department", department_name or "—"),
        ("报告期 / period", record.period_code or "—"),
        ("结果 / outcome", status),
        ("数据行 / data rows", str(record.n_rows)),
        ("错误 / errors · 提示 / warnings", f"{record.n_errors} · {record.n_warnings}"),
        ("处理时间 / processed at (UTC)", record.loaded_at.isoformat(timespec="seconds")),
    ]
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    issue_rows = "".join(
        f'<tr class="{i.severity}"><td>{e(_SEVERITY[i.severity])}</td><td>{e(i.sheet)}</td>'
        f"<td>{'' if i.row is None else i.row}</td><td>{e(i.column)}</td><td>{e(i.cell)}</td>"
        f"<td>{e(i.value_text)}</td><td>{e(i.problem_zh)}<div class=en>{e(i.problem_en)}</div></td>"
        f"<td>{e(i.fix_zh)}<div class=en>{e(i.fix_en)}</div></td><td><code>{e(i.rule)}</code>"
        f"{f'<div class=en>{e(i.technical)}</div>' if i.technical else ''}</td></tr>"
        for i in listed_issues(parsed.issues)
    )
    issues = (
        "<table><tr><th>级别 / severity</th><th>工作表 / sheet</th><th>行 / row</th><th>列 / column</th>"
        "<th>单元格 / cell</th><th>填报内容 / as written</th><th>问题 / problem</th>"
        f"<th>处理建议 / what to do</th><th>规则 / rule · 技术信息 / technical</th></tr>{issue_rows}</table>"
        if parsed.issues
        else ""
    )
    return (
        f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>报送审核报告 {e(record.file_name)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>报送审核报告 <span class=en>Submission review report</span></h1>"
        f'<p><a href="{e(Path(record.report_path).with_suffix(".xlsx").name)}">下载 Excel 版 / Excel version</a></p>'
        f"<table>{rows}</table><p>{e(verdict[0])}<br><span class=en>{e(verdict[1])}</span></p>{issues}</body></html>"
    )


def render_plain_report(record: SubmissionRecord, parsed: ParsedSubmission) -> str:
    """The last resort when the full report could not be made: the file, the outcome and each problem."""
    e = html.escape
    lines = "".join(
        f"<li>{e(i.problem_zh)} / {e(i.problem_en)}<br>{e(i.fix_zh)} / {e(i.fix_en)}"
        f"<br><code>{e(i.rule)}</code> {e(i.technical)}</li>"
        for i in listed_issues(parsed.issues)
    )
    return (
        f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>报送审核报告</title></head><body>"
        f"<h1>报送审核报告 / Submission review report</h1><p>{e(record.file_name)} · {e(record.sha256)}</p>"
        f"<p>{e(_STATUS[record.status])}</p><ul>{lines}</ul></body></html>"
    )


def render_text_review(file_name: str, parsed: ParsedSubmission) -> str:
    """The review as plain text for a terminal (make check): the verdict, then each problem by cell."""
    verdicts = {
        "accepted": "可以报送: 未发现强制性错误 / would be accepted",
        "held": "将暂存待补录目录: 有目录尚未收录的名称 / would be held for the catalog",
        "rejected": "将被退回: 请先修改下列强制性错误 / would be rejected: fix the hard errors below",
    }
    lines = [
        f"报送预审 / pre-check: {file_name}",
        verdicts[parsed.status],
        f"数据行 / rows: {parsed.n_rows} · 错误 / errors: {len(parsed.errors)} · 提示 / warnings: "
        f"{len(parsed.warnings)}",
    ]
    for issue in listed_issues(parsed.issues):
        where = "!".join(filter(None, [issue.sheet, issue.cell or (str(issue.row) if issue.row else "")]))
        lines.append(
            f"- [{_SEVERITY[issue.severity]}] {where} {issue.column} “{issue.value_text}”: "
            f"{issue.problem_zh} / {issue.problem_en}"
        )
        if issue.fix_zh:
            lines.append(f"    处理建议 / what to do: {issue.fix_zh} / {issue.fix_en}")
    return "\n".join(lines)


ISSUE_COLUMNS = (
    "级别 / severity",
    "工作表 / sheet",
    "行 / row",
    "列 / column",
    "单元格 / cell",
    "填报内容 / as written",
    "问题 / problem",
    "Problem (English)",
    "处理建议 / what to do",
    "What to do (English)",
    "技术信息 / technical",
    "规则 / rule",
)


def render_report_xlsx(
    record: SubmissionRecord, parsed: ParsedSubmission, department_name: str | None, superseded_by: tuple | None = None
) -> bytes:
    """The same report as a workbook the submitter opens in Excel or WPS."""
    superseded = _superseded_words(superseded_by)
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "审核结果"
    for label, value in (
        ("文件 / file", record.file_name),
        ("SHA-256", record.sha256),
        ("报送单位 / department", department_name or ""),
        ("报告期 / period", record.period_code or ""),
        ("结果 / outcome", " / ".join(superseded) if superseded else _STATUS[record.status]),
        ("数据行 / data rows", record.n_rows),
        ("强制性错误 / hard errors", record.n_errors),
        ("核实性提示 / soft findings", record.n_warnings),
    ):
        summary.append([label, _safe_cell(value)])
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 70
    sheet = wb.create_sheet("问题清单")
    sheet.append(ISSUE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fills = {ERROR: PatternFill("solid", fgColor="FFE0E0"), "warning": PatternFill("solid", fgColor="FFF6CC")}
    for row_number, issue in enumerate(listed_issues(parsed.issues), start=2):
        sheet.append(
            [
                _safe_cell(v)
                for v in (
                    _SEVERITY[issue.severity],
                    issue.sheet,
                    issue.row,
                    issue.column,
                    issue.cell,
                    issue.value_text,
                    issue.problem_zh,
                    issue.problem_en,
                    issue.fix_zh,
                    issue.fix_en,
                    issue.technical,
                    issue.rule,
                )
            ]
        )
        for cell in sheet[row_number]:
            cell.fill = fills[issue.severity]
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJKL", (18, 10, 6, 12, 8, 16, 40, 40, 40, 40, 40, 24)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _safe_cell(value: object) -> object:
    """Text from a submission is data: a leading = + - @ must not become a formula in Excel, and control
    characters (which a workbook cannot hold) are shown as their code points."""
    if not isinstance(value, str):
        return value
    value = _CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_report(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)
