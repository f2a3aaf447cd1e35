"""Priority classification: the decision table (first match wins) and the ITIL matrix."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.classification import DecisionTable, ImpactUrgencyMatrix, parse_classification
from rules.conditions import parse_fields
from rules.document import Document
from rules.errors import DataError
from rules.loader import default_pack, load_rule_pack

FIELDS = """\
fields:
  impact:
    name: Impact
    type: choice
    values: {high: élevé, medium: moyen, low: faible}
  urgency:
    name: Urgence
    type: choice
    values: {high: élevée, medium: moyenne, low: faible}
  workaround: {name: Contournement, type: bool}
"""
PRIORITIES = ("P1", "P2", "P3", "P4")


def classification(text: str) -> tuple[object, Document]:
    doc = Document("k.yaml", FIELDS + "classification:\n" + text)
    fields = parse_fields(doc.root()["fields"])
    return parse_classification(doc.root()["classification"], fields, PRIORITIES), doc


TABLE = """\
  decision_table:
    rules:
      - {priority: P1, when: {impact: high, urgency: high}}
      - {priority: P2, when: {impact: high}}
      - {priority: P2, when: {urgency: high, workaround: false}}
    default: P4
"""


def test_first_matching_rule_wins_else_the_default() -> None:
    table, doc = classification(TABLE)
    assert doc.problems == [] and isinstance(table, DecisionTable)
    assert table.classify({"impact": "high", "urgency": "high", "workaround": True}) == "P1"
    assert table.classify({"impact": "high", "urgency": "low", "workaround": True}) == "P2"
    assert table.classify({"impact": "low", "urgency": "high", "workaround": False}) == "P2"
    assert table.classify({"impact": "low", "urgency": "high", "workaround": True}) == "P4"


ATTRIBUTES = st.fixed_dictionaries({
    "impact": st.sampled_from(["high", "medium", "low"]),
    "urgency": st.sampled_from(["high", "medium", "low"]),
    "workaround": st.booleans(),
})


@given(st.lists(ATTRIBUTES, min_size=1, max_size=40))
def test_the_vectorised_table_equals_row_by_row(rows: list[dict]) -> None:
    table, _ = classification(TABLE)
    assert isinstance(table, DecisionTable)
    frame = pd.DataFrame(rows, index=[f"t{i}" for i in range(len(rows))])
    result = table.classify_frame(frame)
    assert list(result.index) == list(frame.index)
    assert list(result) == [table.classify(r) for r in rows]


MATRIX = """\
  matrix:
    impact: impact
    urgency: urgency
    cells:
      high: {high: P1, medium: P2, low: P3}
      medium: {high: P2, medium: P3, low: P4}
      low: {high: P3, medium: P4, low: P4}
"""


def test_impact_urgency_matrix() -> None:
    matrix, doc = classification(MATRIX)
    assert doc.problems == [] and isinstance(matrix, ImpactUrgencyMatrix)
    assert matrix.classify({"impact": "high", "urgency": "medium"}) == "P2"
    assert matrix.classify({"impact": "low", "urgency": "low"}) == "P4"
    frame = pd.DataFrame({"impact": ["medium", "high"], "urgency": ["medium", "high"]})
    assert list(matrix.classify_frame(frame)) == ["P3", "P1"]
    with pytest.raises(DataError, match='Did you mean "medium"'):
        matrix.classify({"impact": "mediun", "urgency": "low"})


def test_matrix_problems_are_all_reported() -> None:
    text = MATRIX.replace("medium: {high: P2, medium: P3, low: P4}",
                          "meduim: {high: P2, medium: P9}").replace(
                              "urgency: urgency", "urgency: workaround")
    _, doc = classification(text)
    found = {(p.path, p.suggestion) for p in doc.problems}
    assert ("classification.matrix.urgency", None) in found
    _, doc = classification(MATRIX.replace("medium: {high: P2, medium: P3, low: P4}",
                                           "meduim: {high: P2, medium: P9}"))
    paths = [p.path for p in doc.problems]
    assert paths[0] == "classification.matrix.cells.meduim"
    assert doc.problems[0].suggestion == 'Did you mean "medium"?'
    assert paths[-1] == "classification.matrix.cells"
    assert "medium×high" in doc.problems[-1].found


def test_table_problems_are_all_reported() -> None:
    text = TABLE.replace("priority: P2, when: {impact: high}", "priority: P7, when: {impct: high}")
    _, doc = classification(text + "    colour: red\n")
    assert {p.path for p in doc.problems} == {
        "classification.decision_table.rules[1].priority",
        "classification.decision_table.rules[1].when.impct",
        "classification.decision_table.colour",
    }
    _, doc = classification("  matrix: {}\n  decision_table: {}\n")
    assert doc.problems[0].found == "decision_table and matrix"


# -- the CAU's own table, on cases read from the seed's descriptions ---------------------

SEED_CASES = [
    # P1: complete interruption affecting the mission, no workaround, very high impact
    ({"perte": "interruption_complete", "portee": "organisation", "contournement": False,
      "impact_mission": "tres_eleve"}, "P1"),
    # P2: total loss for all users of a site, with an effect on the mission
    ({"perte": "perte_totale", "portee": "site_ou_systeme", "contournement": False,
      "impact_mission": "important"}, "P2"),
    # P2: major degradation touching the whole organisation
    ({"perte": "degradation_importante", "portee": "organisation", "contournement": True,
      "impact_mission": "important"}, "P2"),
    # P2 rather than P1: a complete interruption with a workaround
    ({"perte": "interruption_complete", "portee": "organisation", "contournement": True,
      "impact_mission": "tres_eleve"}, "P2"),
    # P3: minor degradation touching the whole organisation
    ({"perte": "degradation_mineure", "portee": "organisation", "contournement": True,
      "impact_mission": "modere"}, "P3"),
    # P3: loss of functionality for all users of a site
    ({"perte": "perte_fonctionnalite", "portee": "site_ou_systeme", "contournement": True,
      "impact_mission": "modere"}, "P3"),
    # P3: total loss of service for a group of users
    ({"perte": "perte_totale", "portee": "groupe", "contournement": False,
      "impact_mission": "negligeable"}, "P3"),
    # P4: degradation with negligible impact that can be worked around
    ({"perte": "degradation_mineure", "portee": "groupe", "contournement": True,
      "impact_mission": "negligeable"}, "P4"),
    # P4: loss for a few users with a negligible impact
    ({"perte": "perte_totale", "portee": "quelques_utilisateurs", "contournement": True,
      "impact_mission": "negligeable"}, "P4"),
    # P5: few users, no impact
    ({"perte": "degradation_mineure", "portee": "quelques_utilisateurs", "contournement": True,
      "impact_mission": "aucun"}, "P5"),
]


@pytest.mark.parametrize(("attributes", "priority"), SEED_CASES)
def test_the_cau_table_follows_the_seed(attributes: dict, priority: str) -> None:
    assert default_pack().classify(attributes) == priority


def test_the_cau_table_classifies_a_frame_like_one_by_one() -> None:
    frame = pd.DataFrame([case for case, _ in SEED_CASES])
    assert list(default_pack().classify_frame(frame)) == [p for _, p in SEED_CASES]


def test_the_itil_pack_uses_a_matrix() -> None:
    pack = load_rule_pack("itil-example")
    assert isinstance(pack.classification, ImpactUrgencyMatrix)
    assert pack.classify({"impact": "high", "urgency": "high"}) == "P1"
    assert pack.classify({"impact": "low", "urgency": "low"}) == "P4"
