"""A scenario of the CAU as plain typed objects: what a planner declares, nothing computed.

A :class:`Scenario` says which rule pack judges it (and which targets a manager tries
instead), the horizon, the demand, the level-1 contact centre and the escalation to the
resolver groups. The YAML file is only a thin layer that builds exactly these objects
(:mod:`sim.scenario_loader`); code may build them directly. Durations are seconds,
shares and probabilities fractions, distributions :class:`sim.distributions.Distribution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from .distributions import Distribution
from .policies import FINISH, HAND_BACK, ShiftEnd
from .staffing import Staffing

Engine = Literal["recursion", "simpy"]  # the engines that decide level 1, as reports name them

Channel = Literal["phone", "email"]
CHANNELS: tuple[Channel, ...] = ("phone", "email")
ReasonKind = Literal["incident", "request", "information"]
REASON_KINDS: tuple[ReasonKind, ...] = ("incident", "request", "information")
HALF_HOURS_PER_WEEK = 336


@dataclass(frozen=True)
class InitialBacklog:
    """Tickets already open when the simulation begins: ``tickets[group][priority]`` of
    them in each resolver group, each opened ``age`` (calendar time) before the start.

    A declared alternative (or complement) to a warm-up when the planner knows today's
    queues; each ticket still needs a fresh draw of its group's work time."""

    tickets: Mapping[str, Mapping[str, int]]
    age: Distribution


@dataclass(frozen=True)
class Horizon:
    """The simulated days: ``days`` local days from ``start``, after ``warmup_days`` of
    warm-up whose finished work is dropped (tickets still open at ``start`` are kept,
    as the backlog the CAU carries into the horizon), and an optional declared
    ``initial_backlog`` open at the simulation's first instant (the warm-up's start, if any)."""

    start: date
    days: int
    warmup_days: int = 0
    initial_backlog: InitialBacklog | None = None


@dataclass(frozen=True)
class WeeklyProfile:
    """Relative arrival weight of each half-hour of the local week (Monday 00:00 first).

    Only the shape matters: volumes are spread over a month's open half-hours in
    proportion to these weights.
    """

    name: str
    weights: tuple[float, ...]  # HALF_HOURS_PER_WEEK values, >= 0


@dataclass(frozen=True)
class ContactReason:
    """Why a user contacts the CAU, and what becomes of the contact.

    ``incident``: a ticket, classified, solved at level 1 or escalated; ``request``:
    routed to the responsible sector, whose own system tracks it (agent time at level 1,
    no CAU ticket: no incident target applies); ``information``: a short contact.
    ``handling`` replaces the channel's handling time for this reason when given.
    """

    code: str
    kind: ReasonKind
    handling: Distribution | None = None


@dataclass(frozen=True)
class IncidentMix:
    """How incidents' priorities arise: attributes drawn independently from declared
    shares and classified by the rule pack, or a priority mix given directly."""

    attributes: Mapping[str, Mapping[Any, float]] = field(default_factory=dict)
    priorities: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Stream:
    """One flow of contacts: a channel (and phone option), its monthly volume, when it
    arrives (weekly profile within the calendar's open hours) and what it is about.
    Several streams may share a channel and option (an outage line, a campaign) when
    each has its own ``label``."""

    channel: Channel
    option: str  # "1" / "2" for phone, "" for e-mail
    volumes: Mapping[str, float]  # "YYYY-MM" → contacts; key "*" for every other month
    profile: str  # name of a WeeklyProfile
    calendar: str  # rule-pack calendar during which these contacts arrive
    reasons: Mapping[str, float]  # contact reason code → share (sums to 1)
    services: Mapping[str, float]  # catalogue service → share of tickets (sums to 1)
    incidents: IncidentMix | None = None  # None: the demand's mix
    label: str = ""  # its name in the file, needed when two streams share channel and option

    @property
    def name(self) -> str:
        """The stream's name: its label, else its channel and option ("phone option 1")."""
        return self.label or self.channel + (f" option {self.option}" if self.option else "")

    def volume(self, month: str) -> float:
        """Contacts declared for the local month ``"YYYY-MM"``."""
        return self.volumes.get(month, self.volumes.get("*", 0.0))


@dataclass(frozen=True)
class Outage:
    """A service down from ``start`` for ``duration``: one incident of ``priority`` opened
    at the start, worked by ``group`` (None: the service's routing) for the duration, and
    ``surge_calls`` extra calls (expected) spread over ``surge_over`` about it."""

    service: str
    start: datetime  # timezone-aware
    duration: float
    priority: str
    surge_calls: float
    surge_over: float
    group: str | None = None


@dataclass(frozen=True)
class Demand:
    """Every stream of contacts, and what shapes and multiplies them."""

    streams: tuple[Stream, ...]
    profiles: Mapping[str, WeeklyProfile]
    reasons: Mapping[str, ContactReason]
    incidents: IncidentMix
    outages: tuple[Outage, ...] = ()
    scale: float = 1.0  # a planner's "what if volume is 15 % higher": 1.15
    growth_per_year: float = 0.0  # compounding from the horizon's start


@dataclass(frozen=True)
class CallMatch:
    """Which calls a call type takes: every field given must match — the stream's name,
    the phone option, the service, the incident's priority (declared callers: a P1 line),
    whether the call is about a declared outage; an empty match takes every call."""

    streams: frozenset[str] = frozenset()
    options: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    outage: bool | None = None

    def matches(self, stream: str, option: str, service: str, priority: str,
                outage: bool) -> bool:
        return ((not self.streams or stream in self.streams)
                and (not self.options or option in self.options)
                and (not self.services or service in self.services)
                and (not self.priorities or priority in self.priorities)
                and (self.outage is None or outage == self.outage))


@dataclass(frozen=True)
class CallType:
    """A kind of call as routing sees it: the calls it takes (``when``, the first type
    whose match a call fits), the group that answers it ``first``, the wait after which
    the other groups with this skill may take it too (``overflow_after``: 0 at once when
    one of their agents is idle, None never), and its ``priority`` (1 is served first;
    None after every type that has one; first come, first served within a priority)."""

    name: str
    first: str
    when: CallMatch = field(default_factory=CallMatch)
    overflow_after: float | None = None
    priority: int | None = None


ANY_CALL = "*"  # a skill (or call type) naming every call


@dataclass(frozen=True)
class AgentGroup:
    """A team of level-1 agents: its own staffing (a plain object another staffing may
    replace whole), the call types it answers (``skills``; "*" every one), whether it
    works e-mails when no call it may take is waiting, and what its agents do with work
    in progress at a shift's end (:mod:`sim.policies`)."""

    name: str
    staffing: Staffing
    skills: tuple[str, ...] = (ANY_CALL,)
    emails: bool = True
    at_shift_end: ShiftEnd = FINISH

    def answers(self, call_type: str) -> bool:
        return call_type in self.skills or ANY_CALL in self.skills


@dataclass(frozen=True)
class LevelOne:
    """The CAU's agents: their groups (who is on duty, with which skills), how calls are
    routed to them, how long a contact takes, what they solve at first contact.

    E-mails wait in a backlog and are worked by the groups that take e-mails when no call
    they may take is waiting."""

    groups: Mapping[str, AgentGroup]  # in the file's order
    routing: tuple[CallType, ...]  # a call takes the first type it matches
    handling: Mapping[str, Distribution]  # channel → handling time
    patience: Distribution  # callers' patience before hanging up
    first_contact: Mapping[str, float]  # service → P(incident solved at first contact); "*"
    calendar: str  # agents work their shifts on its business days (nobody on holidays)
    after_call_work: Distribution | None = None

    @classmethod
    def one_pool(cls, group: str, staffing: Staffing, **rest: Any) -> LevelOne:
        """One group answering every call first come, first served (the fast path's case)."""
        return cls({group: AgentGroup(group, staffing)}, (CallType(ANY_CALL, group),), **rest)

    @property
    def staffing(self) -> Staffing:
        """Every group's shifts together: the agents on duty at level 1."""
        return Staffing(tuple(s for g in self.groups.values() for s in g.staffing.shifts))

    def skilled(self, call_type: CallType) -> tuple[str, ...]:
        """The groups that may answer ``call_type``: its first group, then the others with
        the skill, in the file's order."""
        others = [n for n, g in self.groups.items()
                  if n != call_type.first and g.answers(call_type.name)]
        return (call_type.first, *others)

    @property
    def fast_path(self) -> bool:
        """One group answering every call first come, first served with the ``finish``
        policy: the recursion (:mod:`sim.switchboard`) decides it, proved equal to the
        SimPy model (:mod:`sim.agent_groups`)."""
        (group, *more) = self.groups.values()
        return (not more and group.at_shift_end == FINISH
                and len({t.priority for t in self.routing}) == 1)

    @property
    def engine(self) -> Engine:
        """Which engine decides this level 1: "recursion" (the fast path) or "simpy"."""
        return "recursion" if self.fast_path else "simpy"


@dataclass(frozen=True)
class Hold:
    """A ticket on hold in a resolver group: waiting on something other than the user
    (another team, a vendor, a change window, parts) while nobody works on it and the SLA
    clock keeps running. With ``probability`` a ticket is held once for a draw of
    ``duration``: open time of the group's calendar for priorities worked in business
    hours, elapsed time for those worked around the clock (as hands-on work is)."""

    probability: float
    duration: Distribution

    @property
    def mean(self) -> float:
        """Expected hold per ticket, held or not (seconds)."""
        return self.probability * self.duration.mean


@dataclass(frozen=True)
class ResolverGroup:
    """A level-2 or level-3 team: ``headcount`` people during its ``calendar``'s hours (the
    only hours it works P3–P5), ``on_call`` people outside them for P1–P2, hands-on work
    per priority (a person busy), holds per priority (nobody busy, the clock running),
    where it sends what it cannot solve, and what happens to the work in progress at
    closing (:mod:`sim.policies`: by default it is handed back, the on-call people keeping
    the most urgent)."""

    name: str
    level: int
    headcount: int
    on_call: int
    calendar: str
    work: Mapping[str, Distribution]  # priority code → hands-on work time
    escalate_to: str | None = None
    escalate_probability: float = 0.0
    hold: Mapping[str, Hold] = field(default_factory=dict)  # priority code → hold (absent: none)
    at_shift_end: ShiftEnd = HAND_BACK  # what becomes of work in progress at closing


@dataclass(frozen=True)
class Waiting:
    """Waiting on the user: with ``probability`` a ticket at level 2 pauses partway for
    ``duration``; the user answers only while ``calendar`` is open."""

    probability: float
    duration: Distribution
    calendar: str


@dataclass(frozen=True)
class Reopen:
    """With ``probability`` a resolved ticket is reopened ``after`` its resolution (and
    worked again by the group that resolved it for ``work``); otherwise it is closed
    ``close_after`` its resolution."""

    probability: float
    after: Distribution
    work: Distribution


@dataclass(frozen=True)
class Escalation:
    """Beyond level 1: the level-2 group of each service and the resolver groups."""

    routing: Mapping[str, str]  # service → level-2 group
    groups: Mapping[str, ResolverGroup]
    waiting: Waiting | None = None
    reopen: Reopen | None = None
    close_after: float = 2 * 86400.0

    def group_of(self, service: str) -> str:
        """The level-2 group a ticket about ``service`` goes to ("*" routes the rest)."""
        return self.routing.get(service, self.routing.get("*", ""))


Severity = Literal["warning", "note"]


@dataclass(frozen=True)
class ScenarioWarning:
    """Something a valid scenario makes likely to go wrong, found when it is loaded.

    ``warning``: offered work exceeds capacity (queues grow without bound there);
    ``note``: a queueing formula says a target cannot be met there. ``where`` names the
    scenario's key and, for level 1, the half-hours of the week. ``what`` and
    ``suggestion`` are English; ``kind`` and ``values`` are the same facts unworded, for
    reports in another language (:data:`sim.capacity.TEXTS` says which words)."""

    where: str
    what: str
    suggestion: str
    severity: Severity = "warning"
    kind: str = ""
    values: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.what}. {self.suggestion}"


@dataclass(frozen=True)
class Scenario:
    """Everything one simulation needs besides the rule pack and a seed; ``warnings``
    are what the loader's capacity check found (:mod:`sim.capacity`)."""

    name: str
    rule_pack: str  # a path (resolved against the scenario's folder) or a shipped pack name
    horizon: Horizon
    demand: Demand
    level_one: LevelOne
    escalation: Escalation
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str = ""
    warnings: tuple[ScenarioWarning, ...] = ()
    bases: tuple[str, ...] = ()  # the files ``source`` extends (an overlay), nearest first
    settings: tuple[str, ...] = ()  # command-line --set PATH=VALUE over it, in order
