"""Local time of UTC instants in a zone, vectorised with ``zoneinfo`` and numpy.

Reports and profiles read instants in the pack's local time (the half-hour of the week a
call was queued in Montréal). A zone's offset from UTC is constant between its
transitions (daylight saving time), so the transitions inside the instants' range are
found once, to the second, and every instant is placed among them by a binary search:
no per-instant conversion and no pandas, which ``cau validate`` does not import.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

# The instants cau reads: no service desk kept tickets before 1970, and a calendar built
# to year 2500 for one mistyped row would take minutes (pandas' own range ends in 2262).
FIRST_YEAR, END_YEAR = 1970, 2200
DAY = 86400
HALF_HOUR = 1800
# 1970-01-01, day 0 of the epoch, was a Thursday (Monday = 0).
EPOCH_WEEKDAY = 3
# Offsets are sampled this often before bisecting to each change: a zone never changes
# its offset twice within six hours.
_STEP = 6 * 3600


def _offset(zone: ZoneInfo, t: int) -> int:
    """The zone's offset from UTC at epoch second ``t``, in seconds."""
    offset = datetime.fromtimestamp(t, zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


def utc_offsets(t: np.ndarray, zone: str) -> np.ndarray:
    """Each instant's offset from UTC in ``zone`` (seconds; local time = ``t`` + offset).

    Instants must be finite epoch seconds.
    """
    t = np.asarray(t, dtype=np.float64)
    if t.size == 0:
        return np.zeros(0, dtype=np.int64)
    tz = ZoneInfo(zone)
    lo, hi = int(np.floor(t.min())), int(np.floor(t.max()))
    changes, offsets = [], [_offset(tz, lo)]
    previous = lo
    for sample in [*range(lo + _STEP, hi, _STEP), hi]:
        offset = _offset(tz, sample)
        if offset != offsets[-1]:
            a, b = previous, sample  # the change lies in (a, b]: bisect to the second
            while b - a > 1:
                middle = (a + b) // 2
                a, b = (middle, b) if _offset(tz, middle) == offsets[-1] else (a, middle)
            changes.append(b)
            offsets.append(offset)
        previous = sample
    where = np.searchsorted(np.asarray(changes, dtype=np.float64), t, side="right")
    return np.asarray(offsets, dtype=np.int64)[where]


def half_hour_of_week(t: np.ndarray, zone: str) -> np.ndarray:
    """Index 0…335 of each instant's local half-hour of the week (Monday 00:00 = 0)."""
    local = np.floor(np.asarray(t, dtype=np.float64)).astype(np.int64) + utc_offsets(t, zone)
    day, second = np.divmod(local, DAY)
    return ((day + EPOCH_WEEKDAY) % 7) * (DAY // HALF_HOUR) + second // HALF_HOUR


def local_instant(naive: datetime, zone: str) -> datetime:
    """``naive`` (a wall-clock time) as an aware datetime in ``zone``. A time that the
    clock skips (spring forward) or shows twice (fall back) raises ValueError: which
    instant is meant cannot be known."""
    tz = ZoneInfo(zone)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = datetime.fromtimestamp(first.timestamp(), tz).replace(tzinfo=None)
        kind = "is skipped by" if back != naive else "occurs twice in"
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} {kind} {zone}'s change of daylight saving time")
    return first
