"""The report of ``cau targets``: per month and target, thresholds × goals.

Each table has one row per candidate threshold (its predicted compliance, mean and
95 % CI) and one column per candidate goal (the probability of meeting it, with its
Wilson interval); the pack's current level is starred. On disk: the grid as CSV (the
run's seed in every row) and JSON, and one heat-map PNG per target.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from sim.target_grid import TargetGrid

from . import i18n, results
from .forecast_report import compliance_interval, few_note, interval
from .formats import DASH, duration, goal_percent, month_name, percent, text_table
from .plots import literal_text

i18n.register(
    {
        "tg_title": {
            "fr": "Mois {month} — {target} (actuelle : {level})",
            "en": "Month {month} — {target} (current: {level})",
        },
        "tg_threshold": {"fr": "Seuil", "en": "Threshold"},
        "tg_p_goal": {"fr": "P(≥ {goal})", "en": "P(≥ {goal})"},
        "tg_none": {"fr": "aucun mois jugé", "en": "no month judged"},
        "tg_note": {
            "fr": "* niveau actuel de la cible. Conformité prévue : moyenne et IC 95 % "
            "(Student) sur les réplications ; P(≥ objectif) : part des réplications qui "
            "atteignent l'objectif, avec son intervalle de Wilson à 95 %.",
            "en": "* the target's current level. Predicted compliance: mean and 95% CI "
            "(Student t) over replications; P(≥ goal): share of replications meeting the "
            "goal, with its 95% Wilson interval.",
        },
        "tg_plot_title": {
            "fr": "{target} : probabilité d'atteindre l'objectif",
            "en": "{target}: probability of meeting the goal",
        },
        "tg_plot_x": {"fr": "Objectif", "en": "Goal"},
        "tg_plot_y": {
            "fr": "Seuil (conformité prévue)",
            "en": "Threshold (predicted compliance)",
        },
        "tg_plot_colour": {"fr": "P(objectif atteint)", "en": "P(goal met)"},
        "tg_plot_current": {
            "fr": "case encadrée : niveau actuel de la cible ({level})",
            "en": "framed cell: the target's current level ({level})",
        },
        "tg_no_threshold": {"fr": "sans seuil", "en": "no threshold"},
    }
)


CURRENT = "#D55E00"  # the frame of the current level (Okabe–Ito vermillion)


def level(threshold: float, goal: float, lang: str) -> str:
    """A target level as a manager says it: ``10 h, 80 %`` (goal alone without threshold)."""
    if math.isnan(threshold):
        return goal_percent(goal, lang)
    return f"{duration(threshold, lang)}, {goal_percent(goal, lang)}"


def grid_tables(
    grid: pd.DataFrame, grids: list[TargetGrid], lang: str, name_of: Callable[[str], str]
) -> str:
    """One table per month and target: thresholds down, goals across."""
    blocks = []
    for month in sorted(grid["month"].unique()):
        for spec in grids:
            rows = grid[(grid["month"] == month) & (grid["target"] == spec.target)]
            if len(rows):
                title = i18n.message(
                    "tg_title",
                    lang,
                    month=month,
                    target=name_of(spec.target),
                    level=level(spec.current_threshold, spec.current_goal, lang),
                )
                blocks.append(title + "\n" + _table(rows, spec, lang))
    if not blocks:
        return i18n.message("tg_none", lang)
    return "\n\n".join(blocks) + "\n\n" + i18n.message("tg_note", lang) + few_note(grid, lang)


def _table(rows: pd.DataFrame, spec: TargetGrid, lang: str) -> str:
    headers = [
        i18n.message("tg_threshold", lang),
        i18n.message("sim_compliance", lang),
        i18n.message("sim_ci", lang),
    ] + [
        i18n.message("tg_p_goal", lang, goal=goal_percent(g, lang))
        + ("*" if g == spec.current_goal else "")
        for g in spec.goals
    ]
    body = []
    for threshold in spec.thresholds:
        cells = rows[_same(rows["threshold"], threshold)]
        if not len(cells):
            continue
        label = _threshold_label(threshold, lang)
        if spec.is_current(threshold, spec.current_goal):
            label += " *"
        by_goal = {float(g): i for i, g in enumerate(cells["goal"])}
        body.append(
            [
                label,
                percent(float(cells["compliance"].iloc[0]), lang),
                compliance_interval(float(cells["ci_low"].iloc[0]),
                                    float(cells["ci_high"].iloc[0]),
                                    int(cells["replications"].iloc[0]), lang),
                *(_chance(cells, by_goal.get(g), lang) for g in spec.goals),
            ]
        )
    return text_table(headers, body)


def _threshold_label(threshold: float, lang: str) -> str:
    return i18n.message("tg_no_threshold", lang) if math.isnan(threshold) else duration(
        threshold, lang
    )


def _chance(cells: pd.DataFrame, row: int | None, lang: str) -> str:
    """P(goal met) of one cell (row ``row`` of ``cells``) with its Wilson interval."""
    if row is None or not math.isfinite(float(cells["p_meet"].iloc[row])):
        return DASH
    low, high = (float(cells[c].iloc[row]) for c in ("p_meet_low", "p_meet_high"))
    text = percent(float(cells["p_meet"].iloc[row]), lang, 0)
    return text + " " + interval(low, high, lang, digits=0)


def print_report(
    grid: pd.DataFrame,
    grids: list[TargetGrid],
    lang: str,
    name_of: Callable[[str], str],
    stream: TextIO,
) -> None:
    print(grid_tables(grid, grids, lang, name_of), file=stream)


@literal_text
def heat_map(grid: pd.DataFrame, spec: TargetGrid, name: str, lang: str) -> Figure:
    """Thresholds × goals → P(goal met), one panel per month, cells annotated in %,
    the current level framed."""
    rows = grid[grid["target"] == spec.target]
    months = sorted(rows["month"].unique()) or [""]
    columns = min(3, len(months))
    lines = math.ceil(len(months) / columns)
    height = 1.2 + 0.55 * len(spec.thresholds)
    figure = Figure(
        figsize=(1.6 + 1.3 * len(spec.goals) * columns + 1.2, height * lines + 0.9),
        layout="constrained",
    )
    axes = np.atleast_1d(figure.subplots(lines, columns, squeeze=False).ravel())
    image = None
    for ax, month in zip(axes, months, strict=False):
        mine = rows[rows["month"] == month]
        values = np.full((len(spec.thresholds), len(spec.goals)), np.nan)
        labels = []
        for i, threshold in enumerate(spec.thresholds):
            same = mine[_same(mine["threshold"], threshold)]
            compliance = same["compliance"].iloc[0] if len(same) else math.nan
            labels.append(f"{_threshold_label(threshold, lang)} ({percent(compliance, lang)})")
            for j, goal in enumerate(spec.goals):
                cell = same[same["goal"] == goal]
                if len(cell):
                    values[i, j] = cell["p_meet"].iloc[0]
        image = ax.imshow(values, cmap="cividis", vmin=0, vmax=1, aspect="auto", origin="lower")
        for (i, j), value in np.ndenumerate(values):
            ax.text(j, i, percent(value, lang, 0), ha="center", va="center", fontsize=9,
                    color="black" if math.isfinite(value) and value > 0.55 else "white")
            if spec.is_current(spec.thresholds[i], spec.goals[j]):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, linewidth=2.5,
                                       edgecolor=CURRENT))
        ax.set_xticks(range(len(spec.goals)), [goal_percent(g, lang) for g in spec.goals])
        ax.set_yticks(range(len(spec.thresholds)), labels)
        ax.set_title(month_name(month, lang) if month else "", fontsize=10)
        ax.set_xlabel(i18n.message("tg_plot_x", lang))
        ax.set_ylabel(i18n.message("tg_plot_y", lang))
    for ax in axes[len(months):]:
        ax.set_visible(False)
    if image is not None:
        bar = figure.colorbar(image, ax=list(axes[: len(months)]), shrink=0.9)
        bar.set_label(i18n.message("tg_plot_colour", lang))
        bar.ax.yaxis.set_major_formatter(lambda v, _: percent(v, lang, 0))
    current = level(spec.current_threshold, spec.current_goal, lang)
    figure.legend(handles=[Patch(fill=False, edgecolor=CURRENT, linewidth=2.5,
                                 label=i18n.message("tg_plot_current", lang, level=current))],
                  loc="outside lower center", frameon=False, fontsize=9)
    figure.suptitle(i18n.message("tg_plot_title", lang, target=name), fontsize=10)
    return figure


def _same(values: pd.Series, threshold: float) -> pd.Series:
    """Rows of ``threshold`` (NaN, no threshold, matches NaN)."""
    if math.isnan(threshold):
        return values.isna()
    return values == threshold


def write_report(
    out: Path,
    grid: pd.DataFrame,
    grids: list[TargetGrid],
    meta: dict[str, Any],
    names: dict[str, str],
    lang: str,
    form: str = "csv",
) -> list[Path]:
    """``targets.csv`` (seed in every row) or a workbook, ``targets.json``,
    ``targets-<id>.png``, into ``out`` (:func:`cau.results.write`)."""
    figures = {} if results.workbook.is_workbook(out) else {
        figure_name(spec.target): heat_map(grid, spec, names.get(spec.target, spec.target), lang)
        for spec in grids}
    return results.write(out, {"targets": grid}, meta, figures, "targets.json", lang=lang,
                         form=form, json_keys={"targets": "grid"})


def file_names(grids: list[TargetGrid], form: str = "csv") -> list[str]:
    """The files :func:`write_report` writes (checked before a run)."""
    return results.file_names(form, ["targets"], "targets.json",
                              [figure_name(g.target) for g in grids])


def figure_name(target: str) -> str:
    return f"targets-{target}"
