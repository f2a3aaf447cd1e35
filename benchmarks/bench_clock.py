"""Time the vectorised SLA clock against the plain per-ticket reference, in one run.

1,000,000 tickets opened over about two years, 0–3 pauses each (some unfinished), on
the 08:30–16:30 Quebec public service calendar. The reference loop is timed on a
subsample and scaled to the full count (it would take minutes); both are checked to
give the same answers on that subsample. The vectorised time is the best of
``--repeat`` runs. Goals: vectorised under 1 s, ≥ 50× faster.

Run: ``.venv/bin/python benchmarks/bench_clock.py [--tickets N] [--sample N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the project and the reference loop

import reference_clock as reference  # noqa: E402

from rules.calendar import BusinessCalendar, HolidayRules  # noqa: E402
from rules.clock import SlaClock  # noqa: E402

HOUR = 3600
DAY = 86400


def quebec_business_hours() -> BusinessCalendar:
    """08:30–16:30 on the Quebec public service's business days (P3–P5)."""
    return BusinessCalendar(
        "P3-P5",
        windows={d: [(8 * HOUR + 1800, 16 * HOUR + 1800)] for d in range(5)},
        holidays=HolidayRules.quebec_public_service(),
    )


def tickets(count: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Whole-second tickets: opened over 2025–2026, lasting minutes to weeks, 0–3 pauses."""
    opened = np.floor(rng.uniform(1_735_707_600, 1_735_707_600 + 730 * DAY, count))
    resolved = opened + np.floor(rng.lognormal(np.log(6 * HOUR), 1.5, count))
    pauses = rng.integers(0, 4, count)
    ticket = np.repeat(np.arange(count), pauses)
    life = resolved[ticket] - opened[ticket]
    stop_start = opened[ticket] + np.floor(rng.uniform(-0.1, 1.1, len(ticket)) * life)
    stop_end = stop_start + np.floor(rng.exponential(8 * HOUR, len(ticket)))
    stop_end[rng.random(len(ticket)) < 0.1] = np.nan  # still waiting on the user
    thresholds = rng.choice([10 * HOUR, 16 * HOUR, 40 * HOUR], count).astype(float)
    return {
        "opened": opened,
        "resolved": resolved,
        "ticket": ticket,
        "stop_start": stop_start,
        "stop_end": stop_end,
        "threshold": thresholds,
    }


def vectorised(clock: SlaClock, t: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    elapsed = clock.elapsed(t["opened"], t["resolved"], t["ticket"], t["stop_start"], t["stop_end"])
    return elapsed, clock.deadline(t["opened"], t["threshold"])


def per_ticket(calendar: BusinessCalendar, t: dict[str, np.ndarray]) -> tuple[list, list]:
    """The reference loop: one ticket at a time, walking day by day."""
    pauses: list[list[tuple[float, float]]] = [[] for _ in t["opened"]]
    for i, begin, end in zip(t["ticket"], t["stop_start"], t["stop_end"], strict=True):
        pauses[i].append((begin, end))
    elapsed = [
        reference.elapsed(calendar, o, r, p)
        for o, r, p in zip(t["opened"], t["resolved"], pauses, strict=True)
    ]
    deadlines = [
        reference.deadline(calendar, o, d) for o, d in zip(t["opened"], t["threshold"], strict=True)
    ]
    return elapsed, deadlines


def subsample(t: dict[str, np.ndarray], size: int) -> dict[str, np.ndarray]:
    keep = t["ticket"] < size
    part = {k: v[:size] for k, v in t.items() if k in ("opened", "resolved", "threshold")}
    part.update({k: t[k][keep] for k in ("ticket", "stop_start", "stop_end")})
    return part


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(20250101)
    calendar = quebec_business_hours()
    data = tickets(args.tickets, rng)
    print(f"{args.tickets:,} tickets, {len(data['ticket']):,} pauses, 08:30–16:30 QC calendar")

    # Best of a few runs (the machine is shared), each on a fresh clock so that the
    # table build is timed too; the calendar's per-year intervals are built once.
    SlaClock(calendar).elapsed([1.7e9], [1.7e9 + 1])
    runs = []
    for _ in range(args.repeat):
        clock = SlaClock(calendar)
        started = time.perf_counter()
        elapsed, deadlines = vectorised(clock, data)
        runs.append(time.perf_counter() - started)
    fast = min(runs)

    part = subsample(data, args.sample)
    started = time.perf_counter()
    ref_elapsed, ref_deadlines = per_ticket(calendar, part)
    slow_part = time.perf_counter() - started
    slow = slow_part * args.tickets / args.sample
    same = np.array_equal(elapsed[: args.sample], ref_elapsed) and np.array_equal(
        deadlines[: args.sample], ref_deadlines
    )

    ratio = slow / fast
    print(
        f"vectorised (elapsed + deadline), all tickets: {fast:.3f} s "
        f"(best of {args.repeat}: {', '.join(f'{r:.3f}' for r in runs)})"
    )
    print(
        f"reference loop: {slow_part:.2f} s on {args.sample:,} tickets, "
        f"scaled ×{args.tickets / args.sample:g} to {slow:.1f} s"
    )
    print(f"ratio: {ratio:.0f}×  (goals: vectorised < 1 s, ratio ≥ 50×)")
    print(f"same answers on the subsample: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
