"""The SLA clock: business time between instants, minus pauses, and deadlines.

Everything is vectorised over arrays of tickets through one table of a calendar's open
intervals and the open time accumulated before each: B(t), the business seconds up to
instant t, is a ``searchsorted`` away, business time in [a, b) is B(b) − B(a), and a
deadline is B's inverse. For a 24/7 calendar B(t) = t. Whole-second inputs give exact
results (every quantity is an integer below 2**53).
"""

from __future__ import annotations

import numpy as np

from .calendar import BusinessCalendar
from .errors import DataError

# Margins by which the table grows past the instants asked for, so that a stream of
# calls on nearby dates does not rebuild it each time.
_MARGIN_BEFORE = 31 * 86400.0
_MARGIN_AFTER = 366 * 86400.0
# A deadline further than this past its start means the calendar (almost) never opens.
_HORIZON = 50 * 366 * 86400.0


class InvalidRowsError(DataError):
    """Rows of clock input that cannot be used; ``rows`` holds their indices."""

    def __init__(self, what: str, rows: np.ndarray, name: str = "row"):
        self.rows = np.asarray(rows)
        shown = ", ".join(str(int(r)) for r in self.rows[:10])
        more = f" and {len(self.rows) - 10} more" if len(self.rows) > 10 else ""
        plural = "s" if len(self.rows) != 1 else ""
        super().__init__(f"{what} in {name}{plural} {shown}{more}")


def _floats(values: object) -> np.ndarray:
    return np.atleast_1d(np.asarray(values, dtype=float))


def _reject(bad: np.ndarray, what: str, name: str = "row") -> None:
    if bad.any():
        raise InvalidRowsError(what, np.flatnonzero(bad), name)


class SlaClock:
    """Business seconds, elapsed time net of pauses, and deadlines on one calendar."""

    def __init__(self, calendar: BusinessCalendar):
        self.calendar = calendar
        # The table: open intervals [starts, starts + lengths) covering [_low, _high),
        # and the open seconds before each (relative to _low) and up to its end.
        self._low = np.inf
        self._high = -np.inf
        self._starts = np.empty(0)
        self._lengths = np.empty(0)
        self._before = np.empty(0)
        self._through = np.empty(0)

    def __repr__(self) -> str:
        return f"SlaClock({self.calendar!r})"

    # --- the cumulative table -------------------------------------------------------

    def _cover(self, low: float, high: float) -> None:
        """Make the table cover [low, high] (extended with margins, never shrunk)."""
        if self.calendar.always_open or (self._low <= low and high <= self._high):
            return
        if low < self._low:
            self._low = low - _MARGIN_BEFORE
        if high > self._high:
            self._high = high + _MARGIN_AFTER
        starts, ends = self.calendar.open_intervals(self._low, self._high)
        self._starts = starts
        self._lengths = ends - starts
        self._through = np.cumsum(self._lengths)
        self._before = self._through - self._lengths

    def _cover_values(self, *arrays: np.ndarray) -> None:
        finite = [a[np.isfinite(a)] for a in arrays if a.size]
        finite = [a for a in finite if a.size]
        if finite:
            self._cover(min(float(a.min()) for a in finite), max(float(a.max()) for a in finite))

    def _cumulative(self, t: np.ndarray) -> np.ndarray:
        """B(t): open seconds from the table's start up to t (t within the table)."""
        if self.calendar.always_open:
            return t
        if len(self._starts) == 0:
            return np.zeros_like(t)
        k = np.searchsorted(self._starts, t, side="right") - 1
        at = np.maximum(k, 0)
        inside = np.clip(t - self._starts[at], 0.0, self._lengths[at])
        return np.where(k >= 0, self._before[at] + inside, 0.0)

    # --- public API ---------------------------------------------------------------------

    def business_seconds(self, start: object, end: object) -> np.ndarray:
        """Business seconds in [start, end) per ticket.

        Raises InvalidRowsError (a DataError) naming the rows whose end is before their
        start or where an instant is missing (NaN).
        """
        start, end = np.broadcast_arrays(_floats(start), _floats(end))
        _reject(np.isnan(start) | np.isnan(end), "missing instant (NaN)")
        _reject(end < start, "end before start")
        self._cover_values(start, end)
        return self._cumulative(end) - self._cumulative(start)

    def elapsed(
        self,
        opened: object,
        resolved: object,
        stop_ticket: object = (),
        stop_start: object = (),
        stop_end: object = (),
    ) -> np.ndarray:
        """Business seconds in [opened, resolved) minus those inside the ticket's stops.

        Stops (waiting on the user, resolved→reopened) are given as three parallel
        arrays: ``stop_ticket`` indexes into ``opened``; a NaN ``stop_end`` is a stop
        still running, which lasts until ``resolved``. Stops are clipped to the ticket's
        life and overlapping ones merged (sorted by ticket then start, a running maximum
        of ends per ticket), so no second is subtracted twice.
        """
        opened, resolved = np.broadcast_arrays(_floats(opened), _floats(resolved))
        total = self.business_seconds(opened, resolved)
        ticket = np.atleast_1d(np.asarray(stop_ticket))
        begin, finish = _floats(stop_start), _floats(stop_end)
        if not len(ticket) == len(begin) == len(finish):
            raise DataError(
                f"stop arrays differ in length: {len(ticket)} tickets, "
                f"{len(begin)} starts, {len(finish)} ends"
            )
        if len(ticket) == 0:
            return total
        if not np.issubdtype(ticket.dtype, np.integer):
            raise DataError(f"stop tickets must be integer row indices, found {ticket.dtype}")
        _reject((ticket < 0) | (ticket >= len(opened)), "ticket index out of range", "stop")
        _reject(np.isnan(begin), "missing stop start (NaN)", "stop")
        _reject(finish < begin, "stop end before stop start", "stop")

        low, high = opened[ticket], resolved[ticket]
        begin = np.clip(begin, low, high)
        finish = np.clip(np.where(np.isnan(finish), high, finish), low, high)
        order = np.lexsort((begin, ticket))
        ticket, begin, finish = ticket[order], begin[order], finish[order]

        # Running maximum of the ends within each ticket, exact: on (ticket, rank of end)
        # packed into one integer, which grows from one ticket to the next.
        by_end = np.argsort(finish, kind="stable")
        rank = np.empty(len(finish), dtype=np.int64)
        rank[by_end] = np.arange(len(finish))
        size = np.int64(len(finish))
        packed = np.maximum.accumulate(ticket.astype(np.int64) * size + rank)
        reach = finish[by_end[packed % size]]
        # Each stop adds what it covers beyond the reach of the stops before it.
        first = np.concatenate(([True], ticket[1:] != ticket[:-1]))
        before = np.where(first, begin, np.concatenate((begin[:1], reach[:-1])))
        # Clipped stops lie within [opened, resolved], which the table already covers.
        added = self._cumulative(reach) - self._cumulative(np.maximum(begin, before))
        return total - np.bincount(ticket, weights=added, minlength=len(opened))

    def deadline(self, start: object, business_seconds: object) -> np.ndarray:
        """The earliest instant at which ``business_seconds`` of business time have
        elapsed since ``start`` (``start`` itself for zero).

        Raises InvalidRowsError for a NaN start or a negative or NaN duration.
        """
        start, seconds = np.broadcast_arrays(_floats(start), _floats(business_seconds))
        _reject(np.isnan(start), "missing start (NaN)")
        _reject(~(seconds >= 0), "business seconds negative or missing")
        if self.calendar.always_open:
            return start + seconds
        if start.size == 0:
            return start.copy()
        self._cover_values(start)
        target = self._cumulative(start) + seconds
        while len(self._through) == 0 or target.max() > self._through[-1]:
            if self._high - float(start.min()) > _HORIZON:
                late = target > (self._through[-1] if len(self._through) else 0.0)
                raise InvalidRowsError("no deadline within 50 years", np.flatnonzero(late))
            # Extending forward keeps the table's start, hence B's origin and ``target``.
            self._cover(self._low, 2 * self._high - self._low)
        k = np.searchsorted(self._through, target, side="left")
        instant = self._starts[k] + (target - self._before[k])
        return np.maximum(start, instant)
