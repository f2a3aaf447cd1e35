"""Calls from the event log, and the answer-time service level of each definition.

A call is queued, then answered or abandoned. Its wait runs from queueing to that
outcome in real seconds. Contact-centre tools count the service level differently
(which abandons are in the denominator); the rule pack names its choice, and each
choice is one line of :func:`judge_calls`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .coded import Labels
from .eventlog import EVENTS, EventLog
from .grouped import EventCodes, GroupedEvents, row_error

CALL_EVENTS: tuple[str, ...] = tuple(e for e in EVENTS if e.startswith("call_"))


# A call's outcome, coded by its index here.
OUTCOMES: tuple[str, ...] = ("answered", "abandoned", "waiting")
ANSWERED, ABANDONED, WAITING = range(len(OUTCOMES))


@dataclass(frozen=True)
class CallTimelines:
    """Per call: its id (a code into ``id_labels``), when it was queued, and answered
    or abandoned (NaN if not, yet)."""

    ids: np.ndarray
    id_labels: Labels
    queued: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def outcome(self) -> np.ndarray:
        """Each call's outcome as a code into :data:`OUTCOMES` (int8)."""
        return np.where(
            ~np.isnan(self.answered),
            ANSWERED,
            np.where(~np.isnan(self.abandoned), ABANDONED, WAITING),
        ).astype(np.int8)

    def wait(self, as_of: float) -> np.ndarray:
        """Seconds from queueing to the outcome, or to ``as_of`` for a waiting call."""
        end = np.where(np.isnan(self.answered), self.abandoned, self.answered)
        return np.where(np.isnan(end), as_of, end) - self.queued


def read_calls(log: EventLog, codes: EventCodes) -> CallTimelines:
    """Every call of the log. Raises DataError naming the rows of a call without
    ``call_queued``, answered or abandoned before it was queued, or both answered and
    abandoned."""
    g = GroupedEvents(codes.rows_of(CALL_EVENTS), codes)
    queued = g.first(g.mask("call_queued"))
    answered = g.first(g.mask("call_answered"))
    abandoned = g.first(g.mask("call_abandoned"))
    everything = g.first(np.ones(g.rows.size, dtype=bool))
    checks = (
        (queued < 0, everything, "a call without `call_queued`",
         "Every call needs the instant it entered the queue; check the import mapping."),
        ((answered >= 0) & (abandoned >= 0), abandoned, "a call both answered and abandoned",
         "A call ends once: keep either its answer or its abandon."),
        ((queued >= 0) & (answered >= 0) & (answered < queued), answered,
         "a call answered before it was queued",
         "An end cannot precede its start; check the time zone and the column mapping."),
        ((queued >= 0) & (abandoned >= 0) & (abandoned < queued), abandoned,
         "a call abandoned before it was queued",
         "An end cannot precede its start; check the time zone and the column mapping."),
    )
    for bad, where, what, suggestion in checks:
        if bad.any():
            raise row_error(what, log, g.rows[where[bad]], suggestion)
    # Positions are sorted by time within a call, so "before" above is by time (ties: log order).
    return CallTimelines(
        ids=g.ids,
        id_labels=g.id_labels,
        queued=g.time[queued],
        answered=_time_or_nan(g.time, answered),
        abandoned=_time_or_nan(g.time, abandoned),
    )


def _time_or_nan(time: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return np.where(pos >= 0, time[np.maximum(pos, 0)], np.nan)


def judge_calls(
    outcome: np.ndarray,
    wait: np.ndarray,
    grace: float,
    denominator: str,
    breached: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which calls count in the service level (``counted``) and which count as met.

    ``outcome`` holds codes into :data:`OUTCOMES`; ``breached`` says whether each wait
    breaches the target's threshold (the pack's rule at the threshold itself). Met is always
    "answered and not breached"; the denominator is the pack's choice:

    - ``answered_and_abandoned_after_grace``: answered + abandoned after the grace;
    - ``answered_and_abandoned_after_threshold``: answered + abandoned after T;
    - ``offered``: every answered or abandoned call (each abandon a failure);
    - ``answered``: answered calls only.
    """
    answered = outcome == ANSWERED
    abandoned = outcome == ABANDONED
    denominators = {
        "answered_and_abandoned_after_grace": answered | (abandoned & (wait > grace)),
        "answered_and_abandoned_after_threshold": answered | (abandoned & breached),
        "offered": answered | abandoned,
        "answered": answered,
    }
    if denominator not in denominators:
        raise ValueError(f"unknown answer-time denominator {denominator!r}")
    counted = denominators[denominator]
    return counted, counted & answered & ~breached
