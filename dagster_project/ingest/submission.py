"""The submission template (shared/contract/submission-template.md): sheets of cells -> typed rows.

Pure: takes a SourceFile and the Catalog, returns a ParsedSubmission holding typed rows, the
periods they use and every issue of reading (unknown names, unreadable numbers, units). Rules on
the values themselves are the quality gate's (dagster_project/quality/submission_gate.py).
Nothing here touches files or the warehouse.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ..catalog import Catalog, Composition, CompositionError, Indicator, NameTable
from ..domain import (
    CATALOG_RULES,
    ERROR,
    OUTPUT_GROWTH_INDICATOR,
    OUTPUT_INDICATOR,
    WARNING,
    Issue,
    ParsedSubmission,
    UnresolvedName,
    ValueRow,
)
from ..parsing.errors import ParseError
from ..parsing.periods import parse_date, parse_period
from ..parsing.text import clean_text, is_blank
from ..parsing.values import ParsedValue, parse_value
from .reading import Cell, Sheet, SourceFile, UnusableFormula

COVER_SHEET, INDICATOR_SHEET, CLUSTER_SHEET = "封面", "指标", "集群产值"
INDICATOR_REQUIRED = ("指标名称", "统计范围", "数据类型", "数值")
CSV_REQUIRED = ("报送单位", "报告期")

VALUE_KINDS = {
    "实绩": "actual",
    "实际": "actual",
    "实际值": "actual",
    "完成": "actual",
    "完成值": "actual",
    "目标": "target",
    "目标值": "target",
    "计划": "target",
    "参照": "reference",
    "参考": "reference",
    "参照值": "reference",
    "参考值": "reference",
}
TARGET_STRENGTHS = {"确保": "ensure", "力争": "strive"}


def parse_submission(source: SourceFile, catalog: Catalog) -> ParsedSubmission:
    result = ParsedSubmission(source.file_name)
    if source.kind == "csv":
        table = _find_table(source.sheets[INDICATOR_SHEET], "指标名称", result)
        if table is not None:
            _read_csv_cover(table, catalog, result)
    else:
        cover = _sheet(source, COVER_SHEET)
        if cover is None:
            result.issues.append(Issue.of(ERROR, "missing_sheet", "missing_sheet", sheet=COVER_SHEET))
        else:
            _read_cover(cover, catalog, result)
        sheet = _sheet(source, INDICATOR_SHEET)
        table = None
        if sheet is None:
            result.issues.append(Issue.of(ERROR, "missing_sheet", "missing_sheet.2", sheet=INDICATOR_SHEET))
        else:
            table = _find_table(sheet, "指标名称", result)
    if table is not None and _has_columns(table, INDICATOR_REQUIRED, result):
        for row in table.rows:
            _read_indicator_row(table, row, catalog, result)
    if source.kind != "csv" and (cluster_sheet := _sheet(source, CLUSTER_SHEET)) is not None:
        cluster_table = _find_table(cluster_sheet, "产业集群", result)
        if cluster_table is not None:
            _read_cluster_table(cluster_table, catalog, result)
    _drop_exact_repeats(result, catalog)
    return result


# --- tables -----------------------------------------------------------------------------------


@dataclass
class Table:
    sheet: str
    columns: dict[str, int]  # header text (trimmed) -> column number
    header_row: int
    rows: list[dict[int, Cell]]

    def cell(self, row: dict[int, Cell], name: str) -> Cell | None:
        column = self.columns.get(name)
        return row.get(column) if column else None

    def value(self, row: dict[int, Cell], name: str) -> object:
        cell = self.cell(row, name)
        return None if cell is None else cell.value


def _sheet(source: SourceFile, name: str) -> Sheet | None:
    """The sheet of that name; failing that, the only sheet whose name contains it (指标表, 封面页)."""
    for sheet_name, sheet in source.sheets.items():
        if clean_text(sheet_name) == name:
            return sheet
    near = [sheet for sheet_name, sheet in source.sheets.items() if name in clean_text(sheet_name)]
    return near[0] if len(near) == 1 else None


def _find_table(sheet: Sheet, key_column: str, result: ParsedSubmission) -> Table | None:
    """The header is the first row holding key_column; title rows above it are skipped."""
    for index, cells in enumerate(sheet.rows[:20]):
        headers = {clean_text(c.value): c.column for c in cells if not is_blank(c.value)}
        if key_column in headers:
            names = {column: name for name, column in headers.items()}
            rows = [{c.column: c for c in r} for r in sheet.rows[index + 1 :]]
            header_row = cells[0].row
            return Table(sheet.name, headers, header_row, [r for r in rows if r and not _repeats_header(r, names)])
    result.issues.append(
        Issue.of(
            ERROR,
            "missing_header",
            "missing_header",
            words={"sheet_name": sheet.name, "key_column": key_column},
            sheet=sheet.name,
        )
    )
    return None


def _repeats_header(row: dict[int, Cell], names: dict[int, str]) -> bool:
    """A header cell merged down over two rows fills the second with the same names: not a data row."""
    return all(names.get(column) == clean_text(cell.value) for column, cell in row.items())


def _has_columns(table: Table, required: tuple[str, ...], result: ParsedSubmission) -> bool:
    missing = [c for c in required if c not in table.columns]
    for column in missing:
        result.issues.append(
            Issue.of(
                ERROR,
                "missing_column",
                "missing_column",
                words={"column": column},
                sheet=table.sheet,
                row=table.header_row,
                column=column,
            )
        )
    return not missing


def _is_note_row(row: dict[int, Cell]) -> bool:
    """A footer such as 注：… or 填表说明 in a single cell."""
    if len(row) != 1:
        return False
    text = clean_text(next(iter(row.values())).value)
    return text.startswith(("注", "备注", "说明", "填表说明", "填报说明"))


# --- cover --------------------------------------------------------------------------------------


def _read_cover(sheet: Sheet, catalog: Catalog, result: ParsedSubmission) -> None:
    fields: dict[str, Cell] = {}
    for cells in sheet.rows:
        if _report_formulas(sheet.name, {c.column: c for c in cells}, {}, result):
            continue
        if len(cells) >= 2:
            fields.setdefault(_cover_label(cells[0].value), cells[1])
        elif len(cells) == 1:
            label = _cover_label(cells[0].value)
            if label in ("报送单位", "报告期"):
                fields.setdefault(label, Cell(None, cells[0].row, cells[0].column + 1))
    _apply_cover(fields, sheet.name, catalog, result)


COVER_LABEL_SYNONYMS = {
    "填报单位": "报送单位",
    "报送部门": "报送单位",
    "报告期间": "报告期",
    "统计期": "报告期",
    "报送日期": "报出日期",
    "填报日期": "报出日期",
    "填表人": "填报人",
}


def _cover_label(value: object) -> str:
    """报送单位(盖章)： -> 报送单位; a few synonyms people use for the template's labels."""
    label = re.sub(r"\(.*?\)", "", clean_text(value)).rstrip(":")
    return COVER_LABEL_SYNONYMS.get(label, label)


def _read_csv_cover(table: Table, catalog: Catalog, result: ParsedSubmission) -> None:
    if not _has_columns(table, CSV_REQUIRED, result):
        return
    fields: dict[str, Cell] = {}
    for label in CSV_REQUIRED:
        seen = {}
        for row in table.rows:
            cell = table.cell(row, label)
            if cell is not None and not is_blank(cell.value):
                seen.setdefault(clean_text(cell.value), cell)
        if len(seen) > 1:
            first, second = list(seen.values())[:2]
            result.issues.append(
                Issue.of(
                    ERROR,
                    "mixed_submission",
                    "mixed_submission",
                    words={"label": label, "first_value": first.value, "second_value": second.value},
                    sheet=table.sheet,
                    row=second.row,
                    column=label,
                    cell=second.ref,
                    value_text=str(second.value),
                )
            )
            return
        if seen:
            fields[label] = next(iter(seen.values()))
    _apply_cover(fields, table.sheet, catalog, result)


def _apply_cover(fields: dict[str, Cell], sheet: str, catalog: Catalog, result: ParsedSubmission) -> None:
    for label in ("报送单位", "报告期"):
        if label not in fields or is_blank(fields[label].value):
            cell = fields.get(label)
            result.issues.append(
                Issue.of(
                    ERROR,
                    "missing_cover_field",
                    "missing_cover_field",
                    words={"label": label, "sheet": sheet},
                    sheet=sheet,
                    row=cell.row if cell else None,
                    column=label,
                    cell=cell.ref if cell else "",
                )
            )
    if (cell := fields.get("报送单位")) is not None and not is_blank(cell.value):
        result.department_code = _resolve(catalog.departments, cell, sheet, "报送单位", "unknown_department", result)
    if (cell := fields.get("报告期")) is not None and not is_blank(cell.value):
        result.cover_where["报告期"] = _where(sheet, cell, "报告期")
        try:
            result.period = parse_period(cell.value)
            result.use_period(result.period)
        except ParseError as exc:
            result.issues.append(Issue.from_parse_error(exc, "unknown_period", **_where(sheet, cell, "报告期")))
    if (cell := fields.get("报出日期")) is not None and not is_blank(cell.value):
        result.cover_where["报出日期"] = _where(sheet, cell, "报出日期")
        try:
            result.sent_date = parse_date(cell.value)
        except ParseError as exc:
            result.issues.append(Issue.from_parse_error(exc, "bad_date", **_where(sheet, cell, "报出日期")))
    if (cell := fields.get("填报人")) is not None:
        result.filled_by = str(cell.value).strip() or None
    if (cell := fields.get("联系电话")) is not None:
        result.phone = str(cell.value).strip() or None


# --- rows ---------------------------------------------------------------------------------------


def _read_indicator_row(table: Table, row: dict[int, Cell], catalog: Catalog, result: ParsedSubmission) -> None:
    if _is_note_row(row) or all(is_blank(c.value) for c in row.values()):
        return
    result.n_rows += 1
    if _report_formulas(table.sheet, row, table.columns, result):
        return
    errors_before = len(result.errors)
    first = next(iter(row.values()))
    missing = [c for c in INDICATOR_REQUIRED if is_blank(table.value(row, c))]
    for column in missing:
        result.issues.append(
            Issue.of(
                ERROR,
                "missing_value",
                "missing_value",
                words={"column": column},
                sheet=table.sheet,
                row=first.row,
                column=column,
                cell=_ref(table, first.row, column),
            )
        )
    if missing:
        return

    unit_cell = table.cell(row, "单位")
    composition = _resolve_indicator(
        catalog, table.cell(row, "指标名称"), table.sheet, result, _unit_written(table.cell(row, "数值"), unit_cell)
    )
    area_code = _resolve(catalog.areas, table.cell(row, "统计范围"), table.sheet, "统计范围", "unknown_area", result)
    cluster_code = None
    if not is_blank(table.value(row, "产业集群")):
        cluster_code = _resolve(
            catalog.clusters, table.cell(row, "产业集群"), table.sheet, "产业集群", "unknown_cluster", result
        )
    if composition is not None and composition.cluster_code:  # 汽摩产业产值: the name gives the cluster
        if cluster_code not in (None, composition.cluster_code):
            result.issues.append(
                Issue.of(
                    ERROR,
                    "cluster_conflict",
                    "cluster_conflict",
                    **_where(table.sheet, table.cell(row, "产业集群"), "产业集群"),
                )
            )
        cluster_code = composition.cluster_code
    period_code = _row_period(table, row, "期间", result)
    base_period_code = None
    if not is_blank(table.value(row, "比较基期")):
        base_period_code = _row_period(table, row, "比较基期", result)
    elif composition is not None and composition.base_period:  # 较2020年下降: the name gives the base
        base_period_code = result.use_period(parse_period(composition.base_period + "年"))

    kind_cell = table.cell(row, "数据类型")
    value_kind = VALUE_KINDS.get(clean_text(kind_cell.value))
    if value_kind is None:
        result.issues.append(
            Issue.of(
                ERROR,
                "unknown_value_kind",
                "unknown_value_kind",
                words={"kind_cell_value": kind_cell.value},
                **_where(table.sheet, kind_cell, "数据类型"),
            )
        )
    target_strength = None
    strength_cell = table.cell(row, "目标要求")
    if strength_cell is not None and not is_blank(strength_cell.value):
        target_strength = TARGET_STRENGTHS.get(clean_text(strength_cell.value))
        if target_strength is None:
            result.issues.append(
                Issue.of(
                    ERROR,
                    "unknown_target_strength",
                    "unknown_target_strength",
                    words={"strength_cell_value": strength_cell.value},
                    **_where(table.sheet, strength_cell, "目标要求"),
                )
            )
        elif value_kind and value_kind != "target":
            result.issues.append(
                Issue.of(
                    WARNING,
                    "strength_on_non_target",
                    "strength_on_non_target",
                    **_where(table.sheet, strength_cell, "目标要求"),
                )
            )
            target_strength = None

    value_cell = table.cell(row, "数值")
    if composition is None:  # a held file must not turn out unreadable once the catalog knows the name
        try:
            parse_value(value_cell.value, value_cell.number_format)
        except ParseError as exc:
            result.issues.append(
                Issue.from_parse_error(
                    exc, "unreadable_value", **_where(table.sheet, value_cell, "数值", _raw_text(value_cell))
                )
            )
    if len(result.errors) > errors_before or composition is None:
        return
    indicator = composition.indicator
    explanation = _text_or_none(table.value(row, "说明"))
    converted = _convert(value_cell, unit_cell, indicator, catalog, table.sheet, result)
    if converted is None:
        return
    if composition.negated:
        converted = _negated(converted)
    _append_value(
        result,
        catalog,
        indicator,
        converted,
        value_cell,
        table.sheet,
        area_code=area_code,
        cluster_code=cluster_code,
        period_code=period_code,
        value_kind=value_kind,
        target_strength=target_strength if value_kind == "target" else None,
        base_period_code=base_period_code,
        explanation=explanation,
    )


def _read_cluster_table(table: Table, catalog: Catalog, result: ParsedSubmission) -> None:
    output_column = next((h for h in table.columns if h.startswith("规上工业产值")), None)
    if output_column is None:
        result.issues.append(
            Issue.of(
                ERROR,
                "missing_column",
                "missing_column.2",
                sheet=table.sheet,
                row=table.header_row,
                column="规上工业产值",
            )
        )
        return
    header_unit = output_column[len("规上工业产值") :].strip("()（）[]")
    growth_column = next((h for h in table.columns if h.startswith("同比增长")), None)
    output = catalog.indicators[OUTPUT_INDICATOR]
    growth = catalog.indicators[OUTPUT_GROWTH_INDICATOR]
    for row in table.rows:
        if _is_note_row(row) or all(is_blank(c.value) for c in row.values()):
            continue
        result.n_rows += 1
        if _report_formulas(table.sheet, row, table.columns, result):
            continue
        errors_before = len(result.errors)
        first = next(iter(row.values()))
        cluster_cell = table.cell(row, "产业集群")
        value_cell = table.cell(row, output_column)
        for column, cell in (("产业集群", cluster_cell), (output_column, value_cell)):
            if cell is None or is_blank(cell.value):
                result.issues.append(
                    Issue.of(
                        ERROR,
                        "missing_value",
                        "missing_value",
                        words={"column": column},
                        sheet=table.sheet,
                        row=first.row,
                        column=column,
                        cell=_ref(table, first.row, column),
                    )
                )
        if len(result.errors) > errors_before:
            continue
        cluster_code = _resolve(catalog.clusters, cluster_cell, table.sheet, "产业集群", "unknown_cluster", result)
        area_code = "dazu_district"
        if not is_blank(table.value(row, "统计范围")):
            area_code = _resolve(
                catalog.areas, table.cell(row, "统计范围"), table.sheet, "统计范围", "unknown_area", result
            )
        period_code = _row_period(table, row, "期间", result)
        explanation = _text_or_none(table.value(row, "说明"))
        unit_cell = table.cell(row, "单位")
        if unit_cell is None and header_unit:
            unit_cell = Cell(header_unit, table.header_row, table.columns[output_column])
        converted = _convert(value_cell, unit_cell, output, catalog, table.sheet, result)
        growth_converted = None
        growth_cell = table.cell(row, growth_column) if growth_column else None
        if growth_cell is not None and not is_blank(growth_cell.value):
            percent = Cell("%", table.header_row, growth_cell.column)
            growth_converted = _convert(growth_cell, percent, growth, catalog, table.sheet, result)
        if converted is None or len(result.errors) > errors_before:
            continue
        for indicator, conv, cell in ((output, converted, value_cell), (growth, growth_converted, growth_cell)):
            if conv is None:
                continue
            _append_value(
                result,
                catalog,
                indicator,
                conv,
                cell,
                table.sheet,
                area_code=area_code,
                cluster_code=cluster_code,
                period_code=period_code,
                value_kind="actual",
                target_strength=None,
                base_period_code=None,
                explanation=explanation,
            )


# --- values -------------------------------------------------------------------------------------


def _append_value(
    result: ParsedSubmission, catalog: Catalog, indicator: Indicator, converted: tuple, cell: Cell, sheet: str, **fields
) -> None:
    """One landed value: base units, the catalog's display unit, and the cell it came from."""
    parsed, value, upper, raw_text = converted
    display = catalog.display_unit(indicator)
    result.rows.append(
        ValueRow(
            line_no=len(result.rows) + 1,
            department_code=result.department_code or "",
            indicator_code=indicator.code,
            comparator=parsed.comparator,
            value=float(value),
            value_upper=_float(upper),
            base_unit=indicator.base_unit,
            display_value=float(value / display.factor),
            display_unit_zh=display.unit_zh,
            raw_text=raw_text,
            quality_flag=None,
            source_sheet=sheet,
            source_row=cell.row,
            source_cell=cell.ref,
            **fields,
        )
    )


def _convert(
    value_cell: Cell,
    unit_cell: Cell | None,
    indicator: Indicator,
    catalog: Catalog,
    sheet: str,
    result: ParsedSubmission,
) -> tuple[ParsedValue, Decimal, Decimal | None, str] | None:
    """数值 and 单位 -> (parsed, value, upper) in the indicator's base unit, or None after an error."""
    unit_text = "" if unit_cell is None or is_blank(unit_cell.value) else clean_text(unit_cell.value)
    raw_text = _raw_text(value_cell)
    where = _where(sheet, value_cell, "数值", raw_text)
    try:
        parsed = parse_value(value_cell.value, value_cell.number_format)
    except ParseError as exc:
        result.issues.append(Issue.from_parse_error(exc, "unreadable_value", **where))
        return None
    multiplier = parsed.multiplier
    if parsed.is_fraction:
        unit = catalog.unit("%")
        factor = Decimal(1)
        if unit_text and (catalog.unit(unit_text) is None or catalog.unit(unit_text).base_unit != "ratio"):
            return _unit_error(indicator, unit_text, where, result)
    else:
        if parsed.unit_text:
            unit = catalog.unit(parsed.unit_text)
            column_unit = catalog.unit(unit_text) if unit_text else None
            if unit is None:
                return _unknown_unit(parsed.unit_text, where, result)
            if unit_text and column_unit is None:
                return _unknown_unit(unit_text, where, result)
            if column_unit is not None and column_unit.base_unit != unit.base_unit:
                result.issues.append(
                    Issue.of(
                        ERROR,
                        "unit_conflict",
                        "unit_conflict",
                        words={"parsed_unit_text": parsed.unit_text, "unit_text": unit_text},
                        **where,
                    )
                )
                return None
        elif unit_text:
            unit = catalog.unit(unit_text)
            if unit is None:
                return _unknown_unit(unit_text, where, result)
            if multiplier != 1 and unit_text[:1] in "万亿" and _multiplier_char(multiplier) == unit_text[0]:
                multiplier = Decimal(1)  # 1.5亿 with 单位 亿元: one 亿, not two
        elif multiplier != 1 and indicator.base_unit == "yuan":
            unit = catalog.unit("元")
        else:
            result.issues.append(
                Issue.of(
                    ERROR,
                    "missing_unit",
                    "missing_unit",
                    words={"indicator_display_unit_zh": indicator.display_unit_zh},
                    **where,
                )
            )
            return None
        factor = unit.factor
    if unit.base_unit != indicator.base_unit:
        return _unit_error(indicator, unit.unit_zh, where, result)
    scale = multiplier * factor
    value = parsed.value * scale
    upper = parsed.upper * scale if parsed.upper is not None else None
    return parsed, value, upper, raw_text


def _drop_exact_repeats(result: ParsedSubmission, catalog: Catalog) -> None:
    """A row repeated with the same value lands once (a warning); different values are for the gate."""
    seen: dict[tuple, ValueRow] = {}
    kept: list[ValueRow] = []
    for row in result.rows:
        key = (
            row.indicator_code,
            row.area_code,
            row.cluster_code,
            row.period_code,
            row.value_kind,
            row.value,
            row.value_upper,
            row.comparator,
        )
        first = seen.setdefault(key, row)
        if first is row:
            kept.append(row)
            continue
        result.issues.append(
            Issue.of(
                WARNING,
                "duplicate_row",
                "duplicate_row",
                words={"first_source_row": first.source_row},
                sheet=row.source_sheet,
                row=row.source_row,
                column="数值",
                cell=row.source_cell,
                value_text=row.raw_text,
            )
        )
    for line_no, row in enumerate(kept, start=1):
        row.line_no = line_no
    result.rows = kept


# --- helpers ------------------------------------------------------------------------------------


def _report_formulas(sheet: str, row: dict[int, Cell], columns: dict[str, int], result: ParsedSubmission) -> bool:
    """A formula whose result was not saved, or is an error value, is an error in any column: its value is
    unknown, never taken as blank. Returns whether the row had one."""
    names = {column: name for name, column in columns.items()}
    found = False
    for cell in row.values():
        if not isinstance(cell.value, UnusableFormula):
            continue
        found = True
        where = _where(sheet, cell, names.get(cell.column, ""), str(cell.value))
        if cell.value.error:
            result.issues.append(
                Issue.of(ERROR, "formula_error", "formula_error", words={"cell_value_error": cell.value.error}, **where)
            )
        else:
            result.issues.append(Issue.of(ERROR, "formula_without_result", "formula_without_result", **where))
    return found


def _resolve_indicator(
    catalog: Catalog, cell: Cell, sheet: str, result: ParsedSubmission, unit_text: str
) -> Composition | None:
    """The indicator a name means (catalog name, alias or a form of a measure), or an issue: unknown (the
    name goes on the data team's work list) or composing two ways (the submitter must choose)."""
    try:
        composition = catalog.resolve_indicator(cell.value)
    except CompositionError as exc:
        readings = "、".join(f"{i.name_zh}({i.code})" for i in exc.readings)
        result.issues.append(
            Issue.of(
                ERROR,
                "ambiguous_indicator",
                "ambiguous_indicator",
                words={"readings": readings, "codes": ", ".join(i.code for i in exc.readings)},
                **_where(sheet, cell, "指标名称"),
            )
        )
        result.unresolved.append(
            UnresolvedName("indicator", clean_text(cell.value), sheet, cell.row, cell.ref, unit_text)
        )
        return None
    if composition is None:
        _resolve(catalog.indicator_names, cell, sheet, "指标名称", "unknown_indicator", result, unit_text)
    return composition


def _unit_written(value_cell: Cell | None, unit_cell: Cell | None) -> str:
    """The unit as written for a value: the 单位 column, else what follows the number in 数值."""
    if unit_cell is not None and not is_blank(unit_cell.value):
        return clean_text(unit_cell.value)
    if value_cell is None or is_blank(value_cell.value):
        return ""
    try:
        return parse_value(value_cell.value, value_cell.number_format).unit_text
    except ParseError:
        return ""


def _negated(converted: tuple) -> tuple:
    """A value under a name that says 下降/减少 (较2020年下降 5.2%): a decrease, kept as a negative change."""
    parsed, value, upper, raw_text = converted
    if value < 0 or (upper is not None and upper < 0):
        return converted  # written with its own sign (下降-5.2%): taken as typed
    flipped = {">": "<=", ">=": "<=", "<=": ">="}.get(parsed.comparator, parsed.comparator)
    if upper is not None:
        return replace(parsed, comparator=flipped), -upper, -value, raw_text
    return replace(parsed, comparator=flipped), -value, None, raw_text


def _resolve(
    table: NameTable, cell: Cell, sheet: str, column: str, rule: str, result: ParsedSubmission, unit_text: str = ""
) -> str | None:
    code = table.resolve(cell.value)
    if code is None:
        if rule in CATALOG_RULES:
            result.unresolved.append(
                UnresolvedName(
                    rule.removeprefix("unknown_"), clean_text(cell.value), sheet, cell.row, cell.ref, unit_text
                )
            )
        suggestions = table.closest(cell.value)
        hint_zh = "、".join(suggestions) if suggestions else "无相近名称"
        result.issues.append(
            Issue.of(
                ERROR,
                rule,
                "unknown",
                words={
                    "table_kind_zh": table.kind_zh,
                    "cell_value": cell.value,
                    "table_kind_en": table.kind_en,
                    "hint_zh": hint_zh,
                    "suggestions_en": ", ".join(suggestions) or "none",
                },
                **_where(sheet, cell, column),
            )
        )
    return code


def _row_period(table: Table, row: dict[int, Cell], column: str, result: ParsedSubmission) -> str:
    cell = table.cell(row, column)
    if cell is None or is_blank(cell.value):
        return result.period.code if result.period else ""
    try:
        return result.use_period(parse_period(cell.value))
    except ParseError as exc:
        result.issues.append(Issue.from_parse_error(exc, "unknown_period", **_where(table.sheet, cell, column)))
        return ""


def _unit_error(indicator: Indicator, unit_text: str, where: dict, result: ParsedSubmission) -> None:
    result.issues.append(
        Issue.of(
            ERROR,
            "unit_mismatch",
            "unit_mismatch",
            words={
                "unit_text": unit_text,
                "indicator_name_zh": indicator.name_zh,
                "indicator_name_en": indicator.name_en,
                "indicator_base_unit": indicator.base_unit,
                "indicator_display_unit_zh": indicator.display_unit_zh,
            },
            **where,
        )
    )
    return None


def _unknown_unit(unit_text: str, where: dict, result: ParsedSubmission) -> None:
    result.issues.append(Issue.of(ERROR, "unknown_unit", "unknown_unit", words={"unit_text": unit_text}, **where))
    return None


def _multiplier_char(multiplier: Decimal) -> str:
    return {Decimal(10_000): "万", Decimal(100_000_000): "亿"}.get(multiplier, "")


def _where(sheet: str, cell: Cell | None, column: str, value_text: str | None = None) -> dict:
    if cell is None:
        return {"sheet": sheet, "column": column}
    return {
        "sheet": sheet,
        "row": cell.row,
        "column": column,
        "cell": cell.ref,
        "value_text": value_text if value_text is not None else _as_text(cell.value),
    }


def _ref(table: Table, row: int, column: str) -> str:
    from openpyxl.utils import get_column_letter

    number = table.columns.get(column)
    return f"{get_column_letter(number)}{row}" if number else ""


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raw_text(cell: Cell) -> str:
    """数值 exactly as the submitter sees it (a percent-formatted 0.314 shows as 31.4%)."""
    text = _as_text(cell.value).strip()
    if isinstance(cell.value, (int, float)) and cell.number_format and "%" in cell.number_format:
        text = f"{Decimal(format(cell.value, '.15g')) * 100:f}".rstrip("0").rstrip(".") + "%"
    return text


def _text_or_none(value: object) -> str | None:
    text = _as_text(value).strip()
    return text or None


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
