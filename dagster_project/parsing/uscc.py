"""统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters, the last a check character.

Characters come from 0-9 and the capital letters without I, O, S, V, Z. The check character is
31 − (Σ value × weight mod 31) over the first 17, with 31 written as 0.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: object) -> str | None:
    """None for a valid code, else what is wrong (Chinese / English)."""
    text = str(code or "").strip().upper()
    if len(text) != 18:
        return f"长度应为18位, 实为{len(text)}位 / must be 18 characters, has {len(text)}"
    bad = sorted({c for c in text if c not in _VALUE})
    if bad:
        return f"含非法字符 {''.join(bad)} / contains characters not allowed: {''.join(bad)}"
    if not text[2:8].isdigit():
        return "第3-8位应为行政区划码(数字) / characters 3-8 must be the administrative division code (digits)"
    expected = check_character(text[:17])
    if text[17] != expected:
        return f"校验位应为{expected}, 实为{text[17]} / check character should be {expected}, is {text[17]}"
    return None


def is_valid_uscc(code: object) -> bool:
    return uscc_problem(code) is None
