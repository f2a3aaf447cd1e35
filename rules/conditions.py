"""Declared classification fields, and the conditions a rule pack may write on them.

A pack declares its fields (a choice among named values, true/false, or a number) and
writes conditions with a closed set of operators and combinators, checked when the
pack is loaded. Nothing from the file is ever evaluated as code: a condition is a small
tree of :class:`Comparison`, :class:`AllOf`, :class:`AnyOf` and :class:`Not`, each
evaluable on one ticket's attributes or, vectorised, on a whole data frame.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from .document import Node, did_you_mean
from .errors import DataError
from .text import Text, parse_text

if TYPE_CHECKING:  # pandas is imported where it is used: loading a pack needs none
    import pandas as pd

FieldKind = Literal["choice", "bool", "number"]
FIELD_KINDS: tuple[FieldKind, ...] = ("choice", "bool", "number")
COMBINATORS: tuple[str, ...] = ("all", "any", "not")
SET_OPERATORS: tuple[str, ...] = ("in", "not in")
ORDER_OPERATORS: tuple[str, ...] = ("<", "<=", ">", ">=")
OPERATORS: tuple[str, ...] = ("equals", *SET_OPERATORS, *ORDER_OPERATORS)

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "equals": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Field:
    """A ticket attribute the classification may test, with the values it may take.

    An ``ordered`` choice lists its values from lowest to highest, so that ``<``, ``>=``…
    compare ranks (``impact_mission: {">=": important}``).
    """

    code: str
    name: Text
    kind: FieldKind
    values: tuple[str, ...] = ()
    value_names: tuple[Text, ...] = ()
    ordered: bool = False

    @property
    def operators(self) -> tuple[str, ...]:
        if self.kind == "number" or self.ordered:
            return OPERATORS
        return ("equals", *SET_OPERATORS)

    @functools.cached_property
    def _rank(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.values)}

    def allows(self, value: Any) -> bool:
        """Whether one attribute value is valid for this field."""
        if self.kind == "choice":
            return isinstance(value, str) and value in self._rank
        if self.kind == "bool":
            return isinstance(value, bool | np.bool_)
        return (
            isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool | np.bool_)
            and bool(np.isfinite(value))
        )

    def valid(self, column: pd.Series) -> np.ndarray:
        """Per row, whether the value is valid (vectorised when the dtype allows)."""
        import pandas as pd

        if self.kind == "choice":
            return column.isin(self.values).to_numpy(dtype=bool)
        if self.kind == "bool" and pd.api.types.is_bool_dtype(column.dtype) and not (
            isinstance(column.dtype, pd.BooleanDtype)
        ):
            return np.ones(len(column), dtype=bool)
        if self.kind == "number" and pd.api.types.is_numeric_dtype(column.dtype) and not (
            pd.api.types.is_bool_dtype(column.dtype)
        ):
            return np.isfinite(column.to_numpy(dtype=float, na_value=np.nan))
        return np.fromiter((self.allows(v) for v in column), dtype=bool, count=len(column))

    def expected(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(f'"{v}"' for v in self.values)
        return "true or false" if self.kind == "bool" else "a number"

    def rank(self, value: Any) -> float:
        """A value as a number that compares the way the field orders them."""
        return float(self._rank[value]) if self.kind == "choice" else float(value)

    def ranks(self, column: pd.Series) -> np.ndarray:
        """:meth:`rank` of every value of a (checked) column."""
        import pandas as pd

        if self.kind == "choice":  # category codes are the ranks: values are in order
            return pd.Categorical(column, categories=list(self.values)).codes.astype(float)
        return column.to_numpy(dtype=float)


class Condition(Protocol):
    """A test on a ticket's declared attributes, for one ticket or a whole frame.

    ``holds`` and ``mask`` are two paths to the same answer (a property test checks it):
    the first for a simulator classifying tickets one at a time, the second for tables.
    """

    def holds(self, attributes: Mapping[str, Any]) -> bool:
        """Whether the condition holds for one ticket's (checked) attributes."""
        ...

    def mask(self, columns: Mapping[str, pd.Series]) -> np.ndarray:
        """True where the condition holds, one entry per row of the (checked) columns."""
        ...

    def fields(self) -> frozenset[Field]:
        """The fields the condition reads."""
        ...


@dataclass(frozen=True)
class Comparison:
    """``field operator operand``: equals, in, not in, <, <=, >, >=."""

    field: Field
    operator: str
    operand: Any

    def holds(self, attributes: Mapping[str, Any]) -> bool:
        value = attributes[self.field.code]
        if self.operator in SET_OPERATORS:
            return (value in self.operand) == (self.operator == "in")
        if self.operator == "equals":
            return bool(value == self.operand)
        compare = _COMPARE[self.operator]
        return bool(compare(self.field.rank(value), self.field.rank(self.operand)))

    def mask(self, columns: Mapping[str, pd.Series]) -> np.ndarray:
        column = columns[self.field.code]
        if self.operator in SET_OPERATORS:
            inside = column.isin(list(self.operand)).to_numpy(dtype=bool)
            return inside if self.operator == "in" else ~inside
        if self.operator == "equals":
            return (column == self.operand).to_numpy(dtype=bool)
        compare = _COMPARE[self.operator]
        return np.asarray(compare(self.field.ranks(column), self.field.rank(self.operand)),
                          dtype=bool)

    def fields(self) -> frozenset[Field]:
        return frozenset({self.field})


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, attributes: Mapping[str, Any]) -> bool:
        return all(p.holds(attributes) for p in self.parts)

    def mask(self, columns: Mapping[str, pd.Series]) -> np.ndarray:
        return np.logical_and.reduce([p.mask(columns) for p in self.parts])

    def fields(self) -> frozenset[Field]:
        return frozenset().union(*(p.fields() for p in self.parts))


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, attributes: Mapping[str, Any]) -> bool:
        return any(p.holds(attributes) for p in self.parts)

    def mask(self, columns: Mapping[str, pd.Series]) -> np.ndarray:
        return np.logical_or.reduce([p.mask(columns) for p in self.parts])

    def fields(self) -> frozenset[Field]:
        return frozenset().union(*(p.fields() for p in self.parts))


@dataclass(frozen=True)
class Not:
    part: Condition

    def holds(self, attributes: Mapping[str, Any]) -> bool:
        return not self.part.holds(attributes)

    def mask(self, columns: Mapping[str, pd.Series]) -> np.ndarray:
        return ~self.part.mask(columns)

    def fields(self) -> frozenset[Field]:
        return self.part.fields()


def evaluate(condition: Condition, attributes: Mapping[str, Any]) -> bool:
    """The condition on one ticket's attributes, checked first (see :func:`check_attributes`)."""
    check_attributes(attributes, condition.fields())
    return condition.holds(attributes)


# -- checking attributes --------------------------------------------------------------


def check_attributes(attributes: Mapping[str, Any], fields: Iterable[Field]) -> None:
    """Raise DataError unless every field has a valid value in ``attributes``."""
    problems = []
    for field in fields:
        if field.code not in attributes:
            hint = did_you_mean(field.code, attributes) if attributes else None
            problems.append(f'missing attribute "{field.code}" ({field.expected()})'
                            + (f". {hint}" if hint else ""))
        elif not field.allows(attributes[field.code]):
            value = attributes[field.code]
            hint = did_you_mean(str(value), field.values) if field.kind == "choice" else None
            problems.append(f'attribute "{field.code}": expected {field.expected()}, '
                            f"found {value!r}" + (f". {hint}" if hint else ""))
    if problems:
        raise DataError("cannot classify: " + "; ".join(problems))


def frame_columns(frame: pd.DataFrame, fields: Iterable[Field]) -> dict[str, pd.Series]:
    """The frame's columns for ``fields``, after checking every row; bad rows are named."""
    problems = []
    columns: dict[str, pd.Series] = {}
    for field in fields:
        if field.code not in frame.columns:
            hint = did_you_mean(field.code, frame.columns)
            problems.append(f'no column "{field.code}"' + (f". {hint}" if hint else ""))
            continue
        column = frame[field.code]
        bad = np.flatnonzero(~field.valid(column))
        if bad.size:
            rows = ", ".join(str(frame.index[i]) for i in bad[:5]) + ("…" if bad.size > 5 else "")
            problems.append(f'column "{field.code}": expected {field.expected()}, found '
                            f"{column.iloc[bad[0]]!r} in {bad.size} row(s): {rows}")
        columns[field.code] = column.reset_index(drop=True)
    if problems:
        raise DataError("cannot classify: " + "; ".join(problems))
    return columns


# -- reading from a rule pack -----------------------------------------------------------


def parse_fields(node: Node) -> dict[str, Field]:
    """The pack's ``fields:`` mapping (code → kind, name, values)."""
    fields: dict[str, Field] = {}
    for code, spec in node.items():
        if code in COMBINATORS:
            spec.report("a field name other than all, any, not", f'"{code}"')
            continue
        if not spec.mapping(required=("name", "type"), optional=("values", "ordered")):
            continue
        name = parse_text(spec["name"])
        kind = spec["type"].choice(FIELD_KINDS, "a field type:")
        values: list[str] = []
        value_names: list[Text] = []
        if kind == "choice":
            if not isinstance(spec["values"].value, dict) or not spec["values"].value:
                spec["values"].report("a mapping of at least one value to its name")
                continue
            for value, label in spec["values"].items():
                text = parse_text(label)
                if text is not None:
                    values.append(str(value))
                    value_names.append(text)
        elif spec.has("values"):
            spec["values"].report(f"no values for a {kind} field", "values")
        ordered = bool(spec["ordered"].bool()) if spec.has("ordered") else False
        if ordered and kind != "choice":
            spec["ordered"].report("ordered only on a choice field", f"ordered on a {kind} field")
        if name is not None and kind is not None:
            fields[str(code)] = Field(str(code), name, kind, tuple(values), tuple(value_names),
                                      ordered)
    return fields


def parse_condition(node: Node, fields: Mapping[str, Field]) -> Condition | None:
    """A condition: a mapping of fields and combinators (several keys: all must hold).

    ``{perte: interruption_complete}`` tests equality; ``{portee: {in: [groupe, site]}}``
    any operator; ``all: [...]``, ``any: [...]`` and ``not: {...}`` combine.
    """
    if not isinstance(node.value, dict) or not node.value:
        node.report("a condition: a mapping of declared fields (or all/any/not) to tests")
        return None
    parts: list[Condition] = []
    for key, child in node.items():
        part = _parse_entry(str(key), child, fields)
        if part is not None:
            parts.append(part)
    if len(parts) != len(node.value):
        return None
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _parse_entry(key: str, node: Node, fields: Mapping[str, Field]) -> Condition | None:
    if key in ("all", "any"):
        items = node.list()
        parsed = [parse_condition(item, fields) for item in items]
        if not items or any(p is None for p in parsed):
            return None
        parts = tuple(p for p in parsed if p is not None)
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        inner = parse_condition(node, fields)
        return Not(inner) if inner is not None else None
    field = fields.get(key)
    if field is None:
        node.doc.report(node.path, "a declared field or all/any/not", f'unknown field "{key}"',
                        did_you_mean(key, [*fields, *COMBINATORS]))
        return None
    if not isinstance(node.value, dict):
        operand = _operand(node, field)
        return Comparison(field, "equals", operand) if operand is not None else None
    if len(node.value) != 1:
        node.report("one operator: " + ", ".join(field.operators),
                    f"{len(node.value)} operators" if node.value else "none")
        return None
    ((op, operand_node),) = node.items()
    if op not in field.operators:
        node.doc.report(operand_node.path, f"an operator for a {field.kind} field: "
                        + ", ".join(field.operators), f'"{op}"',
                        did_you_mean(str(op), field.operators))
        return None
    if op in SET_OPERATORS:
        items = operand_node.list()
        values = [_operand(item, field) for item in items]
        if not items or any(v is None for v in values):
            return None
        return Comparison(field, str(op), tuple(values))
    operand = _operand(operand_node, field)
    return Comparison(field, str(op), operand) if operand is not None else None


def _operand(node: Node, field: Field) -> Any:
    if field.kind == "choice":
        return node.choice(field.values, f'a value of the field "{field.code}":')
    if field.kind == "bool":
        return node.bool()
    return node.number()
