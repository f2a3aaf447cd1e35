"""Level 1 as a SimPy model: agent groups with skills, routing, overflow, priority
callers, e-mails from a backlog, callers' patience and shift-end policies.

Each call belongs to a call type (:class:`Route`): a first group that answers it, other
skilled groups that may take it once it has waited ``overflow_after`` (0: at once, when
one of their agents is idle; infinity: never), and a rank (smaller ranks are served
first; first come, first served within a rank). An agent who becomes free takes, among
the calls it may take now, the one of the smallest rank that has waited longest; when
none waits, an agent of a group that works e-mails takes the oldest e-mail while the
e-mail hours are open. A caller whose wait reaches their patience hangs up.

Callback-style SimPy, for speed: no process per call. The events are pre-built SimPy
events whose callbacks are methods of :class:`AgentGroups`: the next call's arrival, an
agent's end of work, a group's staffing step, the next e-mail, the opening of the e-mail
hours, the instant a waiting call may overflow. Their order at one instant is written
once, as SimPy event priorities (:data:`ORDER`): staffing steps, then arrivals, then ends
of work, then openings, e-mails and overflows — so that, as in the recursion
(:mod:`sim.contact_centre`), a call arriving as an agent frees up is answered before an
e-mail is started. Abandonment costs no event: a call's deadline (arrival + patience) is
known, so a call found past it at the head of a queue left at its deadline. Every random
quantity is drawn before the run (numpy), so the model only orders them in time.

When a group's staffing falls, idle agents go first, then those whose work ends soonest
(:mod:`sim.policies`): under ``finish`` they leave once it is done, under ``hand_back``
they leave at once and the call (no longer subject to patience) or e-mail goes back to
the front of its queue with what is left of its work.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import simpy
from simpy.events import EventPriority

from .policies import FINISH, HAND_BACK, ShiftEnd
from .scenario import LevelOne
from .staffing import StaffingSteps

_INF = math.inf
_NAN = math.nan
# The order of the model's events at one instant (SimPy event priorities; smaller first).
ORDER: dict[str, int] = {
    "staffing": 0, "arrival": 1, "free": 2, "opening": 3, "email": 4, "overflow": 5}
_STAFFING, _ARRIVAL, _FREE, _OPENING, _EMAIL, _OVERFLOW = (
    EventPriority(ORDER[k]) for k in ("staffing", "arrival", "free", "opening", "email",
                                      "overflow"))

Release = Callable[[bool, int, float], None]  # (is an e-mail, index, instant)


@dataclass(frozen=True)
class DeskGroup:
    """One agent group as the model sees it: agents on duty over time, whether they work
    e-mails, and what they do with their work in progress at a shift's end."""

    name: str
    staffing: StaffingSteps
    emails: bool = True
    at_shift_end: ShiftEnd = FINISH


@dataclass(frozen=True)
class Route:
    """A call type as the model sees it: group indices (``first``, then the other skilled
    groups in order), the wait after which those may take it, its rank (smaller first)."""

    first: int
    others: tuple[int, ...] = ()
    overflow_after: float = _INF
    rank: float = _INF


@dataclass(frozen=True)
class Workload:
    """Level 1's contacts with every draw made, the same for either engine: per call its
    arrival (sorted), type (index of its :class:`Route`), patience and work (handling plus
    after-call work); per e-mail its arrival (sorted) and work."""

    arrivals: np.ndarray
    kinds: np.ndarray
    patience: np.ndarray
    work: np.ndarray
    email_arrivals: np.ndarray
    email_work: np.ndarray


class _At(simpy.Event):
    """An event already triggered with ``value``, processed ``delay`` from now in the
    model's ``order``, calling ``callback``. (Instants are epoch seconds: the difference
    of two of them is exact, so an event scheduled for an instant lands on it exactly.)"""

    def __init__(self, env: simpy.Environment, delay: float, order: EventPriority,
                 value: object, callback: Callable[[simpy.Event], None]):
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, order, delay)


class Pile:
    """Calls or e-mails: per contact its arrival, the work left to do, when an agent first
    took it (``started``; for a call, its answer), by which group (-1: not yet), when the
    work is to end (as planned at its last start) and, for work handed back and resumed,
    the group that took it up last."""

    def __init__(self, arrivals: np.ndarray, work: np.ndarray, email: bool):
        self.email = email
        self.arrivals: list[float] = arrivals.tolist()
        self.work: list[float] = work.tolist()
        self.started = [_NAN] * len(self.arrivals)
        self.by = [-1] * len(self.arrivals)
        self.ended = [_NAN] * len(self.arrivals)
        self.last: dict[int, int] = {}


class _Agent:
    __slots__ = ("gone", "group", "item", "leaving", "pile", "release")

    def __init__(self, group: _Group, pile: Pile):
        self.group = group
        self.item = -1
        self.pile = pile
        self.release = _INF
        self.leaving = False  # finishing its work, then off duty (policy finish)
        self.gone = False  # off duty: an end of work still scheduled for it is void


class _Group:
    __slots__ = ("at_shift_end", "emails", "idle", "index", "level", "offer", "on_duty")

    def __init__(self, index: int, spec: DeskGroup):
        self.index = index
        self.emails = spec.emails
        self.at_shift_end = spec.at_shift_end
        self.level = 0
        self.idle: list[_Agent] = []
        self.on_duty: list[_Agent] = []  # idle or busy, not leaving
        # (queue, wait before this group may take its calls, rank), smallest rank first
        self.offer: list[tuple[deque[int], float, float]] = []


class AgentGroups:
    """The level-1 agent groups of one replication, inside a SimPy environment, working
    ``load``. E-mails are started only inside ``email_hours``, sorted disjoint UTC
    ``(starts, ends)`` (None: always). ``on_release(is_email, index, instant)`` is called
    when an agent is done with a contact: where an escalated ticket enters level 2 at
    that very instant."""

    def __init__(
        self,
        env: simpy.Environment,
        groups: Sequence[DeskGroup],
        routes: Sequence[Route],
        load: Workload,
        email_hours: tuple[np.ndarray, np.ndarray] | None = None,
        on_release: Release | None = None,
    ):
        self.env = env
        self.specs = tuple(groups)
        self.routes = tuple(routes)
        self.groups = [_Group(g, spec) for g, spec in enumerate(groups)]
        self.queues: list[deque[int]] = [deque() for _ in routes]
        for k, route in enumerate(routes):
            for g in (route.first, *route.others):
                wait = 0.0 if g == route.first else route.overflow_after
                if wait < _INF:
                    self.groups[g].offer.append((self.queues[k], wait, route.rank))
        for group in self.groups:
            group.offer.sort(key=lambda entry: entry[2])
        self.calls = Pile(load.arrivals, load.work, email=False)
        self.mail = Pile(load.email_arrivals, load.email_work, email=True)
        self.arrivals = self.calls.arrivals
        self.kinds = load.kinds.tolist()
        self.deadlines = (load.arrivals + load.patience).tolist()
        self.backlog: deque[int] = deque()
        self.mailers = [g for g in self.groups if g.emails]
        opens, closes = email_hours if email_hours is not None else ([-_INF], [_INF])
        self.opens, self.closes = list(opens), list(closes)
        self.on_release = on_release
        # Work set down and taken up again after a hand-back: (instant, group index).
        self.handed_back: list[tuple[float, int]] = []
        self.resumed: list[tuple[float, int]] = []
        self.n_calls = len(self.arrivals)
        # bound once: the callbacks of the events scheduled for each call
        self._on_arrival, self._on_free = self._arrive, self._free
        self._on_overflow = self._overflow

    # -- the schedule ------------------------------------------------------------------
    def start(self) -> None:
        """Schedule the first event of each chain: arrivals, e-mails, staffing steps of
        every group, openings of the e-mail hours."""
        env, now = self.env, self.env.now
        if self.arrivals:
            _At(env, max(0.0, self.arrivals[0] - now), _ARRIVAL, 0, self._arrive)
        if self.mail.arrivals:
            _At(env, max(0.0, self.mail.arrivals[0] - now), _EMAIL, 0, self._email)
        steps = sorted((float(t), g, int(level)) for g, spec in enumerate(self.specs)
                       for t, level in zip(spec.staffing.times, spec.staffing.agents,
                                           strict=True))
        self.steps = steps
        if steps:
            _At(env, max(0.0, steps[0][0] - now), _STAFFING, 0, self._staffing)
        openings = [t for t in self.opens if t > now]
        self.openings = openings
        if openings:
            _At(env, openings[0] - now, _OPENING, 0, self._opening)

    def _arrive(self, event: simpy.Event) -> None:
        i = event._value
        env = self.env
        now = env._now
        kind = self.kinds[i]
        route = self.routes[kind]
        first = self.groups[route.first]
        if first.idle:
            self._take(first.idle.pop(), self.calls, i, now)
        elif route.overflow_after > 0.0 or not self._overflow_now(route, i, now):
            self.queues[kind].append(i)
            after = route.overflow_after
            if route.others and after < _INF and now + after <= self.deadlines[i]:
                _At(env, after, _OVERFLOW, i, self._on_overflow)
        i += 1
        if i < self.n_calls:
            _At(env, self.arrivals[i] - now, _ARRIVAL, i, self._on_arrival)

    def _overflow_now(self, route: Route, i: int, now: float) -> bool:
        """Give call ``i``, which may overflow at once, to an idle agent of another
        skilled group if there is one."""
        for g in route.others:
            group = self.groups[g]
            if group.idle:
                self._take(group.idle.pop(), self.calls, i, now)
                return True
        return False

    def _overflow(self, event: simpy.Event) -> None:
        """Call ``i`` may now be taken by the other skilled groups: an idle agent of one of
        them looks for work (it takes the call unless more urgent work came first)."""
        i = event._value
        if self.calls.by[i] >= 0 or self.deadlines[i] < self.env._now:
            return
        for g in self.routes[self.kinds[i]].others:
            group = self.groups[g]
            if group.idle:
                self._next(group.idle.pop())
                return

    def _free(self, event: simpy.Event) -> None:
        agent = event._value
        if agent.gone:
            return
        now = self.env._now
        if self.on_release is not None and agent.item >= 0:
            self.on_release(agent.pile.email, agent.item, now)
        if agent.leaving:
            agent.gone = True
            return
        self._next(agent)

    def _next(self, agent: _Agent) -> None:
        """What an available agent does now: the most urgent call it may take (the one
        that waited longest within a rank), else the oldest e-mail, else wait idle."""
        now = self.env._now
        deadlines, arrivals = self.deadlines, self.arrivals
        group = agent.group
        best: deque[int] | None = None
        best_rank, best_arrival = _INF, _INF
        for queue, wait, rank in group.offer:
            if rank > best_rank:
                break
            while queue and deadlines[queue[0]] < now:  # hung up at its deadline
                queue.popleft()
            if queue:
                arrival = arrivals[queue[0]]
                if arrival + wait <= now and (rank < best_rank or arrival < best_arrival):
                    best, best_rank, best_arrival = queue, rank, arrival
        if best is not None:
            self._take(agent, self.calls, best.popleft(), now)
        elif group.emails and self.backlog and self._email_hours(now):
            self._take(agent, self.mail, self.backlog.popleft(), now)
        else:
            group.idle.append(agent)

    def _take(self, agent: _Agent, pile: Pile, i: int, now: float) -> None:
        """``agent`` starts (or takes up again) contact ``i`` of ``pile`` at ``now``."""
        group = agent.group.index
        if pile.by[i] < 0:
            pile.started[i] = now
            pile.by[i] = group
        else:  # handed back earlier: resumed by this agent
            self.resumed.append((now, group))
            pile.last[i] = group
        work = pile.work[i]
        agent.item, agent.pile, agent.release = i, pile, now + work
        pile.ended[i] = now + work
        _At(self.env, work, _FREE, agent, self._on_free)

    def _email_hours(self, now: float) -> bool:
        w = bisect_right(self.closes, now)
        return w < len(self.opens) and self.opens[w] <= now

    def _email(self, event: simpy.Event) -> None:
        j = event._value
        now = self.env._now
        self.backlog.append(j)
        if self._email_hours(now):
            for group in self.mailers:
                if group.idle:
                    self._take(group.idle.pop(), self.mail, self.backlog.popleft(), now)
                    break
        j += 1
        if j < len(self.mail.arrivals):
            _At(self.env, self.mail.arrivals[j] - now, _EMAIL, j, self._email)

    def _opening(self, event: simpy.Event) -> None:
        k = event._value
        now = self.env._now
        for group in self.mailers:
            while group.idle and self.backlog:
                self._take(group.idle.pop(), self.mail, self.backlog.popleft(), now)
        if k + 1 < len(self.openings):
            _At(self.env, self.openings[k + 1] - now, _OPENING, k + 1, self._opening)

    def _staffing(self, event: simpy.Event) -> None:
        k = event._value
        now = self.env._now
        _, g, level = self.steps[k]
        group = self.groups[g]
        change, group.level = level - group.level, level
        for _ in range(change):  # available once this instant's calls have arrived
            agent = _Agent(group, self.calls)
            group.on_duty.append(agent)
            _At(self.env, 0.0, _FREE, agent, self._free)
        for _ in range(-change):
            self._off_duty(group, now)
        if k + 1 < len(self.steps):
            _At(self.env, self.steps[k + 1][0] - now, _STAFFING, k + 1, self._staffing)

    def _off_duty(self, group: _Group, now: float) -> None:
        """One agent of ``group`` goes off duty: an idle one, else the one whose work ends
        soonest, which finishes it or hands it back (the group's policy)."""
        if group.idle:
            agent = group.idle.pop()
            group.on_duty.remove(agent)
            agent.gone = True
            return
        agent = min(group.on_duty, key=lambda a: a.release)
        group.on_duty.remove(agent)
        if group.at_shift_end != HAND_BACK:
            agent.leaving = True
            return
        agent.gone = True
        i, pile = agent.item, agent.pile
        pile.work[i], pile.ended[i] = agent.release - now, _NAN
        self.handed_back.append((now, group.index))
        if pile.email:
            self.backlog.appendleft(i)
            if self._email_hours(now):
                for mailer in self.mailers:
                    if mailer.idle:
                        self._next(mailer.idle.pop())
                        break
            return
        self.deadlines[i] = _INF  # answered already: no longer hangs up
        route = self.routes[self.kinds[i]]
        self.queues[self.kinds[i]].appendleft(i)
        for g in (route.first, *route.others):
            if self.groups[g].idle:
                self._next(self.groups[g].idle.pop())
                break

    # -- results -----------------------------------------------------------------------
    def abandoned(self, end: float) -> np.ndarray:
        """Per call, the instant it hung up (its deadline, if never answered and the
        deadline came by ``end``), else NaN."""
        deadlines = np.asarray(self.deadlines)
        gone = np.isnan(np.asarray(self.calls.started)) & (deadlines <= end) & (
            deadlines < _INF)
        return np.where(gone, deadlines, np.nan)


# -- from a scenario's level one ---------------------------------------------------------
def desk_groups(level_one: LevelOne, begin: float, end: float, zone: str,
                working_day: Callable[[date], bool]) -> list[DeskGroup]:
    """Each group's agents on duty from ``begin`` to ``end`` (nobody on days that are not
    ``working_day``s), whether it works e-mails, its shift-end policy."""
    return [DeskGroup(name, group.staffing.steps(begin, end, zone, working_day), group.emails,
                      group.at_shift_end)
            for name, group in level_one.groups.items()]


def routes(level_one: LevelOne) -> list[Route]:
    """The call types as the engines see them, in the routing's order."""
    index = {name: g for g, name in enumerate(level_one.groups)}
    return [
        Route(
            first=index[t.first],
            others=tuple(index[n] for n in level_one.skilled(t)[1:]),
            overflow_after=math.inf if t.overflow_after is None else t.overflow_after,
            rank=math.inf if t.priority is None else float(t.priority),
        )
        for t in level_one.routing
    ]
