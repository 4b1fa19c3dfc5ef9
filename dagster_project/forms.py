"""`make forms PERIOD=2024H1`: pre-filled forms (预置报表), one workbook per department.

Each form follows the submission template: the cover filled (报送单位, 报告期), the 指标 sheet listing what the
department reported for the same period a year earlier and its targets for the year, each row with 统计范围,
产业集群, 期间 and 数据类型 filled and 数值 left to fill, last year's value and the target beside it in
read-only columns (which the reader ignores), dropdowns from a hidden sheet, and a sheet of instructions.

    .venv/bin/python -m dagster_project.forms 2024H1
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from .catalog import load_catalog
from .parsing.periods import Period, months, parse_period
from .settings import Settings, load_settings

HEADER = [
    "序号",
    "指标名称",
    "统计范围",
    "产业集群",
    "期间",
    "数据类型",
    "目标要求",
    "数值",
    "单位",
    "比较基期",
    "说明",
]
READ_ONLY = ["上年同期值 / last year (只读)", "本年目标 / this year's target (只读)"]
INPUT_COLUMNS = ("H", "I", "K")  # 数值, 单位, 说明: what the department fills in
INSTRUCTIONS = [
    "填报说明 / How to fill in this form",
    "1. 在“指标”表的“数值”列填写本期数值, 单位可按“单位”列或改为同类单位; 可带限定词, 如 270余、超过80%、1—2。",
    "   Fill 数值 with this period's figures; the unit may be changed to one of the same kind.",
    "2. 右侧灰色两列为上年同期值和本年目标, 仅供参考, 无需修改 (入库时忽略)。",
    "   The two grey columns (last year's value, this year's target) are for reference and are ignored on loading.",
    "3. 如需增加指标, 在表末新增一行, 指标名称可从下拉列表选择, 也可按统计口径填写。",
    "   To add an indicator, add a row at the end; pick a name from the list or write it as statistics name it.",
    "4. 数值与上年相比变化较大时, 请在“说明”列写明原因。",
    "   Where a value changed much against last year, explain it in 说明.",
    "5. 在“封面”填写填报人、联系电话和报出日期后, 将文件放入收件箱即可。",
    "   Fill in 填报人, 联系电话 and 报出日期 on the cover and put the file into the inbox.",
]
GREY = PatternFill("solid", fgColor="EEEEEE")


@dataclass(frozen=True)
class FormRow:
    indicator: str
    area: str
    cluster: str
    period: str
    unit: str
    last_year: str
    target: str


def period_text(period: Period) -> str:
    """The period as the template writes it: 2024年, 2024年1-6月, 2024年6月."""
    first, last = period.start_date.month, period.end_date.month
    if (first, last) == (1, 12):
        return f"{period.year}年"
    if first == last:
        return f"{period.year}年{first}月"
    return f"{period.year}年{first}-{last}月"


def form_rows(con, department_code: str, period: Period) -> list[FormRow]:
    """What the department reported for the same months a year earlier, and its targets for the year."""
    earlier = months(period.year - 1, period.start_date.month, period.end_date.month).code
    rows = con.execute(
        """
        with wanted as (
            select indicator_code, area_code, coalesce(cluster_code, '') as cluster_key,
                   max(case when value_kind = 'actual' and period_code = ? then raw_text end) as last_year,
                   max(case when value_kind = 'target' and year = ? then raw_text end) as target,
                   max(display_unit_zh) as unit
            from marts.fct_indicator_value
            where department_code = ? and ((value_kind = 'actual' and period_code = ?)
                                           or (value_kind = 'target' and year = ?))
            group by 1, 2, 3
        )
        select i.name_zh, a.name_zh, coalesce(c.name_zh, ''), w.unit, w.last_year, w.target
        from wanted w
        join marts.dim_indicator i on i.indicator_code = w.indicator_code
        join marts.dim_area a on a.area_code = w.area_code
        left join marts.dim_cluster c on c.cluster_code = nullif(w.cluster_key, '')
        order by i.name_zh, a.name_zh, 3
        """,
        [earlier, period.year, department_code, earlier, period.year],
    )
    return [
        FormRow(name, area, cluster, period_text(period), unit or "", last or "", target or "")
        for name, area, cluster, unit, last, target in rows
    ]


def build_form(
    department_name: str, period: Period, rows: list[FormRow], choices: dict[str, list[str]]
) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    for label, value in (
        ("报送单位", department_name),
        ("报告期", period_text(period)),
        ("填报人", ""),
        ("联系电话", ""),
        ("报出日期", ""),
    ):
        cover.append([label, value])
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 36

    sheet = wb.create_sheet("指标")
    sheet.append(HEADER + READ_ONLY)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                row.indicator,
                row.area,
                row.cluster or None,
                row.period,
                "实绩",
                None,
                None,
                row.unit or None,
                None,
                None,
                row.last_year or None,
                row.target or None,
            ]
        )
    last_row = max(len(rows) + 1, 2) + 200  # room for rows the department adds
    for row in sheet.iter_rows(min_row=2, max_row=last_row, max_col=len(HEADER) + len(READ_ONLY)):
        for cell in row:
            if cell.column > len(HEADER):
                cell.fill = GREY
            else:
                cell.protection = Protection(locked=False)
    sheet.protection = SheetProtection(
        sheet=True, insertRows=False, deleteRows=False, formatColumns=False, sort=False, autoFilter=False
    )
    for letter, width in zip("ABCDEFGHIJKLM", (6, 34, 12, 20, 14, 10, 10, 12, 10, 10, 30, 18, 18)):
        sheet.column_dimensions[letter].width = width

    options = wb.create_sheet("选项")
    options.sheet_state = "hidden"
    for column, (title, values) in enumerate(choices.items(), start=1):
        options.cell(row=1, column=column, value=title)
        for index, value in enumerate(values, start=2):
            options.cell(row=index, column=column, value=value)
        letter = openpyxl.utils.get_column_letter(column)
        target = {"指标名称": "B", "统计范围": "C", "产业集群": "D", "数据类型": "F", "目标要求": "G", "单位": "I"}[
            title
        ]
        # 指标名称 may also be written as statistics name it (a form of a measure): the list only helps
        validation = DataValidation(
            type="list",
            formula1=f"=选项!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=title != "指标名称",
        )
        validation.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(validation)

    notes = wb.create_sheet("填报说明")
    for line in INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    return wb


def write_forms(settings: Settings, period: Period) -> list[Path]:
    from .storage import connect_published

    catalog = load_catalog(settings.reference_dir)
    choices = {
        "指标名称": sorted({i.name_zh for code, i in catalog.indicators.items() if not catalog.is_composed(code)}),
        "统计范围": [catalog.areas.display_names[c] for c in catalog.areas.display_names],
        "产业集群": [catalog.clusters.display_names[c] for c in catalog.clusters.display_names],
        "数据类型": ["实绩", "目标", "参照"],
        "目标要求": ["确保", "力争"],
        "单位": sorted({unit.unit_zh for unit in catalog.units.values()}),
    }
    folder = settings.data_dir / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with connect_published(settings) as con:
        for code, name in catalog.departments.display_names.items():
            workbook = build_form(name, period, form_rows(con, code, period), choices)
            path = folder / f"{name}_{period.code}_预置报表.xlsx"
            workbook.save(path)
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m dagster_project.forms PERIOD   (e.g. 2024H1, 2024年1-6月, 2024)")
        return 2
    period = parse_period(argv[0])
    for path in write_forms(load_settings(), period):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
