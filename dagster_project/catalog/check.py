"""`python -m dagster_project.catalog check`, and the same check at the start of every job.

Validates the whole catalog as people edit it: every file reads (catalog/files.py: encodings, line ends),
has its header, unique codes, no name or alias shared by two codes, known units, numeric ranges with
min ≤ max, allowed values, each form's templates. Each problem names the file, line and column, says what is
wrong and how to fix it, Chinese first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..messages import MESSAGES
from ..parsing.text import normalize_name
from . import PLACEHOLDERS
from .files import ReferenceTable, read_reference_file

REQUIRED_COLUMNS = {
    "areas.csv": ("area_code", "name_zh", "name_en"),
    "clusters.csv": ("cluster_code", "name_zh", "name_en", "tier", "sort_order", "in_246", "aliases"),
    "departments.csv": ("department_code", "name_zh", "name_en", "full_name_zh", "area_code", "aliases"),
    "indicators.csv": (
        "indicator_code",
        "name_zh",
        "name_en",
        "aliases",
        "base_unit",
        "display_unit_zh",
        "category",
        "category_zh",
        "direction",
        "is_additive",
        "measure_type",
        "plausible_min",
        "plausible_max",
        "measure_code",
        "form_code",
    ),
    "units.csv": ("unit_zh", "base_unit", "factor", "aliases"),
    "forms.csv": (
        "form_code",
        "name_zh",
        "name_en",
        "templates",
        "display_zh",
        "display_en",
        "base_unit",
        "display_unit_zh",
        "direction",
        "is_additive",
        "measure_type",
        "plausible_min",
        "plausible_max",
        "applies_to",
    ),
    "aliases.csv": ("name_kind", "alias", "code"),
    "mu_classes.csv": ("mu_class", "name_zh", "name_en", "min_tax_per_mu", "sort_order"),
    "reporting_calendar.csv": (
        "department_code",
        "report_kind",
        "name_zh",
        "name_en",
        "feed",
        "period_kind",
        "due_months_after",
        "due_day",
    ),
}
CODE_COLUMNS = {
    "areas.csv": "area_code",
    "clusters.csv": "cluster_code",
    "departments.csv": "department_code",
    "indicators.csv": "indicator_code",
    "units.csv": "unit_zh",
    "forms.csv": "form_code",
    "mu_classes.csv": "mu_class",
}
NAME_COLUMNS = {
    "areas.csv": ("name_zh",),
    "clusters.csv": ("name_zh",),
    "departments.csv": ("name_zh", "full_name_zh"),
    "indicators.csv": ("name_zh",),
}
BASE_UNITS = (
    "yuan",
    "count",
    "ratio",
    "percentage_points",
    "mu",
    "m2",
    "m",
    "days",
    "rank",
    "yuan_per_mu",
    "tce",
    "t",
    "kwh",
)
CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class CatalogIssue:
    file_name: str
    line: int | None
    column: str
    problem_zh: str
    problem_en: str
    fix_zh: str
    fix_en: str

    @classmethod
    def of(cls, file_name: str, line: int | None, column: str, message: str, words: dict | None = None) -> CatalogIssue:
        """The issue saying message `message` of the catalogue (dagster_project/messages.py), filled with words."""
        text = MESSAGES[message].format(**(words or {}))
        return cls(file_name, line, column, text.problem_zh, text.problem_en, text.fix_zh, text.fix_en)

    def as_text(self) -> str:
        where = (
            f"{self.file_name}" + (f":{self.line}" if self.line else "") + (f" [{self.column}]" if self.column else "")
        )
        return f"{where}: {self.problem_zh} / {self.problem_en} — {self.fix_zh} / {self.fix_en}"


def check_catalog(reference_dir: Path) -> list[CatalogIssue]:
    tables = {name: read_reference_file(reference_dir / name) for name in REQUIRED_COLUMNS}
    issues: list[CatalogIssue] = []
    for name, table in tables.items():
        issues += _check_file(table, optional=name == "aliases.csv")
    if issues:
        return issues  # the cross-file rules need every file read with its columns
    units = {row["unit_zh"] for row in tables["units.csv"].rows}
    units |= {alias for row in tables["units.csv"].rows for alias in row["aliases"].split("|") if alias}
    for row, line in _rows(tables["units.csv"]):
        issues += _allowed(tables["units.csv"], line, "base_unit", row["base_unit"], BASE_UNITS)
        issues += _number(tables["units.csv"], line, "factor", row["factor"])
    issues += _check_indicators(tables["indicators.csv"], tables["forms.csv"], units)
    issues += _check_forms(tables["forms.csv"], units)
    issues += _check_aliases(tables)
    issues += _check_calendar(
        tables["reporting_calendar.csv"], {row["department_code"] for row in tables["departments.csv"].rows}
    )
    if not issues:
        issues += _check_loads(tables)
    return issues


def _check_loads(tables: dict[str, ReferenceTable]) -> list[CatalogIssue]:
    """The catalog as the job builds it: an accepted alias that another code already uses as a name."""
    from . import Catalog

    try:
        Catalog({name: table.rows for name, table in tables.items()})
    except ValueError as exc:
        return [_issue(tables["aliases.csv"], None, "alias", "catalog.conflicting_names", words={"exc": exc})]
    return []


def _rows(table: ReferenceTable):
    return zip(table.rows, table.lines)


def _issue(
    table: ReferenceTable, line: int | None, column: str, message: str, words: dict | None = None
) -> CatalogIssue:
    return CatalogIssue.of(table.file_name, line, column, message, words)


def _check_file(table: ReferenceTable, optional: bool = False) -> list[CatalogIssue]:
    if table.problem == "missing":
        return [] if optional else [_issue(table, None, "", "catalog.the_file_is_missing")]
    if table.problem == "encoding":
        return [_issue(table, None, "", "catalog.the_encoding_is_neither_utf")]
    if table.problem:
        return [_issue(table, None, "", "catalog.malformed_csv", words={"table_problem": table.problem})]
    issues = [
        _issue(table, 1, column, "catalog.column_is_missing", words={"column": column})
        for column in REQUIRED_COLUMNS[table.file_name]
        if column not in table.header
    ]
    if issues:
        return issues
    code_column = CODE_COLUMNS.get(table.file_name)
    seen: dict[str, int] = {}
    for row, line in _rows(table):
        if None in row:
            issues.append(_issue(table, line, "", "catalog.the_line_has_more_fields", words={"extra": len(row[None])}))
        if code_column:
            code = row[code_column]
            if not code:
                issues.append(_issue(table, line, code_column, "catalog.the_code_is_empty"))
            elif code in seen:
                issues.append(
                    _issue(
                        table,
                        line,
                        code_column,
                        "catalog.code_repeats_line",
                        words={"code": code, "first_line": seen[code]},
                    )
                )
            else:
                seen[code] = line
            if code and code_column.endswith("_code") and not CODE.fullmatch(code):
                issues.append(
                    _issue(table, line, code_column, "catalog.code_is_not_snake_case.2", words={"code": code})
                )
    issues += _shared_names(table)
    return issues


def _shared_names(table: ReferenceTable) -> list[CatalogIssue]:
    """A name or alias (normalised) that two codes claim."""
    if table.file_name not in NAME_COLUMNS:
        return []
    code_column = CODE_COLUMNS[table.file_name]
    owner: dict[str, tuple[str, int]] = {}
    issues = []
    for row, line in _rows(table):
        names = [row[c] for c in NAME_COLUMNS[table.file_name] if row.get(c)]
        names += [a for a in row.get("aliases", "").split("|") if a]
        for name in names:
            key = normalize_name(name)
            code, first = owner.setdefault(key, (row[code_column], line))
            if code != row[code_column]:
                issues.append(
                    _issue(
                        table,
                        line,
                        "aliases",
                        "catalog.the_name_already_belongs_to",
                        words={"name": name, "first": first, "code": code},
                    )
                )
    return issues


def _allowed(table, line, column, value, allowed) -> list[CatalogIssue]:
    if value in allowed:
        return []
    return [_issue(table, line, column, "catalog.is_not_allowed", words={"value": value, "allowed": " ".join(allowed)})]


def _number(table, line, column, value, empty_ok=False) -> list[CatalogIssue]:
    if empty_ok and value == "":
        return []
    try:
        float(value)
        return []
    except ValueError:
        return [_issue(table, line, column, "catalog.is_not_a_number", words={"value": value})]


def _range(table, line, low, high) -> list[CatalogIssue]:
    try:
        if float(low) > float(high):
            return [
                _issue(
                    table,
                    line,
                    "plausible_min",
                    "catalog.plausible_min_is_above_plausible",
                    words={"low": low, "high": high},
                )
            ]
    except ValueError:
        pass
    return []


def _check_indicators(table: ReferenceTable, forms: ReferenceTable, units: set[str]) -> list[CatalogIssue]:
    issues = []
    codes = {row["indicator_code"]: row for row in table.rows}
    form_codes = {row["form_code"] for row in forms.rows}
    for row, line in _rows(table):
        issues += _allowed(table, line, "base_unit", row["base_unit"], BASE_UNITS)
        issues += _allowed(table, line, "direction", row["direction"], ("up", "down"))
        issues += _allowed(table, line, "is_additive", row["is_additive"], ("true", "false"))
        issues += _allowed(table, line, "measure_type", row["measure_type"], ("flow", "level"))
        if row["display_unit_zh"] not in units:
            issues.append(
                _issue(table, line, "display_unit_zh", "catalog.unknown_unit", words={"unit": row["display_unit_zh"]})
            )
        low_issues = _number(table, line, "plausible_min", row["plausible_min"])
        high_issues = _number(table, line, "plausible_max", row["plausible_max"])
        issues += low_issues + high_issues
        if not low_issues and not high_issues:
            issues += _range(table, line, row["plausible_min"], row["plausible_max"])
        measure, form = row["measure_code"] or row["indicator_code"], row["form_code"] or "level"
        if form not in form_codes:
            issues.append(_issue(table, line, "form_code", "catalog.unknown_form", words={"form": form}))
        if measure not in codes:
            issues.append(_issue(table, line, "measure_code", "catalog.unknown_measure", words={"measure": measure}))
        elif (codes[measure]["form_code"] or "level") != "level":
            issues.append(
                _issue(table, line, "measure_code", "catalog.is_not_a_measure_its", words={"measure": measure})
            )
    return issues


def _check_forms(table: ReferenceTable, units: set[str]) -> list[CatalogIssue]:
    issues = []
    for row, line in _rows(table):
        for template in row["templates"].split("|"):
            names = re.findall(r"\{(\w+)\}", template)
            if "m" not in names or any(n not in PLACEHOLDERS for n in names):
                issues.append(
                    _issue(
                        table,
                        line,
                        "templates",
                        "catalog.template_needs_and_only_the",
                        words={"template": template, "placeholders": " ".join("{" + p + "}" for p in PLACEHOLDERS)},
                    )
                )
        issues += _allowed(table, line, "base_unit", row["base_unit"], (*BASE_UNITS, "measure"))
        if row["display_unit_zh"] != "measure" and row["display_unit_zh"] not in units:
            issues.append(
                _issue(table, line, "display_unit_zh", "catalog.unknown_unit.2", words={"unit": row["display_unit_zh"]})
            )
        issues += _allowed(table, line, "direction", row["direction"], ("up", "down", "measure"))
        issues += _allowed(table, line, "is_additive", row["is_additive"], ("true", "false", "measure"))
        issues += _allowed(table, line, "measure_type", row["measure_type"], ("flow", "level", "measure"))
        for column in ("plausible_min", "plausible_max"):
            issues += _number(table, line, column, row[column], empty_ok=True)
        if row["plausible_min"] and row["plausible_max"]:
            issues += _range(table, line, row["plausible_min"], row["plausible_max"])
        for unit in row["applies_to"].split("|"):
            issues += _allowed(table, line, "applies_to", unit, (*BASE_UNITS, "any"))
        if row.get("fallback"):
            issues += _allowed(table, line, "fallback", row["fallback"], ("true", "false"))
    return issues


def _check_aliases(tables: dict[str, ReferenceTable]) -> list[CatalogIssue]:
    table = tables["aliases.csv"]
    targets = {"indicator": ("indicators.csv", "indicator_code"), "cluster": ("clusters.csv", "cluster_code")}
    issues = []
    for row, line in _rows(table):
        issues += _allowed(table, line, "name_kind", row["name_kind"], tuple(targets))
        if row["name_kind"] in targets:
            file_name, column = targets[row["name_kind"]]
            if row["code"] not in {r[column] for r in tables[file_name].rows}:
                issues.append(
                    _issue(
                        table,
                        line,
                        "code",
                        "catalog.the_alias_points_to_an",
                        words={"code": row["code"], "file_name": file_name},
                    )
                )
        if not row["alias"]:
            issues.append(_issue(table, line, "alias", "catalog.the_alias_is_empty"))
    return issues


FEEDS = ("department", "enterprise")
PERIOD_KINDS = ("year", "half_year", "quarter", "month")


def _check_calendar(table: ReferenceTable, departments: set[str]) -> list[CatalogIssue]:
    """Who owes which report by when: one line per department and report kind, due a whole number of months
    after the period's last month, on a day of that month (a day past its end means its last day)."""
    issues = []
    seen: dict[tuple[str, str], int] = {}
    for row, line in _rows(table):
        if row["department_code"] not in departments:
            issues.append(
                _issue(
                    table,
                    line,
                    "department_code",
                    "catalog.unknown_department",
                    words={"department": row["department_code"]},
                )
            )
        if not CODE.fullmatch(row["report_kind"]):
            issues.append(
                _issue(table, line, "report_kind", "catalog.code_is_not_snake_case", words={"code": row["report_kind"]})
            )
        key = (row["department_code"], row["report_kind"])
        if key in seen:
            issues.append(
                _issue(
                    table,
                    line,
                    "report_kind",
                    "catalog.of_repeats_line",
                    words={"kind": key[1], "first_line": seen[key], "department": key[0]},
                )
            )
        seen.setdefault(key, line)
        issues += _allowed(table, line, "feed", row["feed"], FEEDS)
        issues += _allowed(table, line, "period_kind", row["period_kind"], PERIOD_KINDS)
        if row["feed"] == "enterprise" and row["period_kind"] != "month":
            issues.append(_issue(table, line, "period_kind", "catalog.the_enterprise_feed_is_monthly"))
        issues += _whole_number(table, line, "due_months_after", row["due_months_after"], 0, 12)
        issues += _whole_number(table, line, "due_day", row["due_day"], 1, 31)
    return issues


def _whole_number(table, line, column, value, low: int, high: int) -> list[CatalogIssue]:
    if value.isdigit() and low <= int(value) <= high:
        return []
    return [
        _issue(table, line, column, "catalog.is_not_a_whole_number", words={"value": value, "low": low, "high": high})
    ]


def render_check_report(issues: list[CatalogIssue]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(i.file_name)}</td><td>{i.line or ''}</td><td>{e(i.column)}</td>"
        f"<td>{e(i.problem_zh)}<div class=en>{e(i.problem_en)}</div></td>"
        f"<td>{e(i.fix_zh)}<div class=en>{e(i.fix_en)}</div></td></tr>"
        for i in issues
    )
    verdict = (
        (
            "目录检查未通过, 本次运行已在入库前停止, 已发布的数据仓库保持不变。请按下表修改 sources/reference/ 中的文件。",
            "The catalog check failed: the run stopped before ingestion and the published warehouse is unchanged. "
            "Fix the files of sources/reference/ as listed.",
        )
        if issues
        else ("目录检查通过。", "The catalog check passed.")
    )
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>目录检查 Catalog check</title><style>"
        "body{font-family:sans-serif;margin:2em}td,th{border:1px solid #bbb;padding:4px 8px}"
        "table{border-collapse:collapse}.en{color:#666;font-size:90%}</style></head><body>"
        f"<h1>目录检查 <span class=en>Catalog check</span></h1><p>{e(verdict[0])}<br>"
        f"<span class=en>{e(verdict[1])}</span></p>"
        + (
            f"<table><tr><th>文件 / file</th><th>行 / line</th><th>列 / column</th><th>问题 / problem</th>"
            f"<th>处理建议 / fix</th></tr>{rows}</table>"
            if issues
            else ""
        )
        + "</body></html>"
    )
