"""Duration laws fitted to observed durations by maximum likelihood, judged by their fit.

Calibration (:mod:`sim.calibration`) turns the durations of a real event log into the
distributions a scenario declares. Each candidate family (lognormal, gamma, Weibull, with
their origin at zero) is fitted with ``scipy.stats``; the one closest to the sample in
Kolmogorov–Smirnov distance is chosen, because a compliance figure is the law's CDF at a
threshold and the KS distance bounds the error on every such CDF value. The AIC is
reported beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from rules.errors import DataError
from rules.units import format_duration

from .distributions import Distribution, Gamma, Lognormal, Weibull

FAMILIES: tuple[str, ...] = ("lognormal", "gamma", "weibull")
MIN_SAMPLE = 10  # fewer durations than this give no usable shape


@dataclass(frozen=True)
class Fit:
    """One family fitted to a sample: the law (as the simulator draws it), its
    log-likelihood on the sample and its Kolmogorov–Smirnov distance to the sample."""

    family: str
    distribution: Distribution
    n: int
    log_likelihood: float
    ks: float

    @property
    def aic(self) -> float:
        """Akaike's criterion, 2 parameters for every family."""
        return 4.0 - 2.0 * self.log_likelihood

    @property
    def mean(self) -> float:
        return self.distribution.mean

    @property
    def cv(self) -> float:
        return math.sqrt(self.distribution.variance) / self.distribution.mean

    def spec(self) -> dict[str, Any]:
        """The scenario file's form: ``{dist: lognormal, mean: 6h, cv: 1.4}`` (Weibull by
        shape and scale, as scenarios declare it), durations as :func:`written_duration`."""
        if isinstance(self.distribution, Weibull):
            return {"dist": "weibull", "shape": round(float(self.distribution.shape), 3),
                    "scale": written_duration(self.distribution.scale)}
        return {"dist": self.family, "mean": written_duration(self.mean),
                "cv": round(float(self.cv), 2)}


def written_duration(seconds: float) -> str:
    """A duration as a scenario declares it: to the second below an hour, else in hours
    and minutes ("29h 20min": business time is counted in hours, not days)."""
    if seconds < 3600:
        return format_duration(seconds)
    minutes = round(seconds / 60)
    return f"{minutes // 60}h" + (f" {minutes % 60}min" if minutes % 60 else "")


@dataclass(frozen=True)
class DurationFit:
    """Every candidate family fitted to one sample, best (smallest KS distance) first."""

    fits: tuple[Fit, ...]

    @property
    def best(self) -> Fit:
        return self.fits[0]

    @property
    def n(self) -> int:
        return self.best.n


def fit_family(values: np.ndarray, family: str) -> Fit:
    """Maximum-likelihood fit of one family (origin fixed at 0) to positive durations."""
    x = _checked(values)
    # Fitting in units of the sample's geometric mean keeps the optimisers well scaled
    # whatever the unit (seconds of a call or of a month-long ticket).
    unit = float(np.exp(np.mean(np.log(x))))
    y = x / unit
    law: Any
    distribution: Distribution
    if family == "lognormal":
        s, _, scale = stats.lognorm.fit(y, floc=0)
        law = stats.lognorm(s, scale=scale)
        distribution = Lognormal(unit * scale * math.exp(s * s / 2), math.sqrt(math.expm1(s * s)))
    elif family == "gamma":
        a, _, scale = stats.gamma.fit(y, floc=0)
        law = stats.gamma(a, scale=scale)
        distribution = Gamma(unit * a * scale, 1.0 / math.sqrt(a))
    elif family == "weibull":
        c, _, scale = stats.weibull_min.fit(y, floc=0)
        law = stats.weibull_min(c, scale=scale)
        distribution = Weibull(float(c), unit * scale)
    else:
        raise ValueError(f"unknown family {family!r}; choose one of {', '.join(FAMILIES)}")
    log_likelihood = float(np.sum(law.logpdf(y))) - x.size * math.log(unit)
    ks = float(stats.kstest(y, law.cdf).statistic)
    return Fit(family, distribution, int(x.size), log_likelihood, ks)


def fit_durations(values: np.ndarray, families: Sequence[str] = FAMILIES) -> DurationFit:
    """Fit every family to positive durations (seconds); the closest in KS distance first."""
    x = _checked(values)
    fits = sorted((fit_family(x, f) for f in families), key=lambda f: (f.ks, f.aic))
    return DurationFit(tuple(fits))


def _checked(values: np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    if x.size < MIN_SAMPLE:
        raise DataError(f"{x.size} durations: at least {MIN_SAMPLE} are needed to fit a law")
    if not (np.isfinite(x).all() and (x > 0).all()):
        raise DataError("durations to fit must be finite and above zero")
    return x
