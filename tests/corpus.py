"""Files as other tools and people make them: damaged, inflated, linked, merged, with formulas, legacy.

Every file is generated here from a good submission (no binary blobs kept in git), the way the tool that
makes it would leave it: a home-grown "export to Excel" that writes a raw &, a transfer that cut the file off,
a formatted cell at the sheet's last row, a workbook written by a program that saves formulas without their
results. `python -m tests.corpus DIR` writes the whole corpus into DIR (for make bench and for looking at).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

from tests.builders import INDICATOR_HEADER, cover, indicator_row, write_workbook

GOOD_ROWS = [indicator_row("新增规模以上工业企业", 20, "家"), indicator_row("工业投资增速", "12.5", "%")]
INDICATOR_PART = "xl/worksheets/sheet2.xml"  # openpyxl writes 封面 first, 指标 second


def good_workbook(
    path: Path,
    department: str = "区经济信息委",
    period: str = "2024年1-6月",
    sent: dt.date = dt.date(2024, 7, 15),
    rows: list[list] | None = None,
) -> Path:
    return write_workbook(path, cover(department, period, sent), rows or GOOD_ROWS)


def rewrite_member(path: Path, member: str, change) -> Path:
    """Rewrites one part of a workbook (change: bytes -> bytes), every other part as it was."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return path


# --- damaged ------------------------------------------------------------------------------------


def raw_ampersand(path: Path) -> Path:
    """An "export to Excel" feature that writes text without escaping it: 研发&创新 in the sheet XML."""
    good_workbook(path, rows=[*GOOD_ROWS, indicator_row("技术合同成交额", "5", "亿元", note="研发创新")])
    return rewrite_member(path, INDICATOR_PART, lambda xml: xml.replace("研发创新".encode(), "研发&创新".encode()))


def damaged_stream(path: Path) -> Path:
    """Bytes changed at the start of the sheet's compressed stream (a bad disk or transfer)."""
    good_workbook(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(INDICATOR_PART)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start, start + 8):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def cut_off(path: Path) -> Path:
    """A transfer that stopped half-way: the zip directory at the end is missing."""
    good_workbook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def long_field_csv(path: Path, length: int = 300_000) -> Path:
    """A CSV whose 说明 holds one very long text (beyond csv's default field limit of 128 KiB)."""
    head = "指标名称,统计范围,数据类型,数值,单位,说明,报送单位,报告期\n"
    rows = (
        f'技术合同成交额,全区,实绩,5.35,亿元,"{"长" * length}",区科技局,2024年1-6月\n'
        "工业投资增速,全区,实绩,12.5,%,,区科技局,2024年1-6月\n"
    )
    path.write_bytes((head + rows).encode("utf-8-sig"))
    return path


def html_as_xls(path: Path) -> Path:
    """What web systems' "export to Excel" often saves: an HTML table named .xls."""
    path.write_text(
        "<html><body><table><tr><td>指标名称</td><td>数值</td></tr></table></body></html>", encoding="utf-8"
    )
    return path


# --- costly -------------------------------------------------------------------------------------


def inflating_workbook(path: Path, inflated_bytes: int, repetitive: bool = False) -> Path:
    """A small workbook whose sheet XML inflates to inflated_bytes: rows of formatted empty cells (written as
    a stream: the generator holds one block at a time). repetitive: the same bytes over and over (rows without
    numbers), which compress some 300 times, as a deliberate bomb does; otherwise numbered rows (~10 times)."""
    good_workbook(path)
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts:
            if name != INDICATOR_PART:
                target.writestr(name, data)
                continue
            head, tail = data.split(b"</sheetData>", 1)
            with target.open(name, "w", force_zip64=True) as member:
                member.write(head)
                written, number = len(data), 1000
                while written < inflated_bytes:
                    block = (
                        b'<row><c s="0"/></row>' * 10_000
                        if repetitive
                        else b"".join(
                            b'<row r="%d"><c r="A%d" s="0"/></row>' % (n, n) for n in range(number, number + 10_000)
                        )
                    )
                    member.write(block)
                    written += len(block)
                    number += 10_000
                member.write(b"</sheetData>" + tail)
    return path


def with_extra_parts(path: Path, parts: int) -> Path:
    """A workbook carrying many parts beside its sheets (pictures, embedded objects)."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        for n in range(parts):
            archive.writestr(f"xl/media/image{n + 1}.png", b"\x89PNG" + bytes(64))
    return path


def stray_cell(path: Path, row: int = 1_048_576, column: int = 16_384) -> Path:
    """A good report with one formatted, empty cell far below and right of the data (the sheet's
    recorded dimension then reaches it)."""
    good_workbook(path)
    wb = openpyxl.load_workbook(path)
    wb["指标"].cell(row=row, column=column).fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(path)
    return path


def many_rows_csv(path: Path, rows: int) -> Path:
    head = "指标名称,统计范围,数据类型,数值,单位,报送单位,报告期\n"
    body = "".join(f"工业投资增速,全区,实绩,{n % 50},%,区科技局,2024年1-6月\n" for n in range(rows))
    path.write_bytes((head + body).encode("utf-8"))
    return path


# --- Excel habits ---------------------------------------------------------------------------------


def merged_scope(path: Path) -> Path:
    """统计范围 and 数据类型 typed once and merged down their columns, as people lay out a report."""
    rows = [
        indicator_row("规上工业总产值", "120", "亿元", area="双桥经开区"),
        indicator_row("工业投资增速", "9.5", "%", area=None, kind=None),
        indicator_row("新增规模以上工业企业", "6", "家", area=None, kind=None),
    ]
    write_workbook(path, cover(), rows)
    wb = openpyxl.load_workbook(path)
    sheet = wb["指标"]
    sheet.merge_cells("C2:C4")  # 统计范围
    sheet.merge_cells("F2:F4")  # 数据类型
    wb.save(path)
    return path


def formula_workbook(
    path: Path, column: str, formula: str = "=1+1", saved: str | None = None, value_type: str | None = None
) -> Path:
    """A formula in one cell of the first data row (column: a header of the template). saved: the result as
    Excel would have saved it, or None as a program that never calculates leaves it."""
    good_workbook(path, rows=[indicator_row("技术合同成交额", "5", "亿元", cluster="汽摩", note="示例"), *GOOD_ROWS])
    ref = f"{openpyxl.utils.get_column_letter(INDICATOR_HEADER.index(column) + 1)}2"
    wb = openpyxl.load_workbook(path)
    wb["指标"][ref] = formula
    wb.save(path)
    if saved is None:
        return path
    kind = f' t="{value_type}"' if value_type else ""

    def with_result(xml: bytes) -> bytes:
        cell = re.compile(
            rb'<c r="'
            + ref.encode()
            + rb'"[^>]*>(<f>.*?</f>)<v\s*/>|<c r="'
            + ref.encode()
            + rb'"[^>]*>(<f>.*?</f>)<v></v>'
        )
        return cell.sub(
            lambda m: (
                b'<c r="'
                + ref.encode()
                + b'"'
                + kind.encode()
                + b">"
                + (m.group(1) or m.group(2))
                + b"<v>"
                + saved.encode()
                + b"</v>"
            ),
            xml,
        )

    return rewrite_member(path, INDICATOR_PART, with_result)


def legacy_xls(path: Path, rows: list[list] | None = None, merge_scope: bool = False) -> Path:
    """The template saved as .xls (BIFF), as older Excel and WPS do by default."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    cover_sheet = book.add_sheet("封面")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, (label, value) in enumerate(cover().items()):
        cover_sheet.write(r, 0, label)
        if isinstance(value, dt.date):
            cover_sheet.write(r, 1, dt.datetime.combine(value, dt.time()), date_style)
        else:
            cover_sheet.write(r, 1, value)
    sheet = book.add_sheet("指标")
    for c, name in enumerate(INDICATOR_HEADER):
        sheet.write(0, c, name)
    percent = xlwt.easyxf(num_format_str="0.0%")
    for r, row in enumerate(rows or GOOD_ROWS, start=1):
        for c, value in enumerate(row):
            if value is None or (merge_scope and c == 2 and r > 1):
                continue
            if isinstance(value, float) and INDICATOR_HEADER[c] == "数值" and row[8] is None:
                sheet.write(r, c, value, percent)
            else:
                sheet.write(r, c, value)
    if merge_scope:
        sheet.merge(1, len(rows or GOOD_ROWS), 2, 2)
    book.save(str(path))
    return path


def minus_signs(path: Path) -> Path:
    rows = [
        indicator_row("技改投资增长", "−5.2", "%"),
        indicator_row("工业投资增速", "–3", "%"),
        indicator_row("税收增长", "—1.5", "%"),
        indicator_row("工业实缴税金增长", "－2", "%"),
        indicator_row("新增规模以上工业企业", "1—2", "家"),
    ]
    return write_workbook(path, cover(), rows)


def write_corpus(folder: Path) -> list[Path]:
    """Every kind of file above, at the sizes a department could send (for make bench)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        raw_ampersand(folder / "未转义的与号.xlsx"),
        damaged_stream(folder / "压缩流损坏.xlsx"),
        cut_off(folder / "传输中断.xlsx"),
        long_field_csv(folder / "超长字段.csv"),
        inflating_workbook(folder / "解压炸弹.xlsx", 500 * 1024 * 1024),
        stray_cell(folder / "远处格式单元格.xlsx"),
        stray_cell(folder / "最后一行.xlsx", column=1),
        merged_scope(folder / "合并单元格.xlsx"),
        formula_workbook(folder / "公式未计算.xlsx", "数值"),
        legacy_xls(folder / "旧版工作簿.xls"),
        minus_signs(folder / "负号.xlsx"),
        html_as_xls(folder / "网页导出.xls"),
    ]


if __name__ == "__main__":
    import sys

    for written in write_corpus(Path(sys.argv[1])):
        print(written)
