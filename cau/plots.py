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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import ParamSpec

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

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
            "fr": "Heures, horloge de la cible (échelle logarithmique)",
            "en": "Hours, the target's clock (logarithmic scale)",
        },
        "plot_share_resolved": {
            "fr": "Part des billets résolus",
            "en": "Share of tickets resolved",
        },
        "plot_threshold": {"fr": "seuil", "en": "threshold"},
        "plot_within": {
            "fr": "{share} en {threshold} ou moins",
            "en": "{share} within {threshold}",
        },
        "plot_tickets_n": {"fr": "{count:~billet|billets}", "en": "{count:~ticket|tickets}"},
        "plot_halfhour_title": {
            "fr": "Niveau de service de la réponse aux appels, par demi-heure de mise en file "
            "(heure locale)",
            "en": "Call answer-time service level, per half-hour queued (local time)",
        },
        "plot_halfhour_y": {"fr": "Niveau de service", "en": "Service level"},
        "plot_partial": {"fr": "mois incomplet", "en": "partial month"},
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
CI_ALPHA = 0.25
# One colour per category, the same in every figure (Okabe–Ito): priorities from the most
# severe (vermillion) to the least, channels in the pack's order; "not given" is grey.
PRIORITY_COLOURS = ("#D55E00", "#E69F00", "#0072B2", "#56B4E9", "#009E73", "#CC79A7",
                    "#F0E442", "#000000")
CHANNEL_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442",
                   "#000000")
NO_CATEGORY = "#BBBBBB"
CALLS = "#56B4E9"
PARTIAL_HATCH, PARTIAL_EDGE = "///", "#444444"
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
    monthly: pd.DataFrame,
    names: Mapping[str, str],
    lang: str = "fr",
    *,
    title: str | None = None,
    partial: Collection[str] = (),
) -> Figure:
    """One small panel per target: compliance per month against its dashed goal line.

    ``monthly`` has ``month``, ``target``, ``compliance``, ``goal`` (``Measurement.monthly``
    or a forecast's compliance); with ``ci_low``/``ci_high`` each month's interval is a
    shaded box (visible even for a single month). Months where nothing was counted (NaN)
    are gaps; months of ``partial`` (covered only in part by the log) are hollow points.
    Panels follow the table's order.
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
    bottom = _share_bottom(lows)
    x = np.arange(len(months))
    hollow = np.isin(np.asarray(months), list(partial))
    for ax, target in zip(axes.flat, targets, strict=False):
        rows_of = monthly[monthly["target"] == target].set_index("month").reindex(months)
        y = rows_of["compliance"].to_numpy(dtype=float)
        goal = float(rows_of["goal"].dropna().iloc[0])
        if has_ci:
            low = rows_of["ci_low"].to_numpy(dtype=float)
            high = rows_of["ci_high"].to_numpy(dtype=float)
            ax.bar(x, high - low, bottom=low, width=0.45, color=MET, alpha=CI_ALPHA,
                   linewidth=0, zorder=0)
        ax.plot(x, y, color=LINE, linewidth=1, zorder=1)
        _met_missed(ax, x, y, goal, hollow=hollow)
        ax.axhline(goal, color=GOAL, linestyle="--", linewidth=1)
        ax.set_title(textwrap.fill(names.get(target, target), 38), fontsize=9)
        _month_ticks(ax, months, lang)
        _share_axis(ax, bottom, lang)
    for ax in list(axes.flat)[len(targets):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(i18n.message("plot_compliance", lang))
    handles = [*met_missed_legend(lang), _goal_handle(lang)]
    if has_ci:
        handles.append(Patch(color=MET, alpha=CI_ALPHA, label=i18n.message("plot_ci", lang)))
    if hollow.any():
        handles.append(_partial_handle(lang))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    figure.suptitle(title or i18n.message("plot_compliance_title", lang), fontsize=12)
    return figure


@literal_text
def compliance_forecast(
    compliance: pd.DataFrame, names: Mapping[str, str], lang: str = "fr"
) -> Figure:
    """Predicted compliance (a forecast's ``compliance`` table) with its 95 % CI."""
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
    goal (from ``goals``, by target) is a dashed horizontal line. Resolution times run
    from minutes to hundreds of hours (a P1's 3 h beside its 400 h tail), so the time
    axis is logarithmic, from a twentieth of the threshold (times below it are drawn
    there) to the longest times: the threshold always sits inside the panel.
    """
    resolved = tickets[~tickets["open"].astype(bool)]
    targets = _ordered(resolved["target"], names)
    columns = min(3, max(1, len(targets)))
    rows = max(1, math.ceil(len(targets) / columns))
    # Room between panels, so that one's last tick label never runs into the next's first.
    figure = Figure(figsize=(4.4 * columns, 3.0 * rows + 0.9),
                    layout=ConstrainedLayoutEngine(w_pad=0.08, wspace=0.04))
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for ax, target in zip(axes.flat, targets, strict=False):
        mine = resolved[resolved["target"] == target]
        elapsed = np.sort(mine["elapsed"].to_numpy(dtype=float)) / 3600
        threshold = float(mine["threshold"].iloc[0]) / 3600
        share = float(mine["met"].astype(bool).mean())
        heights = np.arange(1, len(elapsed) + 1) / len(elapsed)
        left = threshold / 20
        right = max(2 * threshold, float(np.quantile(elapsed, 0.99))) * 1.2
        ax.set_xscale("log")
        ax.step(np.concatenate([[left], np.clip(elapsed, left, right), [right]]),
                np.concatenate([[0.0], heights, [1.0]]), where="post", color=MET)
        ax.axvline(threshold, color=GOAL, linewidth=1.2)
        goal = None if goals is None else goals.get(target)
        if goal is not None:
            ax.axhline(goal, color=GOAL, linestyle="--", linewidth=1)
        good = goal is None or share >= goal
        ax.plot([threshold], [share], marker=MET_MARKER if good else MISSED_MARKER,
                color=MET if good else MISSED, markersize=8, zorder=3, clip_on=False)
        label = i18n.message("plot_within", lang, share=percent(share, lang, 0),
                             threshold=hours(threshold * 3600, lang))
        # below the point, unless that would run into the axis and its tick labels
        ax.annotate(label, (threshold, share), xytext=(6, -14 if share > 0.2 else 8),
                    textcoords="offset points", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
        ax.text(0.98, 0.04, i18n.message("plot_tickets_n", lang, count=number(len(elapsed), lang)),
                transform=ax.transAxes, ha="right", fontsize=8, color="#555555")
        ax.set_xlim(left, right)
        _share_axis(ax, 0.0, lang)
        ax.set_title(textwrap.fill(names.get(target, target), 38), fontsize=9)
        ax.xaxis.set_major_locator(FixedLocator(_log_ticks(left, right)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _significant(v, lang)))
        ax.set_xlabel(i18n.message("plot_restoration_x", lang), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(targets):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(i18n.message("plot_share_resolved", lang))
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=GOAL, linewidth=1.2, label=i18n.message("plot_threshold", lang)),
        *met_missed_legend(lang),
    ]
    if goals is not None:
        handles.append(_goal_handle(lang))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    figure.suptitle(i18n.message("plot_restoration_title", lang), fontsize=12)
    return figure


@literal_text
def service_level_by_halfhour(
    halfhours: pd.DataFrame, goal: float | None, lang: str = "fr", target: str | None = None
) -> Figure:
    """One panel per weekday with calls: answer-time service level per half-hour.

    ``halfhours`` has ``halfhour`` (0…335, Monday 00:00 = 0) and ``service_level``
    (NaN where no call counted), with ``ci_low``/``ci_high`` shaded when present (a
    forecast's). Only the hours in which some day has a value are shown. ``target`` (the
    answer-time target's name) is said under the title: a pack may have several.
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
    bottom = _share_bottom(values)
    weekdays = i18n.message("weekdays_long", lang).split(",")
    for ax, d in zip(axes, days, strict=False):
        rows = frame[day == d].sort_values("halfhour")
        # A half-hour is drawn at its middle: 08:00–08:30 at 8.25.
        x = (rows["halfhour"].to_numpy(dtype=int) % 48) / 2 + 0.25
        y = rows["service_level"].to_numpy(dtype=float)
        if has_ci:
            ax.fill_between(x, rows["ci_low"].to_numpy(dtype=float),
                            rows["ci_high"].to_numpy(dtype=float), color=MET, alpha=CI_ALPHA,
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
        _share_axis(ax, bottom, lang)
    axes[0].set_ylabel(i18n.message("plot_halfhour_y", lang))
    handles: list[Line2D | Patch] = met_missed_legend(lang) if goal is not None else []
    if goal is not None:
        handles.append(_goal_handle(lang, goal))
    if has_ci:
        handles.append(Patch(color=MET, alpha=CI_ALPHA, label=i18n.message("plot_ci", lang)))
    if handles:
        figure.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                      frameon=False)
    title = i18n.message("plot_halfhour_title", lang)
    figure.suptitle(title if target is None else f"{title}\n{target}", fontsize=12)
    return figure


@literal_text
def volumes_by_month(
    volumes: pd.DataFrame,
    lang: str = "fr",
    channel_names: Mapping[str, str] | None = None,
    priority_order: Sequence[str] = (),
    *,
    partial: Collection[str] = (),
) -> Figure:
    """Stacked bars per month: tickets opened by channel, by priority, and calls received.

    ``volumes`` has ``month``, ``channel``, ``priority``, ``tickets``, ``calls``
    (``Measurement.volumes``). The calls panel is drawn only when there are calls. A
    channel or priority keeps its colour in every figure: colours follow the order of
    ``channel_names`` (the pack's channels) and ``priority_order``, not what a log
    happens to hold. Months of ``partial`` (covered only in part by the log) are hatched.
    """
    months = sorted(volumes["month"].unique())
    tickets = volumes[volumes["tickets"] > 0]
    calls = volumes.groupby("month")["calls"].sum().reindex(months, fill_value=0)
    panels = 3 if calls.sum() > 0 else 2
    figure = Figure(figsize=(4.3 * panels, 3.9), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    channel_names = channel_names or {}
    none = {"channel": i18n.message("plot_channel_none", lang),
            "priority": i18n.message("plot_priority_none", lang)}
    named = {"channel": lambda c: channel_names.get(c, c), "priority": lambda p: p}
    orders = {"channel": list(channel_names), "priority": list(priority_order)}
    palettes = {"channel": CHANNEL_COLOURS, "priority": PRIORITY_COLOURS}
    titles = {"channel": "plot_by_channel", "priority": "plot_by_priority"}
    for ax, key in zip(axes, ("channel", "priority"), strict=False):
        table = tickets.pivot_table(index="month", columns=key, values="tickets",
                                    aggfunc="sum", fill_value=0).reindex(months, fill_value=0)
        colours = category_colours(table.columns, orders[key], palettes[key])
        order = sorted(table.columns, key=list(colours).index)
        table = table[order]
        table.columns = [named[key](c) or none[key] for c in order]
        _stacked(ax, table, months, lang, i18n.message(titles[key], lang),
                 [colours[c] for c in order], partial)
    if panels == 3:
        _stacked(axes[2], calls.to_frame(i18n.message("plot_calls", lang)), months, lang,
                 i18n.message("plot_calls", lang), [CALLS], partial, legend=False)
    if set(partial) & set(months):
        figure.legend(handles=[_partial_handle(lang, bars=True)], loc="outside lower right",
                      frameon=False, fontsize=8)
    figure.suptitle(i18n.message("plot_volumes_title", lang), fontsize=12)
    return figure


def category_colours(
    present: Iterable[str], declared: Sequence[str], palette: Sequence[str]
) -> dict[str, str]:
    """A colour per category, by its place in ``declared`` (the pack's order), so that a
    category has the same colour in every figure; categories not declared come after, in
    name order, and the empty one (not given) is grey. Keys in colour order."""
    present = list(dict.fromkeys(present))
    extra = sorted(c for c in present if c not in declared and c)
    ranked = [*declared, *extra]
    colours = {c: palette[ranked.index(c) % len(palette)] for c in ranked if c in present}
    if "" in present:
        colours[""] = NO_CATEGORY
    return colours


def _stacked(ax: Axes, table: pd.DataFrame, months: Sequence[str], lang: str, title: str,
             colours: Sequence[str], partial: Collection[str], legend: bool = True) -> None:
    """Stacked bars of ``table`` (one column per series, one row per month); months of
    ``partial`` hatched."""
    x = np.arange(len(months))
    base = np.zeros(len(months))
    for column, colour in zip(table.columns, colours, strict=True):
        heights = table[column].to_numpy(dtype=float)
        ax.bar(x, heights, bottom=base, color=colour, label=str(column), width=0.7)
        base += heights
    part = np.isin(np.asarray(months), list(partial))
    if part.any():
        ax.bar(x[part], base[part], width=0.7, fill=False, hatch=PARTIAL_HATCH,
               edgecolor=PARTIAL_EDGE, linewidth=0)
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


def _ordered(targets: pd.Series, names: Mapping[str, str]) -> list[str]:
    """The targets present, in the order of ``names`` (a pack's order), others after."""
    present = list(dict.fromkeys(targets))
    return [t for t in names if t in present] + [t for t in present if t not in names]


def _met_missed(ax: Axes, x: np.ndarray, y: np.ndarray, goal: float, size: float = 36,
                hollow: np.ndarray | None = None) -> None:
    """Points at or above the goal as blue dots, those below as vermillion crosses; the
    ``hollow`` ones (months the log covers in part) drawn as outlines. Never clipped, so a
    point at 0 % or 100 % shows whole."""
    known = ~np.isnan(y)
    hollow = np.zeros(len(y), dtype=bool) if hollow is None else hollow
    for mask, colour, marker, scale in ((known & (y >= goal), MET, MET_MARKER, 1.0),
                                        (known & (y < goal), MISSED, MISSED_MARKER, 1.4)):
        for empty in (False, True):
            chosen = mask & (hollow == empty)
            if chosen.any():
                ax.scatter(x[chosen], y[chosen], marker=marker, s=size * scale, zorder=2,
                           facecolors="white" if empty else colour, edgecolors=colour,
                           linewidths=1.3 if empty else 0, clip_on=False)


def met_missed_legend(lang: str) -> list[Line2D | Patch]:
    return [
        Line2D([], [], color=MET, marker=MET_MARKER, linestyle="none",
               label=i18n.message("plot_met", lang)),
        Line2D([], [], color=MISSED, marker=MISSED_MARKER, linestyle="none", markersize=8,
               label=i18n.message("plot_missed", lang)),
    ]


def _goal_handle(lang: str, goal: float | None = None) -> Line2D:
    """The dashed goal line, as the legend shows it (with its value when there is one)."""
    label = i18n.message("plot_goal", lang)
    if goal is not None:
        label += f" {percent(goal, lang, 0)}"
    return Line2D([], [], color=GOAL, linestyle="--", linewidth=1, label=label)


def _partial_handle(lang: str, bars: bool = False) -> Line2D | Patch:
    """What marks a month the log covers only in part: a hollow point, a hatched bar."""
    label = i18n.message("plot_partial", lang)
    if bars:
        return Patch(fill=False, hatch=PARTIAL_HATCH, edgecolor=PARTIAL_EDGE, label=label)
    return Line2D([], [], marker=MET_MARKER, linestyle="none", markerfacecolor="white",
                  markeredgecolor=LINE, label=label)


def _share_bottom(values: Iterable[float]) -> float:
    """The bottom of a share axis: a tenth below the lowest value, never below 0 %."""
    low = float(np.nanmin(np.asarray(list(values), dtype=float)))
    return max(0.0, math.floor((low - 0.05) * 10) / 10)


def _share_axis(ax: Axes, bottom: float, lang: str) -> None:
    """A share axis from ``bottom`` to 100 %, with room beyond both ends so that a
    marker at either shows whole; ticks only inside."""
    span = 1.0 - bottom
    ax.set_ylim(bottom - 0.04 * span, 1.0 + 0.04 * span)
    step = 0.1 if span <= 0.5 else 0.2
    ticks = np.arange(round(bottom / step) * step, 1.0 + step / 2, step)
    ax.yaxis.set_major_locator(FixedLocator(ticks[ticks >= bottom - 1e-9].tolist()))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
    ax.grid(axis="y", alpha=0.3)


def _month_ticks(ax: Axes, months: Sequence[str], lang: str) -> None:
    """Short month names, the year under the first label of each year; at most about
    eight labels so that they never overlap, counted back from the last month (the one
    a dashboard is about), which is always labelled."""
    step = max(1, math.ceil(len(months) / 8))
    shown = list(range(len(months) - 1, -1, -step))[::-1]
    labels = [
        month_name(months[i], lang, short=True)
        + (f"\n{months[i][:4]}" if k == 0 or months[i][:4] != months[shown[k - 1]][:4] else "")
        for k, i in enumerate(shown)
    ]
    ax.set_xticks(shown, labels, fontsize=8)
    ax.set_xlim(-0.6, len(months) - 0.4)


def _log_ticks(left: float, right: float) -> list[float]:
    """Round values (1, 2, 5 × 10^k; fewer when the range is wide) between the bounds of a
    logarithmic axis: at most seven."""
    decades = range(math.floor(math.log10(left)), math.ceil(math.log10(right)) + 1)
    for multiples in ((1, 2, 5), (1, 3), (1,)):
        ticks = [m * 10.0**k for k in decades for m in multiples if left <= m * 10.0**k <= right]
        if len(ticks) <= 7:
            break
    return ticks


def _significant(value: float, lang: str) -> str:
    """A tick value with the decimals it needs: 0,05 · 0,5 · 5 · 50."""
    digits = max(0, -math.floor(math.log10(value))) if value > 0 else 0
    return number(value, lang, digits)


def _clock(hour: float, lang: str) -> str:
    """A whole hour as French ``8 h`` or English ``8:00``."""
    return f"{int(hour)}{NNBSP}h" if lang == "fr" else f"{int(hour)}:00"
