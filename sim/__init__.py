"""sim: the CAU simulator — queueing formulas, random durations and arrivals, shifts, the
level-1 contact centre, and the whole-CAU replication that writes event logs.

The names below are the package's public API; a test keeps this list and the modules in
step. The simulator never judges its logs: ``rules.measure`` does.
"""

from .arrivals import nhpp_arrivals
from .contact_centre import (
    CallOutcomes,
    ContactCentre,
    ContactCentreRun,
    EmailOutcomes,
    simulate_contact_centre,
    time_average,
)
from .distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Weibull,
    distribution_from_spec,
    parse_distribution,
)
from .erlang import ErlangA, ErlangC, agents_needed, erlang_b
from .rng import SOURCES, Streams
from .staffing import Shift, Staffing, StaffingSteps, parse_staffing

__all__ = [
    "SOURCES",
    "CallOutcomes",
    "ContactCentre",
    "ContactCentreRun",
    "Deterministic",
    "Distribution",
    "EmailOutcomes",
    "Empirical",
    "ErlangA",
    "ErlangC",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Shift",
    "Staffing",
    "StaffingSteps",
    "Streams",
    "Weibull",
    "agents_needed",
    "distribution_from_spec",
    "erlang_b",
    "nhpp_arrivals",
    "parse_distribution",
    "parse_staffing",
    "simulate_contact_centre",
    "time_average",
]
