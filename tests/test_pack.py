"""The CAU rule pack says what the seed says; the loader reports every error at once."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.errors import DataError, InputFileError, ValidationError
from rules.loader import default_pack, load_rule_pack, shipped_packs
from rules.pack import (
    AnswerTimeTarget,
    FirstContactTarget,
    ResolutionTarget,
    RulePack,
    Semantics,
)

HOUR = 3600.0


@pytest.fixture(scope="module")
def cau() -> RulePack:
    return default_pack()


def test_identity_and_priorities(cau: RulePack) -> None:
    assert (cau.id, cau.version, cau.zone) == ("cspq-cau", 1, "America/Montreal")
    assert cau.priority_codes == ("P1", "P2", "P3", "P4", "P5")
    names = [cau.priority(c).name.fr for c in cau.priority_codes]
    assert names == ["Critique", "Majeur", "Important", "Moyen", "Faible"]
    assert [cau.priority(c).name.en for c in cau.priority_codes] == [
        "Critical", "Major", "Important", "Medium", "Low"]
    assert cau.priority("P1").description.fr.startswith(
        "Interruption complète d'un service qui affecte la mission de l'organisation.")
    assert cau.priority("P5").description.fr == (
        "Peu d'utilisateurs touchés. Aucun impact sur les niveaux de service ou la mission "
        "du client.")
    assert all(cau.priority(c).description.en for c in cau.priority_codes)


@pytest.mark.parametrize(
    ("priority", "hours", "goal", "calendar", "notes"),
    [
        ("P1", 3, 0.85, "24/7", ("b", "c", "e")),
        ("P2", 5, 0.85, "24/7", ("b", "c", "e")),
        ("P3", 10, 0.80, "ouvrable-0830-1630", ("b", "d", "e")),
        ("P4", 16, 0.80, "ouvrable-0830-1630", ("b", "d", "e")),
        ("P5", 40, 0.80, "ouvrable-0830-1630", ("b", "d", "e")),
    ],
)
def test_restoration_targets(cau: RulePack, priority: str, hours: int, goal: float,
                             calendar: str, notes: tuple[str, ...]) -> None:
    target = cau.resolution_target(priority)
    assert (target.threshold, target.goal, target.calendar) == (hours * HOUR, goal, calendar)
    assert target.notes == notes and target.provisional and target.pause_while_waiting
    assert target.kind == "resolution"


def test_answer_time_and_first_contact(cau: RulePack) -> None:
    (answer,) = cau.targets_of("answer_time")
    assert isinstance(answer, AnswerTimeTarget)
    assert (answer.threshold, answer.goal, answer.calendar) == (40.0, 0.85, "ouvrable-0730-1700")
    assert (answer.denominator, answer.grace, answer.notes) == (
        "answered_and_abandoned_after_grace", 5.0, ("a",))
    (fcr,) = cau.targets_of("first_contact")
    assert isinstance(fcr, FirstContactTarget)
    assert (fcr.goal, fcr.options, fcr.services) == (
        0.65, ("1",), ("Gestion du poste de travail bureautique",))
    assert all(t.provisional for t in cau.targets)
    assert len(cau.targets_of("resolution")) == 5


def test_notes_keep_the_seed_letters(cau: RulePack) -> None:
    assert sorted(cau.notes) == ["a", "b", "c", "d", "e"]
    assert "attente d'un utilisateur" in cau.notes["e"].fr
    assert "ajustements" in cau.notes["b"].fr


def test_calendars(cau: RulePack) -> None:
    assert cau.calendar("24/7").always_open
    phone, restore = cau.calendar("ouvrable-0730-1700"), cau.calendar("ouvrable-0830-1630")
    weekdays = {d: ((7 * 3600 + 1800, 17 * 3600),) for d in range(5)}
    assert phone.windows == weekdays
    assert restore.windows == {d: ((8 * 3600 + 1800, 16 * 3600 + 1800),) for d in range(5)}
    assert phone.zone == restore.zone == "America/Montreal"
    assert not phone.is_business_day(date(2026, 12, 24))
    assert phone.is_business_day(date(2026, 12, 23))
    with pytest.raises(DataError, match='Did you mean "24/7"'):
        cau.calendar("24/8")


def test_quebec_public_service_holidays_2026(cau: RulePack) -> None:
    holidays = cau.calendar("ouvrable-0830-1630").holidays
    assert holidays is not None
    days = holidays.dates(2026)
    assert sorted(days) == [
        date(2026, 1, 1), date(2026, 1, 2),
        date(2026, 4, 3), date(2026, 4, 6),   # Good Friday, Easter Monday
        date(2026, 5, 18),                    # Journée nationale des patriotes
        date(2026, 6, 24), date(2026, 7, 1),
        date(2026, 9, 7), date(2026, 10, 12),  # Labour Day, Thanksgiving
        date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 31),
    ]
    assert days[date(2026, 4, 6)] == "Lundi de Pâques"


def test_semantics_and_catalogue(cau: RulePack) -> None:
    assert cau.semantics == Semantics(month_of="resolution", priority_target="last",
                                      priority_clock_from="opening", reopen="resume",
                                      breach="greater")
    assert cau.semantics.is_breach(3 * HOUR + 1, 3 * HOUR)
    assert not cau.semantics.is_breach(3 * HOUR, 3 * HOUR)  # exactly at the threshold is met
    catalogue = cau.catalogue
    assert catalogue is not None
    assert sorted(catalogue.channels) == ["email", "phone"]
    assert [o.code for o in catalogue.phone_options] == ["1", "2"]
    assert len(catalogue.phone_options[1].services) == 8
    assert catalogue.option_of("Transfert sécurisé de fichiers") == "2"
    assert catalogue.option_of("Gestion du poste de travail bureautique") == "1"
    assert sorted(catalogue.levels) == [1, 2, 3]
    assert len(catalogue.activities) == 8
    assert (cau.reporting.period, cau.reporting.language, cau.reporting.languages) == (
        "monthly", "fr", ("fr", "en"))


def test_lookups_suggest_the_right_name(cau: RulePack) -> None:
    with pytest.raises(DataError, match='Did you mean "P1"'):
        cau.priority("P11")
    with pytest.raises(DataError, match="retablissement-p3"):
        cau.target("retablisement-p3")
    with pytest.raises(DataError, match="answer_time"):
        cau.targets_of("answer-time")


def test_with_targets_returns_a_changed_copy(cau: RulePack) -> None:
    tried = cau.with_targets({"P3": {"threshold": "8h", "goal": "85%"},
                              "reponse-appels": {"threshold": 30},
                              "premier-contact": {"goal": 0.7}})
    assert (tried.resolution_target("P3").threshold, tried.resolution_target("P3").goal) == (
        8 * HOUR, 0.85)
    assert tried.target("reponse-appels").threshold == 30.0  # type: ignore[union-attr]
    assert tried.target("premier-contact").goal == 0.7
    assert tried.resolution_target("P4") == cau.resolution_target("P4")
    assert cau.resolution_target("P3").threshold == 10 * HOUR  # the original is unchanged


def test_with_targets_reports_every_bad_override(cau: RulePack) -> None:
    with pytest.raises(ValidationError) as caught:
        cau.with_targets({"P6": {"goal": 0.9}, "P3": {"threshold": "8 heures", "gaol": 0.9},
                          "premier-contact": {"threshold": "1h"}, "P4": {"goal": 1.5}})
    problems = {(p.path, p.suggestion) for p in caught.value.problems}
    assert len(problems) == 5
    assert ("P3.gaol", 'Did you mean "goal"?') in problems
    assert any(path == "P6" for path, _ in problems)
    assert any(path == "premier-contact.threshold" for path, _ in problems)
    assert any("1d 2h" in p.expected for p in caught.value.problems)


def test_shipped_packs_by_name() -> None:
    assert {"cspq-cau", "itil-example"} <= set(shipped_packs())
    itil = load_rule_pack("itil-example")
    assert itil.calendar("heures-ouvrees").zone == "Europe/Paris"
    holidays = itil.calendar("heures-ouvrees").holidays
    assert holidays is not None and date(2026, 7, 14) in holidays.dates(2026)
    assert [t.threshold for t in itil.targets if isinstance(t, ResolutionTarget)] == [
        4 * HOUR, 8 * HOUR, 16 * HOUR, 40 * HOUR]
    with pytest.raises(InputFileError, match='Did you mean "cspq-cau"'):
        load_rule_pack("cspq-cua")


# -- errors: every kind, all at once ---------------------------------------------------------

CAU_FILE = Path(__file__).parent.parent / "rules" / "cspq-cau.yaml"


def broken(tmp_path: Path, *edits: tuple[str, str]) -> list:
    text = CAU_FILE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_rule_pack(path)
    return caught.value.problems


def test_every_error_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    problems = broken(
        tmp_path,
        ("threshold: 3h", "threshold: 3 heures"),  # duration
        ("goal: 85%\n    calendar: \"24/7\"", "goal: 185%\n    calendar: \"24/7\""),
        ("calendar: ouvrable-0830-1630", "calendar: ouvrable-0830-1603"),  # unknown calendar
        ("priority: P4\n    threshold", "priority: P6\n    threshold"),  # unknown priority
        ("    pause_while_waiting: true\n    provisional: true\n    notes: [b, d, e]\n"
         "  retablissement-p5",
         "    pause_while_waitng: true\n    provisional: true\n    notes: [b, d, e]\n"
         "  retablissement-p5"),                                        # misspelt key
        ("perte: degradation_importante", "perte: degradation_importnte"),  # unknown value
        ("hours: {lun-ven: \"07:30-17:00\"}", "hours: {lun-vne: \"07:30-17:00\"}"),
        ("holidays: fonction-publique-quebec\n    notes: [d]",
         "holidays: fonction-publique-qebec\n    notes: [d]"),
        ("notes: [a]\n  ouvrable-0830", "notes: [z]\n  ouvrable-0830"),   # unknown note
        ("denominator: answered_and_abandoned_after_grace", "denominator: offerd"),
        ("  reopen: resume", "  reopen: resum"),
        ("zone: America/Montreal", "zone: America/Montral"),
    )
    by_path = {p.path: p for p in problems}
    expectations = {
        "targets.retablissement-p1.threshold": (None, "1d 2h"),
        "targets.retablissement-p1.goal": (None, "85%"),
        "targets.retablissement-p3.calendar": ('Did you mean "ouvrable-0830-1630"?', None),
        "targets.retablissement-p4.priority": (None, "declared priority"),
        "targets.retablissement-p4.pause_while_waitng": (
            'Did you mean "pause_while_waiting"?', None),
        "classification.decision_table.rules[2].when.perte": (
            'Did you mean "degradation_importante"?', None),
        "calendars.ouvrable-0730-1700.hours.lun-vne": (None, "lun-ven"),
        "calendars.ouvrable-0830-1630.holidays": ('Did you mean "fonction-publique-quebec"?',
                                                  None),
        "calendars.ouvrable-0730-1700.notes[0]": (None, "declared note"),
        "targets.reponse-appels.denominator": ('Did you mean "offered"?', None),
        "semantics.reopen": ('Did you mean "resume"?', None),
        "zone": ('Did you mean "America/Montreal"?', None),
    }
    assert set(expectations) <= set(by_path), sorted(by_path)
    for path, (suggestion, expected) in expectations.items():
        problem = by_path[path]
        assert problem.file.endswith("broken.yaml") and problem.line and problem.column
        if suggestion:
            assert problem.suggestion == suggestion, path
        if expected:
            assert expected in problem.expected, path


def test_problems_carry_line_column_and_found_value(tmp_path: Path) -> None:
    (problem,) = broken(tmp_path, ("threshold: 40s", "threshold: 40"))
    text = CAU_FILE.read_text(encoding="utf-8")
    line = text[: text.index("threshold: 40s")].count("\n") + 1
    assert (problem.path, problem.line, problem.found) == (
        "targets.reponse-appels.threshold", line, "40")
    assert str(problem).startswith(f"{tmp_path / 'broken.yaml'}:{line}:")


def test_structural_errors(tmp_path: Path) -> None:
    problems = broken(
        tmp_path,
        ("version: 1", "version: 2"),
        ("\nid: cspq-cau", "\nidd: cspq-cau"),
        ("  P5:\n    name: {fr: Faible, en: Low}", "  P5:\n    nom: {fr: Faible, en: Low}"),
        ("kind: answer_time", "kind: answer_tim"),
        ("    type: bool", "    type: boolean"),
    )
    paths = {p.path: p for p in problems}
    assert "supported version" in paths["version"].expected
    assert paths["idd"].suggestion == 'Did you mean "id"?'
    assert '"name"' in (paths["priorities.P5.nom"].suggestion or "")
    assert paths["targets.reponse-appels.kind"].suggestion == 'Did you mean "answer_time"?'
    assert paths["fields.contournement.type"].suggestion == 'Did you mean "bool"?'
    # the rules using the now-undeclared field are reported too, at their own place
    assert any(p.startswith("classification.decision_table.rules[0].when") for p in paths)


def test_a_second_target_for_one_priority_and_bad_hours(tmp_path: Path) -> None:
    problems = broken(
        tmp_path,
        ("priority: P5\n    threshold", "priority: P4\n    threshold"),
        ("\"08:30-16:30\"", "\"16:30-08:30\""),
        ("\"07:30-17:00\"", "\"7h30 à 17h\""),
    )
    paths = {p.path: p for p in problems}
    second = paths["targets.retablissement-p5.priority"]
    assert "one resolution target per priority" in second.expected
    assert "07:30-17:00" in paths["calendars.ouvrable-0730-1700.hours.lun-ven"].expected
    assert "overlap" in paths["calendars.ouvrable-0830-1630.hours"].expected


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_rule_pack(tmp_path / "absent.yaml")


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


CAU_DATA = yaml.safe_load(CAU_FILE.read_text(encoding="utf-8"))
CAU_PATHS = _paths(CAU_DATA)[1:]
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
    st.text(max_size=8), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(CAU_PATHS), ODD_VALUES), min_size=1, max_size=3))
def test_any_wrong_value_anywhere_is_a_validation_error_never_a_crash(
    tmp_path: Path, changes: list[tuple[tuple, object]]
) -> None:
    data = copy.deepcopy(CAU_DATA)
    for path, value in changes:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced this part of the tree
    path = tmp_path / "fuzzed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_rule_pack(path)
    except ValidationError as exc:
        assert exc.problems and all(p.line for p in exc.problems)


def test_a_pack_can_key_a_cache(cau: RulePack) -> None:
    tried = cau.with_targets({"P3": {"goal": "85%"}})
    cache = {cau: "today", tried: "tried"}
    assert cache[cau] == "today" and cache[tried] == "tried"
