"""YAML documents read safely, with every value's line and column kept for messages.

A :class:`Document` is loaded with ``yaml.SafeLoader`` only. Loaders walk it through
:class:`Node` objects, which check types and keys and *record* problems instead of
raising, so that every problem in a file is reported at once; the loader finally calls
:meth:`Document.raise_problems`.
"""

from __future__ import annotations

import builtins
import difflib
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import Problem, ValidationError
from .inputs import YAML_LIMIT, read_text
from .outputs import note_input
from .units import DURATION_EXAMPLE, PERCENT_EXAMPLE, parse_duration, parse_percent

T = TypeVar("T")
_MISSING = object()
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Unreadable:
    """The value of a scalar YAML could not make (its problem is already recorded, so
    :class:`Node` accessors record nothing more about it)."""

    def __repr__(self) -> str:
        return "<unreadable>"


UNREADABLE = _Unreadable()
# Limits on what a small file may ask for: values made by expanding aliases (a "billion
# laughs" file of 500 bytes asks for 10^9), and levels of nesting.
MAX_ALIAS_VALUES = 10_000
MAX_DEPTH = 64


def close_match(word: str, choices: Any) -> str | None:
    """The choice closest to a misspelt ``word``, or None when none is close (a word is
    never its own suggestion)."""
    others = [str(c) for c in choices if str(c) != str(word)]
    close = difflib.get_close_matches(str(word), others, n=1, cutoff=0.6)
    return close[0] if close else None


class _KeyMark:
    """Marks, as the last element of a position path, where a mapping's *key* is written
    (an unknown key is reported there, not at its value, which may start lines later)."""

    def __repr__(self) -> str:
        return "<key>"


KEY = _KeyMark()
Position = tuple[int, int] | tuple[None, None]


def did_you_mean(word: str, choices: Any) -> str | None:
    """A "did you mean" sentence for a misspelt key or name, or None."""
    names = [str(c) for c in choices if str(c) != str(word)]
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
        # Line and column of each value (and of each key, under KEY); (None, None) for a
        # value that has no line: one given on the command line (Document.from_data).
        self.positions: dict[tuple[Any, ...], Position] = {}
        # The file a value came from when it is not this one (a base scenario it extends).
        self.files: dict[tuple[Any, ...], str] = {}
        self._scalars = yaml.SafeLoader("")  # only its safe scalar constructors are used
        self._building: set[int] = set()  # nodes being built: an alias back to one is a cycle
        self._seen: set[int] = set()  # nodes built once: building one again expands an alias
        self._expanded = 0  # values built by expanding aliases
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
        except RecursionError:
            raise ValidationError([Problem(name, "", f"at most {MAX_DEPTH} levels of nesting",
                                           "deeper nesting")]) from None
        self.data = self._build(root, ()) if root is not None else None

    @classmethod
    def from_data(cls, name: str, data: Any) -> Document:
        """A document of plain data written nowhere but named ``name`` (a command-line
        option): every value is located at ``name``, without line or column."""
        doc = cls(name, "")
        doc.data = data

        def mark(value: Any, path: tuple[Any, ...]) -> None:
            doc.positions[path] = (None, None)
            children = (value.items() if isinstance(value, dict)
                        else enumerate(value) if isinstance(value, list) else ())
            for key, child in children:
                if isinstance(value, dict):
                    doc.positions[(*path, key, KEY)] = (None, None)
                mark(child, (*path, key))

        mark(data, ())
        return doc

    @classmethod
    def from_path(cls, path: str | Path) -> Document:
        """The document of a YAML file: a regular file of at most
        :data:`rules.inputs.YAML_LIMIT` bytes, UTF-8 (noted as an input, which no output
        may replace)."""
        text = read_text(path, YAML_LIMIT)
        note_input(Path(path))
        return cls(str(path), text)

    def _build(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        """The Python value of ``node``, every position recorded. Aliases are expanded
        within limits: no alias inside itself, at most :data:`MAX_ALIAS_VALUES` values
        made by aliases in all (a few lines can otherwise ask for billions), at most
        :data:`MAX_DEPTH` levels; keys are plain scalars; merge keys (``<<: *base``) merge
        a mapping (or a list of them) under the mapping's own keys."""
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self._building:
            self.problems.append(self._problem(path, "an alias that does not contain itself",
                                               "an alias inside its own anchor", node))
            return None
        if len(path) > MAX_DEPTH:
            self.problems.append(self._problem(path, f"at most {MAX_DEPTH} levels of nesting",
                                               "deeper nesting", node))
            return None
        if id(node) in self._seen:
            self._expanded += 1
            if self._expanded > MAX_ALIAS_VALUES:
                if self._expanded == MAX_ALIAS_VALUES + 1:
                    self.problems.append(self._problem(
                        path, f"aliases that expand to at most {MAX_ALIAS_VALUES:,} values",
                        "more", node))
                return None
        self._seen.add(id(node))
        if node.tag not in yaml.SafeLoader.yaml_constructors:
            self.problems.append(
                self._problem(path, "plain YAML data", f"the tag {node.tag}", node)
            )
            return None
        self._building.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self._build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._scalar(node, path)
        finally:
            self._building.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: tuple[Any, ...]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        own: set[Any] = set()
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self._merge(value_node, path, result, own)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                self.problems.append(self._problem(path, "keys that are names or numbers",
                                                   f"{kind} as a key", key_node))
                continue
            key = self._scalar(key_node, path, _MISSING)
            if key is _MISSING:
                continue  # unreadable (recorded)
            if key in own:
                self.problems.append(
                    self._problem((*path, key), "each key once", f'"{key}" twice', key_node)
                )
            own.add(key)
            mark = key_node.start_mark
            self.positions[(*path, key, KEY)] = (mark.line + 1, mark.column + 1)
            result[key] = self._build(value_node, (*path, key))
        return result

    def _merge(self, node: yaml.Node, path: tuple[Any, ...], result: dict[Any, Any],
               own: set[Any]) -> None:
        """``<<: *base`` or ``<<: [*a, *b]``: the keys of those mappings that the mapping
        does not set itself (the first listed wins)."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not all(isinstance(s, yaml.MappingNode) for s in sources):
            self.problems.append(self._problem(path, "a mapping (or a list of mappings) "
                                               "to merge after <<", "something else", node))
            return
        here = self.positions[path]
        for source in sources:
            merged = self._build(source, path)
            for key, value in (merged or {}).items():
                if key not in own and key not in result:
                    result[key] = value
        self.positions[path] = here

    def _scalar(self, node: yaml.Node, path: tuple[Any, ...], unread: Any = UNREADABLE
                ) -> Any:
        """The value of a scalar node; ``unread`` (after recording a problem) when YAML
        cannot make one (a 5,000-digit integer, a 30 February)."""
        try:
            return self._scalars.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            text = str(node.value)
            shown = f'"{text[:40]}…" ({len(text):,} characters)' if len(text) > 40 else (
                f'"{text}"')
            reason = str(getattr(exc, "problem", None) or exc).split(";")[0]
            self.problems.append(self._problem(path, "a value YAML can read",
                                               f"{shown}: {reason}", node))
            return unread

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


def kind_of(value: Any) -> str:
    """What a value is, without its content: how a whole file of the wrong kind is
    described (its text is never quoted: it may be anything, /etc/shadow included)."""
    if value is None:
        return "nothing (an empty file)"
    if isinstance(value, dict | list):
        return describe(value)
    if isinstance(value, str):
        return f"a text of {len(value):,} characters, not a YAML mapping"
    return f"a single {type(value).__name__}, not a YAML mapping"


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
        if self.value is UNREADABLE:
            return  # said already, where YAML could not read it
        shown = found if found is not None else describe(self.value)
        self.doc.report(self.path, expected, shown, suggestion)

    # -- structure -------------------------------------------------------------------
    def mapping(
        self, required: tuple[builtins.str, ...] = (), optional: tuple[builtins.str, ...] = ()
    ) -> builtins.bool:
        """Check this is a mapping with the required keys and no unknown key."""
        if not isinstance(self.value, dict):
            self.report("a mapping with keys " + ", ".join(required + optional),
                        None if self.path else kind_of(self.value))
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
        try:
            finite = not isinstance(value, bool) and math.isfinite(value)
        except (TypeError, OverflowError):  # not a number, or an integer beyond any float
            finite = False
        if not finite or (integer and not float(value).is_integer()):
            self.report(kind + bounds, "a number too large" if isinstance(
                value, int) and not isinstance(value, bool) else None)
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
