"""Which call type each call takes: the first of ``level_one.routing`` whose match it
fits — for the calls of a replication (:func:`call_kinds`), and for every kind of call
the demand may bring, with its share of its stream (:func:`kinds_of_calls`), which the
loader checks are all routed and the capacity checks split among the groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rules.coded import Coded
from rules.errors import DataError
from rules.pack import RulePack

from .demand import priority_shares
from .scenario import Demand, LevelOne


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
