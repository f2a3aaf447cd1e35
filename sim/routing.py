"""From a scenario's level one to what the engines take: agent groups with their staffing
over the horizon, call types as routes, and each call's type.

A call takes the first call type (``level_one.routing``) whose match it fits; its route
names its first group and the other groups with the skill, in the file's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date

import numpy as np

from rules.coded import Coded
from rules.errors import DataError

from .agent_groups import DeskGroup, Route
from .scenario import LevelOne


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
