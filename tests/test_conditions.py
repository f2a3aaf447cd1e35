"""Declared fields and conditions: parsed and checked at load time, evaluated safely."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.conditions import (
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Not,
    evaluate,
    frame_columns,
    parse_condition,
    parse_fields,
)
from rules.document import Document
from rules.errors import DataError

FIELDS_YAML = """\
fields:
  scope:
    name: {fr: Portée, en: Scope}
    type: choice
    ordered: true
    values: {few: peu, group: groupe, site: site, org: organisation}
  loss:
    name: Perte
    type: choice
    values: {total: totale, partial: partielle, none: aucune}
  workaround:
    name: Contournement
    type: bool
  users:
    name: Utilisateurs
    type: number
"""


def parse(condition_yaml: str) -> tuple[Condition | None, Document]:
    doc = Document("c.yaml", FIELDS_YAML + "when:\n" + condition_yaml)
    fields = parse_fields(doc.root()["fields"])
    return parse_condition(doc.root()["when"], fields), doc


def ok(condition_yaml: str) -> Condition:
    condition, doc = parse(condition_yaml)
    assert doc.problems == []
    assert condition is not None
    return condition


def test_a_plain_value_is_equality_and_several_keys_all_must_hold() -> None:
    condition = ok("  loss: total\n  workaround: false\n")
    assert isinstance(condition, AllOf)
    assert evaluate(condition, {"loss": "total", "workaround": False})
    assert not evaluate(condition, {"loss": "total", "workaround": True})
    assert not evaluate(condition, {"loss": "none", "workaround": False})


@pytest.mark.parametrize(
    ("text", "attributes", "expected"),
    [
        ("  scope: {in: [site, org]}\n", {"scope": "site"}, True),
        ("  scope: {in: [site, org]}\n", {"scope": "few"}, False),
        ("  scope: {not in: [few]}\n", {"scope": "few"}, False),
        ("  scope: {'>=': site}\n", {"scope": "org"}, True),
        ("  scope: {'>=': site}\n", {"scope": "group"}, False),
        ("  scope: {'<': group}\n", {"scope": "few"}, True),
        ("  users: {'>': 10}\n", {"users": 11}, True),
        ("  users: {'<=': 10}\n", {"users": 11}, False),
        ("  users: {equals: 3}\n", {"users": 3.0}, True),
        ("  not: {loss: none}\n", {"loss": "total"}, True),
        ("  any: [{loss: none}, {users: {'>': 100}}]\n", {"loss": "total", "users": 5}, False),
        ("  any: [{loss: none}, {users: {'>': 100}}]\n", {"loss": "none", "users": 5}, True),
        ("  all: [{loss: total}, {not: {scope: few}}]\n", {"loss": "total", "scope": "org"}, True),
    ],
)
def test_operators_and_combinators(text: str, attributes: dict, expected: bool) -> None:
    condition = ok(text)
    assert evaluate(condition, attributes) is expected


def test_the_tree_is_made_of_plain_objects() -> None:
    condition = ok("  any: [{loss: none}, {not: {scope: {in: [few, group]}}}]\n")
    assert isinstance(condition, AnyOf)
    first, second = condition.parts
    assert isinstance(first, Comparison) and first.operator == "equals"
    assert isinstance(second, Not) and isinstance(second.part, Comparison)
    assert second.part.operand == ("few", "group")


@pytest.mark.parametrize(
    ("text", "path", "found", "suggestion"),
    [
        ("  los: total\n", "when.los", 'unknown field "los"', 'Did you mean "loss"?'),
        ("  loss: totl\n", "when.loss", '"totl"', 'Did you mean "total"?'),
        ("  loss: {inn: [total]}\n", "when.loss.inn", '"inn"', 'Did you mean "in"?'),
        ("  loss: {'>': total}\n", "when.loss.>", '">"', None),
        ("  workaround: 'no'\n", "when.workaround", '"no"', None),
        ("  users: {'<': many}\n", "when.users.<", '"many"', None),
        ("  scope: {in: site}\n", "when.scope.in", '"site"', None),
        ("  anyy: []\n", "when.anyy", 'unknown field "anyy"', 'Did you mean "any"?'),
    ],
)
def test_bad_conditions_are_located_with_a_suggestion(
    text: str, path: str, found: str, suggestion: str | None
) -> None:
    condition, doc = parse(text)
    assert condition is None
    (problem,) = doc.problems
    assert (problem.path, problem.found) == (path, found)
    assert problem.line == 18
    if suggestion:
        assert problem.suggestion == suggestion


def test_an_ordered_comparison_on_an_unordered_choice_names_the_allowed_operators() -> None:
    _, doc = parse("  loss: {'>': total}\n")
    assert "equals, in, not in" in doc.problems[0].expected


def test_every_problem_of_a_condition_is_reported() -> None:
    _, doc = parse("  all: [{los: total}, {scope: {in: [sit]}}, {workaround: 1}]\n")
    assert [p.path for p in doc.problems] == [
        "when.all[0].los", "when.all[1].scope.in[0]", "when.all[2].workaround"]


def test_bad_field_declarations() -> None:
    doc = Document("f.yaml", "a: {name: A, type: text}\nb: {name: B, type: bool, ordered: true}\n"
                   "c: {name: C, type: choice}\nnot: {name: N, type: bool}\n")
    fields = parse_fields(doc.root())
    assert set(fields) == {"b"}
    assert [p.path for p in doc.problems] == ["a.type", "b.ordered", "c.values", "not"]
    assert doc.problems[0].suggestion and "choice" in doc.problems[0].suggestion


def test_missing_or_invalid_attributes_are_data_errors_with_a_suggestion() -> None:
    condition = ok("  loss: total\n")
    with pytest.raises(DataError, match=r'missing attribute "loss".*Did you mean "los"'):
        evaluate(condition, {"los": "total"})
    with pytest.raises(DataError, match=r"found 'totl'\. Did you mean \"total\""):
        evaluate(condition, {"loss": "totl"})


def test_frame_columns_name_the_bad_rows() -> None:
    condition = ok("  users: {'>': 3}\n")
    frame = pd.DataFrame({"users": [1, np.nan, 5]}, index=["a", "b", "c"])
    with pytest.raises(DataError, match=r"1 row\(s\): b"):
        frame_columns(frame, sorted(condition.fields(), key=lambda f: f.code))
    with pytest.raises(DataError, match='no column "users"'):
        frame_columns(frame.rename(columns={"users": "user"}), list(condition.fields()))


@given(st.lists(st.sampled_from(["few", "group", "site", "org"]), min_size=1, max_size=30),
       st.sampled_from(["few", "group", "site", "org"]))
def test_vectorised_ranks_equal_one_by_one_evaluation(values: list[str], pivot: str) -> None:
    condition = ok(f"  any: [{{scope: {{'>': {pivot}}}}}, {{not: {{scope: {{in: [few]}}}}}}]\n")
    mask = condition.mask({"scope": pd.Series(values)})
    assert list(mask) == [evaluate(condition, {"scope": v}) for v in values]


ROWS = st.lists(st.fixed_dictionaries({
    "scope": st.sampled_from(["few", "group", "site", "org"]),
    "loss": st.sampled_from(["total", "partial", "none"]),
    "workaround": st.booleans(),
    "users": st.integers(0, 200) | st.floats(0, 200),
}), min_size=1, max_size=25)
CONDITIONS = [
    "  any: [{loss: {in: [total, partial]}, users: {'>=': 50}}, {not: {workaround: true}}]\n",
    "  all: [{scope: {'<=': group}}, {users: {'<': 10.5}}, {loss: {not in: [none]}}]\n",
    "  not: {any: [{scope: org}, {users: {equals: 100}}]}\n",
]


@given(ROWS, st.sampled_from(CONDITIONS))
def test_the_vectorised_path_equals_the_one_ticket_path(rows: list[dict], text: str) -> None:
    condition = ok(text)
    frame = pd.DataFrame(rows, index=range(100, 100 + len(rows)))
    columns = frame_columns(frame, condition.fields())
    assert list(condition.mask(columns)) == [evaluate(condition, r) for r in rows]
