"""`cau staff`: agents needed per half-hour by Erlang A, on a flat scenario computed by
hand, monotone in volume, and written as an overlay that loads and extends its base."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from flat_scenario import flat_scenario

from cau.cli import main
from rules.pack import AnswerTimeTarget
from sim.erlang import agents_needed
from sim.scenario_loader import load_scenario
from sim.staff_search import staff_plan

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "cspq-baseline.yaml"

@pytest.fixture
def flat(tmp_path: Path) -> Path:
    path = tmp_path / "flat.yaml"
    path.write_text(
        flat_scenario('{shifts: [{days: mon-fri, start: "08:00", end: "16:00", headcount: 3}]}'),
        encoding="utf-8",
    )
    return path


def test_flat_load_needs_what_erlang_a_says_on_every_open_half_hour(flat: Path) -> None:
    scenario, pack = load_scenario(flat)
    plan = staff_plan(scenario, pack)
    [target] = [t for t in pack.targets_of("answer_time") if isinstance(t, AnswerTimeTarget)]
    expected = agents_needed(10 / 1800, 360.0, target.threshold, target.goal, 240.0)
    assert expected > 3  # more than the scenario has: the search is not the current staffing
    open_slots = [day * 48 + slot for day in range(5) for slot in range(15, 34)]
    assert np.allclose(plan.erlangs[open_slots], 2.0)
    assert (plan.needed[open_slots] == expected).all()
    assert plan.needed.sum() == expected * len(open_slots)  # nobody needed when closed
    assert plan.table() == {"mon-fri": {"07:30": expected, "17:00": 0}}
    assert plan.current_hours == 5 * 8 * 3
    assert plan.needed_hours == expected * len(open_slots) / 2


def test_more_volume_never_needs_fewer_agents() -> None:
    scenario, pack = load_scenario(BASELINE)
    base = staff_plan(scenario, pack)
    grown = staff_plan(replace(scenario, demand=replace(scenario.demand, scale=1.15)), pack)
    assert (grown.needed >= base.needed).all()
    assert grown.needed_hours > base.needed_hours


def test_overlay_loads_extends_the_base_and_has_the_needed_staffing(
    flat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plans" / "flat-staffed.yaml"
    out.parent.mkdir()
    assert main(["staff", str(flat), "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "Erlang A per half-hour ignores e-mail work" in printed
    # The base is outside the overlay's folder and the working directory: say how to allow it.
    assert f"cau simulate {out} --allow {flat.parent.resolve()}" in printed
    staffed, pack = load_scenario(out, allow=[flat.parent])
    assert [Path(b).resolve() for b in staffed.bases] == [flat.resolve()]
    scenario, _ = load_scenario(flat)
    assert replace(staffed, level_one=scenario.level_one, name=scenario.name, source="",
                   bases=(), warnings=()) == replace(scenario, source="", warnings=())
    again = staff_plan(staffed, pack)
    assert (again.current == staff_plan(scenario, pack).needed).all()
