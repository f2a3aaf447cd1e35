"""The level-1 queue: equal to a plain event-by-event reference, and proved against
queueing theory (Erlang C, Erlang A, Little's law) inside confidence intervals over
independent replications."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from level_one_cases import random_day, reference
from scipy import stats

from rules.errors import DataError
from sim.contact_centre import (
    ContactCentre,
    ContactCentreRun,
    simulate_contact_centre,
    time_average,
)
from sim.distributions import Exponential
from sim.erlang import ErlangA, ErlangC
from sim.rng import Streams
from sim.staffing import StaffingSteps
from sim.switchboard import Switchboard

MINUTE = 60.0


# -- the fast path equals a plain event-by-event reference ---------------------------------
@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_recursion_equals_the_event_by_event_reference(seed: int) -> None:
    arrivals, patience, service, emails, email_service, times, agents, hours = random_day(seed)
    staffing = StaffingSteps(times, agents)
    board = Switchboard(arrivals, patience, service, emails, email_service, staffing, hours)
    for until in (250.0, 500.0, 1000.0, math.inf):  # in steps: advance keeps its place
        board.advance(until)
    expected = reference(arrivals, patience, service, emails, email_service, staffing, hours)
    for got, want in zip((board.answered, board.abandoned, board.email_started), expected,
                         strict=True):
        np.testing.assert_allclose(np.asarray(got), want, rtol=0, atol=1e-9)


def board_of(
    calls: list[tuple[float, float]], times: list[float], agents: list[int]
) -> Switchboard:
    arrivals = np.array([c[0] for c in calls])
    board = Switchboard(arrivals, np.full(len(calls), np.inf), np.array([c[1] for c in calls]),
                        np.zeros(0), np.zeros(0), StaffingSteps(np.array(times), np.array(agents)))
    board.advance(math.inf)
    return board


def test_an_idle_agent_leaves_first_when_the_shift_ends() -> None:
    # 2 agents, then 1 from t=100. B is idle at 100 and leaves; the caller at 120 waits for A.
    board = board_of([(0, 150), (10, 50), (120, 10)], [0, 100], [2, 1])
    assert board.answered == [0, 10, 150]


def test_a_busy_agent_finishes_its_call_before_leaving() -> None:
    # Both busy at 100: A (free at 150) finishes, leaves; the caller at 120 waits for B (210).
    board = board_of([(0, 150), (10, 200), (120, 10)], [0, 100], [2, 1])
    assert board.answered == [0, 10, 210]


def test_nobody_on_duty_means_waiting_until_someone_comes() -> None:
    board = board_of([(5, 10)], [0, 60, 600], [0, 1, 0])
    assert board.answered == [60]


# -- proof against theory ------------------------------------------------------------------
RATE, AHT, AGENTS, TARGET = 2 / MINUTE, 5 * MINUTE, 12, 40.0
WARM_UP = 300 * MINUTE  # the empty start is forgotten well within 5 h at this load
REPLICATIONS = 30


def replicate(
    centre: ContactCentre, calls: int, measure: Callable[[ContactCentreRun], dict[str, float]],
    seed: int,
) -> dict[str, np.ndarray]:
    """``measure`` of independent stationary replications (one child seed each)."""
    rows = []
    for child in np.random.SeedSequence(seed).spawn(REPLICATIONS):
        streams = Streams(child)
        arrivals = np.cumsum(streams["arrivals"].exponential(1 / RATE, calls))
        end = float(arrivals[-1]) + 86400.0  # long enough for every call to be decided
        run = simulate_contact_centre(centre, arrivals, StaffingSteps.constant(AGENTS), end,
                                      streams)
        rows.append(measure(run))
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def inside_ci(values: np.ndarray, theory: float, level: float = 0.99) -> bool:
    t = stats.t.ppf(0.5 + level / 2, values.size - 1)
    half = t * values.std(ddof=1) / math.sqrt(values.size)
    return bool(abs(values.mean() - theory) <= half)


def steady(run: ContactCentreRun) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wait, answered? and abandoned? of the calls after the warm-up."""
    calls = run.calls
    keep = calls.queued >= calls.queued[0] + WARM_UP
    answered = ~np.isnan(calls.answered[keep])
    left = np.where(answered, calls.answered[keep], calls.abandoned[keep])
    return left - calls.queued[keep], answered, ~answered


def test_stationary_mmc_is_erlang_c() -> None:
    def measure(run: ContactCentreRun) -> dict[str, float]:
        wait, answered, _ = steady(run)
        assert answered.all()
        return {"p_wait": (wait > 0).mean(), "sl": (wait <= TARGET).mean(), "asa": wait.mean()}

    figures = replicate(ContactCentre(Exponential(AHT)), 50_000, measure, seed=1)
    theory = ErlangC(RATE, AHT, AGENTS)
    assert inside_ci(figures["p_wait"], theory.p_wait)
    assert inside_ci(figures["sl"], theory.service_level(TARGET))
    assert inside_ci(figures["asa"], theory.asa)
    # and the interval is tight enough to mean something
    assert figures["asa"].std(ddof=1) / math.sqrt(REPLICATIONS) < 0.05 * theory.asa


def test_impatient_callers_are_erlang_a() -> None:
    patience = 3 * MINUTE

    def measure(run: ContactCentreRun) -> dict[str, float]:
        wait, answered, abandoned = steady(run)
        return {
            "p_wait": (wait > 0).mean(),
            "p_abandon": abandoned.mean(),
            "sl": (answered & (wait <= TARGET)).mean(),
            "asa": wait[answered].mean(),
        }

    centre = ContactCentre(Exponential(AHT), patience=Exponential(patience))
    figures = replicate(centre, 20_000, measure, seed=2)
    theory = ErlangA(RATE, AHT, AGENTS, patience)
    assert inside_ci(figures["p_abandon"], theory.p_abandon)
    assert inside_ci(figures["sl"], theory.service_level(TARGET))
    assert inside_ci(figures["p_wait"], theory.p_wait)
    assert inside_ci(figures["asa"], theory.asa)
    # Erlang C would be far off: impatience matters, and the test can tell
    assert not inside_ci(figures["sl"], ErlangC(RATE, AHT, AGENTS).service_level(TARGET))


def test_littles_law_holds_for_the_queue() -> None:
    def measure(run: ContactCentreRun) -> dict[str, float]:
        calls = run.calls
        low, high = calls.queued[0] + WARM_UP, calls.queued[-1]
        left = np.fmin(calls.answered, calls.abandoned)
        queue_length = time_average(calls.queued, left, np.array([low, high]))[0]
        inside = (calls.queued >= low) & (calls.queued < high)
        arrival_rate = inside.sum() / (high - low)
        mean_wait = (left - calls.queued)[inside].mean()
        return {"gap": queue_length - arrival_rate * mean_wait, "l": queue_length}

    centre = ContactCentre(Exponential(AHT), patience=Exponential(10 * MINUTE))
    figures = replicate(centre, 20_000, measure, seed=3)
    assert inside_ci(figures["gap"], 0.0)
    assert figures["l"].mean() > 0.5  # a queue there is


# -- a working day: schedule, e-mails, conservation, the log -------------------------------
def working_day(seed: np.random.SeedSequence) -> ContactCentreRun:
    streams = Streams(seed)
    day = 3 * 86400.0
    hours = np.arange(0.0, day, 1800.0)
    open_ = ((hours % 86400) >= 7.5 * 3600) & ((hours % 86400) < 17 * 3600)
    calls = np.sort(np.concatenate([
        b + 1800.0 * streams["arrivals"].random(streams["arrivals"].poisson(60))
        for b in hours[open_]
    ]))
    emails = np.sort(streams["emails"].uniform(0.0, day, 300))
    end = 2 * 86400 + 15 * 3600.0  # mid-afternoon of the third day
    times = np.array([0.0, *[d * 86400 + h * 3600 for d in range(3) for h in (7.5, 12, 13, 17)]])
    agents = np.array([0, *[8, 6, 8, 0] * 3])
    centre = ContactCentre(
        handling=Exponential(5 * MINUTE), patience=Exponential(4 * MINUTE),
        after_call=Exponential(MINUTE), email_handling=Exponential(8 * MINUTE), group="CAU",
    )
    email_hours = (np.array([d * 86400 + 8 * 3600.0 for d in range(3)]),
                   np.array([d * 86400 + 16 * 3600.0 for d in range(3)]))
    return simulate_contact_centre(centre, calls[calls < end], StaffingSteps(times, agents), end,
                                   streams, emails=emails[emails < end], email_hours=email_hours)


def test_every_call_is_answered_abandoned_or_still_waiting() -> None:
    run = working_day(np.random.SeedSequence(5))
    calls = run.calls
    answered, abandoned = ~np.isnan(calls.answered), ~np.isnan(calls.abandoned)
    assert not (answered & abandoned).any()
    assert answered.sum() + abandoned.sum() + calls.waiting_at_end.sum() == calls.queued.size
    assert calls.waiting_at_end.sum() > 0  # the run stops mid-afternoon of the third day
    log = run.event_log().frame
    counts = log["event"].value_counts()
    assert counts["call_queued"] == calls.queued.size
    assert counts["call_answered"] == answered.sum()
    assert counts["call_abandoned"] == abandoned.sum()
    assert (log["time"] <= run.end).all() and (log["channel"] == "phone").all()
    # e-mails are worked only by agents on duty during the e-mail hours (08:00–16:00)
    started = run.emails.started[~np.isnan(run.emails.started)]
    assert started.size > 0 and (run.staffing.at(started) > 0).all()
    hour = (started % 86400) / 3600
    assert ((hour >= 8) & (hour < 16)).all()
    # no call is answered while nobody is on duty
    assert (run.staffing.at(calls.answered[answered]) > 0).all()


def test_monitors_are_time_averages_per_half_hour() -> None:
    run = working_day(np.random.SeedSequence(6))
    monitors = run.monitors()
    assert list(monitors.columns) == ["time", "agents_on_duty", "agents_busy", "queue_length"]
    assert np.allclose(np.diff(monitors["time"]), 1800.0)
    closed = (monitors["agents_on_duty"] == 0).to_numpy()
    night = closed & np.r_[[False] * 4, closed[:-4]]  # closed for two hours: callers gave up
    assert night.any() and (monitors.loc[night, "queue_length"] < 1e-9).all()
    assert monitors["queue_length"].max() > 1.0
    # busy agents never exceed those on duty by more than the ones finishing overtime
    assert (monitors["agents_busy"] <= monitors["agents_on_duty"] + 2).all()
    # the busy area is exactly the work recorded per call and e-mail, up to the last edge
    last = monitors["time"].iloc[-1] + 1800.0
    calls, emails = run.calls, run.emails
    work = np.concatenate([np.fmin(calls.released, last) - calls.answered,
                           np.fmin(emails.finished, last) - emails.started])
    assert monitors["agents_busy"].sum() * 1800.0 == pytest.approx(np.nansum(work), rel=1e-9)
    # and the queue's area is exactly the waiting recorded per call (up to the end)
    left = np.fmin(calls.answered, calls.abandoned)
    waited = np.where(np.isnan(left), run.end, left) - calls.queued
    assert monitors["queue_length"].sum() * 1800.0 == pytest.approx(waited.sum(), rel=1e-9)


def test_same_seed_same_numbers_other_replication_other_numbers() -> None:
    first, second = np.random.SeedSequence(42).spawn(2)
    a = working_day(first)
    again = working_day(np.random.SeedSequence(42).spawn(2)[0])
    other = working_day(second)
    np.testing.assert_array_equal(a.calls.answered, again.calls.answered)
    np.testing.assert_array_equal(a.emails.started, again.emails.started)
    assert a.calls.queued.size != other.calls.queued.size or not np.array_equal(
        a.calls.queued, other.calls.queued
    )


def test_streams_are_independent_per_source_and_recorded() -> None:
    seed = np.random.SeedSequence(9).spawn(3)[2]
    streams = Streams(seed)
    assert streams.describe() == "9/2"
    draws = {name: streams[name].random(2000) for name in ("arrivals", "handling", "patience")}
    assert abs(np.corrcoef(draws["arrivals"], draws["handling"])[0, 1]) < 0.1
    # a source's stream does not depend on which others were used before it
    assert np.array_equal(Streams(seed)["patience"].random(2000), draws["patience"])
    with pytest.raises(KeyError, match="unknown random source"):
        Streams(seed)["arrival"]


def test_inconsistent_inputs_are_refused_with_a_message() -> None:
    centre = ContactCentre(Exponential(AHT))
    streams = Streams(1)
    with pytest.raises(DataError, match="from the first staffing step"):
        simulate_contact_centre(centre, np.array([-5.0]), StaffingSteps.constant(1), 100.0,
                                streams)
    with pytest.raises(DataError, match="no e-mail handling time"):
        simulate_contact_centre(centre, np.array([5.0]), StaffingSteps.constant(1), 100.0,
                                streams, emails=np.array([6.0]))
