"""Target grids: one set of replications judged against many candidate targets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rules.errors import CauError, ValidationError
from sim.replications import Cluster, RunResult, run_replications
from sim.scenario_loader import load_scenario
from sim.store import ResultStore
from sim.target_grid import TargetGrid, grid_forecast, grid_variants, target_grid

SEED = 20261129
REPLICATIONS = 3
HOUR = 3600.0


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("scenarios/cspq-baseline.yaml")


@pytest.fixture(scope="module")
def grids(baseline) -> list[TargetGrid]:
    _, pack = baseline
    return [
        target_grid(pack, "P3", [8 * HOUR, 12 * HOUR], [0.8, 0.85, 0.9]),
        target_grid(pack, "premier-contact", [], [0.6, 0.7]),
    ]


def run(baseline, grids, cluster=None, store=":memory:") -> RunResult:
    scenario, pack = baseline
    with ResultStore(store, scenario_hash="grid", seed=SEED) as results:
        return run_replications(
            scenario,
            pack,
            replications=REPLICATIONS,
            seed=SEED,
            store=results,
            cluster=cluster,
            variants=grid_variants(pack, grids),
        )


@pytest.fixture(scope="module")
def one_worker(baseline, grids) -> RunResult:
    return run(baseline, grids)


def test_the_grid_holds_the_current_level_and_every_candidate(baseline, grids):
    p3, fcr = grids
    assert p3.target == "retablissement-p3"
    assert p3.thresholds == (8 * HOUR, 10 * HOUR, 12 * HOUR)  # 10 h: the pack's own
    assert p3.goals == (0.8, 0.85, 0.9)
    assert p3.is_current(10 * HOUR, 0.8) and not p3.is_current(8 * HOUR, 0.8)
    assert math.isnan(fcr.thresholds[0]) and fcr.goals == (0.6, 0.65, 0.7)
    _, pack = baseline
    names = [v.name for v in grid_variants(pack, grids)]
    assert len(names) == len(set(names)) == 9 + 3


def test_bad_grids_are_refused_with_a_suggestion(baseline):
    _, pack = baseline
    with pytest.raises(ValidationError, match="retablissement-p3"):
        target_grid(pack, "retablisement-p3", [8 * HOUR])
    with pytest.raises(CauError, match="no threshold"):
        target_grid(pack, "premier-contact", [8 * HOUR])
    with pytest.raises(CauError, match="positive"):
        target_grid(pack, "P3", [0.0])


def test_a_longer_threshold_never_lowers_compliance_in_any_replication(one_worker, grids):
    rows = one_worker.variants
    p3 = rows[rows["target"] == "retablissement-p3"].copy()
    p3["threshold"] = [float(v.split("|")[1]) for v in p3["variant"]]
    p3["goal"] = [float(v.split("|")[2]) for v in p3["variant"]]
    judged = p3[p3["counted"] > 0]
    assert len(judged) == REPLICATIONS * 9
    for _, one in judged.groupby(["replication", "month", "goal"]):
        met = one.sort_values("threshold")["met"].to_numpy()
        assert (np.diff(met) >= 0).all()
        assert one["counted"].nunique() == 1  # same tickets, only the threshold differs
    grid = grid_forecast(rows, grids)
    p3_grid = grid[grid["target"] == "retablissement-p3"]
    for _, one in p3_grid.groupby(["month", "goal"]):
        assert one["compliance"].is_monotonic_increasing
        assert one["p_meet"].is_monotonic_increasing
    for _, one in p3_grid.groupby(["month", "threshold"]):
        assert one["p_meet"].is_monotonic_decreasing  # a higher goal is never easier
        assert one["compliance"].nunique() == 1  # the goal does not change the measurement


def test_p_meet_is_the_share_of_replications_meeting_the_goal(one_worker, grids):
    rows = one_worker.variants
    grid = grid_forecast(rows, grids)
    assert grid["current"].sum() == 2 * grid["month"].nunique()
    for cell in grid.to_dict("records"):
        name = next(
            g.variant_name(cell["threshold"], cell["goal"])
            for g in grids
            if g.target == cell["target"]
        )
        mine = rows[(rows["variant"] == name) & (rows["month"] == cell["month"])]
        compliance = (mine["met"] / mine["counted"])[mine["counted"] > 0]
        assert cell["replications"] == len(compliance)
        assert cell["p_meet"] == pytest.approx((compliance >= cell["goal"]).mean())
        assert cell["compliance"] == pytest.approx(compliance.mean())


def test_a_cell_equals_a_run_with_that_pack(baseline, one_worker, grids):
    """The 8 h / 85 % cell is what `cau simulate` gives with P3 overridden (same seed)."""
    scenario, pack = baseline
    with ResultStore(":memory:", scenario_hash="one", seed=SEED) as store:
        alone = run_replications(
            scenario,
            pack.with_targets({"P3": {"threshold": "8h", "goal": "85%"}}),
            replications=REPLICATIONS,
            seed=SEED,
            store=store,
        )
    expected = alone.forecast.compliance
    expected = expected[expected["target"] == "retablissement-p3"].reset_index(drop=True)
    grid = grid_forecast(one_worker.variants, grids)
    cell = grid[
        (grid["target"] == "retablissement-p3")
        & (grid["threshold"] == 8 * HOUR)
        & (grid["goal"] == 0.85)
    ].reset_index(drop=True)
    columns = ["month", "replications", "compliance", "ci_low", "ci_high", "goal",
               "p_meet", "p_meet_low", "p_meet_high", "counted"]
    pd.testing.assert_frame_equal(cell[columns], expected[columns])


@pytest.mark.slow
def test_two_workers_and_a_resumed_store_give_the_same_grid(baseline, grids, one_worker, tmp_path):
    two = run(baseline, grids, cluster=Cluster(workers=2), store=tmp_path / "grid.sqlite")
    reused = run(baseline, grids, store=tmp_path / "grid.sqlite")
    assert (reused.computed, reused.reused) == (0, REPLICATIONS)
    expected = grid_forecast(one_worker.variants, grids)
    pd.testing.assert_frame_equal(grid_forecast(two.variants, grids), expected)
    pd.testing.assert_frame_equal(grid_forecast(reused.variants, grids), expected)
