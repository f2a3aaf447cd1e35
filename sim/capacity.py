"""Offered load against capacity, checked when a scenario is loaded.

Distributions know their mean, so a scenario can be judged before it is simulated:
level 1 per half-hour of the week (calls' Erlangs — arrival rate × mean handling time
including after-call work — against agents on duty; Erlang C for the answer-time
target), level 1 per month (calls and e-mails together against agent time), and each
resolver group per month (tickets routed to it × mean work time against headcount ×
open hours). The result is a list of :class:`ScenarioWarning` — the file stays valid:
a planner may well want to see a scenario that fails.

These are first answers, not predictions: Erlang C ignores abandonment (pessimistic
there) and the expected tickets ignore calls abandoned before an agent answers them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from rules.months import MonthGrid
from rules.pack import AnswerTimeTarget, RulePack

from .demand import HALF_HOUR, half_hour_of_week, horizon_bounds, priority_shares, rate_grid
from .erlang import ErlangC, agents_needed
from .scenario import HALF_HOURS_PER_WEEK, REASON_KINDS, Scenario, ScenarioWarning, Stream

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOUR = 3600.0


def capacity_warnings(scenario: Scenario, pack: RulePack) -> tuple[ScenarioWarning, ...]:
    """Every place where ``scenario``'s offered work exceeds its capacity (warnings) or
    where Erlang C says the answer-time target cannot be met (notes)."""
    load = _Load.of(scenario, pack)
    return (*_half_hours(load, pack), *_level_one_months(load),
            *_resolver_groups(load, scenario, pack))


def mean_handling(scenario: Scenario, stream: Stream) -> float:
    """Mean agent time of one contact of ``stream``: its reasons' handling times (the
    channel's where a reason has none), plus after-call work for a call."""
    level_one = scenario.level_one
    channel = level_one.handling[stream.channel].mean
    mean = 0.0
    for code, share in stream.reasons.items():
        own = scenario.demand.reasons[code].handling
        mean += share * (own.mean if own is not None else channel)
    if stream.channel == "phone" and level_one.after_call_work is not None:
        mean += level_one.after_call_work.mean
    return mean


@dataclass(frozen=True)
class _Load:
    """Expected arrivals per half-hour of the horizon (not the warm-up) and agents on duty."""

    starts: np.ndarray  # UTC starts of the horizon's half-hours
    calls: np.ndarray  # calls per second
    erlangs: np.ndarray  # calls' offered load (Erlangs)
    email_erlangs: np.ndarray  # e-mails' offered agent time (Erlangs)
    agents: np.ndarray  # time-averaged agents on duty
    contacts: dict[str, np.ndarray]  # stream name → expected contacts per half-hour
    months: MonthGrid

    @classmethod
    def of(cls, scenario: Scenario, pack: RulePack) -> _Load:
        zone = pack.zone
        begin, start, end = horizon_bounds(scenario, zone)
        grid = rate_grid(scenario, pack, zone)
        inside = grid.starts >= start
        starts = grid.starts[inside]
        calls, erlangs, email = (np.zeros(len(starts)) for _ in range(3))
        contacts = {}
        for stream in scenario.demand.streams:
            rate = grid.rates[stream.name][inside]
            contacts[stream.name] = rate * HALF_HOUR
            if stream.channel == "phone":
                calls += rate
                erlangs += rate * mean_handling(scenario, stream)
            else:
                email += rate * mean_handling(scenario, stream)
        level_one = scenario.level_one
        steps = level_one.staffing.steps(begin, end, zone,
                                         pack.calendar(level_one.calendar).is_business_day)
        agents = steps.half_hourly(float(starts[0]), float(starts[-1]) + HALF_HOUR)
        return cls(starts, calls, erlangs, email, agents["agents"].to_numpy()[:len(starts)],
                   contacts, MonthGrid(zone, start, end - 1.0))


# -- level 1 per half-hour of the week ----------------------------------------------------------
def _half_hours(load: _Load, pack: RulePack) -> Iterator[ScenarioWarning]:
    offered = load.erlangs > 0
    over = offered & (load.erlangs >= load.agents)
    slots = half_hour_of_week(load.starts, pack.zone)
    occurrences = np.bincount(slots[offered], minlength=HALF_HOURS_PER_WEEK)
    yield from _runs(load, slots, over, occurrences, partial(_overload, load))
    for target in pack.targets_of("answer_time"):
        if not isinstance(target, AnswerTimeTarget):
            continue
        counted = offered & ~over & pack.calendar(target.calendar).is_open(load.starts)
        levels = _service_levels(load, counted, target)
        short = counted & (levels < target.goal)
        yield from _runs(load, slots, short, occurrences,
                         partial(_short, load, levels, target))


def _service_levels(load: _Load, mask: np.ndarray, target: AnswerTimeTarget) -> np.ndarray:
    """Erlang C's share answered within the target's threshold, per half-hour of ``mask``
    (0 where whole agents on duty cannot carry the load); NaN elsewhere."""
    levels = np.full(len(load.starts), np.nan)
    known: dict[tuple[float, float, int], float] = {}
    for k in np.flatnonzero(mask):
        rate, agents = float(load.calls[k]), math.floor(load.agents[k] + 1e-9)
        aht = float(load.erlangs[k]) / rate
        key = (round(rate, 12), round(aht, 6), agents)
        if key not in known:
            known[key] = (ErlangC(rate, aht, agents).service_level(target.threshold)
                          if agents > rate * aht else 0.0)
        levels[k] = known[key]
    return levels


def _runs(load: _Load, slots: np.ndarray, flagged: np.ndarray, occurrences: np.ndarray,
          describe: Callable[[int, str], ScenarioWarning]) -> Iterator[ScenarioWarning]:
    """One warning per stretch of consecutive flagged half-hours of the same weekday,
    described at its worst half-hour of the horizon (the highest utilisation)."""
    if not flagged.any():
        return
    weeks = np.bincount(slots[flagged], minlength=HALF_HOURS_PER_WEEK)
    marked = np.flatnonzero(weeks)
    breaks = np.flatnonzero((np.diff(marked) != 1) | (np.diff(marked // 48) != 0)) + 1
    ratio = np.where(flagged, load.erlangs / np.maximum(load.agents, 1e-9), -np.inf)
    for run in np.split(marked, breaks):
        inside = np.flatnonzero(flagged & np.isin(slots, run))
        worst = int(inside[np.argmax(ratio[inside])])
        where = f"level_one.staffing, {_slot_span(int(run[0]), int(run[-1]) + 1)}"
        count = int(weeks[run].max())
        out_of = int(occurrences[run].max())
        yield replace(describe(worst, f"{count} of {out_of} {DAY_NAMES[run[0] // 48]}s"),
                      where=where)


def _slot_span(first: int, last: int) -> str:
    def clock(slot: int) -> str:
        return f"{slot % 48 // 2:02d}:{30 * (slot % 2):02d}" if slot % 48 else "24:00"

    return f"{DAY_NAMES[first // 48]} {clock(first) if first % 48 else '00:00'}–{clock(last)}"


def _overload(load: _Load, k: int, weeks: str) -> ScenarioWarning:
    rate, erlangs, agents = load.calls[k], load.erlangs[k], load.agents[k]
    return ScenarioWarning(
        "",
        f"calls offer up to {erlangs:.1f} Erlangs (arrival rate × {erlangs / rate / 60:.1f} min "
        f"mean handling incl. after-call work) for {agents:g} agents on duty: utilisation "
        f"{erlangs / max(agents, 1e-9):.0%} ({weeks})" if agents else
        f"calls offer up to {erlangs:.1f} Erlangs with no agent on duty ({weeks})",
        f"the queue grows without bound there: put more than {math.floor(erlangs)} agents "
        "on duty",
    )


def _short(load: _Load, levels: np.ndarray, target: AnswerTimeTarget, k: int, weeks: str
           ) -> ScenarioWarning:
    level = levels[k]
    rate, erlangs, agents = float(load.calls[k]), float(load.erlangs[k]), load.agents[k]
    needed = agents_needed(rate, erlangs / rate, target.threshold, target.goal)
    return ScenarioWarning(
        "",
        f"Erlang C answers {level:.1%} of calls within {target.threshold:g} s with "
        f"{agents:g} agents for {erlangs:.1f} Erlangs, below the goal of {target.goal:.0%} "
        f"of target {target.id} ({weeks})",
        f"{needed} agents on duty would meet it (Erlang C ignores abandonment, so this is a "
        "pessimistic first answer: simulate to see the month)",
        "note",
    )


# -- level 1 and resolver groups per month ------------------------------------------------------
def _level_one_months(load: _Load) -> Iterator[ScenarioWarning]:
    month = load.months.index(load.starts)
    work = np.bincount(month, (load.erlangs + load.email_erlangs) * HALF_HOUR,
                       minlength=len(load.months))
    time = np.bincount(month, load.agents * HALF_HOUR, minlength=len(load.months))
    for i, label in enumerate(load.months.labels):
        if work[i] > 0 and work[i] >= time[i]:
            yield ScenarioWarning(
                "level_one.staffing",
                f"calls and e-mails offer {work[i] / HOUR:,.0f} h of agent work in {label} "
                f"for {time[i] / HOUR:,.0f} agent-hours on duty "
                f"(utilisation {work[i] / max(time[i], 1e-9):.0%})",
                "the e-mail backlog grows without bound: add agents or shifts",
            )


def _resolver_groups(load: _Load, scenario: Scenario, pack: RulePack
                     ) -> Iterator[ScenarioWarning]:
    months = load.months
    work = _group_work(load, scenario, pack)
    bounds = np.clip(months.starts, load.starts[0], load.starts[-1] + HALF_HOUR)
    for name, group in scenario.escalation.groups.items():
        opens, closes = pack.calendar(group.calendar).open_intervals(
            float(bounds[0]), float(bounds[-1]))
        for i, label in enumerate(months.labels):
            hours = np.clip(closes, bounds[i], bounds[i + 1]) - np.clip(opens, bounds[i],
                                                                        bounds[i + 1])
            capacity = group.headcount * float(hours.sum())
            offered = work[name][i]
            if offered > 0 and offered >= capacity:
                yield ScenarioWarning(
                    f"escalation.groups.{name}.headcount",
                    f"{offered / HOUR:,.0f} h of work offered in {label} (tickets routed × "
                    f"mean work time) for {group.headcount} people × "
                    f"{hours.sum() / HOUR:,.0f} open hours = {capacity / HOUR:,.0f} h "
                    f"(utilisation {offered / max(capacity, 1e-9):.0%})",
                    f"its backlog grows without bound: at least "
                    f"{math.floor(offered / max(hours.sum(), 1e-9)) + 1} people would carry it",
                )


def _group_work(load: _Load, scenario: Scenario, pack: RulePack) -> dict[str, np.ndarray]:
    """Expected work time (s) offered to each resolver group per month of the horizon:
    escalated incidents, their level-3 share, reopened work, outages and the backlog."""
    demand, esc, level_one = scenario.demand, scenario.escalation, scenario.level_one
    months = load.months
    month = months.index(load.starts)
    # Expected escalated incidents per (level-2 group, priority) per month.
    tickets: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(len(months)))
    incident = REASON_KINDS.index("incident")
    for stream in demand.streams:
        per_month = np.bincount(month, load.contacts[stream.name], minlength=len(months))
        incidents = per_month * sum(
            share for code, share in stream.reasons.items()
            if REASON_KINDS.index(demand.reasons[code].kind) == incident)
        mix = priority_shares(stream.incidents or demand.incidents, pack)
        default = level_one.first_contact.get("*", 0.0)
        for service, share in stream.services.items():
            up = share * (1.0 - level_one.first_contact.get(service, default))
            for code, p in mix.items():
                tickets[(esc.group_of(service), code)] += incidents * up * p
    rework = esc.reopen.probability * esc.reopen.work.mean if esc.reopen else 0.0
    work = {name: np.zeros(len(months)) for name in esc.groups}
    for (name, code), count in tickets.items():
        group = esc.groups[name]
        up = group.escalate_probability if group.escalate_to else 0.0
        work[name] += count * (group.work[code].mean + (1.0 - up) * rework)
        if group.escalate_to:
            higher = esc.groups[group.escalate_to]
            work[higher.name] += count * up * (higher.work[code].mean + rework)
    for outage in demand.outages:
        at = outage.start.timestamp()
        if months.starts[0] <= at < months.starts[-1]:
            name = outage.group or esc.group_of(outage.service)
            work[name][months.index(np.array([at]))[0]] += outage.duration
    backlog = scenario.horizon.initial_backlog
    if backlog is not None:
        for name, counts in backlog.tickets.items():
            work[name][0] += sum(n * esc.groups[name].work[code].mean
                                 for code, n in counts.items())
    return work

