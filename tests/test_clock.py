"""The SLA clock: golden cases reviewed as data, properties, and the reference loop."""

from __future__ import annotations

import itertools
import math
import random
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import reference_clock as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import BusinessCalendar, HolidayRules
from rules.clock import InvalidRowsError, SlaClock, _GridSearch
from rules.errors import DataError
from rules.units import parse_duration

MONTREAL = ZoneInfo("America/Montreal")
HOUR = 3600

CALENDARS = {
    # P3–P5: 08:30–16:30 on business days (Quebec public service holidays).
    "08:30-16:30": BusinessCalendar(
        "P3-P5",
        windows={d: [(8 * HOUR + 1800, 16 * HOUR + 1800)] for d in range(5)},
        holidays=HolidayRules.quebec_public_service(),
    ),
    # P1–P2: real elapsed time.
    "24/7": BusinessCalendar("P1-P2"),
    # Open all day every day: its days are 23 h and 25 h long on DST Sundays.
    "all-day": BusinessCalendar("jour", windows={d: [(0, 24 * HOUR)] for d in range(7)}),
    # Sundays 01:00–04:00, a window that the DST changes cut or stretch.
    "night": BusinessCalendar("nuit", windows={6: [(1 * HOUR, 4 * HOUR)]}),
    # Two windows a day with a lunch break, and the holidays.
    "split": BusinessCalendar(
        "coupé",
        windows={d: [(7 * HOUR + 1800, 12 * HOUR), (13 * HOUR, 17 * HOUR)] for d in range(5)},
        holidays=HolidayRules.quebec_public_service(),
    ),
}
CLOCKS = {name: SlaClock(calendar) for name, calendar in CALENDARS.items()}


def local(text: str) -> float:
    """Epoch seconds of a local Montreal wall-clock time ("2025-02-07 16:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL).timestamp()


def local_text(t: float) -> str:
    return datetime.fromtimestamp(t, MONTREAL).strftime("%Y-%m-%d %H:%M")


# --- golden cases, reviewed as data -----------------------------------------------------


def rows(table: str) -> list[list[str]]:
    """The cells of a table written as text, one row a line, cells between bars."""
    lines = table.strip().splitlines()[1:]  # the first line is the header
    return [[cell.strip() for cell in line.split("|")] for line in lines]


BUSINESS_TIME = """
case                             | calendar    | opened (local)   | resolved (local) | business
Friday 16:00 → Monday 09:00      | 08:30-16:30 | 2025-02-07 16:00 | 2025-02-10 09:00 | 1h
opened on a Saturday             | 08:30-16:30 | 2025-02-08 10:00 | 2025-02-10 10:00 | 1h 30min
all within a weekend             | 08:30-16:30 | 2025-02-08 10:00 | 2025-02-09 18:00 | 0s
zero length                      | 08:30-16:30 | 2025-02-10 10:00 | 2025-02-10 10:00 | 0s
one whole day                    | 08:30-16:30 | 2025-02-10 00:00 | 2025-02-11 00:00 | 8h
Fête nationale (Tue 24 June)     | 08:30-16:30 | 2025-06-23 16:00 | 2025-06-25 09:00 | 1h
Fête du Canada (Tue 1 July)      | 08:30-16:30 | 2025-06-30 16:00 | 2025-07-02 09:00 | 1h
Patriots' Day (Mon 19 May)       | 08:30-16:30 | 2025-05-16 16:00 | 2025-05-20 09:00 | 1h
Good Friday to Easter Monday     | 08:30-16:30 | 2025-04-17 16:00 | 2025-04-22 09:00 | 1h
Christmas to New Year            | 08:30-16:30 | 2025-12-23 16:00 | 2026-01-05 09:00 | 17h
March DST weekend                | 08:30-16:30 | 2025-03-07 16:00 | 2025-03-10 09:00 | 1h
March DST weekend, whole days    | 08:30-16:30 | 2025-03-07 08:30 | 2025-03-10 16:30 | 16h
March DST weekend, 24/7          | 24/7        | 2025-03-08 12:00 | 2025-03-09 12:00 | 23h
November DST weekend             | 08:30-16:30 | 2025-10-31 16:00 | 2025-11-03 09:00 | 1h
November DST weekend, 24/7       | 24/7        | 2025-11-01 12:00 | 2025-11-02 12:00 | 25h
spring-forward day, open all day | all-day     | 2025-03-09 00:00 | 2025-03-10 00:00 | 23h
fall-back day, open all day      | all-day     | 2025-11-02 00:00 | 2025-11-03 00:00 | 25h
01:00–04:00 on spring-forward    | night       | 2025-03-09 00:00 | 2025-03-10 00:00 | 2h
01:00–04:00 on fall-back         | night       | 2025-11-02 00:00 | 2025-11-03 00:00 | 4h
lunch break left out             | split       | 2025-02-10 11:00 | 2025-02-10 14:00 | 2h
"""

DEADLINES = """
case                             | calendar    | start (local)    | business | deadline (local)
P3 from Friday 15:00             | 08:30-16:30 | 2025-02-07 15:00 | 10h      | 2025-02-11 09:00
8h from Saturday: Monday close   | 08:30-16:30 | 2025-02-08 10:00 | 8h       | 2025-02-10 16:30
8h from Monday 08:30: 16:30      | 08:30-16:30 | 2025-02-10 08:30 | 8h       | 2025-02-10 16:30
zero from Saturday: the start    | 08:30-16:30 | 2025-02-08 10:00 | 0s       | 2025-02-08 10:00
across Fête nationale            | 08:30-16:30 | 2025-06-23 10:00 | 10h      | 2025-06-25 12:00
P4 over Good Friday, Easter Mon. | 08:30-16:30 | 2025-04-17 09:00 | 16h      | 2025-04-23 09:00
P5 over Christmas and New Year   | 08:30-16:30 | 2025-12-22 08:30 | 40h      | 2026-01-05 16:30
1h from Friday 16:00, March DST  | 08:30-16:30 | 2025-03-07 16:00 | 1h       | 2025-03-10 09:00
P1 across spring-forward         | 24/7        | 2025-03-09 01:00 | 3h       | 2025-03-09 05:00
24h across fall-back             | 24/7        | 2025-11-01 12:00 | 24h      | 2025-11-02 11:00
from the lunch break             | split       | 2025-02-10 12:30 | 5h       | 2025-02-11 08:30
"""

# A "ticket" line, then its "pause" lines ("unfinished": still paused when resolved).
ELAPSED_WITH_PAUSES = """
line   | case                          | from (local)     | to (local)       | elapsed
ticket | pause across a weekend        | 2025-02-07 14:00 | 2025-02-11 12:00 | 12h
pause  |                               | 2025-02-07 16:00 | 2025-02-10 10:00 |
ticket | pause starting before opening | 2025-02-10 10:00 | 2025-02-10 14:00 | 3h
pause  |                               | 2025-02-10 09:00 | 2025-02-10 11:00 |
ticket | resolved while paused         | 2025-02-10 10:00 | 2025-02-10 15:00 | 3h
pause  |                               | 2025-02-10 13:00 | unfinished       |
ticket | overlapping pauses            | 2025-02-10 09:00 | 2025-02-10 16:00 | 4h
pause  |                               | 2025-02-10 10:00 | 2025-02-10 12:00 |
pause  |                               | 2025-02-10 11:00 | 2025-02-10 13:00 |
pause  |                               | 2025-02-10 11:30 | 2025-02-10 11:45 |
ticket | adjacent pauses, out of order | 2025-02-10 09:00 | 2025-02-10 16:00 | 5h
pause  |                               | 2025-02-10 11:00 | 2025-02-10 12:00 |
pause  |                               | 2025-02-10 10:00 | 2025-02-10 11:00 |
ticket | pause after resolution        | 2025-02-10 09:00 | 2025-02-10 12:00 | 3h
pause  |                               | 2025-02-10 13:00 | 2025-02-10 14:00 |
ticket | pause over a holiday          | 2025-06-23 09:00 | 2025-06-25 12:00 | 10h
pause  |                               | 2025-06-23 16:00 | 2025-06-25 09:00 |
ticket | no pause                      | 2025-02-10 09:00 | 2025-02-10 12:00 | 3h
ticket | zero length, paused           | 2025-02-10 09:00 | 2025-02-10 09:00 | 0s
pause  |                               | 2025-02-10 08:00 | unfinished       |
"""


@pytest.mark.parametrize(
    ("case", "calendar", "opened", "resolved", "expected"), rows(BUSINESS_TIME)
)
def test_business_time_golden(
    case: str, calendar: str, opened: str, resolved: str, expected: str
) -> None:
    got = CLOCKS[calendar].business_seconds(local(opened), local(resolved))
    assert list(got) == [parse_duration(expected)], case


@pytest.mark.parametrize(("case", "calendar", "start", "business", "expected"), rows(DEADLINES))
def test_deadline_golden(
    case: str, calendar: str, start: str, business: str, expected: str
) -> None:
    got = CLOCKS[calendar].deadline(local(start), parse_duration(business))
    assert [local_text(t) for t in got] == [expected], case
    back = CLOCKS[calendar].business_seconds(local(start), got)
    assert list(back) == [parse_duration(business)]


class Tickets(NamedTuple):
    """Tickets and their stops as the clock takes them, with the expected elapsed time."""

    cases: list[str]
    opened: np.ndarray
    resolved: np.ndarray
    ticket: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    expected: np.ndarray


def tickets_of(table: list[list[str]]) -> Tickets:
    cases, opened, resolved, expected = [], [], [], []
    stops: list[tuple[int, float, float]] = []
    for kind, case, start, end, elapsed in table:
        if kind == "ticket":
            cases.append(case)
            opened.append(local(start))
            resolved.append(local(end))
            expected.append(parse_duration(elapsed))
        else:
            stops.append(
                (len(cases) - 1, local(start), math.nan if end == "unfinished" else local(end))
            )
    stops.reverse()  # the clock must not need stops grouped or sorted
    return Tickets(
        cases,
        np.array(opened),
        np.array(resolved),
        np.array([s[0] for s in stops], dtype=np.int64),
        np.array([s[1] for s in stops]),
        np.array([s[2] for s in stops]),
        np.array(expected),
    )


def one_ticket_each(table: list[list[str]]) -> list[list[list[str]]]:
    starts = [i for i, row in enumerate(table) if row[0] == "ticket"] + [len(table)]
    return [table[a:b] for a, b in itertools.pairwise(starts)]


@pytest.mark.parametrize(
    "table",
    one_ticket_each(rows(ELAPSED_WITH_PAUSES)),
    ids=[t[0][1] for t in one_ticket_each(rows(ELAPSED_WITH_PAUSES))],
)
def test_elapsed_with_pauses_golden(table: list[list[str]]) -> None:
    t = tickets_of(table)
    got = CLOCKS["08:30-16:30"].elapsed(t.opened, t.resolved, t.ticket, t.begin, t.end)
    assert list(got) == list(t.expected)


def test_elapsed_golden_all_tickets_at_once() -> None:
    t = tickets_of(rows(ELAPSED_WITH_PAUSES))
    got = CLOCKS["08:30-16:30"].elapsed(t.opened, t.resolved, t.ticket, t.begin, t.end)
    assert dict(zip(t.cases, got, strict=True)) == dict(zip(t.cases, t.expected, strict=True))


# --- bad input is an error naming the rows, never a zero --------------------------------


def test_end_before_start_names_the_rows() -> None:
    clock = CLOCKS["08:30-16:30"]
    start = np.array([local("2025-02-10 10:00")] * 4)
    end = start + np.array([60.0, -1.0, 0.0, -3600.0])
    with pytest.raises(InvalidRowsError, match=r"end before start in rows 1, 3$") as caught:
        clock.business_seconds(start, end)
    assert list(caught.value.rows) == [1, 3]
    assert isinstance(caught.value, DataError)
    with pytest.raises(DataError, match="rows 1, 3"):
        clock.elapsed(start, end)


def test_bad_stops_name_the_stop_rows() -> None:
    clock = CLOCKS["24/7"]
    opened, resolved = np.array([0.0, 0.0]), np.array([100.0, 100.0])
    with pytest.raises(DataError, match=r"stop end before stop start in stop 1$"):
        clock.elapsed(opened, resolved, np.array([0, 1]), np.array([10.0, 50.0]), [20.0, 40.0])
    with pytest.raises(DataError, match="ticket index out of range in stop 0"):
        clock.elapsed(opened, resolved, np.array([2]), np.array([10.0]), [20.0])
    with pytest.raises(DataError, match="integer row indices"):
        clock.elapsed(opened, resolved, np.array([0.5]), np.array([10.0]), [20.0])
    with pytest.raises(DataError, match="differ in length"):
        clock.elapsed(opened, resolved, np.array([0]), np.array([10.0, 11.0]), [20.0])


def test_missing_instants_and_negative_durations_are_errors() -> None:
    clock = CLOCKS["08:30-16:30"]
    with pytest.raises(DataError, match="missing instant"):
        clock.business_seconds([0.0, math.nan], [1.0, 2.0])
    with pytest.raises(DataError, match="negative or missing in row 0"):
        clock.deadline([local("2025-02-10 10:00")], [-1.0])


def test_deadline_far_in_the_future_extends_the_table() -> None:
    clock = SlaClock(CALENDARS["08:30-16:30"])
    start = local("2025-02-10 08:30")
    assert list(clock.business_seconds(start, start + 3600)) == [3600]
    # 250 business days of 8 h: well past the table's first year.
    far = clock.deadline(start, 250 * 8 * HOUR)[0]
    assert local_text(far) > "2026-01-01"
    assert list(clock.business_seconds(start, far)) == [250 * 8 * HOUR]
    assert far == reference.deadline(CALENDARS["08:30-16:30"], start, 250 * 8 * HOUR)


def test_empty_inputs() -> None:
    clock = CLOCKS["08:30-16:30"]
    assert clock.business_seconds([], []).shape == (0,)
    assert clock.elapsed([], []).shape == (0,)
    assert clock.deadline([], []).shape == (0,)


# --- properties ------------------------------------------------------------------------

LOW, HIGH = int(local("2024-01-01 00:00")), int(local("2027-12-31 00:00"))
instants = st.integers(LOW, HIGH)
calendars = st.sampled_from(sorted(CALENDARS))


@settings(deadline=None)  # the machine is shared: time is no property here
@given(calendars, instants, instants, instants)
def test_additive_over_adjacent_intervals(name: str, a: int, b: int, c: int) -> None:
    a, b, c = sorted((a, b, c))
    clock = CLOCKS[name]
    ab, bc, ac = (clock.business_seconds(x, y)[0] for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac


@settings(deadline=None)  # the machine is shared: time is no property here
@given(calendars, instants, instants, instants)
def test_monotone_and_bounded(name: str, a: int, b: int, c: int) -> None:
    a, b, c = sorted((a, b, c))
    clock = CLOCKS[name]
    ab, ac = clock.business_seconds([a, a], [b, c])
    assert 0 <= ab <= ac and ab <= b - a


@settings(deadline=None)  # the machine is shared: time is no property here
@given(calendars, instants, st.floats(0, 1), st.floats(0, 1))
def test_zero_outside_open_hours_and_full_inside(name: str, t: int, u: float, v: float) -> None:
    calendar = CALENDARS[name]
    starts, ends = calendar.open_intervals(t - 40 * 86400, t + 40 * 86400)
    inside = calendar.is_open(np.array([float(t)]))[0]
    k = np.searchsorted(starts, t, side="right") - 1
    # The closed gap or the open interval that holds t.
    low, high = (starts[k], ends[k]) if inside else (ends[k], starts[k + 1])
    a, b = sorted((low + u * (high - low), low + v * (high - low)))
    assert CLOCKS[name].business_seconds(a, b)[0] == pytest.approx(b - a if inside else 0.0)


@settings(deadline=None)  # the machine is shared: time is no property here
@given(calendars, instants, st.integers(0, 60 * 86400))
def test_deadline_round_trip_and_earliest(name: str, start: int, seconds: int) -> None:
    clock = CLOCKS[name]
    due = clock.deadline(start, seconds)[0]
    assert clock.business_seconds(start, due)[0] == seconds
    if seconds > 0:
        assert clock.business_seconds(start, due - 1)[0] < seconds
    assert due == reference.deadline(CALENDARS[name], start, seconds)


pauses = st.tuples(st.integers(-3 * 86400, 25 * 86400), st.none() | st.integers(0, 5 * 86400))
tickets = st.tuples(instants, st.integers(0, 20 * 86400), st.lists(pauses, max_size=4))


@settings(max_examples=60, deadline=None)
@given(calendars, st.lists(tickets, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_vectorised_equals_reference_loop(name: str, rows: list, rng: random.Random) -> None:
    calendar, clock = CALENDARS[name], CLOCKS[name]
    opened = np.array([float(o) for o, _, _ in rows])
    resolved = opened + [float(d) for _, d, _ in rows]
    stops = [(i, o + s, math.nan if n is None else o + s + n) for i, (o, _, p) in enumerate(rows)
             for s, n in p]  # fmt: skip
    expected = [
        reference.elapsed(calendar, opened[i], resolved[i], [(b, e) for j, b, e in stops if j == i])
        for i in range(len(rows))
    ]
    # Stops grouped by ticket (as an event log gives them), then in any order.
    for order in (stops, rng.sample(stops, len(stops))):
        ticket = np.array([s[0] for s in order], dtype=np.int64)
        begin = np.array([s[1] for s in order], dtype=float)
        end = np.array([s[2] for s in order], dtype=float)
        assert list(clock.elapsed(opened, resolved, ticket, begin, end)) == expected
    durations = resolved - opened
    assert list(clock.deadline(opened, durations)) == [
        reference.deadline(calendar, o, d) for o, d in zip(opened, durations, strict=True)
    ]


def test_many_stops_on_one_ticket() -> None:
    # More stops than the within-ticket transposition sort takes: the lexsort path.
    calendar, clock = CALENDARS["08:30-16:30"], CLOCKS["08:30-16:30"]
    rng = np.random.default_rng(7)
    opened, resolved = local("2025-02-03 08:00"), local("2025-03-03 08:00")
    begin = np.floor(rng.uniform(opened, resolved, 40))
    end = begin + np.floor(rng.exponential(86400, 40))
    got = clock.elapsed([opened], [resolved], np.zeros(40, dtype=np.int64), begin, end)
    assert list(got) == [
        reference.elapsed(calendar, opened, resolved, list(zip(begin, end, strict=True)))
    ]


@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=60),
    st.lists(st.floats(0, 1.2e6), max_size=60),
    st.sampled_from(["left", "right"]),
)
def test_grid_search_equals_searchsorted(edges: list[int], queries: list[float], side) -> None:
    array = np.array(sorted(edges), dtype=float)
    values = np.maximum(np.array(queries, dtype=float), array[0])
    assert list(_GridSearch(array, side)(values)) == list(np.searchsorted(array, values, side))


@settings(max_examples=50, deadline=None)
@given(
    calendars,
    st.floats(LOW, HIGH),
    st.floats(0, 20 * 86400),
    st.floats(-86400, 20 * 86400),
    st.floats(0, 5 * 86400),
)
def test_fractional_seconds_match_the_reference(
    name: str, opened: float, life: float, offset: float, length: float
) -> None:
    # The simulator writes fractions of a second: same answers, to float precision.
    calendar, clock = CALENDARS[name], CLOCKS[name]
    resolved, begin = opened + life, opened + offset
    got = clock.elapsed([opened], [resolved], np.array([0]), [begin], [begin + length])[0]
    expected = reference.elapsed(calendar, opened, resolved, [(begin, begin + length)])
    assert got == pytest.approx(expected, abs=1e-5)
    due = clock.deadline(opened, life)[0]
    assert due == pytest.approx(reference.deadline(calendar, opened, life), abs=1e-5)
