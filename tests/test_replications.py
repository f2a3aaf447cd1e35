"""The replication runner: same seed, same numbers anywhere; interrupted runs resume."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from fake_replication import Crash, fake_replicate

from rules.errors import CauError
from sim.replications import (
    Cluster,
    ClusterLostError,
    ReplicationOutcome,
    child_seeds,
    run_replications,
)
from sim.store import ResultStore

SEED = 20261129


def run(tmp_path, name, n=6, cluster=None, scenario=None, seed=SEED, on_finished=None):
    with ResultStore(tmp_path / name, scenario_hash="fake", seed=seed) as store:
        return run_replications(
            scenario if scenario is not None else {},
            None,
            replications=n,
            seed=seed,
            store=store,
            cluster=cluster,
            replicate=fake_replicate,
            on_finished=on_finished,
        )


def stored(tmp_path, name, seed=SEED):
    with ResultStore(tmp_path / name, scenario_hash="fake", seed=seed) as store:
        return store.finished(), store.figures(store.finished())


def assert_same_forecast(a, b):
    pd.testing.assert_frame_equal(a.forecast.compliance, b.forecast.compliance)
    pd.testing.assert_frame_equal(a.forecast.operations, b.forecast.operations)
    pd.testing.assert_frame_equal(a.forecast.halfhours, b.forecast.halfhours)


def test_child_seeds_do_not_depend_on_the_number_of_replications():
    few, many = child_seeds(7, 3), child_seeds(7, 10)
    for a, b in zip(few, many, strict=False):
        assert a.generate_state(4).tolist() == b.generate_state(4).tolist()
    states = {tuple(s.generate_state(2).tolist()) for s in many}
    assert len(states) == 10


def test_one_and_two_workers_give_identical_numbers(tmp_path):
    one = run(tmp_path, "one.sqlite", cluster=Cluster(workers=1))
    two = run(tmp_path, "two.sqlite", cluster=Cluster(workers=2))
    assert one.computed == two.computed == 6
    assert_same_forecast(one, two)
    other_seed = run(tmp_path, "other.sqlite", seed=SEED + 1)
    assert not other_seed.forecast.compliance.equals(one.forecast.compliance)


def test_more_replications_later_reuse_the_first_ones(tmp_path):
    run(tmp_path, "grow.sqlite", n=3)
    grown = run(tmp_path, "grow.sqlite", n=6)
    assert (grown.computed, grown.reused) == (3, 3)
    assert_same_forecast(grown, run(tmp_path, "fresh.sqlite", n=6))
    fewer = run(tmp_path, "grow.sqlite", n=4)  # aggregates replications 0…3 only
    assert fewer.computed == 0
    assert set(fewer.forecast.compliance["replications"]) == {4}


def test_a_crash_keeps_what_finished_and_the_rerun_computes_only_the_rest(tmp_path):
    seen: list[ReplicationOutcome] = []
    with pytest.raises(Crash):
        run(tmp_path, "crash.sqlite", n=8, scenario={"crash_at": 5}, on_finished=seen.append)
    finished, _ = stored(tmp_path, "crash.sqlite")
    assert finished == {0, 1, 2, 3, 4} == {o.index for o in seen}
    resumed = run(tmp_path, "crash.sqlite", n=8)
    assert (resumed.computed, resumed.reused) == (3, 5)
    assert_same_forecast(resumed, run(tmp_path, "whole.sqlite", n=8))


@pytest.mark.slow
def test_a_crash_in_a_process_pool_loses_nothing_that_finished(tmp_path):
    with pytest.raises(Crash):
        run(tmp_path, "pool.sqlite", n=8, cluster=Cluster(workers=2), scenario={"crash_at": 6})
    finished, figures = stored(tmp_path, "pool.sqlite")
    assert 6 not in finished and finished <= set(range(8))
    # Every stored replication is complete: all its months and targets are there.
    assert (figures.monthly.groupby("replication").size() == 4).all()
    resumed = run(tmp_path, "pool.sqlite", n=8)
    assert resumed.computed == 8 - len(finished)
    assert_same_forecast(resumed, run(tmp_path, "whole.sqlite", n=8))


def test_stored_rows_carry_their_seed(tmp_path):
    run(tmp_path, "seeded.sqlite", n=2)
    with ResultStore(tmp_path / "seeded.sqlite", scenario_hash="fake", seed=SEED) as store:
        seeds = store.replications()
    assert seeds[["replication", "entropy", "spawn_key"]].to_dict("list") == {
        "replication": [0, 1],
        "entropy": [str(SEED)] * 2,
        "spawn_key": ["(0,)", "(1,)"],
    }


def test_nonsense_requests_are_refused(tmp_path):
    with pytest.raises(CauError, match="replications"):
        run(tmp_path, "bad.sqlite", n=0)
    with pytest.raises(CauError, match="workers"):
        run(tmp_path, "bad.sqlite", cluster=Cluster(workers=0))


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_numbers(tmp_path):
    pytest.importorskip("distributed")
    dask = run(
        tmp_path, "dask.sqlite", cluster=Cluster(workers=1, dask_local=True, dask_processes=False)
    )
    assert_same_forecast(dask, run(tmp_path, "local.sqlite"))


def test_a_scenario_that_cannot_reach_the_workers_fails_at_once(tmp_path):
    unsendable = {"lock": threading.Lock()}
    with pytest.raises(CauError, match="cannot be sent to worker processes"):
        run(tmp_path, "lock.sqlite", n=4, cluster=Cluster(workers=2), scenario=unsendable)
    assert run(tmp_path, "lock.sqlite", n=4, scenario=unsendable).computed == 4  # in-process


@pytest.mark.slow
def test_a_lost_dask_cluster_says_what_is_kept_and_how_to_resume(tmp_path):
    pytest.importorskip("distributed")
    cluster = Cluster(workers=1, dask_local=True, dask_processes=False)
    with pytest.raises(ClusterLostError, match=r"was lost during the run \(CancelledError: "
                       r"scheduler-connection-lost\)\. Kept: (\d) of the 6 replications, in "
                       r".*lost\.sqlite\. Run the same command again") as lost:
        run(tmp_path, "lost.sqlite", cluster=cluster, scenario={"lose_cluster_at": 3})
    finished, _ = stored(tmp_path, "lost.sqlite")
    assert f"Kept: {len(finished)} of the 6" in str(lost.value) and 3 not in finished
    resumed = run(tmp_path, "lost.sqlite")
    assert resumed.computed == 6 - len(finished)
    assert_same_forecast(resumed, run(tmp_path, "whole.sqlite"))


@pytest.mark.parametrize("address", ["notaurl", "http://localhost:8786", "tcp://host",
                                     "tcp://host:port"])
def test_a_scheduler_address_is_checked_before_anything_runs(address):
    with pytest.raises(CauError, match="expected a Dask scheduler address"):
        Cluster(scheduler=address)
    assert Cluster(scheduler="tcp://10.0.0.5:8786").scheduler == "tcp://10.0.0.5:8786"
    assert Cluster(scheduler="tls://[::1]:8786").uses_dask
