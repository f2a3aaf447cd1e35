"""Names and descriptions a rule pack gives in French, with English when it has it."""

from __future__ import annotations

from dataclasses import dataclass

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
