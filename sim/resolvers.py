"""Level-2 and level-3 resolver groups at work, as a SimPy resource.

A :class:`ResolverTeam` has ``headcount`` people while its business calendar is open and
``on_call`` people outside it. Tickets wait in priority order (first come, first served
within a priority). Priorities worked around the clock (the CAU: P1–P2, whose targets
run 24/7) are served at any hour; the others only in business hours: at closing their
work is set aside and resumes at the next opening, so their work time is business time.
A pre-empting priority (P1) that finds every server busy takes one from the least
urgent work in progress, which resumes later with the work it had left — SimPy's
``PreemptiveResource`` behaviour, extended with opening hours.

At closing, capacity falls to ``on_call`` and the group's shift-end policy
(:mod:`sim.policies`) says what becomes of the work in progress. ``hand_back`` (the
default): work of priorities not worked around the clock goes back to the queue with
what is left of it (it resumes at the next opening), and so does around-the-clock work
beyond what the on-call people carry — the people who go hand back the least urgent
work, then the work that would end soonest. ``finish``: everybody finishes the work in
hand, then goes. Either way nobody starts work beyond the capacity on duty.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from .policies import HAND_BACK, ShiftEnd

_DONE = 1e-9  # remaining work below this (seconds) is finished work


@dataclass(eq=False)
class _Job:
    rank: int  # 1 = most urgent
    remaining: float
    seq: int
    process: simpy.Process
    grant: simpy.Event
    started: float = 0.0
    stopping: bool = False  # an interrupt is on its way
    order: tuple[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.order = (self.rank, self.seq)


class ResolverTeam:
    """The people of one resolver group, serving work by priority rank.

    ``opens``/``closes``: the group's business hours as sorted UTC intervals covering
    the simulation. ``around_clock``: ranks served at any hour (must be the most
    urgent ones). ``preempting``: ranks that pre-empt less urgent work in progress.
    ``at_shift_end``: what happens to the work in progress at closing.
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        headcount: int,
        on_call: int,
        opens: np.ndarray,
        closes: np.ndarray,
        around_clock: Collection[int] = (1, 2),
        preempting: Collection[int] = (1,),
        at_shift_end: ShiftEnd = HAND_BACK,
    ):
        ranks = sorted(around_clock)
        if ranks != list(range(1, len(ranks) + 1)):
            raise ValueError(f"around-the-clock ranks must be the most urgent, found {ranks}")
        self.env, self.name = env, name
        self.headcount, self.on_call = headcount, on_call
        self.around_clock = frozenset(around_clock)
        self.preempting = frozenset(preempting)
        self.at_shift_end = at_shift_end
        self.is_open = False
        self.preemptions = 0
        self._queue: list[tuple[tuple[int, int], _Job]] = []
        self._busy: set[_Job] = set()
        self._seq = 0
        env.process(self._hours(np.asarray(opens, float), np.asarray(closes, float)))

    @property
    def capacity(self) -> int:
        return self.headcount if self.is_open else self.on_call

    @property
    def busy(self) -> int:
        return len(self._busy)

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def serve(self, rank: int, work: float) -> Generator[simpy.Event, Any, None]:
        """Work ``work`` seconds on a ticket of priority ``rank``; use as
        ``yield from team.serve(rank, work)`` inside the ticket's process."""
        self._seq += 1
        env = self.env
        process = env.active_process
        if process is None:
            raise RuntimeError("ResolverTeam.serve runs inside a SimPy process")
        job = _Job(rank, float(work), self._seq, process, env.event())
        while job.remaining > _DONE:
            job.grant = env.event()
            job.stopping = False
            heapq.heappush(self._queue, (job.order, job))
            self._arrive(job)
            yield job.grant
            job.started = env.now
            if not job.stopping:  # not stopped between the grant and now
                try:
                    yield env.timeout(job.remaining)
                    job.remaining = 0.0
                except simpy.Interrupt:
                    job.remaining -= env.now - job.started
            self._busy.discard(job)
            self._dispatch()

    def _arrive(self, job: _Job) -> None:
        self._dispatch()
        if job.grant.triggered:
            return
        if job.rank in self.preempting and self._eligible(job.rank):
            victims = [b for b in self._busy if b.rank > job.rank and not b.stopping]
            if victims and len(self._busy) >= self.capacity:
                self._stop(max(victims, key=lambda b: (b.rank, b.started, b.seq)))
                self.preemptions += 1

    def _eligible(self, rank: int) -> bool:
        return self.is_open or rank in self.around_clock

    def _stop(self, job: _Job) -> None:
        job.stopping = True
        if job.grant.processed:  # running: interrupt it; else it sees `stopping` on waking
            job.process.interrupt("pre-empted")

    def _dispatch(self) -> None:
        # The queue is in rank order and around-the-clock ranks come first, so when
        # the head may not be served now, nothing behind it may either.
        while self._queue and len(self._busy) < self.capacity:
            job = self._queue[0][1]
            if not self._eligible(job.rank):
                return
            heapq.heappop(self._queue)
            self._busy.add(job)
            job.grant.succeed()

    def _hours(self, opens: np.ndarray, closes: np.ndarray) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for opening, closing in zip(opens, closes, strict=True):
            if opening > env.now:
                yield env.timeout(opening - env.now)
            self.is_open = True
            self._dispatch()
            yield env.timeout(max(0.0, closing - env.now))
            self.is_open = False
            if self.at_shift_end == HAND_BACK:
                self._hand_back()

    def _hand_back(self) -> None:
        """At closing: work that may not go on after hours goes back to the queue, and
        so does the least urgent (then soonest ending) work beyond the on-call people."""
        running = sorted((b for b in self._busy if not b.stopping), key=lambda b: b.order)
        staying = [b for b in running if b.rank in self.around_clock]
        for job in running:
            if job.rank not in self.around_clock:
                self._stop(job)
        going = sorted(staying, key=lambda b: (-b.rank, b.started + b.remaining, b.seq))
        for job in going[:max(0, len(staying) - self.on_call)]:
            self._stop(job)


def next_open(opens: np.ndarray, closes: np.ndarray, t: float) -> float:
    """The first instant at or after ``t`` inside an open interval (inf if none)."""
    k = int(np.searchsorted(closes, t, side="right"))
    return max(t, float(opens[k])) if k < len(opens) else float("inf")


def after_open_time(opens: np.ndarray, closes: np.ndarray, t: float, seconds: float) -> float:
    """The instant when ``seconds`` of open time have passed since ``t`` (inf if the
    intervals end first): where a hold measured in business time ends."""
    k = int(np.searchsorted(closes, t, side="right"))
    spans = np.cumsum(closes[k:] - np.maximum(opens[k:], t))
    j = int(np.searchsorted(spans, seconds, side="left"))
    return float(closes[k + j] - (spans[j] - seconds)) if j < len(spans) else float("inf")
