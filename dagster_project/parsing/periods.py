"""报告期 / 期间 / 比较基期: the period forms of Chinese statistical reporting.

A period is a date range; its code is the most specific calendar name for exactly that range:
2023 (year), 2024H1/H2, 2024Q1..Q4, 2024M06 (one month), 2024YTD02 (January to February, etc.).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import ParseError
from .text import clean_text

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_RANGE_SEP = r"[\-—–~至到]"


@dataclass(frozen=True)
class Period:
    code: str
    year: int
    start_date: dt.date
    end_date: dt.date
    granularity: str  # year | half | quarter | month | ytd

    @property
    def is_ytd(self) -> bool:
        """Starts on 1 January: usable as a year-to-date cumulative figure."""
        return self.start_date.month == 1 and self.start_date.day == 1

    @property
    def end_month(self) -> int:
        return self.end_date.month


def months(year: int, first: int, last: int) -> Period:
    """The period covering months first..last of year, named by the most specific code."""
    if not (1 <= first <= last <= 12):
        raise _unknown(f"{year}年{first}-{last}月")
    start = dt.date(year, first, 1)
    end = dt.date(year, last, calendar.monthrange(year, last)[1])
    if (first, last) == (1, 12):
        return Period(str(year), year, start, end, "year")
    if (first, last) in ((1, 6), (7, 12)):
        return Period(f"{year}H{1 if first == 1 else 2}", year, start, end, "half")
    if first == last:
        return Period(f"{year}M{first:02d}", year, start, end, "month")
    if first in (1, 4, 7, 10) and last == first + 2:
        return Period(f"{year}Q{(first - 1) // 3 + 1}", year, start, end, "quarter")
    if first == 1:
        return Period(f"{year}YTD{last:02d}", year, start, end, "ytd")
    raise ParseError.of("unsupported_period_months_of", words={"year": year, "first": first, "last": last})


def parse_period(raw: object) -> Period:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        # Excel turns a typed 2024-06 into the date 2024-06-01: that is the month.
        return months(raw.year, raw.month, raw.month)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if float(raw).is_integer() and 1900 <= raw <= 2100:
            year = int(raw)
            return months(year, 1, 12)
        raise _unknown(str(raw))
    text = clean_text(raw).upper()
    text = re.sub(r"(累计|全年|年度)$", "", text)
    text = text.replace("年度", "年")

    if m := re.fullmatch(r"(\d{4})年?", text):
        return months(int(m[1]), 1, 12)
    if m := re.fullmatch(r"(\d{4})年?(上半年|H1)", text):
        return months(int(m[1]), 1, 6)
    if m := re.fullmatch(r"(\d{4})年?(下半年|H2)", text):
        return months(int(m[1]), 7, 12)
    if m := re.fullmatch(r"(\d{4})年?第?([1-4一二三四])季度?", text) or re.fullmatch(r"(\d{4})年?Q([1-4])", text):
        quarter = _CN_DIGITS.get(m[2]) or int(m[2])
        return months(int(m[1]), 3 * quarter - 2, 3 * quarter)
    if m := re.fullmatch(rf"(\d{{4}})年?(\d{{1,2}})月?{_RANGE_SEP}(\d{{1,2}})月", text):
        return months(int(m[1]), int(m[2]), int(m[3]))
    if (
        m := re.fullmatch(r"(\d{4})年(\d{1,2})月(?:份)?", text)
        or re.fullmatch(r"(\d{4})[\-/.](\d{1,2})", text)
        or re.fullmatch(r"(\d{4})M(\d{2})", text)
    ):
        month = int(m[2])
        return months(int(m[1]), month, month)
    if m := re.fullmatch(r"(\d{4})YTD(\d{2})", text):
        return months(int(m[1]), 1, int(m[2]))
    raise _unknown(text)


def parse_date(raw: object) -> dt.date:
    """报出日期: an Excel date cell, an Excel serial number, 2024-01-15 or 2024年1月15日."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 20000 < raw < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))
    text = clean_text(raw)
    m = re.fullmatch(r"(\d{4})(?:年|[\-/.])(\d{1,2})(?:月|[\-/.])(\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ParseError.of("cannot_read_the_date", words={"text": text})


def _unknown(text: str) -> ParseError:
    return ParseError.of("cannot_read_the_period", words={"text": text})
