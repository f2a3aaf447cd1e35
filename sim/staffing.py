"""Who is on duty when: shifts of the local week turned into agents on duty over UTC time.

A :class:`Shift` is local wall-clock time (08:00 is 08:00 on both sides of a DST change);
:meth:`Staffing.steps` lays the shifts day by day over a horizon and converts each
instant to UTC, giving :class:`StaffingSteps`, the step function the contact centre model
follows, and its per-half-hour table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from rules.document import Node
from rules.errors import DataError

from .weekdays import DAY_NAMES, parse_days

DAY = 86400
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
CLOCK_EXAMPLE = 'a clock time in quotes such as "07:30" (unquoted, YAML reads 07:30 as a number)'


@dataclass(frozen=True)
class Shift:
    """``headcount`` agents on duty on ``days`` (0 = Monday) from ``start`` to ``end``,
    seconds from local midnight (``end`` beyond 24 h for a shift past midnight), off
    during each ``(start, end)`` of ``breaks``; an optional ``name``."""

    days: frozenset[int]
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...] = ()
    headcount: int = 1
    name: str = ""  # how files and --set address it ("09:30"); "" when unnamed

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(7)):
            raise DataError(f"shift days: expected weekdays 0 (Monday) … 6, found {set(self.days)}")
        if not 0 <= self.start < self.end <= self.start + DAY:
            raise DataError(
                f"shift: expected 0 ≤ start < end ≤ start + 24 h, found {self.start}–{self.end}"
            )
        for low, high in self.breaks:
            if not self.start <= low < high <= self.end:
                raise DataError(f"shift break {low}–{high}: expected inside the shift")
        if self.headcount < 0:
            raise DataError(f"shift headcount: expected at least 0, found {self.headcount}")

    def on_duty(self) -> list[tuple[int, int]]:
        """The stretches worked on one day: the shift minus its breaks."""
        stretches, at = [], self.start
        for low, high in sorted(self.breaks):
            stretches.append((at, low))
            at = high
        stretches.append((at, self.end))
        return [(a, b) for a, b in stretches if b > a]


@dataclass(frozen=True)
class StaffingSteps:
    """Agents on duty as a step function of UTC time: ``agents[k]`` from ``times[k]`` to
    ``times[k+1]`` (the last to the end of the horizon)."""

    times: np.ndarray
    agents: np.ndarray

    @classmethod
    def constant(cls, agents: int, start: float = 0.0) -> StaffingSteps:
        return cls(np.array([float(start)]), np.array([int(agents)]))

    def at(self, t: np.ndarray) -> np.ndarray:
        """Agents on duty at each instant (0 before the first step)."""
        k = np.searchsorted(self.times, np.asarray(t, dtype=float), side="right") - 1
        return np.where(k >= 0, self.agents[np.maximum(k, 0)], 0)

    def half_hourly(self, start: float, end: float, step: float = 1800.0) -> np.ndarray:
        """Time-averaged agents on duty in each bin of ``step`` seconds from ``start``
        (bin ``k`` starts at ``start + k * step``; the last may end after ``end``)."""
        edges = start + step * np.arange(math.ceil((end - start) / step) + 1)
        cuts = np.sort(np.concatenate((edges, self.times[(self.times > start)
                                                         & (self.times < end)])))
        cuts = cuts[np.diff(cuts, prepend=-np.inf) > 0]  # np.union1d, without numpy.ma
        level = self.at(cuts[:-1]) * np.diff(cuts)
        area = np.concatenate(([0.0], np.cumsum(level)))
        at_edges = np.interp(edges, cuts, area)
        averaged: np.ndarray = np.diff(at_edges) / step
        return averaged


@dataclass(frozen=True)
class Staffing:
    """The level-1 shifts of a typical week."""

    shifts: tuple[Shift, ...]

    def steps(
        self,
        start: float,
        end: float,
        zone: str = "America/Montreal",
        working_day: Callable[[date], bool] | None = None,
    ) -> StaffingSteps:
        """Agents on duty from ``start`` to ``end`` (UTC epoch seconds); days for which
        ``working_day`` (e.g. ``BusinessCalendar.is_business_day``) is false have nobody."""
        tz = ZoneInfo(zone)
        first = datetime.fromtimestamp(start, tz).date() - timedelta(days=1)  # overnight shifts
        last = datetime.fromtimestamp(end, tz).date()
        instants: list[float] = [start]
        changes: list[int] = [0]
        day = first
        while day <= last:
            if working_day is None or working_day(day):
                midnight = datetime.combine(day, time())
                for offset, change in self._changes(day.weekday()):
                    local = (midnight + timedelta(seconds=offset)).replace(tzinfo=tz)
                    instants.append(local.astimezone(UTC).timestamp())
                    changes.append(change)
            day += timedelta(days=1)
        times = np.asarray(instants)
        order = np.argsort(times, kind="stable")
        times, level = times[order], np.cumsum(np.asarray(changes)[order])
        last_of_each = np.r_[times[1:] != times[:-1], True]  # the level after all changes at t
        times, level = times[last_of_each], level[last_of_each]
        before = times <= start
        keep = (times > start) & (times < end)
        start_level = level[before][-1]
        return StaffingSteps(np.r_[start, times[keep]], np.r_[start_level, level[keep]])

    def _changes(self, weekday: int) -> Iterator[tuple[int, int]]:
        """(local seconds from midnight, change in agents on duty) of the shifts that work
        on ``weekday``: each stretch on duty adds its headcount, then takes it away."""
        for shift in self.shifts:
            if weekday in shift.days:
                for low, high in shift.on_duty():
                    yield low, shift.headcount
                    yield high, -shift.headcount


# -- declarative form ----------------------------------------------------------------------
def _clock(node: Node) -> int | None:
    match = _CLOCK.match(node.value) if isinstance(node.value, str) else None
    if not match or int(match.group(1)) > 48 or int(match.group(2)) > 59:
        node.report(CLOCK_EXAMPLE)
        return None
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def _shift(node: Node) -> Shift | None:
    if not node.mapping(required=("days", "start", "end", "headcount"),
                        optional=("breaks", "name")):
        return None
    name = node["name"].str() if node.has("name") else ""
    days, start, end = parse_days(node["days"]), _clock(node["start"]), _clock(node["end"])
    headcount = node["headcount"].number(low=0, integer=True)
    breaks: list[tuple[int, int] | None] = []
    for item in node.get("breaks", []).list(allow_empty=True):
        low, _, high = str(item.value).partition("-")
        a = _clock(Node(item.doc, item.path, low.strip()))
        b = _clock(Node(item.doc, item.path, high.strip())) if a is not None else None
        breaks.append((a, b) if a is not None and b is not None else None)
    if (days is None or start is None or end is None or headcount is None or None in breaks
            or name is None):
        return None
    if end <= start:
        end += DAY  # a shift past midnight, "22:00" to "06:00"
    try:
        return Shift(days, start, end, tuple(b for b in breaks if b is not None), int(headcount),
                     str(name))
    except DataError as exc:
        node.report("a shift with its breaks inside it", str(exc))
        return None


def _table(node: Node) -> list[Shift | None]:
    """A staffing table: per weekday(s), agents on duty from each listed half-hour until
    the next one (0 before the first, the last held until midnight); each stretch of
    constant headcount becomes a shift, so both forms give the same agents on duty."""
    if not isinstance(node.value, dict) or not node.value:
        node.report('rows such as {mon-fri: {"07:30": 4, "08:00": 9, "17:00": 0}}')
        return [None]
    shifts: list[Shift | None] = []
    seen: set[int] = set()
    for key, row in node.items():
        days = parse_days(row, key)
        if days is not None and days & seen:
            row.report("each weekday in one row only", f'"{key}" repeats '
                       + ", ".join(DAY_NAMES[d] for d in sorted(days & seen)))
            days = None
        seen |= days or set()
        if not isinstance(row.value, dict) or not row.value:
            row.report('half-hours with agents on duty such as {"07:30": 4, "17:00": 0}')
            shifts.append(None)
            continue
        steps: list[tuple[int, int]] = []
        for at, cell in row.items():
            clock = _clock(Node(cell.doc, cell.path, at))
            count = cell.number(low=0, integer=True)
            if clock is not None and (clock % 1800 or clock >= DAY):
                cell.report('a half-hour of the day such as "07:30"', f'"{at}"')
                clock = None
            if clock is None or count is None:
                shifts.append(None)
            else:
                steps.append((clock, int(count)))
        steps.sort()
        if days is None:
            shifts.append(None)
            continue
        ends = [at for at, _ in steps[1:]] + [DAY]
        shifts.extend(Shift(days, at, end, headcount=count)
                      for (at, count), end in zip(steps, ends, strict=True) if count)
    if not shifts:
        node.report("some half-hour with agents on duty", "none in any row")
        return [None]
    return shifts


def parse_staffing(node: Node) -> Staffing | None:
    """Staffing from ``{shifts: [{days: mon-fri, start: "07:30", end: "16:00",
    breaks: ["12:00-12:30"], headcount: 6, name: "07:30"}, …]}`` (a name is optional and
    addresses the shift in overlays and ``--set``) or from a per-half-hour table
    ``{table: {mon-fri: {"07:30": 4, "08:00": 9, …, "17:00": 0}}}``, or None after
    recording problems."""
    if not node.mapping(optional=("shifts", "table")):
        return None
    forms = [form for form in ("shifts", "table") if node.has(form)]
    if len(forms) != 1:
        node.report('exactly one of "shifts" or "table"', " and ".join(forms) or "neither")
        return None
    shifts = ([_shift(item) for item in node["shifts"].list()] if forms == ["shifts"]
              else _table(node["table"]))
    named = [s.name for s in shifts if s is not None and s.name]
    for twice in sorted({n for n in named if named.count(n) > 1}):
        node["shifts"].report("each shift's name once", f'"{twice}" twice')
        return None
    if not shifts or None in shifts:
        return None
    return Staffing(tuple(s for s in shifts if s is not None))
