"""Declared sections (rules.schema): unknown keys located with did-you-mean, missing ones
named, every present key read even when another is wrong, defaults filled in."""

from __future__ import annotations

from rules.document import Document
from rules.schema import Key, Section


def test_a_declared_section_reports_unknown_and_missing_keys_and_reads_the_rest() -> None:
    section = Section(Key("alpha", lambda n: n.number()),
                      Key("beta", lambda n: n.str(), default="x"),
                      Key("gamma", lambda n: n.number(low=0), field="see"))
    doc = Document("s.yaml", "alpha: 1\nbetta: 2\ngamma: -1\n")
    assert section.read(doc.root()) is None
    paths = {p.path: p for p in doc.problems}
    assert paths["betta"].suggestion == 'Did you mean "beta"?' and paths["betta"].line == 2
    assert "gamma" in paths and len(paths) == 2
    good = Document("s.yaml", "alpha: 1\ngamma: 2\n")
    assert section.read(good.root()) == {"alpha": 1.0, "beta": "x", "see": 2.0}
    missing = Document("s.yaml", "beta: y\n")
    assert section.read(missing.root()) is None
    assert sorted(p.expected for p in missing.problems) == ['a key "alpha"', 'a key "gamma"']
