"""The monthly dashboard ("tableau de bord") the CAU sends its clients.

From a :class:`rules.measure.Measurement`, one self-contained HTML page (CSS inline,
figures embedded as base64 PNG, no script, no external resource) and each figure as
a PNG file. Everything is rendered in memory first and each file is then written
atomically, so an error never leaves a half-written page. A figure whose data the
log lacks (a ticket export has no calls) is left out with a note saying why.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from matplotlib.figure import Figure

from rules.errors import CauError
from rules.measure import Measurement
from rules.outputs import write_files
from rules.pack import AnswerTimeTarget, FirstContactTarget, RulePack, Target

from . import i18n, plots
from .formats import DASH, duration, goal_percent, month_name, number, percent, points

i18n.register(
    {
        "dash_file": {"fr": "tableau-de-bord", "en": "dashboard"},
        "dash_title": {
            "fr": "Tableau de bord du CAU — {month}",
            "en": "CAU dashboard — {month}",
        },
        "dash_subtitle": {
            "fr": "{pack} · règles version {version} · journal du {first} au {last} (premier "
            "et dernier événement)",
            "en": "{pack} · rules version {version} · log from {first} to {last} (first and "
            "last event)",
        },
        "dash_judged": {
            "fr": " · dossiers ouverts jugés au {as_of}",
            "en": " · open tickets judged at {as_of}",
        },
        "dash_starts": {"fr": "le journal commence le {date}", "en": "the log starts on {date}"},
        "dash_ends": {"fr": "le journal s'arrête le {date}", "en": "the log ends on {date}"},
        "dash_partial_month": {
            "fr": "Mois incomplet : {reason} ; les chiffres de {month} n'en couvrent qu'une "
            "partie.",
            "en": "Partial month: {reason}; the figures of {month} cover only part of it.",
        },
        "dash_partial_trend": {
            "fr": "Mois incomplets (points creux, barres hachurées) : {months}.",
            "en": "Partial months (hollow points, hatched bars): {months}.",
        },
        "dash_simulated_title": {
            "fr": "Tableau de bord prévu du CAU — {month} (simulation)",
            "en": "Predicted CAU dashboard — {month} (simulation)",
        },
        "dash_simulated": {
            "fr": "Mois simulé, non mesuré : ces chiffres sont ceux d'une réplication du "
            "simulateur (scénario « {scenario} »{settings}, réplication {replication}, "
            "germe {seed}), pas des données réelles. Une réplication est un mois possible "
            "parmi d'autres : cau simulate donne la moyenne, l'intervalle de confiance et la "
            "probabilité d'atteindre chaque objectif.",
            "en": "A simulated month, not a measured one: these figures come from one "
            "replication of the simulator (scenario \"{scenario}\"{settings}, replication "
            "{replication}, seed {seed}), not from real data. One replication is one possible "
            "month among others: cau simulate gives the mean, the confidence interval and the "
            "probability of meeting each goal.",
        },
        "dash_simulated_settings": {"fr": ", avec {settings}", "en": ", with {settings}"},
        "dash_summary": {"fr": "Sommaire du mois", "en": "Summary of the month"},
        "dash_target": {"fr": "Cible", "en": "Target"},
        "dash_rule": {"fr": "Règle", "en": "Rule"},
        "dash_counted": {"fr": "Comptés", "en": "Counted"},
        "dash_met": {"fr": "Conformes", "en": "Met"},
        "dash_compliance": {"fr": "Conformité", "en": "Compliance"},
        "dash_goal": {"fr": "Objectif", "en": "Goal"},
        "dash_margin": {"fr": "Écart", "en": "Margin"},
        "dash_breached_open": {
            "fr": "Hors délai, encore ouverts",
            "en": "Breached, still open",
        },
        "dash_status": {"fr": "Résultat", "en": "Result"},
        "dash_status_met": {"fr": "✔ atteint", "en": "✔ met"},
        "dash_status_missed": {"fr": "✘ manqué", "en": "✘ missed"},
        "dash_status_none": {"fr": "— aucune donnée", "en": "— no data"},
        "dash_rule_resolution": {
            "fr": "rétablir en {threshold} ou moins ({calendar})",
            "en": "restore within {threshold} ({calendar})",
        },
        "dash_rule_answer": {
            "fr": "répondre en {threshold} ou moins",
            "en": "answer within {threshold}",
        },
        "dash_rule_first_contact": {
            "fr": "résolus au premier contact",
            "en": "resolved at first contact",
        },
        "dash_provisional": {
            "fr": "Les objectifs sont des cibles en cours d'ajustement ; ils peuvent changer "
            "d'un mois à l'autre.",
            "en": "The goals are targets under adjustment; they may change from month to month.",
        },
        "dash_margin_note": {
            "fr": "Écart : conformité moins objectif, en points de pourcentage. Hors délai, "
            "encore ouverts : billets non résolus {judged} et déjà au-delà de leur seuil.",
            "en": "Margin: compliance minus goal, in percentage points. Breached, still "
            "open: tickets unresolved {judged} and already past their threshold.",
        },
        "dash_judged_month_end": {"fr": "à la fin du mois", "en": "at the end of the month"},
        "dash_judged_at": {"fr": "au {date}", "en": "at {date}"},
        "dash_fig_compliance": {
            "fr": "Conformité mensuelle par cible, jusqu'à {month}",
            "en": "Monthly compliance per target, up to {month}",
        },
        "dash_fig_restoration_times": {
            "fr": "Temps de rétablissement des billets résolus en {month}",
            "en": "Restoration time of the tickets resolved in {month}",
        },
        "dash_fig_service_level_by_halfhour": {
            "fr": "Réponse aux appels en {month}, par demi-heure de la semaine",
            "en": "Call answering in {month}, per half-hour of the week",
        },
        "dash_fig_volumes": {
            "fr": "Volumes par mois, jusqu'à {month}",
            "en": "Volumes per month, up to {month}",
        },
        "dash_cap_compliance": {
            "fr": "Ligne pointillée : objectif. Rond bleu : objectif atteint ; croix "
            "orange : objectif manqué. Un mois sans billet compté est laissé vide.",
            "en": "Dashed line: goal. Blue dot: goal met; orange cross: goal missed. "
            "A month with nothing counted is left blank.",
        },
        "dash_cap_restoration_times": {
            "fr": "Part cumulée des billets résolus selon le temps écoulé (horloge de la "
            "cible, attente de l'utilisateur exclue), en échelle logarithmique pour montrer "
            "à la fois le seuil et les délais les plus longs ; au bord gauche, la part "
            "résolue en moins d'un vingtième du seuil. Trait vertical : seuil ; la hauteur "
            "de la courbe au seuil est la conformité.",
            "en": "Cumulative share of resolved tickets by elapsed time (the target's "
            "clock, waiting on the user excluded), on a logarithmic scale to show both the "
            "threshold and the longest times; at the left edge, the share resolved within a "
            "twentieth of the threshold. Vertical line: threshold; the curve's height at the "
            "threshold is the compliance.",
        },
        "dash_cap_service_level_by_halfhour": {
            "fr": "Appels répondus en {threshold} ou moins, sur les appels comptés de "
            "chaque demi-heure (heures d'ouverture seulement).",
            "en": "Calls answered within {threshold} over the calls counted in each "
            "half-hour (opening hours only).",
        },
        "dash_cap_volumes": {
            "fr": "Billets selon leur mois d'ouverture ; appels selon leur mois de mise "
            "en file.",
            "en": "Tickets by month opened; calls by month queued.",
        },
        "dash_omitted": {"fr": "Figure omise : {reason}", "en": "Figure left out: {reason}"},
        "dash_no_calls": {
            "fr": "le journal ne contient aucun appel (un export de billets n'en a pas).",
            "en": "the log holds no calls (a ticket export has none).",
        },
        "dash_no_answer_target": {
            "fr": "le paquet de règles n'a pas de cible de réponse aux appels.",
            "en": "the rule pack has no answer-time target.",
        },
        "dash_no_calls_counted": {
            "fr": "aucun appel compté en {month}.",
            "en": "no call counted in {month}.",
        },
        "dash_no_resolved": {
            "fr": "aucun billet résolu en {month}.",
            "en": "no ticket resolved in {month}.",
        },
        "dash_no_counted": {
            "fr": "aucune cible n'a de donnée dans le journal.",
            "en": "no target has data in the log.",
        },
        "dash_no_volumes": {
            "fr": "le journal ne contient ni billet ni appel.",
            "en": "the log holds neither tickets nor calls.",
        },
        "dash_targets_without_data": {
            "fr": "Cibles sans aucune donnée dans le journal, non tracées : {targets}.",
            "en": "Targets with no data in the log, not drawn: {targets}.",
        },
    }
)

# Figures of the page, in page order (also the PNG file names, after the month).
FIGURES: tuple[str, ...] = (
    "compliance",
    "restoration_times",
    "service_level_by_halfhour",
    "volumes",
)
TREND_MONTHS = 12  # trend figures show the twelve months ending with the dashboard's month
PARTIAL_MARGIN = 3 * 86400  # a month whose first or last three days the log lacks is partial

STYLE = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a;
       max-width: 1240px; margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.35em 0.5em; }
th { background: #f0f3f7; text-align: left; }
td.num { text-align: right; white-space: nowrap; }
td.met { color: #005a8c; font-weight: bold; white-space: nowrap; }
td.missed { color: #a33a00; font-weight: bold; white-space: nowrap; background: #fdf0e8; }
td.none { color: #777; white-space: nowrap; }
.rule { color: #555; font-size: 0.9em; font-weight: normal; }
.note { color: #444; font-size: 0.9em; }
.omitted { border-left: 4px solid #E69F00; padding: 0.4em 0.8em; background: #fff8e8; }
.simulation { border: 2px solid #CC79A7; padding: 0.6em 0.9em; background: #fbf0f6;
              font-weight: bold; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.9em; }
"""


@dataclass(frozen=True)
class Dashboard:
    """A rendered dashboard: the page, each figure's PNG, and why any figure is missing."""

    month: str
    lang: str
    html: str
    figures: dict[str, bytes]
    omitted: dict[str, str]

    def file_names(self) -> dict[str, str]:
        """File name of the page (``"page"``) and of each figure drawn."""
        names = {"page": f"{i18n.message('dash_file', self.lang)}-{self.month}.html"}
        names.update({name: f"{self.month}-{name}.png" for name in self.figures})
        return names

    def write(self, out: str | Path) -> list[Path]:
        """The page and the PNGs into ``out`` (created), renamed into place once all are
        written, so a failure while writing (disk full) leaves the previous files untouched."""
        contents = {"page": self.html.encode("utf-8"), **self.figures}
        return write_files(out, {name: contents[key] for key, name in self.file_names().items()})


def select_month(monthly: pd.DataFrame, month: str | None) -> str:
    """``month`` if the measurement has it; by default the last month with anything counted
    (or the last month of all when nothing was)."""
    months = sorted(monthly["month"].unique())
    if not months:
        raise CauError("the event log holds no measured event: there is no month to report")
    if month is not None:
        if month not in months:
            raise CauError(
                f"month {month} is not in the event log; expected one of {', '.join(months)}"
            )
        return month
    counted = monthly.loc[monthly["counted"] > 0, "month"]
    return str(counted.max()) if len(counted) else str(months[-1])


def halfhour_levels(calls: pd.DataFrame, target: str, month: str) -> pd.DataFrame:
    """Per half-hour of the week, the calls of ``target`` queued in ``month``:
    ``offered``, ``counted``, ``met`` and ``service_level`` (met / counted, NaN if none)."""
    mine = calls[(calls["target"] == target) & (calls["month"] == month)]
    counted = mine["counted"].astype(bool)
    met = counted & mine["met"].astype(bool)
    table = pd.DataFrame(
        {
            "offered": mine.groupby("halfhour").size(),
            "counted": counted.groupby(mine["halfhour"]).sum(),
            "met": met.groupby(mine["halfhour"]).sum(),
        }
    ).rename_axis("halfhour").reset_index()
    table["service_level"] = table["met"] / table["counted"].where(table["counted"] > 0)
    return table


def build_dashboard(
    measurement: Measurement, pack: RulePack, *, month: str | None = None, lang: str = "fr",
    simulation: Mapping[str, Any] | None = None,
) -> Dashboard:
    """Render the dashboard of ``month`` (default: the latest) in memory. ``simulation``
    is the provenance of a simulated log (:mod:`cau.simulated_logs`): the page then says,
    in its title and at its top, that the month is predicted, not measured."""
    i18n.message("dash_file", lang)  # an unknown language fails here, before any drawing
    month = select_month(measurement.monthly, month)
    names = {t.id: t.name.get(lang) for t in pack.targets}
    figures: dict[str, bytes] = {}
    omitted: dict[str, str] = {}
    notes: dict[str, str] = {}
    builders: dict[str, Callable[[], Figure | str]] = {
        "compliance": lambda: _compliance(measurement, pack, month, lang, names, notes),
        "restoration_times": lambda: _restoration(measurement, pack, month, lang, names),
        "service_level_by_halfhour": lambda: _halfhours(measurement, pack, month, lang),
        "volumes": lambda: _volumes(measurement, pack, month, lang, notes),
    }
    for name in FIGURES:
        drawn = builders[name]()
        if isinstance(drawn, str):
            omitted[name] = drawn
        else:
            figures[name] = _png(drawn)
    page = _page(measurement, pack, month, lang, names, figures, omitted, notes, simulation)
    return Dashboard(month=month, lang=lang, html=page, figures=figures, omitted=omitted)


# -- figures: each returns a Figure, or the reason it is left out ------------------------
def _trend_months(months_with_data: Iterable[str], month: str) -> list[str]:
    """The months a trend shows: from the first with data (no run of empty months before
    it) to the dashboard's month, at most :data:`TREND_MONTHS`."""
    shown = sorted({m for m in months_with_data if m <= month} | {month})
    first = shown[0]
    every = [f"{y:04d}-{m:02d}" for y in range(int(first[:4]), int(month[:4]) + 1)
             for m in range(1, 13)]
    return [m for m in every if first <= m <= month][-TREND_MONTHS:]


def partial_months(measurement: Measurement) -> dict[str, str]:
    """The months the log covers only in part (``"starts"`` or ``"ends"`` within them),
    from its first and last event (``Measurement.span``): a log starting on 29 February
    makes February partial. A few days' margin (:data:`PARTIAL_MARGIN`) lets a log start
    on the first working day."""
    first, last = measurement.span
    zone = ZoneInfo(measurement.zone)
    partial: dict[str, str] = {}
    for month in (_month_of(first, zone), _month_of(last, zone)):
        start = datetime.fromisoformat(f"{month}-01").replace(tzinfo=zone).timestamp()
        if first > start + PARTIAL_MARGIN:
            partial[month] = "starts"
        elif last < _month_end(month, zone) - PARTIAL_MARGIN:
            partial[month] = "ends"
    return partial


def _month_end(month: str, zone: ZoneInfo) -> float:
    """The instant a month ends (the next one starts), local time of ``zone``."""
    start = datetime.fromisoformat(f"{month}-01").replace(tzinfo=zone)
    return (start + timedelta(days=32)).replace(day=1).timestamp()


def _month_of(instant: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(instant, zone).strftime("%Y-%m")


def _compliance(measurement: Measurement, pack: RulePack, month: str, lang: str,
                names: dict[str, str], notes: dict[str, str]) -> Figure | str:
    monthly = measurement.monthly
    months = _trend_months(monthly.loc[monthly["counted"] > 0, "month"], month)
    trend = monthly[monthly["month"].isin(months)]
    counted = trend.groupby("target")["counted"].sum()
    with_data = [t.id for t in pack.targets if counted.get(t.id, 0) > 0]
    without = [names[t.id] for t in pack.targets if t.id not in with_data]
    if not with_data:
        return i18n.message("dash_no_counted", lang)
    if without:
        notes["compliance"] = i18n.message(
            "dash_targets_without_data", lang, targets=", ".join(without)
        )
    _note_partial(notes, "compliance", measurement, months, lang)
    return plots.compliance_by_month(trend[trend["target"].isin(with_data)], names, lang,
                                     partial=partial_months(measurement))


def _restoration(measurement: Measurement, pack: RulePack, month: str, lang: str,
                 names: dict[str, str]) -> Figure | str:
    tickets = measurement.tickets
    resolved = tickets[(tickets["month"] == month) & ~tickets["open"].astype(bool)]
    if not len(resolved):
        return i18n.message("dash_no_resolved", lang, month=month_name(month, lang))
    goals = {t.id: t.goal for t in pack.targets}
    return plots.restoration_times(resolved, names, lang, goals=goals)


def _answer_target(pack: RulePack) -> AnswerTimeTarget | None:
    targets = [t for t in pack.targets if isinstance(t, AnswerTimeTarget)]
    return targets[0] if targets else None


def _halfhours(measurement: Measurement, pack: RulePack, month: str, lang: str
               ) -> Figure | str:
    target = _answer_target(pack)
    if target is None:
        return i18n.message("dash_no_answer_target", lang)
    if not len(measurement.calls):
        return i18n.message("dash_no_calls", lang)
    levels = halfhour_levels(measurement.calls, target.id, month)
    if not levels["counted"].sum():
        return i18n.message("dash_no_calls_counted", lang, month=month_name(month, lang))
    return plots.service_level_by_halfhour(levels, target.goal, lang, target.name.get(lang))


def _volumes(measurement: Measurement, pack: RulePack, month: str, lang: str,
             notes: dict[str, str]) -> Figure | str:
    volumes = measurement.volumes
    busy = volumes.loc[(volumes["tickets"] > 0) | (volumes["calls"] > 0), "month"]
    months = _trend_months(busy, month)
    volumes = volumes[volumes["month"].isin(months)]
    if not (volumes["tickets"].sum() or volumes["calls"].sum()):
        return i18n.message("dash_no_volumes", lang)
    # every month of the trend has its bar, even a month with nothing opened
    empty = pd.DataFrame({"month": [m for m in months if m not in set(volumes["month"])],
                          "channel": "", "priority": "", "tickets": 0, "calls": 0})
    volumes = pd.concat([volumes, empty], ignore_index=True) if len(empty) else volumes
    catalogue = pack.catalogue
    channels = {} if catalogue is None else {
        code: text.get(lang) for code, text in catalogue.channels.items()
    }
    _note_partial(notes, "volumes", measurement, months, lang)
    return plots.volumes_by_month(volumes, lang, channels, pack.priority_codes,
                                  partial=partial_months(measurement))


def _note_partial(notes: dict[str, str], figure: str, measurement: Measurement,
                  months: list[str], lang: str) -> None:
    """Say which months of a trend the log covers only in part, and why."""
    shown = [m for m in partial_months(measurement) if m in months]
    if not shown:
        return
    text = i18n.message("dash_partial_trend", lang, months=", ".join(
        f"{month_name(m, lang)} ({_partial_reason(measurement, m, lang)})" for m in shown))
    notes[figure] = f"{notes[figure]} {text}" if figure in notes else text


def _partial_reason(measurement: Measurement, month: str, lang: str) -> str:
    """"le journal commence le 29 février 2016" / "the log ends on May 22, 2012"."""
    where = partial_months(measurement).get(month)
    instant = measurement.span[0] if where == "starts" else measurement.span[1]
    moment = datetime.fromtimestamp(instant, ZoneInfo(measurement.zone))
    return i18n.message(f"dash_{where}", lang, date=_day(moment, lang))


def _png(figure: Figure) -> bytes:
    return plots.png(figure, dpi=100)


# -- the page ---------------------------------------------------------------------------
def _rule(target: Target, pack: RulePack, lang: str) -> str:
    """What the target asks, in a few words: "rétablir en 10 h ou moins (jours ouvrables)"."""
    if isinstance(target, FirstContactTarget):
        return i18n.message("dash_rule_first_contact", lang)
    threshold = duration(target.threshold, lang)
    if isinstance(target, AnswerTimeTarget):
        return i18n.message("dash_rule_answer", lang, threshold=threshold)
    names = pack.calendar_names
    calendar = names[target.calendar].get(lang) if target.calendar in names else target.calendar
    return i18n.message("dash_rule_resolution", lang, threshold=threshold, calendar=calendar)


def _summary_rows(monthly: pd.DataFrame, pack: RulePack, month: str, lang: str,
                  names: dict[str, str]) -> list[str]:
    rows_of = monthly[monthly["month"] == month].set_index("target")
    rows: list[str] = []
    for target in pack.targets:
        if target.id not in rows_of.index:
            continue
        r = rows_of.loc[target.id]
        goal_met = r["goal_met"]
        if pd.isna(goal_met):
            status, css = "dash_status_none", "none"
        elif bool(goal_met):
            status, css = "dash_status_met", "met"
        else:
            status, css = "dash_status_missed", "missed"
        cells = [
            f'<th scope="row">{_e(names[target.id])}<br>'
            f'<span class="rule">{_e(_rule(target, pack, lang))}</span></th>',
            _num(number(r["counted"], lang)),
            _num(number(r["met"], lang)),
            _num(percent(r["compliance"], lang)),
            _num(goal_percent(r["goal"], lang)),
            _num(points(r["margin"], lang)),
            _num(number(r["breached_open"], lang)),
            f'<td class="{css}">{_e(i18n.message(status, lang))}</td>',
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return rows


def _page(measurement: Measurement, pack: RulePack, month: str, lang: str,
          names: dict[str, str], figures: dict[str, bytes], omitted: dict[str, str],
          notes: dict[str, str], simulation: Mapping[str, Any] | None = None) -> str:
    m = i18n.message
    title = m("dash_title" if simulation is None else "dash_simulated_title", lang,
              month=month_name(month, lang))
    zone = ZoneInfo(measurement.zone)
    first, last = (datetime.fromtimestamp(t, zone) for t in measurement.span)
    subtitle = m("dash_subtitle", lang, pack=pack.name.get(lang), version=pack.version,
                 first=_day(first, lang), last=_day(last, lang))
    if measurement.as_of != measurement.span[1]:  # --as-of: open tickets judged elsewhen
        subtitle += m("dash_judged", lang,
                      as_of=_date(datetime.fromtimestamp(measurement.as_of, zone), lang))
    judged = m("dash_judged_month_end", lang) if _month_end(
        month, zone) <= measurement.as_of else m("dash_judged_at", lang, date=_date(
            datetime.fromtimestamp(measurement.as_of, zone), lang))
    headers = ["dash_target", "dash_counted", "dash_met", "dash_compliance", "dash_goal",
               "dash_margin", "dash_breached_open", "dash_status"]
    head = "".join(f'<th scope="col">{_e(m(h, lang))}</th>' for h in headers)
    body = "\n".join(_summary_rows(measurement.monthly, pack, month, lang, names))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="subtitle">{_e(subtitle)}</p>',
        *_partial_paragraph(measurement, month, lang),
        *([] if simulation is None else [
            f'<p class="simulation">{_e(_simulated(simulation, lang))}</p>']),
        f"<h2>{_e(m('dash_summary', lang))}</h2>",
        f'<table class="summary">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n'
        "</tbody>\n</table>",
        f'<p class="note">{_e(m("dash_margin_note", lang, judged=judged))}</p>',
    ]
    if any(t.provisional for t in pack.targets):
        parts.append(f'<p class="note provisional">{_e(m("dash_provisional", lang))}</p>')
    answer = _answer_target(pack)
    threshold = duration(answer.threshold, lang) if answer is not None else DASH
    for name in FIGURES:
        parts.append(f"<h2>{_e(m(f'dash_fig_{name}', lang, month=month_name(month, lang)))}</h2>")
        if name in omitted:
            parts.append(
                f'<p class="omitted">{_e(m("dash_omitted", lang, reason=omitted[name]))}</p>'
            )
            continue
        caption = m(f"dash_cap_{name}", lang, threshold=threshold)
        if name in notes:
            caption += " " + notes[name]
        data = base64.b64encode(figures[name]).decode("ascii")
        parts.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{_attr(caption)}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>"
        )
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _partial_paragraph(measurement: Measurement, month: str, lang: str) -> list[str]:
    """A warning under the title when the dashboard's month is one the log covers in part."""
    if month not in partial_months(measurement):
        return []
    text = i18n.message("dash_partial_month", lang,
                        reason=_partial_reason(measurement, month, lang),
                        month=month_name(month, lang))
    return [f'<p class="omitted partial">{_e(text)}</p>']


def _simulated(simulation: Mapping[str, Any], lang: str) -> str:
    """The banner of a simulated month: which scenario, settings, replication and seed."""
    settings = ", ".join(f"--set {s}" for s in simulation.get("settings") or [])
    return i18n.message(
        "dash_simulated", lang, scenario=simulation.get("scenario", "?"),
        settings=i18n.message("dash_simulated_settings", lang, settings=settings)
        if settings else "", replication=simulation.get("replication", "?"),
        seed=simulation.get("seed", "?"))


def _date(moment: datetime, lang: str) -> str:
    """``31 mars 2026 à 16 h 42`` / ``March 31, 2026 at 16:42``."""
    if lang == "fr":
        return f"{_day(moment, lang)} à {moment.hour} h {moment.minute:02d}"
    return f"{_day(moment, lang)} at {moment.hour:02d}:{moment.minute:02d}"


def _day(moment: datetime, lang: str) -> str:
    """``1er mars 2026`` / ``March 1, 2026``."""
    month = month_name(f"{moment.year:04d}-{moment.month:02d}", lang).split()[0]
    if lang == "fr":
        day = "1er" if moment.day == 1 else str(moment.day)
        return f"{day} {month} {moment.year}"
    return f"{month} {moment.day}, {moment.year}"


def _num(text: str) -> str:
    return f'<td class="num">{_e(text)}</td>'


def _e(text: str) -> str:
    """Element text (apostrophes left as they are: French has many)."""
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)
