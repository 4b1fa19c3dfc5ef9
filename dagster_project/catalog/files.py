"""The reference CSV files as people edit them: the one reader of sources/reference/.

Excel and other editors save UTF-8, UTF-8 with a BOM or GBK/GB18030, with CRLF or LF line ends, and an edit
appended in another editor mixes them: all of it reads. What the file holds is checked by catalog/check.py.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class ReferenceTable:
    file_name: str
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the file line of each row (1 is the header)
    encoding: str = ""
    problem: str = ""  # why the file could not be read at all


def decode(data: bytes) -> tuple[str, str] | None:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def read_reference_file(path: Path) -> ReferenceTable:
    table = ReferenceTable(path.name)
    if not path.exists():
        table.problem = "missing"
        return table
    decoded = decode(path.read_bytes())
    if decoded is None:
        table.problem = "encoding"
        return table
    text, table.encoding = decoded
    # Every line end the editors write (CRLF, LF, CR) becomes LF; csv keeps line breaks inside quotes.
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    try:
        table.header = [name.strip() for name in next(reader, [])]
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            table.lines.append(reader.line_num)
            padded = values + [""] * (len(table.header) - len(values))
            row = {name: value.strip() for name, value in zip(table.header, padded)}
            if len(values) > len(table.header):
                row[None] = values[len(table.header) :]  # extra fields: the check names them
            table.rows.append(row)
    except csv.Error as exc:
        table.problem = f"csv: {exc}"
    return table


def to_csv(header: list[str], rows: list[dict]) -> str:
    """A reference table as the catalog writes it: UTF-8 text, LF line ends, every row the header's width."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
