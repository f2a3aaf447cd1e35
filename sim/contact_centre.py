"""The level-1 contact centre of one replication: what its calls and e-mails became, and
the one entry that runs it with either engine.

Calls are answered by agent groups (one, for most scenarios) whose number on duty follows
their staffing; callers hang up at the end of their patience; agents work e-mails from a
backlog when no call they may take is waiting. Two engines decide the same model:

* the **fast path** (:mod:`sim.switchboard`), a recursion for one group serving calls
  first come, first served with the ``finish`` shift-end policy;
* the **SimPy model** (:mod:`sim.agent_groups`) for everything: several groups with
  skills, routing and overflow, priority callers, the ``hand_back`` policy.

:func:`simulate_contact_centre` draws every random quantity (patience, handling and
after-call work, e-mail handling) from the replication's streams, the same draws for
either engine, runs the fast path where it applies (unless told otherwise) and returns a
:class:`ContactCentreRun`: per-call and per-e-mail arrays, the canonical call events
(:meth:`ContactCentreRun.event_log`) and time-averaged monitors per half-hour, in all and
per group. A property test proves both engines equal, call for call, where both apply.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import simpy

from rules.coded import Coded
from rules.errors import DataError
from rules.eventlog import EVENTS, EventLog, EventLogBuilder

from .agent_groups import AgentGroups, DeskGroup, Release, Route, Workload
from .distributions import Distribution
from .policies import FINISH
from .scenario import Engine
from .staffing import StaffingSteps
from .switchboard import Switchboard

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
    did not happen before the end), ``released`` (end of handling and after-call work, as
    planned when answered: it may lie after the end) and ``group`` (index of the group
    that answered it, -1 if none)."""

    queued: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    released: np.ndarray
    group: np.ndarray

    @property
    def waiting_at_end(self) -> np.ndarray:
        return np.isnan(self.answered) & np.isnan(self.abandoned)


@dataclass(frozen=True)
class EmailOutcomes:
    """Per e-mail, in arrival order: ``arrived``, ``started``, ``finished`` (NaN if not
    started before the end) and ``group`` (the group that started it, -1 if none)."""

    arrived: np.ndarray
    started: np.ndarray
    finished: np.ndarray
    group: np.ndarray


@dataclass(frozen=True)
class Handovers:
    """Work set down by agents going off duty under ``hand_back`` and taken up again:
    instants and group indices, and the group that last took up each call and e-mail
    handed back (empty under ``finish``)."""

    handed_back: np.ndarray
    handed_back_by: np.ndarray
    resumed: np.ndarray
    resumed_by: np.ndarray
    last_call_group: Mapping[int, int] = field(default_factory=dict)
    last_email_group: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def none(cls) -> Handovers:
        empty = np.zeros(0)
        return cls(empty, empty.astype(int), empty, empty.astype(int))

    def release_groups(self, first: np.ndarray, emails: bool) -> np.ndarray:
        """Per contact, the group whose agent releases it: the one that answered it,
        unless it was handed back and resumed elsewhere."""
        last = self.last_email_group if emails else self.last_call_group
        if not last:
            return first
        groups = first.copy()
        groups[list(last)] = list(last.values())
        return groups


@dataclass(frozen=True)
class ContactCentreRun:
    """What one replication of level 1 did between ``start`` and ``end``: its groups'
    names and staffing, which ``engine`` decided it, and per call and e-mail outcomes."""

    start: float
    end: float
    calls: CallOutcomes
    emails: EmailOutcomes
    groups: tuple[str, ...]
    group_staffing: tuple[StaffingSteps, ...]
    engine: Engine
    handovers: Handovers

    @property
    def staffing(self) -> StaffingSteps:
        """Agents on duty in all groups."""
        return total_staffing(self.group_staffing)

    @classmethod
    def of_switchboard(cls, board: Switchboard, group: DeskGroup, start: float, end: float
                       ) -> ContactCentreRun:
        """The fast path's outcomes, once it has decided everything before ``end``."""
        queued, work, email_arrivals, email_work = (
            np.asarray(a, dtype=float) for a in board.arrays)
        answered = np.asarray(board.answered)
        abandoned = np.asarray(board.abandoned)
        released = answered + work
        started = np.asarray(board.email_started)
        finished = started + email_work
        late = answered > end  # decided, but after the end: still waiting at the end
        answered = np.where(late, np.nan, answered)
        started = np.where(started > end, np.nan, started)
        return cls(
            start=start,
            end=end,
            calls=CallOutcomes(
                queued=queued,
                answered=answered,
                abandoned=np.where(abandoned > end, np.nan, abandoned),
                released=np.where(late, np.nan, released),
                group=np.where(np.isnan(answered), -1, 0),
            ),
            emails=EmailOutcomes(
                arrived=email_arrivals,
                started=started,
                finished=np.where(np.isnan(started), np.nan, finished),
                group=np.where(np.isnan(started), -1, 0),
            ),
            groups=(group.name,),
            group_staffing=(group.staffing,),
            engine="recursion",
            handovers=Handovers.none(),
        )

    @classmethod
    def of_desk(cls, desk: AgentGroups, start: float, end: float) -> ContactCentreRun:
        """The SimPy model's outcomes, its environment having run to ``end``."""
        moves = Handovers.none()
        if desk.handed_back or desk.resumed:
            back = np.asarray(desk.handed_back, dtype=float).reshape(-1, 2)
            resumed = np.asarray(desk.resumed, dtype=float).reshape(-1, 2)
            moves = Handovers(back[:, 0], back[:, 1].astype(int), resumed[:, 0],
                              resumed[:, 1].astype(int), dict(desk.calls.last),
                              dict(desk.mail.last))
        return cls(
            start=start,
            end=end,
            calls=CallOutcomes(
                queued=np.asarray(desk.calls.arrivals, dtype=float),
                answered=np.asarray(desk.calls.started, dtype=float),
                abandoned=desk.abandoned(end),
                released=np.asarray(desk.calls.ended, dtype=float),
                group=np.asarray(desk.calls.by, dtype=np.int64),
            ),
            emails=EmailOutcomes(
                arrived=np.asarray(desk.mail.arrivals, dtype=float),
                started=np.asarray(desk.mail.started, dtype=float),
                finished=np.asarray(desk.mail.ended, dtype=float),
                group=np.asarray(desk.mail.by, dtype=np.int64),
            ),
            groups=tuple(g.name for g in desk.specs),
            group_staffing=tuple(g.staffing for g in desk.specs),
            engine="simpy",
            handovers=moves,
        )

    def event_log(self) -> EventLog:
        """The canonical call events up to the end, calls numbered ``call-0`` …"""
        builder = EventLogBuilder()
        self.add_events(builder, builder.numbered_ids("call-", self.calls.queued.size))
        return builder.build()

    def add_events(self, builder: EventLogBuilder, ids: np.ndarray, options: Any = "",
                   since: float = -math.inf) -> None:
        """Add the call events (queued, answered, abandoned) up to the end to ``builder``,
        in time order: ``ids`` are the calls' id codes (from the builder), ``options``
        the menu option of every call or of each (texts, or coded). With several groups,
        an answer names the group whose agent took the call. Calls queued before ``since``
        (a warm-up's) are left out."""
        calls = self.calls
        kept = calls.queued >= since
        queued = np.flatnonzero(kept)
        answered = np.flatnonzero(kept & ~np.isnan(calls.answered))
        abandoned = np.flatnonzero(kept & ~np.isnan(calls.abandoned))
        rows = np.concatenate([queued, answered, abandoned])
        times = np.concatenate([calls.queued[queued], calls.answered[answered],
                                calls.abandoned[abandoned]])
        codes = np.repeat(
            [EVENTS.index(e) for e in ("call_queued", "call_answered", "call_abandoned")],
            [queued.size, answered.size, abandoned.size],
        )
        # By time, then by event in life-cycle order: the blocks are in that order already,
        # so a stable sort of the times alone (fast on their sorted runs) is that order.
        order = np.argsort(times, kind="stable")
        rows = rows[order]
        group: Any = ""
        if len(self.groups) > 1:
            names = np.array([*self.groups, ""], dtype=object)
            answering = np.concatenate([np.full(queued.size, -1), calls.group[answered],
                                        np.full(abandoned.size, -1)])
            group = names[answering[order]]
        builder.add(
            np.asarray(ids)[rows], times[order], codes[order], channel="phone",
            option=options if isinstance(options, str) else options.take(rows)
            if isinstance(options, Coded) else np.asarray(options)[rows],
            level="1", group=group,
        )

    def monitors(self, step: float = HALF_HOUR) -> pd.DataFrame:
        """Per bin of ``step`` seconds from the start (``time``, UTC; the last bin may end
        after the end): time averages of ``agents_on_duty`` (scheduled), ``agents_busy``
        (calls, after-call work, e-mails, overtime included) and ``queue_length`` (callers
        waiting), all groups together."""
        edges = self._edges(step)
        busy = self._busy(edges, None)
        calls = self.calls
        left = np.fmin(calls.answered, calls.abandoned)
        queue = time_average(calls.queued, np.where(np.isnan(left), self.end, left), edges)
        return pd.DataFrame(
            {
                "time": edges[:-1],
                "agents_on_duty": self.staffing.half_hourly(self.start, self.end, step),
                "agents_busy": busy,
                "queue_length": queue,
            }
        )

    def group_monitors(self, step: float = HALF_HOUR, totals: pd.DataFrame | None = None
                       ) -> pd.DataFrame:
        """Per group and bin: ``time``, ``group``, ``agents_on_duty``, ``agents_busy``.
        With one group these are the totals: ``totals`` (:meth:`monitors` of the same
        ``step``), when given, is used instead of computing them again."""
        if totals is not None and len(self.groups) == 1:
            return pd.DataFrame({"time": totals["time"], "group": self.groups[0],
                                 "agents_on_duty": totals["agents_on_duty"],
                                 "agents_busy": totals["agents_busy"]})
        edges = self._edges(step)
        frames = [
            pd.DataFrame({
                "time": edges[:-1],
                "group": name,
                "agents_on_duty": staffing.half_hourly(self.start, self.end, step),
                "agents_busy": self._busy(edges, g),
            })
            for g, (name, staffing) in enumerate(zip(self.groups, self.group_staffing,
                                                     strict=True))
        ]
        return pd.concat(frames, ignore_index=True)

    def _edges(self, step: float) -> np.ndarray:
        return self.start + step * np.arange(math.ceil((self.end - self.start) / step) + 1)

    def _busy(self, edges: np.ndarray, group: int | None) -> np.ndarray:
        """Time-averaged busy agents (of ``group``, or all): from each answer or e-mail
        start to its release, less the time work handed back waited to be resumed."""
        calls, emails, moves = self.calls, self.emails, self.handovers

        def mine(groups: np.ndarray) -> np.ndarray:
            return np.ones(groups.size, bool) if group is None else groups == group

        answered = ~np.isnan(calls.answered)
        started = ~np.isnan(emails.started)
        released = answered & mine(moves.release_groups(calls.group, emails=False))
        finished = started & mine(moves.release_groups(emails.group, emails=True))
        answered &= mine(calls.group)
        started &= mine(emails.group)
        return time_average(
            np.concatenate([calls.answered[answered], emails.started[started],
                            moves.resumed[mine(moves.resumed_by)]]),
            np.concatenate([calls.released[released], emails.finished[finished],
                            moves.handed_back[mine(moves.handed_back_by)]]),
            edges,
        )


def time_average(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time-averaged number of intervals ``[starts, ends)`` open in each bin of ``edges``.

    The area under the count up to t is Σ (t − s)⁺ − Σ (t − e)⁺, evaluated at every edge
    from sorted starts and ends with cumulative sums: O(n log n), no loop over bins.
    """
    origin = edges[0]

    def area(points: np.ndarray, at: np.ndarray) -> np.ndarray:
        # stable: timsort, far faster than quicksort on these runs of increasing times
        # (arrivals, answers), and the same sorted values
        points = np.sort(points - origin, kind="stable")
        count = np.searchsorted(points, at, side="right")
        before = np.concatenate(([0.0], np.cumsum(points)))[count]
        return at * count - before

    at = edges - origin
    total = area(starts, at) - area(ends, at)
    return np.diff(total) / np.diff(edges)


def total_staffing(steps: Sequence[StaffingSteps]) -> StaffingSteps:
    """Agents on duty in several groups together, as one step function."""
    if len(steps) == 1:
        return steps[0]
    times = np.unique(np.concatenate([s.times for s in steps]))
    return StaffingSteps(times, sum((s.at(times) for s in steps), np.zeros(times.size, int)))


def fast_path_applies(groups: Sequence[DeskGroup], routes: Sequence[Route]) -> bool:
    """The recursion decides exactly this level 1: one group, every call type of the same
    rank (first come, first served), the ``finish`` policy at shift ends."""
    return (len(groups) == 1 and groups[0].at_shift_end == FINISH
            and len({r.rank for r in routes}) <= 1)


def simulate_contact_centre(
    centre: ContactCentre,
    calls: np.ndarray,
    staffing: StaffingSteps | Sequence[DeskGroup],
    end: float,
    streams: Mapping[str, np.random.Generator],
    emails: np.ndarray | None = None,
    email_hours: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    routes: Sequence[Route] = (Route(0),),
    kinds: np.ndarray | None = None,
    engine: Engine | None = None,
) -> ContactCentreRun:
    """Run level 1 for sorted call (and e-mail) arrival instants, from the first staffing
    step to ``end``. ``staffing`` is one group's agents on duty (named ``centre.group``)
    or the agent groups; ``routes`` are the call types and ``kinds`` each call's (default:
    one type, every call). ``streams`` gives the generators ``patience``, ``handling``,
    ``after_call`` and ``email_handling`` (see :class:`sim.rng.Streams`). E-mails are
    started only inside ``email_hours`` (sorted disjoint UTC ``starts, ends``, as
    ``BusinessCalendar.open_intervals`` gives them), by an agent on duty. ``engine``:
    "recursion" (the fast path: a :class:`DataError` where it does not apply), "simpy",
    or None for the fast path wherever it applies."""
    groups = ((DeskGroup(centre.group, staffing),) if isinstance(staffing, StaffingSteps)
              else tuple(staffing))
    start = min(float(g.staffing.times[0]) for g in groups)
    calls = np.asarray(calls, dtype=float)
    emails = np.zeros(0) if emails is None else np.asarray(emails, dtype=float)
    if calls.size and (calls[0] < start or calls[-1] >= end):
        raise DataError(
            f"call arrivals: expected instants from the first staffing step {start} to the "
            f"end {end}, found {calls[0]} … {calls[-1]}"
        )
    kinds = np.zeros(calls.size, dtype=np.int64) if kinds is None else np.asarray(kinds)
    if kinds.size != calls.size or (kinds.size and not 0 <= kinds.min() <= kinds.max()
                                    < len(routes)):
        raise DataError(f"call types: expected one of {len(routes)} per call, found "
                        f"{kinds.size} values for {calls.size} calls")
    n, m = calls.size, emails.size
    patience = (
        centre.patience.sample(streams["patience"], n) if centre.patience else np.full(n, _INF)
    )
    work = centre.handling.sample(streams["handling"], n)
    if centre.after_call is not None:
        work = work + centre.after_call.sample(streams["after_call"], n)
    if m and centre.email_handling is None:
        raise DataError(
            f"e-mails: {m} arrive but the contact centre has no e-mail handling time"
        )
    email_work = (
        centre.email_handling.sample(streams["email_handling"], m)
        if centre.email_handling is not None else np.zeros(0)
    )
    env = simpy.Environment(initial_time=start)
    load = Workload(calls, kinds, patience, work, emails, email_work)
    finish = start_level_one(env, groups, routes, load, end, email_hours, engine=engine)
    env.run(until=end)
    return finish()


def start_level_one(
    env: simpy.Environment,
    groups: Sequence[DeskGroup],
    routes: Sequence[Route],
    load: Workload,
    end: float,
    email_hours: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    on_release: Release | None = None,
    watched: tuple[np.ndarray, np.ndarray] | None = None,
    engine: Engine | None = None,
) -> Callable[[], ContactCentreRun]:
    """Put level 1 into ``env``, its ``load`` drawn; returns what gives its
    :class:`ContactCentreRun` once ``env`` has run to ``end``. ``on_release(is_email,
    index, instant)`` is called in ``env`` when an agent is done with a contact before
    ``end``: with every contact, or only with the calls and e-mails whose indices
    ``watched`` holds (an event per contact is what a month of calls cannot afford when
    few releases matter). The fast path decides the horizon at once (level 1 depends on
    nothing beyond it) and schedules the releases; the SimPy model runs in ``env``.
    ``engine`` as in :func:`simulate_contact_centre`."""
    start = min(float(g.staffing.times[0]) for g in groups)
    fast = fast_path_applies(groups, routes)
    if engine == "recursion" and not fast:
        raise DataError("the recursion decides one group serving first come, first served "
                        "with the finish policy; these groups need the SimPy model")
    if on_release is not None and watched is not None:
        on_release = _only(on_release, watched)
    if engine == "simpy" or not fast:
        desk = AgentGroups(env, groups, routes, load, email_hours, on_release)
        desk.start()
        return lambda: ContactCentreRun.of_desk(desk, start, end)
    board = Switchboard(load.arrivals, load.patience, load.work, load.email_arrivals,
                        load.email_work, groups[0].staffing, email_hours)
    board.advance(end)
    run = ContactCentreRun.of_switchboard(board, groups[0], start, end)
    if on_release is not None:
        for is_email, released in ((False, run.calls.released), (True, run.emails.finished)):
            told = released < end
            if watched is not None:
                told &= np.isin(np.arange(released.size), watched[1 if is_email else 0])
            for i in np.flatnonzero(told).tolist():
                _release_at(env, float(released[i]), is_email, i, on_release)
    return lambda: run


def _only(on_release: Release, watched: tuple[np.ndarray, np.ndarray]) -> Release:
    """``on_release`` told only of the watched calls and e-mails."""
    calls, emails = set(watched[0].tolist()), set(watched[1].tolist())

    def told(is_email: bool, index: int, at: float) -> None:
        if index in (emails if is_email else calls):
            on_release(is_email, index, at)

    return told


def _release_at(env: simpy.Environment, at: float, is_email: bool, index: int,
                on_release: Release) -> None:
    """``on_release(is_email, index, at)`` in ``env`` at ``at``."""
    event = env.timeout(at - env.now)
    event.callbacks.append(lambda _: on_release(is_email, index, at))
