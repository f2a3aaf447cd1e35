"""sim: the CAU simulator — scenarios (loaded with their capacity warnings), queueing
formulas, random durations and arrivals, shifts, the level-1 contact centre (its agent
groups as a SimPy model, one group by the fast path), the whole-CAU replication that
writes event logs, and the replications runner with its results store and forecast.

The names below are the package's public API, each imported when first used; a test
keeps this list and the modules in step. The simulator never judges its logs:
``rules.measure`` does.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

# Public name → the module of this package that defines it (imported when first used,
# so that importing one module, e.g. for `cau --help`, does not import them all).
_PUBLIC: dict[str, str] = {
    "SOURCES": "rng",
    "AgentGroups": "agent_groups",
    "DeskGroup": "agent_groups",
    "Route": "agent_groups",
    "Workload": "agent_groups",
    "CallOutcomes": "contact_centre",
    "Cluster": "replications",
    "ContactCentre": "contact_centre",
    "ContactCentreRun": "contact_centre",
    "Deterministic": "distributions",
    "Distribution": "distributions",
    "EmailOutcomes": "contact_centre",
    "Empirical": "distributions",
    "ErlangA": "erlang",
    "ErlangC": "erlang",
    "Exponential": "distributions",
    "Forecast": "forecast",
    "Gamma": "distributions",
    "Lognormal": "distributions",
    "Never": "distributions",
    "Replication": "model",
    "ReplicationFigures": "forecast",
    "ResultStore": "store",
    "RunResult": "replications",
    "Scenario": "scenario",
    "ScenarioWarning": "scenario",
    "Setting": "settings",
    "Shift": "staffing",
    "Staffing": "staffing",
    "StaffingSteps": "staffing",
    "Streams": "rng",
    "Weibull": "distributions",
    "agents_needed": "erlang",
    "child_seeds": "replications",
    "distribution_from_spec": "distributions",
    "erlang_b": "erlang",
    "load_scenario": "scenario_loader",
    "nhpp_arrivals": "arrivals",
    "compare_compliance": "comparison",
    "parse_distribution": "distributions",
    "parse_setting": "settings",
    "parse_vary": "sweep",
    "parse_staffing": "staffing",
    "run_replications": "replications",
    "simulate_contact_centre": "contact_centre",
    "simulate_replication": "model",
}

__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


class _Package(types.ModuleType):
    """Keeps a public name that is also a module's name (``measure``) bound to the
    public object when that module is imported (Python binds the module otherwise)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _PUBLIC.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
