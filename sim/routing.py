"""From a scenario's level one to what the engines take: agent groups with their staffing
over the horizon, call types as routes, and each call's type.

A call takes the first call type (``level_one.routing``) whose match it fits; its route
names its first group and the other groups with the skill, in the file's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from rules.coded import Coded
from rules.errors import DataError
from rules.pack import RulePack

from .agent_groups import DeskGroup, Route
from .demand import priority_shares
from .scenario import Demand, LevelOne


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


def call_kinds(level_one: LevelOne, stream: Coded, option: Coded, service: Coded,
               priority: Coded, outage: np.ndarray) -> np.ndarray:
    """Each call's type: the index of the first call type it matches. ``stream`` holds
    stream names ("" for a call about an outage), the others one value per call."""
    kinds = np.full(len(stream), -1, dtype=np.int64)
    columns: Sequence[Coded] = (stream, option, service, priority)
    for k, call_type in enumerate(level_one.routing):
        match = call_type.when
        mask = kinds < 0
        for values, wanted in zip(columns, (match.streams, match.options, match.services,
                                            match.priorities), strict=True):
            if wanted:
                mask &= values.isin(wanted)
        if match.outage is not None:
            mask &= outage == match.outage
        kinds[mask] = k
    if (kinds < 0).any():  # the loader checks every possible call is routed
        raise DataError(f"{int((kinds < 0).sum())} calls match no call type of the routing")
    return kinds


@dataclass(frozen=True)
class CallKind:
    """A kind of call the demand may bring, as routing matches it (``fields``: stream,
    option, service, priority, about an outage), its share of its stream's calls (of an
    outage's surge: 1), its contact reason ("" for a surge call) and words for messages."""

    fields: tuple[str, str, str, str, bool]
    share: float
    reason: str
    words: str


def kinds_of_calls(demand: Demand, pack: RulePack) -> list[CallKind]:
    """Every kind of call of each phone stream — information calls, requests about each
    service, incidents about each service of each priority the mix can give — and the
    calls about each outage."""
    kinds = []
    for stream in demand.streams:
        if stream.channel != "phone":
            continue
        at = (stream.name, stream.option)
        priorities = priority_shares(stream.incidents or demand.incidents, pack)
        for code, share in stream.reasons.items():
            kind = demand.reasons[code].kind
            if kind == "information":
                kinds.append(CallKind((*at, "", "", False), share, code,
                                      f'information calls of stream "{stream.name}"'))
                continue
            for service, part in stream.services.items():
                if kind == "request":
                    kinds.append(CallKind((*at, service, "", False), share * part, code,
                                          f'requests of stream "{stream.name}" about "{service}"'))
                    continue
                kinds += [CallKind((*at, service, p, False), share * part * q, code,
                                   f'{p} calls of stream "{stream.name}" about "{service}"')
                          for p, q in priorities.items() if q > 0]
    for outage in demand.outages:
        option = pack.catalogue.option_of(outage.service) if pack.catalogue else ""
        kinds.append(CallKind(("", option, "", "", True), 1.0, "",
                              f'calls about the outage of "{outage.service}"'))
    return kinds


def first_type(level_one: LevelOne, kind: CallKind) -> int | None:
    """The index of the first call type ``kind`` matches (None: none does)."""
    return next((k for k, t in enumerate(level_one.routing) if t.when.matches(*kind.fields)),
                None)
