"""Legacy workbooks (.xls, BIFF: what older Excel and WPS save by default), read with xlrd.

The same cells as the .xlsx reader gives: only those holding a value, their number format, merged ranges
applied to every cell they cover, formulas by their saved result (BIFF always saves one), error values as
UnusableFormula. The file's size is bounded before xlrd sees it (reading.check_file_size)."""

from __future__ import annotations

import xlrd
from xlrd.xldate import xldate_as_datetime

from ..parsing.errors import ParseError
from ..settings import IntakeLimits
from .reading import Budget, Cell, Sheet, UnusableFormula, damaged, sheet_of

ERROR_TEXTS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}


def read_xls(data: bytes, limits: IntakeLimits) -> list[Sheet]:
    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, ragged_rows=True, on_demand=True, logfile=_Discard()
        )
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise ParseError.of("unreadable_file.4", rule="unreadable_file", technical=str(exc)) from exc
        raise damaged(exc) from exc
    except (AssertionError, IndexError, KeyError, ValueError, EOFError, OverflowError) as exc:
        raise damaged(exc) from exc
    try:
        budget = Budget(limits)
        return [_read_sheet(book, book.sheet_by_index(i), budget) for i in range(book.nsheets)]
    except (xlrd.XLRDError, AssertionError, IndexError, KeyError, ValueError, OverflowError) as exc:
        raise damaged(exc) from exc
    finally:
        book.release_resources()


def _read_sheet(book: xlrd.Book, sheet: xlrd.sheet.Sheet, budget: Budget) -> Sheet:
    rows: dict[int, dict[int, Cell]] = {}
    for r in range(sheet.nrows):
        cells = {}
        for c, (kind, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r))):
            converted = _value(book, kind, value)
            if converted is None or converted == "":
                continue
            cells[c + 1] = Cell(converted, r + 1, c + 1, _format(book, sheet, r, c))
        if cells:
            budget.add_row(len(cells))
            rows[r + 1] = cells
    # xlrd gives merged ranges as (rlo, rhi, clo, chi), 0-based with exclusive ends
    merges = [(clo + 1, rlo + 1, chi, rhi) for rlo, rhi, clo, chi in sheet.merged_cells]
    return sheet_of(sheet.name.strip(), rows, merges, budget)


def _value(book: xlrd.Book, kind: int, value: object) -> object:
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return value
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() and abs(value) < 2**53 else value
    if kind == xlrd.XL_CELL_DATE:
        return xldate_as_datetime(value, book.datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return UnusableFormula("", ERROR_TEXTS.get(value, "#N/A"))
    return value


def _format(book: xlrd.Book, sheet, r: int, c: int) -> str:
    try:
        xf = book.xf_list[sheet.cell_xf_index(r, c)]
        return book.format_map[xf.format_key].format_str or "General"
    except (IndexError, KeyError):
        return "General"


class _Discard:
    """xlrd writes warnings about odd records to its log file: they are not the submitter's to read."""

    def write(self, _text: str) -> None:
        pass
