"""The canonical event log: one row per ticket or call event, what importers and the
simulator both write and what the measurement engine reads.

In memory an :class:`EventLog` wraps a pandas DataFrame with the columns of
:data:`COLUMNS` (``time`` as float64 epoch seconds UTC, ``event`` categorical of
:data:`EVENTS`, the rest text with "" for empty). Files are CSV (instants in ISO 8601
with their UTC offset) or Parquet (instants as timestamps in UTC).

Reading checks every row at once, vectorised over the whole frame. A row that cannot be
used is rejected with its row number and the reason; because a ticket with one bad row
would be measured wrongly, every other row of that ticket is rejected too ("ticket … has
a rejected row N"). Counts always reconcile: rows read = rows kept + rows rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa

from .coded import CODE, Coded, Labels, Numbered
from .document import close_match, did_you_mean
from .errors import CauError, DataError, InputFileError
from .inputs import check_input, open_data
from .localtime import END_YEAR, FIRST_YEAR
from .outputs import atomic_target, note_input, spreadsheet_text, write_csv

EVENTS: tuple[str, ...] = (
    "call_queued",
    "call_answered",
    "call_abandoned",
    "opened",
    "priority",
    "assigned",
    "waiting_start",
    "waiting_end",
    "resolved",
    "reopened",
    "closed",
)
# Text columns besides the id; a new column is one more name here (files then need it).
ATTRIBUTES: tuple[str, ...] = ("value", "channel", "option", "service", "level", "group")
COLUMNS: tuple[str, ...] = ("id", "time", "event", *ATTRIBUTES)
TEXT_COLUMNS: tuple[str, ...] = ("id", *ATTRIBUTES)
CHANNELS: tuple[str, ...] = ("phone", "email")
OPTIONS: tuple[str, ...] = ("1", "2")
LEVELS: tuple[str, ...] = ("1", "2", "3")
EVENT_DTYPE = pd.CategoricalDtype(list(EVENTS))
EVENT_CODE = np.int8
_EVENT_CODES = {name: code for code, name in enumerate(EVENTS)}
_EVENT_NAMES = np.asarray(EVENTS, dtype=object)
DEFAULT_ZONE = "America/Montreal"
FIRST_CONTACT = "first_contact"

# Life cycle of a ticket and of a call. Each event is allowed in some states and moves
# the id to a new state (None: state unchanged). Ticket and call events of one id follow
# their own cycles, so a simulator may give a call and its ticket the same id.
_NONE, _OPEN, _WAITING, _RESOLVED, _CLOSED = range(5)
_QUEUED, _ENDED = 1, 2
_TICKET_STATES = ("not opened", "open", "waiting on the user", "resolved", "closed")
_CALL_STATES = ("not queued", "queued", "answered or abandoned")
# Closed is not final: real desks reopen closed tickets (both public logs do).
_LIVE = (_OPEN, _WAITING, _RESOLVED)
_ANY = (*_LIVE, _CLOSED)
_TICKET_RULES: dict[str, tuple[tuple[int, ...], int | None]] = {
    "opened": ((_NONE,), _OPEN),
    "priority": (_ANY, None),
    "assigned": (_ANY, None),
    "waiting_start": ((_OPEN,), _WAITING),
    "waiting_end": ((_WAITING,), _OPEN),
    "resolved": ((_OPEN, _WAITING), _RESOLVED),  # an unfinished pause ends at resolution
    "reopened": ((_RESOLVED, _CLOSED), _OPEN),
    "closed": (_LIVE, _CLOSED),
}
_CALL_RULES: dict[str, tuple[tuple[int, ...], int | None]] = {
    "call_queued": ((_NONE,), _QUEUED),
    "call_answered": ((_QUEUED,), _ENDED),
    "call_abandoned": ((_QUEUED,), _ENDED),
}


# -- files ----------------------------------------------------------------------------
def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".parquet":
        return "parquet"
    if suffixes and (suffixes[-1] == ".csv" or suffixes[-2:] == [".csv", ".gz"]):
        return "csv"
    raise InputFileError(
        f'{path}: cannot tell the format from the name; use ".csv", ".csv.gz" or ".parquet"'
    )


def _zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CauError(f'unknown time zone "{zone}"; write e.g. "America/Montreal"') from None


# -- instants -------------------------------------------------------------------------
def _micros(times: np.ndarray) -> np.ndarray:
    """Float epoch seconds as whole microseconds (the precision files keep)."""
    return np.round(np.asarray(times, dtype="float64") * 1e6).astype("int64")


def format_instants(times: np.ndarray, zone: str = DEFAULT_ZONE) -> np.ndarray:
    """ISO 8601 local times with offset, e.g. ``2026-03-02T08:31:00-05:00``.

    Fractional seconds appear only on instants that have them (to the microsecond).
    """
    micros = _micros(times)
    utc = pd.DatetimeIndex(micros.astype("datetime64[us]"), tz="UTC")
    local = utc.tz_convert(_zone(zone)).tz_localize(None)
    wall = local.values.astype("datetime64[us]")
    offsets = (wall.astype("int64") - micros) // 1_000_000
    text = np.datetime_as_string(wall, unit="s").astype(object)
    fractional = micros % 1_000_000 != 0
    if fractional.any():
        fine = np.datetime_as_string(wall[fractional], unit="us")
        text[fractional] = np.char.rstrip(fine, "0")
    signs = np.where(offsets < 0, "-", "+")
    hours, minutes = np.divmod(np.abs(offsets) // 60, 60)
    suffix = {
        (s, h, m): f"{s}{h:02d}:{m:02d}"
        for s, h, m in set(zip(signs.tolist(), hours.tolist(), minutes.tolist(), strict=True))
    }
    tails = [suffix[key] for key in zip(signs.tolist(), hours.tolist(), minutes.tolist(),
                                        strict=True)]
    return np.asarray(text + np.asarray(tails, dtype=object), dtype=object)


# A time of day after the date, then an offset: "2026-03-05" alone is a date (its "-05"
# is the day, not an offset), read as nothing rather than as UTC midnight.
_TIME_OF_DAY = r"^\d{4}-?\d\d-?\d\d[T ]\d\d(?::?\d\d)"
_OFFSET = r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"
_FIRST = float(pd.Timestamp(f"{FIRST_YEAR}-01-01", tz="UTC").timestamp())
_END = float(pd.Timestamp(f"{END_YEAR}-01-01", tz="UTC").timestamp())
EXAMPLE_INSTANT = "2026-03-02T08:31:00-05:00"


def epoch_seconds(stamps: pd.Series) -> np.ndarray:
    """Float epoch seconds of timezone-aware timestamps (NaN for NaT), whatever their unit:
    pandas keeps instants beyond its nanosecond range (years before 1678 or after 2261)
    in microseconds or seconds."""
    wall = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    micros = wall.astype("datetime64[us]")
    whole = micros.astype("int64")
    seconds = whole / 1e6
    # Inside pandas' nanosecond range, the figures its nanosecond arithmetic gives (to the
    # last bit, as every stored result was computed).
    nanos = ~np.isnat(micros) & (np.abs(whole) < np.iinfo("int64").max // 1000)
    seconds[nanos] = (whole[nanos] * 1000).astype("float64") / 1e9
    seconds[np.isnat(micros)] = np.nan
    return seconds


def out_of_range(seconds: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Instants outside the years cau reads: the mask, and a reason for each of them."""
    outside = ~np.isnan(seconds) & ((seconds < _FIRST) | (seconds >= _END))
    reasons = np.full(len(seconds), "", dtype=object)
    for i in np.flatnonzero(outside):
        reasons[i] = (f'time "{texts[i]}" is outside the years {FIRST_YEAR}–{END_YEAR - 1} '
                      "that cau reads")
    return outside, reasons


def parse_instants(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds (NaN where unusable) and a reason per row ("" when fine).

    An instant must be ISO 8601 with a time of day and a UTC offset: a local time without
    one is ambiguous, a date alone is not an instant. Spaces around it are ignored.
    """
    text = text.astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    seconds = epoch_seconds(parsed)
    reasons = np.full(len(text), "", dtype=object)
    empty = (text == "").to_numpy()
    unread = np.isnan(seconds) & ~empty
    no_time = ~np.isnan(seconds) & ~text.str.contains(_TIME_OF_DAY, regex=True).to_numpy()
    no_offset = ~np.isnan(seconds) & ~no_time & ~text.str.contains(
        _OFFSET, regex=True).to_numpy()
    reasons[empty] = "missing time"
    values = text.to_numpy(dtype=object)
    for i in np.flatnonzero(unread):
        reasons[i] = f'cannot read time "{values[i]}" as an ISO 8601 instant'
    for i in np.flatnonzero(no_time):
        reasons[i] = (f'time "{values[i]}" has no time of day; write it like '
                      f"{EXAMPLE_INSTANT}")
    for i in np.flatnonzero(no_offset):
        reasons[i] = f'time "{values[i]}" has no UTC offset; write it like {EXAMPLE_INSTANT}'
    outside, far = out_of_range(seconds, values)
    reasons[outside & (reasons == "")] = far[outside & (reasons == "")]
    seconds[no_time | no_offset | outside] = np.nan
    return seconds, reasons


# -- validation -----------------------------------------------------------------------
def _groups(ids: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions grouped by id (file order kept within an id), and each id's code.

    Returns (order, code per row, True where a sorted position starts a new id).
    """
    codes, _ = pd.factorize(ids, sort=False)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = sorted_codes[1:] != sorted_codes[:-1]
    return order, codes, starts


def _state_before(new_state: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For positions grouped by id: the state set by the last earlier event of the same
    id (new_state >= 0), or 0 (not yet begun) when there is none."""
    n = len(new_state)
    positions = np.arange(n)
    last = np.maximum.accumulate(np.where(new_state >= 0, positions, -1))
    before = np.empty(n, dtype="int64")
    before[:1] = -1
    before[1:] = last[:-1]
    group_start = np.maximum.accumulate(np.where(starts, positions, 0))
    valid = before >= group_start
    return np.where(valid, new_state[np.where(valid, before, 0)], 0)


def _order_problems(
    codes: np.ndarray, starts: np.ndarray, rules: Mapping[str, tuple[tuple[int, ...], int | None]],
    states: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted positions whose event is not allowed in its id's state, and that state."""
    table_new = np.full(len(EVENTS) + 1, -1, dtype="int64")
    allowed = np.zeros((len(EVENTS) + 1, len(states)), dtype=bool)
    allowed[:, :] = True  # events of the other cycle (and unknown ones) are not judged here
    for name, (before, after) in rules.items():
        code = EVENTS.index(name)
        allowed[code, :] = False
        allowed[code, list(before)] = True
        table_new[code] = -1 if after is None else after
    new_state = table_new[codes]
    state = _state_before(new_state, starts)
    bad = ~allowed[codes, state]
    return np.flatnonzero(bad), state[bad]


def _order_reason(event: str, state: int, states: tuple[str, ...], noun: str,
                  rules: Mapping[str, tuple[tuple[int, ...], int | None]]) -> str:
    first = "opened" if noun == "ticket" else "call_queued"
    if state == _NONE:
        return f'"{event}" before "{first}"'
    allowed = " or ".join(states[s] for s in rules[event][0])
    return f'"{event}" while the {noun} is {states[state]} (allowed only when {allowed})'


def find_problems(
    frame: pd.DataFrame,
    reasons: np.ndarray | None = None,
    priorities: Collection[str] | None = None,
) -> np.ndarray:
    """The reason each row of a canonical frame cannot be used ("" when it can).

    ``frame`` has the columns of :data:`COLUMNS` (``event`` as text or categorical,
    ``time`` as epoch seconds, NaN where unreadable); ``reasons`` holds reasons already
    found (e.g. unreadable instants), which take precedence. Rows are judged in their
    order, grouped by id. ``priorities``: the known priority codes (any non-empty code
    is accepted when None).
    """
    n = len(frame)
    reasons = np.full(n, "", dtype=object) if reasons is None else reasons.copy()

    def flag(mask: np.ndarray, reason: str | np.ndarray) -> None:
        mask = mask & (reasons == "")
        reasons[mask] = reason if isinstance(reason, str) else reason[mask]

    def flag_values(mask: np.ndarray, column: pd.Series, explain: Any) -> None:
        mask = mask & (reasons == "")
        if mask.any():
            texts = column[mask].astype(str).to_numpy(dtype=object)
            words = {w: explain(w) for w in pd.unique(texts)}
            reasons[mask] = [words[w] for w in texts]

    ids = frame["id"].astype(str)
    flag((ids == "").to_numpy(), "missing id")
    flag(np.isnan(frame["time"].to_numpy(dtype="float64")), "missing time")

    codes = event_codes(frame["event"])
    flag_values(
        codes < 0, frame["event"],
        lambda w: f'unknown event "{w}"' + _hint(did_you_mean(w, EVENTS)),
    )
    values = frame["value"].astype(str)
    is_priority = codes == EVENTS.index("priority")
    flag(is_priority & (values == "").to_numpy(), 'a "priority" event needs a priority code')
    if priorities is not None:
        known = sorted(priorities)
        flag_values(
            is_priority & ~values.isin(known).to_numpy(), values,
            lambda w: f'unknown priority "{w}"' + _hint(did_you_mean(w, known)),
        )
    flag_values(
        (codes == EVENTS.index("assigned")) & ~values.isin(("", *LEVELS)).to_numpy(), values,
        lambda w: f'unknown level "{w}" in the value of "assigned"' + _hint(
            did_you_mean(w, LEVELS)),
    )
    for column, allowed in (("channel", CHANNELS), ("option", OPTIONS), ("level", LEVELS)):
        texts = frame[column].astype(str)
        flag_values(
            ~texts.isin(("", *allowed)).to_numpy(), texts,
            lambda w, column=column, allowed=allowed: f'unknown {column} "{w}"'
            + _hint(did_you_mean(w, allowed)),
        )

    order, _, starts = _groups(ids)
    times = frame["time"].to_numpy(dtype="float64")[order]
    backwards = np.zeros(n, dtype=bool)
    backwards[1:] = (times[1:] < times[:-1]) & ~starts[1:]
    if backwards.any():
        back = np.flatnonzero(backwards)
        stamp = format_instants(np.concatenate([times[back], times[back - 1]]), "UTC")
        text = np.full(n, "", dtype=object)
        text[order[back]] = [
            f"time goes backwards: {a} is before the previous event of this id at {b}"
            for a, b in zip(stamp[: len(back)], stamp[len(back):], strict=True)
        ]
        flag(text != "", text)

    sorted_codes = np.where(codes < 0, len(EVENTS), codes)[order]
    for rules, states, noun in (
        (_TICKET_RULES, _TICKET_STATES, "ticket"),
        (_CALL_RULES, _CALL_STATES, "call"),
    ):
        bad, state = _order_problems(sorted_codes, starts, rules, states)
        if len(bad):
            text = np.full(n, "", dtype=object)
            text[order[bad]] = [
                _order_reason(EVENTS[c], s, states, noun, rules)
                for c, s in zip(sorted_codes[bad].tolist(), state.tolist(), strict=True)
            ]
            flag(text != "", text)
    return reasons


def event_codes(events: pd.Series) -> np.ndarray:
    """Each event's index in :data:`EVENTS` (-1 when unknown or missing)."""
    known = pd.Index(EVENTS)
    if isinstance(events.dtype, pd.CategoricalDtype):
        recode = np.append(known.get_indexer(events.cat.categories), -1)
        return recode[events.cat.codes.to_numpy()].astype("int64")
    return known.get_indexer(pd.Index(events.astype(str))).astype("int64")


def _hint(sentence: str | None) -> str:
    return f"; {sentence[0].lower()}{sentence[1:]}" if sentence else ""


# The reason given to the other rows of a ticket that has a rejected row; ``ReadReport``
# tells those rows from the rows rejected for a fault of their own by this same pattern.
_CONDEMNED = 'ticket "{id}" has a rejected row {row}'
_CONDEMNED_PATTERN = re.compile(r'ticket ".*" has a rejected row \d+')


def reject_whole_tickets(ids: pd.Series, rows: np.ndarray, reasons: np.ndarray) -> np.ndarray:
    """Reasons with every other row of an id that has a rejected row rejected too.

    A ticket missing one of its events would be measured wrongly, so it is dropped
    whole; its other rows say which row condemned it (the first rejected one).
    """
    bad = reasons != ""
    if not bad.any():
        return reasons
    codes, uniques = pd.factorize(ids.astype(str), sort=False)
    first_bad = np.full(len(uniques), np.iinfo("int64").max, dtype="int64")
    np.minimum.at(first_bad, codes[bad], rows[bad])
    condemned = (first_bad[codes] != np.iinfo("int64").max) & ~bad
    out = reasons.copy()
    names = np.asarray(uniques, dtype=object)
    out[condemned] = [
        _CONDEMNED.format(id=i, row=r)
        for i, r in zip(names[codes[condemned]], first_bad[codes[condemned]], strict=True)
    ]
    return out


# -- the log --------------------------------------------------------------------------
@dataclass(eq=False)
class ReadReport:
    """What reading (or importing) did: rows read = rows kept + rows rejected.

    ``rejects`` has one row per rejected input row: ``row`` (1-based line of the file,
    the header being line 1), ``reason``, then the row's own columns as read.
    """

    source: str
    rows_kept: int
    tickets: int
    events: int
    rejects: pd.DataFrame = field(repr=False)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejects)

    @property
    def rows_read(self) -> int:
        return self.rows_kept + self.rows_rejected

    def faults(self) -> pd.DataFrame:
        """``row`` and ``reason`` of the rows rejected for a fault of their own (not only
        for being part of a ticket with a rejected row): where a user should look."""
        own = ~self.rejects["reason"].str.fullmatch(_CONDEMNED_PATTERN)
        return self.rejects.loc[own, ["row", "reason"]]

    def first_fault(self) -> tuple[int, str] | None:
        """The first row rejected for a fault of its own."""
        faults = self.faults()
        if faults.empty:
            return None
        row, reason = faults.iloc[0]
        return int(row), str(reason)

    def write_rejects(self, path: str | Path) -> None:
        """The rejected rows as CSV (spreadsheet-safe, written atomically)."""
        write_csv(self.rejects, path)


class EventLog:
    """A canonical event log (see the module docstring); ``report`` is set when the log
    was read or validated.

    In memory the log is columnar: ``time`` (float64 epoch seconds UTC), ``event``
    (int8 codes into :data:`EVENTS`) and one :class:`~rules.coded.Coded` column per name
    of :data:`TEXT_COLUMNS` (``columns``), so measuring compares and groups integers.
    Text is made when a file is written, or when :attr:`frame` is asked for. Make a log
    from arrays with :class:`EventLogBuilder`; ``EventLog(frame)`` codes a frame of text.
    """

    def __init__(self, frame: pd.DataFrame, report: ReadReport | None = None):
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise DataError("event log frame lacks the column(s) " + ", ".join(missing))
        codes = event_codes(frame["event"])
        if (codes < 0).any():
            bad = frame["event"][codes < 0].astype(str).unique()[:5]
            raise DataError("unknown event(s) " + ", ".join(f'"{b}"' for b in bad))
        self._set(
            frame["time"].to_numpy(dtype="float64"),
            codes.astype(EVENT_CODE),
            {c: Coded.of(frame[c].reset_index(drop=True)) for c in TEXT_COLUMNS},
            report,
        )

    def _set(self, time: np.ndarray, event: np.ndarray, columns: dict[str, Coded],
             report: ReadReport | None) -> None:
        self.time = time
        self.event = event
        self.columns = columns
        self.report = report
        self._frame: pd.DataFrame | None = None

    @classmethod
    def from_columns(cls, time: np.ndarray, event: np.ndarray, columns: Mapping[str, Coded],
                     report: ReadReport | None = None) -> EventLog:
        """A log of these columns as they are (``event``: codes into :data:`EVENTS`)."""
        log = cls.__new__(cls)
        log._set(np.asarray(time, dtype="float64"), np.asarray(event, dtype=EVENT_CODE),
                 {c: columns[c] for c in TEXT_COLUMNS}, report)
        return log

    def __len__(self) -> int:
        return len(self.time)

    def __repr__(self) -> str:
        ids = np.unique(self.ids.codes).size
        return f"EventLog({len(self)} events, {ids} ids)"

    @property
    def ids(self) -> Coded:
        return self.columns["id"]

    @property
    def nbytes(self) -> int:
        """Bytes the log holds: its arrays and its explicit labels' texts."""
        labels = sum(
            sum(len(t) + 49 for t in part.tolist()) + part.nbytes
            for column in self.columns.values() for part in column.labels.parts
            if isinstance(part, np.ndarray)
        )
        return (self.time.nbytes + self.event.nbytes + labels
                + sum(c.codes.nbytes for c in self.columns.values()))

    def text(self, column: str) -> np.ndarray:
        """The text of every row of a text column, or the events' names (object array)."""
        if column == "event":
            return _EVENT_NAMES[self.event]
        return self.columns[column].text()

    @property
    def frame(self) -> pd.DataFrame:
        """The log as a pandas frame (text columns categorical), made once when asked:
        for notebooks and tests; the measurement reads the codes."""
        if self._frame is None:
            self._frame = pd.DataFrame(
                {
                    "id": self.ids.categorical(),
                    "time": self.time,
                    "event": pd.Categorical.from_codes(self.event, dtype=EVENT_DTYPE),
                    **{c: self.columns[c].categorical() for c in TEXT_COLUMNS[1:]},
                },
                columns=list(COLUMNS),
            )
        return self._frame

    def take(self, rows: np.ndarray) -> EventLog:
        """The events at these positions (or where this mask is true), in that order."""
        return EventLog.from_columns(
            self.time[rows], self.event[rows], {c: v.take(rows) for c, v in self.columns.items()}
        )

    def in_time_order(self) -> EventLog:
        """The events sorted by time; events of one instant in life-cycle order (the order
        of :data:`EVENTS`), then in their order here."""
        return self.take(np.lexsort((self.event, self.time)))

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> EventLog:
        """A log from dicts with the keys of :data:`COLUMNS` (``value`` and the
        attributes may be left out)."""
        builder = EventLogBuilder()
        for record in records:
            builder.add(**record)
        return builder.build()

    @classmethod
    def concat(cls, logs: Iterable[EventLog]) -> EventLog:
        """The events of every log, one after the other."""
        builder = EventLogBuilder()
        for log in logs:
            builder.add_log(log)
        return builder.build()

    def validate(self, priorities: Collection[str] | None = None) -> EventLog:
        """The usable events of this log, with a :class:`ReadReport` (row = position + 1)."""
        rows = np.arange(1, len(self) + 1, dtype="int64")
        frame = self.text_frame()
        return _split(frame, rows, find_problems(frame, priorities=priorities),
                      "(in memory)", lambda bad: frame.loc[bad])

    def text_frame(self, zone: str | None = None) -> pd.DataFrame:
        """Every column as text (``time`` as ISO 8601 in ``zone``, or epoch seconds when
        no zone is given): what a file receives."""
        return pd.DataFrame(
            {
                "id": self.ids.text(),
                "time": self.time if zone is None else format_instants(self.time, zone),
                "event": self.text("event"),
                **{c: self.columns[c].text() for c in TEXT_COLUMNS[1:]},
            },
            columns=list(COLUMNS),
        )

    def write(self, path: str | Path, zone: str = DEFAULT_ZONE) -> None:
        """Write as CSV (instants local to ``zone``, with offset) or Parquet (UTC
        timestamps), by the file's suffix; atomically. Text is made here."""
        path = Path(path)
        kind = _suffix(path)
        if kind == "csv":
            write_csv(self.text_frame(zone), path,
                      compression="gzip" if path.suffix == ".gz" else None)
            return
        with atomic_target(path) as temp:
            import pyarrow.parquet as pq  # Parquet only where it is read or written

            pq.write_table(self._arrow(), temp)

    def _arrow(self) -> pa.Table:
        def text(coded: Coded) -> pa.Array:
            labels = pa.array(coded.labels.all(), pa.string())
            return labels.take(pa.array(coded.codes)) if len(labels) else pa.array(
                coded.text(), pa.string())

        columns: dict[str, pa.Array] = {
            "id": text(self.ids),
            "time": pa.array(_micros(self.time), pa.timestamp("us", "UTC")),
            "event": pa.DictionaryArray.from_arrays(
                pa.array(self.event.astype("int8")), pa.array(list(EVENTS))
            ),
        }
        for c in TEXT_COLUMNS[1:]:
            columns[c] = text(self.columns[c])
        return pa.table(columns)


class EventLogBuilder:
    """The one way to make an :class:`EventLog` from code: a simulator, an importer, a
    test. Events come in blocks of numpy arrays (:meth:`add` with arrays: no Python loop
    per event) or one at a time (:meth:`add` with scalars, e.g. from a SimPy process);
    the log is coded once, in :meth:`build`.

    Ids are texts, or codes of ids reserved with :meth:`numbered_ids` (``C0`` …: never
    made text until written; a text id such ranges write is the same id). Values and
    attributes (:data:`ATTRIBUTES`) are a text for the whole block, an array of texts,
    or a :class:`~rules.coded.Coded` column; events are a name of :data:`EVENTS` or an
    array of codes into it.
    """

    def __init__(self) -> None:
        self._ranges: list[Numbered] = []
        self._numbered = 0
        self._blocks: list[dict[str, Any]] = []
        self._rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}

    def __len__(self) -> int:
        return sum(len(b["time"]) for b in self._blocks) + len(self._rows["time"])

    def numbered_ids(self, prefix: str, count: int, *, first: int = 0, width: int = 0
                     ) -> np.ndarray:
        """Reserve ``count`` ids ``prefix`` + number (from ``first``, zero-padded to
        ``width``); returns their codes, to give :meth:`add` as ``id``."""
        if any(r.prefix == prefix for r in self._ranges):
            raise ValueError(f"numbered ids {prefix!r} are already reserved")
        self._ranges.append(Numbered(prefix, count, first, width))
        codes = np.arange(self._numbered, self._numbered + count, dtype=CODE)
        self._numbered += count
        return codes

    def add(self, id: Any, time: Any, event: Any, value: Any = "", **attributes: Any) -> None:
        """Events: one (scalars) or a block (``time`` an array; every other argument an
        array of the same length or one value for all)."""
        unknown = set(attributes) - set(ATTRIBUTES)
        if unknown:
            raise TypeError(f"unknown event log column(s) {sorted(unknown)}; "
                            f"the columns are {', '.join(COLUMNS)}")
        if isinstance(event, str) and event not in _EVENT_CODES:
            raise DataError(f'unknown event "{event}"' + _hint(did_you_mean(event, EVENTS)))
        if np.ndim(time) == 0:
            row = {"id": id, "time": float(time), "event": event, "value": value,
                   **{c: attributes.get(c, "") for c in ATTRIBUTES[1:]}}
            for c in COLUMNS:
                self._rows[c].append(row[c])
            return
        n = len(time)
        block: dict[str, Any] = {"time": np.asarray(time, dtype="float64")}
        block["id"] = id if isinstance(id, str) else np.asarray(id)
        block["event"] = (np.full(n, _EVENT_CODES[event], dtype=EVENT_CODE)
                          if isinstance(event, str) else np.asarray(event, dtype=EVENT_CODE))
        block["value"] = value
        for c in ATTRIBUTES[1:]:
            block[c] = attributes.get(c, "")
        for c, v in block.items():
            if not isinstance(v, str | Coded) and np.ndim(v) and len(v) != n:
                raise ValueError(f"column {c}: {len(v)} values for {n} events")
        self._blocks.append(block)

    def add_log(self, log: EventLog) -> None:
        """Every event of ``log`` (its ids as text: the same text is the same id)."""
        self.add(log.ids.text(), log.time, log.event,
                 **{c: log.columns[c] for c in ATTRIBUTES})

    def build(self) -> EventLog:
        """The log of every event added, in the order added (blocks, then single events)."""
        blocks = list(self._blocks)
        if self._rows["time"]:
            rows = self._rows
            blocks.append({
                "time": np.asarray(rows["time"], dtype="float64"),
                "id": np.asarray(rows["id"], dtype=object),
                "event": event_codes(pd.Series(rows["event"], dtype=object)),
                **{c: np.asarray(rows[c], dtype=object) for c in ATTRIBUTES},
            })
        sizes = [len(b["time"]) for b in blocks]
        time = np.concatenate([b["time"] for b in blocks]) if blocks else np.zeros(0)
        event = (np.concatenate([b["event"] for b in blocks]) if blocks
                 else np.zeros(0, dtype=EVENT_CODE))
        if (event < 0).any() or (event >= len(EVENTS)).any():
            raise DataError(f"event codes outside 0…{len(EVENTS) - 1} among those added")
        columns = {"id": self._ids([b["id"] for b in blocks], sizes)}
        for c in ATTRIBUTES:
            columns[c] = _code_texts([b[c] for b in blocks], sizes)
        return EventLog.from_columns(time, event.astype(EVENT_CODE), columns)

    def _ids(self, parts: list[Any], sizes: list[int]) -> Coded:
        """Id codes: numbered codes as given, texts resolved against the numbered ranges
        first, the others coded as explicit ids after them."""
        codes, texts = [], []
        for part, n in zip(parts, sizes, strict=True):
            if isinstance(part, str):
                part = np.full(n, part, dtype=object)
            if part.dtype.kind in "iu":
                codes.append(part.astype(CODE))
                texts.append(np.zeros(n, dtype=bool))
                continue
            # single events may mix codes and texts
            is_code = np.fromiter((isinstance(i, int | np.integer) for i in part), bool, n)
            codes.append(np.where(is_code, part, -1).astype(CODE) if is_code.any()
                         else np.full(n, -1, dtype=CODE))
            texts.append(~is_code)
        every = np.concatenate(codes) if codes else np.zeros(0, dtype=CODE)
        wanted = np.concatenate(texts) if texts else np.zeros(0, dtype=bool)
        explicit = np.zeros(0, dtype=object)
        if wanted.any():
            text = np.concatenate([p if not isinstance(p, str) else np.full(n, p, dtype=object)
                                   for p, n in zip(parts, sizes, strict=True)])[wanted]
            text = pd.Series(text, dtype=object).astype(str)
            found = Labels(self._ranges).find(text.to_numpy()) if self._ranges else np.full(
                text.size, -1, dtype=CODE)
            rest = found < 0
            local, uniques = pd.factorize(text[rest], sort=False)
            found[rest] = local + self._numbered
            explicit = np.asarray(uniques, dtype=object)
            every[wanted] = found
        return Coded(every, Labels([*self._ranges, explicit]))


def _code_texts(parts: list[Any], sizes: list[int]) -> Coded:
    """One coded column from blocks, each a text for all its rows, an array of texts or a
    Coded column: every block's distinct texts coded together (no loop over rows)."""
    local: list[np.ndarray | None] = []  # None: one text for the whole block
    labels: list[np.ndarray] = []
    for part in parts:
        if isinstance(part, Coded):  # its texts in the order they first come, as for texts
            codes, used = pd.factorize(part.codes, sort=False)
            local.append(codes)
            labels.append(part.labels.text(used))
        elif isinstance(part, str) or np.ndim(part) == 0:
            local.append(None)
            labels.append(np.array(["" if part is None else str(part)], dtype=object))
        else:
            coded = Coded.of(part)
            local.append(coded.codes)
            labels.append(coded.labels.all())
    if not parts:
        return Coded(np.zeros(0, dtype=CODE), Labels.of([]))
    merged, uniques = pd.factorize(pd.Series(np.concatenate(labels), dtype=object), sort=False)
    merged = merged.astype(CODE)
    starts = np.concatenate([[0], np.cumsum([len(x) for x in labels])])
    codes = np.concatenate([
        np.full(n, merged[start], dtype=CODE) if c is None else merged[start + c]
        for start, c, n in zip(starts, local, sizes, strict=False)
    ])
    return Coded(codes, Labels([np.asarray(uniques, dtype=object)]))


# -- reading --------------------------------------------------------------------------
def _split(
    frame: pd.DataFrame, rows: np.ndarray, reasons: np.ndarray, source: str,
    shown: Callable[[np.ndarray], pd.DataFrame],
) -> EventLog:
    """Keep the rows without a reason (whole tickets), report the others; ``shown``
    gives the rejected rows as they are shown in the rejects (given the rejected mask)."""
    reasons = reject_whole_tickets(frame["id"], rows, reasons)
    bad = reasons != ""
    rejects = shown(bad).reset_index(drop=True)
    rejects.insert(0, "reason", reasons[bad].astype(str))
    rejects.insert(0, "row", rows[bad])
    kept = frame.loc[~bad].reset_index(drop=True)
    log = EventLog(kept)
    log.report = ReadReport(
        source=source,
        rows_kept=len(kept),
        tickets=int(kept["id"].nunique()),
        events=len(kept),
        rejects=rejects,
    )
    return log


def column_hints(missing: Sequence[str], found: Sequence[str]) -> str:
    """What to say of columns a file lacks: the close names it has ("did you mean"), or
    else the columns it has (the first dozen)."""
    close = [f'"{c}": Did you mean "{m}"?' for c in missing if (m := close_match(c, found))]
    if close:
        return " ".join(close)
    shown = ", ".join(f'"{c}"' for c in found[:12]) + (", …" if len(found) > 12 else "")
    count = len(found)
    return (f"The file has {count} column{'s' if count != 1 else ''}: {shown}." if found
            else "The file's header line is empty.")


def _missing_columns(found: list[str], path: Path) -> None:
    missing = [c for c in COLUMNS if c not in found]
    if missing:
        raise DataError(
            f"{path}: missing column{'s' if len(missing) != 1 else ''} "
            + ", ".join(f'"{c}"' for c in missing)
            + "; an event log has the columns " + ", ".join(COLUMNS) + ". "
            + column_hints(missing, found)
        )


def read_event_log(
    path: str | Path, priorities: Collection[str] | None = None,
    rejects: str | Path | None = None,
) -> EventLog:
    """Read a CSV or Parquet event log, keeping the usable rows.

    The returned log's ``report`` counts rows read, kept and rejected; ``rejects``
    (optional) receives the rejected rows with their row number and reason.
    """
    path = Path(path)
    kind = _suffix(path)
    check_input(path)
    note_input(path)
    try:
        if kind == "csv":
            with open_data(path) as handle:
                text = pd.read_csv(handle, dtype=str, keep_default_na=False, na_filter=False)
            _missing_columns(list(text.columns), path)
            for column in TEXT_COLUMNS:  # as written, before spreadsheet-safe quoting
                text[column] = spreadsheet_text(text[column])
            seconds, reasons = parse_instants(text["time"])
            text["event"] = text["event"].astype("category")
            first_row = 2  # line 1 is the header
        else:
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            _missing_columns(table.column_names, path)
            text, seconds, reasons = _from_arrow(table, path)
            first_row = 1
    except pd.errors.EmptyDataError:
        raise InputFileError(f"{path}: is empty; an event log starts with the header line "
                             + ",".join(COLUMNS)) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pa.ArrowException) as exc:
        raise InputFileError(f"{path}: cannot be read as {kind.upper()} ({exc})") from None
    frame = text.assign(time=seconds)[list(COLUMNS)]
    rows = np.arange(first_row, first_row + len(frame), dtype="int64")

    def shown(bad: np.ndarray) -> pd.DataFrame:
        if kind == "csv":
            return text.loc[bad, list(COLUMNS)]
        utc = format_instants(np.nan_to_num(seconds[bad]), "UTC")
        return text.loc[bad].assign(time=np.where(np.isnan(seconds[bad]), "", utc))[
            list(COLUMNS)
        ]

    log = _split(frame, rows, find_problems(frame, reasons, priorities), str(path), shown)
    if rejects is not None and log.report is not None:
        log.report.write_rejects(rejects)
    return log


def _from_arrow(table: pa.Table, path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    time = table.column("time")
    if not pa.types.is_timestamp(time.type) or time.type.tz is None:
        raise DataError(
            f'{path}: column "time" is {time.type}; expected a timestamp with time zone (UTC)'
        )
    micros = time.cast(pa.timestamp("us", "UTC")).cast(pa.int64()).to_numpy(zero_copy_only=False)
    seconds = np.asarray(micros, dtype="float64") / 1e6
    missing = np.asarray(time.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    seconds[missing] = np.nan
    reasons = np.where(missing, "missing time", "").astype(object)
    data = {}
    for c in COLUMNS:
        if c == "time":
            continue
        column = table.column(c)
        if c == "event":  # categorical: cheap to check and to keep
            if not pa.types.is_dictionary(column.type):
                column = column.dictionary_encode()
            data[c] = column.to_pandas()
        else:
            data[c] = pd.Series(column.to_pandas(), dtype="str").fillna("")
    return pd.DataFrame(data), seconds, reasons
