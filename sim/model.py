"""One replication of the whole CAU: demand → level 1 → resolver groups → event log.

The level-1 contact centre is simulated first for every contact at once (its fast
path); nothing at levels 2–3 feeds back into it, so the escalated tickets then run
through the resolver groups in a SimPy environment. Each random source draws from its
own stream of the replication's SeedSequence, and everything is pre-sampled in numpy.
The result is the canonical event log real exports are imported into; compliance is
measured from it by ``rules.measure``, never here.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import simpy

from rules.calls import CALL_EVENTS
from rules.eventlog import EVENTS, FIRST_CONTACT, EventLog, EventLogBuilder
from rules.months import MonthGrid
from rules.pack import RulePack

from .contact_centre import ContactCentre, ContactCentreRun, simulate_contact_centre
from .demand import (
    KIND_INCIDENT,
    SURGE,
    Contacts,
    draw_contacts,
    horizon_bounds,
    rate_grid,
)
from .distributions import Distribution
from .resolvers import ResolverTeam, after_open_time, next_open
from .rng import Streams
from .routing import call_kinds, desk_groups, routes
from .scenario import Scenario


@dataclass(frozen=True)
class Replication:
    """What one replication yields (docs/architecture.md)."""

    log: EventLog
    monitors: pd.DataFrame  # per half-hour `time`: agents_on_duty, agents_busy, queue_length
    backlog: pd.DataFrame  # `month`, `group`, `open_tickets` at the end of each month
    seed: np.random.SeedSequence


@dataclass
class _Ticket:
    """An escalated incident on its way through the resolver groups (pre-sampled)."""

    id: int | str  # an id code of the log's builder, or an id's text
    time: float  # escalated at
    rank: int
    group: str
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


def simulate_replication(
    scenario: Scenario, pack: RulePack, seed: np.random.SeedSequence
) -> Replication:
    """Simulate ``scenario`` once with ``seed``; the same seed gives the same log."""
    zone = pack.zone
    rngs = Streams(seed)
    begin, start, end = horizon_bounds(scenario, zone)
    grid = rate_grid(scenario, pack, zone)
    contacts = draw_contacts(scenario, pack, grid, rngs)
    calls, emails, run = _level_one(scenario, pack, contacts, rngs, begin, end)
    log = EventLogBuilder()
    ids = log.numbered_ids("C", len(contacts))  # a contact's call and ticket share its id
    run.add_events(log, ids[calls], contacts.option[calls])
    call_events = len(log)
    # A contact's level-1 outcome: when its wait ended (answer, or an agent opening the
    # e-mail) and when the agent was done with it (NaN: not before the end).
    picked = np.full(len(contacts), np.nan)
    done = np.full(len(contacts), np.nan)
    picked[calls], done[calls] = run.calls.answered, run.calls.released
    picked[emails], done[emails] = run.emails.started, run.emails.finished
    # and the level-1 group whose agent took it
    names = np.array([*run.groups, ""], dtype=object)
    handler = np.full(len(contacts), "", dtype=object)
    handler[calls], handler[emails] = names[run.calls.group], names[run.emails.group]
    tickets = _level_one_tickets(scenario, pack, contacts, ids, picked, done, handler, rngs,
                                 log, end)
    backlog = _initial_backlog(scenario, pack, rngs, log, begin)
    held = _resolve(scenario, pack, backlog + tickets, log, begin, end)
    events = log.build()
    # The calls' events (in time order already), then the tickets' in time order.
    tickets_order = np.lexsort((events.event[call_events:], events.time[call_events:]))
    events = events.take(np.concatenate([np.arange(call_events), call_events + tickets_order]))
    months = MonthGrid(zone, start, end - 1.0)
    monitors = run.monitors()
    return Replication(
        log=_drop_warmup(events, start),
        monitors=monitors[monitors["time"] >= start].reset_index(drop=True),
        backlog=_backlog(held, months, end),
        seed=seed,
    )


class _InOrder(Distribution):
    """Handling times already drawn per contact (by its reason), handed to the contact
    centre in arrival order: its ``sample`` returns them, whatever generator it gets."""

    def __init__(self, values: np.ndarray):
        self.values = values

    @property
    def mean(self) -> float:
        return float(self.values.mean()) if self.values.size else 0.0

    @property
    def variance(self) -> float:
        return float(self.values.var()) if self.values.size else 0.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if n != self.values.size:
            raise ValueError(f"{self.values.size} handling times drawn for {n} contacts")
        return self.values


def _handling(scenario: Scenario, contacts: Contacts, mask: np.ndarray, channel: str,
              rng: np.random.Generator) -> np.ndarray:
    """Handling time of each selected contact: its reason's, else its channel's."""
    reasons = contacts.reason[mask]
    times = scenario.level_one.handling[channel].sample(rng, int(mask.sum()))
    for code, reason in scenario.demand.reasons.items():
        pick = reasons == code
        if reason.handling is not None and pick.any():
            times[pick] = reason.handling.sample(rng, int(pick.sum()))
    surge = reasons == ""  # calls about an outage: information
    info = [r.handling for r in scenario.demand.reasons.values()
            if r.kind == "information" and r.handling is not None]
    if info and surge.any():
        times[surge] = info[0].sample(rng, int(surge.sum()))
    return times


def _level_one(
    scenario: Scenario, pack: RulePack, contacts: Contacts, rngs: Streams, begin: float,
    end: float,
) -> tuple[np.ndarray, np.ndarray, ContactCentreRun]:
    """The level-1 queue for every call and e-mail (the contact centre's fast path).

    Agents work the shifts on the business days of the level-1 calendar (nobody on
    holidays); e-mails wait in a backlog for an agent with no call waiting."""
    l1 = scenario.level_one
    calls = contacts.channel == "phone"
    emails = contacts.channel == "email"
    calendar = pack.calendar(l1.calendar)
    groups = desk_groups(l1, begin, end, pack.zone, calendar.is_business_day)
    streams = np.array([*(s.name for s in scenario.demand.streams), ""], dtype=object)
    kinds = call_kinds(l1, streams[contacts.stream[calls]], contacts.option[calls],
                       contacts.service[calls], contacts.priority[calls],
                       contacts.stream[calls] == SURGE)
    centre = ContactCentre(
        handling=_InOrder(_handling(scenario, contacts, calls, "phone", rngs["handling"])),
        patience=l1.patience,
        after_call=l1.after_call_work,
        email_handling=_InOrder(
            _handling(scenario, contacts, emails, "email", rngs["email_handling"])),
    )
    run = simulate_contact_centre(centre, contacts.time[calls], groups, end, rngs,
                                  emails=contacts.time[emails], routes=routes(l1), kinds=kinds)
    return calls, emails, run


def _level_one_tickets(
    scenario: Scenario, pack: RulePack, contacts: Contacts, all_ids: np.ndarray,
    picked: np.ndarray, finished: np.ndarray, handler: np.ndarray, rngs: Streams,
    log: EventLogBuilder, end: float,
) -> list[_Ticket]:
    """Tickets of the incidents level 1 handled: opened, solved at first contact, or
    escalated (the returned tickets, for the resolver groups)."""
    l1, esc = scenario.level_one, scenario.escalation
    # Requests go to the responsible sector's own system: agent time, no CAU ticket.
    handled = np.isfinite(finished) & (contacts.kind == KIND_INCIDENT)
    idx = np.flatnonzero(handled)
    ids = all_ids[idx]
    email = contacts.channel[idx] == "email"
    # An e-mail becomes a ticket on arrival; a call when the agent answers.
    opened = np.where(email, contacts.time[idx], picked[idx])
    done = finished[idx]
    kind, priority, service = contacts.kind[idx], contacts.priority[idx], contacts.service[idx]
    attrs = {"channel": contacts.channel[idx], "option": contacts.option[idx],
             "service": service}
    by = handler[idx]  # the level-1 group that took the contact
    log.add(ids, opened, "opened", level="1", group=by, **attrs)
    incident = kind == KIND_INCIDENT
    log.add(ids[incident], opened[incident], "priority", priority[incident],
            **_sub(attrs, incident))
    log.add(ids, opened, "assigned", "1", level="1", group=by, **attrs)

    default = l1.first_contact.get("*", 0.0)
    p_first = np.array([l1.first_contact.get(s, default) for s in service], dtype=float)
    solved = incident & (rngs["first_contact"].random(len(idx)) < p_first)
    closing = done + esc.close_after
    log.add(ids[solved], done[solved], "resolved", FIRST_CONTACT, level="1", group=by[solved],
            **_sub(attrs, solved))
    shut = solved & (closing < end)
    log.add(ids[shut], closing[shut], "closed", level="1", group=by[shut], **_sub(attrs, shut))

    up = incident & ~solved
    groups = np.array([esc.group_of(s) for s in service[up]], dtype=object)
    log.add(ids[up], done[up], "assigned", "2", level="2", group=groups, **_sub(attrs, up))
    return _plan(scenario, pack, ids[up], done[up], priority[up], groups,
                 [(c, o, s) for c, o, s in zip(attrs["channel"][up], attrs["option"][up],
                                               service[up], strict=True)], rngs)


def _sub(attrs: Mapping[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[mask] for k, v in attrs.items()}


def _plan(
    scenario: Scenario, pack: RulePack, ids: np.ndarray, times: np.ndarray,
    priorities: np.ndarray, groups: np.ndarray, attrs: list[tuple[str, str, str]],
    rngs: Streams,
) -> list[_Ticket]:
    """Pre-sample everything that will happen to each escalated ticket."""
    esc = scenario.escalation
    n = len(ids)
    work, work3 = np.zeros(n), np.zeros(n)
    level3 = np.full(n, "", dtype=object)
    p3 = np.array([esc.groups[g].escalate_probability for g in groups], dtype=float)
    up = rngs["escalation"].random(n) < p3
    for i in np.flatnonzero(up):
        level3[i] = esc.groups[groups[i]].escalate_to or ""
    hold, hold3 = np.zeros(n), np.zeros(n)
    for column, held, names in ((work, hold, groups), (work3, hold3, level3)):
        for name in sorted(set(names) - {""}):  # sorted: set order varies by process
            group = esc.groups[name]
            for code, dist in group.work.items():
                mask = (names == name) & (priorities == code)
                if mask.any():
                    column[mask] = dist.sample(rngs["work"], int(mask.sum()))
            for code, on_hold in group.hold.items():
                mask = names == name
                mask[mask] = (priorities[mask] == code) & (
                    rngs["hold"].random(int(mask.sum())) < on_hold.probability)
                held[mask] = on_hold.duration.sample(rngs["hold"], int(mask.sum()))
    wait, split = np.zeros(n), rngs["waiting"].random(n)
    if esc.waiting is not None:
        waits = rngs["waiting"].random(n) < esc.waiting.probability
        wait[waits] = esc.waiting.duration.sample(rngs["waiting"], int(waits.sum()))
    reopen, rework = np.zeros(n), np.zeros(n)
    if esc.reopen is not None:
        again = rngs["reopen"].random(n) < esc.reopen.probability
        reopen[again] = esc.reopen.after.sample(rngs["reopen"], int(again.sum()))
        rework[again] = esc.reopen.work.sample(rngs["reopen"], int(again.sum()))
    ranks = {code: i + 1 for i, code in enumerate(pack.priority_codes)}
    return [
        _Ticket(int(ids[i]), float(times[i]), ranks[priorities[i]], str(groups[i]), attrs[i],
                float(work[i]), float(wait[i]), float(split[i]), str(level3[i]),
                float(work3[i]), float(hold[i]), float(hold3[i]), float(reopen[i]),
                float(rework[i]))
        for i in range(n)
    ]


def _resolve(
    scenario: Scenario, pack: RulePack, tickets: list[_Ticket], log: EventLogBuilder,
    begin: float, end: float,
) -> list[tuple[str, float, float]]:
    """Run the escalated tickets and the outages' incidents through the resolver
    groups; returns every stay of a ticket in a group as (group, from, to)."""
    esc = scenario.escalation
    env = simpy.Environment(initial_time=begin)
    codes = pack.priority_codes
    around_clock = [i + 1 for i, c in enumerate(codes)
                    if pack.calendar(pack.resolution_target(c).calendar).always_open]
    teams, hours = {}, {}
    for name, group in esc.groups.items():
        opens, closes = pack.calendar(group.calendar).open_intervals(begin, end)
        hours[name] = (opens, closes)
        teams[name] = ResolverTeam(env, name, group.headcount, group.on_call, opens, closes,
                                   around_clock=around_clock, preempting=(1,))
    waiting = None
    if esc.waiting is not None:
        waiting = pack.calendar(esc.waiting.calendar).open_intervals(begin, end + 90 * 86400)
    held: list[tuple[str, float, float]] = []
    stays: dict[int | str, tuple[str, float]] = {}

    def life(t: _Ticket) -> Generator[simpy.Event, Any, None]:
        channel, option, service = t.attrs

        def write(event: str, value: str = "", level: str = "", group: str = "") -> None:
            log.add(t.id, env.now, event, value, channel=channel, option=option,
                    service=service, level=level, group=group)

        if t.time > env.now:
            yield env.timeout(t.time - env.now)
        def stay(group: str, work: float, hold: float, wait: float
                 ) -> Generator[simpy.Event, Any, None]:
            """Hands-on work in ``group``; when the user is asked (``wait``) or the ticket
            is put on hold, the work is split around them (the user's reply first)."""
            team = teams[group]
            if wait <= 0 and hold <= 0:
                yield from team.serve(t.rank, work)
                return
            yield from team.serve(t.rank, work * t.split)
            if wait > 0 and waiting is not None:
                level = str(esc.groups[group].level)
                write("waiting_start", level=level, group=group)
                reply = next_open(waiting[0], waiting[1], env.now + wait)
                yield env.timeout(reply - env.now)
                write("waiting_end", level=level, group=group)
            if hold > 0:  # nobody busy, the clock running: no event to log
                resumed = (env.now + hold if t.rank in around_clock
                           else after_open_time(*hours[group], env.now, hold))
                yield env.timeout(resumed - env.now)
            yield from team.serve(t.rank, work * (1.0 - t.split))

        stays[t.id] = (t.group, env.now)
        yield from stay(t.group, t.work, t.hold, t.wait)
        team, level = teams[t.group], str(esc.groups[t.group].level)
        if t.level3:
            held.append((t.group, stays[t.id][1], env.now))
            stays[t.id] = (t.level3, env.now)
            team, level = teams[t.level3], "3"
            write("assigned", "3", "3", t.level3)
            yield from stay(t.level3, t.work3, t.hold3, 0.0)
        holder = stays.pop(t.id)
        held.append((holder[0], holder[1], env.now))
        write("resolved", level=level, group=holder[0])
        if t.reopen > 0:
            yield env.timeout(t.reopen)
            write("reopened", level=level, group=holder[0])
            stays[t.id] = (holder[0], env.now)
            yield from team.serve(t.rank, t.rework)
            held.append((holder[0], stays.pop(t.id)[1], env.now))
            write("resolved", level=level, group=holder[0])
        yield env.timeout(esc.close_after)
        write("closed", level=level, group=holder[0])

    for ticket in tickets:
        env.process(life(ticket))
    for k in range(len(scenario.demand.outages)):
        env.process(life(_outage_ticket(scenario, pack, k, log)))
    env.run(until=end)
    held.extend((group, since, float("inf")) for group, since in stays.values())
    return held


def _initial_backlog(
    scenario: Scenario, pack: RulePack, rngs: Streams, log: EventLogBuilder, begin: float
) -> list[_Ticket]:
    """The declared backlog: tickets opened ``age`` before the simulation's first instant,
    in their resolver group's queue from that instant, oldest first (first come, first
    served within a priority). Their channel and service are unknown: blank."""
    backlog = scenario.horizon.initial_backlog
    if backlog is None:
        return []
    pairs = [(group, code) for group, counts in backlog.tickets.items()
             for code, n in counts.items() for _ in range(n)]
    if not pairs:
        return []
    opened = begin - backlog.age.sample(rngs["backlog"], len(pairs))
    order = np.argsort(opened, kind="stable")
    groups = np.array([pairs[i][0] for i in order], dtype=object)
    priorities = np.array([pairs[i][1] for i in order], dtype=object)
    ids = log.numbered_ids("B", len(pairs), first=1, width=5)
    at = opened[order]
    levels = np.array([str(scenario.escalation.groups[g].level) for g in groups], dtype=object)
    for event, value in (("opened", ""), ("priority", priorities), ("assigned", levels)):
        log.add(ids, at, event, value, level=levels, group=groups)
    blank = [("", "", "")] * len(pairs)
    return _plan(scenario, pack, ids, np.full(len(pairs), begin), priorities, groups, blank,
                 rngs)


def _outage_ticket(scenario: Scenario, pack: RulePack, k: int, log: EventLogBuilder
                   ) -> _Ticket:
    """The incident a declared outage opens: worked for the outage's duration."""
    outage = scenario.demand.outages[k]
    group = outage.group or scenario.escalation.group_of(outage.service)
    option = pack.catalogue.option_of(outage.service) if pack.catalogue else ""
    at = outage.start.timestamp()
    tid = f"P{k + 1:04d}"
    for event, value, level in (("opened", "", "2"), ("priority", outage.priority, "2"),
                                ("assigned", "2", "2")):
        log.add(tid, at, event, value, option=option, service=outage.service, level=level,
                group=group)
    rank = pack.priority_codes.index(outage.priority) + 1
    return _Ticket(tid, at, rank, group, ("", option, outage.service), outage.duration,
                   0.0, 0.0, "", 0.0, 0.0, 0.0, 0.0, 0.0)


def _drop_warmup(log: EventLog, start: float) -> EventLog:
    """Leave out what the warm-up finished: calls queued before the horizon and tickets
    resolved before it (tickets still open at its start are the carried-over backlog)."""
    early = log.time < start
    ids = log.ids.codes
    is_call = np.isin(log.event, [EVENTS.index(e) for e in CALL_EVENTS])
    gone_calls = np.zeros(len(log.ids.labels), dtype=bool)
    gone_calls[ids[early & (log.event == EVENTS.index("call_queued"))]] = True
    gone_tickets = np.zeros(len(log.ids.labels), dtype=bool)
    gone_tickets[ids[early & (log.event == EVENTS.index("resolved"))]] = True
    drop = np.where(is_call, gone_calls[ids], gone_tickets[ids])
    return log.take(np.flatnonzero(~drop))


def _backlog(held: list[tuple[str, float, float]], months: MonthGrid, end: float
             ) -> pd.DataFrame:
    """Open tickets per group at the end of each month of the horizon (the last one at
    the horizon's end)."""
    ends = np.minimum(months.ends, end)
    stays = pd.DataFrame(held, columns=["group", "since", "until"])
    rows = []
    for label, at in zip(months.labels, ends, strict=True):
        inside = stays[(stays["since"] <= at) & (stays["until"] > at)]
        counts = inside.groupby("group").size()
        for group in sorted(stays["group"].unique()):
            rows.append({"month": label, "group": group, "open_tickets": int(counts.get(group, 0))})
    return pd.DataFrame(rows, columns=["month", "group", "open_tickets"])


