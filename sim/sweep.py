"""Sweeps: a scenario run over a grid of values of one or more of its settings.

``--vary PATH=VALUES`` names any value of the scenario the way ``--set`` does
(:mod:`sim.settings`) and the values it takes: a list (``8h,10h,12h``, ``80%,85%``), a
range of whole numbers (``1-6``) or a stepped range (``1.0-1.3/0.05``). Several ``--vary``
make a grid (every combination). Each point of the grid is the scenario with one
``--set`` per varied value, written exactly as ``cau simulate --set`` would be, so a point
is that simulation, seed for seed; every point runs on the same seed (common random
numbers: neighbouring points differ by the varied value, not by luck).

:func:`sweep_table` gathers the points' forecasts; :func:`crossing` finds where a curve
of compliance against one varied value crosses the goal.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pandas as pd

from rules.units import parse_duration, parse_percent

from .settings import Setting, parse_path, parse_value

MAX_POINTS = 10_000  # a grid beyond this is a typing mistake, not a sweep to run
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)(?:/(\d+(?:\.\d+)?))?$")
VARY_EXAMPLE = ("PATH=VALUES, such as level_one.staffing.shifts[09:30].headcount=1-6, "
                "demand.scale=1.0-1.3/0.1 or targets.P3.threshold=8h,10h,12h")


@dataclass(frozen=True)
class Vary:
    """One varied value: its path as written, and the values it takes (as written)."""

    path: str
    values: tuple[str, ...]

    def setting(self, value: str) -> Setting:
        """The ``--set`` of one of its values, as ``cau simulate --set`` reads it."""
        text = f"{self.path}={value}"
        return Setting(text, parse_path(self.path), parse_value(value, text))

    def axis(self) -> tuple[tuple[float, ...], bool]:
        """Where each value lies on a plot's axis, and whether that axis is numeric: the
        numbers, durations in hours or percentages as fractions; else the values' ranks."""
        for read in (_number, _hours, _fraction):
            try:
                return tuple(read(v) for v in self.values), True
            except ValueError:
                continue
        return tuple(float(k) for k in range(len(self.values))), False


def parse_vary(text: str) -> Vary:
    """``PATH=VALUES`` → :class:`Vary`; a ValueError says what is wrong."""
    path, equals, values = text.partition("=")
    if not equals or not path.strip() or not values.strip():
        raise ValueError(f'expected {VARY_EXAMPLE}, found "{text}"')
    parse_path(path.strip())
    listed: list[str] = []
    for part in values.split(","):
        part = part.strip()
        if not part:
            raise ValueError(f'"{text}": an empty value between commas')
        listed.extend(_expand(part, text))
    if len(set(listed)) < len(listed):
        raise ValueError(f'"{text}": a value is given twice')
    for value in listed:
        parse_value(value, text)
    return Vary(path.strip(), tuple(listed))


def _expand(part: str, text: str) -> list[str]:
    """``1-6`` → 1…6, ``1.0-1.3/0.1`` → 1.0, 1.1, 1.2, 1.3; anything else as it is."""
    match = _RANGE.match(part)
    if match is None:
        return [part]
    low, high, step = match.group(1), match.group(2), match.group(3)
    try:
        first, last = Decimal(low), Decimal(high)
        size = Decimal(step) if step else Decimal(1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return [part]
    whole = step is None and "." not in low + high
    if not whole and step is None:
        raise ValueError(f'"{text}": a range of decimals needs a step: {low}-{high}/0.1')
    if last < first or size <= 0:
        raise ValueError(f'"{text}": a range goes up from its first value, found "{part}"')
    count = int((last - first) / size) + 1
    if count > MAX_POINTS:
        raise ValueError(f'"{text}": {count} values in "{part}"; at most {MAX_POINTS}')
    return [str(first + k * size) for k in range(count)]


def grid(varies: Sequence[Vary]) -> list[tuple[str, ...]]:
    """Every combination of the varied values, the last varying fastest."""
    points = math.prod(len(v.values) for v in varies)
    if points > MAX_POINTS:
        raise ValueError(f"{points} points in the grid; at most {MAX_POINTS}")
    return list(itertools.product(*(v.values for v in varies)))


def point_settings(varies: Sequence[Vary], point: Sequence[str]) -> tuple[Setting, ...]:
    """The ``--set`` of each varied value of one point."""
    return tuple(v.setting(value) for v, value in zip(varies, point, strict=True))


def sweep_table(varies: Sequence[Vary], points: Sequence[Sequence[str]],
                compliance: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The points' compliance forecasts in one table: ``point`` (its index), a column per
    varied path holding the point's value as written, then the forecast's columns."""
    frames = []
    for index, (point, forecast) in enumerate(zip(points, compliance, strict=True)):
        values = {v.path: value for v, value in zip(varies, point, strict=True)}
        frames.append(forecast.assign(point=index, **values))
    table = pd.concat(frames, ignore_index=True)
    first = ["point", *(v.path for v in varies)]
    return table.loc[:, [*first, *(c for c in table.columns if c not in first)]]


@dataclass(frozen=True)
class Crossing:
    """Where compliance against a varied value meets the goal: the first and last values
    whose mean compliance meets it (None when none does), and where the curve first
    crosses the goal line (``at``, on the axis of :meth:`Vary.axis`, by straight lines
    between neighbouring points; None when it never crosses)."""

    first: str | None
    last: str | None
    at: float | None


def crossing(values: Sequence[str], positions: Sequence[float], compliance: Sequence[float],
             goal: float) -> Crossing:
    """The crossing of a curve taken in the order of the values; points without a
    compliance (NaN: nothing counted) are skipped."""
    known = [(v, x, c) for v, x, c in zip(values, positions, compliance, strict=True)
             if math.isfinite(c)]
    meeting = [v for v, _, c in known if c >= goal]
    at = None
    for (_, x0, c0), (_, x1, c1) in itertools.pairwise(known):
        if (c0 >= goal) != (c1 >= goal):
            at = x0 + (goal - c0) / (c1 - c0) * (x1 - x0)
            break
    return Crossing(meeting[0] if meeting else None, meeting[-1] if meeting else None, at)


def _number(text: str) -> float:
    value = parse_value(text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(text)
    return float(value)


def _hours(text: str) -> float:
    return parse_duration(text) / 3600


def _fraction(text: str) -> float:
    if not text.strip().endswith("%"):
        raise ValueError(text)
    return parse_percent(text)
