"""The process pool of replications: a few tasks in flight, Ctrl-C stops it promptly
with the store intact, a killed parent leaves no worker behind, absurd counts refused."""

from __future__ import annotations

import glob
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from fake_replication import fake_replicate

from rules.errors import CauError
from sim.replications import (
    IN_FLIGHT_PER_WORKER,
    MAX_REPLICATIONS,
    ReplicationTask,
    _fed,
    check_replications,
    child_seed,
    child_seeds,
    timed,
)

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "data" / "golden" / "scenario.yaml"  # ~1 s a replication


def test_a_seed_made_alone_is_the_spawned_child():
    spawned = child_seeds(11, 40)
    for i in (0, 7, 39):
        assert child_seed(11, i).generate_state(4).tolist() == spawned[i].generate_state(
            4).tolist()


def test_the_pool_takes_tasks_a_few_at_a_time():
    """The feeding the process pool uses, on threads (no process to start): never more
    than its tasks in flight, one more as each finishes, every outcome once."""
    pulled = []

    def tasks() -> Iterator[ReplicationTask]:
        for i in range(40):
            pulled.append(i)
            yield ReplicationTask(i, child_seed(3, i), {}, None)

    in_flight = IN_FLIGHT_PER_WORKER * 2
    with ThreadPoolExecutor(2) as executor:
        outcomes = _fed(executor, partial(timed, fake_replicate), tasks(), in_flight)
        first = next(outcomes)
        assert len(pulled) <= in_flight + 1
        indices = [first.index, *(o.index for o in outcomes)]
    assert sorted(indices) == list(range(40))


def test_absurd_counts_are_refused_and_large_ones_warned():
    with pytest.raises(CauError, match="more than 100,000"):
        check_replications(MAX_REPLICATIONS + 1)
    assert "resume" in (check_replications(20_000) or "")
    assert check_replications(200) is None


def _group(pid: int) -> list[str]:
    return subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()


def _start(out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cau.cli", "simulate", str(SCENARIO), "-n", "1000", "--workers",
         "2", "--quiet", "--lang", "en", "--out", str(out)],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT,
    )


def _stored(out: Path) -> int:
    files = glob.glob(str(out / "*.sqlite"))
    if not files:
        return 0
    try:
        with sqlite3.connect(files[0]) as db:
            return int(db.execute("select count(*) from replications").fetchone()[0])
    except sqlite3.Error:
        return 0


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _gone(pid: int, seconds: float) -> bool:
    return _wait_until(lambda: not _group(pid), seconds)


@pytest.mark.slow
def test_ctrl_c_stops_the_pool_at_once_keeps_the_store_and_says_how_to_resume(tmp_path):
    run = _start(tmp_path)
    try:
        assert _wait_until(lambda: _stored(tmp_path) >= 2, 120), "no replication stored"
        os.killpg(run.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to every process
        _, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 130
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert _gone(run.pid, 15), "pool processes left behind"
    (store,) = glob.glob(str(tmp_path / "*.sqlite"))
    with sqlite3.connect(store) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    kept = _stored(tmp_path)
    assert kept >= 2 and f"{kept} of 1000 replications kept" in err


@pytest.mark.slow
def test_killing_the_parent_leaves_no_worker_nor_resource_tracker(tmp_path):
    run = _start(tmp_path)
    try:
        assert _wait_until(lambda: len(_group(run.pid)) >= 4, 60), _group(run.pid)
        run.kill()  # kill -9: no cleanup code runs in the parent
        run.communicate(timeout=10)
        assert _gone(run.pid, 20), f"left alive: {_group(run.pid)}"
    finally:
        for pid in _group(run.pid):
            os.kill(int(pid), signal.SIGKILL)
