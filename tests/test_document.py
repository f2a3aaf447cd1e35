"""The YAML document reader: safe loading, positions, and problems collected all at once."""

from __future__ import annotations

import pytest

from rules.document import Document, did_you_mean
from rules.errors import InputFileError, ValidationError
from rules.units import format_duration, parse_duration, parse_percent

TEXT = """\
name: demo
targets:
  p1:
    threshold: 3h
    goal: 85%
  p2:
    threshold: 5 heures
    goal: 1.5
    colour: blue
"""


def read_targets(doc: Document) -> None:
    root = doc.root()
    root.mapping(required=("name", "targets"))
    for _key, target in root["targets"].items():
        target.mapping(required=("threshold", "goal"))
        target["threshold"].duration()
        target["goal"].percent()


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    doc = Document("demo.yaml", TEXT)
    read_targets(doc)
    with pytest.raises(ValidationError) as caught:
        doc.raise_problems()
    problems = caught.value.problems
    assert [(p.path, p.line) for p in problems] == [
        ("targets.p2.colour", 9),
        ("targets.p2.threshold", 7),
        ("targets.p2.goal", 8),
    ]
    assert "1d 2h" in problems[1].expected
    assert problems[1].found == '"5 heures"'
    assert "85%" in problems[2].expected
    assert str(problems[1]).startswith("demo.yaml:7:16: targets.p2.threshold: expected")


def test_unknown_key_gets_a_did_you_mean() -> None:
    doc = Document("x.yaml", "name: a\ntargest: {}\n")
    doc.root().mapping(required=("name",), optional=("targets",))
    (problem,) = doc.problems
    assert problem.path == "targest"
    assert problem.suggestion == 'Did you mean "targets"?'


def test_unknown_key_points_at_the_key_not_its_block() -> None:
    doc = Document("x.yaml", "name: a\nhorizn:\n  days: 31\n")
    doc.root().mapping(required=("name",), optional=("horizon",))
    (problem,) = doc.problems
    assert (problem.path, problem.line, problem.column) == ("horizn", 2, 1)


def test_missing_required_key_points_at_the_probable_misspelling() -> None:
    doc = Document("x.yaml", "nmae: a\n")
    doc.root().mapping(required=("name",))
    messages = [str(p) for p in doc.problems]
    assert any('Is "nmae" meant to be "name"?' in m for m in messages)


def test_duplicate_keys_are_a_problem() -> None:
    doc = Document("x.yaml", "a: 1\na: 2\n")
    assert doc.problems and doc.problems[0].found == '"a" twice'


def test_broken_yaml_names_line_and_column() -> None:
    with pytest.raises(ValidationError) as caught:
        Document("bad.yaml", "a: [1, 2\nb: 3\n")
    (problem,) = caught.value.problems
    assert problem.line is not None and problem.expected == "valid YAML"


def test_unsafe_tags_are_refused_not_constructed() -> None:
    doc = Document("evil.yaml", "a: !!python/object/apply:os.system ['true']\n")
    assert doc.data == {"a": None}
    assert doc.problems[0].found == "the tag tag:yaml.org,2002:python/object/apply:os.system"


def test_missing_file_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        Document.from_path(tmp_path / "absent.yaml")


def test_choice_suggests_the_closest_name() -> None:
    doc = Document("x.yaml", "calendar: ouvrable-0830-1630\n")
    assert doc.root()["calendar"].choice(["ouvrables-0830-1630", "24/7"]) is None
    assert doc.problems[0].suggestion == 'Did you mean "ouvrables-0830-1630"?'


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("40s", 40), ("3h", 10800), ("1d 2h", 93600), ("90min", 5400), ("1.5h", 5400), ("2m", 120)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["40", "3 heures", "h", "", "3h x", 40, True])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "fraction"), [("85%", 0.85), ("85 %", 0.85), (0.8, 0.8), (1, 1.0)]
)
def test_percentages(value: object, fraction: float) -> None:
    assert parse_percent(value) == pytest.approx(fraction)


@pytest.mark.parametrize("value", ["85", "185%", 1.5, -0.1, True, None])
def test_bad_percentages(value: object) -> None:
    with pytest.raises(ValueError):
        parse_percent(value)


def test_format_duration_round_trips() -> None:
    for seconds in (40, 3600, 93600, 5400, 0):
        assert parse_duration(format_duration(seconds)) == seconds


def test_did_you_mean_lists_choices_when_nothing_is_close() -> None:
    assert did_you_mean("zzz", ["a", "b"]) == 'Allowed: "a", "b".'


# -- hostile YAML: every case a located problem, never a hang or a traceback -------------
def _problems(text: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Document("hostile.yaml", text).raise_problems()
    return [str(p) for p in caught.value.problems]


def test_aliases_expand_to_a_bounded_number_of_values() -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
        for p, n in zip("abcdefghi", "bcdefghij", strict=True))  # 10^10 values asked
    [problem] = _problems(laughs)
    assert "expected aliases that expand to at most 10,000 values, found more" in problem
    few = Document("fine.yaml", "a: &a [1, 2]\nb: [*a, *a]\n")  # ordinary reuse is fine
    assert few.data == {"a": [1, 2], "b": [[1, 2], [1, 2]]} and not few.problems


def test_an_alias_inside_its_own_anchor_is_a_problem() -> None:
    [problem] = _problems("a: &x [*x]\n")
    assert "hostile.yaml:1:4: a[0]: expected an alias that does not contain itself" in problem


def test_keys_are_names_or_numbers() -> None:
    [problem] = _problems("? [a, b]\n: 1\nc: 2\n")
    assert "expected keys that are names or numbers, found a list as a key" in problem


def test_merge_keys_merge_under_the_mapping_own_keys() -> None:
    doc = Document("merge.yaml", "base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\n"
                                 "one: {<<: *b, y: 20}\nmany: {<<: [*b, *o], w: 0}\n")
    assert not doc.problems
    assert doc.data["one"] == {"x": 1, "y": 20}
    assert doc.data["many"] == {"x": 1, "y": 2, "z": 4, "w": 0}  # the first listed wins
    assert doc.positions[("one", "x")] == (1, 14)  # where the merged value is written
    assert "a mapping (or a list of mappings) to merge" in _problems("a: {<<: 1}\n")[0]


def test_a_value_yaml_cannot_make_is_one_problem_at_its_place() -> None:
    [problem] = _problems("n: " + "9" * 5000 + "\nday: 2026-02-30\n")[:1]
    assert problem.startswith("hostile.yaml:1:4: n: expected a value YAML can read, found "
                              '"9999')
    assert "(5,000 characters)" in problem
    doc = Document("day.yaml", "day: 2026-02-30\n")
    doc.root()["day"].str()  # said once: the accessors say nothing more of it
    assert len(doc.problems) == 1 and "day is out of range" in str(doc.problems[0])


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1" * 400])
def test_a_number_is_finite(value: str) -> None:
    doc = Document("n.yaml", f"n: {value}\n")
    assert doc.root()["n"].number(low=0.0) is None
    assert "expected a number of at least 0.0" in str(doc.problems[0])


def test_nesting_is_bounded() -> None:
    [problem] = _problems("a: " + "[" * 200 + "]" * 200 + "\n")
    assert "at most 64 levels of nesting" in problem
