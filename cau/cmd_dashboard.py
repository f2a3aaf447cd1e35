"""``cau dashboard EVENTS --rules PACK --out DIR``: the monthly dashboard of an event log.

Measures the log against the pack (the same judge as ``cau measure``) and writes one
self-contained HTML page and each figure as PNG into DIR, French by default. Rows
that cannot be used are counted on stderr, never dropped silently.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from rules import outputs
from rules.loader import load_rule_pack
from rules.measure import measure

from . import cli, i18n, options
from .dashboard import build_dashboard
from .simulated_logs import provenance

i18n.register(
    {
        "dash_written": {
            "fr": "Tableau de bord de {month} écrit : {path}",
            "en": "Dashboard of {month} written: {path}",
        },
        "dash_written_simulated": {
            "fr": "Tableau de bord prévu (simulation) de {month} écrit : {path}",
            "en": "Predicted (simulated) dashboard of {month} written: {path}",
        },
        "dash_left_out": {"fr": "  figure omise ({name}) : {reason}",
                          "en": "  figure left out ({name}): {reason}"},
    }
)

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        help=cli.summary("dashboard"),
        description="Measure an event log against a rule pack and write the month's "
        "dashboard: a self-contained HTML page (summary table per target, compliance "
        "trend, restoration times, call service level per half-hour, volumes) and each "
        "figure as a PNG file.",
    )
    parser.add_argument("events", metavar="EVENTS", help=options.EVENTS_HELP)
    options.add_rules(parser)
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="directory receiving the page and the figures (created)")
    parser.add_argument("--month", type=_month, metavar="YYYY-MM",
                        help="month of the dashboard (default: the latest with data)")
    options.add_lang(parser, "the page")
    options.add_as_of(parser)
    options.add_rejects(parser)
    parser.set_defaults(func=run)


def _month(text: str) -> str:
    if not MONTH.fullmatch(text):
        raise argparse.ArgumentTypeError(f'expected a month such as 2026-03, found "{text}"')
    return text


def run(args: argparse.Namespace) -> int:
    outputs.claim(args.out, outputs.DIRECTORY, "--out")
    pack = load_rule_pack(args.rules)
    as_of = options.as_of(args, pack)
    options.claim_rejects(args)
    log = options.read_events(args, pack)
    simulation = provenance(args.events)
    dashboard = build_dashboard(measure(log, pack, as_of=as_of), pack, month=args.month,
                                lang=args.lang, simulation=simulation)
    written = dashboard.write(args.out)
    said = "dash_written" if simulation is None else "dash_written_simulated"
    print(i18n.message(said, args.lang, month=dashboard.month, path=written[0]))
    for name, reason in dashboard.omitted.items():
        print(i18n.message("dash_left_out", args.lang, name=name, reason=reason))
    return 0
