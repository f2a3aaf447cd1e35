"""The rules of a resolver group (sim.resolvers.ResolverTeam) simulated the textbook way:
a calendar of events, a queue in priority order, named jobs — the reference the SimPy
resource is held to, as the level-1 recursion is held to its own."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

DONE = 1e-9  # remaining work below this (seconds) is finished work


@dataclass(frozen=True)
class Job:
    arrival: float
    rank: int  # 1 = most urgent
    work: float


def reference_team(jobs: list[Job], headcount: int, on_call: int, opens: np.ndarray,
                   closes: np.ndarray, around_clock: frozenset[int],
                   preempting: frozenset[int], policy: str, until: float) -> list[float]:
    """Each job's completion instant (inf if not by ``until``). Capacity is ``headcount``
    while open, ``on_call`` otherwise; the queue is in (rank, arrival) order; ranks of
    ``around_clock`` are served at any hour, the others only while open; a ``preempting``
    rank that waits, every server busy, stops the least urgent, latest started job,
    which goes back to the queue with what it had left; at closing under ``hand_back``
    the jobs that may not go on after hours, then the least urgent (then soonest ending)
    around-the-clock jobs beyond ``on_call``, go back to the queue."""
    remaining = [j.work for j in jobs]
    done = [math.inf] * len(jobs)
    busy: dict[int, float] = {}  # job → instant it (re)started
    token = [0] * len(jobs)  # a completion scheduled for an older start is void
    queue: list[tuple[int, int]] = []  # (rank, job): jobs are numbered in arrival order
    events: list[tuple[float, int, int, int]] = []  # time, kind, job or -1, token
    opening, closing, arrival, completion = range(4)
    for t in opens:
        events.append((float(t), opening, -1, 0))
    for t in closes:
        events.append((float(t), closing, -1, 0))
    for k, job in enumerate(jobs):
        events.append((job.arrival, arrival, k, 0))
    heapq.heapify(events)
    state = {"open": False}

    def capacity() -> int:
        return headcount if state["open"] else on_call

    def eligible(rank: int) -> bool:
        return state["open"] or rank in around_clock

    def start(k: int, now: float) -> None:
        busy[k] = now
        token[k] += 1
        heapq.heappush(events, (now + remaining[k], completion, k, token[k]))

    def dispatch(now: float) -> None:
        while queue and len(busy) < capacity() and eligible(queue[0][0]):
            start(heapq.heappop(queue)[1], now)

    def arrive(k: int, now: float) -> None:
        heapq.heappush(queue, (jobs[k].rank, k))
        dispatch(now)
        if k in busy or jobs[k].rank not in preempting or not eligible(jobs[k].rank):
            return
        victims = [b for b in busy if jobs[b].rank > jobs[k].rank]
        if victims and len(busy) >= capacity():
            stop(max(victims, key=lambda b: (jobs[b].rank, busy[b], b)), now)

    def stop(k: int, now: float) -> None:
        remaining[k] -= now - busy.pop(k)
        token[k] += 1
        dispatch(now)
        if remaining[k] > DONE:
            arrive(k, now)
        else:
            done[k] = now

    while events and events[0][0] < until:
        now, kind, k, mark = heapq.heappop(events)
        if kind == opening:
            state["open"] = True
            dispatch(now)
        elif kind == closing:
            state["open"] = False
            if policy == "hand_back":
                running = sorted(busy, key=lambda b: (jobs[b].rank, b))
                staying = [b for b in running if jobs[b].rank in around_clock]
                going = sorted(staying, key=lambda b: (-jobs[b].rank, busy[b] + remaining[b], b))
                stops = [b for b in running if jobs[b].rank not in around_clock]
                stops += going[:max(0, len(staying) - on_call)]
                for b in stops:
                    stop(b, now)
        elif kind == arrival:
            arrive(k, now)
        elif mark == token[k]:  # a completion still valid
            del busy[k]
            remaining[k] = 0.0
            done[k] = now
            dispatch(now)
    return done
