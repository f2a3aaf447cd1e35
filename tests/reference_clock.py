"""A plain per-ticket reference for the SLA clock: walks day by day in local time.

Deliberately naive (no table, no numpy): for each local date it asks the calendar
whether it is a business day and turns each window into UTC with zoneinfo. The tests
check the vectorised :class:`rules.clock.SlaClock` against it, and
``benchmarks/bench_clock.py`` times it as the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from rules.calendar import BusinessCalendar


def _day_windows(calendar: BusinessCalendar, day: date) -> Iterator[tuple[float, float]]:
    """The UTC open intervals of one local date."""
    if calendar.windows is None or not calendar.is_business_day(day):
        return
    midnight = datetime.combine(day, time.min, tzinfo=calendar.tzinfo)
    for start, end in calendar.windows[day.weekday()]:
        yield (
            (midnight + timedelta(seconds=start)).timestamp(),
            (midnight + timedelta(seconds=end)).timestamp(),
        )


def _local_date(calendar: BusinessCalendar, t: float) -> date:
    return datetime.fromtimestamp(t, calendar.tzinfo).date()


def business_seconds(calendar: BusinessCalendar, start: float, end: float) -> float:
    """Business seconds in [start, end), summed day by day."""
    if calendar.always_open:
        return end - start
    total = 0.0
    day = _local_date(calendar, start)
    last = _local_date(calendar, end)
    while day <= last:
        for opens, closes in _day_windows(calendar, day):
            total += max(0.0, min(closes, end) - max(opens, start))
        day += timedelta(days=1)
    return total


def elapsed(
    calendar: BusinessCalendar,
    opened: float,
    resolved: float,
    pauses: list[tuple[float, float]],
) -> float:
    """Business seconds of one ticket minus its pauses (NaN end: until resolved),
    the pauses clipped to the ticket's life and merged first."""
    clipped = []
    for begin, finish in pauses:
        finish = resolved if math.isnan(finish) else finish
        begin, finish = min(max(begin, opened), resolved), min(max(finish, opened), resolved)
        clipped.append((begin, finish))
    merged: list[list[float]] = []
    for begin, finish in sorted(clipped):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    paused = sum(business_seconds(calendar, b, f) for b, f in merged)
    return business_seconds(calendar, opened, resolved) - paused


def deadline(calendar: BusinessCalendar, start: float, seconds: float) -> float:
    """The earliest instant by which ``seconds`` of business time have elapsed."""
    if calendar.always_open or seconds == 0:
        return start + seconds
    left = seconds
    day = _local_date(calendar, start)
    while True:
        for opens, closes in _day_windows(calendar, day):
            begin = max(opens, start)
            if closes <= begin:
                continue
            if closes - begin >= left:
                return begin + left
            left -= closes - begin
        day += timedelta(days=1)
