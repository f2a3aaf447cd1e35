"""Which target levels can be promised: candidate thresholds × goals judged on one run.

A manager adjusting a *cible* asks "P3 in 8 h? 10 h? at 80 %? 85 %?". Targets change
only the measurement, never the simulation, so each candidate is a
:class:`~sim.replications.Variant` of the rule pack against which every replication's
event log is measured again (by ``rules.measure``, in the worker). The grid then gives,
per month, for each threshold the predicted compliance (mean, 95 % CI) and for each
(threshold, goal) the probability of meeting the goal (share of replications, Wilson
interval), with the pack's current level marked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from rules.errors import CauError
from rules.pack import RulePack

from .forecast import compliance_forecast
from .replications import Variant

# Columns of the grid, one row per month, target, threshold and goal.
GRID_COLUMNS: tuple[str, ...] = (
    "month",
    "target",
    "kind",
    "threshold",
    "goal",
    "current",
    "replications",
    "compliance",
    "ci_low",
    "ci_high",
    "p_meet",
    "p_meet_low",
    "p_meet_high",
    "counted",
)


@dataclass(frozen=True)
class TargetGrid:
    """The candidate levels of one target: thresholds (seconds; NaN for a target without
    one, such as first-contact resolution) and goals (fractions), both ascending, always
    including the pack's current level."""

    target: str
    thresholds: tuple[float, ...]
    goals: tuple[float, ...]
    current_threshold: float
    current_goal: float

    def variant_name(self, threshold: float, goal: float) -> str:
        return f"{self.target}|{threshold:g}|{goal:g}"

    def is_current(self, threshold: float, goal: float) -> bool:
        same = math.isnan(threshold) or threshold == self.current_threshold
        return same and goal == self.current_goal

    def cells(self) -> list[tuple[float, float]]:
        return [(t, g) for t in self.thresholds for g in self.goals]


def target_grid(
    pack: RulePack, key: str, thresholds: Sequence[float] = (), goals: Sequence[float] = ()
) -> TargetGrid:
    """The grid of target ``key`` (a target id or a priority code) of ``pack``.

    Thresholds are seconds, goals fractions; the current level is added to each list.
    An unknown key is a ValidationError with a "did you mean" (from ``with_targets``).
    """
    pack.with_targets({key: {}})  # validates the key, suggesting a close one
    target = next(
        t for t in pack.targets if key in (t.id, getattr(t, "priority", None))
    )
    current = float(getattr(target, "threshold", math.nan))
    if math.isnan(current) and thresholds:
        raise CauError(
            f'target "{target.id}" has no threshold (only a goal): '
            "give it --goals and no --thresholds"
        )
    bad = [t for t in thresholds if not t > 0]
    if bad:
        raise CauError(f'thresholds of "{target.id}" must be positive, found {bad[0]:g} s')
    return TargetGrid(
        target=target.id,
        thresholds=_with(current, thresholds),
        goals=_with(target.goal, goals),
        current_threshold=current,
        current_goal=target.goal,
    )


def _with(current: float, values: Sequence[float]) -> tuple[float, ...]:
    if math.isnan(current):
        return (current,)
    return tuple(sorted({current, *map(float, values)}))


def grid_variants(pack: RulePack, grids: Sequence[TargetGrid]) -> tuple[Variant, ...]:
    """One variant of ``pack`` per cell of every grid (other targets left as they are)."""
    variants = []
    for grid in grids:
        for threshold, goal in grid.cells():
            change: dict[str, float] = {"goal": goal}
            if not math.isnan(threshold):
                change["threshold"] = threshold
            variants.append(
                Variant(
                    grid.variant_name(threshold, goal),
                    pack.with_targets({grid.target: change}),
                    (grid.target,),
                )
            )
    return tuple(variants)


def grid_forecast(variant_rows: pd.DataFrame, grids: Sequence[TargetGrid]) -> pd.DataFrame:
    """Aggregate per-replication variant rows (a ``replication`` column, one ``variant``
    per cell) into the grid: GRID_COLUMNS, by month, target, threshold and goal."""
    levels = {
        grid.variant_name(t, g): (t, g, grid.is_current(t, g))
        for grid in grids
        for t, g in grid.cells()
    }
    frame = compliance_forecast(variant_rows, keys=("variant", "month", "target"))
    for i, column in enumerate(("threshold", "goal", "current")):
        frame[column] = [levels[v][i] for v in frame["variant"]]
    order = {grid.target: i for i, grid in enumerate(grids)}
    frame["_order"] = frame["target"].map(order)
    frame = frame.sort_values(["month", "_order", "threshold", "goal"], ignore_index=True)
    return frame.loc[:, list(GRID_COLUMNS)]
