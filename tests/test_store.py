"""The SQLite results store: whole replications or nothing, one run per file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fake_replication import fake_replicate

from sim.forecast import ReplicationFigures
from sim.replications import ReplicationTask, child_seeds
from sim.store import (
    ResultStore,
    StoreBusyError,
    StoreConflictError,
    StoreWriteError,
    fingerprint,
)


def figures(index: int) -> tuple[np.random.SeedSequence, ReplicationFigures]:
    seed = child_seeds(1, index + 1)[index]
    return seed, fake_replicate(ReplicationTask(index, seed, {}, None))


def test_a_saved_replication_reads_back_with_its_types(tmp_path):
    seed, saved = figures(0)
    saved.monthly.loc[0, ["counted", "met"]] = 0
    saved.monthly.loc[0, ["compliance", "margin"]] = np.nan
    saved.monthly["goal_met"] = saved.monthly["goal_met"].astype("boolean")
    saved.monthly.loc[0, "goal_met"] = pd.NA
    path = tmp_path / "r.sqlite"
    with ResultStore(path, scenario_hash="h", seed=1) as store:
        store.save(0, seed, saved, seconds=0.5)
    with ResultStore(path, scenario_hash="h", seed=1) as store:  # reopened: persisted
        assert store.finished() == {0}
        back = store.figures([0])
    monthly = back.monthly.drop(columns="replication")
    assert monthly["goal_met"].dtype == "boolean" and monthly["goal_met"].isna().sum() == 1
    pd.testing.assert_frame_equal(monthly, saved.monthly, check_dtype=False)
    pd.testing.assert_frame_equal(
        back.operations.drop(columns="replication"), saved.operations, check_dtype=False
    )
    pd.testing.assert_frame_equal(
        back.halfhours.drop(columns="replication"), saved.halfhours, check_dtype=False
    )


def test_a_failed_save_leaves_no_partial_replication(tmp_path):
    seed, good = figures(0)
    broken = ReplicationFigures(good.monthly, good.operations, good.halfhours.drop(columns="met"))
    with ResultStore(tmp_path / "r.sqlite", scenario_hash="h", seed=1) as store:
        with pytest.raises(KeyError):
            store.save(0, seed, broken, seconds=0.1)
        assert store.finished() == set()
        assert store.figures([0]).monthly.empty
        store.save(0, seed, good, seconds=0.1)  # the same replication can then be saved
        assert store.finished() == {0}


def test_only_the_asked_replications_are_read(tmp_path):
    with ResultStore(tmp_path / "r.sqlite", scenario_hash="h", seed=1) as store:
        for i in range(3):
            store.save(i, *figures(i), seconds=0.1)
        read = store.figures([2, 0])
    assert set(read.monthly["replication"]) == {0, 2}
    assert list(read.halfhours["replication"]) == sorted(read.halfhours["replication"])


@pytest.mark.parametrize(
    ("scenario_hash", "seed", "named"),
    [("other", 1, "scenario_hash"), ("h", 2, "seed")],
)
def test_a_store_of_another_run_is_refused(tmp_path, scenario_hash, seed, named):
    path = tmp_path / "r.sqlite"
    with ResultStore(path, scenario_hash="h", seed=1) as store:
        store.save(0, *figures(0), seconds=0.1)
    with pytest.raises(StoreConflictError, match=rf"{named}.*another --store file"):
        ResultStore(path, scenario_hash=scenario_hash, seed=seed)
    with ResultStore(path, scenario_hash="h", seed=1) as store:  # untouched by the refusal
        assert store.finished() == {0}


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database, just text " * 100)
    with pytest.raises(StoreConflictError, match="not a results store"):
        ResultStore(path, scenario_hash="h", seed=1)


def test_fingerprint_follows_every_file(tmp_path):
    scenario, pack = tmp_path / "s.yaml", tmp_path / "p.yaml"
    scenario.write_text("a: 1\n")
    pack.write_text("b: 2\n")
    before = fingerprint(scenario, pack)
    assert fingerprint(scenario, pack) == before
    pack.write_text("b: 3\n")
    assert fingerprint(scenario, pack) != before


def test_a_store_is_used_by_one_run_at_a_time(tmp_path):
    path = tmp_path / "r.sqlite"
    busy = pytest.raises(StoreBusyError, match="another run is using this results store")
    with ResultStore(path, scenario_hash="h", seed=1), busy:
        ResultStore(path, scenario_hash="h", seed=1)
    with ResultStore(path, scenario_hash="h", seed=1) as store:  # free again once closed
        assert store.finished() == set()


def test_a_full_store_keeps_what_it_holds_and_says_how_to_resume(tmp_path):
    path = tmp_path / "r.sqlite"
    with ResultStore(path, scenario_hash="h", seed=1) as store:
        store.save(0, *figures(0), seconds=0.1)
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow: a full disk
        with pytest.raises(StoreWriteError, match=r"database or disk is full\). The (\d+) "
                           r"replication\(s\) stored before are kept.*run the same command "
                           "again to resume") as full:
            for i in range(1, 40):
                store.save(i, *figures(i), seconds=0.1)
    with ResultStore(path, scenario_hash="h", seed=1) as store:  # intact, every one whole
        kept = store.finished()
        assert f"The {len(kept)} replication(s)" in str(full.value) and kept == set(
            range(len(kept)))
        assert (store.figures(kept).monthly.groupby("replication").size() == 4).all()
