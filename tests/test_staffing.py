"""Shifts of the local week → agents on duty over UTC time, across DST; the YAML form."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from rules.document import Document
from rules.errors import DataError, ValidationError
from sim.staffing import Shift, Staffing, StaffingSteps, parse_staffing

ZONE = ZoneInfo("America/Montreal")
H = 3600


def instant(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE).timestamp()


WEEKDAYS = frozenset(range(5))
STAFFING = Staffing((
    Shift(WEEKDAYS, int(7.5 * H), 16 * H, breaks=((12 * H, int(12.5 * H)),), headcount=4),
    Shift(WEEKDAYS, 9 * H, 17 * H, headcount=2),
))


def test_shifts_and_breaks_make_the_step_function() -> None:
    steps = STAFFING.steps(instant("2026-03-02T00:00"), instant("2026-03-03T00:00"))  # a Monday
    at = {clock: int(steps.at(np.array([instant(f"2026-03-02T{clock}")]))[0])
          for clock in ("07:00", "07:30", "09:00", "12:15", "12:30", "16:00", "16:59", "17:00")}
    assert at == {"07:00": 0, "07:30": 4, "09:00": 6, "12:15": 2, "12:30": 6, "16:00": 2,
                  "16:59": 2, "17:00": 0}


def test_local_clock_times_hold_across_the_dst_change() -> None:
    # 2026-03-08 is the spring change in Montreal: 07:30 is 12:30 UTC before, 11:30 after.
    steps = STAFFING.steps(instant("2026-03-06T00:00"), instant("2026-03-10T00:00"))
    opening = steps.times[steps.agents == 4]
    assert instant("2026-03-06T07:30") in opening and instant("2026-03-09T07:30") in opening
    assert instant("2026-03-09T07:30") - instant("2026-03-06T07:30") == 3 * 86400 - H
    assert not ((steps.times > instant("2026-03-07T00:00")) &
                (steps.times < instant("2026-03-09T00:00"))).any()  # the weekend is closed


def test_a_closed_day_has_nobody() -> None:
    holiday = date(2026, 3, 3)
    steps = STAFFING.steps(instant("2026-03-03T00:00"), instant("2026-03-04T00:00"),
                           working_day=lambda d: d != holiday)
    assert steps.agents.tolist() == [0]


def test_half_hourly_table_is_the_time_average() -> None:
    steps = StaffingSteps(np.array([0.0, 900.0, 3600.0]), np.array([2, 4, 0]))
    assert steps.half_hourly(0.0, 5400.0).tolist() == [3.0, 4.0, 0.0]
    assert steps.half_hourly(0.0, 4500.0).tolist() == [3.0, 4.0, 0.0]  # partial bin


def test_a_shift_past_midnight_starts_the_evening_before() -> None:
    night = Staffing((Shift(frozenset({0}), 22 * H, 30 * H, headcount=1),))  # Mon 22:00–06:00
    steps = night.steps(instant("2026-03-03T00:00"), instant("2026-03-03T12:00"))  # Tuesday
    assert steps.agents.tolist() == [1, 0]
    assert steps.times[1] == instant("2026-03-03T06:00")


def test_bad_shifts_are_refused() -> None:
    with pytest.raises(DataError, match="inside the shift"):
        Shift(WEEKDAYS, 8 * H, 16 * H, breaks=((7 * H, 9 * H),))
    with pytest.raises(DataError, match="weekdays"):
        Shift(frozenset({7}), 8 * H, 16 * H)


YAML = """\
shifts:
  - days: mon-fri
    start: "07:30"
    end: "16:00"
    breaks: ["12:00-12:30"]
    headcount: 4
  - days: [mon, wed]
    start: "22:00"
    end: "06:00"
    headcount: 1
"""


def test_the_yaml_form_builds_the_same_objects() -> None:
    doc = Document("scenario.yaml", YAML)
    staffing = parse_staffing(doc.root())
    doc.raise_problems()
    assert staffing == Staffing((
        Shift(WEEKDAYS, int(7.5 * H), 16 * H, ((12 * H, int(12.5 * H)),), 4),
        Shift(frozenset({0, 2}), 22 * H, 30 * H, (), 1),
    ))


def test_the_yaml_form_reports_every_problem() -> None:
    text = YAML.replace('"16:00"', "16:00").replace("mon-fri", "mon-fry").replace(
        "headcount: 1", "headcont: 1")
    doc = Document("scenario.yaml", text)
    assert parse_staffing(doc.root()) is None
    with pytest.raises(ValidationError) as caught:
        doc.raise_problems()
    text = str(caught.value)
    assert "unquoted, YAML reads 07:30 as a number" in text and "found 960" in text
    assert '"mon-fry"' in text and 'Did you mean "headcount"' in text
    assert "scenario.yaml:4" in text  # the line of the unquoted end
