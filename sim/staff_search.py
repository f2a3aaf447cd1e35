"""The fewest level-1 agents per half-hour of the week that meet the answer-time target.

The planner's first answer to "how many agents, on which half-hours?": the offered load
of each half-hour of the week (the busiest of its occurrences over the horizon, computed
by :class:`sim.capacity.OfferedLoad`) is staffed by Erlang A with the callers' mean
patience (Erlang C without one) against every answer-time target of the pack. Erlang A
per half-hour ignores e-mail work and the queue carried from one half-hour to the next,
so the result is a staffing to simulate, not a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rules.errors import DataError
from rules.localtime import half_hour_of_week
from rules.pack import AnswerTimeTarget, RulePack

from .capacity import OfferedLoad
from .demand import HALF_HOUR
from .erlang import agents_needed
from .scenario import HALF_HOURS_PER_WEEK, Scenario
from .staffing import DAY_NAMES

SLOTS_PER_DAY = 48


@dataclass(frozen=True)
class StaffPlan:
    """Per half-hour of the local week (0 = Monday 00:00): offered Erlangs, agents on duty
    in the scenario and agents needed, each at the half-hour's busiest occurrence."""

    erlangs: np.ndarray  # offered load of calls (Erlangs)
    current: np.ndarray  # agents on duty now (time-averaged)
    needed: np.ndarray  # int: fewest agents meeting every answer-time target
    targets: tuple[AnswerTimeTarget, ...]
    patience: float | None  # mean patience (s) of Erlang A; None for Erlang C

    @property
    def current_hours(self) -> float:
        """Agent-hours per week on duty in the scenario."""
        return float(self.current.sum()) * HALF_HOUR / 3600.0

    @property
    def needed_hours(self) -> float:
        """Agent-hours per week the needed staffing puts on duty."""
        return float(self.needed.sum()) * HALF_HOUR / 3600.0

    def table(self) -> dict[str, dict[str, int]]:
        """The needed staffing in the scenario file's ``table`` form: rows of weekdays
        (consecutive days with the same needs share a row, "mon-fri") × "HH:MM" of each
        change → agents, held until the next change; days needing nobody are left out."""
        rows: list[tuple[int, int, dict[str, int]]] = []  # first day, last day, row
        for day in range(7):
            row = _changes(self.needed[day * SLOTS_PER_DAY:(day + 1) * SLOTS_PER_DAY])
            if rows and rows[-1][1] == day - 1 and rows[-1][2] == row:
                rows[-1] = (rows[-1][0], day, row)
            elif row:
                rows.append((day, day, row))
        return {(DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}-{DAY_NAMES[b]}"): row
                for a, b, row in rows}


def _changes(agents: np.ndarray) -> dict[str, int]:
    """``{"HH:MM": agents}`` at each half-hour of one day where the count changes (from 0
    before midnight); empty when nobody is needed all day."""
    row: dict[str, int] = {}
    before = 0
    for slot, count in enumerate(agents.tolist()):
        if count != before:
            row[f"{slot // 2:02d}:{30 * (slot % 2):02d}"] = int(count)
            before = count
    return row


def staff_plan(scenario: Scenario, pack: RulePack, group: str | None = None) -> StaffPlan:
    """The fewest agents per half-hour of the week meeting each answer-time target of
    ``pack`` (its threshold and goal) for ``scenario``'s calls, by Erlang A with the
    scenario's mean patience; for one level-1 ``group``, the calls routed to it first
    (overflow to and from other groups left out) against its own agents."""
    targets = tuple(t for t in pack.targets_of("answer_time") if isinstance(t, AnswerTimeTarget))
    if not targets:
        raise DataError(f"{pack.source}: no answer-time target to staff for; add one to the "
                        "rule pack or to the scenario's targets")
    load = OfferedLoad.of(scenario, pack)
    if group is not None:
        load = load.of_group(group)
    slots = half_hour_of_week(load.starts, pack.zone)
    erlangs, current = np.zeros(HALF_HOURS_PER_WEEK), np.zeros(HALF_HOURS_PER_WEEK)
    np.maximum.at(erlangs, slots, load.erlangs)
    np.maximum.at(current, slots, load.agents)
    # Mean handling time of each half-hour's calls over the horizon (the stream mix).
    work = np.bincount(slots, load.erlangs, minlength=HALF_HOURS_PER_WEEK)
    calls = np.bincount(slots, load.calls, minlength=HALF_HOURS_PER_WEEK)
    mean = scenario.level_one.patience.mean
    patience = mean if math.isfinite(mean) and mean > 0 else None
    needed = np.zeros(HALF_HOURS_PER_WEEK, dtype=int)
    known: dict[tuple[float, float], int] = {}
    for k in np.flatnonzero(erlangs > 0):
        aht = float(work[k] / calls[k])
        key = (round(float(erlangs[k]), 9), round(aht, 6))
        if key not in known:
            known[key] = max(agents_needed(float(erlangs[k]) / aht, aht, t.threshold, t.goal,
                                           patience) for t in targets)
        needed[k] = known[key]
    return StaffPlan(erlangs, current, needed, targets, patience)
