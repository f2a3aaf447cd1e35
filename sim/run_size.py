"""The size of a replication, estimated when a scenario is loaded, so that a file
``cau validate`` accepts is also one the simulator can hold.

Every contact of a replication (a call, an e-mail, a ticket of the initial backlog, a
call of an outage's surge) is drawn up front and kept, with its events, until the
replication is measured: memory grows with their number, about
:data:`BYTES_PER_CONTACT` each (measured: the baseline scenario at ``scale: 40``,
590,000 contacts, peaks 430 MB above the baseline's own 296 MB). The expected number of
contacts is known before anything is drawn (declared volumes × scale × growth over the
warm-up and the horizon, surges × scale, backlog counts), so a scenario asking for more
than :data:`MAX_CONTACTS` is refused at load time, at the place that asks for most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rules.document import format_path
from rules.pack import RulePack

from .demand import HALF_HOUR, rate_grid
from .scenario import Scenario

# At most this many contacts in one replication: about 5 GB with each worker holding
# one replication, on machines of 24 GiB that several people share.
MAX_CONTACTS = 5_000_000
BYTES_PER_CONTACT = 1_000


@dataclass(frozen=True)
class RunSize:
    """Expected contacts of one replication, by the scenario key that asks for them."""

    parts: dict[tuple[str | int, ...], float]  # key path (as Document positions) → contacts

    @property
    def contacts(self) -> float:
        return float(sum(self.parts.values()))

    @property
    def largest(self) -> tuple[str | int, ...]:
        """The key whose contacts are the most (where a refusal is reported)."""
        return max(self.parts, key=lambda key: self.parts[key])

    @property
    def fits(self) -> bool:
        return self.contacts <= MAX_CONTACTS

    def describe(self) -> str:
        """``about 5.5e+09 contacts per replication (≈ 5.5 TB): …`` with the parts."""
        shown = sorted(self.parts.items(), key=lambda item: -item[1])[:3]
        return (f"about {_count(self.contacts)} contacts per replication (≈ "
                f"{_bytes(self.contacts * BYTES_PER_CONTACT)} of memory): "
                + ", ".join(f"{_count(n)} from {format_path(key)}" for key, n in shown))


def run_size(scenario: Scenario, pack: RulePack) -> RunSize:
    """The expected contacts of one replication of ``scenario``, warm-up included."""
    demand = scenario.demand
    grid = rate_grid(scenario, pack, pack.zone)
    parts: dict[tuple[str | int, ...], float] = {}
    for i, stream in enumerate(demand.streams):  # a scale above 1 is what asks for more
        where = ("demand", "scale") if demand.scale > 1 else ("demand", "streams", i,
                                                              "per_month")
        parts[where] = parts.get(where, 0.0) + float(np.sum(grid.rates[stream.name]) * HALF_HOUR)
    for i, outage in enumerate(demand.outages):
        parts[("demand", "outages", i, "surge", "calls")] = outage.surge_calls * demand.scale
    backlog = scenario.horizon.initial_backlog
    if backlog is not None:
        parts[("horizon", "initial_backlog", "tickets")] = float(
            sum(sum(counts.values()) for counts in backlog.tickets.values()))
    return RunSize(parts)


def _count(value: float) -> str:
    return f"{value:,.0f}" if value < 1e12 else f"{value:.2g}"


def _bytes(size: float) -> str:
    unit = "bytes"
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            break
        size /= 1000
    return f"{size:,.1f} {unit}" if size < 1e6 else f"{size:.2g} {unit}"
