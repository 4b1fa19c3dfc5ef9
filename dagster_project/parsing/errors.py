from __future__ import annotations


class ParseError(ValueError):
    """A value or file that cannot be understood. Carries a Chinese and an English message and a fix; `rule`
    names the review rule when it is not the caller's default, `technical` what a developer needs to know."""

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        fix_zh: str = "",
        fix_en: str = "",
        rule: str | None = None,
        technical: str = "",
    ):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.fix_zh = fix_zh
        self.fix_en = fix_en
        self.rule = rule
        self.technical = technical

    @classmethod
    def of(cls, message: str, words: dict | None = None, rule: str | None = None, technical: str = "") -> ParseError:
        """The error saying message `message` of the catalogue (dagster_project/messages.py), filled with words."""
        from ..messages import MESSAGES

        text = MESSAGES[message].format(**(words or {}))
        return cls(text.problem_zh, text.problem_en, text.fix_zh, text.fix_en, rule=rule, technical=technical)
