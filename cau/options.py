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

from rules import outputs
from rules.errors import CauError, DataError
from rules.outputs import atomic_target
from rules.pack import RulePack

from . import formats, i18n

if TYPE_CHECKING:  # the event log (pandas, pyarrow) is imported by the commands reading one
    from rules.eventlog import EventLog, ReadReport

i18n.register(
    {
        "events_read": {
            "fr": "{source} : {read:~ligne lue|lignes lues}, {kept:~retenue|retenues}, "
            "{rejected:~rejetée|rejetées}",
            "en": "{source}: {read:~row read|rows read}, {kept} kept, {rejected} rejected",
        },
        "rejects_written": {
            "fr": "Lignes rejetées (numéro de ligne et motif) écrites dans {path}",
            "en": "Rejected rows (line number and reason) written to {path}",
        },
        "first_rejects": {
            "fr": "Premières lignes rejetées (--rejects FICHIER pour toutes les lister) :",
            "en": "First rejected rows (--rejects FILE lists them all):",
        },
        "reject_line": {"fr": "ligne {row} : {reason}", "en": "row {row}: {reason}"},
        "rejects_more": {
            "fr": "… et {count:~autre ligne rejetée|autres lignes rejetées} (dont celles des "
            "mêmes dossiers)",
            "en": "… and {count:~other rejected row|other rejected rows} (including those of "
            "the same tickets)",
        },
    }
)

SHOWN_REJECTS = 5  # rejected rows shown when they are not written to a file
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


def add_rejects(parser: argparse.ArgumentParser) -> None:
    """``--rejects FILE.csv``: where the rows that could not be used are listed (claimed
    as an output by :func:`claim_rejects`)."""
    parser.add_argument("--rejects", metavar="FILE.csv",
                        help="write the rejected rows, with row number and reason (CSV)")


def claim_rejects(args: argparse.Namespace) -> None:
    """Check ``--rejects`` before any work, as every output option is (rules.outputs)."""
    if args.rejects:
        outputs.claim(args.rejects, "csv", "--rejects")


def read_events(args: argparse.Namespace, pack: RulePack) -> EventLog:
    """The event log ``args.events``, its priorities checked against ``pack``. The rows
    read, kept and rejected go to stderr with the first rejected rows and their reasons
    (or all of them into ``args.rejects``), so that none is lost silently; a log with no
    usable row is an error."""
    from rules.eventlog import read_event_log

    path, lang = args.events, args.lang
    log = read_event_log(path, priorities=pack.priority_codes)
    report = log.report
    if report is None:
        return log
    if args.rejects:  # the file first, then what is printed
        report.write_rejects(args.rejects)
    fault = report.first_fault()
    none_kept = report.rows_kept == 0 and fault is not None  # the error names the first
    report_rows(report, lang, args.rejects, sys.stderr, shown=not none_kept)
    if report.rows_read == 0:
        raise DataError(f"{path}: has a header line and no event, so there is nothing to "
                        "measure")
    if none_kept and fault is not None:
        row, reason = fault
        raise DataError(
            f"{path}: every row was rejected ({report.rows_rejected}), so there is nothing "
            f"to measure; row {row}: {reason}. Fix that row, or re-create the "
            "log with cau import (--rejects FILE lists every rejected row)"
        )
    return log


def report_rows(report: ReadReport, lang: str, rejects: str | None, stream: TextIO, *,
                counts: bool = True, shown: bool = True) -> None:
    """The rows read, kept and rejected (with ``counts``); then where the rejected rows
    were written (``rejects``), or (with ``shown``) the first :data:`SHOWN_REJECTS` of
    them with their reasons."""
    if counts:
        print_rows_read(report, lang, stream)
    if rejects:
        print(i18n.message("rejects_written", lang, path=rejects), file=stream)
    elif report.rows_rejected and shown:
        print(i18n.message("first_rejects", lang), file=stream)
        first = report.faults().head(SHOWN_REJECTS)
        for row, reason in first.itertuples(index=False):
            print("  " + i18n.message("reject_line", lang, row=row, reason=reason), file=stream)
        more = report.rows_rejected - len(first)
        if more:
            print("  " + i18n.message("rejects_more", lang, count=formats.number(more, lang)),
                  file=stream)


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
