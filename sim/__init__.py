"""sim: the CAU simulator — scenarios (loaded with their capacity warnings), queueing
formulas, random durations and arrivals, shifts, the level-1 contact centre (its agent
groups as a SimPy model, one group by the fast path), the whole-CAU replication that
writes event logs, and the replications runner with its results store and forecast.

The names below are the package's public API; a test keeps this list and the modules in
step. The simulator never judges its logs: ``rules.measure`` does.
"""

from .agent_groups import AgentGroups, DeskGroup, Route
from .arrivals import nhpp_arrivals
from .contact_centre import (
    CallOutcomes,
    ContactCentre,
    ContactCentreRun,
    EmailOutcomes,
    simulate_contact_centre,
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
from .forecast import Forecast, ReplicationFigures
from .model import Replication, simulate_replication
from .replications import Cluster, RunResult, child_seeds, run_replications
from .rng import SOURCES, Streams
from .scenario import Scenario, ScenarioWarning
from .scenario_loader import load_scenario
from .staffing import Shift, Staffing, StaffingSteps, parse_staffing
from .store import ResultStore

__all__ = [
    "SOURCES",
    "AgentGroups",
    "CallOutcomes",
    "Cluster",
    "ContactCentre",
    "ContactCentreRun",
    "DeskGroup",
    "Deterministic",
    "Distribution",
    "EmailOutcomes",
    "Empirical",
    "ErlangA",
    "ErlangC",
    "Exponential",
    "Forecast",
    "Gamma",
    "Lognormal",
    "Replication",
    "ReplicationFigures",
    "ResultStore",
    "Route",
    "RunResult",
    "Scenario",
    "ScenarioWarning",
    "Shift",
    "Staffing",
    "StaffingSteps",
    "Streams",
    "Weibull",
    "agents_needed",
    "child_seeds",
    "distribution_from_spec",
    "erlang_b",
    "load_scenario",
    "nhpp_arrivals",
    "parse_distribution",
    "parse_staffing",
    "run_replications",
    "simulate_contact_centre",
    "simulate_replication",
]
