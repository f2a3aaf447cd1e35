"""Durations drawn at random: small objects that know their mean and variance, in seconds.

Each draws whole numpy vectors (``sample(rng, n)``), which is what keeps the simulator
fast. Scenarios declare them as ``{dist: lognormal, mean: 6min, cv: 0.8}``;
:func:`parse_distribution` builds them from such a YAML node, recording every problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from rules.document import Document, Node
from rules.errors import DataError


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise DataError(f"{name}: expected a positive number, found {value!r}")


class Distribution(Protocol):
    """A law of durations in seconds: its mean, its variance, and vectors of draws."""

    @property
    def mean(self) -> float: ...

    @property
    def variance(self) -> float: ...

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws, float64 seconds."""
        ...


@dataclass(frozen=True)
class Exponential:
    mean: float

    def __post_init__(self) -> None:
        _positive("mean", self.mean)

    @property
    def variance(self) -> float:
        return self.mean**2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)


@dataclass(frozen=True)
class _MeanAndCv:
    """A law given by its mean and coefficient of variation, as handling times are quoted."""

    mean: float
    cv: float

    def __post_init__(self) -> None:
        _positive("mean", self.mean)
        _positive("cv", self.cv)

    @property
    def variance(self) -> float:
        return (self.cv * self.mean) ** 2


@dataclass(frozen=True)
class Lognormal(_MeanAndCv):
    """Lognormal with the given mean and coefficient of variation (handling times)."""

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)


@dataclass(frozen=True)
class Gamma(_MeanAndCv):
    """Gamma with the given mean and coefficient of variation (shape 1/cv²)."""

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(1.0 / self.cv**2, self.mean * self.cv**2, n)


@dataclass(frozen=True)
class Weibull:
    """Weibull of ``shape`` k and ``scale`` λ seconds: P(X > x) = exp(-(x/λ)^k)."""

    shape: float
    scale: float

    def __post_init__(self) -> None:
        _positive("shape", self.shape)
        _positive("scale", self.scale)

    @property
    def mean(self) -> float:
        return self.scale * math.gamma(1 + 1 / self.shape)

    @property
    def variance(self) -> float:
        g1, g2 = math.gamma(1 + 1 / self.shape), math.gamma(1 + 2 / self.shape)
        return self.scale**2 * (g2 - g1**2)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, n)


@dataclass(frozen=True)
class Deterministic:
    value: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and self.value >= 0):
            raise DataError(f"value: expected a duration of at least 0, found {self.value!r}")

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))


INFINITE = "infinite"  # the patience of callers who never hang up


@dataclass(frozen=True)
class Never:
    """A time that never runs out: the patience of callers who never hang up (Erlang C's
    assumption). Written ``patience: infinite`` in a scenario; every draw is infinite."""

    @property
    def mean(self) -> float:
        return math.inf

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, math.inf)


@dataclass(frozen=True)
class Empirical:
    """Resampling of observed durations, each equally likely."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        array = np.asarray(self.values, dtype=float)
        if array.size == 0 or not np.isfinite(array).all() or (array < 0).any():
            raise DataError("values: expected a non-empty list of durations of at least 0")

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def variance(self) -> float:
        return float(np.var(self.values))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)


# -- declarative form ----------------------------------------------------------------------
def _number(node: Node) -> float | None:
    return node.number(low=0.0) if node.value is not None else None


def _build_empirical(node: Node) -> Distribution | None:
    values = [item.duration() for item in node["values"].list()]
    if any(v is None for v in values) or not values:
        return None
    return Empirical(tuple(float(v) for v in values if v is not None))


# kind → (keys beyond "dist", builder from the checked node)
_KINDS: dict[str, tuple[tuple[str, ...], Callable[[Node], Distribution | None]]] = {
    "exponential": (("mean",), lambda n: _make(Exponential, n["mean"].duration())),
    "lognormal": (
        ("mean", "cv"), lambda n: _make(Lognormal, n["mean"].duration(), _number(n["cv"]))
    ),
    "gamma": (("mean", "cv"), lambda n: _make(Gamma, n["mean"].duration(), _number(n["cv"]))),
    "weibull": (
        ("shape", "scale"), lambda n: _make(Weibull, _number(n["shape"]), n["scale"].duration())
    ),
    "deterministic": (("value",), lambda n: _make(Deterministic, n["value"].duration())),
    "empirical": (("values",), _build_empirical),
}


def _make(kind: Callable[..., Distribution], *args: float | None) -> Distribution | None:
    if any(a is None for a in args):
        return None
    return kind(*args)


def parse_distribution(node: Node) -> Distribution | None:
    """The distribution a scenario node declares, or None after recording its problems.

    ``{dist: exponential, mean: 3min}``, ``{dist: lognormal|gamma, mean: 6min, cv: 0.8}``,
    ``{dist: weibull, shape: 1.5, scale: 4min}``, ``{dist: deterministic, value: 30s}``,
    ``{dist: empirical, values: [2min, 3min 30s, …]}``.
    """
    if not isinstance(node.value, dict) or "dist" not in node.value:
        node.report('a distribution such as {dist: lognormal, mean: 6min, cv: 0.8}')
        return None
    kind = node["dist"].choice(_KINDS, "a distribution among")
    if kind is None:
        return None
    keys, build = _KINDS[kind]
    if not node.mapping(required=("dist", *keys)):
        return None
    try:
        return build(node)
    except DataError as exc:  # a value the node accessors let through (cv of 0, shape 0…)
        node.report(f"parameters of a {kind} distribution", str(exc))
        return None


def parse_patience(node: Node) -> Distribution | None:
    """Callers' patience: a distribution, or ``infinite`` for callers who never hang up
    (Erlang C's queue, :class:`Never`)."""
    if node.value == INFINITE:
        return Never()
    if isinstance(node.value, str):
        node.report(f'a distribution such as {{dist: exponential, mean: 4min}}, or "{INFINITE}" '
                    "for callers who never hang up")
        return None
    return parse_distribution(node)


def distribution_from_spec(spec: Mapping[str, Any], source: str = "distribution") -> Distribution:
    """The distribution of a plain spec dict; raises ValidationError listing its problems."""
    document = Document(source, "")
    result = parse_distribution(Node(document, (), dict(spec)))
    document.raise_problems()
    if result is None:  # parse_distribution records a problem whenever it returns None
        raise DataError(f"{source}: not a distribution")
    return result
