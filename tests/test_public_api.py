"""The ``rules`` package hands out a curated public API: this list, nothing private."""

from __future__ import annotations

import importlib

import rules

# Public name → module that defines it (docs/architecture.md, "rules — the engine").
PUBLIC = {
    "CauError": "errors", "ValidationError": "errors", "DataError": "errors",
    "InputFileError": "errors", "Problem": "errors",
    "Document": "document", "Node": "document", "did_you_mean": "document",
    "parse_duration": "units", "parse_percent": "units", "format_duration": "units",
    "BusinessCalendar": "calendar", "HolidayRules": "calendar",
    "SlaClock": "clock",
    "Condition": "conditions", "Field": "conditions",
    "DecisionTable": "classification", "ImpactUrgencyMatrix": "classification",
    "RulePack": "pack", "Priority": "pack", "Target": "pack", "ResolutionTarget": "pack",
    "AnswerTimeTarget": "pack", "FirstContactTarget": "pack", "Catalogue": "pack",
    "Semantics": "pack",
    "Text": "text",
    "load_rule_pack": "loader", "default_pack": "loader",
    "EventLog": "eventlog", "EVENTS": "eventlog",
    "EventLogBuilder": "eventlog", "ReadReport": "eventlog", "read_event_log": "eventlog",
    "Mapping": "importer", "import_source": "importer", "load_mapping": "importer",
    "measure": "measure", "Measurement": "measure",
}


def test_all_lists_the_curated_names_exactly() -> None:
    assert sorted(rules.__all__) == sorted(PUBLIC)
    assert len(set(rules.__all__)) == len(rules.__all__)


def test_each_public_name_is_the_object_its_module_defines() -> None:
    for name, module in PUBLIC.items():
        defined = getattr(importlib.import_module(f"rules.{module}"), name)
        assert getattr(rules, name) is defined, name


def test_no_private_name_is_exported() -> None:
    assert not [name for name in rules.__all__ if name.startswith("_")]
