"""From replications to forecasts: what one replication yields, and what many predict.

A replication is summarised into :class:`ReplicationFigures` — its monthly measurement
(computed by ``rules.measure``, never here), operational figures and answer-time counts
per half-hour of the week. Figures of many replications are then aggregated per month
and target: mean compliance with a Student-t 95 % confidence interval over replications,
and the probability of meeting the goal (share of replications that met it) with its own
Wilson 95 % interval, because with 20 replications that share is itself uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# Student's and the normal quantiles through scipy.special (stdtrit, ndtri: what
# scipy.stats' t and norm compute), which imports ten times quicker than scipy.stats.
from scipy import special

from rules.calls import ABANDONED, ANSWERED
from rules.measure import JudgedCalls
from rules.months import MonthGrid

HALF_HOURS_PER_WEEK = 336

CONFIDENCE = 0.95
# What each quantity can be: intervals are cut to it.
UNBOUNDED = (-np.inf, np.inf)
SHARE = (0.0, 1.0)
NON_NEGATIVE = (0.0, np.inf)
# Fewer replications than this give intervals too wide (and too dependent on the normal
# approximation) to trust: reports say so. Student's t with 9 degrees of freedom is within
# 15 % of the normal quantile (2.26 against 1.96); with 2 replications it is 12.7.
FEW_REPLICATIONS = 10

# Columns of each per-replication table (the contract of the results store).
MONTHLY_COLUMNS: tuple[str, ...] = (
    "month",
    "target",
    "kind",
    "counted",
    "met",
    "compliance",
    "goal",
    "goal_met",
    "margin",
    "breached_open",
)
OPERATIONS_COLUMNS: tuple[str, ...] = ("month", "figure", "group", "value")
HALFHOUR_COLUMNS: tuple[str, ...] = ("halfhour", "offered", "counted", "met")
# Monthly rows of the same replication measured against another rule pack (a variant).
VARIANT_COLUMNS: tuple[str, ...] = ("variant", *MONTHLY_COLUMNS)

# Operational figures, in report order; `backlog` is per resolver group; the call figures and
# `service_level` (the first answer-time target's) also per phone option ("option 1"), and
# `occupancy` per level-1 group when there are several.
FIGURES: tuple[str, ...] = ("offered", "answered", "abandoned", "asa", "service_level",
                            "occupancy", "backlog")
OPTION = "option {option}"  # the `group` of a phone option's rows
# The range of each figure (counts and seconds are never negative, shares lie in [0, 1]).
FIGURE_BOUNDS: dict[str, tuple[float, float]] = {
    "offered": NON_NEGATIVE, "answered": NON_NEGATIVE, "abandoned": NON_NEGATIVE,
    "asa": NON_NEGATIVE, "service_level": SHARE, "occupancy": SHARE, "backlog": NON_NEGATIVE,
}


@dataclass(frozen=True)
class ReplicationFigures:
    """Everything kept of one replication: small flat tables, not its event log."""

    monthly: pd.DataFrame  # MONTHLY_COLUMNS, the measurement's monthly rows
    operations: pd.DataFrame  # OPERATIONS_COLUMNS, long format; group "" unless backlog
    halfhours: pd.DataFrame  # HALFHOUR_COLUMNS, answer-time counts per half-hour of the week
    # VARIANT_COLUMNS: the event log measured against other targets (none unless asked)
    variants: pd.DataFrame = field(default_factory=lambda: _empty(VARIANT_COLUMNS))
    # the replication's event log, when the run asked for it (never stored)
    log: Any = None


@dataclass(frozen=True)
class Forecast:
    """Aggregates over replications; every table has a `replications` count column."""

    compliance: pd.DataFrame  # per month per target: mean, CI, goal, P(meet goal)
    operations: pd.DataFrame  # per month per figure (and group): mean and CI
    halfhours: pd.DataFrame  # per half-hour of the week: service level mean and CI


def replication_figures(
    monthly: pd.DataFrame,
    calls: JudgedCalls,
    monitors: pd.DataFrame,
    backlog: pd.DataFrame,
    zone: str,
    options: np.ndarray | None = None,
    group_monitors: pd.DataFrame | None = None,
) -> ReplicationFigures:
    """Summarise one replication from its measurement and its time-weighted monitors.

    ``monthly`` and ``calls`` are ``Measurement.monthly`` and ``Measurement.judged_calls``
    (counted on their codes: one replication's calls are never made a table);
    ``monitors`` and ``backlog`` come from the replication. Calls offered, answered and
    abandoned are counted once each; the half-hours' service level is the first
    answer-time target's. Occupancy is busy agent-time over on-duty agent-time in the
    month (monitors are averages over equal half-hours, so a ratio of sums is the
    time-weighted ratio). With ``options`` (each judged call's phone option), the call
    figures and the service level again per option; with ``group_monitors`` of several
    level-1 groups, the occupancy per group.
    """
    rows: list[pd.DataFrame] = []
    if len(calls):
        rows.append(_call_counts(calls, np.ones(len(calls), dtype=bool), ""))
        for option in sorted(set(options.tolist()) - {""}) if options is not None else ():
            rows.append(_call_counts(calls, options == option, OPTION.format(option=option),
                                     service_level=True))
    if len(monitors):
        rows.append(_occupancy(monitors, zone, ""))
    if group_monitors is not None and group_monitors["group"].nunique() > 1:
        rows += [_occupancy(frame, zone, str(name))
                 for name, frame in group_monitors.groupby("group", sort=False)]
    if len(backlog):
        rows.append(
            pd.DataFrame(
                {
                    "month": backlog["month"].astype(str),
                    "figure": "backlog",
                    "group": backlog["group"].astype(str),
                    "value": backlog["open_tickets"].astype("float64"),
                }
            )
        )
    operations = pd.concat(rows, ignore_index=True) if rows else _empty(OPERATIONS_COLUMNS)
    if len(calls):
        slots = np.bincount(calls.halfhour, minlength=HALF_HOURS_PER_WEEK)
        target = next(iter(calls.targets.values()), None)
        counted = target.counted if target is not None else np.zeros(len(calls), dtype=bool)
        met = counted & target.met if target is not None else counted
        offered = slots > 0
        halfhours = pd.DataFrame(
            {
                "halfhour": np.flatnonzero(offered),
                "offered": slots[offered],
                "counted": np.bincount(calls.halfhour[counted],
                                       minlength=HALF_HOURS_PER_WEEK)[offered],
                "met": np.bincount(calls.halfhour[met], minlength=HALF_HOURS_PER_WEEK)[offered],
            }
        )
    else:
        halfhours = _empty(HALFHOUR_COLUMNS)
    return ReplicationFigures(
        monthly=monthly.loc[:, list(MONTHLY_COLUMNS)].reset_index(drop=True),
        operations=operations.loc[:, list(OPERATIONS_COLUMNS)],
        halfhours=halfhours.loc[:, list(HALFHOUR_COLUMNS)].astype("int64"),
    )


def _call_counts(calls: JudgedCalls, mine: np.ndarray, group: str,
                 service_level: bool = False) -> pd.DataFrame:
    """Calls offered, answered and abandoned per month, the average speed of answer and,
    if asked, the first answer-time target's service level, of the ``mine`` calls."""
    months = len(calls.months)
    month = calls.month[mine]
    answered = calls.outcome[mine] == ANSWERED
    counts = pd.DataFrame(
        {
            "offered": np.bincount(month, minlength=months),
            "answered": np.bincount(month[answered], minlength=months),
            "abandoned": np.bincount(month[calls.outcome[mine] == ABANDONED],
                                     minlength=months),
            # pandas' grouped mean, as ever (compensated sums, NaN without answers)
            "asa": pd.Series(calls.wait[mine][answered]).groupby(month[answered]).mean()
            .reindex(range(months)).to_numpy(),
        },
        index=pd.Index(calls.months, name="month"),
    )
    target = next(iter(calls.targets.values()), None)
    if service_level and target is not None:
        counted = target.counted[mine]
        met = np.bincount(month[counted & target.met[mine]], minlength=months)
        judged = np.bincount(month[counted], minlength=months)
        counts["service_level"] = np.divide(met, judged, out=np.full(months, np.nan),
                                            where=judged > 0)
    return _long(counts[counts["offered"] > 0], group)


def _occupancy(monitors: pd.DataFrame, zone: str, group: str) -> pd.DataFrame:
    """Busy agent-time over on-duty agent-time per month."""
    times = monitors["time"].to_numpy(dtype="float64")
    month = MonthGrid(zone, times.min(), times.max()).label(times)
    busy = monitors["agents_busy"].groupby(month).sum()
    duty = monitors["agents_on_duty"].groupby(month).sum()
    return _long((busy / duty.where(duty > 0)).rename("occupancy").to_frame(), group)


def _long(wide: pd.DataFrame, group: str = "") -> pd.DataFrame:
    """Month-indexed columns of figures → OPERATIONS_COLUMNS rows of ``group``."""
    melted = (
        wide.rename_axis("month")
        .reset_index()
        .melt(id_vars="month", var_name="figure", value_name="value")
    )
    melted["group"] = group
    melted["value"] = melted["value"].astype("float64")
    return melted


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


# -- statistics over replications --------------------------------------------------------


def mean_interval(
    values: Any, confidence: float = CONFIDENCE, bounds: tuple[float, float] = UNBOUNDED
) -> tuple[int, float, float, float]:
    """Count, mean and Student-t interval of the finite values (NaN bounds below 2 values).

    ``bounds`` is the range the quantity can take (a share: ``SHARE``, a count or a
    duration: ``NON_NEGATIVE``); the interval is cut to it, so that a count's interval
    never goes below zero nor a share's above 100 % (with few replications the t-interval
    is wide: see ``FEW_REPLICATIONS``)."""
    data = np.asarray(values, dtype="float64")
    data = data[np.isfinite(data)]
    n = data.size
    if n == 0:
        return 0, np.nan, np.nan, np.nan
    mean = float(data.mean())
    if n < 2:
        return n, mean, np.nan, np.nan
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2) * data.std(ddof=1) / np.sqrt(n))
    low, high = bounds
    return n, mean, max(mean - half, low), min(mean + half, high)


def wilson_interval(
    successes: int, trials: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (sensible even at 0 or n successes)."""
    if trials == 0:
        return np.nan, np.nan
    z = float(special.ndtri(0.5 + confidence / 2))
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def forecast(monthly: pd.DataFrame, operations: pd.DataFrame, halfhours: pd.DataFrame) -> Forecast:
    """Aggregate the per-replication tables (each with a `replication` column)."""
    return Forecast(
        compliance=compliance_forecast(monthly),
        operations=operations_forecast(operations),
        halfhours=halfhour_forecast(halfhours),
    )


def compliance_forecast(
    monthly: pd.DataFrame, keys: tuple[str, ...] = ("month", "target")
) -> pd.DataFrame:
    """Per month per target: mean compliance, 95 % CI, goal, P(meet goal) and its interval.

    A replication in which a target counted nothing that month has no compliance and
    takes part in neither the mean nor P(meet goal); `replications` says how many did.
    Months in which nothing at all was counted are left out. ``keys`` are the grouping
    columns (add ``variant`` for rows measured against several rule packs).
    """
    rows = []
    for values, group in monthly.groupby(list(keys), sort=False):
        n, mean, low, high = mean_interval(group["compliance"], bounds=SHARE)
        judged = group["goal_met"].dropna().astype(bool)
        met = int(judged.sum())
        p_low, p_high = wilson_interval(met, len(judged))
        rows.append(
            {
                **dict(zip(keys, values, strict=True)),
                "kind": group["kind"].iloc[0],
                "replications": n,
                "compliance": mean,
                "ci_low": low,
                "ci_high": high,
                "goal": float(group["goal"].iloc[0]),
                "p_meet": met / len(judged) if len(judged) else np.nan,
                "p_meet_low": p_low,
                "p_meet_high": p_high,
                "counted": float(group["counted"].mean()),
                "breached_open": float(group["breached_open"].mean()),
            }
        )
    columns = [*keys, *(c for c in _COMPLIANCE_COLUMNS if c not in keys)]
    frame = pd.DataFrame(rows, columns=columns)
    # A month in which no target counted anything lies outside the horizon (a warm-up's
    # spill-over): nothing is predicted for it.
    judged = frame.groupby("month")["replications"].transform("max") > 0
    return frame[judged].sort_values("month", kind="stable", ignore_index=True)


_COMPLIANCE_COLUMNS = (
    "month",
    "target",
    "kind",
    "replications",
    "compliance",
    "ci_low",
    "ci_high",
    "goal",
    "p_meet",
    "p_meet_low",
    "p_meet_high",
    "counted",
    "breached_open",
)


def operations_forecast(operations: pd.DataFrame) -> pd.DataFrame:
    """Per month per figure (per group for backlog): mean and 95 % CI over replications."""
    rows = []
    for (month, figure, group), values in operations.groupby(
        ["month", "figure", "group"], sort=False
    ):
        n, mean, low, high = mean_interval(values["value"], bounds=FIGURE_BOUNDS[str(figure)])
        rows.append(
            {
                "month": month,
                "figure": figure,
                "group": group,
                "replications": n,
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["month", "figure", "group", "replications", "mean", "ci_low", "ci_high"]
    )
    order = {name: i for i, name in enumerate(FIGURES)}
    rank = frame["figure"].map(order).fillna(len(FIGURES))
    return (
        frame.assign(_rank=rank)
        .sort_values(["month", "_rank", "group"], kind="stable", ignore_index=True)
        .drop(columns="_rank")
    )


def halfhour_forecast(halfhours: pd.DataFrame) -> pd.DataFrame:
    """Per half-hour of the week: answer-time service level, mean and CI over replications.

    Half-hours in which a replication counted no call (nights, closed hours) give it no
    service level there; the mean offered calls per replication shows the volume.
    """
    runs = max(1, halfhours["replication"].nunique()) if len(halfhours) else 1
    rows = []
    for _, group in halfhours.groupby("halfhour", sort=True):
        counted = group["counted"].to_numpy(dtype="float64")
        level = np.divide(
            group["met"].to_numpy(dtype="float64"),
            counted,
            out=np.full(counted.shape, np.nan),
            where=counted > 0,
        )
        n, mean, low, high = mean_interval(level, bounds=SHARE)
        rows.append(
            {
                "halfhour": int(group["halfhour"].iloc[0]),
                "replications": n,
                "offered": float(group["offered"].sum()) / runs,
                "service_level": mean,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["halfhour", "replications", "offered", "service_level", "ci_low", "ci_high"],
    )
