"""Calibration: what a scenario needs, measured on a real event log.

From an event log (an imported export) and a rule pack, :func:`calibrate` measures the
weekly arrival profile of tickets, the priority mix, the share escalated beyond level 1,
waiting on the user (share and duration), reopening (share and delay) and, per priority,
the business time from opening to resolution, each duration fitted by
:mod:`sim.fitting`. Business times come from the measurement engine
(``rules.measure``) and tickets' facts from its state machine (``rules.tickets``), so a
calibration reads a log exactly as the monthly report does. :func:`fragment` writes the
result in the scenario file's own keys, to be merged into a scenario.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rules.errors import DataError
from rules.eventlog import EventLog
from rules.grouped import EventCodes
from rules.localtime import half_hour_of_week
from rules.measure import measure
from rules.pack import ResolutionTarget, RulePack
from rules.tickets import TicketTimelines, read_tickets

from .fitting import MIN_SAMPLE, DurationFit, fit_durations, written_duration
from .scenario import HALF_HOURS_PER_WEEK

DAY_KEYS: tuple[str, ...] = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
PROFILE_NAME = "calibration"


@dataclass(frozen=True)
class Share:
    """``count`` of ``total`` (tickets); ``value`` is NaN when ``total`` is 0."""

    count: int
    total: int

    @property
    def value(self) -> float:
        return self.count / self.total if self.total else float("nan")


@dataclass(frozen=True)
class ArrivalProfile:
    """Tickets opened per half-hour of the local week, in the scenario's days × hours form.

    ``days``: mean tickets opened on each weekday (Monday first) over the log's span;
    ``hours``: share of a day's tickets opened in each half-hour (00:00 first), all days
    together. ``distance`` is the total variation distance between the observed weekly
    shares and the product form (0: the product is exact; the share of tickets it puts
    in the wrong half-hour)."""

    days: tuple[float, ...]
    hours: tuple[float, ...]
    distance: float
    tickets: int


@dataclass(frozen=True)
class ResolutionFit:
    """Business time from opening to final resolution of one priority's resolved tickets
    (pauses removed, as the measurement counts it). Tickets resolved in no business time
    (outside the calendar's hours, or at once) are ``zeros``; the law is fitted to the
    others (None when fewer than ``sim.fitting.MIN_SAMPLE``)."""

    priority: str
    target: str
    resolved: int
    zeros: int
    fit: DurationFit | None


@dataclass(frozen=True)
class Calibration:
    """Everything :func:`calibrate` measured. ``escalated`` and ``waiting_escalated`` are
    None when the log records no support level (the ServiceNow export has none)."""

    source: str
    pack: str
    tickets: int
    first_opened: float
    last_opened: float
    profile: ArrivalProfile
    priorities: Mapping[str, Share]
    escalated: Share | None
    waiting: Share
    waiting_escalated: Share | None
    waiting_duration: DurationFit | None
    reopened: Share
    reopen_after: DurationFit | None
    resolution: tuple[ResolutionFit, ...]
    zone: str


def calibrate(log: EventLog, pack: RulePack, source: str = "") -> Calibration:
    """Measure ``log`` (tickets; calls are ignored) for a scenario judged by ``pack``."""
    tickets = read_tickets(log, EventCodes(log), pack.priority_codes,
                           pack.semantics.priority_target)
    n = len(tickets)
    if n == 0:
        raise DataError(f"{source or 'event log'}: no ticket to calibrate from")
    levels_known = not log.columns["level"].equals("").all()
    waits = ~tickets.stops.reopen
    waited = _tickets_with(tickets, waits)
    reopened = _tickets_with(tickets, tickets.stops.reopen)
    escalated = tickets.escalated
    return Calibration(
        source=source,
        pack=pack.id,
        tickets=n,
        first_opened=float(tickets.opened.min()),
        last_opened=float(tickets.opened.max()),
        profile=arrival_profile(tickets.opened, pack.zone),
        priorities={code: Share(int(np.count_nonzero(tickets.priority == code)), n)
                    for code in pack.priority_codes},
        escalated=Share(int(escalated.sum()), n) if levels_known else None,
        waiting=Share(int(waited.sum()), n),
        waiting_escalated=Share(int((waited & escalated).sum()), int(escalated.sum()))
        if levels_known else None,
        waiting_duration=_fit_or_none(_stop_lengths(tickets, waits)),
        reopened=Share(int(reopened.sum()), n),
        reopen_after=_fit_or_none(_stop_lengths(tickets, tickets.stops.reopen)),
        resolution=_resolution(log, pack),
        zone=pack.zone,
    )


def arrival_profile(opened: np.ndarray, zone: str) -> ArrivalProfile:
    """The weekly profile of instants ``opened`` (epoch seconds) in ``zone``'s local time."""
    slot = half_hour_of_week(np.asarray(opened, dtype=np.float64), zone)
    counts = np.bincount(slot, minlength=HALF_HOURS_PER_WEEK).reshape(7, 48).astype(float)
    total = counts.sum()
    local = pd.to_datetime(np.asarray(opened), unit="s", utc=True).tz_convert(zone)
    span = pd.date_range(local.min().normalize().tz_localize(None),
                         local.max().normalize().tz_localize(None), freq="D")
    occurrences = np.bincount(span.day_of_week.to_numpy(), minlength=7).astype(float)
    per_day = counts.sum(axis=1)
    observed = counts / total
    product = np.outer(per_day / total, counts.sum(axis=0) / total)
    return ArrivalProfile(
        days=tuple(float(v) for v in per_day / np.maximum(occurrences, 1.0)),
        hours=tuple(float(v) for v in counts.sum(axis=0) / total),
        distance=float(0.5 * np.abs(observed - product).sum()),
        tickets=int(total),
    )


def _tickets_with(tickets: TicketTimelines, stops: np.ndarray) -> np.ndarray:
    """Per ticket: has at least one of the selected stopped intervals."""
    flags = np.zeros(len(tickets), dtype=bool)
    flags[tickets.stops.ticket[stops]] = True
    return flags


def _stop_lengths(tickets: TicketTimelines, stops: np.ndarray) -> np.ndarray:
    """Calendar seconds of the selected stopped intervals that ended (and lasted)."""
    lengths = tickets.stops.end[stops] - tickets.stops.start[stops]
    return lengths[np.isfinite(lengths) & (lengths > 0)]


def _fit_or_none(values: np.ndarray) -> DurationFit | None:
    return fit_durations(values) if values.size >= MIN_SAMPLE else None


def _resolution(log: EventLog, pack: RulePack) -> tuple[ResolutionFit, ...]:
    """Per priority, its resolved tickets' elapsed business time, as ``measure`` judges it."""
    table = measure(log, pack).tickets
    resolved = table[~table["open"].to_numpy(dtype=bool)]
    out = []
    for target in pack.targets:
        if not isinstance(target, ResolutionTarget):
            continue
        rows = resolved[resolved["target"] == target.id]
        elapsed = rows["elapsed"].to_numpy(dtype=np.float64)
        positive = elapsed[elapsed > 0]
        out.append(ResolutionFit(
            priority=target.priority,
            target=target.id,
            resolved=int(elapsed.size),
            zeros=int(elapsed.size - positive.size),
            fit=_fit_or_none(positive),
        ))
    return tuple(out)


# -- the scenario fragment ------------------------------------------------------------------
def rounded_shares(shares: Mapping[str, float], step: float = 0.001) -> dict[str, float]:
    """Shares rounded to ``step`` that still add up to exactly 1 (largest remainders),
    as a scenario's mixes must."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys], dtype=float)
    raw = raw / raw.sum()
    units = round(1 / step)
    floor = np.floor(raw * units).astype(int)
    order = np.argsort(-(raw * units - floor), kind="stable")
    floor[order[: units - int(floor.sum())]] += 1
    return {k: int(u) / units for k, u in zip(keys, floor, strict=True)}


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def _flow(mapping: Mapping[str, Any]) -> str:
    """A one-line YAML mapping; strings quoted as JSON (a subset of YAML)."""
    parts = []
    for key, value in mapping.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else (
            _flow(value) if isinstance(value, Mapping) else repr(value))
        parts.append(f"{json.dumps(str(key), ensure_ascii=False)}: {shown}")
    return "{" + ", ".join(parts) + "}"


def _goodness(fit: DurationFit) -> str:
    best = fit.best
    return f"n={best.n} KS={best.ks:.3f} mean={written_duration(best.mean)} cv={best.cv:.2f}"


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in text.splitlines()]


def _weights(values: tuple[float, ...]) -> list[float]:
    """Relative weights, the largest 1, to three decimals (only the shape matters)."""
    top = max(values) or 1.0
    return [round(v / top, 3) for v in values]


def fragment(calibration: Calibration, pack: RulePack, *, group: str,
             notes: Mapping[str, str]) -> str:
    """The calibration as scenario YAML, in the scenario file's keys, to merge into a
    scenario: ``demand.profiles``, ``demand.incidents``, ``level_one.first_contact``
    (when the log records levels), ``escalation.waiting``, ``escalation.reopen`` (its
    ``work`` left to the scenario) and ``escalation.groups.GROUP.hold``: a log times a
    ticket from opening to resolution, mostly waiting on others, so the resolution laws
    are holds and the group's hands-on ``work`` is left to the planner. ``notes`` holds
    the comment lines (already in the reader's language) keyed by section."""
    c = calibration
    lines = _comment(notes["header"], "")
    profile = c.profile
    hours = {f"{h // 2:02d}:{30 * (h % 2):02d}": w
             for h, w in enumerate(_weights(profile.hours))}
    lines += [
        "demand:",
        "  profiles:",
        f"    {PROFILE_NAME}:  # {notes['profile']}",
        f"      days: {_flow(dict(zip(DAY_KEYS, _weights(profile.days), strict=True)))}",
        "      hours:",
        *(f'        "{k}": {v}' for k, v in hours.items()),
        "  incidents:",
        *_comment(notes["priorities"], "    "),
        "    priorities: " + _flow({k: _percent(v) for k, v in rounded_shares(
            {k: s.count for k, s in c.priorities.items()}).items()}),
    ]
    if c.escalated is not None:
        solved = rounded_shares({"1": c.escalated.total - c.escalated.count,
                                 "2": c.escalated.count})["1"]
        lines += ["level_one:", *_comment(notes["first_contact"], "  "),
                  "  first_contact: " + _flow({"*": _percent(solved)})]
    lines += ["escalation:"]
    waiting = c.waiting_escalated if c.waiting_escalated is not None else c.waiting
    if c.waiting_duration is not None:
        calendar = _waiting_calendar(pack)
        lines += ["  waiting:", *_comment(notes["waiting"], "    "),
                  f"    probability: {_percent(waiting.value)}",
                  f"    duration: {_flow(c.waiting_duration.best.spec())}"
                  f"  # {_goodness(c.waiting_duration)}",
                  f"    calendar: {json.dumps(calendar, ensure_ascii=False)}"]
    if c.reopen_after is not None:
        lines += ["  reopen:", *_comment(notes["reopen"], "    "),
                  f"    probability: {_percent(c.reopened.value)}",
                  f"    after: {_flow(c.reopen_after.best.spec())}  # {_goodness(c.reopen_after)}"]
    held = [(r, r.fit) for r in c.resolution if r.fit is not None]
    if held:
        lines += ["  groups:", f"    {json.dumps(group, ensure_ascii=False)}:",
                  *_comment(notes["work"], "      "), *_comment(notes["hold"], "      "),
                  "      hold:"]
        lines += [f"        {r.priority}: {_flow(_hold_spec(r, fit))}  # {_goodness(fit)}, "
                  f"zero={_percent(r.zeros / r.resolved)}" for r, fit in held]
    return "\n".join(lines) + "\n"


def _hold_spec(resolution: ResolutionFit, fit: DurationFit) -> dict[str, Any]:
    """A resolution law in the hold's form: the law alone when every ticket took business
    time, else held with the share that did (those resolved in zero time were not held)."""
    if resolution.zeros == 0:
        return fit.best.spec()
    held = (resolution.resolved - resolution.zeros) / resolution.resolved
    return {"probability": _percent(held), "duration": fit.best.spec()}


def _waiting_calendar(pack: RulePack) -> str:
    """The calendar a wait on the user is counted in: the lowest priority's resolution
    target's (business hours at the CAU), or the pack's first calendar when no priority
    has a resolution target."""
    for code in reversed(pack.priority_codes):
        target = pack.resolution_target(code)
        if target is not None:
            return target.calendar
    return next(iter(pack.calendars))
