"""``cau``: one command with sub-commands.

Each sub-command lives in a module of this package exposing ``register(subparsers)``,
which adds its parser and sets ``func`` (taking the parsed arguments, returning an exit
status). Only the module of the command being run is imported (with what it uses), so
``cau --help`` and ``cau validate`` start at once; the others appear in the help by their
summary. Bad input raises :class:`rules.errors.CauError`; it is printed as a message and
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

# Each sub-command, in help order: the module of this package that registers it, and
# its one-line summary (shown by ``cau --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("cmd_validate", "check rule packs and scenarios and summarise them"),
    "erlang": ("cmd_erlang", "queueing formulas: Erlang B, C, A and the agents a target needs"),
    "measure": ("cmd_measure",
                "measure compliance with every target, per month, from an event log"),
    "dashboard": ("cmd_dashboard",
                  "write the monthly dashboard (HTML page and PNG figures) of an event log"),
    "simulate": ("cmd_simulate", "simulate a scenario and forecast compliance with every target"),
    "import": ("cmd_import", "turn a ticket-tool export into the canonical event log"),
    "calibrate": ("cmd_calibrate",
                  "fit what a scenario needs (arrivals, mixes, durations) on a real event log"),
    "targets": ("cmd_targets",
                "which target levels can be promised: thresholds × goals, P(goal met)"),
    "staff": ("cmd_staff",
              "level-1 agents needed per half-hour to meet the answer-time target"),
    "compare": ("cmd_compare",
                "scenarios side by side on common random numbers, differences with paired CIs"),
    "sweep": ("cmd_sweep",
              "a scenario over a grid of values: compliance and P(goal met) against them"),
}
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(m for m, _ in COMMANDS.values()))


def summary(command: str) -> str:
    """The one-line help of a sub-command (for its module's ``add_parser``)."""
    return COMMANDS[command][1]


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The ``cau`` parser: the sub-command named in ``argv`` registered by its module (all
    of them when ``argv`` is None), the others by name and summary only."""
    parser = argparse.ArgumentParser(
        prog="cau",
        description="cau-planner: rules, measurement and simulation for the CSPQ's CAU.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = set(COMMANDS) if argv is None else set(argv[:1]) & set(COMMANDS)
    registered: set[str] = set()
    for name, (module, text) in COMMANDS.items():
        if name in registered:
            continue
        if name in chosen:
            before = set(subparsers.choices)
            importlib.import_module(f"cau.{module}").register(subparsers)
            registered |= set(subparsers.choices) - before
        else:
            subparsers.add_parser(name, help=text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for name in ("stdout", "stderr"):  # started with it closed (cau … >&-): text goes nowhere
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (for the whole run)
    parser = build_parser(_command_first(argv))
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


def _command_first(argv: list[str]) -> list[str]:
    """``argv`` from the sub-command on (options before it, such as --help, left out)."""
    for k, word in enumerate(argv):
        if not word.startswith("-"):
            return argv[k:]
    return []


if __name__ == "__main__":
    sys.exit(main())
