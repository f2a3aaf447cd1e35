"""``cau``: one command with sub-commands.

Each sub-command lives in a module of this package exposing ``register(subparsers)``,
which adds its parser and sets ``func`` (taking the parsed arguments, returning an exit
status). Bad input raises :class:`rules.errors.CauError`; it is printed as a message and
the command exits with status 2, never with a traceback. A command runs inside
:func:`rules.outputs.guarded`, so no file it writes can replace a file it reads; it writes
its files before it prints, so a reader of its output that stops early (``cau … | head``)
loses nothing: the closed pipe ends the command quietly (status 141, as a shell reports a
command stopped by SIGPIPE).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

from rules import outputs
from rules.errors import CauError

BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `… | head`

# Modules of this package that each register one or more sub-commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "cmd_validate", "cmd_erlang", "cmd_measure", "cmd_dashboard", "cmd_simulate",
    "cmd_import", "cmd_calibrate", "cmd_targets", "cmd_staff",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cau",
        description="cau-planner: rules, measurement and simulation for the CSPQ's CAU.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"cau.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with outputs.guarded():
            status: int = args.func(args)
        sys.stdout.flush()
    except CauError as exc:
        print(f"cau {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cau {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away; what is left to print goes nowhere (also at exit).
        with contextlib.suppress(OSError, ValueError):  # no real descriptor (a test's capture)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return status


if __name__ == "__main__":
    sys.exit(main())
