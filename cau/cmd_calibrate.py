"""``cau calibrate EVENTS --rules PACK``: what a scenario needs, measured on a real log.

Prints the weekly arrival profile, the priority mix, the shares escalated beyond level 1,
waiting on the user and reopened, and each fitted duration law with its goodness (KS
distance, AIC), then writes (``--out``) or prints the scenario YAML fragment of
:func:`sim.calibration.fragment`, to merge into a scenario. Resolution times go into a
resolver group's ``hold`` (the clock running, nobody busy), never its ``work``: a log
gives elapsed time, not effort.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from rules import outputs
from rules.eventlog import format_instants
from rules.loader import load_rule_pack
from sim.calibration import Calibration, Share, calibrate, fragment
from sim.fitting import DurationFit

from . import cli, i18n, options
from .formats import DASH, duration, number, percent, text_table

i18n.register(
    {
        "cal_title": {
            "fr": "Calibrage de {source} (paquet {pack}) : {tickets:~dossier ouvert|dossiers "
            "ouverts} du "
            "{first} au {last}",
            "en": "Calibration of {source} (pack {pack}): {tickets:~ticket|tickets} opened from "
            "{first} to {last}",
        },
        "cal_profile": {
            "fr": "Arrivées (dossiers ouverts) par demi-heure de la semaine, forme jours × "
            "heures : écart de variation totale {distance}",
            "en": "Arrivals (tickets opened) per half-hour of the week, days × hours form: "
            "total variation distance {distance}",
        },
        "cal_days": {"fr": "  dossiers par jour : {days}", "en": "  tickets a day: {days}"},
        "cal_peak": {
            "fr": "  demi-heure de pointe : {slot} ({share} des dossiers d'une journée)",
            "en": "  peak half-hour: {slot} ({share} of a day's tickets)",
        },
        "cal_priorities": {"fr": "Priorités : {mix}", "en": "Priorities: {mix}"},
        "cal_share": {"fr": "{share} ({count} / {total})", "en": "{share} ({count} / {total})"},
        "cal_escalated": {
            "fr": "Escaladés au-delà du niveau 1 (niveau ≥ 2) : {share}",
            "en": "Escalated beyond level 1 (level ≥ 2): {share}",
        },
        "cal_no_levels": {
            "fr": "Escaladés au-delà du niveau 1 : inconnu (le journal n'a aucun niveau)",
            "en": "Escalated beyond level 1: unknown (the log records no level)",
        },
        "cal_waiting": {
            "fr": "En attente de l'utilisateur : {share} des dossiers",
            "en": "Waiting on the user: {share} of tickets",
        },
        "cal_waiting_escalated": {
            "fr": "  parmi les escaladés : {share}", "en": "  among escalated tickets: {share}",
        },
        "cal_reopened": {"fr": "Réouverts : {share} des dossiers",
                         "en": "Reopened: {share} of tickets"},
        "cal_fits": {
            "fr": "Lois ajustées (maximum de vraisemblance ; * = retenue, plus petite distance "
            "de Kolmogorov-Smirnov)",
            "en": "Fitted laws (maximum likelihood; * = chosen, smallest Kolmogorov–Smirnov "
            "distance)",
        },
        "cal_quantity": {"fr": "Durée", "en": "Duration"},
        "cal_law": {"fr": "Loi", "en": "Law"},
        "cal_n": {"fr": "n", "en": "n"},
        "cal_mean": {"fr": "Moyenne", "en": "Mean"},
        "cal_cv": {"fr": "CV", "en": "CV"},
        "cal_ks": {"fr": "KS", "en": "KS"},
        "cal_aic": {"fr": "AIC", "en": "AIC"},
        "cal_zero": {"fr": "À zéro", "en": "At zero"},
        "cal_wait_duration": {"fr": "attente (temps civil)", "en": "wait (calendar time)"},
        "cal_reopen_after": {"fr": "délai de réouverture (civil)",
                             "en": "delay to reopening (calendar)"},
        "cal_resolution": {"fr": "résolution {priority} (ouvrable)",
                           "en": "resolution {priority} (business)"},
        "cal_too_few": {"fr": "trop peu de durées", "en": "too few durations"},
        "cal_resolution_hold": {
            "fr": "Les durées de résolution vont dans le « hold » du groupe {group} (horloge "
            "qui tourne, personne d'occupé) ; son « work » (temps de travail effectif) est à "
            "vous : un journal donne le temps écoulé, pas l'effort.",
            "en": "Resolution times go into group {group}'s `hold` (the clock running, nobody "
            "busy); its `work` (hands-on time) is yours to set: a log gives elapsed time, "
            "not effort.",
        },
        "cal_written": {"fr": "Fragment de scénario écrit : {path}",
                        "en": "Scenario fragment written: {path}"},
        "cal_note_header": {
            "fr": "Fragment de scénario écrit par `cau calibrate` à partir de {source}\n"
            "(paquet {pack}, {tickets:~dossier|dossiers}). À fusionner clé par clé dans un "
            "scénario (une\n"
            "loi {{dist: …}} et un mélange de priorités remplacent ceux du scénario) ;\n"
            "chaque chiffre est mesuré sur ce journal : ajustez-le à votre centre.",
            "en": "Scenario fragment written by `cau calibrate` from {source}\n"
            "(pack {pack}, {tickets:~ticket|tickets}). Merge it key by key into a scenario (a law\n"
            "{{dist: …}} and a priority mix replace the scenario's);\n"
            "every figure is measured on that log: adjust it to your desk.",
        },
        "cal_note_profile": {
            "fr": "dossiers ouverts par demi-heure ; écart jours × heures {distance}",
            "en": "tickets opened per half-hour; days × hours distance {distance}",
        },
        "cal_note_priorities": {"fr": "part des dossiers par priorité (dernière priorité)",
                                "en": "share of tickets per priority (last priority)"},
        "cal_note_first_contact": {
            "fr": "1 − part escaladée au-delà du niveau 1 ({share})",
            "en": "1 − share escalated beyond level 1 ({share})",
        },
        "cal_note_waiting": {
            "fr": "part {among} ; durée civile de l'attente (fin : réponse ou résolution)",
            "en": "share {among}; calendar duration of the wait (ended by a reply or a "
            "resolution)",
        },
        "cal_among_escalated": {"fr": "parmi les escaladés", "en": "among escalated tickets"},
        "cal_among_all": {"fr": "parmi tous les dossiers (aucun niveau dans le journal)",
                          "en": "among all tickets (no level in the log)"},
        "cal_note_reopen": {
            "fr": "part des dossiers réouverts, délai civil résolution → réouverture ; "
            "gardez le « work » de votre scénario",
            "en": "share of tickets reopened, calendar delay resolution → reopening; keep "
            "your scenario's `work`",
        },
        "cal_note_work": {
            "fr": "work (temps de travail effectif, une personne occupée) : à vous de le "
            "fixer ; un journal donne\nle temps écoulé de l'ouverture à la résolution, pas "
            "l'effort. Gardez le « work » du scénario\n(ou déclarez-le si le groupe est "
            "nouveau, avec level, headcount et calendar).",
            "en": "work (hands-on time, a person busy): yours to set; a log gives the elapsed "
            "time from\nopening to resolution, not effort. Keep your scenario's `work` (or "
            "declare it, with\nlevel, headcount and calendar, if the group is new).",
        },
        "cal_note_hold": {
            "fr": "hold : temps ouvrable ouverture → résolution par priorité (pauses "
            "retirées), surtout de l'attente\nd'un tiers (horloge qui tourne, personne "
            "d'occupé) ; probabilité = 1 − part résolue en un temps nul.\nIl inclut aussi "
            "le travail et la file : raccourcissez-le si votre « work » est long.\n"
            "Priorités absentes du journal : gardez celles du scénario.",
            "en": "hold: business time opening → resolution per priority (pauses removed), "
            "mostly waiting on a\nthird party (the clock running, nobody busy); probability "
            "= 1 − share resolved in zero time.\nIt also includes the work and the queue: "
            "shorten it if your `work` is long.\nPriorities absent from the log: keep the "
            "scenario's.",
        },
    }
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help=cli.summary("calibrate"),
        description="Measure an event log for a scenario: weekly arrival profile, priority "
        "mix, shares escalated, waiting on the user and reopened, and duration laws "
        "(lognormal, gamma, Weibull by maximum likelihood, chosen by KS distance), each "
        "with its goodness of fit; write them as a scenario YAML fragment.",
    )
    parser.add_argument("events", metavar="EVENTS", help=options.EVENTS_HELP)
    options.add_rules(parser)
    parser.add_argument("--out", metavar="FRAGMENT.yaml",
                        help="write the scenario fragment (YAML) to this file; default: print it")
    parser.add_argument("--group", default="N2-calibre", metavar="NAME",
                        help="resolver group whose hold the resolution laws are written as "
                        "(default: N2-calibre)")
    options.add_lang(parser, "the report and the fragment's comments")
    options.add_rejects(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.out:
        outputs.claim(args.out, "yaml", "--out")
    lang = args.lang
    pack = load_rule_pack(args.rules)
    options.claim_rejects(args)
    log = options.read_events(args, pack)
    result = calibrate(log, pack, source=str(args.events))
    text = fragment(result, pack, group=args.group, notes=notes(result, lang))
    if args.out:  # written before anything is printed
        options.write_text(args.out, text)
    print(report(result, lang))
    print("\n" + i18n.message("cal_resolution_hold", lang, group=args.group))
    if args.out:
        print("\n" + i18n.message("cal_written", lang, path=args.out))
    else:
        print("\n" + text, end="")
    return 0


def _share(share: Share, lang: str) -> str:
    return i18n.message("cal_share", lang, share=percent(share.value, lang),
                        count=number(share.count, lang), total=number(share.total, lang))


def _date(instant: float, zone: str) -> str:
    return str(format_instants(np.array([instant]), zone)[0])[:10]


def report(c: Calibration, lang: str) -> str:
    """The calibration as the terminal shows it."""
    p = c.profile
    peak = int(np.argmax(p.hours))
    lines = [
        i18n.message("cal_title", lang, source=c.source, pack=c.pack,
                     tickets=number(c.tickets, lang), first=_date(c.first_opened, c.zone),
                     last=_date(c.last_opened, c.zone)),
        "",
        i18n.message("cal_profile", lang, distance=number(p.distance, lang, 3)),
        i18n.message("cal_days", lang, days=" · ".join(
            f"{day} {number(v, lang, 1)}" for day, v in zip(_day_names(lang), p.days,
                                                              strict=True))),
        i18n.message("cal_peak", lang, slot=_slot(peak) + "–" + _slot(peak + 1),
                     share=percent(p.hours[peak], lang)),
        i18n.message("cal_priorities", lang, mix=" · ".join(
            f"{code} {percent(s.value, lang)}" for code, s in c.priorities.items())),
        i18n.message("cal_escalated", lang, share=_share(c.escalated, lang))
        if c.escalated is not None else i18n.message("cal_no_levels", lang),
        i18n.message("cal_waiting", lang, share=_share(c.waiting, lang)),
    ]
    if c.waiting_escalated is not None:
        lines.append(i18n.message("cal_waiting_escalated", lang,
                                  share=_share(c.waiting_escalated, lang)))
    lines += [i18n.message("cal_reopened", lang, share=_share(c.reopened, lang)), "",
              i18n.message("cal_fits", lang)]
    rows: list[list[str]] = []
    _fit_rows(rows, i18n.message("cal_wait_duration", lang), c.waiting_duration, "", lang)
    _fit_rows(rows, i18n.message("cal_reopen_after", lang), c.reopen_after, "", lang)
    for r in c.resolution:
        if r.resolved:
            _fit_rows(rows, i18n.message("cal_resolution", lang, priority=r.priority), r.fit,
                      percent(r.zeros / r.resolved, lang), lang)
    headers = [i18n.message(f"cal_{k}", lang)
               for k in ("quantity", "law", "n", "mean", "cv", "ks", "aic", "zero")]
    lines.append(text_table(headers, rows))
    return "\n".join(lines)


def _fit_rows(rows: list[list[str]], name: str, fit: DurationFit | None, zero: str,
              lang: str) -> None:
    if fit is None:
        rows.append([name, i18n.message("cal_too_few", lang), DASH, DASH, DASH, DASH, DASH,
                     zero or DASH])
        return
    for k, f in enumerate(fit.fits):
        rows.append([name if k == 0 else "", f.family + ("*" if k == 0 else ""),
                     number(f.n, lang), duration(f.mean, lang), number(f.cv, lang, 2),
                     number(f.ks, lang, 3), number(f.aic, lang), zero if k == 0 else ""])


def _day_names(lang: str) -> list[str]:
    return i18n.message("weekdays", lang).split(",")


def _slot(halfhour: int) -> str:
    return f"{halfhour // 2 % 24:02d}:{30 * (halfhour % 2):02d}"


def notes(c: Calibration, lang: str) -> dict[str, str]:
    """The fragment's comments in ``lang``, keyed by section (see ``fragment``)."""
    among = "cal_among_escalated" if c.waiting_escalated is not None else "cal_among_all"
    escalated = percent(c.escalated.value, lang) if c.escalated is not None else DASH
    return {
        "header": i18n.message("cal_note_header", lang, source=c.source, pack=c.pack,
                               tickets=c.tickets),
        "profile": i18n.message("cal_note_profile", lang,
                                distance=number(c.profile.distance, lang, 3)),
        "priorities": i18n.message("cal_note_priorities", lang),
        "first_contact": i18n.message("cal_note_first_contact", lang, share=escalated),
        "waiting": i18n.message("cal_note_waiting", lang, among=i18n.message(among, lang)),
        "reopen": i18n.message("cal_note_reopen", lang),
        "work": i18n.message("cal_note_work", lang),
        "hold": i18n.message("cal_note_hold", lang),
    }
