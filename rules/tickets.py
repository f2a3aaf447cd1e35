"""From a ticket's events to the facts its SLA clock needs: opening, final resolution,
last priority, stopped intervals, escalation and first-contact resolution.

This is the per-ticket state machine of DESIGN.md, run for every ticket at once on
events sorted by (ticket, time): no Python loop over tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .eventlog import EVENTS, FIRST_CONTACT
from .grouped import EventCodes, GroupedEvents, row_error

# Every event of a ticket's life (the others are calls').
TICKET_EVENTS: tuple[str, ...] = tuple(e for e in EVENTS if not e.startswith("call_"))


@dataclass(frozen=True)
class Stops:
    """Intervals during which tickets' clocks are stopped (``end`` NaN: not finished).

    ``ticket`` indexes the tickets; ``reopen`` tells a resolved→reopened gap from a wait
    on the user.
    """

    ticket: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reopen: np.ndarray


@dataclass(frozen=True)
class TicketTimelines:
    """Per-ticket facts, one element per ticket, in the order of ``ids``.

    ``priority_set`` is when the ticket got ``priority`` (not before its opening): where a
    clock started "from the change" starts. ``resolved`` is the final resolution (NaN
    while open): the last ``resolved`` not followed by ``reopened``, or else a ``closed``
    after the last reopening. ``channel``,
    ``option`` and ``service`` are the first non-empty value among the ticket's events.
    """

    ids: np.ndarray
    opened: np.ndarray
    resolved: np.ndarray
    priority: np.ndarray
    priority_set: np.ndarray
    channel: np.ndarray
    option: np.ndarray
    service: np.ndarray
    escalated: np.ndarray
    first_contact: np.ndarray
    stops: Stops

    def __len__(self) -> int:
        return len(self.ids)


def _first_present(events: pd.DataFrame, g: GroupedEvents, column: str) -> np.ndarray:
    """Per ticket, the first non-empty value of ``column`` among its events (or None)."""
    values = events[column]
    present = (values.notna() & values.ne("")).to_numpy(dtype=bool)
    pos = g.first(present[g.rows])
    out = np.full(len(g), None, dtype=object)
    has = pos >= 0
    out[has] = values.iloc[g.rows[pos[has]]].to_numpy(dtype=object)
    return out


def read_tickets(
    events: pd.DataFrame,
    codes: EventCodes,
    priorities: tuple[str, ...],
    priority_rule: str = "last",
) -> TicketTimelines:
    """Every ticket's facts from the canonical event log (calls' events are ignored).

    ``priorities`` are the pack's codes, most urgent first; ``priority_rule`` picks the
    ticket's priority among its ``priority`` events (``last``, ``first``, ``highest``).
    Raises DataError naming the rows of tickets that cannot be measured: no ``opened``
    event, no ``priority``, a priority the pack does not know, resolved before opened,
    a ``waiting_end`` with no ``waiting_start`` before it.
    """
    g = GroupedEvents(events, codes.rows_of(TICKET_EVENTS), codes)
    t = g.time

    first_open = g.first(g.mask("opened"))
    _require(events, g, first_open, "a ticket without an `opened` event",
             "Every ticket needs the instant it was opened; check the import mapping.")
    _require(events, g, g.last(g.mask("priority")), "a ticket without a `priority` event",
             "Every ticket needs a priority (P1…P5); check the import mapping.")

    is_resolved = g.mask("resolved")
    last_resolved = g.last(is_resolved)
    last_reopened = g.last(g.mask("reopened"))
    last_closed = g.last(g.mask("closed"))
    ends = np.where(
        last_resolved > last_reopened,
        last_resolved,
        np.where(last_closed > last_reopened, last_closed, -1),
    )
    opened = t[first_open]
    resolved = np.where(ends >= 0, t[ends], np.nan)
    early = ends[resolved < opened]
    if early.size:
        raise row_error(
            "ticket resolved before it was opened",
            events, g.rows[early],
            "An end cannot precede its start; check the time zone and the column mapping.",
        )

    chosen, priority_set = _chosen_priority(events, g, priorities, priority_rule)

    stops = _stops(events, g, is_resolved)

    assigned = g.mask("assigned")
    levels = _levels(events, g.rows[assigned])
    escalation = np.zeros(g.rows.size, dtype=bool)
    escalation[np.flatnonzero(assigned)[levels > 1]] = True

    fc_rows = np.flatnonzero(is_resolved)
    fc_values = events["value"].iloc[g.rows[fc_rows]].astype("string")
    first_contact_mask = np.zeros(g.rows.size, dtype=bool)
    first_contact_mask[fc_rows[fc_values.eq(FIRST_CONTACT).fillna(False).to_numpy(bool)]] = True

    return TicketTimelines(
        ids=g.ids,
        opened=opened,
        resolved=resolved,
        priority=np.asarray(priorities, dtype=object)[chosen],
        priority_set=np.maximum(t[priority_set], opened),
        channel=_first_present(events, g, "channel"),
        option=_first_present(events, g, "option"),
        service=_first_present(events, g, "service"),
        escalated=g.any(escalation),
        first_contact=g.any(first_contact_mask),
        stops=stops,
    )


def _require(
    events: pd.DataFrame, g: GroupedEvents, pos: np.ndarray, what: str, suggestion: str
) -> None:
    missing = np.flatnonzero(pos < 0)
    if missing.size:
        # name each such ticket by its first row
        first_rows = g.rows[g.first(np.ones(g.rows.size, dtype=bool))[missing]]
        raise row_error(what, events, first_rows, suggestion)


def _chosen_priority(
    events: pd.DataFrame, g: GroupedEvents, priorities: tuple[str, ...], rule: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per ticket, the rank (in ``priorities``) of its priority under ``rule``, and the
    sorted position of the event from which it held that priority."""
    pos = np.flatnonzero(g.mask("priority"))
    values = events["value"].iloc[g.rows[pos]].astype("string")
    ranks = pd.Index(list(priorities)).get_indexer(pd.Index(values)).astype(np.int64)
    unknown = pos[ranks < 0]
    if unknown.size:
        raise row_error(
            f"priority not among the pack's ({', '.join(priorities)})",
            events,
            g.rows[unknown],
            "Map the source's priorities onto the pack's codes in the import mapping.",
        )
    group = g.group[pos]
    if rule == "first":
        first = g.first_of(pos)
        return ranks[np.searchsorted(pos, first)], first
    if rule == "highest":
        best = np.full(len(g), len(priorities), dtype=np.int64)
        np.minimum.at(best, group, ranks)
        return best, g.first_of(pos[ranks == best[group]])
    if rule != "last":
        raise ValueError(f"unknown priority rule {rule!r}")
    final = ranks[np.searchsorted(pos, g.last_of(pos))]
    # The final priority holds from the first event of its last unbroken run.
    same = ranks == final[group]
    changed = g.last_of(pos[~same])
    return final, g.first_of(pos[same & (pos > changed[group])])


def _levels(events: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Support level after each `assigned` row: the `level` column, else its `value`."""
    level = pd.to_numeric(events["level"].iloc[rows], errors="coerce").to_numpy(np.float64)
    value = pd.to_numeric(events["value"].iloc[rows], errors="coerce").to_numpy(np.float64)
    return np.where(np.isnan(level), value, level)


def _stops(events: pd.DataFrame, g: GroupedEvents, is_resolved: np.ndarray) -> Stops:
    """Waits on the user (start → next end or resolution, NaN if none: it lasts until the
    ticket is judged) and resolved → reopened gaps."""
    t = g.time
    starts = g.mask("waiting_start")
    ends = g.mask("waiting_end")
    end_pos = np.flatnonzero(ends)
    orphan = end_pos[g.previous_of(starts, end_pos) < 0]
    if orphan.size:
        raise row_error(
            "`waiting_end` with no `waiting_start` before it in its ticket",
            events, g.rows[orphan],
            "A wait on the user ends after it starts; check the order of the events.",
        )
    wait_pos = np.flatnonzero(starts)
    # A resolution (or closing) ends a wait on the user too: a reopened ticket's clock
    # runs again from the reopening.
    wait_end_pos = g.next_of(ends | is_resolved | g.mask("closed"), wait_pos)
    wait_end = np.where(wait_end_pos >= 0, t[np.maximum(wait_end_pos, 0)], np.nan)

    # A gap runs from the first resolution or closing after the ticket last (re)started
    # to the reopening: resolved → closed → reopened is one gap, from the resolution.
    is_reopened = g.mask("reopened")
    reopen_pos = np.flatnonzero(is_reopened)
    restarted = g.previous_of(is_reopened | g.mask("opened"), np.maximum(reopen_pos - 1, 0))
    gap_start_pos = g.next_of(is_resolved | g.mask("closed"), np.maximum(restarted, 0))
    same = g.group[np.maximum(restarted, 0)] == g.group[reopen_pos]
    has_gap = (restarted >= 0) & (gap_start_pos >= 0) & (gap_start_pos < reopen_pos) & same
    reopen_pos, gap_start_pos = reopen_pos[has_gap], gap_start_pos[has_gap]

    ticket = np.concatenate([g.group[wait_pos], g.group[reopen_pos]])
    start = np.concatenate([t[wait_pos], t[gap_start_pos]])
    end = np.concatenate([wait_end, t[reopen_pos]])
    reopen = np.r_[np.zeros(wait_pos.size, bool), np.ones(reopen_pos.size, bool)]
    return Stops(ticket=ticket, start=start, end=end, reopen=reopen)
