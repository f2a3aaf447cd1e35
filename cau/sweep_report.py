"""The report of ``cau sweep``: compliance against the varied values.

Per month and target, a table with a row per point of the grid (the varied values, the
predicted compliance with its 95 % CI, P(goal met) with its Wilson interval) and, for one
varied value, where the curve meets the goal. On disk: ``sweep.csv`` (the seed in every
row), ``sweep.json`` and a plot per target: compliance with its CI band against the
varied value and the goal line, P(goal met) beneath (one varied value), or a heat-map of
P(goal met) (two varied values).
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sim.sweep import Vary, crossing

from . import i18n
from .forecast_report import interval
from .formats import DASH, goal_percent, month_name, number, percent, text_table
from .plots import literal_text
from .scenario_options import short_path

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

i18n.register(
    {
        "swp_run": {
            "fr": "point {index}/{count} ({point}) : {replications} réplications, germe {seed} "
            "({computed} calculées, {reused} reprises)",
            "en": "point {index}/{count} ({point}): {replications} replications, seed {seed} "
            "({computed} computed, {reused} reused)",
        },
        "swp_title": {"fr": "Mois {month} — {target} (objectif {goal})",
                      "en": "Month {month} — {target} (goal {goal})"},
        "swp_meets": {
            "fr": "Objectif atteint en moyenne de {first} à {last} ; la courbe croise "
            "l'objectif vers {at}.",
            "en": "Goal met on average from {first} to {last}; the curve crosses the goal "
            "near {at}.",
        },
        "swp_never": {"fr": "Objectif jamais atteint en moyenne sur ces valeurs.",
                      "en": "Goal never met on average over these values."},
        "swp_always": {"fr": "Objectif atteint en moyenne pour toutes ces valeurs.",
                       "en": "Goal met on average for all these values."},
        "swp_note": {
            "fr": "Chaque point est le scénario avec ces valeurs (--set), tous sur le même "
            "germe. Conformité : moyenne et IC 95 % (Student) ; P(objectif atteint) : part des "
            "réplications, intervalle de Wilson à 95 %.",
            "en": "Each point is the scenario with these values (--set), all on the same "
            "seed. Compliance: mean and 95% CI (Student t); P(goal met): share of "
            "replications, 95% Wilson interval.",
        },
        "swp_plot_title": {
            "fr": "{target} selon {vary}",
            "en": "{target} against {vary}",
        },
        "swp_plot_p": {"fr": "P(objectif atteint)", "en": "P(goal met)"},
        "swp_plot_crossing": {"fr": "croise vers {at}", "en": "crosses near {at}"},
        "swp_heat_title": {
            "fr": "{target} : P(objectif atteint) selon {first} et {second}",
            "en": "{target}: P(goal met) against {first} and {second}",
        },
        "swp_heat_cell": {"fr": "cellule : P(objectif atteint) (conformité prévue)",
                          "en": "cell: P(goal met) (predicted compliance)"},
        "swp_no_plot": {
            "fr": "Plus de deux valeurs varient : tableau seulement, pas de graphique.",
            "en": "More than two values vary: a table only, no plot.",
        },
    }
)


def sweep_tables(table: pd.DataFrame, varies: Sequence[Vary], lang: str,
                 name_of: Callable[[str], str]) -> str:
    """Per month and target: a row per point; the crossing of one varied value."""
    headers = [*(short_path(v.path) for v in varies),
               *(i18n.message(k, lang) for k in ("sim_compliance", "sim_ci", "sim_p_meet"))]
    blocks = []
    for (month, target), rows in table.groupby(["month", "target"], sort=False):
        if not (rows["replications"] > 0).any():
            continue
        goal = float(rows["goal"].iloc[0])
        title = i18n.message("swp_title", lang, month=month, target=name_of(str(target)),
                             goal=goal_percent(goal, lang))
        body = [[*(str(r[v.path]) for v in varies), percent(r["compliance"], lang),
                 interval(r["ci_low"], r["ci_high"], lang), _chance(r, lang)]
                for r in rows.to_dict("records")]
        block = title + "\n" + text_table(headers, body)
        if len(varies) == 1:
            block += "\n" + crossing_text(rows, varies[0], goal, lang)
        blocks.append(block)
    return "\n\n".join([*blocks, i18n.message("swp_note", lang)])


def _chance(r: dict[Any, Any], lang: str) -> str:
    if not math.isfinite(r["p_meet"]):
        return DASH
    return percent(r["p_meet"], lang, 0) + " " + interval(r["p_meet_low"], r["p_meet_high"],
                                                          lang, digits=0)


def crossing_text(rows: pd.DataFrame, vary: Vary, goal: float, lang: str) -> str:
    """Where the mean compliance of ``rows`` (one month and target) meets ``goal``."""
    positions, numeric = vary.axis()
    found = crossing(list(rows[vary.path]), positions, list(rows["compliance"]), goal)
    if found.first is None:
        return i18n.message("swp_never", lang)
    if found.at is None:
        return i18n.message("swp_always", lang)
    at = _position(found.at, vary, numeric, lang)
    return i18n.message("swp_meets", lang, first=found.first, last=found.last, at=at)


def _position(at: float, vary: Vary, numeric: bool, lang: str) -> str:
    """A crossing as the values are written: 3,4 (agents), 9,2 h, 83,5 %."""
    sample = vary.values[0].strip()
    if numeric and sample.endswith("%"):
        return percent(at, lang)
    if numeric and sample[-1:].isalpha():  # a duration, on an axis of hours
        return number(at, lang, 1) + " h"
    return number(at, lang, 2 if abs(at) < 10 and "." in sample else 1)


def sweep_plots(table: pd.DataFrame, varies: Sequence[Vary], names: dict[str, str],
                lang: str, targets: Sequence[str]) -> dict[str, Figure]:
    """A plot per target judged in some point (none beyond two varied values)."""
    if len(varies) > 2:
        return {}
    present = set(table.loc[table["replications"] > 0, "target"])
    draw = _curve if len(varies) == 1 else _heat_map
    return {f"sweep-{t}": draw(table[table["target"] == t], varies, names.get(t, t), lang)
            for t in targets if t in present}


@literal_text
def _curve(rows: pd.DataFrame, varies: Sequence[Vary], name: str, lang: str) -> Figure:
    """Compliance with its CI band against the varied value, the goal line and the
    crossing; P(goal met) with its Wilson interval beneath. A column per month."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from .plots import GOAL, LINE, MET, met_missed_legend

    (vary,) = varies
    positions, numeric = vary.axis()
    months = sorted(rows["month"].unique())
    figure = Figure(figsize=(max(7.0, 1.0 + 0.7 * len(positions)) * len(months), 5.6),
                    layout="constrained")
    axes = figure.subplots(2, len(months), squeeze=False, sharex="col",
                           gridspec_kw={"height_ratios": [2.2, 1]})
    x = np.asarray(positions)
    for column, month in enumerate(months):
        mine = rows[rows["month"] == month].set_index(vary.path).reindex(list(vary.values))
        y = mine["compliance"].to_numpy(dtype=float)
        goal = float(mine["goal"].dropna().iloc[0])
        top, bottom = axes[0, column], axes[1, column]
        top.fill_between(x, mine["ci_low"].to_numpy(dtype=float),
                         mine["ci_high"].to_numpy(dtype=float), color=MET, alpha=0.15,
                         linewidth=0)
        top.plot(x, y, color=LINE, linewidth=1, zorder=1)
        _points(top, x, y, goal)
        top.axhline(goal, color=GOAL, linestyle="--", linewidth=1)
        found = crossing(list(vary.values), positions, list(y), goal)
        if found.at is not None:
            top.axvline(found.at, color=GOAL, linestyle=":", linewidth=1)
            top.annotate(i18n.message("swp_plot_crossing", lang,
                                      at=_position(found.at, vary, numeric, lang)),
                         (found.at, goal), xytext=(6, -16), textcoords="offset points",
                         fontsize=8, bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                           "ec": "none", "alpha": 0.85})
        # whole percentages at ticks of 1, 2, 5 or 10 points: a label is never rounded
        top.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
        top.set_title(month_name(month, lang), fontsize=10)
        top.grid(alpha=0.3)
        p = mine["p_meet"].to_numpy(dtype=float)
        low, high = mine["p_meet_low"].to_numpy(dtype=float), mine["p_meet_high"].to_numpy(
            dtype=float)
        spread = np.clip([p - low, high - p], 0, None)  # Wilson bounds may round past p
        bottom.errorbar(x, p, yerr=spread, fmt="o", color=MET, ecolor=LINE,
                        capsize=3, markersize=4)
        bottom.set_ylim(-0.05, 1.05)
        bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
        bottom.grid(alpha=0.3)
        bottom.set_xticks(x, list(vary.values), fontsize=8)
        bottom.set_xlabel(short_path(vary.path))
    axes[0, 0].set_ylabel(i18n.message("plot_compliance", lang))
    axes[1, 0].set_ylabel(i18n.message("swp_plot_p", lang))
    handles: list[Line2D | Patch] = [
        *met_missed_legend(lang),
        Line2D([], [], color=GOAL, linestyle="--", linewidth=1,
               label=i18n.message("plot_goal", lang)),
        Patch(color=MET, alpha=0.15, label=i18n.message("plot_ci", lang)),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                  frameon=False)
    figure.suptitle(textwrap.fill(i18n.message("swp_plot_title", lang, target=name,
                                               vary=short_path(vary.path)), 70), fontsize=11)
    return figure


def _points(ax: Axes, x: Any, y: Any, goal: float) -> None:
    from .plots import MET, MET_MARKER, MISSED, MISSED_MARKER

    known = ~(y != y)  # not NaN
    met, missed = known & (y >= goal), known & (y < goal)
    ax.scatter(x[met], y[met], color=MET, marker=MET_MARKER, s=36, zorder=2)
    ax.scatter(x[missed], y[missed], color=MISSED, marker=MISSED_MARKER, s=50, zorder=2)


@literal_text
def _heat_map(rows: pd.DataFrame, varies: Sequence[Vary], name: str, lang: str) -> Figure:
    """P(goal met) over the grid of two varied values, cells annotated with the predicted
    compliance; a panel per month."""
    import numpy as np
    from matplotlib.figure import Figure

    first, second = varies
    months = sorted(rows["month"].unique())
    figure = Figure(figsize=(2.0 + 1.1 * len(second.values) * len(months) + 1.2,
                             1.6 + 0.55 * len(first.values)), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(months), squeeze=False)[0])
    image = None
    for ax, month in zip(axes, months, strict=True):
        mine = rows[rows["month"] == month]
        values = np.full((len(first.values), len(second.values)), np.nan)
        for (i, a), (j, b) in itertools.product(enumerate(first.values),
                                                enumerate(second.values)):
            cell = mine[(mine[first.path] == a) & (mine[second.path] == b)]
            if len(cell):
                values[i, j] = cell["p_meet"].iloc[0]
                text = percent(values[i, j], lang, 0) + "\n(" + percent(
                    float(cell["compliance"].iloc[0]), lang) + ")"
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="black" if math.isfinite(values[i, j]) and values[i, j] > 0.55
                        else "white")
        image = ax.imshow(values, cmap="cividis", vmin=0, vmax=1, aspect="auto",
                          origin="lower")
        ax.set_xticks(range(len(second.values)), list(second.values))
        ax.set_yticks(range(len(first.values)), list(first.values))
        ax.set_xlabel(short_path(second.path))
        ax.set_ylabel(short_path(first.path))
        ax.set_title(month_name(month, lang), fontsize=10)
    if image is not None:
        bar = figure.colorbar(image, ax=list(axes), shrink=0.9)
        bar.set_label(i18n.message("swp_plot_p", lang))
        bar.ax.yaxis.set_major_formatter(lambda v, _: percent(v, lang, 0))
    figure.suptitle(textwrap.fill(i18n.message(
        "swp_heat_title", lang, target=name, first=short_path(first.path),
        second=short_path(second.path)), 70) + "\n" + i18n.message("swp_heat_cell", lang),
        fontsize=10)
    return figure
