"""Normalisation of the ways people vary the same text."""

import re
import unicodedata

_QUOTES = "\"'“”‘’「」『』〝〞＂"
_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """NFKC (full-width -> half-width), no surrounding or inner whitespace."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub("", text)


def is_blank(value: object) -> bool:
    return clean_text(value) == ""


_GROWTH_SUFFIX = re.compile(r"(增速|增长率|增幅|同比增长|增长)$")
_COUNT_SUFFIX = re.compile(r"(数量|数)$")


def normalize_name(value: object) -> str:
    """The key a name is matched by: quotes, spaces and width dropped, 增速/增长率 -> 增长,
    a trailing 数量 or 数 dropped, lower case."""
    text = clean_text(value)
    text = "".join(ch for ch in text if ch not in _QUOTES)
    text = text.lower()
    text = _GROWTH_SUFFIX.sub("增长", text)
    text = _COUNT_SUFFIX.sub("", text)
    return text
