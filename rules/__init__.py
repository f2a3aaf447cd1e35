"""rules: the CAU rule pack engine (calendars, SLA clocks, event logs, measurement).

The names below are the package's public API (listed in docs/architecture.md); a test
keeps this list and the modules in step.
"""

from .calendar import BusinessCalendar, HolidayRules
from .classification import DecisionTable, ImpactUrgencyMatrix
from .clock import SlaClock
from .conditions import Condition, Field
from .document import Document, Node, did_you_mean
from .errors import CauError, DataError, InputFileError, Problem, ValidationError
from .eventlog import EVENTS, EventLog, EventLogBuilder, ReadReport, read_event_log
from .importer import Mapping, import_source, load_mapping
from .loader import default_pack, load_rule_pack
from .measure import Measurement, measure
from .pack import (
    AnswerTimeTarget,
    Catalogue,
    FirstContactTarget,
    Priority,
    ResolutionTarget,
    RulePack,
    Semantics,
    Target,
)
from .text import Text
from .units import format_duration, parse_duration, parse_percent

__all__ = [
    "EVENTS",
    "AnswerTimeTarget",
    "BusinessCalendar",
    "Catalogue",
    "CauError",
    "Condition",
    "DataError",
    "DecisionTable",
    "Document",
    "EventLog",
    "EventLogBuilder",
    "Field",
    "FirstContactTarget",
    "HolidayRules",
    "ImpactUrgencyMatrix",
    "InputFileError",
    "Mapping",
    "Measurement",
    "Node",
    "Priority",
    "Problem",
    "ReadReport",
    "ResolutionTarget",
    "RulePack",
    "Semantics",
    "SlaClock",
    "Target",
    "Text",
    "ValidationError",
    "default_pack",
    "did_you_mean",
    "format_duration",
    "import_source",
    "load_mapping",
    "load_rule_pack",
    "measure",
    "parse_duration",
    "parse_percent",
    "read_event_log",
]
