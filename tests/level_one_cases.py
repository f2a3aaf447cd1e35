"""Random level-1 days shared by the tests of both engines, and the textbook reference
they are held to: the same rules simulated with a calendar of events and named agents."""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from sim.staffing import StaffingSteps

Hours = tuple[np.ndarray, np.ndarray] | None
Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
Day = tuple[*Arrays, np.ndarray, np.ndarray, Hours]


def reference(
    arrivals: np.ndarray, patience: np.ndarray, service: np.ndarray,
    email_arrivals: np.ndarray, email_service: np.ndarray, staffing: StaffingSteps,
    email_hours: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same level-1 rules, simulated the textbook way: a calendar of events, a queue
    of waiting calls, named agents. When the schedule drops by k, the idle agents go
    first, then the busy ones that finish soonest, each after finishing its work. E-mails
    are started only while the e-mail hours are open."""
    n, m = arrivals.size, email_arrivals.size
    answered, abandoned, email_started = np.full(n, np.nan), np.full(n, np.nan), np.full(m, np.nan)
    events: list[tuple[float, int, int]] = []  # time, kind (order at a tie), index or agent
    change, opening, free, arrival, patience_end, email = range(6)
    opens, closes = email_hours if email_hours is not None else (np.array([0.0]), np.array([]))
    for t in opens:
        events.append((float(t), opening, -1))

    def open_at(now: float) -> bool:
        return email_hours is None or bool(((opens <= now) & (now < closes)).any())

    levels = np.diff(staffing.agents, prepend=0)
    for k, t in enumerate(staffing.times):
        events.append((float(t), change, k))
    for i, t in enumerate(arrivals):
        events.append((float(t), arrival, i))
        if np.isfinite(patience[i]):
            events.append((float(t + patience[i]), patience_end, i))
    for j, t in enumerate(email_arrivals):
        events.append((float(t), email, j))
    heapq.heapify(events)
    idle: list[int] = []
    busy_until: dict[int, float] = {}
    leaving: set[int] = set()
    hired = 0
    queue: deque[int] = deque()
    backlog: deque[int] = deque()

    def work(agent: int, now: float) -> bool:
        """An available agent takes the first waiting call, else the oldest e-mail."""
        while queue and not np.isnan(abandoned[queue[0]]):
            queue.popleft()
        if queue:
            i = queue.popleft()
            answered[i] = now
            busy_until[agent] = now + service[i]
        elif backlog and open_at(now):
            j = backlog.popleft()
            email_started[j] = now
            busy_until[agent] = now + email_service[j]
        else:
            idle.append(agent)
            return False
        heapq.heappush(events, (busy_until[agent], free, agent))
        return True

    while events:
        now, kind, index = heapq.heappop(events)
        if kind == change:
            size = int(levels[index])
            for _ in range(size):
                work(hired, now)
                hired += 1
            for _ in range(-size):
                if idle:
                    idle.pop()
                else:
                    staying = {a: t for a, t in busy_until.items() if a not in leaving}
                    leaving.add(min(staying, key=lambda a: staying[a]))
        elif kind == opening:
            while idle and backlog and open_at(now):
                work(idle.pop(), now)
        elif kind == free:
            del busy_until[index]
            if index in leaving:
                leaving.discard(index)
            else:
                work(index, now)
        elif kind == arrival:
            queue.append(index)
            if idle:
                work(idle.pop(), now)
        elif kind == patience_end:
            if np.isnan(answered[index]):
                abandoned[index] = now
        else:
            backlog.append(index)
            if idle:
                work(idle.pop(), now)
    return answered, abandoned, email_started


def random_day(seed: int, grid: bool = False, base: float = 0.0) -> Day:
    """A random day of level 1 from ``seed``: calls (some callers never hang up), e-mails,
    staffing steps and e-mail hours over 1,000 s after ``base``. With ``grid`` every
    instant and duration is a multiple of 10 s, so that events coincide — arrivals with
    staffing steps, ends of work with openings — and the order at a tie is tried."""
    rng = np.random.default_rng(seed)

    def times(values: np.ndarray) -> np.ndarray:
        return np.round(values / 10.0) * 10.0 if grid else values

    n, m = int(rng.integers(0, 60)), int(rng.integers(0, 20))
    arrivals = base + np.sort(times(rng.uniform(0, 1000, n)))
    patience = times(rng.exponential(rng.uniform(20, 200), n))
    if rng.random() < 0.2:
        patience[:] = np.inf  # nobody hangs up
    service = np.maximum(times(rng.exponential(60, n)), 10.0 if grid else 0.0)
    emails = base + np.sort(times(rng.uniform(0, 1000, m)))
    email_service = np.maximum(times(rng.exponential(40, m)), 10.0 if grid else 0.0)
    change_times = base + np.unique(np.r_[0.0, times(rng.uniform(0, 1000,
                                                                  int(rng.integers(0, 8))))])
    agents = rng.integers(0, 5, change_times.size)
    edges = np.unique(times(rng.uniform(0, 1000, 2 * int(rng.integers(1, 4)))))
    edges = base + edges[:edges.size // 2 * 2]
    hours: Hours = (edges[::2], edges[1::2]) if rng.random() < 0.7 and edges.size else None
    return arrivals, patience, service, emails, email_service, change_times, agents, hours
