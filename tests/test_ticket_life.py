"""A ticket's life through the resolver groups (sim.ticket_life), driven on its own: each
named step in turn, with the events it writes, the times it takes, where it is held."""

from __future__ import annotations

import numpy as np
import simpy

from rules.eventlog import EventLogBuilder
from sim.distributions import Deterministic
from sim.scenario import ResolverGroup
from sim.ticket_life import ResolverDesk, TicketLife, TicketPlan

HOUR, DAY = 3600.0, 86400.0
CODES = ("P1", "P2", "P3", "P4", "P5")


def desk(env: simpy.Environment, log: EventLogBuilder, open_hours: tuple[float, float],
         replies: tuple[float, float] | None = None) -> ResolverDesk:
    """Two groups of one person, G (level 2) and H (level 3), open ``open_hours`` (from, to
    in hours) every day for a week; users reply within ``replies`` hours (default: always)."""
    days = np.arange(7) * DAY
    hours = (days + open_hours[0] * HOUR, days + open_hours[1] * HOUR)
    work = dict.fromkeys(CODES, Deterministic(HOUR))
    groups = {name: ResolverGroup(name, level, 1, 0, "x", work)
              for name, level in (("G", 2), ("H", 3))}
    answer = (days + replies[0] * HOUR, days + replies[1] * HOUR) if replies else (
        np.array([0.0]), np.array([30 * DAY]))
    return ResolverDesk(env, groups, {"G": hours, "H": hours}, answer, log, {1, 2}, DAY)


def plan(**changes: object) -> TicketPlan:
    fields: dict[str, object] = dict(
        id="T1", time=0.0, rank=3, group="G", attrs=("phone", "1", "S"), work=2 * HOUR,
        wait=0.0, split=0.5, level3="", work3=0.0, hold=0.0, hold3=0.0, reopen=0.0,
        rework=0.0)
    fields.update(changes)
    return TicketPlan(**fields)  # type: ignore[arg-type]


def events(log: EventLogBuilder) -> list[tuple[str, float, str, str]]:
    frame = log.build().frame
    return [(str(e), t / HOUR, str(lv), str(g)) for e, t, lv, g in
            zip(frame["event"], frame["time"], frame["level"], frame["group"], strict=True)]


def test_the_whole_life_step_by_step() -> None:
    env, log = simpy.Environment(), EventLogBuilder()
    resolvers = desk(env, log, (0, 24))
    resolvers.enter(plan(wait=3 * HOUR, hold=HOUR, level3="H", work3=HOUR, reopen=5 * HOUR,
                         rework=HOUR / 2))
    env.run(until=3 * DAY)
    assert events(log) == [
        ("waiting_start", 1.0, "2", "G"),  # half its 2 h of work, then the user is asked
        ("waiting_end", 4.0, "2", "G"),  # who answers 3 h later; 1 h on hold (no event)
        ("assigned", 6.0, "3", "H"),  # the other hour of work, then level 3
        ("resolved", 7.0, "3", "H"),
        ("reopened", 12.0, "3", "H"),  # 5 h later, worked again by the group that solved it
        ("resolved", 12.5, "3", "H"),
        ("closed", 36.5, "3", "H"),  # a day after its last resolution
    ]
    assert resolvers.stays_at_end() == [("G", 0.0, 6 * HOUR), ("H", 6 * HOUR, 7 * HOUR),
                                        ("H", 12 * HOUR, 12.5 * HOUR)]


def test_each_step_alone_keeps_to_the_hours() -> None:
    env, log = simpy.Environment(), EventLogBuilder()
    resolvers = desk(env, log, (8, 16), replies=(8, 16))
    life = TicketLife(plan(), resolvers)
    finished: dict[str, float] = {}

    def step(name: str, process: object, at: float) -> None:
        def run() -> object:
            yield env.timeout(at - env.now)
            yield from process  # type: ignore[misc]
            finished[name] = env.now
        env.process(run())  # type: ignore[arg-type]

    # a P3 hold of 3 business hours from 15:00: 1 h today, 2 h from 08:00 tomorrow
    step("hold", life.on_hold(3 * HOUR), 15 * HOUR)
    # a user asked at 14:00 with a 5 h reply: 19:00 is closed, so 08:00 tomorrow
    step("reply", life.wait_on_user(5 * HOUR, resolvers.replies), 14 * HOUR)  # type: ignore[arg-type]
    # 3 h of P3 work from 14:00 by G's one person: 2 h today, 1 h tomorrow
    step("work", life.work(3 * HOUR), 14 * HOUR)
    env.run(until=2 * DAY)
    assert finished == {"hold": DAY + 10 * HOUR, "reply": DAY + 8 * HOUR,
                        "work": DAY + 9 * HOUR}
    assert [e[0] for e in events(log)] == ["waiting_start", "waiting_end"]


def test_a_ticket_still_open_at_the_end_is_held_by_its_group() -> None:
    env, log = simpy.Environment(), EventLogBuilder()
    resolvers = desk(env, log, (8, 16))
    resolvers.enter(plan(time=15 * HOUR, work=4 * HOUR))  # 1 h today, 3 h tomorrow
    env.run(until=DAY)
    assert resolvers.stays_at_end() == [("G", 15 * HOUR, float("inf"))]
    assert events(log) == []
