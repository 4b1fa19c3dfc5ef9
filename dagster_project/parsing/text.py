"""Normalisation of the ways people vary the same text."""

import re
import unicodedata
from functools import lru_cache

_QUOTES = "\"'“”‘’「」『』〝〞＂"
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # a report repeats its names, scopes and units on every row
def _clean(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def clean_text(value: object) -> str:
    """NFKC (full-width -> half-width), no surrounding or inner whitespace."""
    if value is None:
        return ""
    return _clean(str(value))


def is_blank(value: object) -> bool:
    return clean_text(value) == ""


_GROWTH_SUFFIX = re.compile(r"(增速|增长率|增幅|同比增长|增长)$")
_COUNT_SUFFIX = re.compile(r"(数量|户数|个数|数)$")


@lru_cache(maxsize=1 << 16)
def _normalize(text: str) -> str:
    text = "".join(ch for ch in text if ch not in _QUOTES).lower()
    return _COUNT_SUFFIX.sub("", _GROWTH_SUFFIX.sub("增长", text))


def normalize_name(value: object) -> str:
    """The key a name is matched by: quotes, spaces and width dropped, 增速/增长率 -> 增长,
    a trailing 数量, 户数, 个数 or 数 dropped, lower case."""
    return _normalize(clean_text(value))
