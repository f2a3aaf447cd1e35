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
import logging
import multiprocessing
import pickle
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from rules.errors import CauError
from rules.measure import measure

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


def child_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """The seed of each replication: child ``i`` of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed).spawn(replications)


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
    if replications < 1:
        raise CauError(f"--replications must be at least 1, found {replications}")
    cluster = cluster or Cluster()
    if cluster.workers < 1:
        raise CauError(f"--workers must be at least 1, found {cluster.workers}")
    replicate = replicate or replicate_scenario
    done = store.finished()
    tasks = [
        ReplicationTask(i, child, scenario, pack, variants)
        for i, child in enumerate(child_seeds(seed, replications))
        if i not in done
    ]
    finished = 0
    try:
        for outcome in _execute(partial(timed, replicate), tasks, cluster):
            store.save(outcome.index, outcome.seed, outcome.figures, outcome.seconds)
            finished += 1
            if on_finished is not None:
                on_finished(outcome)
    except ClusterLostError as exc:
        raise ClusterLostError(_lost(str(exc), store, replications, finished)) from None
    stored = store.figures(range(replications))
    return RunResult(
        forecast=forecast(stored.monthly, stored.operations, stored.halfhours),
        computed=len(tasks),
        reused=replications - len(tasks),
        variants=stored.variants,
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
        f"{reason}. {kept} of the {replications} replications are kept in {store.path}: run "
        f"the same command again (once the cluster is back) to compute only the "
        f"{replications - kept} missing"
    )


def replicate_scenario(task: ReplicationTask) -> ReplicationFigures:
    """Simulate one replication, measure its event log with the rule pack (and with each
    variant of the task), summarise it."""
    replication = simulate_replication(task.scenario, task.pack, task.seed)
    measurement = measure(replication.log, task.pack)
    figures = replication_figures(
        measurement.monthly,
        measurement.judged_calls,
        replication.monitors,
        replication.backlog,
        zone=measurement.zone,
    )
    if not task.variants:
        return figures
    return dataclasses.replace(figures, variants=measure_variants(replication.log, task.variants))


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
    work: Work, tasks: list[ReplicationTask], cluster: Cluster
) -> Iterator[ReplicationOutcome]:
    """Outcomes in the order they finish; on the first failure, the rest is cancelled."""
    if not tasks:
        return iter(())
    if not cluster.uses_dask and (cluster.workers == 1 or len(tasks) == 1):
        return (work(task) for task in tasks)
    _check_sendable(work, tasks[0])
    if cluster.uses_dask:
        return _on_dask(work, tasks, cluster)
    return _in_pool(work, tasks, min(cluster.workers, len(tasks)))


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
    work: Work, tasks: Iterable[ReplicationTask], workers: int
) -> Iterator[ReplicationOutcome]:
    # "spawn": workers start clean, whatever threads this process has (fork is unsafe then).
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        pending: set[Future[ReplicationOutcome]] = {executor.submit(work, task) for task in tasks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


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
