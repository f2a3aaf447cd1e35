"""The measurement engine on hand-made event logs whose answers are known.

Times are written in Montréal local time; the CAU pack's P1 runs 24/7, its P3 on
business days 08:30–16:30, its answer-time target counts calls queued 07:30–17:00.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from measure_reference import reference_tickets

from rules.errors import DataError
from rules.eventlog import EventLog
from rules.loader import default_pack
from rules.measure import Measurement, measure
from rules.months import MonthGrid
from rules.pack import AnswerTimeTarget, ResolutionTarget, RulePack

ZONE = "America/Montreal"
H = 3600.0


def at(text: str) -> float:
    return pd.Timestamp(text, tz=ZONE).timestamp()


def ticket(
    id: str, opened: str, priority: str = "P1", *later: tuple[str, str] | tuple[str, str, str],
    **attributes: str,
) -> list[dict[str, Any]]:
    """Events of one ticket: opened and prioritised at ``opened``, then (time, event[, value])."""
    rows = [
        dict(id=id, time=at(opened), event="opened", **attributes),
        dict(id=id, time=at(opened), event="priority", value=priority),
    ]
    for step in later:
        rows.append(dict(id=id, time=at(step[0]), event=step[1],
                         value=step[2] if len(step) > 2 else ""))
    return rows


def call(id: str, queued: str, wait: float, outcome: str = "call_answered") -> list[dict[str, Any]]:
    return [
        dict(id=id, time=at(queued), event="call_queued", channel="phone"),
        dict(id=id, time=at(queued) + wait, event=outcome, channel="phone"),
    ]


def run(*tickets: list[dict[str, Any]], pack: RulePack | None = None,
        as_of: str | None = None) -> Measurement:
    log = EventLog.from_records([row for rows in tickets for row in rows])
    return measure(log, pack or default_pack(), as_of=None if as_of is None else at(as_of))


def with_semantics(**choices: Any) -> RulePack:
    pack = default_pack()
    return dataclasses.replace(pack, semantics=dataclasses.replace(pack.semantics, **choices))


def row(m: Measurement, target: str, month: str) -> pd.Series:
    found = m.monthly[(m.monthly["target"] == target) & (m.monthly["month"] == month)]
    assert len(found) == 1
    return found.iloc[0]


def one(m: Measurement, id: str) -> pd.Series:
    found = m.tickets[m.tickets["id"] == id]
    assert len(found) == 1
    return found.iloc[0]


# -- months --------------------------------------------------------------------------
def test_a_ticket_counts_in_its_local_month_of_resolution_at_a_month_boundary() -> None:
    # 2026-03-31 23:30 in Montréal is 2026-04-01 03:30 UTC: still a March ticket.
    m = run(ticket("A", "2026-03-31 22:00", "P1", ("2026-03-31 23:30", "resolved")),
            ticket("B", "2026-03-31 23:00", "P1", ("2026-04-01 00:30", "resolved")))
    assert one(m, "A")["month"] == "2026-03"
    assert one(m, "B")["month"] == "2026-04"
    assert row(m, "retablissement-p1", "2026-03")["counted"] == 1
    assert row(m, "retablissement-p1", "2026-04")["counted"] == 1


def test_month_of_opening_is_a_choice_of_the_pack() -> None:
    m = run(ticket("B", "2026-03-31 23:00", "P1", ("2026-04-01 00:30", "resolved")),
            pack=with_semantics(month_of="opening"))
    assert one(m, "B")["month"] == "2026-03"


def test_month_grid_follows_local_midnight_across_daylight_saving() -> None:
    grid = MonthGrid(ZONE, at("2026-02-15 12:00"), at("2026-04-15 12:00"))
    assert grid.labels == ["2026-02", "2026-03", "2026-04"]
    # March starts at 05:00 UTC (EST), April at 04:00 UTC (EDT).
    assert grid.starts[1] == pd.Timestamp("2026-03-01 05:00", tz="UTC").timestamp()
    assert grid.starts[2] == pd.Timestamp("2026-04-01 04:00", tz="UTC").timestamp()
    labels = grid.label(np.array([at("2026-03-31 23:59:59"), at("2026-04-01 00:00")]))
    assert list(labels) == ["2026-03", "2026-04"]


# -- the clock's rules ---------------------------------------------------------------
def test_exactly_at_the_threshold_is_met_and_a_second_more_is_breached() -> None:
    m = run(ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 03:00", "resolved")),
            ticket("B", "2026-03-02 00:00", "P1", ("2026-03-02 03:00:01", "resolved")))
    assert one(m, "A")["elapsed"] == 3 * H and bool(one(m, "A")["met"])
    assert not one(m, "B")["met"]
    assert one(m, "A")["deadline"] == at("2026-03-02 03:00")


def test_breach_at_the_threshold_itself_is_a_choice_of_the_pack() -> None:
    m = run(ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 03:00", "resolved")),
            pack=with_semantics(breach="greater_or_equal"))
    assert not one(m, "A")["met"]


def test_p1_runs_around_the_clock_and_p3_on_business_hours_and_holidays() -> None:
    # Thursday before Good Friday 16:00 → Tuesday after Easter Monday 09:00.
    m = run(ticket("P1", "2026-04-02 16:00", "P1", ("2026-04-07 09:00", "resolved")),
            ticket("P3", "2026-04-02 16:00", "P3", ("2026-04-07 09:00", "resolved")))
    assert one(m, "P1")["elapsed"] == 4 * 24 * H + 17 * H
    assert not one(m, "P1")["met"]
    # 16:00–16:30 Thursday, nothing Friday to Monday (holidays, weekend), 08:30–09:00 Tuesday.
    assert one(m, "P3")["elapsed"] == 1 * H
    assert one(m, "P3")["met"] and one(m, "P3")["target"] == "retablissement-p3"


def test_priority_changed_takes_the_last_priority_with_the_clock_from_opening() -> None:
    change = ticket("A", "2026-03-02 09:00", "P3", ("2026-03-02 10:00", "priority", "P1"),
                    ("2026-03-02 12:30", "resolved"))
    m = run(change)
    assert one(m, "A")["target"] == "retablissement-p1"
    assert one(m, "A")["elapsed"] == 3.5 * H and not one(m, "A")["met"]
    # Choices of the pack: the clock from the change; the first or the most urgent priority.
    from_change = one(run(change, pack=with_semantics(priority_clock_from="change")), "A")
    assert from_change["elapsed"] == 2.5 * H and from_change["met"]
    assert one(run(change, pack=with_semantics(priority_target="first")), "A")["target"] == (
        "retablissement-p3")
    lowered = ticket("B", "2026-03-02 09:00", "P1", ("2026-03-02 10:00", "priority", "P4"),
                     ("2026-03-02 12:30", "resolved"))
    assert one(run(lowered, pack=with_semantics(priority_target="highest")), "B")["target"] == (
        "retablissement-p1")
    assert one(run(lowered), "B")["target"] == "retablissement-p4"


def test_reopened_ticket_resumes_its_clock_and_counts_in_its_final_month() -> None:
    reopened = ticket("A", "2026-03-31 22:00", "P1", ("2026-03-31 23:30", "resolved"),
                      ("2026-04-01 10:00", "reopened"), ("2026-04-01 11:00", "resolved"))
    m = run(reopened)
    assert one(m, "A")["elapsed"] == 2.5 * H and one(m, "A")["met"]
    assert one(m, "A")["month"] == "2026-04"
    assert row(m, "retablissement-p1", "2026-03")["counted"] == 0
    counted_gap = one(run(reopened, pack=with_semantics(reopen="count_gap")), "A")
    assert counted_gap["elapsed"] == 13 * H and not counted_gap["met"]
    # Closed (with or without a resolution first) then reopened: the gap starts at the end.
    closed = run(ticket("B", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "resolved"),
                        ("2026-03-02 02:00", "closed"), ("2026-03-02 05:00", "reopened"),
                        ("2026-03-02 06:00", "resolved")),
                 ticket("C", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "closed"),
                        ("2026-03-02 05:00", "reopened"), ("2026-03-02 06:00", "resolved")))
    assert one(closed, "B")["elapsed"] == one(closed, "C")["elapsed"] == 2 * H


def test_waiting_on_the_user_stops_the_clock_unless_the_target_says_otherwise() -> None:
    waits = ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "waiting_start"),
                   ("2026-03-02 05:00", "waiting_end"), ("2026-03-02 06:00", "resolved"))
    m = run(waits)
    assert one(m, "A")["elapsed"] == 2 * H and one(m, "A")["met"]
    # The deadline is pushed back by the pause: 3 h of clock = 07:00.
    assert one(m, "A")["deadline"] == at("2026-03-02 07:00")
    pack = default_pack()
    no_pause = dataclasses.replace(pack, targets=tuple(
        dataclasses.replace(t, pause_while_waiting=False) if isinstance(t, ResolutionTarget)
        else t for t in pack.targets))
    assert one(run(waits, pack=no_pause), "A")["elapsed"] == 6 * H


def test_an_unfinished_pause_lasts_until_resolution_and_pauses_are_merged() -> None:
    m = run(ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "waiting_start"),
                   ("2026-03-02 06:00", "resolved")),
            ticket("B", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "waiting_start"),
                   ("2026-03-02 02:00", "waiting_end"), ("2026-03-02 03:00", "waiting_start"),
                   ("2026-03-02 04:00", "waiting_end"), ("2026-03-02 05:00", "resolved")))
    assert one(m, "A")["elapsed"] == 1 * H
    assert one(m, "B")["elapsed"] == 3 * H


def test_open_tickets_past_their_deadline_at_month_end_are_breached_still_open() -> None:
    m = run(
        # breached at March's end (4 h), still open at as_of: March and April
        ticket("late", "2026-03-31 20:00", "P1"),
        # 1 h at March's end, breached by as_of: April only
        ticket("young", "2026-03-31 23:00", "P1"),
        # breached at March's end, resolved in April: open-breached in March, counted in April
        ticket("slow", "2026-03-31 19:00", "P1", ("2026-04-01 09:00", "resolved")),
        # resolved in a resolved→reopened gap at March's end: not open then
        ticket("gap", "2026-03-30 20:00", "P1", ("2026-03-30 21:00", "resolved"),
               ("2026-04-01 08:00", "reopened"), ("2026-04-01 09:00", "resolved")),
        as_of="2026-04-02 00:00",
    )
    march = row(m, "retablissement-p1", "2026-03")
    april = row(m, "retablissement-p1", "2026-04")
    assert (march["breached_open"], march["counted"]) == (2, 0)
    assert (april["breached_open"], april["counted"], april["met"]) == (2, 2, 1)
    late = one(m, "late")
    assert late["open"] and not late["met"] and np.isnan(late["resolved"])
    assert late["elapsed"] == at("2026-04-02 00:00") - at("2026-03-31 20:00")


def test_events_after_as_of_are_left_out_and_counted() -> None:
    m = run(ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 02:00", "resolved")),
            as_of="2026-03-02 01:00")
    assert one(m, "A")["open"] and one(m, "A")["elapsed"] == 1 * H
    assert m.reconciliation["events_after_as_of"] == 1


# -- answer time ---------------------------------------------------------------------
CALLS = (
    call("met", "2026-03-02 10:00", 30),
    call("at-threshold", "2026-03-02 10:00", 40),
    call("late", "2026-03-02 10:00", 50),
    call("hung-up-in-grace", "2026-03-02 10:00", 3, "call_abandoned"),
    call("hung-up-before-T", "2026-03-02 10:00", 20, "call_abandoned"),
    call("hung-up-after-T", "2026-03-02 10:00", 60, "call_abandoned"),
    call("evening", "2026-03-02 18:00", 500),  # outside 07:30–17:00
    call("holiday", "2026-06-24 10:00", 500),  # Fête nationale
)


def answer_pack(**changes: Any) -> RulePack:
    pack = default_pack()
    return dataclasses.replace(pack, targets=tuple(
        dataclasses.replace(t, **changes) if isinstance(t, AnswerTimeTarget) else t
        for t in pack.targets))


@pytest.mark.parametrize(
    ("changes", "counted", "met"),
    [
        ({}, 5, 2),  # answered 3 + abandoned after the 5 s grace 2
        ({"grace": 30.0}, 4, 2),
        ({"denominator": "answered_and_abandoned_after_threshold"}, 4, 2),
        ({"denominator": "offered"}, 6, 2),
        ({"denominator": "answered"}, 3, 2),
    ],
)
def test_service_level_under_each_definition_the_pack_allows(
    changes: dict[str, Any], counted: int, met: int
) -> None:
    m = run(*CALLS, pack=answer_pack(**changes))
    march = row(m, "reponse-appels", "2026-03")
    assert (march["counted"], march["met"]) == (counted, met)
    assert march["compliance"] == pytest.approx(met / counted)
    assert row(m, "reponse-appels", "2026-06")["counted"] == 0
    calls = m.calls.set_index("id")
    assert not calls.loc["evening", "in_hours"] and not calls.loc["holiday", "in_hours"]
    assert calls.loc["at-threshold", "met"]
    # 10:00 on a Monday is the 20th half-hour of the week.
    assert calls.loc["met", "halfhour"] == 20


def test_a_call_still_waiting_past_the_threshold_is_breached_still_open() -> None:
    m = run(call("done", "2026-03-02 10:00", 10),
            [dict(id="waiting", time=at("2026-03-02 10:01"), event="call_queued")])
    march = row(m, "reponse-appels", "2026-03")
    assert (march["counted"], march["breached_open"]) == (1, 0)
    m = run(call("done", "2026-03-02 10:00", 120),
            [dict(id="waiting", time=at("2026-03-02 10:01"), event="call_queued")])
    assert row(m, "reponse-appels", "2026-03")["breached_open"] == 1
    assert set(m.calls["outcome"]) == {"answered", "waiting"}


# -- first-contact resolution --------------------------------------------------------
def test_first_contact_resolution_counts_office_incidents_without_escalation() -> None:
    office = {"option": "1"}
    m = run(
        ticket("fc", "2026-03-02 09:00", "P4", ("2026-03-02 09:10", "resolved", "first_contact"),
               **office),
        ticket("escalated", "2026-03-02 09:00", "P4", ("2026-03-02 09:05", "assigned", "2"),
               ("2026-03-02 09:10", "resolved", "first_contact"), **office),
        ticket("later", "2026-03-02 09:00", "P4", ("2026-03-02 11:00", "resolved"), **office),
        ticket("by-service", "2026-03-02 09:00", "P4",
               ("2026-03-02 09:10", "resolved", "first_contact"),
               service="Gestion du poste de travail bureautique"),
        ticket("mainframe", "2026-03-02 09:00", "P4",
               ("2026-03-02 09:10", "resolved", "first_contact"), option="2"),
        ticket("still-open", "2026-03-02 09:00", "P4", **office),
    )
    march = row(m, "premier-contact", "2026-03")
    assert (march["counted"], march["met"]) == (4, 2)
    assert march["goal_met"] is False or not march["goal_met"]
    fc = m.first_contact.set_index("id")
    assert set(fc.index) == {"fc", "escalated", "later", "by-service", "still-open"}
    assert fc.loc["escalated", "escalated"] and not fc.loc["escalated", "first_contact"]
    assert not fc.loc["still-open", "resolved"]


# -- counts and errors ---------------------------------------------------------------
def test_monthly_rows_carry_goal_margin_and_na_when_nothing_is_counted() -> None:
    m = run(ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "resolved")))
    p1 = row(m, "retablissement-p1", "2026-03")
    assert (p1["compliance"], p1["goal"], bool(p1["goal_met"])) == (1.0, 0.85, True)
    assert p1["margin"] == pytest.approx(0.15)
    p2 = row(m, "retablissement-p2", "2026-03")
    assert np.isnan(p2["compliance"]) and pd.isna(p2["goal_met"])
    assert list(m.monthly.columns) == ["month", "target", "kind", "counted", "met", "compliance",
                                       "goal", "goal_met", "margin", "breached_open"]


def test_unknown_priority_is_an_error_naming_the_row() -> None:
    log = EventLog.from_records(ticket("A", "2026-03-02 00:00", "P9"))
    message = (r'priority not among the pack.s \(P1, P2, P3, P4, P5\):\n'
               r'  row 2: id A, event priority, value "P9"')
    with pytest.raises(DataError, match=message):
        measure(log, default_pack())


def test_end_before_start_is_an_error_naming_the_row() -> None:
    rows = ticket("A", "2026-03-02 10:00", "P1", ("2026-03-02 09:00", "resolved"))
    with pytest.raises(DataError, match=r"resolved before it was opened:\n  row 3: id A"):
        measure(EventLog.from_records(rows), default_pack())
    lost = [dict(id="B", time=at("2026-03-02 10:00"), event="priority", value="P1")]
    with pytest.raises(DataError, match="without an `opened` event"):
        measure(EventLog.from_records(lost), default_pack())


def test_write_puts_each_table_in_a_csv_file(tmp_path: Any) -> None:
    m = run(ticket("A", "2026-03-02 00:00", "P1", ("2026-03-02 01:00", "resolved")),
            call("c", "2026-03-02 10:00", 30))
    m.write(tmp_path / "out")
    for name in ("monthly", "tickets", "calls", "volumes", "first_contact"):
        written = pd.read_csv(tmp_path / "out" / f"{name}.csv")
        assert len(written) == len(getattr(m, name))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{n}.csv" for n in ("monthly", "tickets", "calls", "volumes", "first_contact"))


def test_an_empty_log_measures_to_empty_tables_at_a_given_instant() -> None:
    m = measure(EventLog.from_records([]), default_pack(), as_of=1.77e9)
    assert m.tickets.empty and m.calls.empty and m.reconciliation["tickets"] == 0
    assert set(m.monthly["month"]) == {"2026-02"}
    # Without an instant there is no month to report (not the epoch's 1969-12).
    with pytest.raises(DataError, match="nothing to measure: the event log has no event"):
        measure(EventLog.from_records([]), default_pack())


# -- against the plain reference loop ----------------------------------------------
STEP = {  # state → events allowed next (the event log's life cycle)
    "open": ("waiting_start", "resolved", "priority", "closed"),
    "waiting": ("waiting_end", "resolved"),
    "resolved": ("reopened", "closed"),
    "closed": ("reopened",),
}
MOVES = {"waiting_start": "waiting", "waiting_end": "open", "resolved": "resolved",
         "reopened": "open", "priority": "open", "closed": "closed"}


@st.composite
def ticket_logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for n in range(draw(st.integers(1, 6))):
        t = at("2026-03-27 00:00") + draw(st.integers(0, 10 * 86400))
        priority = draw(st.sampled_from(["P1", "P2", "P3", "P4", "P5"]))
        rows += [dict(id=f"T{n}", time=t, event="opened"),
                 dict(id=f"T{n}", time=t, event="priority", value=priority)]
        state = "open"
        for _ in range(draw(st.integers(0, 6))):
            event = draw(st.sampled_from(STEP[state]))
            t += draw(st.integers(0, 3 * 86400))
            value = draw(st.sampled_from(["P1", "P3", "P5"])) if event == "priority" else ""
            rows.append(dict(id=f"T{n}", time=t, event=event, value=value))
            state = MOVES[event]
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ticket_logs(), st.integers(0, 5 * 86400))
def test_vectorised_measurement_equals_the_reference_loop_and_counts_reconcile(
    rows: list[dict[str, Any]], after: int
) -> None:
    log = EventLog.from_records(rows)
    assert log.validate().report.rows_rejected == 0  # type: ignore[union-attr]
    as_of = max(r["time"] for r in rows) + after
    m = measure(log, default_pack(), as_of=as_of)
    expected = reference_tickets(log.frame, default_pack(), as_of)
    got = m.tickets.set_index("id")
    assert len(got) == len(expected) == m.reconciliation["tickets"]
    for ident, (target, elapsed, met) in expected.items():
        assert got.loc[ident, "target"] == target
        assert got.loc[ident, "elapsed"] == pytest.approx(elapsed, abs=1e-6)
        assert bool(got.loc[ident, "met"]) == met
    resolution = m.monthly[m.monthly["kind"] == "resolution"]
    assert resolution["counted"].sum() + got["open"].sum() == len(expected)
    assert resolution["met"].sum() == (got["met"] & ~got["open"]).sum()


# -- the command ---------------------------------------------------------------------
def test_cau_measure_prints_french_tables_and_writes_tickets_csv_and_json(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from cau.cli import main

    events = tmp_path / "events.parquet"
    EventLog.from_records(
        ticket("A", "2026-03-31 22:00", "P1", ("2026-03-31 23:30", "resolved"))
        + ticket("C", "2026-03-31 20:00", "P1")
    ).write(events)
    assert main(["measure", str(events), "--rules", "cspq-cau",
                 "--tickets", str(tmp_path / "t.csv"), "--as-of", "2026-04-01 12:00"]) == 0
    shown = capsys.readouterr()
    assert "Mois 2026-03" in shown.out and "Ouverts hors délai" in shown.out
    assert "5 lignes lues, 5 retenues, 0 rejetée" in shown.err
    per_ticket = pd.read_csv(tmp_path / "t.csv")
    assert list(per_ticket["id"]) == ["A", "C"]
    assert per_ticket.loc[0, "deadline"] == "2026-04-01T01:00:00-04:00"
    assert list(per_ticket["met"]) == [True, False]

    out = tmp_path / "monthly.json"
    assert main(["measure", str(events), "--rules", "cspq-cau", "--format", "json",
                 "--lang", "en", "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    p1 = [r for r in document["monthly"] if r["target"] == "retablissement-p1"]
    # Judged at the last event (March 31, 23:30): C is 3.5 h old, breached and open.
    assert [(r["month"], r["counted"], r["breached_open"]) for r in p1] == [("2026-03", 1, 1)]
    assert main(["measure", str(events), "--rules", "cspq-cau", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("month,target,kind,counted,met,compliance")


def test_cau_measure_reports_bad_input_with_status_2(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from cau.cli import main

    events = tmp_path / "events.csv"
    EventLog.from_records(ticket("A", "2026-03-02 00:00", "P1")).write(events)
    assert main(["measure", str(events), "--rules", "cspq-cau", "--as-of", "yesterday"]) == 2
    assert "--as-of" in capsys.readouterr().err
    assert main(["measure", str(tmp_path / "none.csv"), "--rules", "cspq-cau"]) == 2


def test_cau_measure_says_why_it_drops_rows_and_lists_them_on_request(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from cau.cli import main

    events = tmp_path / "events.csv"
    EventLog.from_records(ticket("A", "2026-03-02 09:00", "P9", ("2026-03-02 10:00", "resolved"))
                          + ticket("B", "2026-03-02 09:00", "P3")).write(events)
    assert main(["measure", str(events), "--rules", "cspq-cau", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "5 rows read, 2 kept, 3 rejected" in err
    assert 'row 3: unknown priority "P9"' in err  # the reason, not only a count
    assert "… and 2 other rejected rows" in err
    rejects = tmp_path / "rejects.csv"
    assert main(["measure", str(events), "--rules", "cspq-cau", "--rejects", str(rejects)]) == 0
    listed = pd.read_csv(rejects)
    assert list(listed["row"]) == [2, 3, 4] and list(listed["id"]) == ["A"] * 3


# -- real shapes: the importer's extracts -------------------------------------------
@pytest.mark.parametrize(
    ("extract", "mapping"),
    [("servicenow-uci-extract.csv", "servicenow-uci"), ("volvo-bpi2013-extract.csv",
                                                        "volvo-bpi2013")],
)
def test_imported_extracts_measure_like_the_reference_and_reconcile(
    extract: str, mapping: str
) -> None:
    from pathlib import Path

    from rules.importer import import_source, load_mapping

    pack = default_pack()
    log = import_source(Path(__file__).parent / "data" / extract, load_mapping(mapping),
                        priorities=pack.priority_codes)
    m = measure(log, pack)
    counts = m.reconciliation
    assert counts["events_read"] == len(log) == counts["ticket_events"] + counts["call_events"]
    assert counts["tickets"] == counts["tickets_resolved"] + counts["tickets_open"] > 0
    resolution = m.monthly[m.monthly["kind"] == "resolution"]
    assert resolution["counted"].sum() + m.tickets["open"].sum() == counts["tickets"]
    expected = reference_tickets(log.frame, pack, m.as_of)
    got = m.tickets.set_index("id")
    for ident, (target, elapsed, met) in expected.items():
        assert (got.loc[ident, "target"], bool(got.loc[ident, "met"])) == (target, met)
        assert got.loc[ident, "elapsed"] == pytest.approx(elapsed, abs=1e-6)
