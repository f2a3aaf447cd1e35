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

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .document import close_match, did_you_mean
from .errors import CauError, DataError, InputFileError

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
COLUMNS: tuple[str, ...] = (
    "id", "time", "event", "value", "channel", "option", "service", "level", "group",
)
TEXT_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("time", "event"))
CHANNELS: tuple[str, ...] = ("phone", "email")
OPTIONS: tuple[str, ...] = ("1", "2")
LEVELS: tuple[str, ...] = ("1", "2", "3")
EVENT_DTYPE = pd.CategoricalDtype(list(EVENTS))
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
@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it only if the block succeeds.

    Nothing half-written is ever left at ``path``: on error the temporary file is removed.
    The file gets the permissions an ordinary ``open`` would give it (0666 less the umask),
    not ``mkstemp``'s private 0600, so a published dashboard can be read by others.
    """
    path = Path(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be written ({exc})") from None
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(handle, 0o666 & ~umask)
    os.close(handle)
    try:
        yield Path(temp)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):  # disk full, or ``path`` is a directory
            raise InputFileError(f"{path}: cannot be written ({exc})") from None
        raise


def make_directory(path: str | Path) -> Path:
    """``path`` as a directory, created with its parents if need be."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be created as a directory ({exc})") from None
    return path


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


_OFFSET = r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"


def parse_instants(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds (NaN where unusable) and a reason per row ("" when fine).

    An instant must be ISO 8601 with a UTC offset: a local time without one is ambiguous.
    """
    text = text.astype(str)
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    seconds = np.array(
        (parsed - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1), dtype="float64"
    )
    reasons = np.full(len(text), "", dtype=object)
    empty = (text.str.strip() == "").to_numpy()
    unread = np.isnan(seconds) & ~empty
    no_offset = ~np.isnan(seconds) & ~text.str.contains(_OFFSET, regex=True).to_numpy()
    reasons[empty] = "missing time"
    values = text.to_numpy(dtype=object)
    for i in np.flatnonzero(unread):
        reasons[i] = f'cannot read time "{values[i]}" as an ISO 8601 instant'
    for i in np.flatnonzero(no_offset):
        reasons[i] = (
            f'time "{values[i]}" has no UTC offset; write it like 2026-03-02T08:31:00-05:00'
        )
    seconds[no_offset] = np.nan
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

    def first_fault(self) -> tuple[int, str] | None:
        """The first row rejected for a fault of its own (not only for being part of a
        ticket with a rejected row): where a user should look first."""
        own = ~self.rejects["reason"].str.fullmatch(_CONDEMNED_PATTERN)
        if not own.any():
            return None
        row, reason = self.rejects.loc[own, ["row", "reason"]].iloc[0]
        return int(row), str(reason)

    def write_rejects(self, path: str | Path) -> None:
        """The rejected rows as CSV (written atomically)."""
        with atomic_target(path) as temp:
            self.rejects.to_csv(temp, index=False)


class EventLog:
    """A canonical event log (see the module docstring); ``report`` is set when the log
    was read or validated."""

    def __init__(self, frame: pd.DataFrame, report: ReadReport | None = None):
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise DataError("event log frame lacks the column(s) " + ", ".join(missing))
        codes = event_codes(frame["event"])
        if (codes < 0).any():
            bad = frame["event"][codes < 0].astype(str).unique()[:5]
            raise DataError("unknown event(s) " + ", ".join(f'"{b}"' for b in bad))
        events = pd.Categorical.from_codes(codes, dtype=EVENT_DTYPE)
        index = pd.RangeIndex(len(frame))
        columns = {c: frame[c].fillna("").astype("str").set_axis(index) for c in TEXT_COLUMNS}
        self.frame = pd.DataFrame(
            {
                "id": columns["id"],
                "time": pd.Series(frame["time"].to_numpy(dtype="float64"), index=index),
                "event": pd.Series(events, index=index),
                **{c: columns[c] for c in TEXT_COLUMNS if c != "id"},
            },
            columns=list(COLUMNS),
        )
        self.report = report

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events, {self.frame['id'].nunique()} ids)"

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
        frames = [log.frame for log in logs]
        if not frames:
            return EventLogBuilder().build()
        return cls(pd.concat(frames, ignore_index=True))

    def validate(self, priorities: Collection[str] | None = None) -> EventLog:
        """The usable events of this log, with a :class:`ReadReport` (row = position + 1)."""
        rows = np.arange(1, len(self) + 1, dtype="int64")
        return _split(self.frame, rows, find_problems(self.frame, priorities=priorities),
                      "(in memory)", lambda bad: self.frame.loc[bad])

    def write(self, path: str | Path, zone: str = DEFAULT_ZONE) -> None:
        """Write as CSV (instants local to ``zone``, with offset) or Parquet (UTC
        timestamps), by the file's suffix; atomically."""
        path = Path(path)
        kind = _suffix(path)
        with atomic_target(path) as temp:
            if kind == "csv":
                out = self.frame.copy()
                out["time"] = format_instants(out["time"].to_numpy(), zone)
                out.to_csv(temp, index=False, compression="gzip" if path.suffix == ".gz" else None)
            else:
                pq.write_table(self._arrow(), temp)

    def _arrow(self) -> pa.Table:
        columns: dict[str, pa.Array] = {
            "id": pa.array(self.frame["id"]).cast(pa.string()),
            "time": pa.array(_micros(self.frame["time"].to_numpy()), pa.timestamp("us", "UTC")),
            "event": pa.DictionaryArray.from_arrays(
                pa.array(self.frame["event"].cat.codes.to_numpy(dtype="int8")),
                pa.array(list(EVENTS)),
            ),
        }
        for c in TEXT_COLUMNS[1:]:
            columns[c] = pa.array(self.frame[c]).cast(pa.string())
        return pa.table(columns)


class EventLogBuilder:
    """Collects events as Python lists and builds the :class:`EventLog` once, so a
    simulator can append millions of events cheaply."""

    def __init__(self) -> None:
        self._columns: dict[str, list[Any]] = {c: [] for c in COLUMNS}

    def __len__(self) -> int:
        return len(self._columns["id"])

    def add(
        self, id: str, time: float, event: str, value: str = "", *, channel: str = "",
        option: str = "", service: str = "", level: str = "", group: str = "",
    ) -> None:
        c = self._columns
        c["id"].append(id)
        c["time"].append(time)
        c["event"].append(event)
        c["value"].append(value)
        c["channel"].append(channel)
        c["option"].append(option)
        c["service"].append(service)
        c["level"].append(level)
        c["group"].append(group)

    def build(self) -> EventLog:
        frame = pd.DataFrame({c: pd.Series(v, dtype="float64" if c == "time" else "str")
                              for c, v in self._columns.items()})
        return EventLog(frame)


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
    return f"The file has the column(s) {shown}." if found else "The file has no column."


def _missing_columns(found: list[str], path: Path) -> None:
    missing = [c for c in COLUMNS if c not in found]
    if missing:
        extra = [c for c in found if c not in COLUMNS]
        raise DataError(
            f"{path}: missing column(s) " + ", ".join(f'"{c}"' for c in missing)
            + "; an event log has the columns " + ", ".join(COLUMNS) + ". "
            + column_hints(missing, extra)
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
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    try:
        if kind == "csv":
            text = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
            _missing_columns(list(text.columns), path)
            seconds, reasons = parse_instants(text["time"])
            text["event"] = text["event"].astype("category")
            first_row = 2  # line 1 is the header
        else:
            table = pq.read_table(path)
            _missing_columns(table.column_names, path)
            text, seconds, reasons = _from_arrow(table, path)
            first_row = 1
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
