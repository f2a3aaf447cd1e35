"""Scenarios side by side on common random numbers: what each predicts, and how far it is
from the first, with an interval of its own.

Replication ``i`` of every scenario run with one seed draws from the same streams (one per
random source, :mod:`sim.rng`), so the arrivals, durations and patiences of scenario B's
replication ``i`` are those of scenario A's wherever the two models consume them alike.
The difference of two scenarios is then estimated replication by replication (a paired
comparison): its variance is Var(A) + Var(B) − 2 Cov(A, B), narrower than two separate
intervals suggest when the replications are positively correlated. Identical scenarios
give differences of exactly 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .forecast import compliance_forecast, mean_interval

# Columns of compare_compliance: the forecast of each scenario (its index and label), and
# its difference to the first scenario, mean and 95 % Student interval over paired
# replications (`paired`: replications judged in both).
COMPARISON_COLUMNS: tuple[str, ...] = (
    "month", "target", "kind", "scenario", "label", "replications", "compliance", "ci_low",
    "ci_high", "goal", "p_meet", "p_meet_low", "p_meet_high", "counted", "paired",
    "difference", "difference_low", "difference_high",
)


def compare_compliance(monthly: Sequence[pd.DataFrame], labels: Sequence[str]) -> pd.DataFrame:
    """Per month, target and scenario: the predicted compliance (as
    :func:`sim.forecast.compliance_forecast`) and its paired difference to scenario 0.

    ``monthly[k]`` holds scenario ``k``'s per-replication monthly rows (a `replication`
    column and the measurement's columns), all run with the same seed.
    """
    if len(monthly) != len(labels) or not monthly:
        raise ValueError("one table of monthly rows per label, at least one")
    reference = _by_replication(monthly[0])
    frames = []
    for k, (rows, label) in enumerate(zip(monthly, labels, strict=True)):
        predicted = compliance_forecast(rows)
        paired = _paired(_by_replication(rows), reference)
        predicted = predicted.merge(paired, on=["month", "target"], how="left")
        frames.append(predicted.assign(scenario=k, label=label))
    frame = pd.concat(frames, ignore_index=True)
    frame["paired"] = frame["paired"].fillna(0).astype("int64")
    return frame.sort_values(["month", "scenario"], kind="stable", ignore_index=True).loc[
        :, list(COMPARISON_COLUMNS)]


def _by_replication(rows: pd.DataFrame) -> pd.Series:
    return rows.set_index(["month", "target", "replication"])["compliance"].astype("float64")


def _paired(values: pd.Series, reference: pd.Series) -> pd.DataFrame:
    """Mean and interval of ``values`` − ``reference``, replication by replication."""
    both = pd.concat({"mine": values, "first": reference}, axis=1, join="inner")
    both["difference"] = both["mine"] - both["first"]
    rows = []
    for (month, target), group in both.groupby(level=["month", "target"], sort=False):
        n, mean, low, high = mean_interval(group["difference"])
        rows.append({"month": month, "target": target, "paired": n, "difference": mean,
                     "difference_low": low, "difference_high": high})
    return pd.DataFrame(rows, columns=["month", "target", "paired", "difference",
                                       "difference_low", "difference_high"])


def compare_operations(operations: Sequence[pd.DataFrame], labels: Sequence[str]
                       ) -> pd.DataFrame:
    """The forecasts' operational figures (``Forecast.operations``) of every scenario in
    one table: month, figure, group, then per scenario its mean (column = its label)."""
    frames = [ops.assign(label=label) for ops, label in zip(operations, labels, strict=True)]
    long = pd.concat(frames, ignore_index=True)
    wide = long.pivot_table(index=["month", "figure", "group"], columns="label", values="mean",
                            aggfunc="first", sort=False)
    return wide.reindex(columns=list(labels)).reset_index().rename_axis(columns=None)
