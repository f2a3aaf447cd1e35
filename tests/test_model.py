"""One replication of the whole CAU: a valid, conserving, reproducible event log; the
resolver groups' priority rules; waiting on the user; outages."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from resolver_reference import Job, reference_team
from test_level_one_format import TEAMS, variant

from rules.errors import ValidationError
from rules.eventlog import EventLog
from rules.measure import measure
from rules.pack import RulePack
from sim.distributions import Deterministic
from sim.model import Replication, simulate_replication
from sim.resolvers import ResolverTeam, after_open_time
from sim.scenario import Escalation, Hold, Horizon, InitialBacklog, ResolverGroup, Scenario
from sim.scenario_loader import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "cspq-baseline.yaml"
HOUR, DAY = 3600.0, 86400.0


@pytest.fixture(scope="module")
def week() -> tuple[Scenario, RulePack]:
    """The baseline cut to one week (with its outage on Tuesday 17 March), 2 days' warm-up."""
    scenario, pack = load_scenario(BASELINE)
    return dataclasses.replace(scenario, horizon=Horizon(date(2026, 3, 16), 7, 2)), pack


@pytest.fixture(scope="module")
def replication(week: tuple[Scenario, RulePack]) -> Replication:
    scenario, pack = week
    return simulate_replication(scenario, pack, np.random.SeedSequence(2026))


def test_the_log_is_valid(replication: Replication, week: tuple[Scenario, RulePack]) -> None:
    log = replication.log.validate(week[1].priority_codes)
    report = log.report
    assert report is not None
    assert report.rows_rejected == 0, report.rejects.head()
    events = set(replication.log.frame["event"].astype(str))
    assert {"call_queued", "call_answered", "opened", "priority", "assigned", "resolved",
            "waiting_start", "waiting_end", "closed"} <= events


def test_calls_and_tickets_are_conserved(replication: Replication) -> None:
    frame = replication.log.frame
    count = frame["event"].astype(str).value_counts()
    calls = frame[frame["event"].astype(str).str.startswith("call_")]
    last = calls.groupby("id")["event"].last().astype(str)
    waiting = int((last == "call_queued").sum())
    assert count["call_queued"] == count["call_answered"] + count["call_abandoned"] + waiting
    tickets = frame[~frame["event"].astype(str).str.startswith("call_")]
    opened = tickets.loc[tickets["event"] == "opened", "id"]
    assert opened.is_unique
    assert set(tickets["id"]) == set(opened)  # every ticket event belongs to an opened ticket
    state = tickets.groupby("id")["event"].last().astype(str)
    resolved = state.isin(["resolved", "closed"]).sum()
    still_open = state.isin(["opened", "priority", "assigned", "waiting_start", "waiting_end",
                             "reopened"]).sum()
    assert len(opened) == resolved + still_open


def test_the_same_seed_gives_the_same_log(week: tuple[Scenario, RulePack],
                                          replication: Replication) -> None:
    scenario, pack = week
    again = simulate_replication(scenario, pack, np.random.SeedSequence(2026))
    pd.testing.assert_frame_equal(again.log.frame, replication.log.frame)
    other = simulate_replication(scenario, pack, np.random.SeedSequence(2027))
    assert len(other.log) != len(replication.log) or not other.log.frame.equals(
        replication.log.frame)


def test_users_answer_only_in_business_hours(replication: Replication,
                                             week: tuple[Scenario, RulePack]) -> None:
    scenario, pack = week
    assert scenario.escalation.waiting is not None
    calendar = pack.calendar(scenario.escalation.waiting.calendar)
    ends = replication.log.frame.loc[replication.log.frame["event"] == "waiting_end", "time"]
    assert len(ends) > 10
    assert calendar.is_open(ends.to_numpy()).all()


def test_first_contact_resolutions_are_level_one(replication: Replication) -> None:
    frame = replication.log.frame
    first = frame[(frame["event"] == "resolved") & (frame["value"] == "first_contact")]
    assert len(first) > 0 and (first["level"] == "1").all()
    escalated = set(frame.loc[(frame["event"] == "assigned") & (frame["value"] == "2"), "id"])
    assert not escalated & set(first["id"])


def test_an_outage_opens_its_incident_and_brings_a_surge(
    week: tuple[Scenario, RulePack], replication: Replication
) -> None:
    scenario, pack = week
    outage = scenario.demand.outages[0]
    frame = replication.log.frame
    opened = frame[(frame["event"] == "priority") & (frame["service"] == outage.service)
                   & (frame["time"] == outage.start.timestamp())]
    assert list(opened["value"]) == [outage.priority]
    calm = dataclasses.replace(scenario, demand=dataclasses.replace(scenario.demand, outages=()))
    quiet = simulate_replication(calm, pack, np.random.SeedSequence(2026)).log.frame
    start = outage.start.timestamp()

    def calls_in_surge(log: pd.DataFrame) -> int:
        queued = log[(log["event"] == "call_queued") & (log["option"] == "2")]
        return int(queued["time"].between(start, start + outage.surge_over,
                                          inclusive="left").sum())

    surge = calls_in_surge(frame) - calls_in_surge(quiet)
    # The streams' own arrivals are the same draws; the difference is the surge, Poisson.
    assert abs(surge - outage.surge_calls) < 4 * np.sqrt(outage.surge_calls)


def test_backlog_and_monitors_cover_the_horizon(replication: Replication) -> None:
    assert set(replication.backlog["group"]) == {"N2-bureautique", "N2-centraux-web",
                                                 "N3-infrastructure"}
    assert (replication.backlog["open_tickets"] >= 0).all()
    monitors = replication.monitors
    assert len(monitors) == 7 * 48
    assert (monitors["agents_busy"] <= monitors["agents_on_duty"] + 1.0 + 1e-9).all()


# -- resolver groups: small deterministic cases ---------------------------------------------
def _team(headcount: int = 1, on_call: int = 1) -> tuple[simpy.Environment, ResolverTeam]:
    env = simpy.Environment()
    opens = np.array([8 * HOUR + k * DAY for k in range(4)])  # open 08:00–16:00 each day
    return env, ResolverTeam(env, "g", headcount, on_call, opens, opens + 8 * HOUR)


def _finish(env: simpy.Environment, team: ResolverTeam, done: dict[str, float], name: str,
            at: float, rank: int, work: float) -> None:
    def ticket() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        yield from team.serve(rank, work)
        done[name] = env.now

    env.process(ticket())


def test_p1_preempts_p3_work_which_resumes_with_what_it_had_left() -> None:
    env, team = _team()
    done: dict[str, float] = {}
    _finish(env, team, done, "P3", 9 * HOUR, 3, 2 * HOUR)
    _finish(env, team, done, "P2", 9.5 * HOUR, 2, HOUR)  # waits: P2 does not pre-empt
    _finish(env, team, done, "P1", 10 * HOUR, 1, HOUR)
    env.run(until=DAY)
    assert done["P1"] == 11 * HOUR  # took the only resolver at once
    assert done["P2"] == 12 * HOUR  # next by priority
    assert done["P3"] == 13 * HOUR  # 1 h done before, 1 h after
    assert team.preemptions == 1


def test_p3_waits_for_business_hours_while_on_call_serves_p2_at_night() -> None:
    env, team = _team(headcount=2, on_call=1)
    done: dict[str, float] = {}
    _finish(env, team, done, "P3-late", 15 * HOUR, 3, 2 * HOUR)  # 1 h today, 1 h tomorrow
    _finish(env, team, done, "P2-night", 20 * HOUR, 2, HOUR)
    _finish(env, team, done, "P3-night", 20 * HOUR, 3, HOUR)
    env.run(until=3 * DAY)
    assert done["P2-night"] == 21 * HOUR
    assert done["P3-late"] == DAY + 9 * HOUR
    assert done["P3-night"] == DAY + 9 * HOUR


# -- holds: the clock runs, nobody is busy ---------------------------------------------------
def _held_pair(week: tuple[Scenario, RulePack], hold: float) -> tuple[pd.DataFrame, float]:
    """Two P3 tickets open at the start of Monday 2 March 2026 in a group of one person,
    each needing 1 h of hands-on work and, when ``hold``, a hold of that long; no other
    demand. Their resolutions, and the group's opening that day."""
    scenario, pack = week
    hour = Deterministic(HOUR)
    group = ResolverGroup("G", 2, 1, 0, "ouvrable-0830-1630", dict.fromkeys(pack.priority_codes,
                                                                          hour),
                          hold={"P3": Hold(1.0, Deterministic(hold))} if hold else {})
    alone = dataclasses.replace(
        scenario,
        horizon=Horizon(date(2026, 3, 2), 2, 0, InitialBacklog({"G": {"P3": 2}}, hour)),
        demand=dataclasses.replace(scenario.demand, scale=0.0, outages=()),
        escalation=Escalation({"*": "G"}, {"G": group}),
    )
    frame = simulate_replication(alone, pack, np.random.SeedSequence(3)).log.frame
    resolved = frame[frame["event"] == "resolved"].set_index("id")["time"]
    opening = pd.Timestamp("2026-03-02 08:30", tz=pack.zone).timestamp()
    return frame, resolved.reindex(["B00001", "B00002"]).to_numpy() - opening


def test_a_hold_delays_resolution_without_occupying_the_resolver(
    week: tuple[Scenario, RulePack],
) -> None:
    _, plain = _held_pair(week, 0.0)
    np.testing.assert_array_equal(plain, [HOUR, 2 * HOUR])  # one after the other
    frame, held = _held_pair(week, 5 * HOUR)
    # The first ticket works part of its hour, waits 5 h on hold, finishes its hour:
    # resolved 6 h after opening, the hold added whole to its time.
    assert held[0] == pytest.approx(6 * HOUR)
    # The one person works the second ticket during the first one's hold: it is resolved
    # within 7 h; had the hold kept the resolver busy, not before 12 h (the next day).
    assert 6 * HOUR <= held[1] <= 7 * HOUR
    # A hold is no event of the log: the clock simply runs.
    assert set(frame["event"].astype(str)) == {"opened", "priority", "assigned", "resolved"}


def test_a_hold_in_business_time_resumes_at_the_next_opening() -> None:
    opens = np.array([8 * HOUR + k * DAY for k in range(3)])
    closes = opens + 8 * HOUR
    assert after_open_time(opens, closes, 15 * HOUR, 3 * HOUR) == DAY + 10 * HOUR
    assert after_open_time(opens, closes, 20 * HOUR, 8 * HOUR) == DAY + 16 * HOUR
    assert after_open_time(opens, closes, 0.0, 30 * HOUR) == float("inf")


# -- initial backlog --------------------------------------------------------------------------
BACKLOG = """  initial_backlog:
    age: {dist: exponential, mean: 2d}
    tickets:
      N2-bureautique: {P3: 30, P4: 20}
      N3-infrastructure: {P2: 2}
"""


def _with_backlog(tmp_path: Path, backlog: str) -> Path:
    text = BASELINE.read_text(encoding="utf-8")
    text = text.replace("  warmup: 21d", backlog.rstrip("\n"), 1)
    text = text.replace("  days: 31", "  days: 7", 1)
    path = tmp_path / "backlog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_initial_backlog_is_opened_before_the_start_and_worked(tmp_path: Path) -> None:
    scenario, pack = load_scenario(_with_backlog(tmp_path, BACKLOG))
    assert scenario.horizon.warmup_days == 0 and scenario.horizon.initial_backlog is not None
    frame = simulate_replication(scenario, pack, np.random.SeedSequence(5)).log.frame
    start = pd.Timestamp("2026-03-01", tz=pack.zone).timestamp()
    backlog = frame[frame["id"].str.startswith("B")]
    opened = backlog[backlog["event"] == "opened"]
    assert len(opened) == 52 and opened["id"].is_unique
    assert (opened["time"] < start).all()
    priorities = backlog[backlog["event"] == "priority"].groupby(["group", "value"]).size()
    assert priorities.to_dict() == {("N2-bureautique", "P3"): 30, ("N2-bureautique", "P4"): 20,
                                    ("N3-infrastructure", "P2"): 2}
    assert set(backlog.loc[backlog["group"] == "N3-infrastructure", "level"]) == {"3"}
    resolved = backlog.loc[backlog["event"] == "resolved", "id"].nunique()
    # The backlog is the oldest work, so 21 people start on it at once; what stays open
    # after the week's 40 business hours is mostly the long tail of the holds (P3: 72 %
    # held, Weibull 0.5, 24 h: 20 % of P3 still on hold after 38 h) and waits on the user
    # (35 %): about 36 of 52 are resolved on average, 27 to 44 over seeds 0–5.
    assert resolved >= 20
    # The measurement judges them like any ticket: their clock started before the horizon.
    tickets = measure(EventLog(frame), pack).tickets
    assert tickets["id"].str.startswith("B").sum() == 52


def test_an_unknown_backlog_group_or_priority_is_located(tmp_path: Path) -> None:
    path = _with_backlog(tmp_path, BACKLOG.replace("N3-infrastructure: {P2: 2}",
                                                   "N3-infra: {P9: 2}"))
    with pytest.raises(ValidationError) as caught:
        load_scenario(path)
    problems = {p.path: p for p in caught.value.problems}
    assert set(problems) == {"horizon.initial_backlog.tickets.N3-infra",
                             "horizon.initial_backlog.tickets.N3-infra.P9"}
    assert '"N3-infrastructure"' in (problems["horizon.initial_backlog.tickets.N3-infra"]
                                     .suggestion or "")


def test_the_baseline_is_tight_and_fails_on_monday_mornings() -> None:
    """The baseline's two teams answer within a few points of the goal over the month,
    option 2's small team below option 1's, and miss it on Monday mornings, where their
    capacity notes say they will."""
    scenario, pack = load_scenario(BASELINE)
    monthly, monday, rest, options = [], [], [], []
    for seed in range(3):
        replication = simulate_replication(scenario, pack, np.random.SeedSequence(seed))
        calls = measure(replication.log, pack)
        frame = calls.monthly
        monthly.append(float(frame.loc[(frame["month"] == "2026-03")
                                       & (frame["target"] == "reponse-appels"),
                                       "compliance"].iloc[0]))
        counted = calls.calls[calls.calls["counted"]]
        morning = counted["halfhour"].between(15, 18)  # Monday 07:30–09:30
        monday.append(float(counted.loc[morning, "met"].mean()))
        rest.append(float(counted.loc[counted["halfhour"] >= 48, "met"].mean()))
        log = replication.log.frame
        option = log[log["event"] == "call_queued"].set_index("id")["option"]
        met = counted.set_index("id")["met"]
        options.append(met.groupby(option.reindex(met.index)).mean())
    assert 0.83 <= np.mean(monthly) <= 0.88, monthly
    assert max(monday) < 0.75 and min(rest) > 0.84, (monday, rest)
    assert all(o["2"] < o["1"] for o in options), options
    notes = [w.where for w in scenario.warnings if w.severity == "note"]
    assert "level_one.groups.N1-bureautique.staffing, Monday 07:30–09:30" in notes


# -- a resolver group equals its textbook reference ----------------------------------------
@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_resolver_team_equals_the_event_by_event_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    days = 4
    opens = np.array([k * DAY + rng.uniform(7, 9) * HOUR for k in range(days)])
    closes = opens + rng.uniform(4, 9, days) * HOUR
    n = int(rng.integers(0, 40))
    # half of the jobs arrive in the hours before a closing, so that closings find work
    arrivals = np.where(rng.random(n) < 0.5, rng.uniform(0, (days - 0.5) * DAY, n),
                        closes[rng.integers(0, days, n)] - rng.uniform(0, 4 * HOUR, n))
    ranks = rng.choice([1, 2, 3, 4, 5], n, p=[0.25, 0.25, 0.2, 0.15, 0.15])
    jobs = sorted((Job(float(a), int(r), float(rng.exponential(3 * HOUR)))
                   for a, r in zip(arrivals, ranks, strict=True)), key=lambda j: j.arrival)
    headcount, on_call = int(rng.integers(1, 5)), int(rng.integers(0, 3))
    around = frozenset(range(1, int(rng.integers(0, 3)) + 1))
    preempting = frozenset({1}) if rng.random() < 0.7 else frozenset()
    policy = "hand_back" if rng.random() < 0.6 else "finish"
    until = (days + 1) * DAY
    env = simpy.Environment()
    team = ResolverTeam(env, "g", headcount, on_call, opens, closes, around_clock=around,
                        preempting=preempting, at_shift_end=policy)  # type: ignore[arg-type]
    done = [math.inf] * len(jobs)

    def ticket(k: int, job: Job) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(job.arrival)
        yield from team.serve(job.rank, job.work)
        done[k] = env.now

    for k, job in enumerate(jobs):
        env.process(ticket(k, job))
    env.run(until=until)
    expected = reference_team(jobs, headcount, on_call, opens, closes, around, preempting,
                              policy, until)
    np.testing.assert_allclose(done, expected, rtol=0, atol=1e-6)


def test_at_closing_on_call_people_keep_the_most_urgent_work_and_hand_back_the_rest() -> None:
    # Three people work P1, P2 and P2 at 15:00; at 16:00 one stays on call. Under
    # hand_back the P1 goes on and both P2 wait for the on-call person, one after the
    # other; under finish all three finish their work the same evening.
    done: dict[str, dict[str, float]] = {}
    for policy in ("hand_back", "finish"):
        env = simpy.Environment()
        opens = np.array([8 * HOUR + k * DAY for k in range(3)])
        team = ResolverTeam(env, "g", 3, 1, opens, opens + 8 * HOUR, at_shift_end=policy)  # type: ignore[arg-type]
        done[policy] = {}
        for name, rank, work in (("P1", 1, 3 * HOUR), ("P2a", 2, 2 * HOUR), ("P2b", 2, 3 * HOUR)):
            _finish(env, team, done[policy], name, 15 * HOUR, rank, work)
        env.run(until=2 * DAY)
    assert done["finish"] == {"P1": 18 * HOUR, "P2a": 17 * HOUR, "P2b": 18 * HOUR}
    # hand_back: P2a (ends soonest of the least urgent) and P2b go back at 16:00 with 1 h
    # and 2 h left; the on-call person finishes P1 at 18:00, then P2a, then P2b
    assert done["hand_back"] == {"P1": 18 * HOUR, "P2a": 19 * HOUR, "P2b": 21 * HOUR}


# -- one environment: a ticket enters level 2 the instant level 1 lets it go ---------------
@pytest.mark.parametrize("teams", [False, True], ids=["fast path", "simpy"])
def test_an_escalated_ticket_enters_level_two_the_instant_level_one_lets_it_go(
        tmp_path: Path, teams: bool) -> None:
    # 7 min at level 1 (talk and wrap-up), then 1 h of work by one of 400 people, no hold,
    # wait, reopening or level 3: P1–P2 tickets (worked at any hour) resolve 1 h after
    # their escalation, which is 7 min after their answer (agents finish their calls).
    finishing = TEAMS.replace("at_shift_end: hand_back", "at_shift_end: finish")
    scenario, pack = load_scenario(variant(tmp_path, finishing) if teams
                                   else BASELINE.parent / "one-pool.yaml")
    hour = Deterministic(HOUR)
    level_one = dataclasses.replace(
        scenario.level_one, after_call_work=Deterministic(60.0),
        handling={**scenario.level_one.handling, "phone": Deterministic(360.0)})
    groups = {name: dataclasses.replace(g, headcount=400, escalate_probability=0.0, hold={},
                                        work=dict.fromkeys(pack.priority_codes, hour))
              for name, g in scenario.escalation.groups.items()}
    scenario = dataclasses.replace(
        scenario, horizon=Horizon(date(2026, 3, 2), 3, 0), level_one=level_one,
        escalation=dataclasses.replace(scenario.escalation, groups=groups, waiting=None,
                                       reopen=None))
    assert scenario.level_one.engine == ("simpy" if teams else "recursion")
    frame = simulate_replication(scenario, pack, np.random.SeedSequence(4)).log.frame
    answered = frame[frame["event"] == "call_answered"].set_index("id")["time"]
    up = frame[(frame["event"] == "assigned") & (frame["value"] == "2")
               & (frame["channel"] == "phone")].set_index("id")["time"]
    assert len(up) > 20
    np.testing.assert_allclose(up - answered.reindex(up.index), 7 * 60.0, atol=1e-6)
    priority = frame[frame["event"] == "priority"].set_index("id")["value"]
    resolved = frame[(frame["event"] == "resolved") & (frame["level"] == "2")].set_index(
        "id")["time"]
    urgent = resolved[priority.reindex(resolved.index).isin(["P1", "P2"])]
    urgent = urgent[urgent.index.isin(up.index)]
    assert len(urgent) > 0
    np.testing.assert_allclose(urgent - up.reindex(urgent.index), HOUR, atol=1e-6)
