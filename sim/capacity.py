"""Offered load against capacity, checked when a scenario is loaded.

Distributions know their mean, so a scenario can be judged before it is simulated:
level 1 per half-hour of the week (calls' Erlangs — arrival rate × mean handling time
including after-call work — against agents on duty; Erlang C for the answer-time
target), level 1 per month (calls and e-mails together against agent time), and each
resolver group per month (tickets routed to it × mean hands-on work time against
headcount × open hours: a hold occupies nobody, so it is left out). The result is a
list of :class:`ScenarioWarning` — the file stays valid: a planner may well want to see
a scenario that fails.

These are first answers, not predictions: Erlang C ignores abandonment (pessimistic
there) and the expected tickets ignore calls abandoned before an agent answers them.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from rules.localtime import half_hour_of_week
from rules.months import MonthGrid
from rules.pack import AnswerTimeTarget, RulePack
from rules.text import format_words

from .demand import HALF_HOUR, horizon_bounds, priority_shares, rate_grid
from .erlang import ErlangA, ErlangC, agents_needed
from .routing import first_type, kinds_of_calls
from .scenario import (
    ANY_CALL,
    HALF_HOURS_PER_WEEK,
    REASON_KINDS,
    Scenario,
    ScenarioWarning,
    Severity,
    Stream,
)
from .staffing import Staffing

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOUR = 3600.0

# The words of each kind of warning (what, suggestion), in English: a warning's ``what``
# and ``suggestion``. ``cau.scenario_summary`` words the same ``values`` in French. Every
# field is a value written out by :func:`wording`; ``{weeks}`` is the WEEKS phrase.
TEXTS: dict[str, tuple[str, str]] = {
    "calls_overload": (
        "calls offer up to {erlangs} Erlangs (arrival rate × {handling} min mean handling "
        "incl. after-call work) for {agents:~agent|agents} on duty: utilisation {utilisation} "
        "({weeks})",
        "the queue grows without bound there: put more than {floor:~agent|agents} on duty",
    ),
    "answer_short": (
        "Erlang C answers {level} of calls within {threshold} s with {agents:~agent|agents} for "
        "{erlangs} Erlangs, below the goal of {goal} of target {target} ({weeks})",
        "{needed:~agent|agents} on duty would meet it (Erlang C ignores abandonment, so this is a "
        "pessimistic first answer: simulate to see the month)",
    ),
    "agent_time": (
        "calls and e-mails offer {work} h of agent work in {month} for "
        "{time:~agent-hour|agent-hours} on duty (utilisation {utilisation})",
        "the e-mail backlog grows without bound: add agents or shifts",
    ),
    "group_overload": (
        "{offered} h of work offered in {month} (tickets routed × mean hands-on work time, "
        "holds left out) for "
        "{headcount:~person|people} × {hours} open hours = {capacity} h (utilisation "
        "{utilisation})",
        "its backlog grows without bound: at least {people:~person|people} would carry it",
    ),
}
TEXTS["calls_no_agent"] = (
    "calls offer up to {erlangs} Erlangs with no agent on duty ({weeks})",
    TEXTS["calls_overload"][1],
)
# With patience, abandonment keeps the queue bounded: callers hang up instead.
TEXTS["calls_overload_abandon"] = (
    TEXTS["calls_overload"][0],
    "callers hang up there rather than wait: Erlang A (mean patience {patience} min) "
    "expects {abandon} of them to abandon; put more than {floor:~agent|agents} on duty",
)
TEXTS["calls_no_agent_abandon"] = (
    TEXTS["calls_no_agent"][0],
    "every caller hangs up there after waiting in vain: put agents on duty",
)
WHERE = "{path}, {day} {span}"  # the place of a level-1 warning: key and half-hours
WEEKS = "{count} of {out_of:~{day}|{day}s}"  # how many of the horizon's such weekdays
# How each number is written: ("number", decimals), ("percent", decimals), or ("general",
# 0): a whole number without decimals, a fraction with one.
FORMATS: dict[str, tuple[str, int]] = {
    "erlangs": ("number", 1), "handling": ("number", 1), "agents": ("general", 0),
    "utilisation": ("percent", 0), "floor": ("number", 0), "level": ("percent", 1),
    "threshold": ("general", 0), "goal": ("percent", 0), "needed": ("number", 0),
    "work": ("number", 0), "time": ("number", 0), "offered": ("number", 0),
    "headcount": ("number", 0), "hours": ("number", 0), "capacity": ("number", 0),
    "people": ("number", 0), "count": ("number", 0), "out_of": ("number", 0),
    "abandon": ("percent", 0), "patience": ("number", 1),
}


def wording(values: Mapping[str, Any], *, number: Callable[[float, int], str],
            percent: Callable[[float, int], str], days: Sequence[str],
            weeks: Callable[..., str]) -> dict[str, str]:
    """A warning's ``values`` written out for its texts, in the language of the given
    writers: numbers by :data:`FORMATS`, ``day`` by name, ``{weeks}`` by ``weeks(count=…,
    out_of=…, day=…)`` (the day's name, for the text to make it agree)."""
    words = {}
    for key, value in values.items():
        if key == "day":
            words[key] = days[value]
        elif key in FORMATS:
            form, digits = FORMATS[key]
            if form == "general":
                digits = 0 if float(value).is_integer() else 1
            words[key] = (percent if form == "percent" else number)(float(value), digits)
        else:
            words[key] = str(value)
    if "count" in values:
        words["weeks"] = weeks(count=words["count"], out_of=words["out_of"],
                               day=days[values["day"]])
    return words


def _warning(kind: str, values: dict[str, Any], severity: Severity = "warning"
             ) -> ScenarioWarning:
    """A warning of ``kind`` about ``values`` (which hold its ``path``), worded in English."""
    words = wording(values, number=lambda v, d: f"{v:,.{d}f}", percent=lambda v, d: f"{v:.{d}%}",
                    days=DAY_NAMES, weeks=lambda **parts: format_words(WEEKS, "en", **parts))
    where = WHERE.format(**words) if "span" in values else words["path"]
    what, suggestion = TEXTS[kind]
    return ScenarioWarning(where, format_words(what, "en", **words),
                           format_words(suggestion, "en", **words), severity,
                           kind, values)


def capacity_warnings(scenario: Scenario, pack: RulePack) -> tuple[ScenarioWarning, ...]:
    """Every place where ``scenario``'s offered work exceeds its capacity (warnings) or
    where Erlang C says the answer-time target cannot be met (notes): for one pool, its
    staffing; for agent groups, each group's staffing against the calls routed to it
    first (overflow, which helps, left out)."""
    load = OfferedLoad.of(scenario, pack)
    patience = scenario.level_one.patience.mean
    groups = scenario.level_one.groups
    if scenario.level_one.routing[0].name == ANY_CALL and len(groups) == 1:
        half_hours = list(_half_hours(load, pack, patience, "level_one.staffing"))
        path = "level_one.staffing"
    else:
        half_hours = [w for name in groups for w in _half_hours(
            load.of_group(name), pack, patience, f"level_one.groups.{name}.staffing")]
        path = "level_one.groups"
    return (*half_hours, *_level_one_months(load, path),
            *_resolver_groups(load, scenario, pack))


def mean_handling(scenario: Scenario, stream: Stream) -> float:
    """Mean agent time of one contact of ``stream``: its reasons' handling times (the
    channel's where a reason has none), plus after-call work for a call."""
    return sum(share * reason_work(scenario, stream.channel, code)
               for code, share in stream.reasons.items())


def reason_work(scenario: Scenario, channel: str, reason: str) -> float:
    """Mean agent time of a contact of ``channel`` for ``reason`` ("" for a call about an
    outage: information), after-call work included for a call."""
    level_one, reasons = scenario.level_one, scenario.demand.reasons
    if reason:
        own = reasons[reason].handling
    else:
        own = next((r.handling for r in reasons.values()
                    if r.kind == "information" and r.handling is not None), None)
    mean = own.mean if own is not None else level_one.handling[channel].mean
    if channel == "phone" and level_one.after_call_work is not None:
        mean += level_one.after_call_work.mean
    return mean


@dataclass(frozen=True)
class GroupLoad:
    """The calls a level-1 group answers first, per half-hour of the horizon (overflow to
    or from other groups left out): calls per second, offered Erlangs, agents on duty."""

    calls: np.ndarray
    erlangs: np.ndarray
    agents: np.ndarray


@dataclass(frozen=True)
class OfferedLoad:
    """Expected arrivals per half-hour of the horizon (not the warm-up) and agents on duty."""

    starts: np.ndarray  # UTC starts of the horizon's half-hours
    calls: np.ndarray  # calls per second
    erlangs: np.ndarray  # calls' offered load (Erlangs)
    email_erlangs: np.ndarray  # e-mails' offered agent time (Erlangs)
    agents: np.ndarray  # time-averaged agents on duty
    contacts: dict[str, np.ndarray]  # stream name → expected contacts per half-hour
    months: MonthGrid
    groups: dict[str, GroupLoad] = field(default_factory=dict)  # level-1 group → its load

    @classmethod
    def of(cls, scenario: Scenario, pack: RulePack) -> OfferedLoad:
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
        working = pack.calendar(level_one.calendar).is_business_day
        first, last = float(starts[0]), float(starts[-1]) + HALF_HOUR

        def on_duty(staffing: Staffing) -> np.ndarray:
            steps = staffing.steps(begin, end, zone, working)
            return steps.half_hourly(first, last)[:len(starts)]

        groups = {name: GroupLoad(np.zeros(len(starts)), np.zeros(len(starts)),
                                  on_duty(group.staffing))
                  for name, group in level_one.groups.items()}
        for kind in kinds_of_calls(scenario.demand, pack):
            k = first_type(level_one, kind)
            name = kind.fields[0]
            if k is None or not name:  # outages' surges are not in the rate grid
                continue
            load = groups[level_one.routing[k].first]
            rate = grid.rates[name][inside] * kind.share
            load.calls[:] += rate
            load.erlangs[:] += rate * reason_work(scenario, "phone", kind.reason)
        return cls(starts, calls, erlangs, email, on_duty(level_one.staffing), contacts,
                   MonthGrid(zone, start, end - 1.0), groups)

    def of_group(self, name: str) -> OfferedLoad:
        """The load of one level-1 group (its first-routed calls and its agents), in the
        form of the whole desk's."""
        group = self.groups[name]
        return dataclasses.replace(self, calls=group.calls, erlangs=group.erlangs,
                                   agents=group.agents, groups={})


# -- level 1 per half-hour of the week ----------------------------------------------------------
def _half_hours(load: OfferedLoad, pack: RulePack, patience: float, path: str
                ) -> Iterator[ScenarioWarning]:
    offered = load.erlangs > 0
    over = offered & (load.erlangs >= load.agents)
    slots = half_hour_of_week(load.starts, pack.zone)
    occurrences = np.bincount(slots[offered], minlength=HALF_HOURS_PER_WEEK)
    yield from _runs(load, slots, over, occurrences, partial(_overload, load, patience),
                     path)
    for target in pack.targets_of("answer_time"):
        if not isinstance(target, AnswerTimeTarget):
            continue
        counted = offered & ~over & pack.calendar(target.calendar).is_open(load.starts)
        levels = _service_levels(load, counted, target)
        short = counted & (levels < target.goal)
        yield from _runs(load, slots, short, occurrences,
                         partial(_short, load, levels, target), path)


def _service_levels(load: OfferedLoad, mask: np.ndarray, target: AnswerTimeTarget) -> np.ndarray:
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


def _runs(load: OfferedLoad, slots: np.ndarray, flagged: np.ndarray, occurrences: np.ndarray,
          describe: Callable[[int, dict[str, Any]], ScenarioWarning], path: str
          ) -> Iterator[ScenarioWarning]:
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
        yield describe(worst, {
            "path": path, "day": int(run[0] // 48),
            "span": _slot_span(int(run[0]), int(run[-1]) + 1),
            "count": int(weeks[run].max()), "out_of": int(occurrences[run].max()),
        })


def _slot_span(first: int, last: int) -> str:
    """The local clock times of half-hours ``first`` to ``last`` (excluded) of one day."""

    def clock(slot: int) -> str:
        return f"{slot % 48 // 2:02d}:{30 * (slot % 2):02d}" if slot % 48 else "24:00"

    return f"{clock(first) if first % 48 else '00:00'}–{clock(last)}"


def _overload(load: OfferedLoad, patience: float, k: int, place: dict[str, Any]
              ) -> ScenarioWarning:
    """More Erlangs than agents: without patience the queue grows without bound; with it,
    callers hang up (Erlang A says how many) and the queue stays bounded."""
    rate, erlangs, agents = float(load.calls[k]), float(load.erlangs[k]), float(load.agents[k])
    values = {**place, "erlangs": erlangs, "floor": math.floor(erlangs)}
    impatient = math.isfinite(patience)
    if not agents:
        return _warning("calls_no_agent_abandon" if impatient else "calls_no_agent", values)
    values |= {"handling": erlangs / rate / 60, "agents": agents,
               "utilisation": erlangs / agents}
    if not impatient:
        return _warning("calls_overload", values)
    staffed = max(1, math.floor(agents + 1e-9))
    abandon = ErlangA(rate, erlangs / rate, staffed, patience).p_abandon
    return _warning("calls_overload_abandon",
                    {**values, "patience": patience / 60, "abandon": abandon})


def _short(load: OfferedLoad, levels: np.ndarray, target: AnswerTimeTarget, k: int,
           place: dict[str, Any]) -> ScenarioWarning:
    rate, erlangs, agents = float(load.calls[k]), float(load.erlangs[k]), float(load.agents[k])
    needed = agents_needed(rate, erlangs / rate, target.threshold, target.goal)
    return _warning("answer_short", {
        **place, "level": float(levels[k]), "threshold": target.threshold, "agents": agents,
        "erlangs": erlangs, "goal": target.goal, "target": target.id, "needed": needed,
    }, "note")


# -- level 1 and resolver groups per month ------------------------------------------------------
def _level_one_months(load: OfferedLoad, path: str) -> Iterator[ScenarioWarning]:
    month = load.months.index(load.starts)
    work = np.bincount(month, (load.erlangs + load.email_erlangs) * HALF_HOUR,
                       minlength=len(load.months))
    time = np.bincount(month, load.agents * HALF_HOUR, minlength=len(load.months))
    for i, label in enumerate(load.months.labels):
        if work[i] > 0 and work[i] >= time[i]:
            yield _warning("agent_time", {
                "path": path, "work": work[i] / HOUR, "month": label,
                "time": time[i] / HOUR, "utilisation": work[i] / max(time[i], 1e-9),
            })


def _resolver_groups(load: OfferedLoad, scenario: Scenario, pack: RulePack
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
                yield _warning("group_overload", {
                    "path": f"escalation.groups.{name}.headcount", "offered": offered / HOUR,
                    "month": label, "headcount": group.headcount,
                    "hours": float(hours.sum()) / HOUR, "capacity": capacity / HOUR,
                    "utilisation": offered / max(capacity, 1e-9),
                    "people": math.floor(offered / max(hours.sum(), 1e-9)) + 1,
                })


def _group_work(load: OfferedLoad, scenario: Scenario, pack: RulePack) -> dict[str, np.ndarray]:
    """Expected hands-on work time (s) offered to each resolver group per month of the
    horizon: escalated incidents, their level-3 share, reopened work, outages and the
    backlog (holds occupy nobody: not counted)."""
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

