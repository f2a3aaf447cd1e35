"""Resolution targets: each ticket's elapsed business time against its priority's
threshold, and the tickets still open but already breached at each month's end.

Tickets are judged in batches that share a clock (same calendar, same pause rule), so
a pack with five priorities on two calendars runs the SLA clock twice, not five times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .clock import SlaClock
from .months import MonthGrid
from .pack import ResolutionTarget, RulePack, Semantics
from .tickets import TicketTimelines

# Per target id: tickets counted, met, and open but already breached, per month of the grid.
MonthlyCounts = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ResolutionResult:
    """Per ticket per target (``tickets``), and per target the monthly counts: resolved
    tickets counted and met, and tickets open and already breached at the end of each
    month (the last month judged at ``as_of``)."""

    tickets: pd.DataFrame
    counts: MonthlyCounts


def judge_resolution(
    tickets: TicketTimelines, pack: RulePack, grid: MonthGrid, as_of: float
) -> ResolutionResult:
    """Judge every ticket against the resolution target of its priority."""
    targets = [t for t in pack.targets if isinstance(t, ResolutionTarget)]
    batches: dict[tuple[str, bool], list[ResolutionTarget]] = {}
    for target in targets:
        batches.setdefault((target.calendar, target.pause_while_waiting), []).append(target)
    frames, counts = [], {}
    for (calendar, pauses), members in batches.items():
        frame, batch_counts = _judge_batch(tickets, pack, grid, as_of, calendar, pauses, members)
        frames.append(frame)
        counts.update(batch_counts)
    table = pd.concat(frames, ignore_index=True) if frames else _empty_table()
    return ResolutionResult(tickets=table, counts=counts)


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.Series(dtype=object),
            "target": pd.Series(dtype=object),
            "priority": pd.Series(dtype=object),
            **{c: pd.Series(dtype=np.float64) for c in ("opened", "resolved")},
            "month": pd.Series(dtype=object),
            **{c: pd.Series(dtype=np.float64) for c in ("elapsed", "threshold", "deadline")},
            "met": pd.Series(dtype=bool),
            "open": pd.Series(dtype=bool),
        }
    )


def _judge_batch(
    tickets: TicketTimelines,
    pack: RulePack,
    grid: MonthGrid,
    as_of: float,
    calendar: str,
    pauses: bool,
    members: list[ResolutionTarget],
) -> tuple[pd.DataFrame, MonthlyCounts]:
    semantics = pack.semantics
    target_of = np.full(len(tickets), -1, dtype=np.int64)
    for k, target in enumerate(members):
        target_of[tickets.priority == target.priority] = k
    idx = np.flatnonzero(target_of >= 0)
    which = target_of[idx]
    threshold = np.array([t.threshold for t in members], dtype=np.float64)[which]

    from_change = semantics.priority_clock_from == "change"
    start = (tickets.priority_set if from_change else tickets.opened)[idx]
    resolved = tickets.resolved[idx]
    is_open = np.isnan(resolved)
    end = np.where(is_open, as_of, resolved)

    # The batch's stopped intervals, re-indexed onto the batch's tickets.
    stops = tickets.stops
    local = np.full(len(tickets), -1, dtype=np.int64)
    local[idx] = np.arange(idx.size)
    kept = local[stops.ticket] >= 0
    kept &= np.where(stops.reopen, semantics.reopen == "resume", pauses)
    stop_ticket = local[stops.ticket[kept]]
    stop_start, stop_end = stops.start[kept], stops.end[kept]

    clock = SlaClock(pack.calendar(calendar))
    elapsed = clock.elapsed(start, end, stop_ticket, stop_start, stop_end)
    stopped = clock.business_seconds(start, end) - elapsed
    # Exact for met tickets; for a breached one, exact when its pauses preceded the deadline.
    deadline = clock.deadline(start, threshold + stopped)
    # elapsed - threshold compares like elapsed with threshold (IEEE subtraction keeps the
    # sign, and is zero only when they are equal), with one threshold per ticket.
    breached = np.asarray(semantics.is_breach(elapsed - threshold, 0.0), dtype=np.bool_)

    month_instant = tickets.opened[idx] if semantics.month_of == "opening" else end
    month = np.where(is_open, len(grid) - 1, grid.index(month_instant))
    frame = pd.DataFrame(
        {
            "id": tickets.ids[idx],
            "target": np.array([t.id for t in members], dtype=object)[which],
            "priority": tickets.priority[idx],
            "opened": tickets.opened[idx],
            "resolved": resolved,
            "month": np.asarray(grid.labels, dtype=object)[month],
            "elapsed": elapsed,
            "threshold": threshold,
            "deadline": deadline,
            "met": ~breached,
            "open": is_open,
        }
    )

    snap_month, snap_target = _breached_at_month_ends(
        clock, semantics, grid, start, end, threshold, stop_ticket, stop_start, stop_end,
        gap=stops.reopen[kept], which=which,
    )
    last = len(grid) - 1
    counts = {}
    for k, target in enumerate(members):
        mine = which == k
        breached_open = np.bincount(snap_month[snap_target == k], minlength=len(grid))
        breached_open[last] += int(np.count_nonzero(is_open & breached & mine))
        counted = mine & ~is_open
        counts[target.id] = (
            np.bincount(month[counted], minlength=len(grid)),
            np.bincount(month[counted & ~breached], minlength=len(grid)),
            breached_open,
        )
    return frame, counts


def _breached_at_month_ends(
    clock: SlaClock,
    semantics: Semantics,
    grid: MonthGrid,
    start: np.ndarray,
    end: np.ndarray,
    threshold: np.ndarray,
    stop_ticket: np.ndarray,
    stop_start: np.ndarray,
    stop_end: np.ndarray,
    gap: np.ndarray,
    which: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Month and target of each (ticket, month end) at which the ticket was open and
    already breached, for month ends strictly inside its life ``(start, end)``.

    A month end inside a resolved→reopened gap does not count: the ticket was resolved.
    """
    first = grid.index(start)
    crossed = grid.index(end) - first  # month ends e with start < e <= end
    rows = np.repeat(np.arange(start.size), crossed)
    offset = np.arange(rows.size) - np.repeat(np.cumsum(crossed) - crossed, crossed)
    month = first[rows] + offset
    at = grid.ends[month]
    inside = at < end[rows]
    rows, month, at = rows[inside], month[inside], at[inside]
    if rows.size == 0:
        return month, which[rows]

    # The stops of each snapshot's ticket, replicated per snapshot.
    snaps = pd.DataFrame({"ticket": rows, "snap": np.arange(rows.size)})
    stops = pd.DataFrame({"ticket": stop_ticket, "start": stop_start, "end": stop_end,
                          "gap": gap})
    joined = snaps.merge(stops, on="ticket", how="inner")
    in_gap = np.zeros(rows.size, dtype=bool)
    gaps = joined[joined["gap"].to_numpy(bool)]
    hit = (gaps["start"].to_numpy() <= at[gaps["snap"].to_numpy()]) & (
        at[gaps["snap"].to_numpy()] < gaps["end"].to_numpy()
    )
    in_gap[gaps["snap"].to_numpy()[hit]] = True

    elapsed = clock.elapsed(
        start[rows], at, joined["snap"].to_numpy(np.int64),
        joined["start"].to_numpy(np.float64), joined["end"].to_numpy(np.float64),
    )
    breached = np.asarray(semantics.is_breach(elapsed - threshold[rows], 0.0), dtype=np.bool_)
    keep = breached & ~in_gap
    return month[keep], which[rows[keep]]
