"""The level_one section: one pool (today's form, the fast path) or agent groups with
skills and routing; every mistake located with what was expected; the engine each
scenario gets."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from cau.cli import main
from rules.errors import ValidationError
from rules.measure import measure
from sim.capacity import OfferedLoad
from sim.model import simulate_replication
from sim.replications import call_options
from sim.scenario import ANY_CALL
from sim.scenario_loader import load_scenario
from sim.staff_search import staff_plan

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASELINE = SCENARIOS / "cspq-baseline.yaml"

TEAMS = """\
level_one:
  groups:
    N1-bureautique:
      staffing:
        shifts:
          - {days: mon-fri, start: "07:30", end: "15:00", headcount: 3, breaks: ["11:30-12:00"]}
          - {days: mon-fri, start: "09:30", end: "17:00", headcount: 3, breaks: ["13:00-13:30"]}
      skills: [option-1, panne]
    N1-centraux-web:
      staffing:
        shifts:
          - {days: lun-ven, start: "07:30", end: "17:00", headcount: 2}
      skills: [option-2, panne]
      emails: false
      at_shift_end: hand_back
  routing:
    - {name: panne, when: {outage: true}, first: N1-centraux-web, overflow_after: 0s,
       priority: 1}
    - {name: option-1, when: {option: "1"}}
    - {name: option-2, when: {option: "2"}}
"""


def variant(tmp_path: Path, text: str, name: str = "variant.yaml") -> Path:
    """A scenario file: the baseline with ``text``'s level_one instead of its own."""
    base = BASELINE.read_text(encoding="utf-8")
    start = base.index("level_one:\n")
    end = base.index("  handling:", start)
    path = tmp_path / name
    path.write_text(base[:start] + text + base[end:], encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        load_scenario(variant(tmp_path, text))
    return {p.path: f"{p.expected} | {p.found} | {p.suggestion}" for p in caught.value.problems}


def test_one_pool_is_one_group_answering_every_call_by_the_fast_path() -> None:
    scenario, _ = load_scenario(SCENARIOS / "one-pool.yaml")  # its base's groups removed
    level_one = scenario.level_one
    (group,) = level_one.groups.values()
    assert group.name == "CAU-N1" and group.skills == (ANY_CALL,) and group.emails
    assert [t.name for t in level_one.routing] == [ANY_CALL]
    assert level_one.fast_path and level_one.engine == "recursion"


def test_agent_groups_with_skills_and_routing(tmp_path: Path) -> None:
    scenario, _ = load_scenario(variant(tmp_path, TEAMS))
    level_one = scenario.level_one
    assert list(level_one.groups) == ["N1-bureautique", "N1-centraux-web"]
    web = level_one.groups["N1-centraux-web"]
    assert web.skills == ("option-2", "panne") and not web.emails
    assert web.at_shift_end == "hand_back"
    panne, one, two = level_one.routing
    assert two.when.options == {"2"}
    assert panne.when.outage is True and panne.priority == 1 and panne.overflow_after == 0
    assert level_one.skilled(panne) == ("N1-centraux-web", "N1-bureautique")
    assert one.first == "N1-bureautique" and one.when.options == {"1"}  # its only skilled group
    assert one.overflow_after is None and one.priority is None
    assert not level_one.fast_path and level_one.engine == "simpy"
    # the desk's staffing is every group's shifts together
    assert sum(s.headcount for s in level_one.staffing.shifts) == 8
    assert math.isclose(scenario.level_one.handling["phone"].mean, 360.0)


def test_mistakes_in_groups_and_routing_are_located(tmp_path: Path) -> None:
    text = (TEAMS.replace("skills: [option-1, panne]", "skills: [optoin-1, panne]")
            .replace("emails: false", "emails: non")
            .replace("at_shift_end: hand_back", "at_shift_end: handback")
            .replace('when: {option: "1"}', 'when: {option: "3"}')
            .replace('when: {option: "2"}', 'when: {option: "2", priority: [P1, P9]}')
            .replace("first: N1-centraux-web", "first: N1-centraux"))
    found = problems(tmp_path, text)
    assert "option-1" in found["level_one.groups.N1-bureautique.skills"]
    assert "true or false" in found["level_one.groups.N1-centraux-web.emails"]
    assert "hand_back" in found["level_one.groups.N1-centraux-web.at_shift_end"]
    assert '"3"' in found["level_one.routing[1].when.option"]
    assert '"P9"' in found["level_one.routing[2].when.priority"]
    assert "N1-centraux-web" in found["level_one.routing[0].first"]


def test_routing_must_fit_the_groups_and_the_demand(tmp_path: Path) -> None:
    lacking = problems(tmp_path, TEAMS.replace("skills: [option-2, panne]", "skills: [option-2]"))
    assert 'the skill "panne"' in lacking["level_one.groups.N1-centraux-web.skills"]
    uncovered = problems(tmp_path, TEAMS.replace('    - {name: option-2, when: {option: "2"}}\n',
                                                  "").replace("option-2, ", ""))
    assert "option 2" in uncovered["level_one.routing"]
    assert "without `when`" in uncovered["level_one.routing"]
    stream = problems(tmp_path, TEAMS.replace('when: {option: "2"}',
                                              'when: {stream: "phone option two"}'))
    assert '"phone option 2"' in stream["level_one.routing[2].when.stream"]
    both = problems(tmp_path, TEAMS.replace("  groups:\n", "  group: CAU\n  groups:\n", 1))
    assert "one pool" in both["level_one"]
    mail = problems(tmp_path, TEAMS.replace("    N1-bureautique:\n",
                                            "    N1-bureautique:\n      emails: false\n"))
    assert "works e-mails" in mail["level_one.groups"]
    alone = problems(tmp_path, TEAMS.replace("skills: [option-1, panne]", "skills: [panne]")
                     .replace('{name: option-1, when: {option: "1"}}',
                              '{name: option-1, when: {option: "1"}, overflow_after: 1min}'))
    assert "in no group's skills" in alone["level_one.routing[1].name"]


def test_validate_shows_the_groups_their_routing_and_the_engine(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]
                                                                ) -> None:
    assert main(["validate", str(variant(tmp_path, TEAMS)), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "engine: SimPy model of the agent groups" in out
    assert ("N1-centraux-web: up to 2 agents, 95 agent-hours a week; skills: option-2, panne; "
            "at shift end: hand it back to the queue") in out
    assert ("Routing: panne → N1-centraux-web (overflow to N1-bureautique as soon as an agent "
            "is idle; priority 1) · option-1 → N1-bureautique · option-2 → N1-centraux-web") in out
    assert main(["validate", str(SCENARIOS / "one-pool.yaml")]) == 0
    assert "moteur : chemin rapide (récursion : un groupe" in capsys.readouterr().out


def test_capacity_and_staffing_are_per_group_for_agent_groups(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario, pack = load_scenario(variant(tmp_path, TEAMS))
    where = {w.where.split(",")[0] for w in scenario.warnings}
    assert where <= {"level_one.groups.N1-bureautique.staffing",
                     "level_one.groups.N1-centraux-web.staffing", "level_one.groups"}
    assert "level_one.groups.N1-centraux-web.staffing" in where  # 2 agents for option 2
    load = OfferedLoad.of(scenario, pack)
    # each call goes first to one group: the groups' loads add up to the desk's
    total = sum(g.erlangs for g in load.groups.values())
    np.testing.assert_allclose(total, load.erlangs, rtol=1e-9)
    option_two = load.groups["N1-centraux-web"].calls.sum() * 1800
    assert option_two == pytest.approx(1300, rel=1e-6)  # option 2's month, the outage aside
    out = tmp_path / "staffed.yaml"
    assert main(["staff", str(variant(tmp_path, TEAMS)), "--out", str(out), "--lang", "en"]) == 0
    assert "Group N1-centraux-web (the calls routed to it first)" in capsys.readouterr().out
    staffed, _ = load_scenario(out)
    assert list(staffed.level_one.groups) == ["N1-bureautique", "N1-centraux-web"]
    web = staff_plan(scenario, pack, "N1-centraux-web")
    again = staff_plan(staffed, pack, "N1-centraux-web")
    assert (again.current == web.needed).all() and web.needed.max() > 2


def test_cross_training_two_agents_lifts_option_two_and_leaves_option_one() -> None:
    """The README's question on the same callers (common random numbers): option 2's
    share answered in time rises, option 1's barely moves."""
    gains = []
    for name in ("cspq-baseline.yaml", "cross-train-option-2.yaml"):
        scenario, pack = load_scenario(SCENARIOS / name)
        scenario = dataclasses.replace(scenario, horizon=dataclasses.replace(
            scenario.horizon, days=14, warmup_days=0))
        shares = []
        for seed in range(3):
            replication = simulate_replication(scenario, pack, np.random.SeedSequence(seed))
            measured = measure(replication.log, pack)
            options = call_options(replication.log, measured.judged_calls)
            target = measured.judged_calls.targets["reponse-appels"]
            shares.append([(target.met & target.counted & (options == o)).sum()
                           / (target.counted & (options == o)).sum() for o in ("1", "2")])
        gains.append(np.array(shares))
    option_one, option_two = (gains[1] - gains[0]).T
    assert option_two.min() > 0.02, option_two
    assert abs(option_one.mean()) < 0.02, option_one
