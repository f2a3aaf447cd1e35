"""Scenario values set on the command line: ``--set PATH=VALUE``, an overlay without a file.

``PATH`` names a value of the scenario the way a reader points at it: keys joined by dots,
an item of a list by its name or index in brackets (``level_one.staffing.shifts[09:30]
.headcount``, ``demand.streams[0].per_month``); brackets also take a key holding dots or
brackets (``targets[retablissement-p3].goal``), a key may be quoted, and a whole number is
an index. ``VALUE`` is read as a YAML value would be in a file (``4``, ``1.15``, ``8h``,
``85%``, ``{dist: lognormal, mean: 7min, cv: 0.8}``), except that a clock time stays a
text (``09:30``, not the number YAML 1.1 makes of it).

Each setting is a layer merged over the scenario as an ``extends`` variant is
(:func:`sim.overlay.merge_layer`): mappings key by key, a list's item by name or index,
and validated by the scenario loader like a file, every problem located at the option
(``--set demand.scael=1.1: demand.scael: … Did you mean "scale"?``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rules.document import Document
from rules.errors import ValidationError

from .overlay import merge_layer

SET_EXAMPLE = "PATH=VALUE, such as level_one.staffing.shifts[09:30].headcount=4"
_INDEX = re.compile(r"0|[1-9]\d*")  # "0930" is a name, not index 930


@dataclass(frozen=True)
class Setting:
    """One ``--set``: the text as given, the path it names and the value it sets."""

    text: str
    path: tuple[str | int, ...]
    value: Any

    @property
    def option(self) -> str:
        """How messages name it: ``--set demand.scale=1.15``."""
        return f"--set {self.text}"


def parse_setting(text: str) -> Setting:
    """``PATH=VALUE`` → :class:`Setting`; a ValueError says what is wrong."""
    path_text, equals, value_text = text.partition("=")
    if not equals or not path_text.strip():
        raise ValueError(f'expected {SET_EXAMPLE}, found "{text}"')
    if not value_text.strip():
        raise ValueError(f'expected a value after "=" in "{text}"')
    return Setting(text, parse_path(path_text.strip()), parse_value(value_text.strip(), text))


def parse_path(text: str) -> tuple[str | int, ...]:
    """``a.b[name].c[0]`` → ``("a", "b", "name", "c", 0)``; a ValueError if malformed."""
    parts: list[str | int] = []
    at, expect_key = 0, True
    while at < len(text):
        char = text[at]
        if char == "[":
            end = text.find("]", at)
            if end < 0:
                raise ValueError(f'"{text}": a "[" without its "]"')
            parts.append(_part(text[at + 1:end], text))
            at, expect_key = end + 1, False
        elif char == ".":
            if expect_key:
                raise ValueError(f'"{text}": an empty key before "."')
            at, expect_key = at + 1, True
        elif not expect_key:
            raise ValueError(f'"{text}": expected "." or "[" after "{text[:at]}"')
        elif char in "\"'":
            end = text.find(char, at + 1)
            if end < 0:
                raise ValueError(f'"{text}": a quote without its end')
            parts.append(text[at + 1:end])
            at, expect_key = end + 1, False
        else:
            end = min((i for i in (text.find(".", at), text.find("[", at)) if i >= 0),
                      default=len(text))
            parts.append(_part(text[at:end], text))
            at, expect_key = end, False
    if expect_key:
        raise ValueError(f'"{text}": ends with "." where a key is expected')
    return tuple(parts)


def _part(word: str, text: str) -> str | int:
    word = word.strip()
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        return word[1:-1]  # quoted: a name, even when it is digits
    if not word:
        raise ValueError(f'"{text}": an empty key or item')
    return int(word) if _INDEX.fullmatch(word) else word


def parse_value(text: str, setting: str = "") -> Any:
    """A value as YAML reads it in a file (safe loading), a clock time kept as text."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    try:
        value = Document(f"--set {setting}" if setting else "--set", text).data
    except ValidationError as exc:
        raise ValueError(f'"{text}" is not a value YAML can read: {exc.problems[0].found}'
                         ) from None
    if isinstance(value, int | float) and not isinstance(value, bool) and ":" in text:
        return text  # YAML 1.1 reads 09:30 as 570 (base 60): a clock time is meant
    return value


def layer(setting: Setting) -> Document:
    """The setting as a one-value overlay document named after its option."""
    value = setting.value
    for part in reversed(setting.path):
        value = {part: value}
    return Document.from_data(setting.option, value)


def with_settings(doc: Document, settings: Iterable[Setting]) -> Document:
    """``doc`` (a scenario, bases merged) with each setting merged over it in order; every
    value keeps the file, or the option, it came from. Problems of a setting (an item that
    does not exist) are recorded in ``doc``."""
    for setting in settings:
        top = layer(setting)
        doc.data, doc.positions, doc.files = merge_layer(doc, top)
        doc.problems.extend(top.problems)
    return doc
