"""One catalogue of what the review reports say (dagster_project/messages.py): every message the code or a
Great Expectations suite names is in it, every message in it is used, Chinese and English take the same words,
and no report text is written anywhere else."""

from __future__ import annotations

import ast
import json
import re

import pytest

from dagster_project.messages import MESSAGES, Message
from dagster_project.settings import REPO_ROOT

CODE = sorted((REPO_ROOT / "dagster_project").rglob("*.py"))
SUITES = sorted((REPO_ROOT / "expectations").glob("*.json"))


def _string_literals() -> set[str]:
    found = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _suite_messages() -> set[str]:
    return {
        e["meta"]["message"]
        for path in SUITES
        for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]
        if "message" in e.get("meta", {})
    }


def _named_in_code() -> set[str]:
    """Ids given to Issue.of, ParseError.of, damaged(), the enterprise rules and MESSAGES[...] as literals."""
    named = set()
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r'Issue\.of\(\s*\w+,\s*[^,]+,\s*"([^"]+)"', text))
        named |= set(re.findall(r'ParseError\.of\(\s*"([^"]+)"', text))
        named |= set(re.findall(r'MESSAGES\["([^"]+)"\]', text))
        named |= set(
            re.findall(
                r'"((?:enterprise|unreadable_file|workbook_too_large|actual_before_period_end|catalog)\.[\w.]+)"', text
            )
        )
    return named


def test_every_message_named_is_in_the_catalogue():
    missing = (_named_in_code() | _suite_messages()) - set(MESSAGES)
    assert not missing, f"not in messages.py: {sorted(missing)}"
    assert _suite_messages(), "the suites name their messages"


def test_every_message_in_the_catalogue_is_used():
    used = _string_literals() | _suite_messages()
    assert not set(MESSAGES) - used, f"unused messages: {sorted(set(MESSAGES) - used)}"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_in_chinese_and_english(key):
    message = MESSAGES[key]
    assert message.problem_zh.strip() and message.problem_en.strip()
    assert re.search(r"[\u4e00-\u9fff]", message.problem_zh), "the Chinese text is Chinese"
    assert bool(message.fix_zh) == bool(message.fix_en), "a fix in both languages or in neither"


def test_no_report_text_is_written_outside_the_catalogue():
    """An issue (of a submission or of the catalog) or a ParseError built from literal text bypasses the catalogue."""
    found = []
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Issue", "ParseError", "CatalogIssue", "_issue")
            ):
                texts = [
                    a
                    for a in node.args
                    if isinstance(a, (ast.JoinedStr, ast.Constant))
                    and isinstance(getattr(a, "value", ""), str)
                    and re.search(r"[\u4e00-\u9fff]| ", ast.unparse(a))
                ]
                if texts:
                    found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert not found, "report text outside messages.py: " + ", ".join(found)


def test_a_message_fills_in_its_words():
    message = Message("“{name}”不能为负数", "{name} cannot be negative", "核对", "check")
    assert message.format(name="x").problem_en == "x cannot be negative"
    with pytest.raises(KeyError):
        message.format()
