"""``cau erlang b|c|a|staff``: the queueing formulas of :mod:`sim.erlang` at the prompt."""

from __future__ import annotations

import argparse

from rules.units import format_duration, parse_duration, parse_percent
from sim.erlang import ErlangA, ErlangC, agents_needed, erlang_b


def parse_rate(text: str) -> float:
    """Calls per second from "2/min", "120/h", "45/30min" or "0.5/s"."""
    count, _, per = text.partition("/")
    try:
        calls = float(count)
        seconds = parse_duration(per.strip() if per[:1].isdigit() else "1" + per.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected a rate such as "2/min", "120/h" or "45/30min", found "{text}"'
        ) from None
    if calls <= 0 or seconds <= 0:
        raise argparse.ArgumentTypeError(f'expected a positive rate, found "{text}"')
    return calls / seconds


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected a duration such as "40s", "5min" or "1h", found "{text}"'
        ) from None


def _percent(text: str) -> float:
    try:
        return parse_percent(text if text.strip().endswith("%") else float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected a percentage such as "85%", found "{text}"'
        ) from None


def _agents(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f'expected a whole number of agents, found "{text}"')
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "erlang", help="queueing formulas: Erlang B, C, A and the agents a target needs"
    )
    kinds = parser.add_subparsers(dest="formula", required=True, metavar="FORMULA")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--rate", type=parse_rate, required=True, help='arrivals, e.g. "2/min"')
    common.add_argument("--aht", type=_duration, required=True, help='handling time, e.g. "5min"')
    agents = argparse.ArgumentParser(add_help=False)
    agents.add_argument("--agents", type=_agents, required=True, help="agents on duty")
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--target", type=_duration, default=40.0, help='answer within, "40s"')
    patience = argparse.ArgumentParser(add_help=False)
    patience.add_argument(
        "--patience", type=_duration, help='mean patience of callers (Erlang A), e.g. "3min"'
    )

    kinds.add_parser("b", parents=[common, agents], help="Erlang B: blocking, no queue")
    kinds.add_parser("c", parents=[common, agents, target], help="Erlang C: M/M/c")
    erlang_a = kinds.add_parser(
        "a", parents=[common, agents, target], help="Erlang A: M/M/c with impatient callers"
    )
    erlang_a.add_argument("--patience", type=_duration, required=True, help='e.g. "3min"')
    erlang_a.add_argument("--grace", type=_duration, default=0.0,
                          help="abandons within this are left out of the service level")
    staff = kinds.add_parser(
        "staff", parents=[common, target, patience], help="fewest agents meeting a goal"
    )
    staff.add_argument("--goal", type=_percent, default=0.85, help='share, e.g. "85%%"')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    load = args.rate * args.aht
    print(f"offered load      {load:.3f} Erlangs")
    if args.formula == "b":
        print(f"P(blocked)        {erlang_b(args.agents, load):.4f}")
    elif args.formula == "c":
        c = ErlangC(args.rate, args.aht, args.agents)
        print(f"P(wait)           {c.p_wait:.4f}")
        print(f"service level     {c.service_level(args.target):.2%} within "
              f"{format_duration(args.target)}")
        print(f"ASA               {c.asa:.1f} s")
        print(f"occupancy         {c.occupancy:.2%}")
    elif args.formula == "a":
        a = ErlangA(args.rate, args.aht, args.agents, args.patience)
        print(f"P(wait)           {a.p_wait:.4f}")
        print(f"P(abandon)        {a.p_abandon:.4f}")
        print(f"service level     {a.service_level(args.target, args.grace):.2%} within "
              f"{format_duration(args.target)}")
        print(f"ASA               {a.asa:.1f} s (answered callers)")
        print(f"occupancy         {a.occupancy:.2%}")
    else:
        needed = agents_needed(args.rate, args.aht, args.target, args.goal, args.patience)
        model = "Erlang A" if args.patience is not None else "Erlang C"
        print(f"agents needed     {needed} ({model}, {args.goal:.0%} within "
              f"{format_duration(args.target)})")
    return 0
