"""rules: the CAU rule pack engine (calendars, SLA clocks, event logs, measurement).

The names below are the package's public API (listed in docs/architecture.md), each
imported when first used; a test keeps this list and the modules in step.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

# Public name → the module of this package that defines it (imported when first used,
# so that importing one module, e.g. for `cau --help`, does not import them all).
_PUBLIC: dict[str, str] = {
    "EVENTS": "eventlog",
    "AnswerTimeTarget": "pack",
    "BusinessCalendar": "calendar",
    "Catalogue": "pack",
    "CauError": "errors",
    "Condition": "conditions",
    "DataError": "errors",
    "DecisionTable": "classification",
    "Document": "document",
    "EventLog": "eventlog",
    "EventLogBuilder": "eventlog",
    "Field": "conditions",
    "FirstContactTarget": "pack",
    "HolidayRules": "calendar",
    "ImpactUrgencyMatrix": "classification",
    "InputFileError": "errors",
    "Mapping": "importer",
    "Measurement": "measure",
    "Node": "document",
    "Priority": "pack",
    "Problem": "errors",
    "ReadReport": "eventlog",
    "ResolutionTarget": "pack",
    "RulePack": "pack",
    "Semantics": "pack",
    "SlaClock": "clock",
    "Target": "pack",
    "Text": "text",
    "ValidationError": "errors",
    "default_pack": "loader",
    "did_you_mean": "document",
    "format_duration": "units",
    "import_source": "importer",
    "load_mapping": "importer",
    "load_rule_pack": "loader",
    "measure": "measure",
    "parse_duration": "units",
    "parse_percent": "units",
    "read_event_log": "eventlog",
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
