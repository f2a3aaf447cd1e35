"""Weekly arrival profiles as scenario files write them → :class:`WeeklyProfile`.

Two forms, both relative weights per half-hour of the local week (only the shape matters:
a month's volume is spread over its open half-hours in proportion to them):

* one intraday shape for every day, times a weight per weekday::

      days: {lun: 1.15, mar: 1.05, mer: 1.0, jeu: 0.95, ven: 0.85}
      hours: {"07:30": 0.55, "08:30": 1.2, "12:00": 0.65, "17:00": 0}

* a shape per weekday (or per range of weekdays), when Friday is not Monday::

      hours:
        lun: {"07:30": 0.9, "09:00": 1.6, "17:00": 0}
        mar-jeu: {"07:30": 0.6, "09:00": 1.3, "17:00": 0}
        ven: {"07:30": 0.5, "09:00": 1.1, "15:00": 0.6, "17:00": 0}

  Without ``days`` the rows' weights compare across the whole week (a calibrated
  weekday × half-hour table is written this way); with ``days`` each row is a shape
  (scaled to sum 1 over its day) and ``days`` gives each day's relative volume.

A shape lists "HH:MM" half-hours, each weight held until the next listed time, 0 before
the first. A weekday without a row (or with no weight in ``days``) receives nothing.
"""

from __future__ import annotations

import re

from rules.document import Node, did_you_mean
from rules.schema import Key, Section

from .scenario import WeeklyProfile
from .weekdays import WEEKDAYS, parse_days

SLOTS_PER_DAY = 48
_CLOCK = re.compile(r"^([01]\d|2[0-3]):(00|30)$")
_SECTION = Section(Key("days", lambda n: n, default=None), Key("hours", lambda n: n))


def parse_profile(name: str, node: Node) -> WeeklyProfile | None:
    """The profile written at ``node``, or None after recording its problems."""
    values = _SECTION.read(node)
    if values is None:
        return None
    days_node, hours = values["days"], values["hours"]
    if isinstance(hours.value, dict) and hours.value and not any(
        _CLOCK.match(str(k)) for k in hours.value
    ):
        return _per_weekday(name, node, hours, days_node)
    if days_node is None:
        node.report('a key "days" (a weight per weekday) beside one shape for every day',
                    "none", 'Or give "hours" one row per weekday, such as {mon-fri: {…}}.')
        return None
    day_weights, shape = _day_weights(days_node), _shape(hours)
    if day_weights is None or shape is None:
        return None
    if not any(day_weights) or not any(shape):
        node.report("some half-hour with a weight above zero", "all zero")
        return None
    return WeeklyProfile(name, tuple(d * h for d in day_weights for h in shape))


def _per_weekday(name: str, node: Node, hours: Node, days_node: Node | None
                 ) -> WeeklyProfile | None:
    rows: list[list[float] | None] = [None] * 7
    ok = True
    for key, line in hours.items():
        days = parse_days(Node(line.doc, line.path, key), key)
        shape = _shape(line)
        if days is None or shape is None:
            ok = False
            continue
        repeated = sorted(d for d in days if rows[d] is not None)
        if repeated:
            line.doc.report(line.path, "each weekday in one row only",
                           f'"{key}" repeats {", ".join(_name(d) for d in repeated)}',
                           at_key=True)
            ok = False
        for d in days:
            rows[d] = shape
    day_weights = _day_weights(days_node) if days_node is not None else None
    if not ok or (days_node is not None and day_weights is None):
        return None
    if days_node is not None and day_weights is not None:
        for d in range(7):
            row_of_day = rows[d]
            if day_weights[d] > 0 and (row_of_day is None or not any(row_of_day)):
                days_node.report(f"a row of hours for every day weighted in days: none for "
                                 f"{_name(d)}", f"{_name(d)}: {day_weights[d]:g}")
                return None
            if row_of_day is not None and any(row_of_day) and day_weights[d] == 0:
                days_node.report(f"a weight for {_name(d)}, which has a row of hours",
                                 "none")
                return None
    weights: list[float] = []
    for d, row in enumerate(rows):
        day = row if row is not None else [0.0] * SLOTS_PER_DAY
        scale = 1.0
        if day_weights is not None:  # each row a shape, the day's weight its volume
            scale = day_weights[d] / sum(day) if any(day) else 0.0
        weights.extend(h * scale for h in day)
    if not any(weights):
        node.report("some half-hour with a weight above zero", "all zero")
        return None
    return WeeklyProfile(name, tuple(weights))


def _name(day: int) -> str:
    return next(k for k, v in WEEKDAYS.items() if v == day)


def _day_weights(node: Node) -> list[float] | None:
    """``{lun: 1.15, mar: 1.05, …}``: a weight per weekday (0 for one not listed)."""
    if not isinstance(node.value, dict) or not node.value:
        node.report("a weight per weekday such as {mon: 1.1, tue: 1.0}")
        return None
    weights = [0.0] * 7
    ok = True
    for key, child in node.items():
        if key not in WEEKDAYS:
            child.doc.report(child.path, "a weekday (mon…sun or lun…dim)", f'"{key}"',
                             did_you_mean(str(key), WEEKDAYS), at_key=True)
            ok = False
            continue
        weight = child.number(low=0.0)
        if weight is None:
            ok = False
        else:
            weights[WEEKDAYS[key]] = weight
    return weights if ok else None


def _shape(node: Node) -> list[float] | None:
    """``{"07:30": 0.55, …, "17:00": 0}``: the 48 half-hours of a day."""
    if not isinstance(node.value, dict) or not node.value:
        node.report('half-hours with weights such as {"07:30": 0.5, "09:00": 1.2, '
                    '"17:00": 0}')
        return None
    steps: list[tuple[int, float]] = []
    ok = True
    for key, child in node.items():
        match = _CLOCK.match(str(key))
        if not match:
            child.doc.report(child.path, 'a half-hour such as "07:30" (quoted)', repr(key),
                             at_key=True)
            ok = False
            continue
        weight = child.number(low=0.0)
        if weight is None:
            ok = False
            continue
        steps.append((int(match.group(1)) * 2 + (match.group(2) == "30"), weight))
    if not ok:
        return None
    day = [0.0] * SLOTS_PER_DAY
    ordered = sorted(steps)
    for (slot, weight), (end, _) in zip(ordered, [*ordered[1:], (SLOTS_PER_DAY, 0.0)],
                                        strict=True):
        day[slot:end] = [weight] * (end - slot)
    return day
