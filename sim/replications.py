"""Replications of a scenario: seeded, run where there is room, stored as they finish.

A run's seed makes one ``numpy.random.SeedSequence``, spawned into one child per
replication; replication ``i`` always gets child ``i``, whichever worker runs it, so the
same scenario and seed give the same numbers in one process, in a process pool, or on a
Dask cluster. Workers return small :class:`~sim.forecast.ReplicationFigures`; only this
process writes the results store, one replication at a time, so an interrupted run
resumes with the replications that are missing.

Targets do not change the simulation, only its measurement: a run may name target
:class:`Variant` packs (the rule pack with other thresholds or goals), against which every
replication's event log is measured again in the worker, so one set of replications
judges many candidate targets at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from rules.errors import CauError
from rules.eventlog import EVENTS, EventLog
from rules.measure import JudgedCalls, measure

from .forecast import (
    VARIANT_COLUMNS,
    Forecast,
    ReplicationFigures,
    forecast,
    replication_figures,
)
from .model import simulate_replication
from .store import ResultStore


@dataclass(frozen=True)
class Variant:
    """Another rule pack to measure each replication against (e.g. P3 in 8 h at 85 %),
    named ``name``; only the monthly rows of ``targets`` (target ids) are kept."""

    name: str
    pack: Any  # rules.pack.RulePack
    targets: tuple[str, ...]


@dataclass(frozen=True)
class ReplicationTask:
    """One unit of work: replication ``index`` of a scenario with its own seed."""

    index: int
    seed: np.random.SeedSequence
    scenario: Any  # sim.scenario.Scenario
    pack: Any  # rules.pack.RulePack (with the scenario's target overrides applied)
    variants: tuple[Variant, ...] = ()


@dataclass(frozen=True)
class ReplicationOutcome:
    """What a worker sends back: the replication's figures and how long it took."""

    index: int
    seed: np.random.SeedSequence
    figures: ReplicationFigures
    seconds: float


Replicate = Callable[[ReplicationTask], ReplicationFigures]

# A Dask scheduler's address as `distributed` reads it: scheme://host:port.
SCHEDULER_SCHEMES: tuple[str, ...] = ("tcp", "tls", "ws", "wss", "ucx")
_SCHEDULER_ADDRESS = re.compile(
    rf"(?:{'|'.join(SCHEDULER_SCHEMES)})://(?:\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):\d{{1,5}}"
)


class ClusterLostError(CauError):
    """The Dask cluster went away during a run (scheduler or workers stopped)."""


def scheduler_address(text: str) -> str:
    """``text`` if it is a Dask scheduler address (``tcp://host:8786``), else CauError."""
    if not _SCHEDULER_ADDRESS.fullmatch(text):
        schemes = ", ".join(f"{s}://" for s in SCHEDULER_SCHEMES)
        raise CauError(
            f'expected a Dask scheduler address such as tcp://host:8786 ({schemes} with a '
            f'host and a port), found "{text}"'
        )
    return text


@dataclass(frozen=True)
class Cluster:
    """Where replications run: this process (1 worker), a process pool, or Dask.

    ``scheduler`` is the address of a running Dask scheduler; ``dask_local`` starts a
    Dask ``LocalCluster`` of ``workers`` workers (threads instead of processes when
    ``dask_processes`` is false, which is quick to start and enough for tests).
    """

    workers: int = 1
    scheduler: str | None = None
    dask_local: bool = False
    dask_processes: bool = True

    def __post_init__(self) -> None:
        if self.scheduler is not None:
            scheduler_address(self.scheduler)

    @property
    def uses_dask(self) -> bool:
        return self.scheduler is not None or self.dask_local


@dataclass(frozen=True)
class RunResult:
    """A finished run: the forecast over replications 0…n-1 and what this call computed;
    ``variants`` holds the per-replication rows of the run's variants (VARIANT_COLUMNS
    and `replication`), for :func:`sim.forecast.compliance_forecast` by variant."""

    forecast: Forecast
    computed: int
    reused: int
    variants: pd.DataFrame
    # per-replication monthly rows (`replication` + MONTHLY_COLUMNS), for what pairs
    # replications across runs (sim.comparison: common random numbers)
    monthly: pd.DataFrame


# More replications than this is refused: the 95 % interval of a mean narrows as 1/√N,
# so 100,000 replications already give it to a few thousandths; more is a mistake
# (a misplaced digit) that would run for weeks. Above WARN_REPLICATIONS, a warning.
MAX_REPLICATIONS = 100_000
WARN_REPLICATIONS = 5_000
# Tasks in flight per worker: enough to keep each busy, few enough that a run of any
# length holds only a handful of tasks in memory.
IN_FLIGHT_PER_WORKER = 2


def child_seed(seed: int, index: int) -> np.random.SeedSequence:
    """The seed of replication ``index``: child ``index`` of ``SeedSequence(seed)``, made
    alone (the same as ``SeedSequence(seed).spawn(n)[index]`` for any n > index)."""
    return np.random.SeedSequence(seed, spawn_key=(index,))


def child_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """The seed of each replication: child ``i`` of ``SeedSequence(seed)``."""
    return [child_seed(seed, i) for i in range(replications)]


def check_replications(replications: int) -> str | None:
    """Refuse an absurd number of replications (CauError); a warning for a large one."""
    if replications < 1:
        raise CauError(f"--replications must be at least 1, found {replications}")
    if replications > MAX_REPLICATIONS:
        raise CauError(
            f"--replications {replications:,} is more than {MAX_REPLICATIONS:,}: the 95 % "
            "interval of a predicted compliance narrows as 1/√N, and 100,000 replications "
            "already give it to a few thousandths. Run fewer: 200 to 1,000 are plenty "
            "for a month"
        )
    if replications > WARN_REPLICATIONS:
        return (
            f"{replications:,} replications: the 95 % interval narrows only as 1/√N "
            f"(4 times more replications for half its width); this run is long. "
            "Interrupt it at any time (Ctrl-C) and run the same command again to resume"
        )
    return None


def run_replications(
    scenario: Any,
    pack: Any,
    *,
    replications: int,
    seed: int,
    store: ResultStore,
    cluster: Cluster | None = None,
    replicate: Replicate | None = None,
    on_finished: Callable[[ReplicationOutcome], None] | None = None,
    variants: tuple[Variant, ...] = (),
) -> RunResult:
    """Run the replications the store lacks, store each as it finishes, then aggregate.

    ``replicate`` turns a task into figures; it must be a module-level function so that
    it can be sent to other processes (default: :func:`replicate_scenario`). Each
    replication is also measured against every one of ``variants``; the store must be
    one of a run with the same variants (its ``scenario_hash`` should say so).
    """
    check_replications(replications)
    cluster = cluster or Cluster()
    if cluster.workers < 1:
        raise CauError(f"--workers must be at least 1, found {cluster.workers}")
    replicate = replicate or replicate_scenario
    done = store.finished()
    missing = [i for i in range(replications) if i not in done]
    tasks = (ReplicationTask(i, child_seed(seed, i), scenario, pack, variants) for i in missing)
    finished = 0
    try:
        for outcome in _execute(partial(timed, replicate), tasks, len(missing), cluster):
            store.save(outcome.index, outcome.seed, outcome.figures, outcome.seconds)
            finished += 1
            if on_finished is not None:
                on_finished(outcome)
    except ClusterLostError as exc:
        raise ClusterLostError(_lost(str(exc), store, replications, finished)) from None
    stored = store.figures(range(replications))
    return RunResult(
        forecast=forecast(stored.monthly, stored.operations, stored.halfhours),
        computed=len(missing),
        reused=replications - len(missing),
        variants=stored.variants,
        monthly=stored.monthly,
    )


def _lost(reason: str, store: ResultStore, replications: int, finished: int) -> str:
    """What a lost cluster cost and how to resume."""
    if store.path == ":memory:":
        return (
            f"{reason}; {finished} replication(s) had finished, and none is kept (a run "
            "without --out or --store keeps nothing): run again, with --store FILE to keep "
            "finished replications"
        )
    kept = len(store.finished() & set(range(replications)))
    return (
        f"{reason}. Kept: {kept} of the {replications} replications, in {store.path}. Run "
        f"the same command again (once the cluster is back) to compute only the "
        f"{replications - kept} missing"
    )


def replicate_scenario(task: ReplicationTask) -> ReplicationFigures:
    """Simulate one replication, measure its event log with the rule pack (and with each
    variant of the task), summarise it."""
    return _figures(task, simulate_replication(task.scenario, task.pack, task.seed))


def _figures(task: ReplicationTask, replication: Any) -> ReplicationFigures:
    """One simulated replication measured with the task's pack (and its variants)."""
    measurement = measure(replication.log, task.pack)
    figures = replication_figures(
        measurement.monthly,
        measurement.judged_calls,
        replication.monitors,
        replication.backlog,
        zone=measurement.zone,
        options=call_options(replication.log, measurement.judged_calls),
        group_monitors=replication.group_monitors,
    )
    if not task.variants:
        return figures
    return dataclasses.replace(figures, variants=measure_variants(replication.log, task.variants))


def replicate_keeping_logs(keep: frozenset[int], task: ReplicationTask) -> ReplicationFigures:
    """:func:`replicate_scenario`, sending back the event log of the replications in
    ``keep`` (``functools.partial(replicate_keeping_logs, keep)`` is a ``replicate``)."""
    replication = simulate_replication(task.scenario, task.pack, task.seed)
    figures = _figures(task, replication)
    return dataclasses.replace(figures, log=replication.log) if task.index in keep else figures


def call_options(log: EventLog, calls: JudgedCalls) -> np.ndarray:
    """The phone option of each judged call (as its ``call_queued`` event says)."""
    queued = log.event == EVENTS.index("call_queued")
    option = np.full(len(log.ids.labels), "", dtype=object)
    option[log.ids.codes[queued]] = log.columns["option"].take(np.flatnonzero(queued)).text()
    return option[calls.ids]


def measure_variants(log: Any, variants: tuple[Variant, ...]) -> pd.DataFrame:
    """The monthly rows of each variant's targets, the event log measured with its pack."""
    frames = []
    for variant in variants:
        monthly = measure(log, variant.pack).monthly
        kept = monthly[monthly["target"].isin(variant.targets)]
        frames.append(kept.assign(variant=variant.name))
    return pd.concat(frames, ignore_index=True).loc[:, list(VARIANT_COLUMNS)]


def timed(replicate: Replicate, task: ReplicationTask) -> ReplicationOutcome:
    """Run one task and time it (module-level, so a worker process can unpickle it)."""
    start = time.perf_counter()
    figures = replicate(task)
    return ReplicationOutcome(task.index, task.seed, figures, time.perf_counter() - start)


Work = Callable[[ReplicationTask], ReplicationOutcome]


def _execute(
    work: Work, tasks: Iterator[ReplicationTask], count: int, cluster: Cluster
) -> Iterator[ReplicationOutcome]:
    """Outcomes of ``count`` tasks in the order they finish; on the first failure (or an
    interruption) the rest is cancelled."""
    if count == 0:
        return iter(())
    if not cluster.uses_dask and (cluster.workers == 1 or count == 1):
        return (work(task) for task in tasks)
    first = next(tasks)
    _check_sendable(work, first)
    tasks = itertools.chain([first], tasks)
    if cluster.uses_dask:
        return _on_dask(work, list(tasks), cluster)
    return _in_pool(work, tasks, min(cluster.workers, count))


def _check_sendable(work: Work, task: ReplicationTask) -> None:
    """Fail at once, in this process, if a task cannot be sent to another process: a
    process pool would otherwise fail in a background thread, and may hang."""
    try:
        pickle.dumps((work, task))
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise CauError(
            f"the scenario cannot be sent to worker processes ({exc}); "
            "run with --workers 1 meanwhile"
        ) from exc


def _in_pool(
    work: Work, tasks: Iterator[ReplicationTask], workers: int
) -> Iterator[ReplicationOutcome]:
    """A process pool fed a few tasks ahead of the results (never the whole run at once).

    Workers leave Ctrl-C to this process and exit when it dies (even by kill -9). On an
    interruption or a failure the workers are stopped at once, not waited for: a
    shutdown that waits can hang on a future a dying worker never finishes.
    """
    # "spawn": workers start clean, whatever threads this process has (fork is unsafe then).
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_worker_started)
    try:
        yield from _fed(executor, work, tasks, IN_FLIGHT_PER_WORKER * workers)
    except BaseException:  # a failure, Ctrl-C, or the consumer closing this generator
        _stop(executor)
        raise
    executor.shutdown(wait=True)


def _fed(executor: Executor, work: Work, tasks: Iterator[ReplicationTask], in_flight: int
         ) -> Iterator[ReplicationOutcome]:
    """Outcomes in the order they finish, ``executor`` given at most ``in_flight`` tasks
    at a time: one more as each finishes."""
    pending: set[Future[ReplicationOutcome]] = set()
    for task in itertools.islice(tasks, in_flight):
        pending.add(executor.submit(work, task))
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            outcome = future.result()
            for task in itertools.islice(tasks, 1):
                pending.add(executor.submit(work, task))
            yield outcome


def _stop(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now."""
    # The executor has no public way to end its workers before Python 3.14's
    # terminate_workers(); its process table is the only handle on them.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def _worker_started() -> None:
    """In each worker: leave Ctrl-C to the parent (it stops the pool cleanly), and exit as
    soon as the parent is gone, however it ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True,
                         name="parent-watch").start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _on_dask(
    work: Work, tasks: list[ReplicationTask], cluster: Cluster
) -> Iterator[ReplicationOutcome]:
    try:
        import distributed
    except ImportError:
        raise CauError(
            "running on a Dask cluster needs the optional extra `cluster`: "
            "pip install 'cau-planner[cluster]'"
        ) from None
    with _quiet_dask_logs():
        yield from _dask_outcomes(distributed, work, tasks, cluster)


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask logs its reconnection attempts with tracebacks, which would bury the one
    message a lost cluster gets (:class:`ClusterLostError`): only its critical records
    pass meanwhile."""
    names = ["distributed", *(n for n in logging.root.manager.loggerDict
                              if n.startswith("distributed."))]  # some have their own level
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _dask_outcomes(
    distributed: Any, work: Work, tasks: list[ReplicationTask], cluster: Cluster
) -> Iterator[ReplicationOutcome]:
    local = None
    if cluster.scheduler is None:
        local = distributed.LocalCluster(
            n_workers=cluster.workers,
            threads_per_worker=1,
            processes=cluster.dask_processes,
            dashboard_address=":0",  # any free port: never collide with a running Dask
        )
    try:
        address = local if local is not None else cluster.scheduler
        try:
            client = distributed.Client(address, timeout="10s")
        except (OSError, ValueError) as exc:
            raise CauError(
                f"cannot reach the Dask scheduler at {cluster.scheduler}: {exc}. "
                "Check the address (tcp://host:8786) and that the scheduler is running."
            ) from None
        with client:
            futures = client.map(work, tasks, pure=False)
            try:
                for future in distributed.as_completed(futures):
                    try:
                        outcome = future.result()
                    except (CancelledError, OSError, distributed.KilledWorker) as exc:
                        # The scheduler or the workers went away (FutureCancelledError,
                        # CommClosedError, a worker killed again and again), not a bug of
                        # the replication: that would be raised as it is.
                        where = cluster.scheduler or "(local)"
                        detail = (str(exc).splitlines() or [""])[0]
                        raise ClusterLostError(
                            f"the Dask cluster {where} was lost during the run "
                            f"({type(exc).__name__}: {detail})"
                        ) from None
                    yield outcome
            finally:
                with contextlib.suppress(Exception):  # the scheduler may be gone already
                    client.cancel(futures)
    finally:
        if local is not None:
            local.close()
