"""What several ``cau`` sub-commands share: the ``--lang``, ``--rules`` and ``--as-of``
options, argument types that say what a bad value should look like, reading an event
log with its count of rejected rows, and writing an output file atomically.

Argument types raise :class:`argparse.ArgumentTypeError`, so a bad value is one line of
usage error (exit status 2); everything else raises a :class:`rules.errors.CauError`,
which :func:`cau.cli.main` prints as one message (exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rules.errors import CauError, DataError
from rules.outputs import atomic_target
from rules.pack import RulePack

from . import formats, i18n

if TYPE_CHECKING:  # the event log (pandas, pyarrow) is imported by the commands reading one
    from rules.eventlog import EventLog, ReadReport

i18n.register(
    {
        "events_read": {
            "fr": "{source} : {read} lignes lues, {kept} retenues, {rejected} rejetées",
            "en": "{source}: {read} rows read, {kept} kept, {rejected} rejected",
        },
    }
)

RULES_HELP = "rule-pack file, or a shipped pack's name (e.g. cspq-cau)"
EVENTS_HELP = "event log (.csv, .csv.gz, .parquet)"


def add_lang(parser: argparse.ArgumentParser, what: str) -> None:
    """``--lang fr|en``, French by default; ``what`` is what the language applies to."""
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE,
                        help=f"language of {what} (default: {i18n.DEFAULT_LANGUAGE})")


def add_rules(parser: argparse.ArgumentParser, *, required: bool = True,
              help: str = RULES_HELP) -> None:
    """``--rules PACK``: a rule-pack file or a shipped pack's name."""
    parser.add_argument("--rules", required=required, metavar="PACK", help=help)


def add_allow(parser: argparse.ArgumentParser) -> None:
    """``--allow DIR``: a further folder whose files a scenario may name (``extends``,
    ``rule_pack``) besides its own folder and the working directory."""
    parser.add_argument("--allow", action="append", default=[], metavar="DIR",
                        help="let scenarios read files from DIR too (extends, rule_pack); "
                        "by default only their own folder, the working directory and the "
                        "shipped packs (may be repeated)")


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """``--as-of INSTANT``: when open tickets are judged (read by :func:`as_of`)."""
    parser.add_argument("--as-of", metavar="INSTANT",
                        help="judge open tickets at this instant, ISO 8601 (local time of "
                        "the pack's zone when no offset is given); default: the last event")


def parse_instant(text: str, zone: str) -> float:
    """Epoch seconds of an ISO 8601 instant; without an offset, local time in ``zone``."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        raise CauError(
            f'--as-of: cannot read "{text}" as an instant; write e.g. 2026-04-01T00:00-04:00'
        ) from None
    if stamp is pd.NaT:
        raise CauError(f'--as-of: expected an instant such as 2026-04-01T00:00, found "{text}"')
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(zone)
    return float(stamp.timestamp())


def as_of(args: argparse.Namespace, pack: RulePack) -> float | None:
    """The ``--as-of`` instant in epoch seconds, or None when it is not given."""
    return None if args.as_of is None else parse_instant(args.as_of, pack.zone)


def whole_number(low: int, what: str = "a whole number") -> Callable[[str], int]:
    """An argument type: an integer of at least ``low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f'expected {what} of at least {low}, found "{text}"')
        return value

    return parse


def read_events(path: str, pack: RulePack, lang: str) -> EventLog:
    """The event log at ``path``, its priorities checked against ``pack``; the count of rows
    read, kept and rejected goes to stderr, so that none is lost silently."""
    from rules.eventlog import read_event_log

    log = read_event_log(path, priorities=pack.priority_codes)
    report = log.report
    if report is not None:
        print_rows_read(report, lang, sys.stderr)
        fault = report.first_fault()
        if report.rows_kept == 0 and fault is not None:
            row, reason = fault
            raise DataError(
                f"{path}: every row was rejected ({report.rows_rejected}), so there is nothing "
                f"to measure; row {row}: {reason}. Fix that row, or re-create the "
                "log with cau import (--rejects FILE lists every rejected row)"
            )
    return log


def print_rows_read(report: ReadReport, lang: str, stream: TextIO) -> None:
    """One line: the file, its rows read, kept and rejected."""
    print(i18n.message("events_read", lang, source=report.source,
                       read=formats.number(report.rows_read, lang),
                       kept=formats.number(report.rows_kept, lang),
                       rejected=formats.number(report.rows_rejected, lang)), file=stream)


def write_text(path: str | Path, text: str) -> None:
    """``text`` into ``path`` (UTF-8), atomically: a failure leaves no half-written file."""
    with atomic_target(path) as temp:
        temp.write_text(text, encoding="utf-8")
