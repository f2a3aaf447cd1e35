"""Non-homogeneous Poisson arrivals over a piecewise-constant rate."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rules.errors import DataError
from sim.arrivals import nhpp_arrivals

STEP = 1800.0


def week_of_rates(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """336 half-hours, a different rate in every bin (some zero), per second."""
    starts = 1.7e9 + STEP * np.arange(336)
    rates = rng.uniform(0.0, 4.0, 336) / 60
    rates[::7] = 0.0
    return starts, rates


def test_counts_per_bin_follow_the_rate_chi_square() -> None:
    rng = np.random.default_rng(7)
    starts, rates = week_of_rates(rng)
    expected = rates * STEP
    observed = np.zeros(336)
    for _ in range(20):
        times = nhpp_arrivals(starts, STEP, rates, rng)
        observed += np.bincount(((times - starts[0]) // STEP).astype(int), minlength=336)
    live = expected > 0
    chi2 = (((observed - 20 * expected) ** 2)[live] / (20 * expected[live])).sum()
    assert stats.chi2.sf(chi2, df=live.sum()) > 0.001
    assert observed[~live].sum() == 0  # a zero rate gives nothing


def test_total_matches_a_rate_changing_every_bin() -> None:
    rng = np.random.default_rng(11)
    starts, rates = week_of_rates(rng)
    mean = rates.sum() * STEP
    totals = np.array([nhpp_arrivals(starts, STEP, rates, rng).size for _ in range(30)])
    half = stats.t.ppf(0.9995, 29) * totals.std(ddof=1) / math.sqrt(30)
    assert abs(totals.mean() - mean) < half
    assert totals.var(ddof=1) == pytest.approx(mean, rel=0.6)  # Poisson: variance = mean


def test_instants_are_sorted_uniform_within_bins_and_only_inside_them() -> None:
    rng = np.random.default_rng(3)
    starts = np.array([0.0, 1800.0, 7200.0])  # a gap between 3600 and 7200
    times = nhpp_arrivals(starts, STEP, np.array([2.0, 0.5, 1.0]) / 60, rng)
    assert (np.diff(times) >= 0).all()
    assert not ((times >= 3600) & (times < 7200)).any()
    phase = (times % STEP) / STEP
    assert stats.kstest(phase, "uniform").pvalue > 0.001


def test_same_generator_state_gives_the_same_instants() -> None:
    starts, rates = week_of_rates(np.random.default_rng(0))
    first = nhpp_arrivals(starts, STEP, rates, np.random.default_rng(5))
    again = nhpp_arrivals(starts, STEP, rates, np.random.default_rng(5))
    assert np.array_equal(first, again)


def test_bad_rates_are_refused() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(DataError, match="one rate per bin"):
        nhpp_arrivals(np.array([0.0, 1800.0]), STEP, np.array([1.0]), rng)
    with pytest.raises(DataError, match="at least 0"):
        nhpp_arrivals(np.array([0.0]), STEP, np.array([-1.0]), rng)
    with pytest.raises(DataError, match="do not overlap"):
        nhpp_arrivals(np.array([0.0, 900.0]), STEP, np.array([1.0, 1.0]), rng)
