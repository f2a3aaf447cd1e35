"""From a ticket's declared attributes to its priority code.

Two forms a rule pack may choose: a :class:`DecisionTable` (rules tried in order, the
first whose condition holds gives the priority, else the declared default), as the CAU
describes its priorities; or an :class:`ImpactUrgencyMatrix`, as ITIL does. Both classify
one ticket (a mapping) or a whole data frame at once, and check the input first.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .conditions import Condition, Field, check_attributes, frame_columns, parse_condition
from .document import Node, did_you_mean
from .text import Text, parse_text

if TYPE_CHECKING:  # pandas is imported where it is used: loading a pack needs none
    import pandas as pd


@dataclass(frozen=True)
class Rule:
    """One line of a decision table: when ``condition`` holds, the ticket is ``priority``."""

    priority: str
    condition: Condition
    name: Text | None = None


@dataclass(frozen=True)
class DecisionTable:
    """Rules evaluated in order, first match wins; ``default`` when none matches."""

    rules: tuple[Rule, ...]
    default: str

    @functools.cached_property
    def fields(self) -> list[Field]:
        found = frozenset().union(*(r.condition.fields() for r in self.rules))
        return sorted(found, key=lambda f: f.code)

    def classify(self, attributes: Mapping[str, Any]) -> str:
        check_attributes(attributes, self.fields)
        for rule in self.rules:
            if rule.condition.holds(attributes):
                return rule.priority
        return self.default

    def classify_frame(self, frame: pd.DataFrame) -> pd.Series:
        import pandas as pd

        codes = self._select(frame_columns(frame, self.fields), len(frame))
        return pd.Series(codes, index=frame.index, name="priority", dtype=object)

    def _select(self, columns: Mapping[str, pd.Series], rows: int) -> np.ndarray:
        result = np.full(rows, self.default, dtype=object)
        undecided = np.ones(rows, dtype=bool)
        for rule in self.rules:
            hit = undecided & rule.condition.mask(columns)
            result[hit] = rule.priority
            undecided &= ~hit
        return result


@dataclass(frozen=True)
class ImpactUrgencyMatrix:
    """Priority read from a table of impact (rows) × urgency (columns); every cell set."""

    impact: Field
    urgency: Field
    cells: Mapping[tuple[str, str], str]

    @property
    def fields(self) -> list[Field]:
        return [self.impact, self.urgency]

    def classify(self, attributes: Mapping[str, Any]) -> str:
        check_attributes(attributes, self.fields)
        return self.cells[(attributes[self.impact.code], attributes[self.urgency.code])]

    def classify_frame(self, frame: pd.DataFrame) -> pd.Series:
        import pandas as pd

        columns = frame_columns(frame, self.fields)
        cells = pd.Series(self.cells)  # indexed by (impact, urgency)
        keys = pd.MultiIndex.from_arrays([columns[self.impact.code], columns[self.urgency.code]])
        codes = cells.reindex(keys).to_numpy(dtype=object)
        return pd.Series(codes, index=frame.index, name="priority", dtype=object)


Classification = DecisionTable | ImpactUrgencyMatrix


def parse_classification(
    node: Node, fields: Mapping[str, Field], priorities: Collection[str]
) -> Classification | None:
    """The pack's ``classification:``: either ``decision_table`` or ``matrix``."""
    if not node.mapping(optional=("decision_table", "matrix")):
        return None
    forms = [k for k in ("decision_table", "matrix") if node.has(k)]
    if len(forms) != 1:
        node.report('exactly one of "decision_table" or "matrix"',
                    " and ".join(forms) if forms else "neither")
        return None
    if forms[0] == "matrix":
        return _parse_matrix(node["matrix"], fields, priorities)
    return _parse_table(node["decision_table"], fields, priorities)


def _parse_table(
    node: Node, fields: Mapping[str, Field], priorities: Collection[str]
) -> DecisionTable | None:
    if not node.mapping(required=("rules", "default")):
        return None
    rules = []
    items = node["rules"].list()
    for item in items:
        if not item.mapping(required=("priority", "when"), optional=("name",)):
            continue
        priority = item["priority"].choice(priorities, "a declared priority:")
        condition = parse_condition(item["when"], fields)
        name = parse_text(item["name"]) if item.has("name") else None
        if priority is not None and condition is not None:
            rules.append(Rule(str(priority), condition, name))
    default = node["default"].choice(priorities, "a declared priority:")
    if default is None or not items or len(rules) != len(items):
        return None
    return DecisionTable(tuple(rules), str(default))


def _parse_matrix(
    node: Node, fields: Mapping[str, Field], priorities: Collection[str]
) -> ImpactUrgencyMatrix | None:
    if not node.mapping(required=("impact", "urgency", "cells")):
        return None
    axes = [_axis(node[key], fields) for key in ("impact", "urgency")]
    impact, urgency = axes
    if impact is None or urgency is None:
        return None
    cells: dict[tuple[str, str], str] = {}
    for row_value, row in node["cells"].items():
        if row_value not in impact.values:
            row.doc.report(row.path, f'a value of "{impact.code}"', f'"{row_value}"',
                           did_you_mean(str(row_value), impact.values))
            continue
        for column_value, cell in row.items():
            if column_value not in urgency.values:
                cell.doc.report(cell.path, f'a value of "{urgency.code}"', f'"{column_value}"',
                                did_you_mean(str(column_value), urgency.values))
                continue
            priority = cell.choice(priorities, "a declared priority:")
            if priority is not None:
                cells[(str(row_value), str(column_value))] = str(priority)
    missing = [f"{i}×{u}" for i in impact.values for u in urgency.values if (i, u) not in cells]
    if missing:
        node["cells"].report("a priority for every impact × urgency pair",
                             "none for " + ", ".join(missing))
        return None
    return ImpactUrgencyMatrix(impact, urgency, cells)


def _axis(node: Node, fields: Mapping[str, Field]) -> Field | None:
    code = node.choice(fields, "a declared field:")
    if code is None:
        return None
    field = fields[code]
    if field.kind != "choice":
        node.report("a choice field (with named values)", f'the {field.kind} field "{code}"')
        return None
    return field
