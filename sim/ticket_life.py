"""An escalated incident's way through the resolver groups, as a small class with named
steps: it enters its level-2 group, is worked there (the work split around the user's
reply and a hold), may be escalated to level 3 and worked there, is resolved, may be
reopened and worked again, and is closed.

Everything random about a ticket is drawn before the run (:class:`TicketPlan`); a
:class:`TicketLife` only orders those draws in time against the resolver groups'
people (:class:`sim.resolvers.ResolverTeam`), inside the replication's one SimPy
environment, and writes the ticket's events. A :class:`ResolverDesk` holds what every
ticket shares: the groups, their business hours, the users' reply calendar, the event
log, and where each ticket is (for the backlog per group).
"""

from __future__ import annotations

from collections.abc import Collection, Generator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from rules.eventlog import EventLogBuilder

from .resolvers import ResolverTeam, after_open_time, next_open
from .scenario import ResolverGroup

Process = Generator[simpy.Event, Any, None]


@dataclass(frozen=True)
class TicketPlan:
    """What will happen to one escalated incident, drawn before the run."""

    id: int | str  # an id code of the log's builder, or an id's text
    time: float  # enters its level-2 group at (for an escalation: when level 1 lets it go)
    rank: int  # 1 = most urgent
    group: str  # its level-2 group
    attrs: tuple[str, str, str]  # channel, option, service
    work: float  # hands-on work in its level-2 group (a person busy)
    wait: float  # waiting on the user (0: none)
    split: float  # share of each group's work done before the wait and the hold
    level3: str  # group it goes on to ("" if none)
    work3: float
    hold: float  # on hold in its level-2 group, nobody busy (0: none)
    hold3: float  # on hold in its level-3 group
    reopen: float  # delay from resolution to reopening (0: not reopened)
    rework: float
    level: str = "2"  # the level of ``group`` (an initial backlog may start at level 3)


class ResolverDesk:
    """The resolver groups of one replication, inside its SimPy environment.

    ``hours[group]`` are the group's business hours as UTC ``(opens, closes)``;
    ``replies`` the intervals in which users answer (None: nobody waits on a user);
    ``around_clock`` the ranks worked at any hour."""

    def __init__(self, env: simpy.Environment, groups: Mapping[str, ResolverGroup],
                 hours: Mapping[str, tuple[np.ndarray, np.ndarray]],
                 replies: tuple[np.ndarray, np.ndarray] | None, log: EventLogBuilder,
                 around_clock: Collection[int], close_after: float):
        self.env, self.groups, self.hours, self.replies = env, groups, hours, replies
        self.log, self.around_clock, self.close_after = log, frozenset(around_clock), close_after
        self.teams = {
            name: ResolverTeam(env, name, group.headcount, group.on_call, *hours[name],
                               around_clock=self.around_clock, preempting=(1,),
                               at_shift_end=group.at_shift_end)
            for name, group in groups.items()
        }
        self.stays: list[tuple[str, float, float]] = []  # (group, from, to) of each stay
        self.holding: dict[int | str, tuple[str, float]] = {}  # ticket → (group, since)

    def enter(self, plan: TicketPlan, at: float | None = None) -> None:
        """Start the ticket's life now: it enters its group at ``at`` (default
        ``plan.time``), waiting until then if that is later."""
        self.env.process(TicketLife(plan, self, at).run())

    def stays_at_end(self) -> list[tuple[str, float, float]]:
        """Every stay of a ticket in a group; those still open end at infinity."""
        return [*self.stays, *((g, since, float("inf")) for g, since in self.holding.values())]


class TicketLife:
    """One escalated ticket's life; :meth:`run` is its SimPy process, each step a method."""

    def __init__(self, plan: TicketPlan, desk: ResolverDesk, at: float | None = None):
        self.plan, self.desk = plan, desk
        self.at = plan.time if at is None else at  # when it enters its group
        self.group, self.level = plan.group, plan.level  # where the ticket is

    def run(self) -> Process:
        plan = self.plan
        yield from self.arrive()
        yield from self.stay(plan.work, plan.hold, plan.wait)
        if plan.level3:
            self.escalate(plan.level3)
            yield from self.stay(plan.work3, plan.hold3, 0.0)
        self.resolve()
        if plan.reopen > 0:
            yield from self.reopened()
        yield from self.close()

    # -- the steps -------------------------------------------------------------------------
    def arrive(self) -> Process:
        """Wait for the instant the ticket enters its group, and check in there."""
        env = self.desk.env
        if self.at > env.now:
            yield env.timeout(self.at - env.now)
        self.desk.holding[self.plan.id] = (self.group, env.now)

    def stay(self, work: float, hold: float, wait: float) -> Process:
        """Hands-on work in the current group; when the user is asked (``wait``) or the
        ticket is put on hold, the work is split around them (the user's reply first)."""
        if wait <= 0 and hold <= 0:
            yield from self.work(work)
            return
        yield from self.work(work * self.plan.split)
        if wait > 0 and self.desk.replies is not None:
            yield from self.wait_on_user(wait, self.desk.replies)
        if hold > 0:
            yield from self.on_hold(hold)
        yield from self.work(work * (1.0 - self.plan.split))

    def work(self, seconds: float) -> Process:
        """A person of the current group busy with the ticket for ``seconds``."""
        yield from self.desk.teams[self.group].serve(self.plan.rank, seconds)

    def wait_on_user(self, wait: float, replies: tuple[np.ndarray, np.ndarray]) -> Process:
        """The clock stops; the user answers ``wait`` later, inside the ``replies`` hours."""
        env = self.desk.env
        self.write("waiting_start")
        reply = next_open(*replies, env.now + wait)
        yield env.timeout(reply - env.now)
        self.write("waiting_end")

    def on_hold(self, hold: float) -> Process:
        """Nobody busy, the clock running (no event): ``hold`` of elapsed time for work
        done around the clock, of the group's business hours otherwise."""
        env = self.desk.env
        resumed = (env.now + hold if self.plan.rank in self.desk.around_clock
                   else after_open_time(*self.desk.hours[self.group], env.now, hold))
        yield env.timeout(resumed - env.now)

    def escalate(self, group: str) -> None:
        """Handed on to ``group`` at level 3."""
        self._check_out()
        self.group, self.level = group, "3"
        self.desk.holding[self.plan.id] = (group, self.desk.env.now)
        self.write("assigned", "3")

    def resolve(self) -> None:
        self._check_out()
        self.write("resolved")

    def reopened(self) -> Process:
        """The user reopens it ``reopen`` after its resolution: the group that resolved it
        works it again, and resolves it again."""
        env = self.desk.env
        yield env.timeout(self.plan.reopen)
        self.write("reopened")
        self.desk.holding[self.plan.id] = (self.group, env.now)
        yield from self.work(self.plan.rework)
        self.resolve()

    def close(self) -> Process:
        env = self.desk.env
        yield env.timeout(self.desk.close_after)
        self.write("closed")

    # -- bookkeeping ------------------------------------------------------------------------
    def _check_out(self) -> None:
        group, since = self.desk.holding.pop(self.plan.id)
        self.desk.stays.append((group, since, self.desk.env.now))

    def write(self, event: str, value: str = "") -> None:
        channel, option, service = self.plan.attrs
        self.desk.log.add(self.plan.id, self.desk.env.now, event, value, channel=channel,
                          option=option, service=service, level=self.level, group=self.group)
