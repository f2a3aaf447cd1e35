"""Level 1 as a SimPy model (sim.agent_groups): equal to the recursion, call for call, on
the same draws where the recursion applies; and, with several groups, skills, overflow
and priority callers, held to queueing theory inside confidence intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from level_one_cases import random_day
from scipy import stats

from sim.agent_groups import AgentGroups, DeskGroup, Route, Workload
from sim.contact_centre import (
    ContactCentre,
    ContactCentreRun,
    Engine,
    simulate_contact_centre,
    start_level_one,
)
from sim.distributions import Exponential
from sim.erlang import ErlangA, ErlangC
from sim.rng import Streams
from sim.staffing import StaffingSteps
from sim.switchboard import Switchboard

EPOCH = 1_773_633_600.0  # instants are epoch seconds, as in a replication


# -- the fast path is the SimPy model restricted to one group, first come first served ----
@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), grid=st.booleans())
def test_the_simpy_model_equals_the_recursion_call_for_call(seed: int, grid: bool) -> None:
    arrivals, patience, work, emails, email_work, times, agents, hours = random_day(
        seed, grid=grid, base=EPOCH)
    staffing = StaffingSteps(times, agents)
    board = Switchboard(arrivals, patience, work, emails, email_work, staffing, hours)
    board.advance(math.inf)
    env = simpy.Environment(initial_time=float(times[0]))
    kinds = np.zeros(arrivals.size, dtype=int)
    load = Workload(arrivals, kinds, patience, work, emails, email_work)
    desk = AgentGroups(env, [DeskGroup("N1", staffing)], [Route(0)], load, hours)
    desk.start()
    env.run()
    np.testing.assert_array_equal(desk.calls.started, board.answered)
    np.testing.assert_array_equal(desk.abandoned(math.inf), np.asarray(board.abandoned))
    np.testing.assert_array_equal(desk.mail.started, board.email_started)


@pytest.mark.parametrize("engine", ["recursion", "simpy"])
def test_only_the_watched_releases_are_told_at_their_instants(engine: Engine) -> None:
    """Both engines tell the model of the releases it watches (the escalated incidents),
    each when the agent lets the contact go, and of no other."""
    arrivals, patience, work, emails, email_work, times, agents, hours = random_day(
        7, grid=False, base=EPOCH)
    staffing = StaffingSteps(times, agents)
    load = Workload(arrivals, np.zeros(arrivals.size, dtype=int), patience, work, emails,
                    email_work)
    watched = (np.arange(0, arrivals.size, 3), np.arange(0, emails.size, 2))
    end = float(arrivals[arrivals.size * 3 // 4])  # some releases come after the end
    told: list[tuple[bool, int, float]] = []
    env = simpy.Environment(initial_time=float(times[0]))
    finish = start_level_one(env, [DeskGroup("N1", staffing)], [Route(0)], load, end, hours,
                             on_release=lambda *args: told.append(args), watched=watched,
                             engine=engine)
    env.run(until=end)
    run = finish()
    expected = []
    for is_email, released in ((False, run.calls.released), (True, run.emails.finished)):
        mine = np.isin(np.arange(released.size), watched[1 if is_email else 0])
        expected += [(is_email, i, float(released[i]))
                     for i in np.flatnonzero(mine & (released < end)).tolist()]
    assert expected and sorted(told) == sorted(expected)


# -- proof against theory ------------------------------------------------------------------
MINUTE = 60.0
AHT, PATIENCE, TARGET = 5 * MINUTE, 3 * MINUTE, 40.0
WARM_UP = 300 * MINUTE
REPLICATIONS = 20


def inside_ci(values: np.ndarray, theory: float, level: float = 0.99) -> bool:
    t = stats.t.ppf(0.5 + level / 2, values.size - 1)
    half = t * values.std(ddof=1) / math.sqrt(values.size)
    return bool(abs(values.mean() - theory) <= half)


def above_zero(values: np.ndarray, level: float = 0.99) -> bool:
    """The mean of paired differences is positive: its whole interval lies above 0."""
    t = stats.t.ppf(0.5 + level / 2, values.size - 1)
    return bool(values.mean() - t * values.std(ddof=1) / math.sqrt(values.size) > 0)


@dataclass(frozen=True)
class Desk:
    """A stationary level 1: call types with their arrival rates, groups of constant size."""

    rates: tuple[float, ...]
    agents: tuple[int, ...]
    routes: tuple[Route, ...]
    patience: float | None = PATIENCE

    def run(self, seed: np.random.SeedSequence, calls: int
            ) -> tuple[ContactCentreRun, np.ndarray]:
        streams = Streams(seed)
        total = sum(self.rates)
        arrivals = np.cumsum(streams["arrivals"].exponential(1 / total, calls))
        kinds = streams["reasons"].choice(len(self.rates), calls,
                                          p=np.asarray(self.rates) / total)
        centre = ContactCentre(Exponential(AHT), patience=(
            Exponential(self.patience) if self.patience else None))
        groups = [DeskGroup(f"G{g}", StaffingSteps.constant(c))
                  for g, c in enumerate(self.agents)]
        run = simulate_contact_centre(centre, arrivals, groups, float(arrivals[-1]) + 86400.0,
                                      streams, routes=self.routes, kinds=kinds, engine="simpy")
        return run, kinds

    def replicate(self, calls: int, seed: int) -> dict[str, np.ndarray]:
        """:func:`figures` of independent replications: arrays (replication, type or all);
        the same ``seed`` gives every desk the same callers (common random numbers)."""
        rows = [figures(*self.run(child, calls))
                for child in np.random.SeedSequence(seed).spawn(REPLICATIONS)]
        return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def figures(run: ContactCentreRun, kinds: np.ndarray) -> dict[str, np.ndarray]:
    """Per call type (and in all, last), after the warm-up: P(wait > 0), P(abandon),
    share answered within the target, mean wait of all callers (answered or not)."""
    calls = run.calls
    keep = calls.queued >= calls.queued[0] + WARM_UP
    answered = ~np.isnan(calls.answered)
    wait = np.fmin(calls.answered, calls.abandoned) - calls.queued
    rows = []
    for k in [*range(int(kinds.max()) + 1), None]:
        mine = keep & ((kinds == k) if k is not None else True)
        rows.append((
            float((wait[mine] > 0).mean()),
            float((~answered[mine]).mean()),
            float((answered[mine] & (wait[mine] <= TARGET)).mean()),
            float(wait[mine].mean()),
        ))
    table = np.array(rows)
    return {"p_wait": table[:, 0], "p_abandon": table[:, 1], "sl": table[:, 2],
            "wait": table[:, 3]}


def test_one_group_is_erlang_c_without_patience_and_erlang_a_with_it() -> None:
    rate = 2 / MINUTE
    patient = Desk((rate,), (12,), (Route(0),), patience=None).replicate(30_000, seed=1)
    theory_c = ErlangC(rate, AHT, 12)
    assert inside_ci(patient["p_wait"][:, -1], theory_c.p_wait)
    assert inside_ci(patient["sl"][:, -1], theory_c.service_level(TARGET))
    assert inside_ci(patient["wait"][:, -1], theory_c.asa)
    impatient = Desk((rate,), (12,), (Route(0),)).replicate(20_000, seed=2)
    theory_a = ErlangA(rate, AHT, 12, PATIENCE)
    assert inside_ci(impatient["p_abandon"][:, -1], theory_a.p_abandon)
    assert inside_ci(impatient["sl"][:, -1], theory_a.service_level(TARGET))
    assert inside_ci(impatient["p_wait"][:, -1], theory_a.p_wait)
    assert not inside_ci(impatient["sl"][:, -1], theory_c.service_level(TARGET))


# Two teams: a busy one (option 1, 15 Erlangs for 16 agents) and a quieter one (option 2,
# 5 Erlangs for 7 agents).
RATES, AGENTS = (3 / MINUTE, 1 / MINUTE), (16, 7)
SEPARATE = Desk(RATES, AGENTS, (Route(0), Route(1)))
POOLED = Desk(RATES, AGENTS, (Route(0, (1,), 0.0), Route(1, (0,), 0.0)))
OVERFLOW = Desk(RATES, AGENTS, (Route(0, (1,), 30.0), Route(1, (0,), 30.0)))


def test_two_separate_pools_are_two_erlang_a() -> None:
    found = SEPARATE.replicate(20_000, seed=3)
    for k, (rate, agents) in enumerate(zip(RATES, AGENTS, strict=True)):
        theory = ErlangA(rate, AHT, agents, PATIENCE)
        assert inside_ci(found["p_abandon"][:, k], theory.p_abandon), k
        assert inside_ci(found["sl"][:, k], theory.service_level(TARGET)), k


def test_full_pooling_is_one_erlang_a() -> None:
    found = POOLED.replicate(20_000, seed=4)
    theory = ErlangA(sum(RATES), AHT, sum(AGENTS), PATIENCE)
    assert inside_ci(found["p_abandon"][:, -1], theory.p_abandon)
    assert inside_ci(found["sl"][:, -1], theory.service_level(TARGET))
    assert inside_ci(found["p_wait"][:, -1], theory.p_wait)
    # one queue: both options see the same service
    assert inside_ci(found["sl"][:, 0] - found["sl"][:, 1], 0.0)


def test_overflow_after_a_wait_lies_between_separate_and_pooled_teams() -> None:
    # Common random numbers: the same callers in all three, so paired differences are tight.
    separate, overflow, pooled = (d.replicate(20_000, seed=5)
                                  for d in (SEPARATE, OVERFLOW, POOLED))
    for figure, better in (("sl", 1.0), ("p_abandon", -1.0), ("wait", -1.0)):
        assert above_zero(better * (overflow[figure][:, -1] - separate[figure][:, -1])), figure
        assert above_zero(better * (pooled[figure][:, -1] - overflow[figure][:, -1])), figure
    # the busy option gains most from the quiet team's spare agents
    gain = overflow["sl"][:, :2] - separate["sl"][:, :2]
    assert above_zero(gain[:, 0]) and above_zero(gain[:, 0] - gain[:, 1])


def test_priority_callers_wait_less_and_the_total_wait_is_conserved() -> None:
    # Non-preemptive priority in M/M/c with one service law (Cobham 1954): class k waits
    # W0 / ((1 - σ_{k-1})(1 - σ_k)) on average, W0 = C(c, a) / (cμ), σ_k the load share of
    # classes 1..k; the overall mean wait is FCFS's (Kleinrock's conservation law).
    rates, agents = (0.6 / MINUTE, 1.6 / MINUTE), 12
    ranked = Desk(rates, (agents,), (Route(0, rank=1), Route(0, rank=2)), patience=None)
    found = ranked.replicate(30_000, seed=6)
    erlang = ErlangC(sum(rates), AHT, agents)
    w0 = erlang.p_wait * AHT / agents
    sigma = np.cumsum([0.0, *(r * AHT / agents for r in rates)])
    for k in range(2):
        theory = w0 / ((1 - sigma[k]) * (1 - sigma[k + 1]))
        assert inside_ci(found["wait"][:, k], theory), k
    assert above_zero(found["wait"][:, 1] - found["wait"][:, 0])
    assert inside_ci(found["wait"][:, -1], erlang.asa)


# -- routing, overflow, priority, e-mails, shift ends: small days worked by hand ------------
def run_desk(groups: list[DeskGroup], routes: list[Route], calls: list[tuple[float, int, float]],
             emails: list[tuple[float, float]] = (), patience: float = math.inf,
             ) -> ContactCentreRun:
    """Calls (arrival, type, work) and e-mails (arrival, work), epoch + seconds."""
    arrivals = EPOCH + np.array([c[0] for c in calls], dtype=float)
    env = simpy.Environment(initial_time=EPOCH)
    load = Workload(arrivals, np.array([c[1] for c in calls], int),
                    np.full(len(calls), patience), np.array([c[2] for c in calls], float),
                    EPOCH + np.array([e[0] for e in emails], float),
                    np.array([e[1] for e in emails], float))
    desk = AgentGroups(env, groups, routes, load)
    desk.start()
    env.run(until=EPOCH + 10_000)
    return ContactCentreRun.of_desk(desk, EPOCH, EPOCH + 10_000)


def one(agents: int, name: str = "A", **options: object) -> DeskGroup:
    return DeskGroup(name, StaffingSteps.constant(agents, EPOCH), **options)  # type: ignore[arg-type]


def waits(run: ContactCentreRun) -> list[float]:
    return (run.calls.answered - run.calls.queued).tolist()


def test_a_call_overflows_after_its_wait_to_an_idle_skilled_group() -> None:
    # A is busy until 100; B is idle: option 1's second caller goes to B after 30 s.
    run = run_desk([one(1), one(1, "B")], [Route(0, (1,), 30.0)], [(1, 0, 100), (10, 0, 5)])
    assert waits(run) == [0, 30] and run.calls.group.tolist() == [0, 1]
    never = run_desk([one(1), one(1, "B")], [Route(0)], [(1, 0, 100), (10, 0, 5)])
    assert waits(never) == [0, 91]
    at_once = run_desk([one(1), one(1, "B")], [Route(0, (1,), 0.0)],
                       [(0, 0, 100), (10, 0, 50), (20, 0, 5)])
    assert waits(at_once) == [0, 0, 40] and at_once.calls.group.tolist() == [0, 1, 1]


def test_the_first_group_is_preferred_and_a_freed_agent_takes_its_own_calls_first() -> None:
    # Both idle at 1: B, the first group of type 1, answers. B frees at 51 with a call of
    # each type waiting (same rank): it takes the one that waited longest, type 0's.
    run = run_desk([one(1), one(1, "B")], [Route(0, (1,), 0.0), Route(1, (0,), 0.0)],
                   [(1, 1, 50), (2, 0, 100), (3, 0, 10), (4, 1, 10)])
    assert run.calls.group.tolist() == [1, 0, 1, 1]
    assert run.calls.answered.tolist() == [EPOCH + t for t in (1, 2, 51, 61)]


def test_priority_callers_are_answered_before_those_waiting_longer() -> None:
    run = run_desk([one(1)], [Route(0, rank=2), Route(0, rank=1)],
                   [(1, 0, 100), (10, 0, 10), (20, 1, 10)])
    assert waits(run) == [0, 101, 81]


def test_only_the_named_groups_work_emails_and_only_when_no_call_waits() -> None:
    # A (no e-mails) is busy until 101, B until 22 then with the waiting call until 32: only
    # then, no call waiting, does B open the e-mail that came at 4.
    run = run_desk([one(1, "A", emails=False), one(1, "B")], [Route(0, (1,), 0.0)],
                   [(1, 0, 100), (2, 0, 20), (3, 0, 10)], emails=[(4, 30)])
    assert run.calls.group.tolist() == [0, 1, 1]
    assert run.emails.group.tolist() == [1] and run.emails.started.tolist() == [EPOCH + 32]


def test_at_shift_end_finish_lets_the_call_end_and_hand_back_passes_it_on() -> None:
    staffing = StaffingSteps(np.array([EPOCH, EPOCH + 50]), np.array([1, 0]))
    calls = [(0, 0, 100)]
    finish = run_desk([DeskGroup("A", staffing), one(1, "B")], [Route(0, (1,), 0.0)], calls)
    assert finish.calls.released.tolist() == [EPOCH + 100]
    assert finish.calls.group.tolist() == [0] and not finish.handovers.resumed.size
    handed = run_desk([DeskGroup("A", staffing, at_shift_end="hand_back"), one(1, "B")],
                      [Route(0, (1,), 0.0)], calls)
    assert handed.calls.answered.tolist() == [EPOCH]  # answered once, by A
    assert handed.calls.released.tolist() == [EPOCH + 100]  # B did the last 50 s at once
    assert handed.handovers.resumed_by.tolist() == [1]
    busy = handed.group_monitors(step=25.0)
    per_group = busy.groupby("group")["agents_busy"].sum() * 25.0
    assert per_group.to_dict() == {"A": 50.0, "B": 50.0}
    # with nobody to take it, a handed-back call waits: work ends later
    alone = run_desk([DeskGroup("A", StaffingSteps(np.array([EPOCH, EPOCH + 50, EPOCH + 80]),
                                                   np.array([1, 0, 1])),
                               at_shift_end="hand_back")], [Route(0)], calls)
    assert alone.calls.released.tolist() == [EPOCH + 130]
