"""Sections of a YAML file declared once: their keys and how each is read.

A :class:`Section` lists its :class:`Key` objects (name, reader, required or a default).
:meth:`Section.read` checks that a node is a mapping with those keys and no other (an
unknown key is reported where it is written, with "did you mean"), reads every present
key with its reader and returns the values by field name — or None once a problem has
been recorded. Readers are the :class:`rules.document.Node` accessors or functions of a
node that return None after recording a problem, so every problem of a file is still
reported at once, and adding a key to a file format is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .document import Node

REQUIRED: Any = object()  # the default of a key that must be written


@dataclass(frozen=True)
class Key:
    """One key of a section: its ``name`` in the file, its ``read``\\ er (None after a
    recorded problem), the ``default`` of an absent optional key, and the ``field`` it
    fills (the name, unless said otherwise)."""

    name: str
    read: Callable[[Node], Any]
    default: Any = REQUIRED
    field: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


class Section:
    """A mapping of declared keys, read all at once."""

    def __init__(self, *keys: Key):
        self.keys = keys
        self.required = tuple(k.name for k in keys if k.required)
        self.optional = tuple(k.name for k in keys if not k.required)

    def read(self, node: Node) -> dict[str, Any] | None:
        """Field name → value of every key (defaults for absent optional ones), or None
        after recording every problem found (each present key is read even when another
        is missing, so that nothing hides anything else)."""
        ok = node.mapping(required=self.required, optional=self.optional)
        if not isinstance(node.value, dict):
            return None
        values: dict[str, Any] = {}
        for key in self.keys:
            if node.has(key.name):
                value = key.read(node[key.name])
                ok = ok and value is not None
            else:
                value = None if key.required else key.default
            values[key.field or key.name] = value
        return values if ok else None
