"""The report of ``cau compare``: scenarios side by side on common random numbers.

Per month, one table: per target, each scenario's predicted compliance (mean, 95 % CI),
its goal and P(goal met), and its difference to the first scenario with the paired
interval; then the operational figures side by side. On disk: ``compare.csv`` (the run's
seed in every row), ``compare-operations.csv``, ``compare.json`` and one plot per target.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sim.forecast import FIGURE_BOUNDS, SHARE

from . import i18n
from .forecast_report import interval
from .formats import DASH, goal_percent, month_name, number, percent, points, text_table
from .plots import literal_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

i18n.register(
    {
        "cmp_run": {
            "fr": "{label} : {replications} réplications, germe {seed} ({computed} calculées, "
            "{reused} reprises du stockage {store})",
            "en": "{label}: {replications} replications, seed {seed} ({computed} computed, "
            "{reused} taken from the store {store})",
        },
        "cmp_title": {"fr": "Mois {month} — {target}", "en": "Month {month} — {target}"},
        "cmp_scenario": {"fr": "Scénario", "en": "Scenario"},
        "cmp_difference": {"fr": "Écart au 1er", "en": "Difference to 1st"},
        "cmp_difference_ci": {"fr": "IC 95 % de l'écart", "en": "95% CI of difference"},
        "cmp_reference": {"fr": "référence", "en": "reference"},
        "cmp_note": {
            "fr": "Mêmes nombres aléatoires pour tous les scénarios (germe {seed}) : l'écart "
            "au premier est estimé réplication par réplication (comparaison appariée), son "
            "IC 95 % (Student) est plus étroit que ne le laissent croire deux intervalles "
            "séparés. Écart en points de pourcentage.",
            "en": "The same random numbers for every scenario (seed {seed}): the difference "
            "to the first is estimated replication by replication (a paired comparison); its "
            "95% CI (Student t) is narrower than two separate intervals suggest. Difference "
            "in percentage points.",
        },
        "cmp_operations": {
            "fr": "Indicateurs opérationnels (moyenne des réplications)",
            "en": "Operational figures (mean over replications)",
        },
        "cmp_figure": {"fr": "Indicateur", "en": "Figure"},
        "cmp_fig_service_level": {"fr": "Réponse dans le délai", "en": "Answered in time"},
        "cmp_plot_title": {
            "fr": "{target} : conformité prévue par scénario",
            "en": "{target}: predicted compliance per scenario",
        },
        "cmp_plot_note": {
            "fr": "moyenne et IC 95 % ; sous chaque point : P(objectif atteint) et l'écart "
            "au 1er scénario (IC apparié)",
            "en": "mean and 95% CI; under each point: P(goal met) and the difference to "
            "the 1st scenario (paired CI)",
        },
        "cmp_p": {"fr": "P(obj.) {p}", "en": "P(goal) {p}"},
    }
)


def comparison_tables(comparison: pd.DataFrame, operations: pd.DataFrame, lang: str,
                      name_of: Callable[[str], str], seed: int) -> str:
    """Per month and target, a table of the scenarios; then the operational figures."""
    headers = [i18n.message(key, lang) for key in (
        "cmp_scenario", "sim_compliance", "sim_ci", "sim_goal", "sim_p_meet",
        "cmp_difference", "cmp_difference_ci")]
    blocks = []
    for month, rows in comparison.groupby("month", sort=True):
        for target, group in rows.groupby("target", sort=False):
            title = i18n.message("cmp_title", lang, month=month, target=name_of(str(target)))
            body = [_cells(r, lang) for r in group.to_dict("records")]
            blocks.append(title + "\n" + text_table(headers, body))
    text = "\n\n".join(blocks) + "\n\n" + i18n.message("cmp_note", lang, seed=seed)
    return text + "\n\n" + operations_table(operations, lang)


def _cells(r: dict[Any, Any], lang: str) -> list[str]:
    chance = DASH
    if math.isfinite(r["p_meet"]):
        chance = percent(r["p_meet"], lang, 0) + " " + interval(
            r["p_meet_low"], r["p_meet_high"], lang, digits=0)
    if r["scenario"] == 0:
        difference, band = i18n.message("cmp_reference", lang), ""
    else:
        difference = points(r["difference"], lang)
        band = _points_interval(r["difference_low"], r["difference_high"], lang)
    return [str(r["label"]), percent(r["compliance"], lang),
            interval(r["ci_low"], r["ci_high"], lang), goal_percent(r["goal"], lang), chance,
            difference, band]


def _points_interval(low: float, high: float, lang: str) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return DASH
    separator = " ; " if lang == "fr" else ", "
    return f"[{points(low, lang)}{separator}{points(high, lang)}]"


def operations_table(operations: pd.DataFrame, lang: str) -> str:
    """Rows: month and figure (backlog per group); columns: the scenarios' means."""
    labels = [c for c in operations.columns if c not in ("month", "figure", "group")]
    headers = [i18n.message("sim_fig_month", lang), i18n.message("cmp_figure", lang), *labels]
    body = []
    for r in operations.to_dict("records"):
        key = "cmp_fig_service_level" if r["figure"] == "service_level" else (
            f"sim_fig_{r['figure']}")  # a mean here, without the interval the other shows
        figure = i18n.message(key, lang)
        if r["group"]:
            figure += f" ({r['group']})"
        body.append([str(r["month"]), figure,
                     *(_figure(r["figure"], float(r[label]), lang) for label in labels)])
    return i18n.message("cmp_operations", lang) + "\n" + text_table(headers, body)


def _figure(figure: str, value: float, lang: str) -> str:
    if FIGURE_BOUNDS.get(figure) == SHARE:  # occupancy, service level
        return percent(value, lang)
    if figure == "asa":
        return number(value, lang, 1) + " s" if math.isfinite(value) else DASH
    return number(value, lang, 1 if figure == "backlog" else 0)


@literal_text
def comparison_plot(comparison: pd.DataFrame, target: str, name: str, lang: str) -> Figure:
    """One target: each scenario's predicted compliance with its CI, goal dashes, P(goal
    met) and the paired difference to the first written under each point; a panel per
    month."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from .plots import GOAL, LINE, MET, MET_MARKER, MISSED, MISSED_MARKER, met_missed_legend

    rows = comparison[comparison["target"] == target]
    months = sorted(rows["month"].unique())
    labels = list(dict.fromkeys(rows["label"]))
    figure = Figure(figsize=(1.2 + 2.3 * len(labels), 3.9 * len(months) + 0.6),
                    layout="constrained")
    axes = np.atleast_1d(figure.subplots(len(months), 1, squeeze=False)[:, 0])
    for ax, month in zip(axes, months, strict=True):
        mine = rows[rows["month"] == month].set_index("label").reindex(labels)
        x = np.arange(len(labels))
        y = mine["compliance"].to_numpy(dtype=float)
        low, high = mine["ci_low"].to_numpy(dtype=float), mine["ci_high"].to_numpy(dtype=float)
        goal = mine["goal"].to_numpy(dtype=float)
        ax.errorbar(x, y, yerr=[y - low, high - y], fmt="none", ecolor=LINE, capsize=5)
        met = y >= goal
        ax.scatter(x[met], y[met], color=MET, marker=MET_MARKER, s=50, zorder=3)
        ax.scatter(x[~met], y[~met], color=MISSED, marker=MISSED_MARKER, s=70, zorder=3)
        for k in range(len(labels)):
            ax.hlines(goal[k], k - 0.4, k + 0.4, colors=GOAL, linestyles="--", linewidth=1)
            note = i18n.message("cmp_p", lang, p=percent(mine["p_meet"].iloc[k], lang, 0))
            if k > 0:
                note += "\n" + points(mine["difference"].iloc[k], lang) + " " + \
                    _points_interval(mine["difference_low"].iloc[k],
                                     mine["difference_high"].iloc[k], lang)
            # in a band along the bottom of the panel, clear of points and goal lines
            ax.text(k, 0.03, note, transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "#cccccc"})
        bottom = np.nanmin(np.concatenate([low, y, goal]))
        top = np.nanmax(np.concatenate([high, y, goal]))
        span = max(top - bottom, 0.02)
        ax.set_ylim(bottom - 0.6 * span, top + 0.15 * span)
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.set_xticks(x, [textwrap.fill(label, 26) for label in labels], fontsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
        ax.set_ylabel(i18n.message("plot_compliance", lang))
        ax.set_title(month_name(month, lang), fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    handles = [*met_missed_legend(lang),
               Line2D([], [], color=GOAL, linestyle="--", linewidth=1,
                      label=i18n.message("plot_goal", lang))]
    figure.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    figure.suptitle(i18n.message("cmp_plot_title", lang, target=name) + "\n"
                    + i18n.message("cmp_plot_note", lang), fontsize=10)
    return figure


def plots_by_target(comparison: pd.DataFrame, names: dict[str, str], lang: str,
                    targets: Sequence[str]) -> dict[str, Figure]:
    """A plot per target judged in some month, in the pack's order: file stem → figure."""
    present = set(comparison.loc[comparison["replications"] > 0, "target"])
    return {f"compare-{t}": comparison_plot(comparison, t, names.get(t, t), lang)
            for t in targets if t in present}
