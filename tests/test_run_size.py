"""What a scenario may ask of the simulator: a run-size estimate at load time refuses what
cannot fit, callers may be patient forever (Erlang C), and a pack need not set a
resolution target for every priority."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from flat_scenario import agents_table, flat_scenario

from rules.eventlog import EVENTS
from sim.distributions import Never
from sim.model import simulate_replication
from sim.run_size import MAX_CONTACTS, run_size
from sim.scenario_loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "cspq-baseline.yaml"


def test_the_baseline_fits_and_its_size_is_its_volumes_over_warm_up_and_horizon() -> None:
    scenario, pack = load_scenario(BASELINE)
    size = run_size(scenario, pack)
    assert size.fits and size.contacts < MAX_CONTACTS / 100
    monthly = 5500 + 1300 + 2000  # calls of options 1 and 2, e-mails (March 2026)
    # 31 days of March and 21 of February's warm-up: between 1 and 52/28 months of volume
    streams = sum(n for key, n in size.parts.items() if key[:2] == ("demand", "streams"))
    assert monthly < streams < monthly * 52 / 28
    assert size.parts[("demand", "outages", 0, "surge", "calls")] == 90


def test_callers_of_infinite_patience_never_hang_up(tmp_path: Path) -> None:
    path = tmp_path / "patient.yaml"
    path.write_text(flat_scenario(agents_table(3), patience="infinite"), encoding="utf-8")
    scenario, pack = load_scenario(path)
    assert isinstance(scenario.level_one.patience, Never)
    log = simulate_replication(scenario, pack, np.random.SeedSequence(1)).log
    events = log.frame["event"].astype(str)
    assert (events == "call_queued").sum() > 3000
    assert (events == "call_abandoned").sum() == 0 and "call_abandoned" in EVENTS


def test_a_pack_without_a_target_for_some_priority_simulates(tmp_path: Path) -> None:
    text = (ROOT / "rules" / "cspq-cau.yaml").read_text(encoding="utf-8")
    start = text.index("  retablissement-p1:")
    end = text.index("  retablissement-p2:")
    (tmp_path / "no-p1.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(flat_scenario(agents_table(5)).replace(
        "rule_pack: cspq-cau", "rule_pack: no-p1.yaml").replace(
        "priorities: {P3: 100%}", "priorities: {P1: 50%, P3: 50%}"), encoding="utf-8")
    scenario, pack = load_scenario(path)
    assert pack.resolution_target("P1") is None and pack.resolution_target("P2") is not None
    log = simulate_replication(scenario, pack, np.random.SeedSequence(2)).log
    frame = log.frame
    assert ((frame["event"].astype(str) == "priority") & (frame["value"] == "P1")).any()
