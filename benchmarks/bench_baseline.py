"""Time the CAU baseline scenario: one replication of a month, then of a year.

Each timing is printed beside a reference measured in the same run: the time numpy
takes just to sample the same contacts (the rate grid and the non-homogeneous Poisson
arrivals with their attributes), so the ratio says what the model's queues, agents and
resolver teams cost on top of the arrivals. Then memory, as a run of replications uses
it: a worker process (spawned, as ``cau simulate --workers K`` starts them) does one
replication of the year as every worker does (simulate, measure, summarise) and reports
its peak resident memory; the year's event log's own size is printed beside it.

Goals: a month under 1 s with the baseline's two level-1 teams on the SimPy model (issue
7; issues 4 and 8 asked 2 s of the one pool), a year under 20 s, at most 500 MB per worker
for a year. The machine may be shared: the load average is printed, CPU times beside wall
times, and the goals are judged on the CPU time of the replication (what it costs, whatever
else runs). Run: ``.venv/bin/python benchmarks/bench_baseline.py [SCENARIO]``.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from rules.measure import measure
from rules.pack import RulePack
from sim.demand import draw_contacts, rate_grid
from sim.model import simulate_replication
from sim.replications import ReplicationTask, replicate_scenario
from sim.rng import Streams
from sim.scenario import Scenario
from sim.scenario_loader import load_scenario

T = TypeVar("T")

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "cspq-baseline.yaml"
GOALS = {"month": 1.0, "year": 20.0}
WORKER_GOAL_MB = 500.0


def with_days(scenario: Scenario, days: int) -> Scenario:
    return dataclasses.replace(scenario, horizon=dataclasses.replace(scenario.horizon, days=days))


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, float, T]:
    """The shortest of ``repeat`` wall timings (the least disturbed by other processes),
    the shortest CPU time, and the last result."""
    timings, cpus, results = [], [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        results.append(work())
        timings.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(timings), min(cpus), results[-1]


def worker_peak_mb(task: ReplicationTask) -> float:
    """In a worker process: one replication as every worker does it, then this process's
    peak resident memory (MB)."""
    replicate_scenario(task)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample_contacts(scenario: Scenario, pack: RulePack, seed: np.random.SeedSequence) -> int:
    """The reference: only the arrivals and their attributes, sampled with numpy."""
    grid = rate_grid(scenario, pack, pack.zone)
    return len(draw_contacts(scenario, pack, grid, Streams(seed)))


def main(path: Path) -> int:
    scenario, pack = load_scenario(path)
    seed = np.random.SeedSequence(20261129)
    failed = False
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    groups = ", ".join(scenario.level_one.groups)
    print(f"{path.name}: level 1 ({groups}) by the {scenario.level_one.engine} engine")
    for label, days, repeat in (("month", 30, 3), ("year", 365, 1)):
        case = with_days(scenario, days)
        reference, _, contacts = best_of(repeat, partial(sample_contacts, case, pack, seed))
        simulated, cpu, replication = best_of(
            repeat, partial(simulate_replication, case, pack, seed))
        measured, _, _ = best_of(1, partial(measure, replication.log, pack))
        events = len(replication.log)
        verdict = "ok" if cpu <= GOALS[label] else "SLOWER THAN THE GOAL"
        failed |= cpu > GOALS[label]
        print(
            f"{label:5s} ({days:3d} days): {contacts:9,d} contacts, {events:10,d} events | "
            f"simulate {simulated:7.2f} s, CPU {cpu:6.2f} s (goal {GOALS[label]:g} s: "
            f"{verdict}) | sample arrivals {reference:6.3f} s, ratio "
            f"{simulated / reference:6.1f}× | measure {measured:6.2f} s"
        )
    year = with_days(scenario, 365)
    context = multiprocessing.get_context("spawn")  # as the replication pool starts workers
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        peak = pool.submit(worker_peak_mb, ReplicationTask(0, seed, year, pack)).result()
    failed |= peak > WORKER_GOAL_MB
    print(
        f"a worker doing one replication of the year (simulate, measure, summarise): peak "
        f"resident memory {peak:,.0f} MB (goal ≤ {WORKER_GOAL_MB:.0f} MB: "
        f"{'ok' if peak <= WORKER_GOAL_MB else 'ABOVE THE GOAL'}); the year's event log "
        f"itself {replication.log.nbytes / 2**20:,.1f} MB"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else BASELINE))
