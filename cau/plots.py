"""The figures of the dashboard and of the simulation report, from plain DataFrames.

Each function takes a table (a measurement's, or a forecast's with the same columns
plus ``ci_low``/``ci_high``) and returns a matplotlib :class:`Figure` built without
pyplot, so that no global state is touched and figures can be drawn in worker
processes. Met and missed points differ by colour *and* marker (Okabe–Ito colours,
readable by colour-blind readers); goals are dashed lines; text is French by default.

Names come from users' files (a target called ``$\\alpha$``): text in a figure is never
interpreted as mathtext. Every builder here is wrapped by :func:`literal_text` and every
figure is rendered by :func:`png`, both under ``text.parse_math: False``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import i18n
from .formats import NNBSP, hours, month_name, number, percent

i18n.register(
    {
        "plot_met": {"fr": "objectif atteint", "en": "goal met"},
        "plot_missed": {"fr": "objectif manqué", "en": "goal missed"},
        "plot_goal": {"fr": "objectif", "en": "goal"},
        "plot_ci": {"fr": "IC 95 %", "en": "95% CI"},
        "plot_compliance": {"fr": "Conformité", "en": "Compliance"},
        "plot_compliance_title": {
            "fr": "Conformité mensuelle par cible",
            "en": "Monthly compliance per target",
        },
        "plot_forecast_title": {
            "fr": "Conformité prévue par cible (moyenne et IC 95 % sur les réplications)",
            "en": "Predicted compliance per target (mean and 95% CI over replications)",
        },
        "plot_restoration_title": {
            "fr": "Temps de rétablissement par priorité (billets résolus)",
            "en": "Restoration time per priority (resolved tickets)",
        },
        "plot_restoration_x": {
            "fr": "heures (horloge de la cible, pauses exclues)",
            "en": "hours (target's clock, pauses excluded)",
        },
        "plot_share_resolved": {
            "fr": "part des billets résolus",
            "en": "share of tickets resolved",
        },
        "plot_threshold": {"fr": "seuil", "en": "threshold"},
        "plot_within": {
            "fr": "{share} en {threshold} ou moins",
            "en": "{share} within {threshold}",
        },
        "plot_tickets_n": {"fr": "{count} billets", "en": "{count} tickets"},
        "plot_halfhour_title": {
            "fr": "Niveau de service de la réponse aux appels, par demi-heure de mise en file "
            "(heure locale)",
            "en": "Call answer-time service level, per half-hour queued (local time)",
        },
        "plot_halfhour_y": {"fr": "niveau de service", "en": "service level"},
        "plot_volumes_title": {"fr": "Volumes par mois", "en": "Volumes per month"},
        "plot_by_channel": {"fr": "Billets ouverts, par canal", "en": "Tickets opened, by channel"},
        "plot_by_priority": {
            "fr": "Billets ouverts, par priorité",
            "en": "Tickets opened, by priority",
        },
        "plot_calls": {"fr": "Appels reçus", "en": "Calls received"},
        "plot_channel_none": {"fr": "non précisé", "en": "not given"},
        "plot_priority_none": {"fr": "sans priorité", "en": "no priority"},
    }
)

MET = "#0072B2"  # Okabe–Ito blue
MISSED = "#D55E00"  # Okabe–Ito vermillion
GOAL = "#222222"
LINE = "#9a9a9a"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
MET_MARKER, MISSED_MARKER = "o", "X"
DPI = 110

P = ParamSpec("P")


def literal_text(build: Callable[P, Figure]) -> Callable[P, Figure]:
    """``build`` with every text it creates taken literally (no mathtext)."""

    @functools.wraps(build)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with _literal():
            return build(*args, **kwargs)

    return wrapped


def _literal() -> contextlib.AbstractContextManager[None]:
    """Texts created in this context are never mathtext ("$…$" in a name stays text)."""
    return matplotlib.rc_context({"text.parse_math": False})


def png(figure: Figure, dpi: int = DPI) -> bytes:
    """``figure`` as PNG bytes (texts created while drawing, such as tick labels, are
    literal too); no software name in the metadata, so the same figure gives the same
    bytes."""
    buffer = io.BytesIO()
    with _literal():
        # drawn once: every figure here has a constrained layout that fits it already
        # (a tight bounding box would draw it a second time to measure it)
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


@literal_text
def compliance_by_month(
    monthly: pd.DataFrame, names: Mapping[str, str], lang: str = "fr", *, title: str | None = None
) -> Figure:
    """One small panel per target: compliance per month against its dashed goal line.

    ``monthly`` has ``month``, ``target``, ``compliance``, ``goal`` (``Measurement.monthly``
    or a forecast's compliance); with ``ci_low``/``ci_high`` the interval is shaded.
    Months where nothing was counted (NaN) are gaps. Panels follow the table's order.
    """
    targets = _ordered(monthly["target"], names)
    months = sorted(monthly["month"].unique())
    columns = min(3, max(1, len(targets)))
    rows = max(1, math.ceil(len(targets) / columns))
    figure = Figure(figsize=(4.3 * columns, 2.7 * rows + 0.9), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    has_ci = {"ci_low", "ci_high"} <= set(monthly.columns)
    lows = [monthly["compliance"].min(), monthly["goal"].min()]
    if has_ci:
        lows.append(monthly["ci_low"].min())
    bottom = max(0.0, math.floor((np.nanmin(np.asarray(lows, dtype=float)) - 0.05) * 10) / 10)
    x = np.arange(len(months))
    for ax, target in zip(axes.flat, targets, strict=False):
        rows_of = monthly[monthly["target"] == target].set_index("month").reindex(months)
        y = rows_of["compliance"].to_numpy(dtype=float)
        goal = float(rows_of["goal"].dropna().iloc[0])
        if has_ci:
            low = rows_of["ci_low"].to_numpy(dtype=float)
            high = rows_of["ci_high"].to_numpy(dtype=float)
            ax.fill_between(x, low, high, color=MET, alpha=0.15, linewidth=0)
            # Whiskers too: a band over a single month has no width and would not show.
            ax.errorbar(x, y, yerr=[y - low, high - y], fmt="none", ecolor=MET, alpha=0.5,
                        capsize=3, linewidth=1)
        ax.plot(x, y, color=LINE, linewidth=1, zorder=1)
        _met_missed(ax, x, y, goal)
        ax.axhline(goal, color=GOAL, linestyle="--", linewidth=1)
        ax.set_title(textwrap.fill(names.get(target, target), 38), fontsize=9)
        _month_ticks(ax, months, lang)
        ax.set_ylim(bottom, 1.02)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(targets):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(i18n.message("plot_compliance", lang))
    handles = _met_missed_legend(lang)
    if has_ci:
        handles.append(Patch(color=MET, alpha=0.15, label=i18n.message("plot_ci", lang)))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    figure.suptitle(title or i18n.message("plot_compliance_title", lang), fontsize=12)
    return figure


@literal_text
def compliance_forecast(
    compliance: pd.DataFrame, names: Mapping[str, str], lang: str = "fr"
) -> Figure:
    """Predicted compliance (a forecast's ``compliance`` table) with its 95 % CI band."""
    return compliance_by_month(
        compliance, names, lang, title=i18n.message("plot_forecast_title", lang)
    )


@literal_text
def restoration_times(
    tickets: pd.DataFrame,
    names: Mapping[str, str],
    lang: str = "fr",
    goals: Mapping[str, float] | None = None,
) -> Figure:
    """Per resolution target, the distribution (ECDF) of resolved tickets' elapsed time.

    ``tickets`` has ``target``, ``elapsed`` and ``threshold`` (seconds), ``met`` and
    ``open`` (``Measurement.tickets``); open tickets are left out. The threshold is a
    vertical line annotated with the share met, which is the ECDF's height there; the
    goal (from ``goals``, by target) is a dashed horizontal line.
    """
    resolved = tickets[~tickets["open"].astype(bool)]
    targets = _ordered(resolved["target"], names)
    columns = min(3, max(1, len(targets)))
    rows = max(1, math.ceil(len(targets) / columns))
    figure = Figure(figsize=(4.3 * columns, 2.9 * rows + 0.9), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for ax, target in zip(axes.flat, targets, strict=False):
        mine = resolved[resolved["target"] == target]
        elapsed = np.sort(mine["elapsed"].to_numpy(dtype=float)) / 3600
        threshold = float(mine["threshold"].iloc[0])
        share = float(mine["met"].astype(bool).mean())
        heights = np.arange(1, len(elapsed) + 1) / len(elapsed)
        right = max(1.6 * threshold / 3600, float(np.quantile(elapsed, 0.95)))
        ax.step(np.concatenate([[0.0], elapsed, [max(right, elapsed[-1]) * 1.05]]),
                np.concatenate([[0.0], heights, [1.0]]), where="post", color=MET)
        ax.axvline(threshold / 3600, color=GOAL, linewidth=1.2)
        goal = None if goals is None else goals.get(target)
        if goal is not None:
            ax.axhline(goal, color=GOAL, linestyle="--", linewidth=1)
        good = goal is None or share >= goal
        ax.plot([threshold / 3600], [share], marker=MET_MARKER if good else MISSED_MARKER,
                color=MET if good else MISSED, markersize=8, zorder=3)
        label = i18n.message("plot_within", lang, share=percent(share, lang, 0),
                             threshold=hours(threshold, lang))
        # below the point, unless that would run into the axis and its tick labels
        ax.annotate(label, (threshold / 3600, share), xytext=(6, -14 if share > 0.2 else 8),
                    textcoords="offset points", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
        ax.text(0.98, 0.04, i18n.message("plot_tickets_n", lang, count=number(len(elapsed), lang)),
                transform=ax.transAxes, ha="right", fontsize=8, color="#555555")
        ax.set_xlim(0, right)
        ax.set_ylim(0, 1.02)
        ax.set_title(textwrap.fill(names.get(target, target), 38), fontsize=9)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _plain(v, lang)))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(targets):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(i18n.message("plot_share_resolved", lang))
    _bottom_xlabels(axes, len(targets), i18n.message("plot_restoration_x", lang))
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=GOAL, linewidth=1.2, label=i18n.message("plot_threshold", lang)),
        *_met_missed_legend(lang),
    ]
    if goals is not None:
        handles.append(Line2D([], [], color=GOAL, linestyle="--", linewidth=1,
                              label=i18n.message("plot_goal", lang)))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    figure.suptitle(i18n.message("plot_restoration_title", lang), fontsize=12)
    return figure


@literal_text
def service_level_by_halfhour(
    halfhours: pd.DataFrame, goal: float | None, lang: str = "fr"
) -> Figure:
    """One panel per weekday with calls: answer-time service level per half-hour.

    ``halfhours`` has ``halfhour`` (0…335, Monday 00:00 = 0) and ``service_level``
    (NaN where no call counted), with ``ci_low``/``ci_high`` shaded when present (a
    forecast's). Only the hours in which some day has a value are shown.
    """
    frame = halfhours.dropna(subset=["service_level"])
    day = frame["halfhour"].to_numpy(dtype=int) // 48
    slot = frame["halfhour"].to_numpy(dtype=int) % 48
    days = sorted(set(day.tolist()))
    has_ci = {"ci_low", "ci_high"} <= set(frame.columns)
    figure = Figure(figsize=(max(6.0, 2.6 * len(days)), 3.6), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, max(1, len(days)), sharey=True, squeeze=False)[0])
    left, right = (slot.min() / 2, slot.max() / 2 + 0.5) if len(slot) else (0.0, 24.0)
    values = [frame["service_level"].min(), goal if goal is not None else 1.0]
    if has_ci:
        values.append(frame["ci_low"].min())
    bottom = max(0.0, math.floor((np.nanmin(np.asarray(values, dtype=float)) - 0.05) * 10) / 10)
    weekdays = i18n.message("weekdays_long", lang).split(",")
    for ax, d in zip(axes, days, strict=False):
        rows = frame[day == d].sort_values("halfhour")
        # A half-hour is drawn at its middle: 08:00–08:30 at 8.25.
        x = (rows["halfhour"].to_numpy(dtype=int) % 48) / 2 + 0.25
        y = rows["service_level"].to_numpy(dtype=float)
        if has_ci:
            ax.fill_between(x, rows["ci_low"].to_numpy(dtype=float),
                            rows["ci_high"].to_numpy(dtype=float), color=MET, alpha=0.15,
                            linewidth=0)
        ax.plot(x, y, color=LINE, linewidth=1, zorder=1)
        if goal is None:
            ax.scatter(x, y, color=MET, marker=MET_MARKER, s=14, zorder=2)
        else:
            _met_missed(ax, x, y, goal, size=14)
            ax.axhline(goal, color=GOAL, linestyle="--", linewidth=1)
        ax.set_title(weekdays[d], fontsize=10)
        ax.set_xlim(left, right)
        ticks = np.arange(math.ceil(left), math.floor(right) + 1)
        step = max(1, math.ceil(len(ticks) / 5))
        ax.set_xticks(ticks[::step], [_clock(h, lang) for h in ticks[::step]], fontsize=8)
        ax.set_ylim(bottom, 1.02)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(i18n.message("plot_halfhour_y", lang))
    handles: list[Line2D | Patch] = _met_missed_legend(lang) if goal is not None else []
    if goal is not None:
        handles.append(Line2D([], [], color=GOAL, linestyle="--", linewidth=1,
                              label=f"{i18n.message('plot_goal', lang)} {percent(goal, lang, 0)}"))
    if has_ci:
        handles.append(Patch(color=MET, alpha=0.15, label=i18n.message("plot_ci", lang)))
    if handles:
        figure.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                      frameon=False)
    figure.suptitle(i18n.message("plot_halfhour_title", lang), fontsize=12)
    return figure


@literal_text
def volumes_by_month(
    volumes: pd.DataFrame,
    lang: str = "fr",
    channel_names: Mapping[str, str] | None = None,
    priority_order: Sequence[str] = (),
) -> Figure:
    """Stacked bars per month: tickets opened by channel, by priority, and calls received.

    ``volumes`` has ``month``, ``channel``, ``priority``, ``tickets``, ``calls``
    (``Measurement.volumes``). The calls panel is drawn only when there are calls.
    """
    months = sorted(volumes["month"].unique())
    tickets = volumes[volumes["tickets"] > 0]
    calls = volumes.groupby("month")["calls"].sum().reindex(months, fill_value=0)
    panels = 3 if calls.sum() > 0 else 2
    figure = Figure(figsize=(4.3 * panels, 3.9), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    channel_names = channel_names or {}
    by_channel = tickets.pivot_table(index="month", columns="channel", values="tickets",
                                     aggfunc="sum", fill_value=0).reindex(months, fill_value=0)
    by_channel.columns = [
        channel_names.get(c, c) or i18n.message("plot_channel_none", lang)
        for c in by_channel.columns
    ]
    by_priority = tickets.pivot_table(index="month", columns="priority", values="tickets",
                                      aggfunc="sum", fill_value=0).reindex(months, fill_value=0)
    order = [p for p in priority_order if p in by_priority.columns]
    order += sorted(c for c in by_priority.columns if c not in order)
    by_priority = by_priority[order]
    by_priority.columns = [c or i18n.message("plot_priority_none", lang) for c in order]
    _stacked(axes[0], by_channel, months, lang, i18n.message("plot_by_channel", lang))
    _stacked(axes[1], by_priority, months, lang, i18n.message("plot_by_priority", lang))
    if panels == 3:
        _stacked(axes[2], calls.to_frame(i18n.message("plot_calls", lang)), months, lang,
                 i18n.message("plot_calls", lang), legend=False)
    figure.suptitle(i18n.message("plot_volumes_title", lang), fontsize=12)
    return figure


def _stacked(ax: Axes, table: pd.DataFrame, months: Sequence[str], lang: str, title: str,
             legend: bool = True) -> None:
    """Stacked bars of ``table`` (one column per series, one row per month)."""
    x = np.arange(len(months))
    base = np.zeros(len(months))
    for i, column in enumerate(table.columns):
        heights = table[column].to_numpy(dtype=float)
        ax.bar(x, heights, bottom=base, color=PALETTE[i % len(PALETTE)], label=str(column),
               width=0.7)
        base += heights
    ax.set_title(title, fontsize=10)
    _month_ticks(ax, months, lang)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
    ax.set_ylim(0, max(1.0, base.max()) * 1.08)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if legend:
        # Outside the axes, below, so that it never hides a bar.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(5, len(table.columns)),
                  fontsize=8, frameon=False)


def _bottom_xlabels(axes: np.ndarray, used: int, label: str) -> None:
    """``label`` under the lowest panel in use of each column of a grid of panels."""
    rows, columns = axes.shape
    for column in range(columns):
        in_use = [r for r in range(rows) if r * columns + column < used]
        if in_use:
            axes[in_use[-1], column].set_xlabel(label, fontsize=8)


def _ordered(targets: pd.Series, names: Mapping[str, str]) -> list[str]:
    """The targets present, in the order of ``names`` (a pack's order), others after."""
    present = list(dict.fromkeys(targets))
    return [t for t in names if t in present] + [t for t in present if t not in names]


def _met_missed(ax: Axes, x: np.ndarray, y: np.ndarray, goal: float, size: float = 36) -> None:
    """Points at or above the goal as blue dots, those below as vermillion crosses."""
    known = ~np.isnan(y)
    met = known & (y >= goal)
    missed = known & (y < goal)
    ax.scatter(x[met], y[met], color=MET, marker=MET_MARKER, s=size, zorder=2)
    ax.scatter(x[missed], y[missed], color=MISSED, marker=MISSED_MARKER, s=size * 1.4, zorder=2)


def _met_missed_legend(lang: str) -> list[Line2D | Patch]:
    return [
        Line2D([], [], color=MET, marker=MET_MARKER, linestyle="none",
               label=i18n.message("plot_met", lang)),
        Line2D([], [], color=MISSED, marker=MISSED_MARKER, linestyle="none", markersize=8,
               label=i18n.message("plot_missed", lang)),
    ]


def _month_ticks(ax: Axes, months: Sequence[str], lang: str) -> None:
    """Short month names, the year under the first label of each year; at most about
    eight labels so that they never overlap."""
    step = max(1, math.ceil(len(months) / 8))
    shown = list(range(0, len(months), step))
    labels = [
        month_name(months[i], lang, short=True)
        + (f"\n{months[i][:4]}" if k == 0 or months[i][:4] != months[shown[k - 1]][:4] else "")
        for k, i in enumerate(shown)
    ]
    ax.set_xticks(shown, labels, fontsize=8)
    ax.set_xlim(-0.6, len(months) - 0.4)


def _plain(value: float, lang: str) -> str:
    """A tick value: whole numbers without decimals, others with one."""
    return number(value, lang, 0 if float(value).is_integer() else 1)


def _clock(hour: float, lang: str) -> str:
    """A whole hour as French ``8 h`` or English ``8:00``."""
    return f"{int(hour)}{NNBSP}h" if lang == "fr" else f"{int(hour)}:00"
