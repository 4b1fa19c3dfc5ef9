"""Findings about a submission, as the submitter's report shows them."""

from __future__ import annotations

from dataclasses import dataclass

from ..parsing.errors import ParseError

ERROR = "error"  # 强制性错误: the file is rejected whole
WARNING = "warning"  # 核实性提示: the value lands, flagged unless 说明 explains it


@dataclass(frozen=True)
class Issue:
    severity: str
    rule: str
    problem_zh: str
    problem_en: str
    fix_zh: str = ""
    fix_en: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    value_text: str = ""
    technical: str = ""  # for the data team: the exception behind an unreadable file

    @classmethod
    def from_parse_error(cls, exc: ParseError, rule: str, **where) -> "Issue":
        return cls(ERROR, exc.rule or rule, exc.message_zh, exc.message_en, exc.fix_zh, exc.fix_en,
                   technical=exc.technical, **where)
