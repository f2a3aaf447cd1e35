"""The rule pack as plain typed objects: priorities, targets, calendars, catalogue.

These are what the rest of cau-planner reads; the YAML file is only a thin layer that
builds them (see :mod:`rules.loader`). Everything is frozen: a scenario that tries other
targets gets a changed copy from :meth:`RulePack.with_targets`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args, get_type_hints

from .calendar import BusinessCalendar
from .classification import Classification
from .conditions import Field
from .document import did_you_mean
from .errors import DataError, Problem, ValidationError
from .text import Text
from .units import DURATION_EXAMPLE, PERCENT_EXAMPLE, parse_duration, parse_percent

if TYPE_CHECKING:  # pandas is imported where it is used: loading a pack needs none
    import pandas as pd

# The longest threshold a target may have: a year of business time. Deadlines are found on
# calendars built ahead of each ticket, and a mistyped "100000000d" must not build them
# for centuries.
MAX_THRESHOLD = 365 * 86400

# How the answer-time service level is counted; tools differ here by several points.
AnswerDenominator = Literal[
    "answered_and_abandoned_after_grace",  # within T / (answered + abandoned after the grace)
    "answered_and_abandoned_after_threshold",  # within T / (answered + abandoned after T)
    "offered",  # within T / every offered call: each abandon is a failure
    "answered",  # within T / answered: abandons left out
]
ANSWER_DENOMINATORS: tuple[str, ...] = get_args(AnswerDenominator)


@dataclass(frozen=True)
class Priority:
    """An incident priority (P1…), its severity name and the seed's description."""

    code: str
    name: Text
    description: Text


@dataclass(frozen=True)
class ResolutionTarget:
    """Restore service for ``priority`` within ``threshold`` business seconds of ``calendar``
    in at least ``goal`` of the tickets; waiting on the user pauses the clock if asked."""

    kind: ClassVar[str] = "resolution"
    id: str
    name: Text
    priority: str
    threshold: float
    goal: float
    calendar: str
    pause_while_waiting: bool = True
    provisional: bool = False
    notes: tuple[str, ...] = ()
    category: Text | None = None


@dataclass(frozen=True)
class AnswerTimeTarget:
    """Answer calls (queued → answered) within ``threshold`` in ``goal`` of the cases,
    counted during ``calendar``'s hours, with the ``denominator`` the pack chose."""

    kind: ClassVar[str] = "answer_time"
    id: str
    name: Text
    threshold: float
    goal: float
    calendar: str
    denominator: AnswerDenominator = "answered_and_abandoned_after_grace"
    grace: float = 5.0
    provisional: bool = False
    notes: tuple[str, ...] = ()
    category: Text | None = None


@dataclass(frozen=True)
class FirstContactTarget:
    """Resolve ``goal`` of the in-scope incidents at level 1 during the first contact.

    A ticket is in scope when its phone option is one of ``options`` or its service one
    of ``services`` (the CAU: option 1, "Gestion du poste de travail bureautique").
    """

    kind: ClassVar[str] = "first_contact"
    id: str
    name: Text
    goal: float
    options: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    provisional: bool = False
    notes: tuple[str, ...] = ()
    category: Text | None = None


Target = ResolutionTarget | AnswerTimeTarget | FirstContactTarget
TARGET_KINDS: tuple[str, ...] = ("resolution", "answer_time", "first_contact")


@dataclass(frozen=True)
class Semantics:
    """How the measurement counts; each is a choice of the pack (defaults: DESIGN.md)."""

    month_of: Literal["resolution", "opening"] = "resolution"
    priority_target: Literal["last", "first", "highest"] = "last"
    priority_clock_from: Literal["opening", "change"] = "opening"
    reopen: Literal["resume", "count_gap"] = "resume"
    breach: Literal["greater", "greater_or_equal"] = "greater"

    def is_breach(self, elapsed: Any, threshold: float) -> Any:
        """Elapsed business time breaches the threshold (works on arrays too)."""
        return elapsed > threshold if self.breach == "greater" else elapsed >= threshold


# Each semantics key and the values a pack may choose for it.
SEMANTICS_CHOICES: dict[str, tuple[str, ...]] = {
    name: get_args(hint) for name, hint in get_type_hints(Semantics).items()
}


@dataclass(frozen=True)
class PhoneOption:
    """A choice of the phone menu and the services supported behind it."""

    code: str
    name: Text
    services: tuple[Text, ...]


@dataclass(frozen=True)
class Catalogue:
    """What the service desk offers: channels, phone menu, support levels, activities."""

    channels: Mapping[str, Text]
    phone_options: tuple[PhoneOption, ...]
    levels: Mapping[int, Text]
    activities: tuple[Text, ...] = ()

    @property
    def services(self) -> tuple[str, ...]:
        """Every service's French name (as event logs write it)."""
        return tuple(s.fr for o in self.phone_options for s in o.services)

    def option_of(self, service: str) -> str:
        for option in self.phone_options:
            if any(s.fr == service for s in option.services):
                return option.code
        raise DataError(f'unknown service "{service}". '
                        + (did_you_mean(service, self.services) or ""))


@dataclass(frozen=True)
class Reporting:
    period: Literal["monthly"] = "monthly"
    language: str = "fr"
    languages: tuple[str, ...] = ("fr", "en")


@dataclass(frozen=True, eq=False)
class RulePack:
    """Everything a service desk's rules say, as loaded from one rule-pack file.

    Compared and hashed by identity (calendars are), so a pack can key a cache; a copy
    from :meth:`with_targets` is another pack.
    """

    id: str
    name: Text
    version: int
    priorities: tuple[Priority, ...]
    fields: Mapping[str, Field]
    classification: Classification
    calendars: Mapping[str, BusinessCalendar]
    targets: tuple[Target, ...]
    calendar_names: Mapping[str, Text] = field(default_factory=dict)
    semantics: Semantics = Semantics()
    catalogue: Catalogue | None = None
    reporting: Reporting = Reporting()
    notes: Mapping[str, Text] = field(default_factory=dict)
    zone: str = "America/Montreal"
    source: str = ""

    @property
    def priority_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.priorities)

    def priority(self, code: str) -> Priority:
        for priority in self.priorities:
            if priority.code == code:
                return priority
        raise DataError(_unknown("priority", code, self.priority_codes))

    def calendar(self, name: str) -> BusinessCalendar:
        if name not in self.calendars:
            raise DataError(_unknown("calendar", name, self.calendars))
        return self.calendars[name]

    def target(self, id: str) -> Target:
        for target in self.targets:
            if target.id == id:
                return target
        raise DataError(_unknown("target", id, [t.id for t in self.targets]))

    def targets_of(self, kind: str) -> tuple[Target, ...]:
        if kind not in TARGET_KINDS:
            raise DataError(_unknown("target kind", kind, TARGET_KINDS))
        return tuple(t for t in self.targets if t.kind == kind)

    def resolution_target(self, priority: str) -> ResolutionTarget | None:
        """The resolution target of ``priority``, or None: a pack need not set one for
        every priority (its tickets are then counted in volumes, judged by no deadline)."""
        if priority not in self.priority_codes:
            raise DataError(_unknown("priority", priority, self.priority_codes))
        for target in self.targets:
            if isinstance(target, ResolutionTarget) and target.priority == priority:
                return target
        return None

    def classify(self, attributes: Mapping[str, Any]) -> str:
        """The priority code of one ticket, from its declared attributes."""
        return self.classification.classify(attributes)

    def classify_frame(self, frame: pd.DataFrame) -> pd.Series:
        """The priority code of every row (columns named after the declared fields)."""
        return self.classification.classify_frame(frame)

    def with_targets(self, overrides: Mapping[str, Mapping[str, Any]]) -> RulePack:
        """A copy with other thresholds and goals, e.g. ``{"P3": {"threshold": "8h",
        "goal": "85%"}}``. Keys are target ids or, for resolution targets, priority codes;
        values are seconds or "8h", fractions or "85%"."""
        problems: list[Problem] = []
        changes: dict[str, dict[str, Any]] = {}
        by_key: dict[str, Target] = {t.id: t for t in self.targets}
        by_key.update({t.priority: t for t in self.targets if isinstance(t, ResolutionTarget)})
        for key, values in overrides.items():
            where = f"{self.source or self.id} (overrides)"
            target = by_key.get(key)
            if target is None:
                problems.append(Problem(where, key, "a target id or priority code",
                                        f'"{key}"', suggestion=did_you_mean(key, by_key)))
                continue
            allowed = ("goal",) if isinstance(target, FirstContactTarget) else (
                "threshold", "goal")
            for name, value in values.items():
                if name not in allowed:
                    problems.append(Problem(where, f"{key}.{name}", " or ".join(allowed),
                                            f'"{name}"', suggestion=did_you_mean(name, allowed)))
                    continue
                number = _override_value(name, value)
                if number is None:
                    example = (f"{DURATION_EXAMPLE}, of at most {MAX_THRESHOLD // 86400}d"
                               if name == "threshold" else PERCENT_EXAMPLE)
                    problems.append(Problem(where, f"{key}.{name}", example, repr(value)))
                    continue
                changes.setdefault(target.id, {})[name] = number
        if problems:
            raise ValidationError(problems)
        targets = tuple(dataclasses.replace(t, **changes[t.id]) if t.id in changes else t
                        for t in self.targets)
        return dataclasses.replace(self, targets=targets)


def _override_value(name: str, value: Any) -> float | None:
    """A threshold (seconds or "8h", at most :data:`MAX_THRESHOLD`) or a goal (fraction or
    "85%"), None if unreadable."""
    try:
        if name == "goal":
            return parse_percent(value)
        seconds = (float(value) if isinstance(value, int | float) and not isinstance(value, bool)
                   else parse_duration(value))
    except (ValueError, OverflowError):
        return None
    return seconds if 0 < seconds <= MAX_THRESHOLD else None


def _unknown(what: str, name: str, known: Any) -> str:
    hint = did_you_mean(name, known)
    return f'unknown {what} "{name}"' + (f". {hint}" if hint else "")
