"""Aggregation over replications: intervals that cover, P(meet goal), operational figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from call_table import judged_calls
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.forecast import (
    FIGURE_BOUNDS,
    FIGURES,
    NON_NEGATIVE,
    SHARE,
    compliance_forecast,
    halfhour_forecast,
    mean_interval,
    operations_forecast,
    replication_figures,
    wilson_interval,
)

ZONE = "America/Montreal"


def binomial_band(trials: int, p: float, tail: float = 0.001) -> tuple[int, int]:
    """Counts of successes outside which a correct p would be rejected at level 2·tail."""
    return int(stats.binom.ppf(tail, trials, p)), int(stats.binom.isf(tail, trials, p))


@pytest.mark.parametrize("draws", [3, 10])
def test_the_t_interval_covers_the_mean_95_percent_of_the_time(draws):
    rng = np.random.default_rng()  # any seed must pass: the bound is statistical
    runs = 400
    covered = 0
    for _ in range(runs):
        _, _, low, high = mean_interval(rng.normal(0.8, 0.05, size=draws))
        covered += low <= 0.8 <= high
    low_count, high_count = binomial_band(runs, 0.95)
    assert low_count <= covered <= high_count


def test_the_wilson_interval_covers_about_95_percent():
    rng = np.random.default_rng()
    runs, trials, p = 400, 20, 0.7
    successes = rng.binomial(trials, p, size=runs)
    covered = sum(lo <= p <= hi for lo, hi in (wilson_interval(k, trials) for k in successes))
    # Wilson is slightly conservative or liberal depending on p; allow 93 %–98 % on average.
    assert binomial_band(runs, 0.93)[0] <= covered <= binomial_band(runs, 0.98)[1]


def test_interval_edge_cases():
    n, *bounds = mean_interval([])
    assert n == 0 and all(np.isnan(bounds))
    n, mean, low, high = mean_interval([0.7, np.nan])
    assert (n, mean) == (1, 0.7) and np.isnan(low) and np.isnan(high)
    assert wilson_interval(0, 10) == (0.0, pytest.approx(3.8415 / 13.8415, rel=1e-4))
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert all(np.isnan(wilson_interval(0, 0)))


@given(st.lists(st.floats(0, 1), min_size=2, max_size=30))
def test_the_interval_contains_the_mean(values):
    n, mean, low, high = mean_interval(values)
    assert n == len(values)
    assert low - 1e-12 <= mean <= high + 1e-12


def monthly_rows(compliances, goal=0.8, month="2026-03", target="P3"):
    rows = []
    for i, c in enumerate(compliances):
        counted = 0 if c is None else 10
        rows.append(
            {
                "replication": i,
                "month": month,
                "target": target,
                "kind": "resolution",
                "counted": counted,
                "met": 0 if c is None else round(c * 10),
                "compliance": np.nan if c is None else c,
                "goal": goal,
                "goal_met": pd.NA if c is None else c >= goal,
                "margin": np.nan if c is None else c - goal,
                "breached_open": 1,
            }
        )
    frame = pd.DataFrame(rows)
    frame["goal_met"] = frame["goal_met"].astype("boolean")
    return frame


def test_p_meet_is_the_share_of_judged_replications_meeting_the_goal():
    frame = monthly_rows([0.9, 0.8, 0.7, None, 0.6])  # 0.8 exactly at the goal is met
    row = compliance_forecast(frame).iloc[0]
    assert row["replications"] == 4
    assert row["p_meet"] == pytest.approx(2 / 4)
    assert (row["p_meet_low"], row["p_meet_high"]) == pytest.approx(wilson_interval(2, 4))
    assert row["compliance"] == pytest.approx(0.75)
    half = stats.t.ppf(0.975, 3) * np.std([0.9, 0.8, 0.7, 0.6], ddof=1) / 2
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.75 - half, 0.75 + half))
    assert row["goal"] == 0.8 and row["counted"] == pytest.approx(8.0)


def test_months_are_in_order_and_targets_keep_their_pack_order():
    frame = pd.concat(
        [
            monthly_rows([0.9, 0.8], month="2026-04", target="P3"),
            monthly_rows([0.9, 0.8], month="2026-04", target="P1"),
            monthly_rows([0.9, 0.8], month="2026-03", target="P3"),
            monthly_rows([0.9, 0.8], month="2026-03", target="P1"),
        ]
    )
    result = compliance_forecast(frame)
    assert list(zip(result["month"], result["target"], strict=True)) == [
        ("2026-03", "P3"),
        ("2026-03", "P1"),
        ("2026-04", "P3"),
        ("2026-04", "P1"),
    ]


def test_operational_figures_of_one_replication():
    # Two calls in January, one in February; a monitor half-hour on 2026-02-01 03:00 UTC
    # is still January in Montréal (22:00 on the 31st).
    calls = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "queued": 0.0,
            "wait": [10.0, 50.0, 30.0],
            "outcome": ["answered", "abandoned", "answered"],
            "counted": [True, True, False],
            "met": [True, False, True],
            "month": ["2026-01", "2026-01", "2026-02"],
            "halfhour": [20, 20, 21],
        }
    )
    monitors = pd.DataFrame(
        {
            "time": [1769914800.0, 1769958000.0],  # 2026-02-01 03:00 UTC, 15:00 UTC
            "agents_on_duty": [4.0, 10.0],
            "agents_busy": [1.0, 8.0],
            "queue_length": [0.0, 2.0],
        }
    )
    backlog = pd.DataFrame({"month": ["2026-01"], "group": ["N2"], "open_tickets": [7]})
    figures = replication_figures(monthly_rows([0.9]), judged_calls(calls), monitors, backlog,
                                  ZONE)
    ops = figures.operations.set_index(["month", "figure", "group"])["value"]
    assert ops[("2026-01", "offered", "")] == 2
    assert ops[("2026-01", "answered", "")] == 1
    assert ops[("2026-01", "abandoned", "")] == 1
    assert ops[("2026-01", "asa", "")] == 10.0  # answered calls only
    assert ops[("2026-01", "occupancy", "")] == pytest.approx(0.25)
    assert ops[("2026-02", "occupancy", "")] == pytest.approx(0.8)
    assert ops[("2026-01", "backlog", "N2")] == 7
    hh = figures.halfhours.set_index("halfhour")
    assert hh.loc[20].tolist() == [2, 2, 1] and hh.loc[21].tolist() == [1, 0, 0]


def test_operations_and_halfhours_aggregate_over_replications():
    operations = pd.DataFrame(
        {
            "replication": [0, 1, 0, 1, 0, 1],
            "month": ["2026-01"] * 6,
            "figure": ["backlog", "backlog", "offered", "offered", "asa", "asa"],
            "group": ["N2", "N2", "", "", "", ""],
            "value": [4.0, 6.0, 100.0, 120.0, 20.0, np.nan],
        }
    )
    result = operations_forecast(operations)
    assert list(result["figure"]) == ["offered", "asa", "backlog"]
    assert result.set_index("figure").loc["offered", "mean"] == 110.0
    assert result.set_index("figure").loc["asa", "replications"] == 1
    halfhours = pd.DataFrame(
        {
            "replication": [0, 1, 1],
            "halfhour": [20, 20, 3],
            "offered": [10, 20, 1],
            "counted": [10, 10, 0],
            "met": [9, 7, 0],
        }
    )
    levels = halfhour_forecast(halfhours).set_index("halfhour")
    assert levels.loc[20, "service_level"] == pytest.approx(0.8)
    assert levels.loc[20, "offered"] == 15.0
    assert levels.loc[3, "offered"] == 0.5  # a replication with no call there counts as 0
    assert np.isnan(levels.loc[3, "service_level"]) and levels.loc[3, "replications"] == 0


def test_the_compliance_interval_stays_within_0_and_100_percent():
    row = compliance_forecast(monthly_rows([1.0, 1.0, 0.5])).iloc[0]
    assert row["ci_high"] == 1.0 and 0.0 < row["ci_low"] < row["compliance"]
    single = compliance_forecast(monthly_rows([0.9])).iloc[0]
    assert np.isnan(single["ci_low"]) and np.isnan(single["ci_high"])


@settings(deadline=None)  # pandas per example: over 200 ms on a shared, loaded machine
@given(
    st.lists(st.floats(0, 1), min_size=2, max_size=6),
    st.lists(st.integers(0, 2000), min_size=2, max_size=6),
)
def test_every_interval_stays_inside_what_its_quantity_can_be(shares, counts):
    """Two replications give a Student t of 12.7: a share's interval would reach below 0 %
    and above 100 %, a count's below zero; each is cut to its quantity's range."""
    _, _, low, high = mean_interval(shares, bounds=SHARE)
    assert 0.0 <= low <= high <= 1.0
    operations = pd.DataFrame({
        "replication": range(len(counts)), "month": "2026-03", "figure": "abandoned",
        "group": "", "value": np.asarray(counts, dtype=float)})
    row = operations_forecast(operations).iloc[0]
    assert 0.0 <= row["ci_low"] <= row["mean"] <= row["ci_high"]
    halfhours = pd.DataFrame({
        "replication": range(len(shares)), "halfhour": 20, "offered": 100,
        "counted": 100, "met": np.round(100 * np.asarray(shares)).astype(int)})
    level = halfhour_forecast(halfhours).iloc[0]
    assert 0.0 <= level["ci_low"] <= level["ci_high"] <= 1.0


def test_the_bounds_of_every_operational_figure_are_declared():
    assert set(FIGURE_BOUNDS) == set(FIGURES)
    assert FIGURE_BOUNDS["occupancy"] == SHARE and FIGURE_BOUNDS["abandoned"] == NON_NEGATIVE
