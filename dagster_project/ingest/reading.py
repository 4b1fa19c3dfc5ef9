"""File bytes -> sheets of cells. Knows about xlsx and CSV encodings, nothing about the template."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter

from ..parsing.errors import ParseError

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".csv")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


@dataclass(frozen=True)
class Cell:
    value: object
    row: int  # 1-based, as the spreadsheet shows it (CSV: line number)
    column: int  # 1-based
    number_format: str | None = None

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class SourceFile:
    file_name: str
    kind: str  # xlsx | csv
    sheets: dict[str, Sheet]
    encoding: str | None = None


def read_source_file(file_name: str, data: bytes) -> SourceFile:
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix == ".csv":
        return _read_csv(file_name, data)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(file_name, data)
    raise ParseError(
        f"不支持的文件类型: {suffix or '无扩展名'}", f"unsupported file type: {suffix or 'no extension'}",
        "请另存为 .xlsx 工作簿或 .csv 文件后重新报送", "save the file as .xlsx or .csv and submit it again",
    )


def _read_xlsx(file_name: str, data: bytes) -> SourceFile:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ParseError(
            "文件无法打开, 不是有效的 .xlsx 工作簿", "the file cannot be opened as an .xlsx workbook",
            "用 Excel 或 WPS 打开后另存为 .xlsx 再报送", "open it in Excel or WPS, save as .xlsx and submit again",
        ) from exc
    sheets: dict[str, Sheet] = {}
    for worksheet in workbook.worksheets:
        sheet = Sheet(worksheet.title.strip())
        for row in worksheet.iter_rows():
            sheet.rows.append(
                [Cell(c.value, c.row, c.column, c.number_format) for c in row if c.value is not None]
            )
        sheets[sheet.name] = sheet
    return SourceFile(file_name, "xlsx", sheets)


def _read_csv(file_name: str, data: bytes) -> SourceFile:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ParseError(
            "CSV 文件编码无法识别", "the CSV encoding is not UTF-8 or GBK/GB18030",
            "用 Excel 另存为 CSV (UTF-8) 再报送", "save it from Excel as CSV UTF-8 and submit again",
        )
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    sheet = Sheet("指标")
    for line_no, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        sheet.rows.append([Cell(v, line_no, i) for i, v in enumerate(values, start=1) if v.strip() != ""])
    return SourceFile(file_name, "csv", {sheet.name: sheet}, encoding)
