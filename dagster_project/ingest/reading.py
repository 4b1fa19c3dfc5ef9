"""File bytes -> sheets of cells. Knows about workbook and CSV formats, nothing about the template.

Reading is bounded before it starts (settings.IntakeLimits): a file too large, a workbook that would inflate
beyond its limits or a sheet with more rows or cells than a report can have is refused with a ParseError, as
is anything damaged. Only cells that hold a value are kept, wherever a sheet's recorded dimension ends.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ..parsing.errors import ParseError
from ..settings import DEFAULT_LIMITS, MIB, IntakeLimits

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, .et, or an encrypted workbook


@dataclass(frozen=True, slots=True)
class UnusableFormula:
    """A formula cell whose saved result cannot be used: none was saved, or it is an error value (#DIV/0!)."""

    formula: str
    error: str | None = None

    def __str__(self) -> str:
        return self.error or ("=" + self.formula if self.formula else "=")


@dataclass(frozen=True, slots=True)
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
    kind: str  # xlsx | xls | csv
    sheets: dict[str, Sheet]
    encoding: str | None = None


class Budget:
    """Counts the rows and cells a file holds while it is read, and stops the reading past the limits."""

    def __init__(self, limits: IntakeLimits):
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def add_row(self, cells: int) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows:
            raise ParseError.of(
                "too_many_rows", words={"self_limits_max_rows": self.limits.max_rows}, rule="too_many_rows"
            )
        self.add_cells(cells)

    def add_cells(self, cells: int) -> None:
        self.cells += cells
        if self.cells > self.limits.max_cells:
            raise ParseError.of(
                "too_many_rows.2", words={"self_limits_max_cells": self.limits.max_cells}, rule="too_many_rows"
            )


def sheet_of(
    name: str, rows: dict[int, dict[int, Cell]], merges: list[tuple[int, int, int, int]], budget: Budget
) -> Sheet:
    """A sheet from its cells by row and column, each merged range (min_col, min_row, max_col, max_row; 1-based,
    inclusive) giving its top-left value to every cell it covers within the rows and columns that hold data:
    a merge over a whole column costs no more than the data beside it."""
    if merges and rows:
        last_row = max(rows)
        last_column = max(max(cells) for cells in rows.values())
        coverage = Budget(budget.limits)  # merged ranges over more cells than a report can have are refused
        for min_col, min_row, max_col, max_row in merges:
            origin = rows.get(min_row, {}).get(min_col)
            if origin is None:
                continue
            for row in range(min_row, min(max_row, last_row) + 1):
                columns = range(min_col, min(max_col, last_column) + 1)
                coverage.add_cells(len(columns))
                cells = rows.setdefault(row, {})
                added = 0
                for column in columns:
                    if column not in cells:
                        cells[column] = Cell(origin.value, row, column, origin.number_format)
                        added += 1
                if added:
                    budget.add_row(added)
                elif not cells:
                    del rows[row]
    return Sheet(name, [sorted(rows[r].values(), key=lambda cell: cell.column) for r in sorted(rows)])


def suffix_of(file_name: str) -> str:
    return "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def read_source_file(file_name: str, data: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> SourceFile:
    """The file's sheets. The bytes decide the format where they contradict the name (an .xls renamed .xlsx)."""
    check_file_size(len(data), limits.max_file_bytes)
    suffix = suffix_of(file_name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise unsupported(suffix)
    if suffix != ".csv" or data[:4] == ZIP_MAGIC:
        kind = workbook_kind(data)
        if kind == "xlsx":
            from .xlsx_reader import read_xlsx

            return SourceFile(file_name, "xlsx", _by_name(read_xlsx(data, limits)))
        if kind == "xls":
            from .xls_reader import read_xls

            return SourceFile(file_name, "xls", _by_name(read_xls(data, limits)))
        if suffix != ".csv":
            raise not_a_workbook(data)
    return read_csv(file_name, data, limits)


def workbook_kind(data: bytes) -> str | None:
    if data[:4] == ZIP_MAGIC:
        return "xlsx"
    if data[:8] == OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ParseError.of("unreadable_file.4", rule="unreadable_file", technical="encrypted OOXML package")
        return "xls"
    return None


def _by_name(sheets: list[Sheet]) -> dict[str, Sheet]:
    named: dict[str, Sheet] = {}
    for sheet in sheets:
        named.setdefault(sheet.name, sheet)
    return named


def check_file_size(size: int, limit: int) -> None:
    if size > limit:
        raise ParseError.of("file_too_large", words={"mb": size / MIB, "limit_mb": limit / MIB}, rule="file_too_large")


def unsupported(suffix: str) -> ParseError:
    return ParseError.of(
        "unreadable_file.2",
        words={"mb": suffix or "无扩展名", "limit_mb": suffix or "no extension"},
        rule="unreadable_file",
    )


def not_a_workbook(data: bytes) -> ParseError:
    head = data[:512].lstrip().lower()
    is_html = head.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in head
    return ParseError.of(
        "unreadable_file.html" if is_html else "unreadable_file.not_a_workbook",
        rule="unreadable_file",
        technical=f"first bytes: {data[:8].hex()}",
    )


def damaged(exc: BaseException, message: str = "unreadable_file.damaged") -> ParseError:
    """What a submitter can do about a file no reader could read; the exception is for the data team."""
    return ParseError.of(message, rule="unreadable_file", technical=technical(exc))


def technical(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {text[:300]}".removeprefix("builtins.")


def read_csv(file_name: str, data: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> SourceFile:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ParseError.of("unreadable_file.3", rule="unreadable_file")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # One field may be as long as the file may be: csv's default limit (128 KiB) is not the file's to break.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_file_bytes))
    sheet = Sheet("指标")
    budget = Budget(limits)
    try:
        for line_no, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            cells = [Cell(v, line_no, i) for i, v in enumerate(values, start=1) if v.strip() != ""]
            if cells:
                budget.add_row(len(cells))
                sheet.rows.append(cells)
    except csv.Error as exc:
        raise damaged(exc, "unreadable_file.csv") from exc
    return SourceFile(file_name, "csv", {sheet.name: sheet}, encoding)
