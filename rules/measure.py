"""The measurement: compliance per target per month, from an event log and a rule pack.

This is the one judge of real and simulated tickets (DESIGN.md, "one measurement"):
an imported export and a simulated replication go through :func:`measure` alike.
Everything is vectorised over tickets and calls; the per-ticket state machine is in
:mod:`rules.tickets`, the SLA clock batches in :mod:`rules.resolution`, the
answer-time definitions in :mod:`rules.calls`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .calls import CALL_EVENTS, OUTCOMES, CallTimelines, judge_calls, read_calls
from .coded import Labels
from .errors import DataError
from .eventlog import EventLog, format_instants, out_of_range
from .grouped import EventCodes
from .localtime import half_hour_of_week
from .months import MonthGrid
from .outputs import csv_text, write_files
from .pack import AnswerTimeTarget, FirstContactTarget, RulePack
from .resolution import MonthlyCounts, judge_resolution
from .tickets import TICKET_EVENTS, TicketTimelines, read_tickets

MONTHLY_COLUMNS: tuple[str, ...] = (
    "month", "target", "kind", "counted", "met", "compliance", "goal", "goal_met",
    "margin", "breached_open",
)
CALL_COLUMNS: tuple[str, ...] = (
    "id", "target", "queued", "wait", "outcome", "in_hours", "counted", "met", "month",
    "halfhour",
)


@dataclass(frozen=True)
class CallTargets:
    """Per call, as arrays: whether it was queued in the target's hours, counts in its
    service level, and met it."""

    in_hours: np.ndarray
    counted: np.ndarray
    met: np.ndarray


@dataclass(frozen=True)
class JudgedCalls:
    """Every call judged against every answer-time target, one element per call (ids as
    codes into ``id_labels``, ``outcome`` codes into :data:`rules.calls.OUTCOMES`,
    ``month`` an index into ``months``): what replication figures count, with no row per
    call per target made until :meth:`frame` is asked for."""

    ids: np.ndarray
    id_labels: Labels
    queued: np.ndarray
    wait: np.ndarray
    outcome: np.ndarray
    month: np.ndarray
    months: tuple[str, ...]
    halfhour: np.ndarray
    targets: dict[str, CallTargets]

    def __len__(self) -> int:
        return len(self.ids)

    def frame(self) -> pd.DataFrame:
        """One row per call per target (:data:`CALL_COLUMNS`), ids and words as text."""
        if not self.targets:
            return pd.DataFrame(columns=list(CALL_COLUMNS))
        ids = self.id_labels.text(self.ids)
        outcome = np.asarray(OUTCOMES, dtype=object)[self.outcome]
        month = np.asarray(self.months, dtype=object)[self.month]
        return pd.concat(
            [
                pd.DataFrame(
                    {
                        "id": ids, "target": target, "queued": self.queued, "wait": self.wait,
                        "outcome": outcome, "in_hours": judged.in_hours,
                        "counted": judged.counted, "met": judged.met, "month": month,
                        "halfhour": self.halfhour,
                    },
                    columns=list(CALL_COLUMNS),
                )
                for target, judged in self.targets.items()
            ],
            ignore_index=True,
        )


@dataclass(frozen=True)
class Measurement:
    """The tables of one measurement (see docs/architecture.md, "Measurement").

    ``reconciliation`` holds the counts that must add up: events read = events measured
    + events after ``as_of``; tickets = resolved + open; and, per resolution target,
    its tickets = counted over the months + still open. The calls are kept as arrays
    (``judged_calls``); the table :attr:`calls` is made the first time it is asked for.
    """

    monthly: pd.DataFrame
    tickets: pd.DataFrame
    judged_calls: JudgedCalls
    volumes: pd.DataFrame
    first_contact: pd.DataFrame
    as_of: float
    zone: str
    # The first and last event measured: the time the log covers (a dashboard flags the
    # months it covers only in part). An empty log's is (as_of, as_of).
    span: tuple[float, float]
    reconciliation: dict[str, int] = field(default_factory=dict)

    @cached_property
    def calls(self) -> pd.DataFrame:
        """Per call per answer-time target (:data:`CALL_COLUMNS`)."""
        return self.judged_calls.frame()

    def to_frame(self) -> pd.DataFrame:
        return self.monthly

    def write(self, directory: str | Path) -> None:
        """Each table as ``<name>.csv`` in ``directory`` (created), spreadsheet-safe, all
        renamed into place once every one is written."""
        tables = {"monthly": self.monthly, "tickets": self.tickets, "calls": self.calls,
                  "volumes": self.volumes, "first_contact": self.first_contact}
        write_files(directory, {f"{name}.csv": csv_text(table).encode("utf-8")
                                for name, table in tables.items()})


def measure(log: EventLog, pack: RulePack, *, as_of: float | None = None) -> Measurement:
    """Judge every ticket and call of ``log`` against every target of ``pack``.

    ``as_of`` (default: the last event's instant) is when open tickets are judged;
    events after it are left out (and counted in ``reconciliation``).
    """
    events_read = len(log)
    if as_of is not None:  # calendars are built up to it: within the years cau reads
        instant = np.array([as_of])
        outside, reasons = out_of_range(instant, format_instants(instant, "UTC"))
        if outside[0] or not np.isfinite(as_of):
            raise DataError(f"as of: {reasons[0] or 'not a time'}; judge open tickets at an "
                            "instant of those years")
    if as_of is not None and events_read and float(log.time.max()) > as_of:
        log = log.take(np.flatnonzero(log.time <= as_of))
    zone = pack.zone
    codes = EventCodes(log)
    tickets = read_tickets(
        log, codes, pack.priority_codes, pack.semantics.priority_target
    )
    calls = read_calls(log, codes)
    if as_of is None:
        if not len(log):
            raise DataError("nothing to measure: the event log has no event (and no instant "
                            "to judge open tickets at was given)")
        as_of = float(log.time.max())
    first = min(
        [as_of, *(float(np.min(a)) for a in (tickets.opened, calls.queued) if a.size)]
    )
    grid = MonthGrid(zone, first, as_of)

    resolution = judge_resolution(tickets, pack, grid, as_of)
    judged_calls, call_monthly = _judge_calls(calls, pack, grid, as_of)
    fc_table, fc_monthly = _judge_first_contact(tickets, pack, grid)

    monthly = _monthly(pack, grid, {**resolution.counts, **call_monthly, **fc_monthly})
    reconciliation = {
        "events_read": events_read,
        "events_measured": len(log),
        "events_after_as_of": events_read - len(log),
        "ticket_events": len(codes.rows_of(TICKET_EVENTS)),
        "call_events": len(codes.rows_of(CALL_EVENTS)),
        "tickets": len(tickets),
        "tickets_resolved": int(np.count_nonzero(~np.isnan(tickets.resolved))),
        "tickets_open": int(np.count_nonzero(np.isnan(tickets.resolved))),
        "tickets_without_resolution_target": len(tickets)
        - int(resolution.tickets["id"].nunique()),
        "calls": len(calls),
    }
    return Measurement(
        monthly=monthly,
        tickets=resolution.tickets,
        judged_calls=judged_calls,
        volumes=_volumes(tickets, calls, grid),
        first_contact=fc_table,
        as_of=as_of,
        zone=zone,
        span=(float(log.time.min()), float(log.time.max())) if len(log) else (as_of, as_of),
        reconciliation=reconciliation,
    )


def _judge_calls(
    calls: CallTimelines, pack: RulePack, grid: MonthGrid, as_of: float
) -> tuple[JudgedCalls, MonthlyCounts]:
    """Every call against every answer-time target, and the monthly counts of each."""
    outcome = calls.outcome()
    wait = calls.wait(as_of)
    month = grid.index(calls.queued) if len(calls) else np.zeros(0, dtype=np.int64)
    judged, counts = {}, {}
    for target in pack.targets:
        if not isinstance(target, AnswerTimeTarget):
            continue
        breached = np.asarray(pack.semantics.is_breach(wait, target.threshold), dtype=bool)
        counted, met = judge_calls(outcome, wait, target.grace, target.denominator, breached)
        in_hours = pack.calendar(target.calendar).is_open(calls.queued)
        counted &= in_hours
        met &= in_hours
        still_waiting = (outcome == OUTCOMES.index("waiting")) & breached & in_hours
        counts[target.id] = (
            np.bincount(month[counted], minlength=len(grid)),
            np.bincount(month[met], minlength=len(grid)),
            np.bincount(month[still_waiting], minlength=len(grid)),
        )
        judged[target.id] = CallTargets(in_hours=in_hours, counted=counted, met=met)
    return JudgedCalls(
        ids=calls.ids, id_labels=calls.id_labels, queued=calls.queued, wait=wait,
        outcome=outcome, month=month, months=tuple(grid.labels),
        halfhour=half_hour_of_week(calls.queued, grid.zone), targets=judged,
    ), counts


def _judge_first_contact(
    tickets: TicketTimelines, pack: RulePack, grid: MonthGrid
) -> tuple[pd.DataFrame, MonthlyCounts]:
    """Per in-scope ticket per first-contact target, and the monthly counts.

    Counted: in scope and resolved; met: resolved at first contact and never
    assigned above level 1. Open tickets are listed, not counted.
    """
    resolved = ~np.isnan(tickets.resolved)
    month_instant = tickets.opened if pack.semantics.month_of == "opening" else tickets.resolved
    month = np.full(len(tickets), len(grid) - 1, dtype=np.int64)
    month[resolved] = grid.index(month_instant[resolved])
    success = tickets.first_contact & ~tickets.escalated
    frames, counts = [], {}
    for target in pack.targets:
        if not isinstance(target, FirstContactTarget):
            continue
        scope = np.isin(tickets.option, list(target.options)) | np.isin(
            tickets.service, list(target.services)
        )
        counted = scope & resolved
        met = counted & success
        counts[target.id] = (
            np.bincount(month[counted], minlength=len(grid)),
            np.bincount(month[met], minlength=len(grid)),
            np.zeros(len(grid), dtype=np.int64),
        )
        frames.append(
            pd.DataFrame(
                {
                    "id": tickets.ids[scope],
                    "target": target.id,
                    "month": np.asarray(grid.labels, dtype=object)[month[scope]],
                    "resolved": resolved[scope],
                    "escalated": tickets.escalated[scope],
                    "first_contact": met[scope],
                }
            )
        )
    columns = ["id", "target", "month", "resolved", "escalated", "first_contact"]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return table, counts


def _monthly(pack: RulePack, grid: MonthGrid, counts: MonthlyCounts) -> pd.DataFrame:
    """One row per month per target, in the pack's target order."""
    frames = []
    for target in pack.targets:
        counted, met, still_open = counts[target.id]
        with np.errstate(invalid="ignore", divide="ignore"):
            compliance = np.where(counted > 0, met / np.maximum(counted, 1), np.nan)
        goal_met = pd.array(compliance >= target.goal, dtype="boolean")
        goal_met[counted == 0] = pd.NA
        frames.append(
            pd.DataFrame(
                {
                    "month": grid.labels,
                    "target": target.id,
                    "kind": target.kind,
                    "counted": counted.astype(np.int64),
                    "met": met.astype(np.int64),
                    "compliance": compliance,
                    "goal": target.goal,
                    "goal_met": goal_met,
                    "margin": compliance - target.goal,
                    "breached_open": still_open.astype(np.int64),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(MONTHLY_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["month"], kind="stable").reset_index(drop=True)


def _volumes(tickets: TicketTimelines, calls: CallTimelines, grid: MonthGrid) -> pd.DataFrame:
    """Tickets opened per month, channel and priority; calls queued per month."""
    labels = np.asarray(grid.labels, dtype=object)
    channel, channels = pd.factorize(pd.Series(tickets.channel, dtype=object).fillna(""))
    priority, priorities = pd.factorize(pd.Series(tickets.priority, dtype=object))
    shape = (len(grid), max(len(channels), 1), max(len(priorities), 1))
    cells = np.bincount(
        np.ravel_multi_index((grid.index(tickets.opened), channel, priority), shape),
        minlength=int(np.prod(shape)),
    )
    month, ch, pr = np.unravel_index(np.flatnonzero(cells), shape)
    call_counts = np.bincount(grid.index(calls.queued), minlength=len(grid))
    call_months = np.flatnonzero(call_counts)
    volumes = pd.concat(
        [
            pd.DataFrame({
                "month": labels[month],
                "channel": np.asarray(channels, dtype=object)[ch],
                "priority": np.asarray(priorities, dtype=object)[pr],
                "tickets": cells[cells > 0],
                "calls": 0,
            }),
            pd.DataFrame({
                "month": labels[call_months],
                "channel": "phone",
                "priority": "",
                "tickets": 0,
                "calls": call_counts[call_months],
            }),
        ],
        ignore_index=True,
    )
    return volumes.sort_values(["month", "channel", "priority"], kind="stable").reset_index(
        drop=True
    )
