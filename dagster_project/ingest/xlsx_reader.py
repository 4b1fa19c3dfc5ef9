"""Workbooks (.xlsx, .xlsm) read as a stream of the cells that hold a value, at a cost bounded in advance.

The zip directory is checked before anything inflates (sizes, compression ratio, parts); zipfile never
inflates a part beyond the size the directory gives. Each sheet's XML is parsed as a stream: a formatted empty
cell at row 1,048,576 or column XFD costs one element, whatever the sheet's recorded dimension says. Merged
ranges give their value to every cell they cover; a formula's saved result is its value, and a formula
without one is kept as UnusableFormula for the template's rules to report.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..parsing.errors import ParseError
from ..settings import MIB, IntakeLimits
from .reading import Budget, Cell, Sheet, UnusableFormula, damaged, sheet_of

# What a broken part raises: zip (bad CRC, truncated), inflate, XML, and a reference to a part that is absent.
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, KeyError, IndexError, ValueError)
WORKSHEET_TYPE = "/worksheet"


def read_xlsx(data: bytes, limits: IntakeLimits) -> list[Sheet]:
    with _workbook(data, limits) as archive:
        return _read_sheets(archive, limits)


def first_row(data: bytes, limits: IntakeLimits) -> list[object]:
    """The values of the first row that holds one in the first sheet: what kind of file this is."""
    with _workbook(data, limits) as archive:
        book = _Book(archive, limits)
        for _name, part in book.sheets[:1]:
            for row in book.rows(part, Budget(limits)):
                return [cell.value for cell in row]
        return []


@contextmanager
def _workbook(data: bytes, limits: IntakeLimits) -> Iterator[zipfile.ZipFile]:
    """The checked archive; whatever its parts raise while read is a damaged file (a limit stays itself)."""
    archive = open_archive(data, limits)
    try:
        yield archive
    except ParseError:
        raise
    except DAMAGE as exc:
        raise damaged(exc) from exc
    finally:
        archive.close()


def open_archive(data: bytes, limits: IntakeLimits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise damaged(exc) from exc
    try:
        check_directory(members, limits)
    except ParseError:
        archive.close()
        raise
    return archive


def check_directory(members: list[zipfile.ZipInfo], limits: IntakeLimits) -> None:
    """The workbook's parts as its zip directory declares them, against the limits."""

    def refuse(message: str, technical: str, **words) -> ParseError:
        return ParseError.of(message, words, rule="workbook_too_large", technical=technical)

    if len(members) > limits.max_members:
        raise refuse("workbook_too_large.parts", "zip members", parts=len(members), limit=limits.max_members)
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed_bytes:
        raise refuse(
            "workbook_too_large.total",
            f"uncompressed total {total} bytes",
            mb=total / MIB,
            limit_mb=limits.max_uncompressed_bytes / MIB,
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise ParseError.of(
                "unreadable_file.5", rule="unreadable_file", technical=f"encrypted zip member {member.filename}"
            )
        if member.file_size > limits.max_member_bytes:
            raise refuse(
                "workbook_too_large.part",
                f"{member.filename}: {member.file_size} bytes",
                part=member.filename,
                mb=member.file_size / MIB,
                limit_mb=limits.max_member_bytes / MIB,
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.RATIO_CHECKED_FROM and ratio > limits.max_compression_ratio:
            raise refuse(
                "workbook_too_large.ratio",
                f"{member.filename}: {member.file_size} / {member.compress_size} bytes",
                part=member.filename,
                ratio=ratio,
                limit=limits.max_compression_ratio,
            )


def _read_sheets(archive: zipfile.ZipFile, limits: IntakeLimits) -> list[Sheet]:
    book = _Book(archive, limits)
    budget = Budget(limits)
    sheets = []
    for name, part in book.sheets:
        rows: dict[int, dict[int, Cell]] = {}
        for row in book.rows(part, budget):
            rows[row[0].row] = {cell.column: cell for cell in row}
        merges = [range_boundaries(ref) for ref in book.merges.pop(part, [])]
        sheets.append(sheet_of(name, rows, merges, budget))
    return sheets


class _Book:
    """The workbook's parts a reader needs: sheet names and parts, shared strings, number formats, epoch."""

    def __init__(self, archive: zipfile.ZipFile, limits: IntakeLimits):
        self.archive = archive
        self.limits = limits
        workbook_part = _office_document(archive)
        relations = _relations(archive, workbook_part)
        root = _parse_small(archive, workbook_part)
        self.epoch = CALENDAR_WINDOWS_1900
        self.sheets: list[tuple[str, str]] = []
        for element in root.iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif tag == "sheet":
                target = relations.get(_attribute(element, "id"))
                if target and target[1].endswith(WORKSHEET_TYPE):
                    self.sheets.append((element.get("name", "").strip(), target[0]))
        by_type = {kind.rsplit("/", 1)[-1]: part for part, kind in relations.values()}
        self.strings = self._shared_strings(by_type.get("sharedStrings"))
        self.formats = self._formats(by_type.get("styles"))
        self.merges: dict[str, list[str]] = {}

    def rows(self, part: str, budget: Budget) -> Iterator[list[Cell]]:
        """The sheet's rows that hold a value, each as its cells with a value. Merged ranges are collected
        into self.merges[part] on the way."""
        with self.archive.open(part) as stream:
            _refuse_doctype(stream, part)
            sheet_data = None
            row_number = 0
            for event, element in ElementTree.iterparse(_ValueCells(stream), events=("start", "end")):
                tag = _local(element.tag)
                if event == "start":
                    if tag == "sheetData":
                        sheet_data = element
                    continue
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    cells = self._cells(element, row_number)
                    if sheet_data is not None:
                        sheet_data.clear()  # the parsed rows are not kept in the tree
                    if cells:
                        budget.add_row(len(cells))
                        yield cells
                elif tag == "mergeCell" and element.get("ref"):
                    self.merges.setdefault(part, []).append(element.get("ref"))

    def _cells(self, row: ElementTree.Element, row_number: int) -> list[Cell]:
        cells = []
        column = 0
        for element in row:
            if _local(element.tag) != "c":
                continue
            ref = element.get("r")
            column = _column_of(ref) if ref else column + 1
            value = self._value(element)
            if value is None or value == "":
                continue
            cells.append(Cell(value, row_number, column, self._format(element)))
        return cells

    def _value(self, cell: ElementTree.Element) -> object:
        kind = cell.get("t", "n")
        formula = saved = inline = None
        for child in cell:
            tag = _local(child.tag)
            if tag == "v":
                saved = child.text
            elif tag == "f":
                formula = child.text or ""
            elif tag == "is":
                inline = _text_of(child)
        if kind == "inlineStr":
            return inline
        if kind == "e":
            return UnusableFormula(formula or "", saved or "#N/A")
        if kind == "str":  # a formula's text result; an empty saved text is a blank
            return saved if saved is not None or formula is None else UnusableFormula(formula)
        if saved is None or saved == "":
            return UnusableFormula(formula) if formula is not None else None
        if kind == "s":
            return self.strings[int(saved)]
        if kind == "b":
            return saved.strip() in ("1", "true")
        if kind == "d":
            return dt.datetime.fromisoformat(saved.strip())
        number = float(saved) if any(ch in saved for ch in ".eE") else int(saved)
        number_format = self._format(cell)
        if number_format and is_date_format(number_format):
            return from_excel(number, self.epoch)
        return number

    def _format(self, cell: ElementTree.Element) -> str:
        style = cell.get("s")
        if not style:
            return "General"
        index = int(style)
        return self.formats[index] if index < len(self.formats) else "General"

    def _shared_strings(self, part: str | None) -> list[str]:
        if part is None or part not in self.archive.namelist():
            return []
        strings: list[str] = []
        budget = Budget(self.limits)  # each string is there to fill a cell
        with self.archive.open(part) as stream:
            _refuse_doctype(stream, part)
            root = None
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                if event == "start":
                    root = element if root is None else root
                    continue
                if _local(element.tag) == "si":
                    strings.append(_text_of(element))
                    budget.add_cells(1)
                    root.clear()
        return strings

    def _formats(self, part: str | None) -> list[str]:
        """The number format code of each cell style (cellXfs), as Excel shows it (0.0%, yyyy-mm-dd)."""
        if part is None or part not in self.archive.namelist():
            return []
        root = _parse_small(self.archive, part)
        custom = {}
        formats = []
        for element in root.iter():
            tag = _local(element.tag)
            if tag == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "General")
            elif tag == "cellXfs":
                for xf in element:
                    number_format_id = int(xf.get("numFmtId", "0"))
                    formats.append(custom.get(number_format_id) or BUILTIN_FORMATS.get(number_format_id, "General"))
        return formats


class _ValueCells:
    """The sheet's XML without the elements that hold nothing: self-closing cells (formatting only) and empty
    rows, dropped at the speed of a regular expression before the XML parser sees them. Only elements with an
    r attribute are dropped, so the position of a cell or row that has none is unchanged. Semantically
    neutral: whatever the expressions miss (an element cut at a block's end) is parsed as usual."""

    BLOCK = 1 << 20
    EMPTY_CELL = re.compile(rb"<(?:\w+:)?c\s(?=[^>]*\br=)[^>]*/>")
    EMPTY_ROW = re.compile(rb"<(?:\w+:)?row\s(?=[^>]*\br=)[^>]*/>|<((?:\w+:)?row)\s(?=[^>]*\br=)[^>]*>\s*</\1>")

    def __init__(self, stream):
        self.stream = stream
        self.carry = b""

    def read(self, size: int = -1) -> bytes:
        while True:
            block = self.stream.read(self.BLOCK)
            if not block:
                data, self.carry = self.carry, b""
                return self._drop_empty(data)
            data = self.carry + block
            cut = data.rfind(b">") + 1
            data, self.carry = data[:cut], data[cut:]
            filtered = self._drop_empty(data)
            if filtered:
                return filtered

    def _drop_empty(self, data: bytes) -> bytes:
        return self.EMPTY_ROW.sub(b"", self.EMPTY_CELL.sub(b"", data))


def _office_document(archive: zipfile.ZipFile) -> str:
    for part, kind in _relations(archive, "").values():
        if kind.endswith("/officeDocument"):
            return part
    return "xl/workbook.xml"


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (part path inside the archive, relationship type) of a part ('' for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    relations = {}
    for element in _parse_small(archive, rels).iter():
        if _local(element.tag) == "Relationship" and element.get("TargetMode") != "External":
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            relations[element.get("Id", "")] = (path, element.get("Type", ""))
    return relations


def _parse_small(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    """A part read whole: the workbook, relationships and styles, bounded by the directory check."""
    with archive.open(part) as stream:
        _refuse_doctype(stream, part)
        return ElementTree.parse(stream).getroot()


def _refuse_doctype(stream, part: str) -> None:
    """A workbook's XML has no document type: one that declares entities is refused, not expanded."""
    head = stream.peek(2048)[:2048] if hasattr(stream, "peek") else b""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ElementTree.ParseError(f"{part}: a document type declaration is not allowed in a workbook")


def _text_of(element: ElementTree.Element) -> str:
    """The text of a string item: its runs, without phonetic guides (rPh)."""
    parts = []

    def walk(node: ElementTree.Element) -> None:
        for child in node:
            tag = _local(child.tag)
            if tag == "t":
                parts.append(child.text or "")
            elif tag == "r":
                walk(child)

    walk(element)
    return "".join(parts)


def _local(tag: str) -> str:
    """The tag without its namespace: transitional and strict OOXML alike."""
    return tag.rsplit("}", 1)[-1]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _column_of(ref: str) -> int:
    column = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            column = column * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            column = column * 26 + ord(ch) - 96
        else:
            break
    return column
