"""The level-1 queue of the CAU: calls answered first come, first served by a pool of
agents whose number follows the schedule; callers hang up at the end of their patience;
agents work e-mails from a backlog when no call is waiting.

Design, chosen for speed with exact FCFS semantics
--------------------------------------------------
A process per call would cost several SimPy events per call. Instead every random
quantity is drawn up front in numpy vectors (patience, talk + after-call work, e-mail
handling), and the queue is solved by the Kiefer–Wolfowitz recursion over a heap of the
instants at which each agent on duty is next free. Under FCFS a caller's *offered* wait
depends only on the callers before it: it is max(0, earliest free agent − arrival). If that
exceeds its patience the caller hangs up at arrival + patience and takes nobody;
otherwise it takes that agent, who is then busy until answer + handling (Baccelli &
Hébuterne 1981 for FCFS queues with impatience). Everything else is ordered in time
around that recursion, each step taking the earliest of:

* a staffing change at t (applied first at a tie): a rise adds agents free at t; a fall
  of k removes the k agents free soonest — the idle ones, then those who finish their
  current call (or e-mail) first, each leaving as soon as it is done, never mid-call;
* an e-mail: the earliest-free agent starts the oldest e-mail at max(agent free, e-mail
  arrival, next opening of the e-mail hours) if that is before the next call arrives
  (calls come first at a tie);
* the next call, by the recursion above (changes before its answer are applied first).

Each step only ever starts work at or after every instant already processed, which is
what makes a change at t see exactly the work begun before t. The recursion runs inside a
SimPy process that advances half an hour at a time, so other SimPy processes (levels 2
and 3) can share the environment and the clock. The result is per-call and per-e-mail
arrays; :meth:`ContactCentreRun.event_log` writes the canonical call events and
:meth:`ContactCentreRun.monitors` the time-averaged measures per half-hour.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import simpy

from rules.errors import DataError
from rules.eventlog import EVENTS, EventLog, EventLogBuilder

from .distributions import Distribution
from .staffing import StaffingSteps

HALF_HOUR = 1800.0
_INF = math.inf


@dataclass(frozen=True)
class ContactCentre:
    """Level-1 parameters: call talk time, after-call work, callers' patience (None:
    nobody hangs up) and e-mail handling time, all in seconds."""

    handling: Distribution
    patience: Distribution | None = None
    after_call: Distribution | None = None
    email_handling: Distribution | None = None
    group: str = ""


@dataclass(frozen=True)
class CallOutcomes:
    """Per call, in arrival order: ``queued``, ``answered`` / ``abandoned`` (NaN when it
    did not happen before the end) and ``released`` (end of handling and after-call work)."""

    queued: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    released: np.ndarray

    @property
    def waiting_at_end(self) -> np.ndarray:
        return np.isnan(self.answered) & np.isnan(self.abandoned)


@dataclass(frozen=True)
class EmailOutcomes:
    """Per e-mail, in arrival order: ``arrived``, ``started``, ``finished`` (NaN if not
    before the end)."""

    arrived: np.ndarray
    started: np.ndarray
    finished: np.ndarray


@dataclass(frozen=True)
class ContactCentreRun:
    """What one replication of the level-1 queue did between ``start`` and ``end``."""

    start: float
    end: float
    calls: CallOutcomes
    emails: EmailOutcomes
    staffing: StaffingSteps

    def event_log(self) -> EventLog:
        """The canonical call events up to the end, calls numbered ``call-0`` …"""
        builder = EventLogBuilder()
        self.add_events(builder, builder.numbered_ids("call-", self.calls.queued.size))
        return builder.build()

    def add_events(self, builder: EventLogBuilder, ids: np.ndarray, options: Any = "") -> None:
        """Add the call events (queued, answered, abandoned) up to the end to ``builder``,
        in time order: ``ids`` are the calls' id codes (from the builder), ``options``
        the menu option of every call or of each."""
        calls = self.calls
        n = calls.queued.size
        answered = np.flatnonzero(~np.isnan(calls.answered))
        abandoned = np.flatnonzero(~np.isnan(calls.abandoned))
        rows = np.concatenate([np.arange(n), answered, abandoned])
        times = np.concatenate([calls.queued, calls.answered[answered], calls.abandoned[abandoned]])
        codes = np.repeat(
            [EVENTS.index(e) for e in ("call_queued", "call_answered", "call_abandoned")],
            [n, answered.size, abandoned.size],
        )
        order = np.lexsort((codes, times))
        rows = rows[order]
        builder.add(
            np.asarray(ids)[rows], times[order], codes[order], channel="phone",
            option=options if isinstance(options, str) else np.asarray(options)[rows],
            level="1",
        )

    def monitors(self, step: float = HALF_HOUR) -> pd.DataFrame:
        """Per bin of ``step`` seconds from the start (``time``, UTC; the last bin may end
        after the end): time averages of
        ``agents_on_duty`` (scheduled), ``agents_busy`` (calls, after-call work, e-mails,
        overtime included) and ``queue_length`` (callers waiting)."""
        edges = self.start + step * np.arange(math.ceil((self.end - self.start) / step) + 1)
        calls, emails = self.calls, self.emails
        answered = ~np.isnan(calls.answered)
        started = ~np.isnan(emails.started)
        busy = time_average(
            np.concatenate([calls.answered[answered], emails.started[started]]),
            np.concatenate([calls.released[answered], emails.finished[started]]),
            edges,
        )
        left = np.fmin(calls.answered, calls.abandoned)
        queue = time_average(calls.queued, np.where(np.isnan(left), self.end, left), edges)
        return pd.DataFrame(
            {
                "time": edges[:-1],
                "agents_on_duty": self.staffing.half_hourly(self.start, self.end, step)["agents"],
                "agents_busy": busy,
                "queue_length": queue,
            }
        )


def time_average(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time-averaged number of intervals ``[starts, ends)`` open in each bin of ``edges``.

    The area under the count up to t is Σ (t − s)⁺ − Σ (t − e)⁺, evaluated at every edge
    from sorted starts and ends with cumulative sums: O(n log n), no loop over bins.
    """
    origin = edges[0]

    def area(points: np.ndarray, at: np.ndarray) -> np.ndarray:
        points = np.sort(points - origin)
        count = np.searchsorted(points, at, side="right")
        before = np.concatenate(([0.0], np.cumsum(points)))[count]
        return at * count - before

    at = edges - origin
    total = area(starts, at) - area(ends, at)
    return np.diff(total) / np.diff(edges)


def _restaff(free: list[float], at: float, size: int) -> None:
    """A staffing change of ``size`` agents at ``at`` on the heap of next free instants: a
    rise adds agents free at ``at``; a fall removes the agents free soonest (idle first)."""
    for _ in range(size):
        heapq.heappush(free, at)
    for _ in range(-size):
        heapq.heappop(free)


class Switchboard:
    """The state of the level-1 queue between two steps of the SimPy process: the heap
    of agents' next free instants, the next staffing change, call and e-mail reached."""

    def __init__(
        self,
        arrivals: np.ndarray,
        patience: np.ndarray,
        service: np.ndarray,
        email_arrivals: np.ndarray,
        email_service: np.ndarray,
        staffing: StaffingSteps,
        email_hours: tuple[np.ndarray, np.ndarray] | None = None,
    ):
        self.arrivals = arrivals.tolist()
        self.deadlines = (arrivals + patience).tolist()
        self.service = service.tolist()
        self.email_arrivals = email_arrivals.tolist()
        self.email_service = email_service.tolist()
        # e-mails are started only inside these [start, end) windows (default: always)
        opens, closes = email_hours if email_hours is not None else ([-_INF], [_INF])
        self.email_opens, self.email_closes = list(opens), list(closes)
        self.change_times = [*staffing.times.tolist(), _INF]
        self.change_sizes = [*np.diff(staffing.agents, prepend=0).tolist(), 0]
        self.answered = [math.nan] * len(self.arrivals)
        self.abandoned = [math.nan] * len(self.arrivals)
        self.email_started = [math.nan] * len(self.email_arrivals)
        self.free: list[float] = []  # heap: next free instant of each agent on duty
        self.call = self.email = self.change = 0

    def advance(self, until: float) -> None:
        """Decide every call that arrives before ``until`` and everything before it."""
        arrivals, deadlines, service = self.arrivals, self.deadlines, self.service
        email_arrivals, email_service = self.email_arrivals, self.email_service
        change_times, change_sizes = self.change_times, self.change_sizes
        answered, abandoned, email_started = self.answered, self.abandoned, self.email_started
        free = self.free
        opens, closes, windows = self.email_opens, self.email_closes, len(self.email_opens)
        heapreplace = heapq.heapreplace
        i, j, k = self.call, self.email, self.change
        calls, emails = len(arrivals), len(email_arrivals)
        next_change = change_times[k]
        while True:
            is_call = i < calls and arrivals[i] < until
            a = arrivals[i] if is_call else until
            # staffing changes and e-mails that come before this call, in time order
            while True:
                e = email_arrivals[j] if j < emails and free else _INF
                if e != _INF:
                    if free[0] > e:
                        e = free[0]
                    w = bisect_right(closes, e)  # the window open at e, or the next one
                    e = _INF if w == windows else max(e, opens[w])
                if next_change <= a and next_change <= e and next_change != _INF:
                    _restaff(free, next_change, change_sizes[k])
                    k += 1
                    next_change = change_times[k]
                elif e < a:
                    heapreplace(free, e + email_service[j])
                    email_started[j] = e
                    j += 1
                else:
                    break
            if not is_call:
                break
            deadline = deadlines[i]
            while True:
                start = free[0] if free else _INF
                if start < a:
                    start = a
                if next_change <= start and next_change <= deadline and next_change != _INF:
                    _restaff(free, next_change, change_sizes[k])
                    k += 1
                    next_change = change_times[k]
                else:
                    break
            if start <= deadline and start != _INF:
                heapreplace(free, start + service[i])
                answered[i] = start
            elif deadline != _INF:
                abandoned[i] = deadline
            i += 1
        self.call, self.email, self.change = i, j, k

    def process(self, env: simpy.Environment, end: float, step: float) -> Generator[simpy.Event]:
        """The SimPy process: at each step boundary, decide the calls of the step."""
        while env.now < end:
            boundary = min(env.now + step, end)
            yield env.timeout(boundary - env.now)
            self.advance(boundary)


def simulate_contact_centre(
    centre: ContactCentre,
    calls: np.ndarray,
    staffing: StaffingSteps,
    end: float,
    streams: Mapping[str, np.random.Generator],
    emails: np.ndarray | None = None,
    email_hours: tuple[np.ndarray, np.ndarray] | None = None,
) -> ContactCentreRun:
    """Run the level-1 queue for sorted call (and e-mail) arrival instants, from the
    first staffing step to ``end``. ``streams`` gives the generators ``patience``,
    ``handling``, ``after_call`` and ``email_handling`` (see :class:`sim.rng.Streams`).
    E-mails are started only inside ``email_hours`` (sorted disjoint UTC ``starts, ends``,
    as ``BusinessCalendar.open_intervals`` gives them), by an agent on duty."""
    start = float(staffing.times[0])
    calls = np.asarray(calls, dtype=float)
    emails = np.zeros(0) if emails is None else np.asarray(emails, dtype=float)
    if calls.size and (calls[0] < start or calls[-1] >= end):
        raise DataError(
            f"call arrivals: expected instants from the first staffing step {start} to the "
            f"end {end}, found {calls[0]} … {calls[-1]}"
        )
    n, m = calls.size, emails.size
    patience = (
        centre.patience.sample(streams["patience"], n) if centre.patience else np.full(n, _INF)
    )
    service = centre.handling.sample(streams["handling"], n)
    if centre.after_call is not None:
        service = service + centre.after_call.sample(streams["after_call"], n)
    if m and centre.email_handling is None:
        raise DataError(
            f"e-mails: {m} arrive but the contact centre has no e-mail handling time"
        )
    email_service = (
        centre.email_handling.sample(streams["email_handling"], m)
        if centre.email_handling is not None else np.zeros(0)
    )
    board = Switchboard(calls, patience, service, emails, email_service, staffing, email_hours)
    env = simpy.Environment(initial_time=start)
    env.process(board.process(env, end, HALF_HOUR))
    env.run()  # the process ends after deciding everything before ``end``
    answered = np.asarray(board.answered)
    abandoned = np.asarray(board.abandoned)
    released = answered + service
    started = np.asarray(board.email_started)
    finished = started + email_service
    late = answered > end  # decided, but after the end: still waiting at the end
    return ContactCentreRun(
        start=start,
        end=end,
        calls=CallOutcomes(
            queued=calls,
            answered=np.where(late, np.nan, answered),
            abandoned=np.where(abandoned > end, np.nan, abandoned),
            released=np.where(late, np.nan, released),
        ),
        emails=EmailOutcomes(
            arrived=emails,
            started=np.where(started > end, np.nan, started),
            finished=np.where(started > end, np.nan, finished),
        ),
        staffing=staffing,
    )
