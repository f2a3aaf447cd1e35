"""Arrival instants of a non-homogeneous Poisson process with a piecewise-constant rate.

Exact, not approximate: given the rate λ_k of bin k, the number of arrivals in the bin is
Poisson(λ_k Δ) and, given that number, the instants are independent and uniform over the
bin (the order-statistics property of the Poisson process). Bins are drawn independently,
so nothing is lost or doubled where the rate changes, and the whole draw is three numpy
calls however many bins there are.
"""

from __future__ import annotations

import numpy as np

from rules.errors import DataError


def nhpp_arrivals(
    starts: np.ndarray, step: float, rates: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival instants over bins ``[starts[k], starts[k] + step)`` at ``rates[k]``
    arrivals per second (bins need not be contiguous; outside them the rate is 0)."""
    starts = np.asarray(starts, dtype=float)
    rates = np.asarray(rates, dtype=float)
    if starts.shape != rates.shape or starts.ndim != 1:
        raise DataError(
            f"arrival rates: expected one rate per bin, found {rates.size} rates "
            f"for {starts.size} bins"
        )
    if not (step > 0) or not np.isfinite(rates).all() or (rates < 0).any():
        raise DataError("arrival rates: expected a positive bin width and rates of at least 0")
    if starts.size > 1 and (np.diff(starts) < step).any():
        raise DataError("arrival rates: expected bins in time order that do not overlap")
    counts = rng.poisson(rates * step)
    times = np.repeat(starts, counts) + step * rng.random(int(counts.sum()))
    return np.sort(times)
