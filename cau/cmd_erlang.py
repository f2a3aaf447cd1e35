"""``cau erlang b|c|a|staff``: the queueing formulas of :mod:`sim.erlang` at the prompt."""

from __future__ import annotations

import argparse

from rules.errors import DataError
from rules.units import parse_duration, parse_percent
from sim.erlang import MAX_AGENTS, ErlangA, ErlangC, agents_needed, erlang_b

from . import cli, i18n, options
from .formats import DASH, duration, goal_percent, number, percent, text_table

i18n.register(
    {
        "erl_load": {"fr": "charge offerte", "en": "offered load"},
        "erl_erlangs": {"fr": "{load} erlangs", "en": "{load} Erlangs"},
        "erl_blocked": {"fr": "P(bloqué)", "en": "P(blocked)"},
        "erl_wait": {"fr": "P(attente)", "en": "P(wait)"},
        "erl_abandon": {"fr": "P(abandon)", "en": "P(abandon)"},
        "erl_service_level": {"fr": "niveau de service", "en": "service level"},
        "erl_within": {"fr": "{level} en {threshold} ou moins", "en": "{level} within {threshold}"},
        "erl_asa": {"fr": "ASA", "en": "ASA"},
        "erl_seconds": {"fr": "{value} s", "en": "{value} s"},
        "erl_asa_answered": {"fr": "{value} s (appels répondus)",
                             "en": "{value} s (answered callers)"},
        "erl_occupancy": {"fr": "occupation", "en": "occupancy"},
        "erl_needed": {"fr": "agents requis", "en": "agents needed"},
        "erl_agents": {"fr": "agents", "en": "agents"},
        "erl_unstable": {
            "fr": "– : pas plus d'agents que d'erlangs ({agents}) ; la file grandit sans fin "
            "(Erlang C), voir Erlang A avec la patience",
            "en": "–: no more agents than Erlangs ({agents}); the queue grows without end "
            "(Erlang C), see Erlang A with patience",
        },
        "erl_needed_for": {"fr": "{agents} ({model}, {goal} en {threshold} ou moins)",
                           "en": "{agents} ({model}, {goal} within {threshold})"},
    }
)
LABEL_WIDTH = 18  # figures start in one column


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


MAX_ROWS = 1000  # a range longer than this is a typing mistake, not a table to read


def agent_counts(text: str) -> list[int]:
    """Agents from "12", "10-16" or "10,12,14" (ranges and numbers may be mixed)."""
    counts: list[int] = []
    for part in text.split(","):
        low, dash, high = part.strip().partition("-")
        try:
            first, last = int(low), int(high if dash else low)
        except ValueError:
            first = last = 0
        if not 1 <= first <= last <= MAX_AGENTS:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from 1 to {MAX_AGENTS:,} (agents), a range such as "
                f'10-16 or a list such as 10,12,14, found "{text}"')
        if last - first >= MAX_ROWS:
            raise argparse.ArgumentTypeError(f"expected at most {MAX_ROWS} values, found "
                                             f"{last - first + 1} in \"{part.strip()}\"")
        counts.extend(range(first, last + 1))
    if len(counts) > MAX_ROWS:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_ROWS} values, found "
                                         f"{len(counts)} in \"{text}\"")
    return list(dict.fromkeys(counts))


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "erlang", help=cli.summary("erlang"),
        description="Steady-state queueing formulas for one queue: arrivals at --rate, each "
        "handled in --aht on average by --agents agents. A first answer before simulating: "
        "no shift changes, no e-mails, Poisson arrivals, exponential handling.",
    )
    kinds = parser.add_subparsers(dest="formula", required=True, metavar="FORMULA")
    common = argparse.ArgumentParser(add_help=False)
    options.add_lang(common, "the output")
    common.add_argument("--rate", type=parse_rate, required=True,
                        help='arrivals, e.g. "2/min", "120/h" or "45/30min"')
    common.add_argument("--aht", type=_duration, required=True,
                        help='mean handling time (talk and after-call work), e.g. "5min"')
    agents = argparse.ArgumentParser(add_help=False)
    agents.add_argument("--agents", type=agent_counts, required=True,
                        help="agents on duty: a number, a range (10-16) or a list (10,12,14); "
                        "several give a table, a row per value")
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--target", type=_duration, default=40.0,
                        help='answer-time threshold of the service level (default: "40s")')
    patience = argparse.ArgumentParser(add_help=False)
    patience.add_argument(
        "--patience", type=_duration, help='mean patience of callers (Erlang A), e.g. "3min"'
    )

    kinds.add_parser("b", parents=[common, agents], help="Erlang B: blocking, no queue",
                     description="Erlang B: the share of calls finding every agent busy "
                     "when nobody waits (blocked calls are lost).")
    kinds.add_parser("c", parents=[common, agents, target], help="Erlang C: M/M/c",
                     description="Erlang C (M/M/c, nobody hangs up): probability of waiting, "
                     "service level at --target, average speed of answer and occupancy.")
    erlang_a = kinds.add_parser(
        "a", parents=[common, agents, target], help="Erlang A: M/M/c with impatient callers",
        description="Erlang A (M/M/c+M, callers hang up after an exponential patience): "
        "probabilities of waiting and of abandoning, service level, ASA and occupancy.",
    )
    erlang_a.add_argument("--patience", type=_duration, required=True, help='e.g. "3min"')
    erlang_a.add_argument("--grace", type=_duration, default=0.0,
                          help="abandons within this are left out of the service level")
    staff = kinds.add_parser(
        "staff", parents=[common, target, patience], help="fewest agents meeting a goal",
        description="The fewest agents whose service level at --target reaches --goal: "
        "Erlang C, or Erlang A when --patience is given.",
    )
    staff.add_argument("--goal", type=_percent, default=0.85,
                       help='share answered within --target (default: "85%%")')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    within = {"threshold": duration(args.target, lang)} if "target" in args else {}
    load = i18n.message("erl_erlangs", lang, load=number(args.rate * args.aht, lang, 2))
    lines = [("erl_load", load)]
    if args.formula in ("b", "c", "a") and len(args.agents) > 1:
        rows, unstable = [], []
        for agents in args.agents:
            try:
                rows.append(_figures(args, agents, lang))
            except DataError:  # Erlang C with no more agents than Erlangs: no steady state
                if agents == args.agents[-1] and not any(rows):
                    raise  # not one row to show: the formula's own message
                rows.append([])
                unstable.append(str(agents))
        labels = next(r for r in rows if r)
        headers = [i18n.message("erl_agents", lang),
                   *(i18n.message(label, lang, **within) for label, _ in labels)]
        print(f"{i18n.message('erl_load', lang):<{LABEL_WIDTH}}{load}")
        print(text_table(headers, [[str(a), *([v for _, v in row] or [DASH] * len(labels))]
                                   for a, row in zip(args.agents, rows, strict=True)]))
        if unstable:
            print(i18n.message("erl_unstable", lang, agents=", ".join(unstable)))
        return 0
    if args.formula in ("b", "c", "a"):
        lines += [(label, value if label != "erl_service_level" else i18n.message(
            "erl_within", lang, level=value, **within))
                  for label, value in _figures(args, args.agents[0], lang)]
    else:
        needed = agents_needed(args.rate, args.aht, args.target, args.goal, args.patience)
        lines.append(("erl_needed", i18n.message(
            "erl_needed_for", lang, agents=needed, goal=goal_percent(args.goal, lang),
            model="Erlang A" if args.patience is not None else "Erlang C", **within)))
    for label, value in lines:  # printed once every figure is computed: an error prints none
        print(f"{i18n.message(label, lang):<{LABEL_WIDTH}}{value}")
    return 0


def _figures(args: argparse.Namespace, agents: int, lang: str) -> list[tuple[str, str]]:
    """The formula's figures for ``agents``, as (label key, text)."""
    if args.formula == "b":
        return [("erl_blocked", number(erlang_b(agents, args.rate * args.aht), lang, 4))]
    model: ErlangA | ErlangC = (
        ErlangA(args.rate, args.aht, agents, args.patience) if args.formula == "a"
        else ErlangC(args.rate, args.aht, agents))
    level = (model.service_level(args.target, args.grace) if isinstance(model, ErlangA)
             else model.service_level(args.target))
    figures = [("erl_wait", number(model.p_wait, lang, 4))]
    if isinstance(model, ErlangA):
        figures.append(("erl_abandon", number(model.p_abandon, lang, 4)))
    return [
        *figures,
        ("erl_service_level", percent(level, lang, 2)),
        ("erl_asa", i18n.message("erl_asa_answered" if isinstance(model, ErlangA)
                                 else "erl_seconds", lang, value=number(model.asa, lang, 1))),
        ("erl_occupancy", percent(model.occupancy, lang, 2)),
    ]
