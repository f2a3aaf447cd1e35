"""From a ticket's events to the facts its SLA clock needs: opening, final resolution,
last priority, stopped intervals, escalation and first-contact resolution.

This is the per-ticket state machine of DESIGN.md, run for every ticket at once on
events sorted by (ticket, time): no Python loop over tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .coded import Coded
from .eventlog import EVENTS, FIRST_CONTACT, EventLog
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


def _first_present(log: EventLog, g: GroupedEvents, column: str) -> np.ndarray:
    """Per ticket, the first non-empty value of ``column`` among its events (or None)."""
    values = log.columns[column]
    present = values.codes[g.rows] != values.labels.code("")
    pos = g.first(present)
    out = np.full(len(g), None, dtype=object)
    has = pos >= 0
    out[has] = values.labels.text(values.codes[g.rows[pos[has]]])
    return out


def read_tickets(
    log: EventLog,
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
    g = GroupedEvents(codes.rows_of(TICKET_EVENTS), codes)
    t = g.time

    first_open = g.first(g.mask("opened"))
    _require(log, g, first_open, "a ticket without an `opened` event",
             "Every ticket needs the instant it was opened; check the import mapping.")
    _require(log, g, g.last(g.mask("priority")), "a ticket without a `priority` event",
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
            log, g.rows[early],
            "An end cannot precede its start; check the time zone and the column mapping.",
        )

    chosen, priority_set = _chosen_priority(log, g, priorities, priority_rule)

    stops = _stops(log, g, is_resolved)

    assigned = g.mask("assigned")
    levels = _levels(log, g.rows[assigned])
    escalation = np.zeros(g.rows.size, dtype=bool)
    escalation[np.flatnonzero(assigned)[levels > 1]] = True

    first_contact_mask = is_resolved & log.columns["value"].equals(FIRST_CONTACT)[g.rows]

    return TicketTimelines(
        ids=g.id_labels.text(g.ids),
        opened=opened,
        resolved=resolved,
        priority=np.asarray(priorities, dtype=object)[chosen],
        priority_set=np.maximum(t[priority_set], opened),
        channel=_first_present(log, g, "channel"),
        option=_first_present(log, g, "option"),
        service=_first_present(log, g, "service"),
        escalated=g.any(escalation),
        first_contact=g.any(first_contact_mask),
        stops=stops,
    )


def _require(
    log: EventLog, g: GroupedEvents, pos: np.ndarray, what: str, suggestion: str
) -> None:
    missing = np.flatnonzero(pos < 0)
    if missing.size:
        # name each such ticket by its first row
        first_rows = g.rows[g.first(np.ones(g.rows.size, dtype=bool))[missing]]
        raise row_error(what, log, first_rows, suggestion)


def _chosen_priority(
    log: EventLog, g: GroupedEvents, priorities: tuple[str, ...], rule: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per ticket, the rank (in ``priorities``) of its priority under ``rule``, and the
    sorted position of the event from which it held that priority."""
    pos = np.flatnonzero(g.mask("priority"))
    values = log.columns["value"]
    rank_of = pd.Index(list(priorities)).get_indexer(pd.Index(values.labels.all(), dtype=object))
    ranks = rank_of.astype(np.int64)[values.codes[g.rows[pos]]]
    unknown = pos[ranks < 0]
    if unknown.size:
        raise row_error(
            f"priority not among the pack's ({', '.join(priorities)})",
            log,
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


def _levels(log: EventLog, rows: np.ndarray) -> np.ndarray:
    """Support level after each `assigned` row: the `level` column, else its `value`."""
    level, value = (_numbers(log.columns[c])[log.columns[c].codes[rows]]
                    for c in ("level", "value"))
    return np.where(np.isnan(level), value, level)


def _numbers(column: Coded) -> np.ndarray:
    """Each label of a column read as a number (NaN when it is not one)."""
    labels = pd.Series(column.labels.all(), dtype=object)
    return pd.to_numeric(labels, errors="coerce").to_numpy(np.float64)


def _stops(log: EventLog, g: GroupedEvents, is_resolved: np.ndarray) -> Stops:
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
            log, g.rows[orphan],
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
