"""A small synthetic CAU event log (tickets and calls over a few months) for dashboard tests.

Not a model of the CAU: just enough variety (five priorities, two channels, pauses,
first-contact resolutions, calls answered and abandoned at every half-hour of the
opening hours, a morning rush with longer waits) for every figure to have data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rules.eventlog import EventLog, EventLogBuilder

ZONE = "America/Montreal"
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
# Mean wall-clock hours to restore, per priority (some tickets breach their threshold).
MEAN_HOURS = {"P1": 2.0, "P2": 4.0, "P3": 30.0, "P4": 50.0, "P5": 120.0}


def _weekday_instants(rng: np.random.Generator, start: str, end: str, count: int,
                      open_hour: float, close_hour: float) -> np.ndarray:
    """``count`` random UTC instants on weekdays between local ``open_hour`` and ``close_hour``."""
    days = pd.bdate_range(start, end, inclusive="left", tz=ZONE)
    day = days[rng.integers(0, len(days), count)]
    offset = pd.to_timedelta(rng.uniform(open_hour, close_hour, count), unit="h")
    return np.sort(np.asarray((day + offset).map(pd.Timestamp.timestamp), dtype=float))


def cau_log(start: str = "2026-01-01", end: str = "2026-04-01", tickets: int = 600,
            calls: int = 3000, seed: int = 7, with_calls: bool = True) -> EventLog:
    """Tickets and calls between ``start`` and ``end`` (local dates, end excluded)."""
    rng = np.random.default_rng(seed)
    log = EventLogBuilder()
    opened = _weekday_instants(rng, start, end, tickets, 8.5, 16.5)
    priority = rng.choice(PRIORITIES, tickets, p=[0.03, 0.07, 0.3, 0.4, 0.2])
    last = pd.Timestamp(end, tz=ZONE).timestamp()
    for i, (t0, p) in enumerate(zip(opened, priority, strict=True)):
        id = f"T{i:05d}"
        channel = "phone" if rng.random() < 0.7 else "email"
        option = "1" if rng.random() < 0.8 else "2"
        log.add(id, t0, "opened", channel=channel, option=option, level="1")
        log.add(id, t0, "priority", p)
        first_contact = channel == "phone" and option == "1" and rng.random() < 0.6
        if first_contact:
            log.add(id, t0 + 600, "resolved", "first_contact", level="1")
            continue
        log.add(id, t0 + 300, "assigned", "2", level="2", group="N2")
        duration = rng.exponential(MEAN_HOURS[str(p)]) * 3600
        if rng.random() < 0.2:
            log.add(id, t0 + duration / 3, "waiting_start", level="2")
            log.add(id, t0 + duration / 2, "waiting_end", level="2")
        if t0 + duration < last - 3600:
            log.add(id, t0 + duration, "resolved", level="2")
    if with_calls:
        queued = _weekday_instants(rng, start, end, calls, 7.5, 17.0)
        local_hour = (pd.to_datetime(queued, unit="s", utc=True).tz_convert(ZONE).hour).to_numpy()
        mean_wait = np.where((local_hour >= 9) & (local_hour < 11), 45.0, 15.0)
        wait = rng.exponential(mean_wait)
        abandoned = rng.random(calls) < 0.08
        for i, (q, w, a) in enumerate(zip(queued, wait, abandoned, strict=True)):
            id = f"C{i:05d}"
            log.add(id, q, "call_queued", channel="phone", option="1")
            log.add(id, q + w, "call_abandoned" if a else "call_answered", channel="phone",
                    option="1")
    return log.build()
