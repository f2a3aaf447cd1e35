"""Capacity warnings at load time: offered load against agents and resolver groups,
computed by hand on a flat scenario; the baseline warns only where it is true."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flat_scenario import agents_table, flat_scenario

from rules.errors import ValidationError
from sim.capacity import capacity_warnings
from sim.erlang import ErlangA, ErlangC
from sim.scenario import ScenarioWarning
from sim.scenario_loader import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "cspq-baseline.yaml"

def _flat(tmp_path: Path, agents: int, headcount: int = 30, first: str = "50%",
          patience: str = "{dist: exponential, mean: 4min}") -> tuple[ScenarioWarning, ...]:
    path = tmp_path / "flat.yaml"
    path.write_text(flat_scenario(agents_table(agents), headcount=headcount,
                                  first_contact=first, patience=patience), encoding="utf-8")
    scenario, _ = load_scenario(path)
    return scenario.warnings


def test_calls_beyond_the_agents_on_duty_warn_on_every_weekday(tmp_path: Path) -> None:
    warnings = _flat(tmp_path, agents=2)  # 2.0 Erlangs for 2 agents: utilisation 100 %
    over = [w for w in warnings if w.severity == "warning" and "Erlangs" in w.what]
    assert [w.where for w in over] == [
        f"level_one.staffing, {day} 07:30–17:00"
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    ]
    assert "2.0 Erlangs" in over[0].what and "2 agents" in over[0].what
    assert "100%" in over[0].what and "5 of 5 Mondays" in over[0].what
    # Agent time is short over the month too: 418 × 0.5 h × 2.0 Erlangs = 418 h of work.
    month = [w for w in warnings if "agent-hours" in w.what]
    assert len(month) == 1 and "418 h" in month[0].what


def test_an_overload_says_callers_hang_up_when_they_have_patience(tmp_path: Path) -> None:
    [impatient] = [w for w in _flat(tmp_path, agents=2) if w.where.endswith("Monday 07:30–17:00")]
    abandon = ErlangA(10 / 1800, 360.0, 2, 240.0).p_abandon  # bounded queue: callers leave
    assert impatient.kind == "calls_overload_abandon"
    assert "grows without bound" not in impatient.suggestion
    assert f"expects {abandon:.0%} of them to abandon" in impatient.suggestion
    [patient] = [w for w in _flat(tmp_path, agents=2, patience="infinite")
                 if w.where.endswith("Monday 07:30–17:00")]
    assert patient.kind == "calls_overload"  # Erlang C: nobody leaves, the queue grows
    assert patient.suggestion.startswith("the queue grows without bound")


def test_erlang_c_notes_where_the_answer_target_cannot_be_met(tmp_path: Path) -> None:
    level = ErlangC(10 / 1800, 360.0, 3).service_level(40.0)
    assert level < 0.85  # so 3 agents for 2.0 Erlangs misses the 85 % goal
    warnings = _flat(tmp_path, agents=3)
    assert all(w.severity == "note" for w in warnings), warnings
    assert len(warnings) == 5
    assert f"answers {level:.1%} of calls within 40 s with 3 agents" in warnings[0].what
    needed = next(c for c in range(3, 10) if ErlangC(10 / 1800, 360.0, c).service_level(40.0)
                  >= 0.85)
    assert warnings[0].suggestion.startswith(f"{needed} agents")
    assert _flat(tmp_path, agents=needed) == ()


def test_a_resolver_group_short_of_people_warns(tmp_path: Path) -> None:
    # 4,180 incidents, half escalated, 2 h each: 4,180 h against 22 days × 8 h = 176 h a
    # person: 23 people carry 4,048 h (short), 24 carry 4,224 h.
    warnings = _flat(tmp_path, agents=5, headcount=23)
    group = [w for w in warnings if w.where == "escalation.groups.N2.headcount"]
    assert len(group) == 1 and "4,180 h of work offered in 2026-03" in group[0].what
    assert "23 people × 176 open hours = 4,048 h" in group[0].what
    assert "at least 24 people" in group[0].suggestion
    assert not [w for w in _flat(tmp_path, agents=5, headcount=24)
                if w.where.startswith("escalation")]


def test_an_overloaded_baseline_still_loads_with_its_warnings(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8").replace("scale: 1.0 ", "scale: 2.0 ", 1)
    path = tmp_path / "double.yaml"
    path.write_text(text, encoding="utf-8")
    scenario, _ = load_scenario(path)
    where = {w.where for w in scenario.warnings if w.severity == "warning"}
    assert any(w.startswith("level_one.groups.N1-bureautique.staffing, Monday") for w in where)
    assert "escalation.groups.N2-bureautique.headcount" in where


def test_the_baseline_has_no_overload() -> None:
    scenario, _ = load_scenario(BASELINE)
    assert not [w for w in scenario.warnings if w.severity == "warning"], scenario.warnings


def test_holds_occupy_nobody_in_the_capacity_check() -> None:
    """A group's offered work is its hands-on work only: dropping every hold of the
    baseline leaves the offered hours of an understaffed group exactly as they were."""
    scenario, pack = load_scenario(BASELINE)

    def offered(keep_holds: bool) -> dict[str, float]:
        groups = {name: replace(group, headcount=1, hold=group.hold if keep_holds else {})
                  for name, group in scenario.escalation.groups.items()}
        one = replace(scenario, escalation=replace(scenario.escalation, groups=groups))
        return {w.where: w.values["offered"] for w in capacity_warnings(one, pack)
                if w.kind == "group_overload"}

    held = offered(True)
    assert len(held) == 3 and all(scenario.escalation.groups[g].hold
                                  for g in scenario.escalation.groups)
    assert held == offered(False)


def test_a_warning_reads_as_one_line() -> None:
    warning = ScenarioWarning("level_one.staffing", "too few", "add some", "note")
    assert str(warning) == "note: level_one.staffing: too few. add some"


def test_volumes_with_no_open_half_hour_to_arrive_in_are_a_located_problem(
    tmp_path: Path,
) -> None:
    path = tmp_path / "weekend.yaml"
    path.write_text(flat_scenario(days="{sat: 1}"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert problem.path == "demand.streams" and problem.line is not None
    assert 'profile "flat" gives no weight' in problem.found


def test_cau_words_every_warning_in_french_and_as_sim_does_in_english(tmp_path: Path) -> None:
    from cau.scenario_summary import warning_text

    path = tmp_path / "late.yaml"  # nobody on duty from 07:30 to 08:00
    path.write_text(flat_scenario('{table: {mon-fri: {"07:30": 0, "08:00": 5, "17:00": 0}}}'),
                    encoding="utf-8")
    warnings = (*_flat(tmp_path, agents=2, headcount=23), *_flat(tmp_path, agents=3),
                *_flat(tmp_path, agents=2, patience="infinite"),
                *load_scenario(path)[0].warnings)
    path.write_text(flat_scenario('{table: {mon-fri: {"07:30": 0, "08:00": 5, "17:00": 0}}}',
                                  patience="infinite"), encoding="utf-8")
    warnings += load_scenario(path)[0].warnings
    kinds = {w.kind for w in warnings}
    assert kinds == {"calls_overload", "agent_time", "group_overload", "answer_short",
                     "calls_no_agent", "calls_overload_abandon", "calls_no_agent_abandon"}
    for warning in warnings:
        assert warning_text(warning, "en") == str(warning)
        french = warning_text(warning, "fr")
        assert french.startswith(("avertissement : ", "note : ")), french
        assert "{" not in french and "Erlangs" not in french and "utilisation 100%" not in french
    overload = next(w for w in warnings if w.kind == "calls_overload")
    assert warning_text(overload, "fr").startswith(
        "avertissement : level_one.staffing, lundi 07:30–17:00 : les appels offrent jusqu'à "
        "2,0 erlangs")
    assert "(5 lundis sur 5)" in warning_text(overload, "fr")
    # A warning built by hand, without a kind, keeps its own words.
    plain = ScenarioWarning("level_one.staffing", "too few", "add some", "note")
    assert warning_text(plain, "fr") == str(plain)
