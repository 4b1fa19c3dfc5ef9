"""The pipeline's shared vocabulary: a parsed submission, its value rows and the issues found in it.

The readers (ingest) make these and the gates (quality) judge them; both import them from here, and this
module imports nothing of either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .messages import MESSAGES
from .parsing.errors import ParseError
from .parsing.periods import Period

OUTPUT_INDICATOR = "above_scale_industrial_output"
OUTPUT_GROWTH_INDICATOR = "above_scale_industrial_output_growth"

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
    def of(cls, severity: str, rule: str, message: str, words: dict | None = None, **where) -> Issue:
        """The issue saying message `message` of the catalogue (messages.py), filled with words, at where."""
        text = MESSAGES[message].format(**(words or {}))
        return cls(severity, rule, text.problem_zh, text.problem_en, text.fix_zh, text.fix_en, **where)

    @classmethod
    def from_parse_error(cls, exc: ParseError, rule: str, **where) -> Issue:
        return cls(
            ERROR,
            exc.rule or rule,
            exc.message_zh,
            exc.message_en,
            exc.fix_zh,
            exc.fix_en,
            technical=exc.technical,
            **where,
        )


@dataclass
class ValueRow:
    line_no: int
    department_code: str
    area_code: str
    cluster_code: str | None
    indicator_code: str
    period_code: str
    value_kind: str
    target_strength: str | None
    comparator: str
    value: float
    value_upper: float | None
    base_unit: str
    display_value: float
    display_unit_zh: str
    base_period_code: str | None
    raw_text: str
    explanation: str | None
    quality_flag: str | None
    source_sheet: str
    source_row: int
    source_cell: str

    def add_flag(self, rule: str) -> None:
        """A soft finding on this value: quality_flag lists the rules, each marked explained when 说明 is filled."""
        flags = set(self.quality_flag.split(";")) if self.quality_flag else set()
        flags.add(("explained:" if self.explanation else "") + rule)
        self.quality_flag = ";".join(sorted(flags))


# What only the data team can fix: a name the catalog lacks, or one it reads two ways (an alias settles it)
CATALOG_RULES = frozenset({"unknown_indicator", "unknown_cluster", "ambiguous_indicator"})


@dataclass(frozen=True)
class UnresolvedName:
    """A name the catalog does not know, where it was written, and the unit written beside it."""

    name_kind: str  # indicator | cluster
    name_as_written: str
    source_sheet: str
    source_row: int
    source_cell: str
    unit_text: str = ""


@dataclass
class ParsedSubmission:
    file_name: str
    department_code: str | None = None
    period: Period | None = None
    sent_date: dt.date | None = None
    filled_by: str | None = None
    phone: str | None = None
    rows: list[ValueRow] = field(default_factory=list)
    periods: dict[str, Period] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    n_rows: int = 0
    cover_where: dict[str, dict] = field(default_factory=dict)  # 报告期 / 报出日期 -> where the cover has it
    unresolved: list[UnresolvedName] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def accepted(self) -> bool:
        return not self.errors

    @property
    def held(self) -> bool:
        """Its only hard errors are names the catalog does not know: it waits for the catalog (待补录目录)."""
        errors = self.errors
        return bool(errors) and all(issue.rule in CATALOG_RULES for issue in errors)

    @property
    def status(self) -> str:
        return "accepted" if self.accepted else "held" if self.held else "rejected"

    def use_period(self, period: Period) -> str:
        self.periods[period.code] = period
        return period.code
