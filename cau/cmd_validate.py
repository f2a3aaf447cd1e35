"""``cau validate FILE…``: check rule packs and scenarios, print a summary of each or all
their errors.

A scenario file is recognised by its top-level keys (``demand``, ``level_one``…); its
summary ends with its capacity warnings, which do not make it invalid. Every file is
checked even when an earlier one fails; the exit status is 0 when all are valid, 2
otherwise. Bad input is reported as located messages, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rules.document import Document
from rules.errors import CauError, ValidationError
from rules.loader import load_rule_pack
from sim.overlay import SCENARIO_KEYS

from . import cli, options
from .i18n import message
from .pack_summary import summarise


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help=cli.summary("validate"),
        description="Check rule-pack files (or shipped packs by name, e.g. cspq-cau) and "
        "scenario files, and print a summary of each (for a scenario, with its capacity "
        "warnings), or every error found with its place in the file.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="rule-pack or scenario YAML files")
    options.add_lang(parser, "the summaries and warnings")
    options.add_allow(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    failed = 0
    for file in args.files:
        try:
            if _is_scenario(file):
                # the simulator's modules only when a scenario is validated
                from sim.scenario_loader import load_scenario

                from .scenario_summary import summarise_scenario

                scenario, pack = load_scenario(file, args.allow)
                summary = summarise_scenario(scenario, pack, args.lang)
            else:
                pack = load_rule_pack(file)
                summary = summarise(pack, args.lang)
        except ValidationError as exc:
            failed += 1
            print(message("errors_in", args.lang, count=len(exc.problems), file=file),
                  file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            continue
        except CauError as exc:
            failed += 1
            print(exc, file=sys.stderr)
            continue
        print(f"{message('ok', args.lang)} {file}")
        print(summary, end="\n\n")
    return 2 if failed else 0


def _is_scenario(file: str) -> bool:
    """A readable YAML mapping with a scenario's own top-level keys (a pack has none)."""
    if not Path(file).is_file():
        return False  # a shipped pack's name, or a missing file the pack loader reports
    data = Document.from_path(file).data
    return isinstance(data, dict) and bool(SCENARIO_KEYS & set(data))
