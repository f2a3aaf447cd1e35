"""YAML documents read safely, with every value's line and column kept for messages.

A :class:`Document` is loaded with ``yaml.SafeLoader`` only. Loaders walk it through
:class:`Node` objects, which check types and keys and *record* problems instead of
raising, so that every problem in a file is reported at once; the loader finally calls
:meth:`Document.raise_problems`.
"""

from __future__ import annotations

import builtins
import difflib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import InputFileError, Problem, ValidationError
from .outputs import note_input
from .units import DURATION_EXAMPLE, PERCENT_EXAMPLE, parse_duration, parse_percent

T = TypeVar("T")
_MISSING = object()


def close_match(word: str, choices: Any) -> str | None:
    """The choice closest to a misspelt ``word``, or None when none is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


class _KeyMark:
    """Marks, as the last element of a position path, where a mapping's *key* is written
    (an unknown key is reported there, not at its value, which may start lines later)."""

    def __repr__(self) -> str:
        return "<key>"


KEY = _KeyMark()


def did_you_mean(word: str, choices: Any) -> str | None:
    """A "did you mean" sentence for a misspelt key or name, or None."""
    names = [str(c) for c in choices]
    close = close_match(word, names)
    if close is not None:
        return f'Did you mean "{close}"?'
    if names and len(names) <= 12:
        return "Allowed: " + ", ".join(f'"{n}"' for n in names) + "."
    return None


# libyaml's parser when PyYAML has it (ten times faster), the same safe nodes and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Document:
    """A YAML file's data plus the position of every node in it."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.problems: list[Problem] = []
        self.positions: dict[tuple[Any, ...], tuple[int, int]] = {}
        # The file a value came from when it is not this one (a base scenario it extends).
        self.files: dict[tuple[Any, ...], str] = {}
        self._scalars = yaml.SafeLoader("")  # only its safe scalar constructors are used
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ValidationError(
                [
                    Problem(
                        file=name,
                        path="",
                        expected="valid YAML",
                        found=str(getattr(exc, "problem", exc)),
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None,
                        suggestion="Check indentation and quoting around this place.",
                    )
                ]
            ) from None
        self.data = self._build(root, ()) if root is not None else None

    @classmethod
    def from_path(cls, path: str | Path) -> Document:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputFileError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"{path}: cannot be read ({exc})") from None
        note_input(path)
        return cls(str(path), text)

    def _build(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in yaml.SafeLoader.yaml_constructors:
            self.problems.append(
                self._problem(path, "plain YAML data", f"the tag {node.tag}", node)
            )
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalars.construct_object(key_node, deep=True)
                if key in result:
                    self.problems.append(
                        self._problem((*path, key), "each key once", f'"{key}" twice', key_node)
                    )
                mark = key_node.start_mark
                self.positions[(*path, key, KEY)] = (mark.line + 1, mark.column + 1)
                result[key] = self._build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalars.construct_object(node, deep=True)

    def _problem(
        self, path: tuple[Any, ...], expected: str, found: str, node: yaml.Node
    ) -> Problem:
        return Problem(
            file=self.name,
            path=format_path(path),
            expected=expected,
            found=found,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )

    def root(self) -> Node:
        return Node(self, (), self.data)

    def file_of(self, path: tuple[Any, ...]) -> str:
        """The file the value at ``path`` was written in."""
        return self.files.get(path, self.name)

    def report(
        self,
        path: tuple[Any, ...],
        expected: str,
        found: str,
        suggestion: str | None = None,
        *,
        at_key: bool = False,
    ) -> None:
        """Record a problem at ``path`` (or at its nearest located parent); ``at_key``
        points at where the path's last key is written rather than at its value."""
        probe = (*path, KEY) if at_key and (*path, KEY) in self.positions else path
        while probe and probe not in self.positions:
            probe = probe[:-1]
        line, column = self.positions.get(probe, (None, None))
        self.problems.append(
            Problem(
                self.file_of(probe), format_path(path), expected, found, line, column, suggestion
            )
        )

    def raise_problems(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def format_path(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(value: Any) -> str:
    """How a found value is shown in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if not isinstance(value, str) else f'"{value}"'


class Node:
    """A located value of a :class:`Document`, with checked accessors.

    Accessors return ``None`` after recording a problem, so a loader goes on and
    collects every problem of the file.
    """

    def __init__(self, doc: Document, path: tuple[Any, ...], value: Any):
        self.doc, self.path, self.value = doc, path, value

    def __repr__(self) -> builtins.str:
        return f"Node({format_path(self.path)}={self.value!r})"

    @property
    def key(self) -> Any:
        return self.path[-1] if self.path else None

    def report(
        self, expected: str, found: str | None = None, suggestion: str | None = None
    ) -> None:
        shown = found if found is not None else describe(self.value)
        self.doc.report(self.path, expected, shown, suggestion)

    # -- structure -------------------------------------------------------------------
    def mapping(
        self, required: tuple[builtins.str, ...] = (), optional: tuple[builtins.str, ...] = ()
    ) -> builtins.bool:
        """Check this is a mapping with the required keys and no unknown key."""
        if not isinstance(self.value, dict):
            self.report("a mapping with keys " + ", ".join(required + optional))
            return False
        allowed = required + optional
        for key in self.value:
            if key not in allowed:
                self.doc.report(
                    (*self.path, key),
                    "one of the known keys",
                    f'unknown key "{key}"',
                    did_you_mean(key, allowed),
                    at_key=True,
                )
        unknown = [str(k) for k in self.value if k not in allowed]
        ok = True
        for key in required:
            if key not in self.value:
                close = difflib.get_close_matches(key, unknown, n=1, cutoff=0.6)
                self.report(
                    f'a key "{key}"',
                    "none",
                    f'Is "{close[0]}" meant to be "{key}"?' if close else None,
                )
                ok = False
        return ok

    def has(self, key: builtins.str) -> builtins.bool:
        return isinstance(self.value, dict) and key in self.value

    def __getitem__(self, key: Any) -> Node:
        value = self.value.get(key, _MISSING) if isinstance(self.value, dict) else _MISSING
        return Node(self.doc, (*self.path, key), None if value is _MISSING else value)

    def get(self, key: builtins.str, default: Any = None) -> Node:
        if self.has(key):
            return self[key]
        return Node(self.doc, (*self.path, key), default)

    def items(self) -> Iterator[tuple[Any, Node]]:
        """Key and child node of a mapping (records a problem if it is not one)."""
        if not isinstance(self.value, dict):
            self.report("a mapping")
            return iter(())
        return ((k, Node(self.doc, (*self.path, k), v)) for k, v in self.value.items())

    def list(self, allow_empty: bool = False) -> list[Node]:
        if not isinstance(self.value, list):
            self.report("a list")
            return []
        if not self.value and not allow_empty:
            self.report("a list with at least one item", "an empty list")
        return [Node(self.doc, (*self.path, i), v) for i, v in enumerate(self.value)]

    # -- scalars ---------------------------------------------------------------------
    def convert(self, convert: Callable[[Any], T], expected: builtins.str) -> T | None:
        """Apply ``convert``; a ValueError/TypeError becomes a recorded problem."""
        try:
            return convert(self.value)
        except (ValueError, TypeError):
            self.report(expected)
            return None

    def str(self) -> str | None:
        if not isinstance(self.value, str) or not self.value.strip():
            self.report("a non-empty text")
            return None
        return self.value

    def bool(self) -> bool | None:
        if not isinstance(self.value, bool):
            self.report("true or false")
            return None
        return self.value

    def number(
        self, low: float | None = None, high: float | None = None, integer: builtins.bool = False
    ) -> float | None:
        value = self.value
        kind = "a whole number" if integer else "a number"
        bounds = ""
        if low is not None and high is not None:
            bounds = f" from {low} to {high}"
        elif low is not None:
            bounds = f" of at least {low}"
        elif high is not None:
            bounds = f" of at most {high}"
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (integer and not float(value).is_integer())
        ):
            self.report(kind + bounds)
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.report(kind + bounds)
            return None
        return int(value) if integer else float(value)

    def duration(self) -> float | None:
        return self.convert(parse_duration, DURATION_EXAMPLE)

    def percent(self) -> float | None:
        return self.convert(parse_percent, PERCENT_EXAMPLE)

    def choice(self, choices: Any, what: builtins.str = "one of") -> Any:
        """A value that must be one of ``choices`` (a name referencing a definition)."""
        options = list(choices)
        if self.value in options:
            return self.value
        listed = ", ".join(f'"{c}"' for c in options[:12]) + ("…" if len(options) > 12 else "")
        self.report(
            f"{what} {listed}",
            suggestion=did_you_mean(str(self.value), options),
        )
        return None
