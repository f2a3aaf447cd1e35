"""Local time of instants without pandas (rules.localtime), against pandas' conversion."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.localtime import half_hour_of_week, local_instant, utc_offsets

# Zones with daylight saving time, half-hour offsets or a 30-minute DST shift, the southern
# hemisphere, and none.
ZONES = ("America/Montreal", "Europe/London", "Asia/Kathmandu", "Australia/Lord_Howe",
         "America/Santiago", "UTC")
# 1990 … 2060: also past 2037, where a zone's rules come from its POSIX footer.
SECONDS = st.integers(631_152_000, 2_871_763_200)


def pandas_half_hour(t: np.ndarray, zone: str) -> np.ndarray:
    local = pd.DatetimeIndex(pd.to_datetime(t, unit="s", utc=True)).tz_convert(zone)
    return np.asarray(local.day_of_week * 48 + local.hour * 2 + local.minute // 30)


def pandas_offsets(t: np.ndarray, zone: str) -> np.ndarray:
    local = pd.DatetimeIndex(pd.to_datetime(t, unit="s", utc=True)).tz_convert(zone)
    wall = local.tz_localize(None).to_numpy().astype("datetime64[s]").astype(np.int64)
    return wall - np.floor(t).astype(np.int64)


@settings(max_examples=60, deadline=None)
@given(zone=st.sampled_from(ZONES), start=SECONDS,
       steps=st.lists(st.integers(0, 40 * 86400), min_size=1, max_size=40),
       fraction=st.sampled_from((0.0, 0.25, 0.999)))
def test_half_hour_of_week_is_pandas_local_time(zone: str, start: int, steps: list[int],
                                                fraction: float) -> None:
    t = start + np.cumsum(steps).astype(np.float64) + fraction
    assert half_hour_of_week(t, zone).tolist() == pandas_half_hour(t, zone).tolist()


@pytest.mark.parametrize("zone", ZONES)
def test_every_second_around_a_year_of_changes_has_pandas_offset(zone: str) -> None:
    """Each DST change is found to the second: the instants just before and at it."""
    t = np.arange(1_767_225_600, 1_798_761_600, 1800.0)  # 2026, every half-hour
    changes = np.flatnonzero(np.diff(pandas_offsets(t, zone))) + 1
    # the change lies in the half-hour before t[k]: every second of it, and a few after
    around = np.unique(np.concatenate([t, *(t[k] + np.arange(-1800.0, 3.0) for k in changes)]))
    assert utc_offsets(around, zone).tolist() == pandas_offsets(around, zone).tolist()


def test_no_instants() -> None:
    assert half_hour_of_week(np.array([]), "America/Montreal").tolist() == []


def test_a_local_time_that_exists_once_is_placed_in_the_zone() -> None:
    instant = local_instant(datetime(2026, 3, 17, 9, 30), "America/Montreal")
    assert instant.isoformat() == "2026-03-17T09:30:00-04:00"


@pytest.mark.parametrize(("naive", "why"), [
    (datetime(2026, 3, 8, 2, 30), "is skipped by"),  # spring forward
    (datetime(2026, 11, 1, 1, 30), "occurs twice in"),  # fall back
])
def test_a_local_time_skipped_or_repeated_by_dst_is_refused(naive: datetime, why: str) -> None:
    with pytest.raises(ValueError, match=f"{why} America/Montreal's change of daylight"):
        local_instant(naive, "America/Montreal")
