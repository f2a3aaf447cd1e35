"""Names and descriptions a rule pack gives in French, with English when it has it."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from .document import Node

LANGUAGES: tuple[str, ...] = ("fr", "en")


@dataclass(frozen=True)
class Text:
    """A user-facing text: French always, English optional (French stands in for it)."""

    fr: str
    en: str | None = None

    def get(self, lang: str = "fr") -> str:
        return self.en if lang == "en" and self.en else self.fr

    def __str__(self) -> str:
        return self.fr


def parse_text(node: Node) -> Text | None:
    """A ``{fr: …, en: …}`` mapping, or a plain string taken as French."""
    if isinstance(node.value, str):
        return Text(node.value) if node.str() is not None else None
    if not node.mapping(required=("fr",), optional=("en",)):
        return None
    fr = node["fr"].str()
    en = node["en"].str() if node.has("en") else None
    return Text(fr, en) if fr is not None else None


class _Words(string.Formatter):
    """``str.format`` plus counted nouns: ``{count:~dossier|dossiers}`` is the count, a
    space and the form that agrees with it."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("~"):
            one, _, many = format_spec[1:].partition("|")
            return f"{value} {one if singular(value, self.lang) else many}"
        return str(super().format_field(value, format_spec))


def singular(count: Any, lang: str = "fr") -> bool:
    """Whether a noun counted by ``count`` (a number, or a number as written: "1 234",
    "1,5") takes the singular: in French below 2 (0 et 1,5 dossier), in English for
    exactly 1 (0 tickets, 1 ticket)."""
    if isinstance(count, str):
        digits = re.sub(r"[\s\u202f\u00a0]", "", count)
        digits = digits.replace(",", ".") if lang == "fr" else digits.replace(",", "")
        try:
            count = float(digits)
        except ValueError:
            return False
    value = abs(float(count))
    return value < 2 if lang == "fr" else value == 1


def format_words(template: str, lang: str = "fr", **values: Any) -> str:
    """``template.format(**values)`` in which ``{n:~one|many}`` agrees with ``n`` in
    ``lang`` (every message with a count is written so: never "1 dossiers")."""
    return _Words(lang).format(template, **values)
