"""数值 cells: a number with the qualifiers people write around it.

`parse_value` splits what was typed into number(s), comparator, multiplier and the unit text
that followed the number. Resolving that unit text against the unit table is the catalog's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import ParseError
from .text import clean_text

# Longest words first so that 不低于 wins over 低于.
_PREFIX_COMPARATORS = [
    ("大于等于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("至少", ">="),
    (">=", ">="),
    ("≥", ">="),
    ("小于等于", "<="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不多于", "<="),
    ("<=", "<="),
    ("≤", "<="),
    ("超过", ">"),
    ("突破", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("高于", ">"),
    ("超", ">"),
    (">", ">"),
    ("低于", "<="),
    ("少于", "<="),
    ("小于", "<="),
    ("<", "<="),
    ("大约", "~"),
    ("接近", "~"),
    ("约", "~"),
    ("近", "~"),
    ("~", "~"),
]
_SIGN_WORDS = [
    ("增长", 1),
    ("增加", 1),
    ("提高", 1),
    ("上升", 1),
    ("提升", 1),
    ("下降", -1),
    ("减少", -1),
    ("降低", -1),
    ("下滑", -1),
    ("回落", -1),
]
_SUFFIX_COMPARATORS = [("以上", ">="), ("以下", "<="), ("以内", "<="), ("左右", "~"), ("余", ">"), ("多", ">")]
_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
# Minus as word processors and input methods type it (− U+2212, – en dash, — em dash, ‐ ‑ ‒ hyphens; the
# full-width － is "-" after NFKC): a minus only directly before a number and not after one, so 1—2 stays a range.
_TYPED_MINUS = re.compile(r"(?<![\d.])[−–—‐‑‒](?=\d)")

_NUMBER = r"\d+(?:\.\d+)?"
_SHAPE = re.compile(
    rf"(?P<pre>[^\d+\-.]*?)(?P<sign>[+\-])?(?P<a>{_NUMBER})"
    rf"(?:(?P<frac>/)(?P<b>{_NUMBER})|(?P<mult_a>[万亿])?(?P<unit_a>[^\d\-—–~至到/]*)(?P<sep>[\-—–~至到])(?P<c>{_NUMBER}))?"
    rf"(?P<rest>.*)"
)


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal
    comparator: str  # = > >= <= ~ range
    upper: Decimal | None = None  # second bound of a range
    multiplier: Decimal = Decimal(1)  # 万 / 亿 typed after the number
    unit_text: str = ""  # what followed the number, qualifiers removed ("" when none)
    is_fraction: bool = False  # 1/3: a ratio written as a fraction


def number_from_cell(value: float | int) -> Decimal:
    """A number as Excel stored it, without binary-float noise (0.30000000000000004 -> 0.3)."""
    return Decimal(format(value, ".15g"))


def parse_value(raw: object, number_format: str | None = None) -> ParsedValue:
    if isinstance(raw, bool):
        raise ParseError.of("a_value_cannot_be_true")
    if isinstance(raw, (int, float)):
        number = number_from_cell(raw)
        if number_format and "%" in number_format:
            # A cell shown as 31.4% stores 0.314: keep it as a percentage.
            return ParsedValue(value=(number * 100).normalize(), comparator="=", unit_text="%")
        return ParsedValue(value=number, comparator="=")
    text = clean_text(raw)
    if not text:
        raise ParseError.of("the_value_is_empty")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # thousands separators: 1,600
    text = _TYPED_MINUS.sub("-", text)
    text = re.sub(r"(?<=\d)。(?=\d)", ".", text)  # the full stop an input method types for a decimal point
    text = text.replace("第", "", 1) if text.startswith("第") else text
    match = _SHAPE.fullmatch(text)
    if not match:
        raise _unreadable(text, _first_digit(text))

    comparators: list[str] = []
    sign = -1 if match["sign"] == "-" else 1
    pre = match["pre"]
    while pre:
        for word, comparator in _PREFIX_COMPARATORS:
            if pre.startswith(word):
                comparators.append(comparator)
                pre = pre[len(word) :]
                break
        else:
            for word, word_sign in _SIGN_WORDS:
                if pre.startswith(word):
                    sign *= word_sign
                    pre = pre[len(word) :]
                    break
            else:
                raise _unreadable(text, len(match["pre"]) - len(pre))

    a = Decimal(match["a"]) * sign
    if match["frac"]:
        b = Decimal(match["b"])
        if b == 0:
            raise ParseError.of("zero_denominator", words={"text": text})
        unit_text, multiplier, suffix = _split_rest(match["rest"], text, match.start("rest"))
        comparators += suffix
        if unit_text or multiplier != 1:
            raise _unreadable(text, match.start("rest"))
        return ParsedValue(value=a / b, comparator=_one_comparator(comparators, text), is_fraction=True)

    if match["sep"]:
        upper = Decimal(match["c"])
        unit_text, multiplier, suffix = _split_rest(match["rest"], text, match.start("rest"))
        unit_a = match["unit_a"] or ""
        if unit_a and unit_text and unit_a != unit_text:
            raise _unreadable(text, match.start("rest"))
        if match["mult_a"] and _MULTIPLIERS[match["mult_a"]] != multiplier:
            raise _unreadable(text, match.start("mult_a"))
        if comparators or suffix:
            raise ParseError.of("a_range_cannot_carry_another", words={"text": text})
        if upper < a:
            raise ParseError.of("range_lower_bound_above_upper", words={"text": text})
        return ParsedValue(
            value=a, upper=upper, comparator="range", multiplier=multiplier, unit_text=unit_text or unit_a
        )

    unit_text, multiplier, suffix = _split_rest(match["rest"], text, match.start("rest"))
    comparators += suffix
    return ParsedValue(
        value=a, comparator=_one_comparator(comparators, text), multiplier=multiplier, unit_text=unit_text
    )


def _split_rest(rest: str, text: str, offset: int) -> tuple[str, Decimal, list[str]]:
    """What follows the number: [万|亿] [余|多] unit [以上|以下|左右|余]. offset: where rest starts in text."""
    comparators: list[str] = []
    whole = rest
    multiplier = Decimal(1)
    if rest[:1] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[rest[0]]
        rest = rest[1:]
    changed = True
    while changed:
        changed = False
        for word, comparator in _SUFFIX_COMPARATORS:
            if rest.endswith(word):
                comparators.append(comparator)
                rest = rest[: -len(word)]
                changed = True
            if rest.startswith(word) and word in ("余", "多"):
                comparators.append(comparator)
                rest = rest[len(word) :]
                changed = True
    if digit := re.search(r"\d", rest):  # a second number: the character before it broke the first
        raise _unreadable(text, offset + whole.index(rest) + max(digit.start() - 1, 0))
    return rest, multiplier, comparators


def _one_comparator(comparators: list[str], text: str) -> str:
    distinct = set(comparators)
    if not distinct:
        return "="
    if len(distinct) > 1:
        raise ParseError.of("conflicting_qualifiers", words={"text": text})
    return distinct.pop()


def _first_digit(text: str) -> int | None:
    """Where reading stops in a text with no readable number: its first character that is not a digit."""
    if not re.search(r"\d", text):
        return None
    return next(i for i, ch in enumerate(text) if not (ch.isdigit() or ch in ".+-"))


def _unreadable(text: str, at: int | None = None) -> ParseError:
    """The message names the character reading stopped at (its code point too: look-alikes such as the
    letter O for 0 or a stray dash are invisible in a report)."""
    if at is None or not 0 <= at < len(text):
        where_zh, where_en = "未找到数字", "no number found"
    else:
        ch = text[at]
        where_zh = f"第{at + 1}个字符“{ch}”(U+{ord(ch):04X})无法识别"
        where_en = f"stopped at character {at + 1}, '{ch}' (U+{ord(ch):04X})"
    return ParseError.of("cannot_read_the_value", words={"text": text, "where_zh": where_zh, "where_en": where_en})
