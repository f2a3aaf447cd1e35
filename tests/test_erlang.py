"""Queueing formulas against published worked examples and independent computations."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg

from cau import cmd_erlang
from rules.errors import DataError
from sim.erlang import ErlangA, ErlangC, agents_needed, erlang_b


# -- Erlang B ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "erlangs", "blocking"),
    [
        # Classic Erlang B tables (e.g. Cooper, "Introduction to Queueing Theory", table of
        # B(c, a)): 10 lines at 5 Erlangs block 1.84 %; the 1 % column gives 4.461 Erlangs
        # for 10 lines and 12.031 for 20 lines.
        (10, 5.0, 0.01838),
        (10, 4.461, 0.0100),
        (20, 12.031, 0.0100),
    ],
)
def test_erlang_b_matches_the_published_tables(lines: int, erlangs: float, blocking: float) -> None:
    assert erlang_b(lines, erlangs) == pytest.approx(blocking, abs=5e-5)


@given(lines=st.integers(1, 60), erlangs=st.floats(0.01, 80.0))
def test_erlang_b_recursion_equals_the_closed_form(lines: int, erlangs: float) -> None:
    terms = [k * math.log(erlangs) - math.lgamma(k + 1) for k in range(lines + 1)]
    top = max(terms)
    closed = math.exp(terms[-1] - top) / sum(math.exp(t - top) for t in terms)
    assert erlang_b(lines, erlangs) == pytest.approx(closed, rel=1e-9)


# -- Erlang C ------------------------------------------------------------------------------
def test_erlang_c_matches_the_call_centre_helper_worked_example() -> None:
    # callcentrehelper.com, "Erlang C formula – made simple": 100 calls in 30 minutes,
    # AHT 3 minutes (10 Erlangs), 11 agents, 20-second target: P(wait) 68.21 %,
    # service level 39.0 %, ASA 122.8 s, occupancy 90.9 %.
    model = ErlangC(rate=100 / 1800, aht=180, agents=11)
    assert model.p_wait == pytest.approx(0.6821, abs=5e-5)
    assert model.service_level(20) == pytest.approx(0.3896, abs=5e-4)
    assert model.asa == pytest.approx(122.8, abs=0.05)
    assert model.occupancy == pytest.approx(10 / 11)


@given(rho=st.floats(0.01, 0.99), aht=st.floats(1.0, 1000.0), t=st.floats(0.0, 500.0))
def test_erlang_c_with_one_or_two_agents_is_the_textbook_closed_form(
    rho: float, aht: float, t: float
) -> None:
    one = ErlangC(rate=rho / aht, aht=aht, agents=1)  # M/M/1: P(wait) = ρ
    assert one.p_wait == pytest.approx(rho, rel=1e-9)
    assert one.asa == pytest.approx(rho * aht / (1 - rho), rel=1e-9)
    assert one.service_level(t) == pytest.approx(1 - rho * math.exp(-(1 - rho) * t / aht))
    two = ErlangC(rate=2 * rho / aht, aht=aht, agents=2)  # M/M/2: P(wait) = 2ρ²/(1+ρ)
    assert two.p_wait == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-9)


def test_erlang_c_refuses_an_unstable_queue() -> None:
    with pytest.raises(DataError, match="fewer Erlangs than agents"):
        ErlangC(rate=2 / 60, aht=300, agents=10)
    with pytest.raises(DataError, match="whole number"):
        ErlangC(rate=2 / 60, aht=300, agents=0)


# -- Erlang A ------------------------------------------------------------------------------
def tagged_caller(model: ErlangA, threshold: float, depth: int = 400) -> dict[str, float]:
    """Erlang A measures from first principles: the birth–death stationary law of the
    number in system (truncated), PASTA, and the Markov chain of a tagged caller's
    position in queue (absorbed by answer or by its own abandonment), solved with a
    matrix exponential and the fundamental matrix."""
    lam, mu, theta, c = model.rate, 1 / model.aht, 1 / model.patience, model.agents
    k = np.arange(c + 1)
    log_p = k * math.log(lam / mu) - np.array([math.lgamma(i + 1) for i in k])
    ahead = np.arange(1, depth)
    log_q = log_p[-1] + np.cumsum(np.log(lam / (c * mu + ahead * theta)))
    logs = np.concatenate([log_p, log_q])
    pi = np.exp(logs - logs.max())
    pi /= pi.sum()
    start = pi[c:]  # found j callers ahead in queue, j = 0 … depth-1
    # transient states j ahead; from j the queue advances at cμ + jθ, the caller leaves at θ
    advance = c * mu + np.arange(depth) * theta
    q = np.diag(-(advance + theta)) + np.diag(advance[1:], -1)
    answered_rate = np.zeros(depth)
    answered_rate[0] = advance[0]
    full = np.zeros((depth + 2, depth + 2))
    full[:depth, :depth] = q
    full[:depth, depth] = answered_rate
    full[:depth, depth + 1] = theta
    at_t = linalg.expm(full * threshold)
    answered = np.linalg.solve(-q, answered_rate)  # P(answered | start)
    answered_time = np.linalg.solve(-q, answered)  # E[wait; answered | start]
    p_wait = start.sum()
    return {
        "p_wait": p_wait,
        "p_abandon": start @ (1 - answered),
        "answered_within": (1 - p_wait) + start @ at_t[:depth, depth],
        "abandoned_within": start @ at_t[:depth, depth + 1],
        "asa": (start @ answered_time) / ((1 - p_wait) + start @ answered),
    }


@settings(max_examples=15, deadline=None)
@given(
    agents=st.integers(1, 30),
    load_per_agent=st.floats(0.3, 1.6),
    aht=st.floats(60.0, 900.0),
    patience_ratio=st.floats(0.2, 5.0),
    threshold=st.floats(0.0, 300.0),
)
def test_erlang_a_equals_the_tagged_caller_markov_chain(
    agents: int, load_per_agent: float, aht: float, patience_ratio: float, threshold: float
) -> None:
    model = ErlangA(agents * load_per_agent / aht, aht, agents, patience_ratio * aht)
    truth = tagged_caller(model, threshold)
    assert model.p_wait == pytest.approx(truth["p_wait"], abs=1e-9)
    assert model.p_abandon == pytest.approx(truth["p_abandon"], abs=1e-9)
    assert model.p_answered_within(threshold) == pytest.approx(truth["answered_within"], abs=1e-8)
    assert model.p_abandoned_within(threshold) == pytest.approx(
        truth["abandoned_within"], abs=1e-8
    )
    assert model.asa == pytest.approx(truth["asa"], rel=1e-6, abs=1e-9)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    erlang_c = ErlangC(rate=2 / 60, aht=300, agents=12)
    gaps = []
    for patience in (1e4, 1e6):
        model = ErlangA(rate=2 / 60, aht=300, agents=12, patience=patience)
        gaps.append(abs(model.p_wait - erlang_c.p_wait))
    assert gaps[1] < gaps[0] / 50  # converges, at about the rate 1/patience
    model = ErlangA(rate=2 / 60, aht=300, agents=12, patience=1e7)
    assert model.p_wait == pytest.approx(erlang_c.p_wait, rel=1e-4)
    assert model.service_level(40) == pytest.approx(erlang_c.service_level(40), rel=1e-4)
    assert model.p_abandon < 1e-5
    # Erlang C's ASA averages over every caller; as nobody abandons, so does Erlang A's.
    assert model.asa == pytest.approx(erlang_c.asa, rel=1e-3)


def test_erlang_a_answers_every_caller_either_way() -> None:
    model = ErlangA(rate=10 / 60, aht=300, agents=12, patience=600)  # 50 Erlangs: overloaded
    assert model.p_answered_within(math.inf) + model.p_abandon == pytest.approx(1.0)
    assert model.p_abandon == pytest.approx(1 - 12 / 50, abs=1e-3)  # fluid limit
    assert model.mean_wait == pytest.approx(model.p_abandon * 600)


# -- staffing ------------------------------------------------------------------------------
@given(
    rate_per_min=st.floats(0.2, 20.0),
    aht=st.floats(60.0, 900.0),
    goal=st.floats(0.5, 0.95),
    patience=st.none() | st.floats(30.0, 1200.0),
)
@settings(max_examples=30, deadline=None)
def test_agents_needed_is_the_fewest_that_meet_the_goal(
    rate_per_min: float, aht: float, goal: float, patience: float | None
) -> None:
    rate = rate_per_min / 60
    agents = agents_needed(rate, aht, threshold=40, goal=goal, patience=patience)

    def level(c: int) -> float:
        if patience is not None:
            return ErlangA(rate, aht, c, patience).service_level(40)
        return ErlangC(rate, aht, c).service_level(40) if c > rate * aht else 0.0

    assert level(agents) >= goal
    assert agents == 1 or level(agents - 1) < goal


def test_agents_needed_for_the_worked_example_is_just_above_the_goal() -> None:
    # The worked example above at an 80 %-in-20-s goal: 13 agents reach 79.6 %, short of it.
    assert ErlangC(100 / 1800, 180, 13).service_level(20) == pytest.approx(0.7956, abs=5e-4)
    assert agents_needed(100 / 1800, 180, threshold=20, goal=0.80) == 14


# -- command line --------------------------------------------------------------------------
def run_erlang(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cau")
    cmd_erlang.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    status: int = args.func(args)
    return status


def test_cau_erlang_c_prints_the_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["erlang", "c", "--rate", "100/30min", "--aht", "3min", "--agents", "11",
            "--target", "20s", "--lang", "en"]
    assert run_erlang(argv) == 0
    out = capsys.readouterr().out
    assert "P(wait)           0.6821" in out
    assert "38.96% within 20 s" in out
    assert "ASA               122.8 s" in out
    assert "occupancy         90.91%" in out


def test_cau_erlang_staff_and_a(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_erlang(["erlang", "staff", "--rate", "100/30min", "--aht", "3min",
                       "--target", "20s", "--goal", "80%", "--lang", "en"]) == 0
    assert "agents needed     14 (Erlang C" in capsys.readouterr().out
    assert run_erlang(["erlang", "a", "--rate", "2/min", "--aht", "5min", "--agents", "12",
                       "--patience", "3min", "--lang", "en"]) == 0
    assert "P(abandon)        0.0638" in capsys.readouterr().out


def test_cau_erlang_speaks_french_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_erlang(["erlang", "c", "--rate", "100/30min", "--aht", "3min", "--agents", "11",
                       "--target", "20s"]) == 0
    out = capsys.readouterr().out
    assert "P(attente)        0,6821" in out and "38,96\u202f% en 20\u202fs ou moins" in out


def test_cau_erlang_rejects_a_rate_without_unit(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run_erlang(["erlang", "b", "--rate", "2", "--aht", "5min", "--agents", "3"])
    assert caught.value.code == 2
    assert 'expected a rate such as "2/min"' in capsys.readouterr().err


def test_heavy_overstaffing_answers_everyone_at_once() -> None:
    # 400 agents for 10 Erlangs: Erlang B underflows to 0; nobody waits, nobody abandons.
    model = ErlangA(2 / 60, 300.0, 400, 240.0)
    assert (model.p_wait, model.p_abandon, model.asa) == (0.0, 0.0, 0.0)
    assert model.service_level(40.0) == 1.0 and model.occupancy == pytest.approx(10 / 400)
    assert ErlangC(2 / 60, 300.0, 400).p_wait == 0.0


def test_agents_are_bounded_and_the_formulas_fast_up_to_the_bound() -> None:
    with pytest.raises(DataError, match="agents: expected a whole number from 1 to 1,000,000"):
        ErlangC(2 / 60, 300.0, 10**9)
    with pytest.raises(DataError, match="from 0 to 1,000,000"):
        erlang_b(10**9, 10.0)
    assert erlang_b(10**6, 10.0) == 0.0  # stops once it underflows, not after 10^6 steps


@pytest.mark.parametrize("patience", [None, 30.0, 240.0, math.inf])
def test_agents_needed_bisects_to_the_fewest_agents(patience: float | None) -> None:
    rate, aht = 0.2, 300.0  # 60 Erlangs
    needed = agents_needed(rate, aht, 40.0, 0.85, patience)
    exact = None if patience is None or math.isinf(patience) else patience

    def level(agents: int) -> float:
        if exact is None:
            return ErlangC(rate, aht, agents).service_level(40.0)
        return ErlangA(rate, aht, agents, exact).service_level(40.0)

    assert level(needed) >= 0.85 > level(needed - 1)
    if patience is not None and math.isinf(patience):
        assert needed == agents_needed(rate, aht, 40.0, 0.85)  # infinite patience: Erlang C
    with pytest.raises(DataError, match="no staffing of up to 10,000 agents"):
        agents_needed(1000.0, 300.0, 40.0, 0.85)
