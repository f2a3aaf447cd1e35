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
from rules.loader import load_rule_pack

from . import cli, formats, i18n, options

i18n.register(
    {
        "import_written": {
            "fr": "{tickets} dossiers, {events} événements écrits dans {out}",
            "en": "{tickets} tickets, {events} events written to {out}",
        },
        "import_rejects_written": {
            "fr": "Lignes rejetées (numéro de ligne et motif) écrites dans {path}",
            "en": "Rejected rows (line number and reason) written to {path}",
        },
        "import_first_rejects": {
            "fr": "Premières lignes rejetées (--rejects FICHIER pour toutes les lister) :",
            "en": "First rejected rows (--rejects FILE lists them all):",
        },
        "import_line": {"fr": "ligne {row} : {reason}", "en": "row {row}: {reason}"},
    }
)
SHOWN_REJECTS = 5


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
    parser.add_argument("--rejects", metavar="FILE.csv",
                        help="write the rejected rows, with row number and reason (CSV)")
    options.add_rules(parser, required=False,
                      help="check priority codes against this rule pack (file or shipped "
                      "name, e.g. cspq-cau); default: any code is accepted")
    options.add_lang(parser, "the summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    outputs.claim(args.out, "event log", "--out")
    if args.rejects:
        outputs.claim(args.rejects, "csv", "--rejects")
    outputs.note_input(args.source)  # before the long read: an --out over it is refused now
    mapping = load_mapping(args.mapping)
    priorities = load_rule_pack(args.rules).priority_codes if args.rules else None
    log = import_source(args.source, mapping, priorities=priorities)
    log.write(args.out)
    report = cast(ReadReport, log.report)  # import_source always sets it
    if args.rejects:
        report.write_rejects(args.rejects)
    lang = args.lang
    options.print_rows_read(report, lang, sys.stdout)
    print(i18n.message("import_written", lang, tickets=formats.number(report.tickets, lang),
                       events=formats.number(report.events, lang), out=args.out))
    if args.rejects:
        print(i18n.message("import_rejects_written", lang, path=args.rejects))
    elif report.rows_rejected:
        print(i18n.message("import_first_rejects", lang))
        for row, reason in report.rejects[["row", "reason"]].head(SHOWN_REJECTS).itertuples(
            index=False
        ):
            print("  " + i18n.message("import_line", lang, row=row, reason=reason))
    return 0
