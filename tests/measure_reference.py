"""A plain per-ticket Python loop over events: the reference the vectorised measurement
must agree with (property tests), and the baseline its benchmark is compared to.

It follows DESIGN.md's default semantics literally, one event at a time: the clock runs
while the ticket is open and not waiting on the user; a resolution stops it, a
reopening restarts it; the ticket's target is its last priority's.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from rules.calendar import BusinessCalendar
from rules.pack import ResolutionTarget, RulePack


def business_seconds(calendar: BusinessCalendar, start: float, end: float) -> float:
    starts, ends = calendar.open_intervals(start, end)
    return float(np.sum(ends - starts))


def reference_tickets(
    events: pd.DataFrame, pack: RulePack, as_of: float, ids: Iterable[str] | None = None
) -> dict[str, tuple[str, float, bool]]:
    """Ticket id → (target id, elapsed business seconds, met), one ticket at a time."""
    targets = {t.priority: t for t in pack.targets if isinstance(t, ResolutionTarget)}
    tickets = events[~events["event"].astype(str).str.startswith("call_")]
    if ids is not None:
        tickets = tickets[tickets["id"].isin(list(ids))]
    out = {}
    for ident, rows in tickets.groupby("id", sort=False):
        rows = rows.sort_values("time", kind="stable")
        priority = rows.loc[rows["event"] == "priority", "value"].iloc[-1]
        target = targets[priority]
        calendar = pack.calendar(target.calendar)
        elapsed, running_since, resolved = 0.0, None, False
        for time, event in zip(rows["time"], rows["event"].astype(str), strict=True):
            if event in ("opened", "reopened", "waiting_end") and running_since is None:
                running_since, resolved = time, False
            elif event in ("waiting_start", "resolved", "closed"):
                if running_since is not None and not resolved:
                    elapsed += business_seconds(calendar, running_since, time)
                running_since = None
                resolved = resolved or event in ("resolved", "closed")
        if running_since is not None:
            elapsed += business_seconds(calendar, running_since, as_of)
        out[str(ident)] = (target.id, elapsed, elapsed <= target.threshold)
    return out
