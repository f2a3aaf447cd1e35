"""A stand-in for the model: seeded random tables shaped like a measured replication.

Module-level functions only, so worker processes (spawn) and Dask can unpickle them.
The ``scenario`` of a task is a plain dict here: ``{"crash_at": i}`` makes replication
``i`` fail, as a machine going down mid-run would; ``{"lose_cluster_at": i}`` makes it
end as a Dask future does when the scheduler goes away (cancelled).
"""

from __future__ import annotations

from concurrent.futures import CancelledError

import numpy as np
import pandas as pd
from call_table import judged_calls

from sim.forecast import ReplicationFigures, replication_figures
from sim.replications import ReplicationTask

MONTHS = ("2026-01", "2026-02")
ZONE = "America/Montreal"
# Jan 1 and Feb 1 2026, 00:00 in Montréal (05:00 UTC), epoch seconds.
MONTH_STARTS = (1767243600.0, 1769922000.0)


class Crash(RuntimeError):
    """The failure a fake replication raises on purpose."""


def fake_replicate(task: ReplicationTask) -> ReplicationFigures:
    if task.scenario.get("crash_at") == task.index:
        raise Crash(f"replication {task.index} crashed")
    if task.scenario.get("lose_cluster_at") == task.index:
        raise CancelledError("scheduler-connection-lost")
    rng = np.random.default_rng(task.seed)
    monthly = []
    for month in MONTHS:
        for target, kind, p in (("P3", "resolution", 0.82), ("answer", "answer_time", 0.85)):
            counted = int(rng.poisson(40))
            met = int(rng.binomial(counted, p))
            compliance = met / counted
            monthly.append(
                {
                    "month": month,
                    "target": target,
                    "kind": kind,
                    "counted": counted,
                    "met": met,
                    "compliance": compliance,
                    "goal": 0.8,
                    "goal_met": compliance >= 0.8,
                    "margin": compliance - 0.8,
                    "breached_open": int(rng.poisson(1)),
                }
            )
    n = 60
    outcome = rng.choice(["answered", "abandoned"], size=n, p=[0.9, 0.1])
    wait = rng.exponential(30.0, size=n)
    calls = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "queued": 0.0,
            "wait": wait,
            "outcome": outcome,
            "counted": wait > 5,
            "met": wait <= 40,
            "month": rng.choice(MONTHS, size=n),
            "halfhour": rng.choice([18, 19, 20], size=n),
        }
    )
    times = np.concatenate([start + 1800.0 * np.arange(4) for start in MONTH_STARTS])
    monitors = pd.DataFrame(
        {
            "time": times,
            "agents_on_duty": 10.0,
            "agents_busy": rng.uniform(5, 9, size=times.size),
            "queue_length": rng.uniform(0, 3, size=times.size),
        }
    )
    backlog = pd.DataFrame(
        {
            "month": np.repeat(MONTHS, 2),
            "group": ["N2-bureautique", "N3-central"] * 2,
            "open_tickets": rng.poisson(12, size=4),
        }
    )
    return replication_figures(pd.DataFrame(monthly), judged_calls(calls), monitors, backlog,
                               ZONE)
