"""One replication of the whole CAU in one SimPy environment: demand → level 1 →
resolver groups → event log.

The contacts are drawn first, and everything random about each is drawn in numpy before
the run, each source from its own stream of the replication's SeedSequence: handling
and patience, whether level 1 solves an incident at first contact and, for every
incident it would escalate, the ticket's whole plan beyond level 1
(:class:`sim.ticket_life.TicketPlan`). One environment then runs level 1 — the SimPy
model of its agent groups, or the fast path's recursion where it applies (level 1
depends on nothing beyond it, so the recursion decides the horizon at once and each
release is scheduled in the environment) — and the resolver groups: an escalated ticket
enters level 2 at the very instant its level-1 agent is done with it. The result is the
canonical event log real exports are imported into; compliance is measured from it by
``rules.measure``, never here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from rules.calls import CALL_EVENTS
from rules.coded import Coded, Labels
from rules.eventlog import EVENTS, FIRST_CONTACT, EventLog, EventLogBuilder
from rules.months import MonthGrid
from rules.pack import RulePack

from .agent_groups import Workload, desk_groups, routes
from .contact_centre import ContactCentreRun, start_level_one
from .demand import (
    KIND_INCIDENT,
    SURGE,
    Contacts,
    draw_contacts,
    horizon_bounds,
    rate_grid,
)
from .rng import Streams
from .routing import call_kinds
from .scenario import Scenario
from .ticket_life import ResolverDesk, TicketPlan


@dataclass(frozen=True)
class Replication:
    """What one replication yields (docs/architecture.md)."""

    log: EventLog
    monitors: pd.DataFrame  # per half-hour `time`: agents_on_duty, agents_busy, queue_length
    backlog: pd.DataFrame  # `month`, `group`, `open_tickets` at the end of each month
    seed: np.random.SeedSequence
    engine: str = "recursion"  # what decided level 1: "recursion" (fast path) or "simpy"
    group_monitors: pd.DataFrame | None = None  # per level-1 group: time, group, on duty, busy


def simulate_replication(
    scenario: Scenario, pack: RulePack, seed: np.random.SeedSequence
) -> Replication:
    """Simulate ``scenario`` once with ``seed``; the same seed gives the same log."""
    zone = pack.zone
    rngs = Streams(seed)
    begin, start, end = horizon_bounds(scenario, zone)
    contacts = draw_contacts(scenario, pack, rate_grid(scenario, pack, zone), rngs)
    log = EventLogBuilder()
    ids = log.numbered_ids("C", len(contacts))  # a contact's call and ticket share its id
    solved, plans = _beyond_level_one(scenario, pack, contacts, ids, rngs)
    env = simpy.Environment(initial_time=begin)
    desk = _resolver_desk(env, scenario, pack, log, begin, end)
    calls = np.flatnonzero(contacts.channel.equals("phone"))
    emails = np.flatnonzero(contacts.channel.equals("email"))
    by_call = [plans.get(c) for c in calls.tolist()]
    by_email = [plans.get(c) for c in emails.tolist()]

    def released(is_email: bool, index: int, at: float) -> None:
        """Level 1 is done with a contact: an incident it cannot solve goes to level 2."""
        plan = (by_email if is_email else by_call)[index]
        if plan is not None:
            desk.enter(plan, at)

    # only the escalated incidents' releases matter beyond level 1
    watched = (np.flatnonzero(np.isin(calls, list(plans))),
               np.flatnonzero(np.isin(emails, list(plans))))
    finish = _level_one(scenario, pack, contacts, calls, emails, rngs, env, begin, end,
                        released, watched)
    for plan in (*_initial_backlog(scenario, pack, rngs, log, begin),
                 *(_outage_ticket(scenario, pack, k, log)
                   for k in range(len(scenario.demand.outages)))):
        desk.enter(plan)
    env.run(until=end)
    run = finish()
    # calls queued in the warm-up are left out (tickets: below, once all is known)
    run.add_events(log, ids[calls], contacts.option.take(calls), since=start)
    _level_one_tickets(scenario, contacts, ids, calls, emails, run, solved, plans, log, end)
    events = log.build()
    # The calls' events (in time order already), then the tickets' in time order, less
    # what the warm-up finished: taken at once.
    is_call = np.isin(events.event, [EVENTS.index(e) for e in CALL_EVENTS])
    tickets = np.flatnonzero(~is_call)
    tickets = tickets[np.lexsort((events.event[tickets], events.time[tickets]))]
    order = np.concatenate([np.flatnonzero(is_call), tickets])
    rows = _kept_in_order(events, order, is_call, start)
    months = MonthGrid(zone, start, end - 1.0)
    monitors = run.monitors()
    by_group = run.group_monitors(totals=monitors)
    return Replication(
        log=events if rows is None else events.take(rows),
        monitors=monitors[monitors["time"] >= start].reset_index(drop=True),
        backlog=_backlog(desk.stays_at_end(), months, end),
        seed=seed,
        engine=run.engine,
        group_monitors=by_group[by_group["time"] >= start].reset_index(drop=True),
    )


def _handling(scenario: Scenario, contacts: Contacts, picked: np.ndarray, channel: str,
              rng: np.random.Generator) -> np.ndarray:
    """Handling time of each picked contact: its reason's, else its channel's."""
    reasons = contacts.reason.take(picked)
    times = scenario.level_one.handling[channel].sample(rng, len(picked))
    for code, reason in scenario.demand.reasons.items():
        pick = reasons.equals(code)
        if reason.handling is not None and pick.any():
            times[pick] = reason.handling.sample(rng, int(pick.sum()))
    surge = reasons.equals("")  # calls about an outage: information
    info = [r.handling for r in scenario.demand.reasons.values()
            if r.kind == "information" and r.handling is not None]
    if info and surge.any():
        times[surge] = info[0].sample(rng, int(surge.sum()))
    return times


def _level_one(
    scenario: Scenario, pack: RulePack, contacts: Contacts, calls: np.ndarray,
    emails: np.ndarray, rngs: Streams, env: simpy.Environment, begin: float, end: float,
    released: Callable[[bool, int, float], None], watched: tuple[np.ndarray, np.ndarray],
) -> Callable[[], ContactCentreRun]:
    """Level 1 in ``env`` for every call and e-mail: agents work their groups' shifts on
    the business days of the level-1 calendar (nobody on holidays); e-mails wait in a
    backlog for an agent of a group that takes them, with no call it may take waiting."""
    l1 = scenario.level_one
    calendar = pack.calendar(l1.calendar)
    groups = desk_groups(l1, begin, end, pack.zone, calendar.is_business_day)
    names = Labels.of([*(s.name for s in scenario.demand.streams), ""])
    stream = contacts.stream[calls]
    kinds = call_kinds(l1, Coded(np.where(stream == SURGE, len(names) - 1, stream), names),
                       contacts.option.take(calls), contacts.service.take(calls),
                       contacts.priority.take(calls), stream == SURGE)
    patience = l1.patience.sample(rngs["patience"], len(calls))
    work = _handling(scenario, contacts, calls, "phone", rngs["handling"])
    if l1.after_call_work is not None:
        work = work + l1.after_call_work.sample(rngs["after_call"], len(calls))
    email_work = _handling(scenario, contacts, emails, "email", rngs["email_handling"])
    load = Workload(contacts.time[calls], kinds, patience, work, contacts.time[emails],
                    email_work)
    return start_level_one(env, groups, routes(l1), load, end, on_release=released,
                           watched=watched)


def _beyond_level_one(
    scenario: Scenario, pack: RulePack, contacts: Contacts, ids: np.ndarray, rngs: Streams,
) -> tuple[np.ndarray, dict[int, TicketPlan]]:
    """Drawn before the run: which incidents level 1 solves at first contact (a mask over
    the contacts), and the plan of each other incident, by contact, for when level 1 lets
    it go (its escalation instant is set then)."""
    l1, esc = scenario.level_one, scenario.escalation
    incident = contacts.kind == KIND_INCIDENT
    default = l1.first_contact.get("*", 0.0)
    services = contacts.service
    p_first = np.array([l1.first_contact.get(s, default) for s in services.labels.all()],
                       dtype=float)[services.codes]
    solved = incident & (rngs["first_contact"].random(len(contacts)) < p_first)
    up = np.flatnonzero(incident & ~solved)
    service = services.take(up).text()
    groups = np.array([esc.group_of(s) for s in service], dtype=object)
    attrs = list(zip(contacts.channel.take(up).text(), contacts.option.take(up).text(),
                     service, strict=True))
    plans = _plan(scenario, pack, ids[up], np.full(len(up), np.nan),
                  contacts.priority.take(up).text(), groups, attrs, rngs)
    return solved, dict(zip(up.tolist(), plans, strict=True))


def _level_one_tickets(
    scenario: Scenario, contacts: Contacts, all_ids: np.ndarray, calls: np.ndarray,
    emails: np.ndarray, run: ContactCentreRun, solved: np.ndarray,
    plans: Mapping[int, TicketPlan], log: EventLogBuilder, end: float,
) -> None:
    """The level-1 events of the incidents an agent took before the end: opened (an
    e-mail on arrival, a call when answered), solved at first contact (and closed), or
    escalated to level 2 when the agent was done with it."""
    esc = scenario.escalation
    n = len(contacts)
    picked, done = np.full(n, np.nan), np.full(n, np.nan)
    picked[calls], done[calls] = run.calls.answered, run.calls.released
    picked[emails], done[emails] = run.emails.started, run.emails.finished
    names = np.array([*run.groups, ""], dtype=object)
    handler = np.full(n, "", dtype=object)  # the level-1 group that took the contact
    handler[calls], handler[emails] = names[run.calls.group], names[run.emails.group]
    # Requests go to the responsible sector's own system: agent time, no CAU ticket.
    idx = np.flatnonzero(np.isfinite(picked) & (contacts.kind == KIND_INCIDENT))
    ids = all_ids[idx]
    email = contacts.channel.take(idx).equals("email")
    opened = np.where(email, contacts.time[idx], picked[idx])
    finished = done[idx] < end  # the agent let it go before the end
    by = handler[idx]
    attrs = {"channel": contacts.channel.take(idx).text(),
             "option": contacts.option.take(idx).text(),
             "service": contacts.service.take(idx).text()}
    log.add(ids, opened, "opened", level="1", group=by, **attrs)
    log.add(ids, opened, "priority", contacts.priority.take(idx).text(), **attrs)
    log.add(ids, opened, "assigned", "1", level="1", group=by, **attrs)
    first = solved[idx] & finished
    at = done[idx]
    log.add(ids[first], at[first], "resolved", FIRST_CONTACT, level="1", group=by[first],
            **_sub(attrs, first))
    shut = first & (at + esc.close_after < end)
    log.add(ids[shut], at[shut] + esc.close_after, "closed", level="1", group=by[shut],
            **_sub(attrs, shut))
    up = ~solved[idx] & finished
    groups = np.array([plans[c].group for c in idx[up].tolist()], dtype=object)
    log.add(ids[up], at[up], "assigned", "2", level="2", group=groups, **_sub(attrs, up))


def _sub(attrs: Mapping[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[mask] for k, v in attrs.items()}


def _resolver_desk(env: simpy.Environment, scenario: Scenario, pack: RulePack,
                   log: EventLogBuilder, begin: float, end: float) -> ResolverDesk:
    """The resolver groups in ``env``, with their business hours and the users' replies."""
    esc = scenario.escalation
    # Priorities whose target runs 24/7 are worked around the clock, and so is any more
    # urgent one (a priority may have no resolution target: it is no less urgent for that).
    targets = [pack.resolution_target(c) for c in pack.priority_codes]
    last = max((i + 1 for i, t in enumerate(targets)
                if t is not None and pack.calendar(t.calendar).always_open), default=0)
    around_clock = list(range(1, last + 1))
    hours = {name: pack.calendar(group.calendar).open_intervals(begin, end)
             for name, group in esc.groups.items()}
    replies = (pack.calendar(esc.waiting.calendar).open_intervals(begin, end + 90 * 86400)
               if esc.waiting is not None else None)
    return ResolverDesk(env, esc.groups, hours, replies, log, around_clock, esc.close_after)


def _plan(
    scenario: Scenario, pack: RulePack, ids: np.ndarray, times: np.ndarray,
    priorities: np.ndarray, groups: np.ndarray, attrs: list[tuple[str, str, str]],
    rngs: Streams,
) -> list[TicketPlan]:
    """Pre-sample everything that will happen to each ticket beyond level 1."""
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
        TicketPlan(int(ids[i]), float(times[i]), ranks[priorities[i]], str(groups[i]),
                   attrs[i], float(work[i]), float(wait[i]), float(split[i]), str(level3[i]),
                   float(work3[i]), float(hold[i]), float(hold3[i]), float(reopen[i]),
                   float(rework[i]), str(esc.groups[groups[i]].level))
        for i in range(n)
    ]


def _initial_backlog(
    scenario: Scenario, pack: RulePack, rngs: Streams, log: EventLogBuilder, begin: float
) -> list[TicketPlan]:
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
                   ) -> TicketPlan:
    """The incident a declared outage opens: worked for the outage's duration."""
    outage = scenario.demand.outages[k]
    group = outage.group or scenario.escalation.group_of(outage.service)
    level = str(scenario.escalation.groups[group].level)
    option = pack.catalogue.option_of(outage.service) if pack.catalogue else ""
    at = outage.start.timestamp()
    tid = f"P{k + 1:04d}"
    for event, value in (("opened", ""), ("priority", outage.priority), ("assigned", level)):
        log.add(tid, at, event, value, option=option, service=outage.service, level=level,
                group=group)
    rank = pack.priority_codes.index(outage.priority) + 1
    return TicketPlan(tid, at, rank, group, ("", option, outage.service), outage.duration,
                      0.0, 0.0, "", 0.0, 0.0, 0.0, 0.0, 0.0, level)


def _kept_in_order(log: EventLog, order: np.ndarray, is_call: np.ndarray, start: float
                   ) -> np.ndarray | None:
    """The rows of ``log`` to keep, in ``order`` (None: all, in the log's own order)."""
    kept = _after_warmup(log, is_call, start)
    if kept.all() and (np.diff(order) == 1).all() and (order.size == 0 or order[0] == 0):
        return None
    rows: np.ndarray = order[kept[order]]
    return rows


def _after_warmup(log: EventLog, is_call: np.ndarray, start: float) -> np.ndarray:
    """The events to keep (a mask), leaving out what the warm-up finished: calls queued
    before the horizon and tickets resolved before it (tickets still open at its start
    are the carried-over backlog). ``is_call``: the call events."""
    early = log.time < start
    ids = log.ids.codes
    gone_calls = np.zeros(len(log.ids.labels), dtype=bool)
    gone_calls[ids[early & (log.event == EVENTS.index("call_queued"))]] = True
    gone_tickets = np.zeros(len(log.ids.labels), dtype=bool)
    gone_tickets[ids[early & (log.event == EVENTS.index("resolved"))]] = True
    kept: np.ndarray = ~np.where(is_call, gone_calls[ids], gone_tickets[ids])
    return kept


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


