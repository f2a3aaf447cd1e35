"""The report of a simulation run: tables for the terminal, CSV, JSON and plots on disk.

Printed tables are per month: for each target the predicted compliance (mean and 95 %
confidence interval over replications), the goal and the probability of meeting it;
then the operational figures. Files keep machine column names (for notebooks) and carry
the run's seed in every row; every file is written atomically (temporary file + rename).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from sim.forecast import FEW_REPLICATIONS, FIGURES, OPTION, Forecast

from . import i18n, results, workbook
from .formats import DASH, goal_percent, number, percent, text_table

i18n.register(
    {
        "sim_run": {
            "fr": "{scenario} : {replications:~réplication|réplications}, germe {seed} "
            "({computed:~calculée|calculées}, {reused:~reprise|reprises} du stockage {store})",
            "en": "{scenario}: {replications:~replication|replications}, seed {seed} "
            "({computed} computed, {reused} taken from the store {store})",
        },
        "sim_engine": {"fr": "Niveau 1 simulé par le {engine}",
                       "en": "Level 1 simulated by the {engine}"},
        "sim_month": {"fr": "Mois {month}", "en": "Month {month}"},
        "sim_target": {"fr": "Cible", "en": "Target"},
        "sim_compliance": {"fr": "Conformité prévue", "en": "Predicted compliance"},
        "sim_ci": {"fr": "IC 95 %", "en": "95% CI"},
        "sim_goal": {"fr": "Objectif", "en": "Goal"},
        "sim_p_meet": {"fr": "P(objectif atteint)", "en": "P(goal met)"},
        "sim_counted": {"fr": "Comptés (moy.)", "en": "Counted (mean)"},
        "sim_operations": {"fr": "Indicateurs opérationnels", "en": "Operational figures"},
        "sim_backlog": {
            "fr": "Dossiers ouverts en fin de mois, par groupe (moyenne des réplications)",
            "en": "Open tickets at month end, per group (mean over replications)",
        },
        "sim_fig_month": {"fr": "Mois", "en": "Month"},
        "sim_fig_group": {"fr": "Groupe", "en": "Group"},
        "sim_fig_option": {"fr": "Option", "en": "Option"},
        "sim_fig_offered": {"fr": "Appels offerts", "en": "Calls offered"},
        "sim_fig_answered": {"fr": "Répondus", "en": "Answered"},
        "sim_fig_abandoned": {"fr": "Abandonnés", "en": "Abandoned"},
        "sim_fig_asa": {"fr": "Délai moyen de réponse", "en": "Average speed of answer"},
        "sim_fig_occupancy": {"fr": "Occupation des agents", "en": "Agent occupancy"},
        "sim_fig_service_level": {"fr": "Réponse dans le délai (IC 95 %)",
                                  "en": "Answered in time (95% CI)"},
        "sim_by_option": {
            "fr": "Appels par option du menu (moyenne des réplications ; réponse dans le délai "
                  "de la cible de réponse)",
            "en": "Calls per menu option (mean over replications; answered within the "
                  "answer-time target)"},
        "sim_by_group": {"fr": "Occupation par groupe d'agents de niveau 1",
                         "en": "Occupancy per level-1 agent group"},
        "sim_fig_backlog": {"fr": "Dossiers ouverts", "en": "Open tickets"},
        "sim_none": {"fr": "aucun", "en": "none"},
        "sim_few": {
            "fr": "{mark} moins de {few} réplications ont jugé cette cible ce mois-là : "
            "l'intervalle est large et peu sûr ; relancez avec davantage de réplications (-n).",
            "en": "{mark} fewer than {few} replications judged this target that month: the "
            "interval is wide and unreliable; run more replications (-n).",
        },
        "sim_written": {"fr": "Résultats écrits dans {out}", "en": "Results written to {out}"},
        "sim_note": {
            "fr": "IC 95 % : Student sur les réplications ; P(objectif atteint) : part des "
            "réplications qui l'atteignent, avec son intervalle de Wilson à 95 %.",
            "en": "95% CI: Student t over replications; P(goal met): share of replications "
            "meeting the goal, with its 95% Wilson interval.",
        },
    }
)


FEW_MARK = "†"  # beside an interval made by fewer than FEW_REPLICATIONS replications


def interval(low: float, high: float, lang: str, digits: int = 1) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return DASH
    separator = " ; " if lang == "fr" else ", "
    return f"[{percent(low, lang, digits)}{separator}{percent(high, lang, digits)}]"


def compliance_interval(low: float, high: float, replications: int, lang: str) -> str:
    """A compliance interval, marked when too few replications made it."""
    text = interval(low, high, lang)
    return f"{text} {FEW_MARK}" if replications < FEW_REPLICATIONS else text


def few_note(compliance: pd.DataFrame, lang: str) -> str:
    """The note explaining :data:`FEW_MARK`, or "" when no row has too few replications."""
    if not (compliance["replications"] < FEW_REPLICATIONS).any():
        return ""
    return "\n" + i18n.message("sim_few", lang, mark=FEW_MARK, few=FEW_REPLICATIONS)


def compliance_tables(forecast: Forecast, lang: str, name_of: Callable[[str], str]) -> str:
    """One table per month: target, predicted compliance, CI, goal, P(goal met)."""
    headers = [
        i18n.message(key, lang)
        for key in (
            "sim_target",
            "sim_compliance",
            "sim_ci",
            "sim_goal",
            "sim_p_meet",
            "sim_counted",
        )
    ]
    blocks = []
    for month, rows in forecast.compliance.groupby("month", sort=True):
        body = [_compliance_row(r, lang, name_of) for r in rows.to_dict("records")]
        blocks.append(
            i18n.message("sim_month", lang, month=month) + "\n" + text_table(headers, body)
        )
    note = i18n.message("sim_note", lang) + few_note(forecast.compliance, lang)
    return "\n\n".join(blocks) + "\n\n" + note


def _compliance_row(r: dict[Any, Any], lang: str, name_of: Callable[[str], str]) -> list[str]:
    chance = DASH
    if math.isfinite(r["p_meet"]):
        chance = percent(r["p_meet"], lang, 0)
        chance += " " + interval(r["p_meet_low"], r["p_meet_high"], lang, digits=0)
    return [
        name_of(r["target"]),
        percent(r["compliance"], lang),
        compliance_interval(r["ci_low"], r["ci_high"], r["replications"], lang),
        goal_percent(r["goal"], lang),
        chance,
        number(r["counted"], lang),
    ]


def operations_tables(forecast: Forecast, lang: str) -> str:
    """Offered, answered, abandoned, ASA and occupancy per month; the same and the
    service level per phone option; occupancy per level-1 group; backlog per group."""
    ops = forecast.operations
    calls = ops["figure"] != "backlog"
    text = i18n.message("sim_operations", lang) + "\n"
    text += _figures_table(ops[calls & (ops["group"] == "")], ["month"], lang) or (
        i18n.message("sim_none", lang))
    options = ops[calls & ops["group"].str.startswith(OPTION.format(option=""))]
    if len(options):
        text += "\n\n" + i18n.message("sim_by_option", lang) + "\n"
        text += _figures_table(options, ["month", "group"], lang)
    for figure, title, digits in (("occupancy", "sim_by_group", None),
                                  ("backlog", "sim_backlog", 1)):
        table = ops[(ops["figure"] == figure) & (ops["group"] != "")].pivot_table(
            index="month", columns="group", values="mean", aggfunc="first", sort=False)
        if len(table):
            headers = [i18n.message("sim_fig_month", lang), *map(str, table.columns)]
            rows = [[str(month), *(percent(float(v), lang) if digits is None
                                   else number(float(v), lang, digits) for v in values)]
                    for month, values in table.iterrows()]
            text += "\n\n" + i18n.message(title, lang) + "\n" + text_table(headers, rows)
    return text


def _figures_table(ops: pd.DataFrame, keys: list[str], lang: str) -> str:
    """One row per ``keys`` (month, and the option), one column per figure; a service
    level with its interval."""
    def pivot(values: str) -> pd.DataFrame:
        return ops.pivot_table(index=keys, columns="figure", values=values, aggfunc="first",
                               sort=False, dropna=False)

    wide = pivot("mean")
    if not len(wide):
        return ""
    low, high = pivot("ci_low"), pivot("ci_high")
    shown = [f for f in FIGURES if f != "backlog" and f in wide.columns]
    format_of: dict[str, Callable[[float], str]] = {
        "asa": lambda v: number(v, lang, 1) + " s" if math.isfinite(v) else DASH,
        "occupancy": lambda v: percent(v, lang),
        "service_level": lambda v: percent(v, lang) if math.isfinite(v) else DASH,
    }
    headers = [i18n.message("sim_fig_month" if k == "month" else "sim_fig_option", lang)
               for k in keys] + [i18n.message(f"sim_fig_{f}", lang) for f in shown]
    prefix = OPTION.format(option="")
    rows = []
    for (key, values), (_, lows), (_, highs) in zip(wide.iterrows(), low.iterrows(),
                                                    high.iterrows(), strict=True):
        cells = [str(k).removeprefix(prefix) for k in (key if isinstance(key, tuple)
                                                        else (key,))]
        for f in shown:
            cell = format_of.get(f, lambda v: number(v, lang))(float(values[f]))
            if f == "service_level" and math.isfinite(float(values[f])):
                cell += " " + interval(float(lows[f]), float(highs[f]), lang)
            cells.append(cell)
        rows.append(cells)
    return text_table(headers, rows)


def print_report(
    forecast: Forecast, lang: str, name_of: Callable[[str], str], stream: TextIO
) -> None:
    print(compliance_tables(forecast, lang, name_of), file=stream)
    print(file=stream)
    print(operations_tables(forecast, lang), file=stream)


TABLES: tuple[str, ...] = ("compliance", "operations", "service_level_by_halfhour")
PLOTS: tuple[str, ...] = ("compliance", "service_level_by_halfhour")


def file_names(form: str = "csv") -> list[str]:
    """The files :func:`write_report` writes into --out DIR (checked before a run)."""
    return results.file_names(form, list(TABLES), "forecast.json", list(PLOTS))


def write_report(out: Path, forecast: Forecast, meta: dict[str, Any],
                 figures: dict[str, Any], *, lang: str = "fr", form: str = "csv"
                 ) -> list[Path]:
    """The tables (CSV or a workbook, with the seed in every row), one JSON of everything,
    the plots, into ``out`` (:func:`cau.results.write`)."""
    tables = dict(zip(TABLES, (forecast.compliance, forecast.operations, forecast.halfhours),
                      strict=True))
    return results.write(out, tables, meta, figures, "forecast.json", lang=lang, form=form,
                         kinds={"operations": workbook.FIGURE_KINDS})
