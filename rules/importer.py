"""Declarative importers: a YAML mapping turns a ticket-tool export into the canonical
event log, with no code.

A :class:`Mapping` names the source's columns (id, time, state, and optionally the
opening and resolution instants, priority, level, group, channel, option, service),
how instants are written, and how source values become canonical ones. Each source
state is given a *status* (``open``, ``waiting``, ``resolved``, ``closed`` or ``ignore``);
the events come from the changes of status between consecutive rows of a ticket
(taken in file order), so an export with one row per update (ServiceNow) and one with
one row per event (Volvo) read alike:

- the first row opens the ticket (at the ``opened`` column's instant when given);
- open → waiting is ``waiting_start``, waiting → open ``waiting_end``; → resolved is
  ``resolved`` (a pause in progress ends first), resolved → open ``reopened``, → closed
  ``closed``; the ticket's last resolution takes the ``resolved`` column's instant when given;
- a change of priority is a ``priority`` event, a change of level or group an ``assigned``.

Every row is checked (unreadable instant, unknown state or value) and then every event
(the rules of :mod:`rules.eventlog`); a ticket with a rejected row is rejected whole.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from .document import Document, Node, did_you_mean
from .errors import DataError, InputFileError
from .eventlog import (
    CHANNELS,
    COLUMNS,
    EVENT_DTYPE,
    EVENTS,
    LEVELS,
    OPTIONS,
    EventLog,
    ReadReport,
    column_hints,
    epoch_seconds,
    find_problems,
    out_of_range,
    parse_instants,
    reject_whole_tickets,
)
from .inputs import check_input, open_data
from .outputs import note_input

MAPPINGS_DIR = Path(__file__).parent / "mappings"
MAPPING_VERSION = 1
ISO8601 = "iso8601"
STATUSES: tuple[str, ...] = ("open", "waiting", "resolved", "closed", "ignore")
# Canonical fields a mapping may fill from a source column, with their allowed values
# (None: any text).
FIELDS: dict[str, tuple[str, ...] | None] = {
    "priority": None,  # checked against the rule pack's codes when given
    "level": LEVELS,
    "group": None,
    "channel": CHANNELS,
    "option": OPTIONS,
    "service": None,
}
_OPEN, _WAITING, _RESOLVED, _CLOSED = range(4)
_IGNORE = -1
# Events emitted when a ticket's status goes from one status (row) to another (column).
_E = {name: i for i, name in enumerate(EVENTS)}
_TRANSITIONS: dict[tuple[int, int], tuple[str, ...]] = {
    (_OPEN, _WAITING): ("waiting_start",),
    (_OPEN, _RESOLVED): ("resolved",),
    (_OPEN, _CLOSED): ("closed",),
    (_WAITING, _OPEN): ("waiting_end",),
    (_WAITING, _RESOLVED): ("waiting_end", "resolved"),
    (_WAITING, _CLOSED): ("waiting_end", "closed"),
    (_RESOLVED, _OPEN): ("reopened",),
    (_RESOLVED, _WAITING): ("reopened", "waiting_start"),
    (_RESOLVED, _CLOSED): ("closed",),
    (_CLOSED, _OPEN): ("reopened",),
    (_CLOSED, _WAITING): ("reopened", "waiting_start"),
    (_CLOSED, _RESOLVED): ("reopened", "resolved"),
}


@dataclass(frozen=True)
class Source:
    """How the export file is read: CSV (gzip by suffix, or one member of a zip)."""

    member: str | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instants:
    """How instants are written: ISO 8601 with offset, or a strptime pattern read as
    local time of ``zone``."""

    format: str = ISO8601
    zone: str | None = None


@dataclass(frozen=True)
class State:
    """What a source state means: a status, and for ``resolved`` an optional reason
    (e.g. ``first_contact``)."""

    status: str
    reason: str = ""


@dataclass(frozen=True)
class FieldRule:
    """A canonical field read from ``column``, through ``values`` (source → canonical;
    a canonical "" means "not known") or as is when ``values`` is None."""

    column: str
    values: dict[str, str] | None = None


@dataclass(frozen=True)
class Mapping:
    """A declarative importer: everything needed to read one kind of export."""

    name: str
    id: str
    time: str
    state: str
    states: dict[str, State]
    source: Source = field(default_factory=Source)
    instants: Instants = field(default_factory=Instants)
    opened: str | None = None
    resolved: str | None = None
    fields: dict[str, FieldRule] = field(default_factory=dict)
    description: str = ""

    def columns(self) -> list[str]:
        """The source columns this mapping reads, each once, in a stable order."""
        named = [self.id, self.time, self.state, self.opened, self.resolved,
                 *(rule.column for rule in self.fields.values())]
        return list(dict.fromkeys(c for c in named if c))


# -- loading mappings -----------------------------------------------------------------
def shipped_mappings() -> dict[str, Path]:
    """The mappings installed with cau-planner, by short name."""
    return {p.stem: p for p in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def load_mapping(path: str | Path) -> Mapping:
    """A mapping from a YAML file, or a shipped one by short name (``servicenow-uci``).

    Raises :class:`~rules.errors.ValidationError` listing every problem of the file.
    """
    candidate = Path(path)
    if not (candidate.exists() or candidate.suffix or len(candidate.parts) > 1):
        shipped = shipped_mappings()
        if str(path) not in shipped:
            hint = did_you_mean(str(path), shipped)
            raise InputFileError(
                f"{path}: no such file, nor a shipped mapping" + (f". {hint}" if hint else "")
            )
        candidate = shipped[str(path)]
    return read_mapping(Document.from_path(candidate), candidate.stem)


def read_mapping(doc: Document, name: str) -> Mapping:
    """Build a :class:`Mapping` from a YAML document; every problem is reported at once."""
    root = doc.root()
    root.mapping(
        required=("mapping", "source", "time", "ticket", "state"),
        optional=("description", "fields"),
    )
    if root.has("mapping"):
        root["mapping"].choice([MAPPING_VERSION], "mapping format version")
    description = root["description"].str() if root.has("description") else ""
    source = _source(root["source"]) if root.has("source") else Source()
    instants = _instants(root["time"]) if root.has("time") else Instants()

    ticket = root["ticket"]
    columns: dict[str, str | None] = {}
    if ticket.mapping(required=("id", "time"), optional=("opened", "resolved")):
        for key in ("id", "time", "opened", "resolved"):
            columns[key] = ticket[key].str() if ticket.has(key) else None

    state_column, states = None, {}
    node = root["state"]
    if node.mapping(required=("column", "values")):
        state_column = node["column"].str()
        states = _states(node["values"])

    fields: dict[str, FieldRule] = {}
    if root.has("fields"):
        for key, child in root["fields"].items():
            if key not in FIELDS:
                child.report("one of the fields " + ", ".join(FIELDS), f'"{key}"',
                             did_you_mean(str(key), FIELDS))
            elif (rule := _field(child, FIELDS[key])) is not None:
                fields[key] = rule
    doc.raise_problems()
    return Mapping(
        name=name, id=str(columns["id"]), time=str(columns["time"]), state=str(state_column),
        states=states, source=source, instants=instants, opened=columns.get("opened"),
        resolved=columns.get("resolved"), fields=fields, description=description or "",
    )


def _source(node: Node) -> Source:
    if not node.mapping(required=("format",),
                        optional=("member", "encoding", "delimiter", "missing")):
        return Source()
    node["format"].choice(["csv"], "a source format")
    encoding = node["encoding"].str() if node.has("encoding") else "utf-8"
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            node["encoding"].report('a text encoding such as "utf-8" or "utf-8-sig"')
    delimiter = node["delimiter"].str() if node.has("delimiter") else ","
    if delimiter is not None and len(delimiter) != 1:
        node["delimiter"].report("one character")
    missing: list[str] = []
    if node.has("missing"):
        missing = [m for m in (item.str() for item in node["missing"].list()) if m]
    member = node["member"].str() if node.has("member") else None
    return Source(member, encoding or "utf-8", delimiter or ",", tuple(missing))


def _instants(node: Node) -> Instants:
    if not node.mapping(required=("format",), optional=("zone",)):
        return Instants()
    fmt = node["format"].str()
    zone = node["zone"].str() if node.has("zone") else None
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            node["zone"].report('a time zone such as "America/Montreal" or "UTC"')
    if fmt is None or fmt == ISO8601:
        if zone is not None:
            node["zone"].report("no zone: ISO 8601 instants carry their own offset",
                                f'"{zone}"')
        return Instants(ISO8601, None)
    try:
        sample = datetime(2026, 3, 2, 8, 31, 5).strftime(fmt)
        datetime.strptime(sample, fmt)
        valid = "%" in fmt
    except ValueError:
        valid = False
    if not valid:
        node["format"].report(f'"{ISO8601}" or a pattern such as "%d/%m/%Y %H:%M"')
    elif "%z" not in fmt and zone is None:
        node.report("a zone for instants written without an offset", "none",
                    'Add e.g. zone: "America/Montreal".')
    return Instants(fmt, zone)


def _states(node: Node) -> dict[str, State]:
    states: dict[str, State] = {}
    for key, child in node.items():
        if isinstance(child.value, dict):
            if not child.mapping(required=("status",), optional=("reason",)):
                continue
            status = child["status"].choice(STATUSES, "a status")
            reason = child["reason"].str() if child.has("reason") else ""
            if status is not None and status != "resolved" and child.has("reason"):
                child["reason"].report('a reason only for the status "resolved"', reason)
        else:
            status, reason = child.choice(STATUSES, "a status"), ""
        if status is not None:
            states[str(key)] = State(status, reason or "")
    if not states:
        node.report("at least one state")
    return states


def _field(node: Node, allowed: tuple[str, ...] | None) -> FieldRule | None:
    if isinstance(node.value, str):
        return FieldRule(node.value)
    if not node.mapping(required=("column",), optional=("values",)):
        return None
    column = node["column"].str()
    values: dict[str, str] | None = None
    if node.has("values"):
        values = {}
        for key, child in node["values"].items():
            target = "" if child.value is None else str(child.value)
            if allowed is not None and target not in ("", *allowed):
                child.report("one of " + ", ".join(f'"{a}"' for a in allowed) + " or nothing",
                             suggestion=did_you_mean(target, allowed))
            values[str(key)] = target
    return FieldRule(column, values) if column else None


# -- reading the source ---------------------------------------------------------------
def read_source(path: str | Path, mapping: Mapping) -> tuple[pd.DataFrame, np.ndarray]:
    """The mapping's columns of the export, as text ("" where missing), and for each row
    the reason it cannot be used as read ("" when it can): a row with fewer fields than
    the header, as a line cut short (a truncated export) has."""
    path = Path(path)
    check_input(path)
    note_input(path)
    options: dict[str, Any] = {
        "sep": mapping.source.delimiter,
        "encoding": mapping.source.encoding,
        "dtype": str,
        "keep_default_na": False,
        "na_values": list(mapping.source.missing),
    }
    with open_data(path, mapping.source.member) as handle:
        try:
            data = io.BytesIO(handle.read())
            header = list(pd.read_csv(data, nrows=0, **options).columns)
            wanted = mapping.columns()
            absent = [c for c in wanted if c not in header]
            if absent:
                raise DataError(
                    f"{path}: the mapping {mapping.name} reads column"
                    f"{'s' if len(absent) != 1 else ''} "
                    + ", ".join(f'"{c}"' for c in absent) + " that the file lacks. "
                    + column_hints(absent, header)
                )
            data.seek(0)
            frame = pd.read_csv(data, usecols=wanted, **options)
            data.seek(0)
            short = _short_rows(data, len(header), mapping.source, len(frame))
        except pd.errors.EmptyDataError:
            raise InputFileError(f"{path}: is empty; an export starts with its header "
                                 "line") from None
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, ValueError,
                csv.Error) as exc:
            raise InputFileError(f"{path}: cannot be read as CSV ({exc})") from None
    return frame.fillna("")[wanted], short


def _short_rows(data: io.BytesIO, fields: int, source: Source, rows: int) -> np.ndarray:
    """The reason each data row is short of fields ("" for a whole row). pandas fills a
    short row's missing fields with nothing, so a line cut short would pass for a row."""
    text = io.TextIOWrapper(data, encoding=source.encoding, newline="")
    counts = np.array([len(r) for r in csv.reader(text, delimiter=source.delimiter) if r],
                      dtype="int64")[1:]
    text.detach()
    reasons = np.full(rows, "", dtype=object)
    if len(counts) != rows:  # the two readers disagree on where rows end: say nothing
        return reasons
    for i in np.flatnonzero(counts < fields):
        reasons[i] = (f"the row has {counts[i]} of the header's {fields} fields (a line cut "
                      "short, as at the end of a truncated export?)")
    return reasons


def _local_instants(text: pd.Series, instants: Instants) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds and reasons for instants written with ``instants.format``."""
    if instants.format == ISO8601:
        return parse_instants(text)
    # Exports repeat instants a lot (to the minute): parse each distinct text once.
    codes, uniques = pd.factorize(text)
    naive = pd.to_datetime(pd.Series(uniques, dtype="str"), format=instants.format,
                           errors="coerce")
    if "%z" in instants.format:
        local = pd.to_datetime(naive, utc=True)
    else:
        local = naive.dt.tz_localize(instants.zone, ambiguous="NaT", nonexistent="NaT")
    seconds_u = epoch_seconds(local)
    words = np.asarray(uniques, dtype=object)
    outside, reasons_u = out_of_range(seconds_u, words)
    seconds_u[outside] = np.nan
    for i in np.flatnonzero(np.isnan(seconds_u) & ~outside).tolist():
        if words[i] == "":
            reasons_u[i] = "missing time"
        elif pd.isna(naive.iloc[i]):
            reasons_u[i] = f'cannot read time "{words[i]}" as "{instants.format}"'
        else:
            reasons_u[i] = (f'local time "{words[i]}" does not exist or is ambiguous in '
                            f"{instants.zone} (daylight saving time change)")
    return seconds_u[codes], reasons_u[codes]


def _translate(text: pd.Series, values: dict[str, Any], what: str, column: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each row's canonical value (from ``values``; "" stays "") and the reason for a
    source value the mapping does not know."""
    codes, uniques = pd.factorize(text)
    known = list(values)
    out_u = np.empty(len(uniques), dtype=object)
    reasons_u = np.full(len(uniques), "", dtype=object)
    for i, word in enumerate(uniques):
        if word == "":
            out_u[i] = None
        elif word in values:
            out_u[i] = values[word]
        else:
            out_u[i] = None
            hint = did_you_mean(word, known)
            reasons_u[i] = (f'unknown {what} "{word}" in column "{column}"'
                            + (f"; {hint[0].lower()}{hint[1:]}" if hint else ""))
    return out_u[codes], reasons_u[codes]


def _last_valid(valid: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For rows grouped by ticket: the index of the last valid row at or before each row
    within its ticket, or -1."""
    positions = np.arange(len(valid))
    last = np.maximum.accumulate(np.where(valid, positions, -1))
    group_start = np.maximum.accumulate(np.where(starts, positions, 0))
    return np.where(last >= group_start, last, -1)


def _carry(values: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values carried forward over unknown ("") rows within a ticket, and the value in
    force before each row ("" at a ticket's first row)."""
    valid = values != ""
    last = _last_valid(valid, starts)
    current = np.where(last >= 0, values[np.maximum(last, 0)], "").astype(object)
    before = np.empty_like(current)
    before[:1] = ""
    before[1:] = current[:-1]
    before[starts] = ""
    return current, before


def import_source(
    path: str | Path, mapping: Mapping, priorities: Collection[str] | None = None,
) -> EventLog:
    """The canonical event log of an export, read through ``mapping``.

    The log's ``report`` counts source rows read, kept and rejected (with row numbers,
    the header being line 1, and reasons), tickets and events kept.
    """
    data, short = read_source(path, mapping)
    n = len(data)
    rows = np.arange(2, n + 2, dtype="int64")
    reasons = np.full(n, "", dtype=object)

    def note(found: np.ndarray) -> None:
        reasons[(reasons == "") & (found != "")] = found[(reasons == "") & (found != "")]

    note(short)

    ids = data[mapping.id]
    note(np.where((ids == "").to_numpy(), "missing ticket id", ""))
    time, found = _local_instants(data[mapping.time], mapping.instants)
    note(found)
    extra: dict[str, np.ndarray] = {}
    for key, column in (("opened", mapping.opened), ("resolved", mapping.resolved)):
        if column:
            extra[key], found = _local_instants(data[column], mapping.instants)
            note(np.where(data[column] == "", "", found))
    status_of = {k: STATUSES.index(s.status) for k, s in mapping.states.items()}
    status_of = {k: (_IGNORE if v == STATUSES.index("ignore") else v)
                 for k, v in status_of.items()}
    status, found = _translate(data[mapping.state], status_of, "state", mapping.state)
    note(found)
    reason_text, _ = _translate(data[mapping.state],
                                {k: s.reason for k, s in mapping.states.items()}, "state",
                                mapping.state)
    values: dict[str, np.ndarray] = {}
    for key, rule in mapping.fields.items():
        if rule.values is None:
            values[key] = data[rule.column].to_numpy(dtype=object)
        else:
            values[key], found = _translate(data[rule.column], rule.values, key, rule.column)
            note(found)
            values[key] = np.where(pd.isna(values[key]), "", values[key]).astype(object)

    # Group rows by ticket, file order kept within a ticket.
    codes, _ = pd.factorize(ids)
    order = np.argsort(codes, kind="stable")
    starts = np.ones(n, dtype=bool)
    starts[1:] = codes[order][1:] != codes[order][:-1]
    ends = np.ones(n, dtype=bool)
    ends[:-1] = starts[1:]

    status_s = np.where(pd.isna(status), _IGNORE, status)[order].astype("int64")
    last = _last_valid(status_s != _IGNORE, starts)
    current = np.where(last >= 0, status_s[np.maximum(last, 0)], _OPEN)
    before = np.empty(n, dtype="int64")
    before[:1] = _OPEN
    before[1:] = current[:-1]
    before[starts] = _OPEN  # the ticket is opened just before its first row's status
    time_s = time[order]
    opened_s = extra["opened"][order] if "opened" in extra else time_s
    opened_s = np.where(np.isnan(opened_s), time_s, opened_s)
    start_time = opened_s[np.maximum.accumulate(np.where(starts, np.arange(n), 0))]

    carried = {key: _carry(v[order], starts) for key, v in values.items()}
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def emit(at: np.ndarray, seq: np.ndarray | int, event: np.ndarray | int,
             when: np.ndarray, value: np.ndarray | str = "") -> None:
        positions = np.flatnonzero(at)
        ev = np.broadcast_to(np.asarray(event), (n,))[positions]
        val = np.broadcast_to(np.asarray(value, dtype=object), (n,))[positions]
        order_in_row = np.broadcast_to(np.asarray(seq), (n,))[positions]
        pieces.append((positions, order_in_row, ev.astype("int64"), when[positions], val))

    # Order of a row's events: opened; what brings the ticket back (reopened, waiting_end);
    # priority; assigned; what takes it away (waiting_start, resolved, closed).
    emit(starts, 0, _E["opened"], opened_s)
    row_or_start = np.where(starts, start_time, time_s)
    if "priority" in carried:
        now, prior = carried["priority"]
        emit((now != "") & (now != prior), 2, _E["priority"], row_or_start, now)
    if "level" in carried or "group" in carried:
        changed = np.zeros(n, dtype=bool)
        for key in ("level", "group"):
            if key in carried:
                now, prior = carried[key]
                changed |= (now != "") & (now != prior)
        level = carried["level"][0] if "level" in carried else np.full(n, "", dtype=object)
        emit(changed, 3, _E["assigned"], row_or_start, level)

    first = np.full(n, -1, dtype="int64")
    second = np.full(n, -1, dtype="int64")
    for (a, b), events in _TRANSITIONS.items():
        hit = (before == a) & (current == b)
        first[hit] = _E[events[0]]
        if len(events) > 1:
            second[hit] = _E[events[1]]
    is_resolved = (first == _E["resolved"]) | (second == _E["resolved"])
    resolved_time = time_s.copy()
    if "resolved" in extra:  # the source's own instant for the ticket's last resolution
        final = _last_valid(is_resolved, starts)
        last_of_ticket = np.zeros(n, dtype=bool)
        last_of_ticket[final[ends & (final >= 0)]] = True
        given = extra["resolved"][order]
        use = last_of_ticket & ~np.isnan(given)
        resolved_time[use] = given[use]
    reason_s = np.where(pd.isna(reason_text), "", reason_text)[order]
    for seq, chosen in ((4, first), (5, second)):
        resolved_here = chosen == _E["resolved"]
        back = (chosen == _E["reopened"]) | (chosen == _E["waiting_end"])
        emit(chosen >= 0, np.where(back, 1, seq), chosen,
             np.where(resolved_here, resolved_time, time_s),
             np.where(resolved_here, reason_s, "").astype(object))

    position = np.concatenate([p[0] for p in pieces])
    sort = np.lexsort((np.concatenate([p[1] for p in pieces]), position))
    position = position[sort]
    event_code = np.concatenate([p[2] for p in pieces])[sort]
    event_time = np.concatenate([p[3] for p in pieces])[sort]
    event_value = np.concatenate([p[4] for p in pieces])[sort]

    source_pos = order[position]
    frame = pd.DataFrame({
        "id": ids.to_numpy(dtype=object)[source_pos],
        "time": event_time,
        "event": pd.Categorical.from_codes(event_code, dtype=EVENT_DTYPE),
        "value": event_value,
        **{key: (carried[key][0][position] if key in carried else "")
           for key in COLUMNS[4:]},
    })
    event_reasons = find_problems(frame.astype({c: "str" for c in COLUMNS if c not in
                                                ("time", "event")}),
                                  priorities=priorities)
    # An event's problem is its source row's problem (the row's own comes first).
    flagged = np.flatnonzero(event_reasons != "")[::-1]  # so the earliest event wins
    from_events = np.full(n, "", dtype=object)
    from_events[source_pos[flagged]] = event_reasons[flagged]
    note(from_events)
    reasons = reject_whole_tickets(ids, rows, reasons)
    bad = reasons != ""
    keep_events = ~bad[source_pos]
    kept = frame.loc[keep_events].reset_index(drop=True)
    rejects = data.loc[bad].reset_index(drop=True)
    rejects.insert(0, "reason", reasons[bad].astype(str))
    rejects.insert(0, "row", rows[bad])
    report = ReadReport(
        source=str(path), rows_kept=int(n - bad.sum()), tickets=int(kept["id"].nunique()),
        events=len(kept), rejects=rejects,
    )
    return EventLog(kept, report)
