"""``cau measure EVENTS --rules PACK``: compliance per month and target of an event log.

The event log (CSV or Parquet, canonical columns) is read with its row checks; rows
that cannot be used are counted and named, never dropped silently. The tables are
printed (French headers by default) or written as CSV or JSON; every file is written
atomically (temporary file + rename).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rules import outputs
from rules.errors import CauError
from rules.eventlog import format_instants
from rules.loader import load_rule_pack
from rules.measure import Measurement, measure
from rules.pack import RulePack

from . import cli, i18n, options
from .formats import DASH, goal_percent, month_name, number, percent, points, text_table

i18n.register(
    {
        "measure_month": {"fr": "Mois {month}", "en": "Month {month}"},
        "measure_target": {"fr": "Cible", "en": "Target"},
        "measure_counted": {"fr": "Comptés", "en": "Counted"},
        "measure_met": {"fr": "Respectés", "en": "Met"},
        "measure_compliance": {"fr": "Conformité", "en": "Compliance"},
        "measure_goal": {"fr": "Objectif", "en": "Goal"},
        "measure_goal_met": {"fr": "Atteint", "en": "Goal met"},
        "measure_margin": {"fr": "Marge", "en": "Margin"},
        "measure_breached_open": {"fr": "Ouverts hors délai", "en": "Breached, still open"},
        "measure_yes": {"fr": "oui", "en": "yes"},
        "measure_no": {"fr": "non", "en": "no"},
        "measure_counts": {
            "fr": "{tickets:~dossier|dossiers} ({resolved:~résolu|résolus}, "
            "{open:~ouvert|ouverts}), {calls:~appel|appels} ; "
            "jugés au {as_of}",
            "en": "{tickets:~ticket|tickets} ({resolved} resolved, {open} open), "
            "{calls:~call|calls}; "
            "judged at {as_of}",
        },
        "measure_after": {
            "fr": "{count:~événement postérieur à cet instant laissé|événements postérieurs à "
            "cet instant laissés} de côté",
            "en": "{count:~event|events} after that instant left out",
        },
        "measure_written": {"fr": "Écrit : {path}", "en": "Written: {path}"},
        "measure_across": {"fr": "Conformité par mois", "en": "Compliance by month"},
        "measure_across_note": {"fr": "✘ : objectif manqué ce mois-là.",
                                "en": "✘: goal missed that month."},
    }
)

FORMATS: tuple[str, ...] = ("table", "csv", "json", "xlsx")
# what --out receives
KIND_OF_FORMAT = {"table": outputs.TEXT, "csv": "csv", "json": "json", "xlsx": "xlsx"}
# The per-ticket file: the columns the brief names, instants in local ISO 8601.
TICKET_COLUMNS: tuple[str, ...] = (
    "id", "target", "priority", "opened", "resolved", "month", "elapsed", "threshold",
    "deadline", "met", "open",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "measure",
        help=cli.summary("measure"),
        description="Judge every ticket and call of an event log against the rule pack's "
        "targets: per month and target, tickets counted, met, compliance, goal, margin "
        "and tickets still open past their deadline.",
    )
    parser.add_argument("events", metavar="EVENTS", help=options.EVENTS_HELP)
    options.add_rules(parser)
    parser.add_argument("--format", choices=FORMATS,
                        help="output: aligned tables, CSV, JSON or a workbook (xlsx: a sheet "
                        "per month and target and one of targets × months; needs --out "
                        "FILE.xlsx) (default: as --out's suffix says; otherwise tables)")
    parser.add_argument("--tickets", metavar="FILE.csv",
                        help="also write the per-ticket results to FILE.csv")
    parser.add_argument("--out", metavar="FILE", help="write the output to FILE, not stdout")
    options.add_lang(parser, "the tables")
    options.add_as_of(parser)
    options.add_rejects(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    form = output_format(args.format, args.out)
    if form == "xlsx" and not args.out:
        raise CauError("--format xlsx writes a workbook: give it a file, --out FILE.xlsx")
    if args.out:
        outputs.claim(args.out, KIND_OF_FORMAT[form], "--out")
    if args.tickets:
        outputs.claim(args.tickets, "csv", "--tickets")
    pack = load_rule_pack(args.rules)
    as_of = options.as_of(args, pack)
    options.claim_rejects(args)
    log = options.read_events(args, pack)
    result = measure(log, pack, as_of=as_of)
    if args.tickets:
        write_tickets(result, Path(args.tickets))
        print(i18n.message("measure_written", args.lang, path=args.tickets), file=sys.stderr)
    if form == "xlsx":
        write_workbook(result, pack, args.out, args.lang)
        print(i18n.message("measure_written", args.lang, path=args.out), file=sys.stderr)
        return 0
    text = render(result, pack, form, args.lang)
    if args.out:
        options.write_text(args.out, text)
        print(i18n.message("measure_written", args.lang, path=args.out), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def output_format(form: str | None, out: str | None) -> str:
    """``--format``, or the one ``--out``'s suffix names (.csv, .json), else tables; a
    ``--format`` that another suffix contradicts is an error."""
    named = next((f for f in ("csv", "json", "xlsx") if out and out.lower().endswith(f".{f}")),
                 None)
    if form is None:
        return named or "table"
    if named is not None and named != form:
        raise CauError(
            f"--out {out} names {named.upper()} but --format {form} was asked; "
            f"drop --format, or name the file for {form}"
        )
    return form


def render(result: Measurement, pack: RulePack, form: str, lang: str) -> str:
    """The monthly results as aligned tables, CSV or JSON."""
    if form == "csv":
        return outputs.csv_text(result.monthly)
    if form == "json":
        document = {
            "rules": pack.id,
            "as_of": str(format_instants(np.array([result.as_of]), result.zone)[0]),
            "zone": result.zone,
            "reconciliation": result.reconciliation,
            "monthly": json.loads(
                result.monthly.to_json(orient="records", double_precision=6)
            ),
        }
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    return tables(result, pack, lang) + "\n"


def tables(result: Measurement, pack: RulePack, lang: str) -> str:
    """One table per month, the pack's targets in its order, then the counts read."""
    names = {t.id: t.name.get(lang) for t in pack.targets}
    headers = [i18n.message(f"measure_{key}", lang) for key in (
        "target", "counted", "met", "compliance", "goal", "goal_met", "margin",
        "breached_open")]
    blocks = []
    for month, rows in result.monthly.groupby("month", sort=True):
        body = [_row(r, names, lang) for r in rows.to_dict("records")]
        blocks.append(i18n.message("measure_month", lang, month=month) + "\n"
                      + text_table(headers, body))
    if result.monthly["month"].nunique() > 1:
        blocks.append(across_months_text(result.monthly, names, lang))
    counts = result.reconciliation
    as_of = str(format_instants(np.array([result.as_of]), result.zone)[0])
    footer = i18n.message("measure_counts", lang, tickets=counts.get("tickets", 0),
                          resolved=counts.get("tickets_resolved", 0),
                          open=counts.get("tickets_open", 0), calls=counts.get("calls", 0),
                          as_of=as_of)
    if counts.get("events_after_as_of"):
        footer += "\n" + i18n.message("measure_after", lang, count=counts["events_after_as_of"])
    return "\n\n".join([*blocks, footer])


def across_months(monthly: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Compliance of each target (rows, in ``order``) in each month (columns)."""
    table = monthly.pivot_table(index="target", columns="month", values="compliance",
                                aggfunc="first", dropna=False, sort=True)
    return table.reindex([t for t in order if t in table.index]).reset_index().rename_axis(
        columns=None)


def across_months_text(monthly: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """Targets × months: compliance, a mark where the goal was missed."""
    goal_met = monthly.set_index(["target", "month"])["goal_met"]
    table = across_months(monthly, list(names))
    months = [c for c in table.columns if c != "target"]
    body = []
    for r in table.to_dict("records"):
        cells = []
        for month in months:
            met = goal_met.get((r["target"], month), pd.NA)
            mark = "" if met is pd.NA or pd.isna(met) or bool(met) else " ✘"
            cells.append(percent(r[month], lang) + mark)
        body.append([names.get(r["target"], r["target"]), *cells])
    headers = [i18n.message("measure_target", lang),
               *(month_name(str(m), lang, short=True) + " " + str(m)[:4] for m in months)]
    return (i18n.message("measure_across", lang) + "\n" + text_table(headers, body) + "\n"
            + i18n.message("measure_across_note", lang))


def write_workbook(result: Measurement, pack: RulePack, path: str, lang: str) -> None:
    """The monthly table and the table across months as a workbook, atomically."""
    from . import workbook

    table = across_months(result.monthly, [t.id for t in pack.targets])
    sheets = {"monthly": workbook.Sheet(result.monthly),
              "months": workbook.Sheet(table, {c: workbook.PERCENT for c in table.columns
                                               if c != "target"})}
    meta = {"rules": pack.id, "zone": result.zone,
            "as_of": str(format_instants(np.array([result.as_of]), result.zone)[0]),
            **{k: v for k, v in result.reconciliation.items()}}
    workbook.write(path, sheets, lang, meta)


def _row(r: dict[Any, Any], names: dict[str, str], lang: str) -> list[str]:
    goal_met = r["goal_met"]
    reached = DASH if goal_met is None or goal_met is pd.NA else i18n.message(
        "measure_yes" if goal_met else "measure_no", lang)
    return [
        names.get(r["target"], r["target"]),
        number(r["counted"], lang),
        number(r["met"], lang),
        percent(r["compliance"], lang),
        goal_percent(r["goal"], lang),
        reached,
        points(r["margin"], lang),
        number(r["breached_open"], lang),
    ]


def write_tickets(result: Measurement, path: Path) -> None:
    """Per ticket per target, instants as local ISO 8601 with offset (empty when open)."""
    table = result.tickets.loc[:, list(TICKET_COLUMNS)].copy()
    for column in ("opened", "resolved", "deadline"):
        values = table[column].to_numpy(np.float64)
        shown = np.full(values.size, "", dtype=object)
        known = ~np.isnan(values)
        shown[known] = format_instants(values[known], result.zone)
        table[column] = shown
    outputs.write_csv(table, path)
