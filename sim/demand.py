"""From declared volumes to contacts: who calls or writes, when, and about what.

Each stream's monthly volume is spread over the month's half-hours in proportion to the
weekly profile times the share of the half-hour its calendar is open (so holidays and
nights get what the calendar says: nothing, when it is closed), multiplied by the
scenario's scale and growth. The per-half-hour rate feeds the non-homogeneous Poisson
arrivals; each contact then gets a reason, a service and, for an incident, a priority
classified by the rule pack from attributes drawn from the declared mixes. A declared
outage adds its surge of calls.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np

from rules.calendar import BusinessCalendar
from rules.coded import CODE, Coded, Labels
from rules.errors import DataError
from rules.localtime import half_hour_of_week, local_instant
from rules.months import MonthGrid
from rules.pack import RulePack

from .arrivals import nhpp_arrivals
from .scenario import REASON_KINDS, Demand, IncidentMix, Scenario, Stream

HALF_HOUR = 1800.0
YEAR = 365.25 * 86400.0
# A contact's kind as a small integer: its index in REASON_KINDS.
KIND_INCIDENT, KIND_REQUEST, KIND_INFORMATION = range(len(REASON_KINDS))
SURGE = -1  # the stream index of a call about a declared outage


@dataclass(frozen=True)
class RateGrid:
    """Half-hours ``[starts[i], starts[i] + 1800)`` (UTC) and each stream's arrival rate
    (contacts per second) in them."""

    starts: np.ndarray
    rates: Mapping[str, np.ndarray]  # stream name → rate per half-hour


@dataclass(frozen=True)
class Contacts:
    """Every contact of a replication, sorted by arrival (one entry per contact). Its texts
    are coded (:class:`rules.coded.Coded`): a month of calls holds no string per call."""

    time: np.ndarray  # arrival, epoch s UTC
    channel: Coded  # "phone" / "email"
    option: Coded  # "1" / "2" / ""
    reason: Coded  # contact reason code ("" for an outage's surge call)
    kind: np.ndarray  # int8: KIND_INCIDENT / KIND_REQUEST / KIND_INFORMATION
    service: Coded  # catalogue service ("" when no ticket)
    priority: Coded  # priority code of an incident, "" otherwise
    stream: np.ndarray  # int16: index of its stream in ``Demand.streams``; SURGE for an outage's

    def __len__(self) -> int:
        return len(self.time)


def horizon_bounds(scenario: Scenario, zone: str) -> tuple[float, float, float]:
    """UTC instants of the warm-up's start, the horizon's start and its end: local
    midnights, counted in local days (a day of a DST change is 23 or 25 hours)."""
    horizon = scenario.horizon

    def midnight(days: int) -> float:
        day = horizon.start + timedelta(days=days)
        return local_instant(datetime.combine(day, time()), zone).timestamp()

    return midnight(-horizon.warmup_days), midnight(0), midnight(horizon.days)


def open_share(calendar: BusinessCalendar, starts: np.ndarray) -> np.ndarray:
    """Share of each half-hour ``[s, s + 1800)`` during which ``calendar`` is open."""
    if calendar.always_open:
        return np.ones(len(starts))
    opens, closes = calendar.open_intervals(float(starts[0]), float(starts[-1]) + HALF_HOUR)
    # Open seconds before t, by a cumulative sum over the intervals.
    before = np.concatenate([[0.0], np.cumsum(closes - opens)])

    def cumulative(t: np.ndarray) -> np.ndarray:
        k = np.searchsorted(opens, t, side="right")
        inside = np.minimum(t - opens[np.maximum(k - 1, 0)], (closes - opens)[np.maximum(k - 1, 0)])
        return before[np.maximum(k - 1, 0)] + np.where(k > 0, inside, 0.0)

    return (cumulative(starts + HALF_HOUR) - cumulative(starts)) / HALF_HOUR


def rate_grid(scenario: Scenario, pack: RulePack, zone: str) -> RateGrid:
    """Each stream's rate per half-hour from the warm-up's start to the horizon's end.

    Weights are normalised over whole local months, so a month inside the horizon
    receives its declared volume in expectation (times scale and growth).
    """
    begin, start, end = horizon_bounds(scenario, zone)
    months = MonthGrid(zone, begin, end - 1.0)
    full = np.arange(months.starts[0], months.starts[-1], HALF_HOUR)
    month_of = months.index(full)
    week_slot = half_hour_of_week(full, zone)
    demand = scenario.demand
    growth = demand.scale * (1.0 + demand.growth_per_year) ** ((full - start) / YEAR)
    keep = (full >= begin) & (full < end)
    first_month = months.label(np.array([start]))[0]
    rates: dict[str, np.ndarray] = {}
    for stream in demand.streams:
        profile = np.asarray(demand.profiles[stream.profile].weights)
        weight = profile[week_slot] * open_share(pack.calendar(stream.calendar), full)
        total = np.bincount(month_of, weights=weight, minlength=len(months))
        volumes = np.array(
            [stream.volume(label if label >= first_month else first_month)
             for label in months.labels]
        )
        empty = (total <= 0) & (volumes > 0)
        if empty.any():
            raise DataError(
                f"{stream.name}: {volumes[empty][0]:g} contacts declared for "
                f"{months.labels[int(np.flatnonzero(empty)[0])]}, but its profile "
                f'"{stream.profile}" gives no weight while calendar "{stream.calendar}" is '
                "open that month"
            )
        share = np.divide(volumes, total, out=np.zeros_like(total), where=total > 0)
        rates[stream.name] = (weight * share[month_of] * growth / HALF_HOUR)[keep]
    return RateGrid(full[keep], rates)


def draw_contacts(
    scenario: Scenario, pack: RulePack, grid: RateGrid, rngs: Mapping[str, np.random.Generator]
) -> Contacts:
    """Every contact of the streams and the outages' surges, with its attributes.

    ``rngs`` holds one generator per random source: ``arrivals``, ``reasons``.
    """
    demand = scenario.demand
    texts = {field: _Texts() for field in TEXT_FIELDS}
    parts: list[dict[str, np.ndarray]] = []
    for index, stream in enumerate(demand.streams):
        times = nhpp_arrivals(grid.starts, HALF_HOUR, grid.rates[stream.name], rngs["arrivals"])
        parts.append(_attributes(stream, demand, pack, times, rngs["reasons"], texts))
        parts[-1]["stream"] = np.full(len(times), index, dtype=np.int16)
    parts.extend(_surges(demand, pack, rngs["arrivals"], float(grid.starts[-1]) + HALF_HOUR,
                         texts))
    merged = parts[0] if len(parts) == 1 else {
        k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    if (np.diff(merged["time"]) < 0).any():  # several streams: put in arrival order
        order = np.argsort(merged["time"], kind="stable")
        merged = {k: v[order] for k, v in merged.items()}
    coded = {k: Coded(merged[k], texts[k].labels()) for k in TEXT_FIELDS}
    return Contacts(time=merged["time"], kind=merged["kind"], stream=merged["stream"], **coded)


TEXT_FIELDS = ("channel", "option", "reason", "service", "priority")


class _Texts:
    """The texts of one field of the contacts, coded as they first come ("" is 0)."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {"": 0}

    def of(self, texts: Any) -> np.ndarray:
        """The code of each of ``texts`` (a sequence or an array of them)."""
        return np.array([self._codes.setdefault(str(t), len(self._codes)) for t in texts],
                        dtype=CODE)

    def labels(self) -> Labels:
        return Labels.of(self._codes)


def _draw(rng: np.random.Generator, shares: Mapping[Any, float], n: int) -> np.ndarray:
    """``n`` positions among the keys of ``shares``, drawn with those probabilities."""
    p = np.fromiter(shares.values(), dtype=float, count=len(shares))
    drawn: np.ndarray = rng.choice(len(shares), size=n, p=p / p.sum())
    return drawn


def _pick(rng: np.random.Generator, shares: Mapping[Any, float], n: int) -> np.ndarray:
    """``n`` keys of ``shares`` drawn with those probabilities (an object array)."""
    keys = np.empty(len(shares), dtype=object)
    keys[:] = list(shares)
    return keys[_draw(rng, shares, n)]


def _attributes(
    stream: Stream, demand: Demand, pack: RulePack, times: np.ndarray, rng: np.random.Generator,
    texts: Mapping[str, _Texts],
) -> dict[str, np.ndarray]:
    """A stream's contacts: their reasons, kinds, services and priorities drawn, their
    texts as codes of ``texts``."""
    n = len(times)
    drawn = _draw(rng, stream.reasons, n)
    reason = texts["reason"].of(stream.reasons)[drawn]
    kind = np.array([REASON_KINDS.index(demand.reasons[code].kind) for code in stream.reasons],
                    dtype=np.int8)[drawn]
    ticket = kind != KIND_INFORMATION
    service = np.zeros(n, dtype=CODE)
    service[ticket] = texts["service"].of(stream.services)[
        _draw(rng, stream.services, int(ticket.sum()))]
    priority = np.zeros(n, dtype=CODE)
    incident = kind == KIND_INCIDENT
    codes, drawn = draw_priorities(stream.incidents or demand.incidents, pack,
                                   int(incident.sum()), rng)
    priority[incident] = texts["priority"].of(codes)[drawn]
    return {
        "time": times,
        "channel": np.full(n, texts["channel"].of([stream.channel])[0], dtype=CODE),
        "option": np.full(n, texts["option"].of([stream.option])[0], dtype=CODE),
        "reason": reason,
        "kind": kind,
        "service": service,
        "priority": priority,
    }


def draw_priorities(
    mix: IncidentMix, pack: RulePack, n: int, rng: np.random.Generator
) -> tuple[list[str], np.ndarray]:
    """Priorities of ``n`` incidents, as priority codes and the position of each incident's
    among them: from the priority mix, or from attributes drawn independently per field
    and classified by the pack (each distinct combination once)."""
    if mix.priorities or n == 0:
        return list(mix.priorities), _draw(rng, mix.priorities, n) if n else np.zeros(0, int)
    import pandas as pd  # classifying frames; loading a scenario needs no pandas

    fields = list(mix.attributes)
    drawn = pd.DataFrame({f: _pick(rng, mix.attributes[f], n) for f in fields})
    combos = drawn.drop_duplicates(ignore_index=True)
    codes = pack.classify_frame(combos).tolist()
    row = pd.MultiIndex.from_frame(combos.astype(str)).get_indexer(
        pd.MultiIndex.from_frame(drawn.astype(str))
    )
    return codes, row


def priority_shares(mix: IncidentMix, pack: RulePack) -> dict[str, float]:
    """Expected share of each priority among incidents of ``mix``: the mix itself, or
    every combination of attribute values weighted by its probability and classified."""
    if mix.priorities:
        total = sum(mix.priorities.values())
        return {code: share / total for code, share in mix.priorities.items()}
    fields = list(mix.attributes)
    shares: dict[str, float] = {}
    weights = []
    for combo in itertools.product(*(mix.attributes[f].items() for f in fields)):
        code = pack.classify({f: value for f, (value, _) in zip(fields, combo, strict=True)})
        weights.append(math.prod(share for _, share in combo))
        shares[code] = shares.get(code, 0.0) + weights[-1]
    return {code: share / sum(weights) for code, share in sorted(shares.items())}


def _surges(
    demand: Demand, pack: RulePack, rng: np.random.Generator, end: float,
    texts: Mapping[str, _Texts],
) -> list[dict[str, np.ndarray]]:
    """Calls about each outage: a Poisson number, uniform over the surge's span."""
    catalogue = pack.catalogue
    parts: list[dict[str, np.ndarray]] = []
    for outage in demand.outages:
        start = outage.start.timestamp()
        n = int(rng.poisson(outage.surge_calls * demand.scale))
        times = np.sort(start + rng.uniform(0.0, outage.surge_over, size=n))
        times = times[times < end]
        n = len(times)
        option = catalogue.option_of(outage.service) if catalogue is not None else ""
        nothing = np.zeros(n, dtype=CODE)  # no reason, service or priority: ""
        parts.append({
            "time": times,
            "channel": np.full(n, texts["channel"].of(["phone"])[0], dtype=CODE),
            "option": np.full(n, texts["option"].of([option])[0], dtype=CODE),
            "reason": nothing,
            "kind": np.full(n, KIND_INFORMATION, dtype=np.int8),
            "service": nothing,
            "priority": nothing,
            "stream": np.full(n, SURGE, dtype=np.int16),
        })
    return parts
