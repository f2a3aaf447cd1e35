"""The SLA clock: business time between instants, minus pauses, and deadlines.

Everything is vectorised over arrays of tickets through one table of a calendar's open
intervals and the open time accumulated before each: B(t), the business seconds up to
instant t, is a sorted-array lookup away, business time in [a, b) is B(b) − B(a), and a
deadline is B's inverse. For a 24/7 calendar B(t) = t. Whole-second inputs give exact
results (every quantity is an integer below 2**53).
"""

from __future__ import annotations

from typing import Literal

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


class _GridSearch:
    """``np.searchsorted`` on one fixed sorted array, for millions of queries at once.

    A uniform grid over the array's range tells each query how many entries lie below
    the cell before its own (a query's cell may be off by one through rounding); a few
    vectorised steps, at most the most entries three cells hold, finish the count.
    Several times faster than a binary search per query. Queries must not be below
    ``edges[0]``.
    """

    def __init__(self, edges: np.ndarray, side: Literal["left", "right"]):
        self.edges = np.append(edges, np.inf)
        self.side = side
        self.origin = float(edges[0])
        span = float(edges[-1]) - self.origin
        self.width = span / (4 * len(edges)) if span > 0 else 1.0
        cells = self.origin + self.width * np.arange(int(span / self.width) + 4)
        self.below = np.searchsorted(edges, cells, side=side)
        self.steps = int((self.below[3:] - self.below[:-3]).max())

    def __call__(self, values: np.ndarray) -> np.ndarray:
        cell = (values - self.origin) * (1.0 / self.width) - 1.0
        np.minimum(np.maximum(cell, 0.0, out=cell), len(self.below) - 1, out=cell)
        index = self.below[cell.astype(np.intp)]
        for _ in range(self.steps):
            following = self.edges[index]
            index += following <= values if self.side == "right" else following < values
        return index


class _OpenTable:
    """A calendar's open intervals over [low, high] with the open seconds before each.

    B(t), the open seconds from ``low`` to t, and its inverse are lookups here. A
    zero-length interval at ``low`` heads the table, so every instant has one at or
    before it.
    """

    def __init__(self, calendar: BusinessCalendar, low: float, high: float):
        self.low, self.high = low, high
        starts, ends = calendar.open_intervals(low, high)
        self.starts = np.concatenate(([low], starts))
        self.lengths = np.concatenate(([0.0], ends - starts))
        self.through = np.cumsum(self.lengths)
        self.before = self.through - self.lengths
        self.total = float(self.through[-1])
        self._by_start = _GridSearch(self.starts, "right")
        self._by_through = _GridSearch(self.through, "left")

    def cumulative(self, t: np.ndarray) -> np.ndarray:
        """B(t); 0 before the table, its total after it."""
        t = np.minimum(np.maximum(t, self.low), self.high)
        k = self._by_start(t) - 1
        return self.before[k] + np.minimum(t - self.starts[k], self.lengths[k])

    def inverse(self, b: np.ndarray) -> np.ndarray:
        """The earliest instant t with B(t) = b, for 0 < b <= total."""
        k = self._by_through(b)
        return self.starts[k] + (b - self.before[k])

    def next_open(self, b: np.ndarray) -> np.ndarray:
        """The earliest instant at which B grows past b (b < total)."""
        k = np.searchsorted(self.through, b, side="right")
        return self.starts[k] + (b - self.before[k])


class SlaClock:
    """Business seconds, elapsed time net of pauses, and deadlines on one calendar."""

    def __init__(self, calendar: BusinessCalendar):
        self.calendar = calendar
        self._table: _OpenTable | None = None

    def __repr__(self) -> str:
        return f"SlaClock({self.calendar!r})"

    # --- the cumulative table -------------------------------------------------------

    def _cover(self, *arrays: np.ndarray, forward: float = 0.0) -> None:
        """Make the table cover every finite value of ``arrays`` and ``forward``
        seconds past its end; it grows with margins, keeping its start when it can."""
        if self.calendar.always_open:
            return
        finite = [v for v in (a[np.isfinite(a)] for a in arrays) if v.size]
        if not finite:
            return
        low = min(float(v.min()) for v in finite)
        high = max(float(v.max()) for v in finite)
        table = self._table
        if table is not None:
            high = max(high, table.high + forward)
            if table.low <= low and high <= table.high:
                return
            low = table.low if low >= table.low else low - _MARGIN_BEFORE
        else:
            low -= _MARGIN_BEFORE
        self._table = _OpenTable(self.calendar, low, high + _MARGIN_AFTER)

    def _cumulative(self, t: np.ndarray) -> np.ndarray:
        """B(t): open seconds from the table's start up to t (identity when 24/7)."""
        if self._table is None:
            return t
        return self._table.cumulative(t)

    # --- public API ---------------------------------------------------------------------

    def _business_pair(self, start: object, end: object) -> tuple[np.ndarray, np.ndarray]:
        """Checked instants' B values: B(start), B(end)."""
        start, end = np.broadcast_arrays(_floats(start), _floats(end))
        _reject(np.isnan(start) | np.isnan(end), "missing instant (NaN)")
        _reject(end < start, "end before start")
        self._cover(start, end)
        return self._cumulative(start), self._cumulative(end)

    def business_seconds(self, start: object, end: object) -> np.ndarray:
        """Business seconds in [start, end) per ticket.

        Raises InvalidRowsError (a DataError) naming the rows whose end is before their
        start or where an instant is missing (NaN).
        """
        at_start, at_end = self._business_pair(start, end)
        return at_end - at_start

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
        at_open, at_resolve = self._business_pair(opened, resolved)
        ticket = np.atleast_1d(np.asarray(stop_ticket))
        begin, finish = _floats(stop_start), _floats(stop_end)
        if not len(ticket) == len(begin) == len(finish):
            raise DataError(
                f"stop arrays differ in length: {len(ticket)} tickets, "
                f"{len(begin)} starts, {len(finish)} ends"
            )
        if len(ticket) == 0:
            return at_resolve - at_open
        if not np.issubdtype(ticket.dtype, np.integer):
            raise DataError(f"stop tickets must be integer row indices, found {ticket.dtype}")
        _reject((ticket < 0) | (ticket >= len(at_open)), "ticket index out of range", "stop")
        _reject(np.isnan(begin), "missing stop start (NaN)", "stop")
        _reject(finish < begin, "stop end before stop start", "stop")

        # Work on B values: B is monotone, so clipping and merging commute with it, and
        # a stop's business time is the length of its image. B of an instant outside
        # the table is 0 or its total, which the clip to the ticket's life corrects.
        resolved = np.broadcast_to(_floats(resolved), at_open.shape)
        low, high = at_open[ticket], at_resolve[ticket]
        finish = np.where(np.isnan(finish), resolved[ticket], finish)
        start_b = np.minimum(np.maximum(self._cumulative(begin), low), high)
        end_b = np.minimum(np.maximum(self._cumulative(finish), low), high)
        longest = int(np.bincount(ticket).max())  # stops of the ticket that has most
        ticket, start_b, end_b = _sorted_by_ticket_then_start(ticket, start_b, end_b, longest)
        reach = _running_max_per_ticket(ticket, end_b, longest)
        # Each stop adds what it covers beyond the reach of the stops before it.
        first = np.concatenate(([True], ticket[1:] != ticket[:-1]))
        before = np.where(first, start_b, np.concatenate((start_b[:1], reach[:-1])))
        added = reach - np.maximum(start_b, before)
        paused = np.bincount(ticket, weights=added, minlength=len(at_open))
        return at_resolve - at_open - paused

    def deadline(self, start: object, business_seconds: object) -> np.ndarray:
        """The earliest instant at which ``business_seconds`` of business time have
        elapsed since ``start`` (``start`` itself for zero).

        Raises InvalidRowsError for a NaN start or a negative or NaN duration.
        """
        start, seconds = np.broadcast_arrays(_floats(start), _floats(business_seconds))
        _reject(np.isnan(start), "missing start (NaN)")
        _reject(~(seconds >= 0), "business seconds negative or missing")
        if start.size == 0:
            return start.copy()
        self._cover(start)
        at_start = self._cumulative(start)
        target = at_start + seconds
        while self._table is not None and target.max() > self._table.total:
            if self._table.high - float(start.min()) > _HORIZON:
                late = np.flatnonzero(target > self._table.total)
                raise InvalidRowsError("no deadline within 50 years", late)
            # Growing forward keeps the table's start, hence B's origin and ``target``.
            self._cover(start, forward=self._table.high - self._table.low)
        if self._table is None:
            return start + seconds
        instant = self._table.inverse(target)
        # A duration below the float resolution of B leaves target == B(start); it
        # still needs some open time, which starts at the next opening.
        lost = (seconds > 0) & (target == at_start)
        if lost.any():
            instant[lost] = self._table.next_open(at_start[lost])
        return np.maximum(start, instant)


# Stops per ticket are few (waiting on the user a handful of times): sorting within
# tickets by odd-even transposition takes as many vectorised passes as the largest
# ticket has stops, far cheaper than a full lexsort of millions of rows.
_MAX_TRANSPOSITION_PASSES = 16


def _sorted_by_ticket_then_start(
    ticket: np.ndarray, start: np.ndarray, end: np.ndarray, longest: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stops ordered by ticket, then start (ties in any order); ``longest`` is the
    most stops any ticket has."""
    grouped = bool(np.all(ticket[1:] >= ticket[:-1]))
    if not grouped or longest > _MAX_TRANSPOSITION_PASSES:
        order = np.lexsort((start, ticket))
        return ticket[order], start[order], end[order]
    start, end = start.copy(), end.copy()
    same = ticket[1:] == ticket[:-1]
    for parity in (p % 2 for p in range(longest)):
        left = parity + 2 * np.flatnonzero(
            same[parity::2] & (start[parity:-1:2] > start[parity + 1 :: 2])
        )
        right = left + 1
        start[left], start[right] = start[right], start[left]
        end[left], end[right] = end[right], end[left]
    return ticket, start, end


def _running_max_per_ticket(ticket: np.ndarray, values: np.ndarray, longest: int) -> np.ndarray:
    """Running maximum of ``values`` restarting at each ticket (``ticket`` grouped):
    a segmented scan in log2(``longest``, the most stops a ticket has) vectorised steps."""
    reach = values.copy()
    step = 1
    while step < longest:
        same = ticket[step:] == ticket[:-step]
        reach[step:] = np.where(same, np.maximum(reach[step:], reach[:-step]), reach[step:])
        step *= 2
    return reach
