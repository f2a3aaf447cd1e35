"""Weekly arrival profiles: one shape × day weights, or a shape per weekday (with or
without day weights), and every mistake located."""

from __future__ import annotations

import numpy as np
import pytest

from rules.document import Document
from sim.profiles import parse_profile


def profile_of(text: str) -> np.ndarray | None:
    doc = Document("p.yaml", text)
    profile = parse_profile("p", doc.root())
    assert (profile is None) == bool(doc.problems), doc.problems
    return None if profile is None else np.asarray(profile.weights).reshape(7, 48)


def problems_of(text: str) -> dict[str, str]:
    doc = Document("p.yaml", text)
    assert parse_profile("p", doc.root()) is None
    return {p.path: f"{p.expected} | {p.found} | {p.suggestion}" for p in doc.problems}


def test_one_shape_times_day_weights_is_todays_form() -> None:
    weights = profile_of('days: {lun: 2, mar: 1}\nhours: {"08:00": 1, "09:30": 3, "12:00": 0}')
    assert weights is not None
    assert list(weights[0, 15:25]) == [0, 2, 2, 2, 6, 6, 6, 6, 6, 0]
    assert (weights[1] * 2 == weights[0]).all() and not weights[2:].any()


def test_a_shape_per_weekday_without_days_compares_across_the_week() -> None:
    weights = profile_of(
        'hours:\n'
        '  mon-thu: {"08:00": 1, "12:00": 0}\n'
        '  ven: {"08:00": 2, "10:00": 0}\n')
    assert weights is not None
    assert weights[0].sum() == weights[3].sum() == 8 and weights[4].sum() == 8
    assert weights[4, 16] == 2 and weights[4, 20] == 0 and not weights[5:].any()


def test_with_days_each_row_is_a_shape_and_days_the_volume() -> None:
    weights = profile_of(
        'days: {mon: 3, tue: 1}\n'
        'hours:\n'
        '  mon: {"08:00": 5, "10:00": 0}\n'
        '  tue: {"08:00": 1, "16:00": 0}\n')
    assert weights is not None
    assert weights[0].sum() == pytest.approx(3.0) and weights[1].sum() == pytest.approx(1.0)
    assert weights[0, 16] == pytest.approx(3 / 4)  # 4 half-hours share Monday's 3


def test_mistakes_are_located_each_with_what_was_expected() -> None:
    found = problems_of(
        'days: {mon: 1, tue: 1, wed: 0}\n'
        'hours:\n'
        '  mon-tue: {"08:00": 1, "12:00": 0}\n'
        '  tue: {"08:00": 1}\n'
        '  wed: {"08:15": 1}\n'
        '  jeudi: {"08:00": 1}\n')
    assert "each weekday in one row only" in found["hours.tue"]
    assert "half-hour" in found["hours.wed.08:15"]
    assert "days such as" in found["hours.jeudi"]
    missing = problems_of('hours: {"08:00": 1}')
    assert 'a key "days"' in missing[""] and "one row per weekday" in missing[""]
    unweighted = problems_of('days: {mon: 1}\nhours: {mon: {"08:00": 1}, tue: {"08:00": 1}}')
    assert "a weight for tue" in unweighted["days"]
    rowless = problems_of('days: {mon: 1, tue: 1}\nhours: {mon: {"08:00": 1}}')
    assert "none for tue" in rowless["days"]
    assert "all zero" in problems_of('days: {mon: 1}\nhours: {"08:00": 0}')[""]
