"""Queueing formulas of a call centre: Erlang B, Erlang C (M/M/c) and Erlang A (M/M/c+M).

They give a planner a first answer in microseconds and give the simulator a theory to be
proved against. Rates are per second, times in seconds; ``rate`` is the arrival rate λ,
``aht`` the mean handling time 1/μ, ``patience`` the mean patience 1/θ of Erlang A.

Erlang A follows Garnett, Mandelbaum & Reiman, "Designing a call center with impatient
customers", M&SOM 4(3), 2002, and Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with
applications to call centers" (2005 teaching note): with x = cμ/θ, y = λ/θ and the lower
incomplete gamma function γ,

    A(x, y) = x e^y y^-x γ(x, y),     P(W > 0) = A E / (1 + (A - 1) E),

E the Erlang B blocking of c servers under λ/μ. The offered wait V (the wait of a caller
with infinite patience) then has P(V > t) = P(W > 0) γ(x, y e^-θt) / γ(x, y), from which
every measure below is an exact closed form, except the mean wait of answered callers,
which integrates that exact density numerically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rules.errors import DataError

# Agents of one queue: far more than any contact centre (the formulas' cost grows with
# the agents up to the offered load).
MAX_AGENTS = 1_000_000


def _check(rate: float, aht: float, agents: int) -> None:
    if not (math.isfinite(rate) and rate > 0):
        raise DataError(f"arrival rate: expected a positive number per second, found {rate}")
    if not (math.isfinite(aht) and aht > 0):
        raise DataError(f"handling time: expected a positive number of seconds, found {aht}")
    if isinstance(agents, bool) or int(agents) != agents or not 1 <= agents <= MAX_AGENTS:
        raise DataError(f"agents: expected a whole number from 1 to {MAX_AGENTS:,}, found "
                        f"{agents}")


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of ``agents`` servers under ``load`` Erlangs (λ/μ).

    The recursion B(k) = a B(k-1) / (k + a B(k-1)) never overflows, unlike the closed
    form (a^c / c!) / Σ a^k / k!.
    """
    if isinstance(agents, bool) or int(agents) != agents or not 0 <= agents <= MAX_AGENTS:
        raise DataError(f"agents: expected a whole number from 0 to {MAX_AGENTS:,}, found "
                        f"{agents}")
    blocking = 1.0
    for k in range(1, int(agents) + 1):
        blocking = load * blocking / (k + load * blocking)
        if blocking == 0.0:  # underflowed far above the load: it stays 0 for more agents
            break
    return blocking


@dataclass(frozen=True)
class ErlangC:
    """M/M/c: Poisson arrivals, exponential handling, ``agents`` servers, nobody hangs up."""

    rate: float
    aht: float
    agents: int

    def __post_init__(self) -> None:
        _check(self.rate, self.aht, self.agents)
        if self.load >= self.agents:
            raise DataError(
                f"Erlang C needs fewer Erlangs than agents: found {self.load:.3g} Erlangs "
                f"for {self.agents} agents. Add agents, or use Erlang A (with patience)."
            )

    @property
    def load(self) -> float:
        """Offered load a = λ/μ in Erlangs."""
        return self.rate * self.aht

    @property
    def occupancy(self) -> float:
        return self.load / self.agents

    @property
    def p_wait(self) -> float:
        """Probability that a caller waits at all (the Erlang C formula)."""
        b = erlang_b(self.agents, self.load)
        return self.agents * b / (self.agents - self.load * (1.0 - b))

    def _drain(self) -> float:
        return self.agents / self.aht - self.rate  # cμ - λ

    def service_level(self, threshold: float) -> float:
        """P(wait ≤ T) = 1 - C e^{-(cμ-λ)T}."""
        return 1.0 - self.p_wait * math.exp(-self._drain() * threshold)

    @property
    def asa(self) -> float:
        """Average speed of answer over all callers, C / (cμ - λ) seconds."""
        return self.p_wait / self._drain()


def _log_lower_gamma(a: float, z: float) -> float:
    """log γ(a, z), the unregularised lower incomplete gamma function.

    scipy's regularised ``gammainc`` underflows far below the mode (z ≪ a, both large,
    as when patience is very long); there the series γ(a,z) = z^a e^-z Σ z^k / (a(a+1)…(a+k))
    converges geometrically and is summed in logs.
    """
    from scipy import special  # here: loading a scenario (Erlang C checks) needs no scipy

    if z <= 0.0:
        return -math.inf
    regularised = float(special.gammainc(a, z))
    if regularised > 1e-280:
        return float(special.gammaln(a)) + math.log(regularised)
    ratio = z / a  # < 1 here: underflow only happens below the mode
    terms = int(min(1e7, 50 + 40.0 / max(-math.log(ratio), 1e-12)))
    logs = np.cumsum(np.log(z / (a + np.arange(1, terms))))
    log_sum = float(special.logsumexp(np.concatenate(([0.0], logs))))
    return a * math.log(z) - z - math.log(a) + log_sum


@dataclass(frozen=True)
class ErlangA:
    """M/M/c+M: as Erlang C, and each waiting caller hangs up after an exponential
    patience of mean ``patience`` seconds (Palm's model)."""

    rate: float
    aht: float
    agents: int
    patience: float

    def __post_init__(self) -> None:
        _check(self.rate, self.aht, self.agents)
        if not (self.patience > 0):
            raise DataError(f"patience: expected a positive mean in seconds, found {self.patience}")

    @property
    def load(self) -> float:
        return self.rate * self.aht

    @property
    def _x(self) -> float:
        return self.agents * self.patience / self.aht  # cμ/θ

    @property
    def _y(self) -> float:
        return self.rate * self.patience  # λ/θ

    def _log_gamma_ratio(self, a: float, z: float) -> float:
        """log of γ(a, z) / γ(x, y): every measure is a ratio of these, which stay finite."""
        return _log_lower_gamma(a, z) - _log_lower_gamma(self._x, self._y)

    @property
    def p_wait(self) -> float:
        """P(W > 0), probability that a caller finds every agent busy."""
        x, y = self._x, self._y
        log_a = math.log(x) + y - x * math.log(y) + _log_lower_gamma(x, y)
        inv_a = math.exp(-log_a)
        blocking = erlang_b(self.agents, self.load)
        if blocking == 0.0:  # so many agents that nobody waits (to double precision)
            return 0.0
        return 1.0 / (inv_a / blocking + 1.0 - inv_a)

    def p_offered_wait_above(self, t: float) -> float:
        """P(V > t) for the offered wait V (what a caller who never hangs up would wait)."""
        x, y = self._x, self._y
        return self.p_wait * math.exp(self._log_gamma_ratio(x, y * math.exp(-t / self.patience)))

    def _scaled(self, a: float, t: float) -> float:
        """γ(a, y e^-θt) / (y γ(x, y)), the building block of the answered/abandoned laws."""
        y = self._y
        return math.exp(self._log_gamma_ratio(a, y * math.exp(-t / self.patience))) / y

    def p_answered_within(self, threshold: float) -> float:
        """Share of offered calls answered within ``threshold`` seconds."""
        x = self._x
        waited = self._scaled(x + 1.0, 0.0) - self._scaled(x + 1.0, threshold)
        return 1.0 - self.p_wait + self.p_wait * waited

    def p_abandoned_within(self, t: float) -> float:
        """Share of offered calls that hang up within ``t`` seconds of queueing."""
        x, y = self._x, self._y
        w = math.exp(-t / self.patience)
        at_inf = 1.0 - self._scaled(x + 1.0, 0.0)
        at_t = w * math.exp(self._log_gamma_ratio(x, y * w)) - self._scaled(x + 1.0, t)
        return self.p_wait * (at_inf - at_t)

    @property
    def p_abandon(self) -> float:
        """Share of offered calls that hang up: P(W>0) (1 - 1/ρ + 1/(ρA)), ρ = λ/(cμ)."""
        return self.p_abandoned_within(math.inf)

    def service_level(self, threshold: float, grace: float = 0.0) -> float:
        """Answered within T over calls that did not hang up within ``grace`` (the pack's
        usual definition; grace 0 gives the share of all offered calls)."""
        return self.p_answered_within(threshold) / (1.0 - self.p_abandoned_within(grace))

    @property
    def mean_wait(self) -> float:
        """Mean time in queue over all callers, answered or not: P(Ab)/θ."""
        return self.p_abandon * self.patience

    @property
    def asa(self) -> float:
        """Average speed of answer: the mean wait of the callers who are answered."""
        # With s = y e^{-θv}: E[W; answered] = P(W>0)/γ(x,y) ∫_0^y ln(y/s)/θ (s/y) s^{x-1} e^-s ds,
        # a finite integral whose mass sits near min(x, y); far below it is negligible.
        if self.p_wait == 0.0:
            return 0.0
        from scipy import integrate

        x, y = self._x, self._y
        log_norm = _log_lower_gamma(x, y) + math.log(y)
        peak = min(x, y)
        width = math.sqrt(peak + 1.0)  # of the gamma-like bump, or of the rise up to y
        if x > y + 1.0:
            width = min(width, y / (x - 1.0 - y))
        low = max(0.0, peak - 40.0 * width)

        def integrand(s: float) -> float:
            if s <= 0.0:
                return 0.0
            return math.log(y / s) * self.patience * math.exp(x * math.log(s) - s - log_norm)

        breaks = [peak] if peak < y else None
        waited, _ = integrate.quad(integrand, low, y, points=breaks, limit=200)
        return self.p_wait * waited / (1.0 - self.p_abandon)

    @property
    def occupancy(self) -> float:
        """Busy share of agents: the answered load over the agents."""
        return self.load * (1.0 - self.p_abandon) / self.agents


def agents_needed(
    rate: float,
    aht: float,
    threshold: float,
    goal: float,
    patience: float | None = None,
    max_agents: int = 10_000,
) -> int:
    """Fewest agents whose service level at ``threshold`` reaches ``goal``: Erlang C, or
    Erlang A when a mean ``patience`` is given (an infinite one is Erlang C's).

    The service level grows with the agents, so the answer is bracketed by doubling and
    then bisected: a few dozen evaluations, whatever the load."""
    if not 0.0 < goal < 1.0:
        raise DataError(f"goal: expected a fraction strictly between 0 and 1, found {goal}")
    _check(rate, aht, 1)
    if patience is not None and math.isinf(patience):
        patience = None
    low = 0 if patience is not None else math.floor(rate * aht)  # meets nothing (or cannot)

    def meets(agents: int) -> bool:
        model: ErlangA | ErlangC = (
            ErlangA(rate, aht, agents, patience) if patience is not None
            else ErlangC(rate, aht, agents)
        )
        return model.service_level(threshold) >= goal

    if low >= max_agents or not meets(max_agents):
        raise DataError(f"no staffing of up to {max_agents:,} agents reaches a service level "
                        f"of {goal:.0%} (offered load: {rate * aht:,.1f} Erlangs)")
    high = max(low + 1, 1)
    while not meets(high):  # low < answer ≤ max_agents
        low, high = high, min(2 * high, max_agents)
    while high - low > 1:  # low fails, high meets
        middle = (low + high) // 2
        low, high = (low, middle) if meets(middle) else (middle, high)
    return high
