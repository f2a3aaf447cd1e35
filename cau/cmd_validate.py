"""``cau validate FILE…``: check rule packs, print a summary of each or all their errors.

Every file is checked even when an earlier one fails; the exit status is 0 when all are
valid, 2 otherwise. Bad input is reported as located messages, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rules.errors import CauError, ValidationError
from rules.loader import load_rule_pack
from rules.summary import summarise

from .i18n import DEFAULT_LANGUAGE, LANGUAGES, message


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check rule packs and summarise them",
        description="Check rule-pack files (or shipped packs by name, e.g. cspq-cau) and "
        "print a summary of each, or every error found with its place in the file.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="rule-pack YAML files")
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                        help="language of the summary (default: fr)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    failed = 0
    for file in args.files:
        try:
            pack = load_rule_pack(file)
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
        print(summarise(pack, args.lang), end="\n\n")
    return 2 if failed else 0
