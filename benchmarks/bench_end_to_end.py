"""End to end, as a user runs it: start-up, a month of calls simulated and measured, Ciw.

1. Start-up: ``cau --help``, ``cau validate`` of the CAU's pack and of its baseline
   scenario, against a bare ``python -c pass`` (best of 5 each; wall time, and CPU time,
   which a machine shared with other work inflates less). Goal: at most 0.3 s more.
2. The flat M/M/40+M month of ``benchmarks/flat/`` (1,000 calls/h, exponential talk time
   120 s and patience 300 s, 40 agents, 28 days after a 1-day warm-up: ~696,000 calls):
   the whole ``cau simulate -n 1 --workers 1 --out DIR`` process (start-up, simulation,
   event log, measurement, report, CSV, JSON and plots) against Ciw simulating the same
   queue with reneging in this process, its service level computed from its records.
   Goal: at least 10× Ciw.
3. One replication in this process (simulate + event log + measure + figures, what a
   worker does): calls simulated per second. Goal: at least 600,000.

Commands run as a user runs them, with Python's bytecode cache: PYTHONDONTWRITEBYTECODE
is left out of their environment (with it, every command compiles the project's modules
again, a tenth of a second more). The machine may be shared with other work: goals are
judged on CPU time (what a loaded machine inflates least), with the wall time and the
load average printed beside; ratios are of times measured in the same run.

The answer-time service levels of both simulators are printed beside Erlang A's, so a
fast wrong answer would show. Run: ``.venv/bin/python benchmarks/bench_end_to_end.py``
(``--skip-ciw`` to leave out the slow reference).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "benchmarks" / "flat" / "scenario.yaml"
CAU = [sys.executable, "-m", "cau.cli"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RATE, AHT, PATIENCE, AGENTS, THRESHOLD = 1000 / 3600, 120.0, 300.0, 40, 40.0
DAYS, WARMUP_DAYS = 28, 1
GOALS = {"startup": 0.3, "ratio": 10.0, "rate": 600_000}


def best(command: list[str], repeat: int) -> tuple[float, float]:
    """The shortest wall time of ``repeat`` runs of a command (the least disturbed), and
    the shortest CPU time (user + system) it took, which a loaded machine inflates less."""
    walls, cpus = [], []
    for _ in range(repeat):
        before, start = os.times(), time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=ENV)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(after.children_user - before.children_user
                    + after.children_system - before.children_system)
    return min(walls), min(cpus)


def startup() -> bool:
    bare, bare_cpu = best([sys.executable, "-c", "pass"], 5)
    ok = True
    print(f"start-up (best of 5), python -c pass {bare:.3f} s (CPU {bare_cpu:.3f} s), "
          f"load average {os.getloadavg()[0]:.1f}:")
    for words in (["--help"], ["validate", "rules/cspq-cau.yaml"],
                  ["validate", "scenarios/cspq-baseline.yaml"]):
        wall, cpu = best([*CAU, *words], 5)
        ok &= cpu - bare_cpu <= GOALS["startup"]
        print(f"  cau {' '.join(words):38s} CPU +{cpu - bare_cpu:.3f} s (goal ≤ "
              f"+{GOALS['startup']} s), wall +{wall - bare:.3f} s")
    return ok


def cau_process() -> tuple[float, float, float]:
    """Seconds of the whole ``cau simulate`` process (wall, CPU), and the service level
    it wrote."""
    with tempfile.TemporaryDirectory() as out:
        before, start = os.times(), time.perf_counter()
        subprocess.run([*CAU, "simulate", str(SCENARIO), "-n", "1", "--workers", "1",
                        "--quiet", "--out", out], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        seconds, after = time.perf_counter() - start, os.times()
        compliance = pd.read_csv(Path(out) / "compliance.csv")
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    level = compliance.loc[compliance["kind"] == "answer_time", "compliance"]
    return seconds, cpu, float(level.iloc[0])


def one_replication() -> tuple[float, float, int]:
    """Seconds of one replication as a worker runs it (best of 3: wall, CPU), and the
    calls it measured (the warm-up day's calls, simulated too, are not counted)."""
    from rules.measure import measure
    from sim.model import simulate_replication
    from sim.replications import ReplicationTask, child_seed, replicate_scenario
    from sim.scenario_loader import load_scenario

    scenario, pack = load_scenario(SCENARIO)
    seed = child_seed(1, 0)
    times, cpus = [], []
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        replicate_scenario(ReplicationTask(0, seed, scenario, pack))
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    calls = len(measure(simulate_replication(scenario, pack, seed).log, pack).judged_calls)
    return min(times), min(cpus), calls


def ciw_run() -> tuple[float, float, float, int]:
    """Seconds for Ciw to simulate the same queue for 29 days and compute the service
    level (answered within 40 s over answered + abandoned, after the warm-up day): wall,
    CPU, the level and the calls."""
    import ciw

    start, cpu = time.perf_counter(), time.process_time()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE)],
    )
    ciw.seed(1)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time((DAYS + WARMUP_DAYS) * 86400.0)
    records = [r for r in simulation.get_all_records()
               if r.arrival_date >= WARMUP_DAYS * 86400.0]
    met = sum(1 for r in records if r.record_type == "service" and r.waiting_time <= THRESHOLD)
    level = met / len(records)
    return time.perf_counter() - start, time.process_time() - cpu, level, len(records)


def main() -> int:
    from sim.erlang import ErlangA

    ok = startup()
    seconds, cpu, calls = one_replication()
    rate = calls / cpu
    ok &= rate >= GOALS["rate"]
    print(f"one replication (simulate + event log + measure, best of 3): CPU {cpu:.2f} s for "
          f"{calls:,} calls measured = {rate:,.0f} calls/s (goal ≥ {GOALS['rate']:,}); wall "
          f"{seconds:.2f} s = {calls / seconds:,.0f} calls/s; load average "
          f"{os.getloadavg()[0]:.1f}")
    whole, whole_cpu, level = cau_process()
    print(f"cau simulate, whole process: {whole:.2f} s (CPU {whole_cpu:.2f} s), service level "
          f"{level:.4f}")
    if "--skip-ciw" not in sys.argv:
        ciw_seconds, ciw_cpu, ciw_level, ciw_calls = ciw_run()
        ratio = ciw_cpu / whole_cpu
        ok &= ratio >= GOALS["ratio"]
        print(f"Ciw in-process: {ciw_seconds:.2f} s (CPU {ciw_cpu:.2f} s) for {ciw_calls:,} "
              f"calls, service level {ciw_level:.4f}")
        print(f"  ratio {ratio:.1f}× Ciw end to end in CPU time (goal ≥ {GOALS['ratio']:g}×); "
              f"{ciw_seconds / whole:.1f}× in wall time; load average "
              f"{os.getloadavg()[0]:.1f}")
    theory = ErlangA(RATE, AHT, AGENTS, PATIENCE)
    print(f"Erlang A service level {theory.p_answered_within(THRESHOLD):.4f}")
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
