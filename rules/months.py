"""Calendar months of a local zone, as UTC instants, for vectorised month lookups.

Reports are monthly in local time (a ticket resolved 2026-03-31 23:30 in Montréal is a
March ticket although it is April in UTC). Month starts are computed once per month
with ``zoneinfo``; every instant is then placed by a binary search, never formatted.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np


def _month_start(zone: ZoneInfo, year: int, month: int) -> float:
    return datetime(year, month, 1, tzinfo=zone).timestamp()


class MonthGrid:
    """The local months of ``zone`` covering the UTC instants ``first`` … ``last``.

    ``labels[i]`` is ``"YYYY-MM"``; month ``i`` is ``[starts[i], starts[i + 1])`` in
    UTC epoch seconds (``starts`` has one more element than ``labels``).
    """

    def __init__(self, zone: str, first: float, last: float):
        if not (np.isfinite(first) and np.isfinite(last)) or last < first:
            raise ValueError(f"a month range needs first <= last, found {first} … {last}")
        self.zone = zone
        tz = ZoneInfo(zone)
        lo = datetime.fromtimestamp(first, tz)
        hi = datetime.fromtimestamp(last, tz)
        count = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        labels, starts = [], []
        for k in range(count + 1):
            year, month = divmod(lo.year * 12 + lo.month - 1 + k, 12)
            labels.append(f"{year:04d}-{month + 1:02d}")
            starts.append(_month_start(tz, year, month + 1))
        self.labels: list[str] = labels[:-1]
        self.starts = np.asarray(starts, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def ends(self) -> np.ndarray:
        """UTC instant at which each month ends (local midnight on the 1st of the next)."""
        return self.starts[1:]

    def index(self, t: np.ndarray) -> np.ndarray:
        """Month number (0 … len-1) of each instant; instants outside the grid raise."""
        t = np.asarray(t, dtype=np.float64)
        idx = np.searchsorted(self.starts, t, side="right") - 1
        if idx.size and (idx.min() < 0 or idx.max() >= len(self.labels)):
            raise ValueError("an instant lies outside the month grid")
        return idx

    def label(self, t: np.ndarray) -> np.ndarray:
        """``"YYYY-MM"`` of each instant (an object array of str)."""
        return np.asarray(self.labels, dtype=object)[self.index(t)]
