"""``cau import SOURCE --mapping MAP --out EVENTS``: a ticket-tool export into the
canonical event log, through a declarative mapping.

Rows that cannot be used are counted and listed (``--rejects FILE``), never dropped
silently: rows read = rows kept + rows rejected. Every file is written atomically.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, cast

from rules import outputs
from rules.eventlog import ReadReport
from rules.importer import import_source, load_mapping, shipped_mappings
from rules.loader import DEFAULT_PACK, load_rule_pack

from . import cli, formats, i18n, options

i18n.register(
    {
        "import_written": {
            "fr": "{tickets:~dossier|dossiers}, {events:~événement écrit|événements écrits} "
            "dans {out}",
            "en": "{tickets:~ticket|tickets}, {events:~event|events} written to {out}",
        },
    }
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help=cli.summary("import"),
        description="Read an export (CSV, gzip or a zip member) through a declarative "
        "mapping and write the canonical event log (.csv, .csv.gz or .parquet). Shipped "
        "mappings: " + ", ".join(shipped_mappings()) + ".",
    )
    parser.add_argument("source", metavar="SOURCE", help="the export file")
    parser.add_argument("--mapping", required=True, metavar="MAP",
                        help="mapping YAML file, or a shipped mapping's name "
                        "(e.g. servicenow-uci)")
    parser.add_argument("--out", required=True, metavar="EVENTS",
                        help="event log to write (.csv, .csv.gz or .parquet)")
    options.add_rejects(parser)
    options.add_rules(parser, required=False,
                      help="check priority codes against this rule pack (file or shipped "
                      f"name); default: {DEFAULT_PACK}, the CAU's (a code the pack lacks "
                      "rejects its ticket here, not silently at measurement)")
    options.add_lang(parser, "the summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    outputs.claim(args.out, "event log", "--out")
    options.claim_rejects(args)
    outputs.note_input(args.source)  # before the long read: an --out over it is refused now
    mapping = load_mapping(args.mapping)
    priorities = load_rule_pack(args.rules or DEFAULT_PACK).priority_codes
    log = import_source(args.source, mapping, priorities=priorities)
    log.write(args.out)
    report = cast(ReadReport, log.report)  # import_source always sets it
    if args.rejects:
        report.write_rejects(args.rejects)
    lang = args.lang
    options.print_rows_read(report, lang, sys.stdout)
    print(i18n.message("import_written", lang, tickets=formats.number(report.tickets, lang),
                       events=formats.number(report.events, lang), out=args.out))
    options.report_rows(report, lang, args.rejects, sys.stdout, counts=False)
    return 0
