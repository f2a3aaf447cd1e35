"""The level-1 fast path: one agent group serving calls first come, first served, solved
by a recursion instead of events.

Design, chosen for speed with exact FCFS semantics
--------------------------------------------------
Every random quantity is drawn up front in numpy vectors (patience, talk + after-call
work, e-mail handling), and the queue is solved by the Kiefer–Wolfowitz recursion over a
heap of the instants at which each agent on duty is next free. Under FCFS a caller's
*offered* wait depends only on the callers before it: it is max(0, earliest free agent −
arrival). If that exceeds its patience the caller hangs up at arrival + patience and
takes nobody; otherwise it takes that agent, who is then busy until answer + handling
(Baccelli & Hébuterne 1981 for FCFS queues with impatience). Everything else is ordered
in time around that recursion, each step taking the earliest of:

* a staffing change at t (applied first at a tie): a rise adds agents free at t; a fall
  of k removes the k agents free soonest — the idle ones, then those who finish their
  current call (or e-mail) first, each leaving as soon as it is done, never mid-call
  (the ``finish`` policy of :mod:`sim.policies`);
* an e-mail: the earliest-free agent starts the oldest e-mail at max(agent free, e-mail
  arrival, next opening of the e-mail hours) if that is before the next call arrives
  (calls come first at a tie);
* the next call, by the recursion above (changes before its answer are applied first).

Each step only ever starts work at or after every instant already processed, which is
what makes a change at t see exactly the work begun before t. Level 1 depends on nothing
that happens at levels 2–3, so the whole horizon is decided before the SimPy
environment runs, and each contact's release is then scheduled in it. It is the same
model as :class:`sim.agent_groups.AgentGroups` restricted to one group, one call type
and the ``finish`` policy — a property test proves them equal, call for call, on the
same draws — and several times faster; :func:`sim.contact_centre.simulate_contact_centre`
and the whole-CAU model use it wherever a scenario has that shape.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right

import numpy as np

from .staffing import StaffingSteps

_INF = math.inf


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
        # the inputs as arrays, for the outcomes; as lists, which the loop indexes fastest
        self.arrays = (arrivals, service, email_arrivals, email_service)
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
            # Most calls have nothing else before them: no staffing change before their
            # answer (or hang-up) and no e-mail arriving before them. For those the step
            # below is the recursion alone, done here with nothing else to check; the first
            # call that is not so goes on to the whole step.
            if free:
                limit = next_change if next_change < until else until
                if j < emails and email_arrivals[j] < limit:
                    limit = email_arrivals[j]
                while i < calls:
                    a = arrivals[i]
                    if a >= limit:
                        break
                    start = free[0]
                    if start < a:
                        start = a
                    deadline = deadlines[i]
                    if start <= deadline:
                        if start >= next_change:
                            break
                        heapreplace(free, start + service[i])
                        answered[i] = start
                    else:
                        if deadline >= next_change:
                            break
                        abandoned[i] = deadline
                    i += 1
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
