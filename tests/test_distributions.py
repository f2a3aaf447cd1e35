"""Distributions: declared means and variances match draws, inside confidence intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rules.errors import ValidationError
from sim.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Weibull,
    distribution_from_spec,
)
from sim.rng import Streams

LAWS: list[Distribution] = [
    Exponential(180.0),
    Lognormal(360.0, 0.8),
    Gamma(300.0, 0.5),
    Weibull(1.5, 240.0),
    Empirical((60.0, 90.0, 300.0, 1200.0)),
]


@pytest.mark.parametrize("law", LAWS, ids=lambda d: type(d).__name__)
def test_sample_mean_and_variance_match_the_declared_ones(law: Distribution) -> None:
    # 30 independent batches; a 99.9 % t-interval over the batch means and variances.
    streams = Streams(np.random.SeedSequence(20240601))
    draws = law.sample(streams["handling"], 30 * 20_000).reshape(30, -1)
    t = stats.t.ppf(0.9995, df=29)
    for observed, declared in ((draws.mean(axis=1), law.mean), (draws.var(axis=1), law.variance)):
        half = t * observed.std(ddof=1) / math.sqrt(observed.size)
        assert abs(observed.mean() - declared) < half, (type(law).__name__, declared)
    assert (draws >= 0).all()


def test_deterministic_is_always_its_value() -> None:
    law = Deterministic(30.0)
    assert (law.sample(np.random.default_rng(1), 5) == 30.0).all()
    assert (law.mean, law.variance) == (30.0, 0.0)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"dist": "exponential", "mean": "3min"}, Exponential(180.0)),
        ({"dist": "lognormal", "mean": "6min", "cv": 0.8}, Lognormal(360.0, 0.8)),
        ({"dist": "gamma", "mean": "5min", "cv": 0.5}, Gamma(300.0, 0.5)),
        ({"dist": "weibull", "shape": 1.5, "scale": "4min"}, Weibull(1.5, 240.0)),
        ({"dist": "deterministic", "value": "30s"}, Deterministic(30.0)),
        ({"dist": "empirical", "values": ["1min", "90s"]}, Empirical((60.0, 90.0))),
    ],
)
def test_specs_build_the_declared_distribution(spec: dict[str, object], expected: object) -> None:
    assert distribution_from_spec(spec) == expected


def test_bad_specs_name_every_problem() -> None:
    with pytest.raises(ValidationError) as caught:
        distribution_from_spec({"dist": "lognormal", "mean": 6, "cv": 0.8, "sd": 1})
    text = str(caught.value)
    assert "mean: expected a duration" in text and 'unknown key "sd"' in text
    with pytest.raises(ValidationError, match='Did you mean "lognormal"'):
        distribution_from_spec({"dist": "lognormale", "mean": "6min"})
    with pytest.raises(ValidationError, match="positive number"):
        distribution_from_spec({"dist": "gamma", "mean": "6min", "cv": 0})
    with pytest.raises(ValidationError, match='a key "cv"'):
        distribution_from_spec({"dist": "gamma", "mean": "6min"})
