"""Events sorted by (id, time), with per-id lookups that need no Python loop.

Both tickets and calls are turned into per-id facts ("the first `opened`", "the last
`priority`", "the next `waiting_end` after this `waiting_start`"). Sorting once by id
then time, stable so that the log's order breaks ties, turns each of these into a few
numpy operations on contiguous groups. Lookups work on the positions of the rows that
matter (a binary search among them), never on a full-length pass per question.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import DataError
from .eventlog import EVENTS, EventLog

# How many offending rows a DataError spells out before summarising the rest.
SHOWN_ROWS = 10


class EventCodes:
    """The event and the id of every row of a log as small integers (the log's codes),
    with lookups by event name."""

    def __init__(self, log: EventLog):
        self.log = log
        self.codes = log.event
        self.names = {name: i for i, name in enumerate(EVENTS)}
        self.ids = log.ids.codes
        self.id_labels = log.ids.labels

    def lookup(self, names: Iterable[str]) -> np.ndarray:
        """A table: event code → whether it is one of ``names``."""
        table = np.zeros(len(self.names) + 1, dtype=bool)
        table[[self.names[n] for n in names if n in self.names]] = True
        return table

    def rows_of(self, names: Iterable[str]) -> np.ndarray:
        """Positions of the rows whose event is one of ``names``."""
        return np.flatnonzero(self.lookup(names)[self.codes])


class GroupedEvents:
    """A subset of an event log's rows, sorted by id then time (ties: log order).

    ``rows`` are positions in the original log (for messages naming a row); ``group`` is
    the id number (0 … ``len(ids)`` - 1) of each sorted row; ``ids`` the id code (into
    ``id_labels``) of each group.
    """

    def __init__(self, rows: np.ndarray, codes: EventCodes):
        times = codes.log.time[rows]
        # Renumber the ids present in this subset 0 … n-1, in the order of their codes,
        # without hashing the ids again.
        present = np.zeros(len(codes.id_labels), dtype=bool)
        present[codes.ids[rows]] = True
        numbers = (np.cumsum(present) - 1)[codes.ids[rows]]
        if np.isnan(times).any():
            raise ValueError("event times must all be set")  # the event log reader ensures it
        if times.size > 1 and not bool(np.all(times[1:] >= times[:-1])):
            by_time = np.argsort(times, kind="stable")
            order = by_time[np.argsort(numbers[by_time], kind="stable")]
        else:
            order = np.argsort(numbers, kind="stable")
        self.rows = rows[order]
        self.group = numbers[order].astype(np.int64)
        self.time = times[order]
        self.ids = np.flatnonzero(present)
        self.id_labels = codes.id_labels
        self._codes = codes
        self._event_code = codes.codes[self.rows]

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, names: str | Iterable[str]) -> np.ndarray:
        """Sorted rows whose event is one of ``names``."""
        return self._codes.lookup([names] if isinstance(names, str) else names)[
            self._event_code
        ]

    def first(self, mask: np.ndarray) -> np.ndarray:
        """Per group, the sorted position of its first row in ``mask`` (-1 if none)."""
        return self.first_of(np.flatnonzero(mask))

    def last(self, mask: np.ndarray) -> np.ndarray:
        """Per group, the sorted position of its last row in ``mask`` (-1 if none)."""
        return self.last_of(np.flatnonzero(mask))

    def first_of(self, positions: np.ndarray) -> np.ndarray:
        """Per group, the first of ``positions`` (ascending sorted positions), or -1."""
        return self._pick(positions, last=False)

    def last_of(self, positions: np.ndarray) -> np.ndarray:
        """Per group, the last of ``positions`` (ascending sorted positions), or -1."""
        return self._pick(positions, last=True)

    def _pick(self, pos: np.ndarray, last: bool) -> np.ndarray:
        out = np.full(len(self.ids), -1, dtype=np.int64)
        if pos.size:
            grp = self.group[pos]
            change = grp[1:] != grp[:-1]
            keep = np.r_[change, True] if last else np.r_[True, change]
            out[grp[keep]] = pos[keep]
        return out

    def next_of(self, mask: np.ndarray, at: np.ndarray) -> np.ndarray:
        """For each sorted position ``at``, the next row in ``mask`` of the same group at
        or after it (-1 if none)."""
        pos = np.flatnonzero(mask)
        if pos.size == 0:
            return np.full(at.size, -1, dtype=np.int64)
        k = np.searchsorted(pos, at, side="left")
        return self._same_group(np.where(k < pos.size, pos[np.minimum(k, pos.size - 1)], -1), at)

    def previous_of(self, mask: np.ndarray, at: np.ndarray) -> np.ndarray:
        """For each sorted position ``at``, the previous row in ``mask`` of the same group
        at or before it (-1 if none)."""
        pos = np.flatnonzero(mask)
        if pos.size == 0:
            return np.full(at.size, -1, dtype=np.int64)
        k = np.searchsorted(pos, at, side="right") - 1
        return self._same_group(np.where(k >= 0, pos[np.maximum(k, 0)], -1), at)

    def _same_group(self, found: np.ndarray, at: np.ndarray) -> np.ndarray:
        ok = found >= 0
        ok[ok] = self.group[found[ok]] == self.group[at[ok]]
        return np.where(ok, found, -1).astype(np.int64)

    def any(self, mask: np.ndarray) -> np.ndarray:
        """Per group, whether any of its rows is in ``mask``."""
        out = np.zeros(len(self.ids), dtype=bool)
        out[self.group[mask]] = True
        return out


def row_error(what: str, log: EventLog, rows: np.ndarray, suggestion: str) -> DataError:
    """A DataError naming each offending row of the log (row = position + 1, as
    :meth:`rules.eventlog.EventLog.validate` numbers them), with its id, event and time."""
    shown = log.take(rows[:SHOWN_ROWS])
    lines = [
        f"  row {row + 1}: id {ident}, event {event}"
        + (f', value "{value}"' if value else "")
        + f", time {pd.Timestamp(time, unit='s', tz='UTC')}"
        for row, ident, event, value, time in zip(
            rows[:SHOWN_ROWS], shown.text("id"), shown.text("event"), shown.text("value"),
            shown.time, strict=True,
        )
    ]
    if rows.size > SHOWN_ROWS:
        lines.append(f"  … and {rows.size - SHOWN_ROWS} more")
    plural = "s" if rows.size > 1 else ""
    return DataError(f"{rows.size} event row{plural}: {what}:\n" + "\n".join(lines)
                     + f"\n{suggestion}")
