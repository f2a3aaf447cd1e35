"""Time the CAU baseline scenario: one replication of a month, then of a year.

Each timing is printed beside a reference measured in the same run: the time numpy
takes just to sample the same contacts (the rate grid and the non-homogeneous Poisson
arrivals with their attributes), so the ratio says what the model's queues, agents and
resolver teams cost on top of the arrivals. Also the memory of the year's event log
(its frame's deep size) and the process's peak resident memory.

Goals (issue 4): a month under 2 s, a year under 20 s, a year's event log under 500 MB.
Run: ``.venv/bin/python benchmarks/bench_baseline.py [SCENARIO]``.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from rules.measure import measure
from rules.pack import RulePack
from sim.demand import draw_contacts, rate_grid
from sim.model import simulate_replication
from sim.rng import Streams
from sim.scenario import Scenario
from sim.scenario_loader import load_scenario

T = TypeVar("T")

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "cspq-baseline.yaml"
GOALS = {"month": 2.0, "year": 20.0}
LOG_GOAL_MB = 500.0


def with_days(scenario: Scenario, days: int) -> Scenario:
    return dataclasses.replace(scenario, horizon=dataclasses.replace(scenario.horizon, days=days))


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    """The shortest of ``repeat`` timings (the least disturbed by other processes)."""
    timings, results = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        results.append(work())
        timings.append(time.perf_counter() - start)
    return min(timings), results[-1]


def sample_contacts(scenario: Scenario, pack: RulePack, seed: np.random.SeedSequence) -> int:
    """The reference: only the arrivals and their attributes, sampled with numpy."""
    grid = rate_grid(scenario, pack, pack.zone)
    return len(draw_contacts(scenario, pack, grid, Streams(seed)))


def main(path: Path) -> int:
    scenario, pack = load_scenario(path)
    seed = np.random.SeedSequence(20261129)
    failed = False
    for label, days, repeat in (("month", 30, 3), ("year", 365, 1)):
        case = with_days(scenario, days)
        reference, contacts = best_of(repeat, partial(sample_contacts, case, pack, seed))
        simulated, replication = best_of(repeat, partial(simulate_replication, case, pack, seed))
        measured, _ = best_of(1, partial(measure, replication.log, pack))
        events = len(replication.log)
        verdict = "ok" if simulated <= GOALS[label] else "SLOWER THAN THE GOAL"
        failed |= simulated > GOALS[label]
        print(
            f"{label:5s} ({days:3d} days): {contacts:9,d} contacts, {events:10,d} events | "
            f"simulate {simulated:7.2f} s (goal {GOALS[label]:.0f} s: {verdict}) | "
            f"sample arrivals {reference:6.3f} s, ratio {simulated / reference:6.1f}× | "
            f"measure {measured:6.2f} s"
        )
        if label == "year":
            size = replication.log.nbytes / 2**20
            failed |= size > LOG_GOAL_MB
            print(
                f"year event log: {size:,.1f} MB in memory (goal < {LOG_GOAL_MB:.0f} MB); "
                f"peak resident memory of this process: "
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else BASELINE))
