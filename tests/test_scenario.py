"""Scenario files: every shipped one loads; a broken one lists every problem at once;
demand spreads the declared monthly volumes exactly (in expectation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rules.errors import ValidationError
from sim.demand import draw_contacts, horizon_bounds, rate_grid
from sim.rng import Streams
from sim.scenario_loader import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASELINE = SCENARIOS / "cspq-baseline.yaml"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_scenario_file_loads(path: Path) -> None:
    scenario, pack = load_scenario(path)
    assert scenario.demand.streams and scenario.escalation.groups
    assert pack.priority_codes == ("P1", "P2", "P3", "P4", "P5")


def test_target_overrides_reach_the_pack() -> None:
    scenario, pack = load_scenario(SCENARIOS / "p3-8h-85.yaml")
    target = pack.resolution_target("P3")
    assert (target.threshold, target.goal) == (8 * 3600, 0.85)
    assert scenario.targets


def test_every_problem_is_reported_at_once_with_did_you_mean(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    for old, new in (
        ("per_month: 1300", "per_mnth: 1300"),
        ("profile: courriels", "profile: courriel"),
        ('"Partage sécurisé de documents": 13%', '"Partage securise de documents": 13%'),
        ("to: N3-infrastructure, probability: 8%", "to: N3-infra, probability: 8%"),
        ("P3: {dist: lognormal, mean: 3h, cv: 1.0}", "P3: {dist: lognormall, mean: 3h, cv: 1.0}"),
        ("calendar: ouvrable-0830-1630}", "calendar: ouvrable-0830-1600}"),
        ("contournement: {true: 55%, false: 45%}", "contournement: {true: 55%, false: 40%}"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(broken)
    problems = caught.value.problems
    paths = {p.path for p in problems}
    assert "demand.streams[1].per_mnth" in paths
    assert "demand.streams[2].profile" in paths
    assert "escalation.groups.N2-bureautique.escalate.to" in paths
    assert "escalation.groups.N3-infrastructure.work.P3.dist" in paths
    assert "escalation.waiting.calendar" in paths
    assert "demand.incidents.attributes.contournement" in paths
    assert any(p.path.startswith("demand.streams[1].services") for p in problems)
    hints = " ".join(p.suggestion or "" for p in problems)
    for right in ("per_month", "courriels", "Partage sécurisé de documents",
                  "N3-infrastructure", "lognormal", "ouvrable-0830-1630"):
        assert f'"{right}"' in hints, right
    assert all(p.line is not None and p.file == str(broken) for p in problems)


def test_an_unknown_rule_pack_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    text = text.replace("rule_pack: cspq-cau", "rule_pack: cspq-cua")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(broken)
    text = str(caught.value)
    assert "rule_pack" in text and "cspq-cau" in text


def test_monthly_volumes_are_met_inside_a_confidence_interval() -> None:
    scenario, pack = load_scenario(BASELINE)
    grid = rate_grid(scenario, pack, pack.zone)
    _, start, end = horizon_bounds(scenario, pack.zone)
    inside = grid.starts >= start
    for stream in scenario.demand.streams:  # the rate integrates to the volume exactly
        expected = float(grid.rates[stream.name][inside].sum() * 1800.0)
        assert expected == pytest.approx(stream.volume("2026-03"), rel=1e-9)
    counts = {s.name: [] for s in scenario.demand.streams}
    replications = 20
    for seed in range(replications):
        contacts = draw_contacts(scenario, pack, grid, Streams(np.random.SeedSequence(seed)))
        march = (contacts.time >= start) & (contacts.time < end) & (contacts.reason != "")
        for stream in scenario.demand.streams:
            mine = march & (contacts.channel == stream.channel) & (
                contacts.option == stream.option)
            counts[stream.name].append(int(mine.sum()))
    for stream in scenario.demand.streams:
        volume = stream.volume("2026-03")
        # Poisson: the mean of R counts has standard deviation sqrt(volume / R).
        mean = float(np.mean(counts[stream.name]))
        assert abs(mean - volume) < 4.0 * np.sqrt(volume / replications), stream.name


def test_contacts_arrive_only_while_their_calendar_is_open() -> None:
    scenario, pack = load_scenario(BASELINE)
    grid = rate_grid(scenario, pack, pack.zone)
    contacts = draw_contacts(scenario, pack, grid, Streams(np.random.SeedSequence(7)))
    phone = (contacts.channel == "phone") & (contacts.reason != "")
    assert pack.calendar("ouvrable-0730-1700").is_open(contacts.time[phone]).all()
    # Incidents are classified by the pack: every priority code is the pack's.
    incident = contacts.priority != ""
    assert set(contacts.priority[incident]) <= set(pack.priority_codes)
