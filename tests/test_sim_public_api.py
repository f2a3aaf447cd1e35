"""The ``sim`` package hands out a curated public API: this list, nothing private."""

from __future__ import annotations

import importlib

import sim

# Public name → module that defines it.
PUBLIC = {
    "nhpp_arrivals": "arrivals",
    "AgentGroups": "agent_groups", "DeskGroup": "agent_groups", "Route": "agent_groups",
    "Workload": "agent_groups",
    "CallOutcomes": "contact_centre", "ContactCentre": "contact_centre",
    "ContactCentreRun": "contact_centre", "EmailOutcomes": "contact_centre",
    "simulate_contact_centre": "contact_centre",
    "Deterministic": "distributions", "Distribution": "distributions",
    "Empirical": "distributions", "Exponential": "distributions", "Gamma": "distributions",
    "Lognormal": "distributions", "Never": "distributions", "Weibull": "distributions",
    "distribution_from_spec": "distributions", "parse_distribution": "distributions",
    "ErlangA": "erlang", "ErlangC": "erlang", "agents_needed": "erlang", "erlang_b": "erlang",
    "SOURCES": "rng", "Streams": "rng",
    "Shift": "staffing", "Staffing": "staffing", "StaffingSteps": "staffing",
    "parse_staffing": "staffing",
    "Forecast": "forecast", "ReplicationFigures": "forecast",
    "Cluster": "replications", "child_seeds": "replications", "run_replications": "replications",
    "RunResult": "replications",
    "ResultStore": "store",
    "Scenario": "scenario", "ScenarioWarning": "scenario", "load_scenario": "scenario_loader",
    "Replication": "model", "simulate_replication": "model",
    "Setting": "settings", "parse_setting": "settings", "parse_vary": "sweep",
    "compare_compliance": "comparison",
}


def test_all_lists_the_curated_names_exactly() -> None:
    assert sorted(sim.__all__) == sorted(PUBLIC)


def test_each_public_name_is_the_object_its_module_defines() -> None:
    for name, module in PUBLIC.items():
        assert getattr(sim, name) is getattr(importlib.import_module(f"sim.{module}"), name)


def test_no_private_name_is_exported() -> None:
    assert not [name for name in sim.__all__ if name.startswith("_")]
