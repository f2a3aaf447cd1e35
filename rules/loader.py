"""Read a rule-pack YAML file into a :class:`rules.pack.RulePack`, checking everything.

The file is walked once through :class:`rules.document.Node` accessors, which record
problems instead of raising: a misspelt key, a wrong type, a name referenced but not
defined (a priority, a calendar, a holiday set, a note, a service) are all collected and
raised together at the end, each with its file, line, column and key path.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from .calendar import (
    DAY_RULE_EXAMPLE,
    Addition,
    BusinessCalendar,
    HolidayRules,
    Removal,
    RemoveDate,
    RemoveName,
    parse_day_rule,
)
from .classification import parse_classification
from .conditions import parse_fields
from .document import Document, Node, did_you_mean
from .errors import InputFileError
from .pack import (
    ANSWER_DENOMINATORS,
    MAX_THRESHOLD,
    SEMANTICS_CHOICES,
    TARGET_KINDS,
    AnswerTimeTarget,
    Catalogue,
    FirstContactTarget,
    PhoneOption,
    Priority,
    Reporting,
    ResolutionTarget,
    RulePack,
    Semantics,
    Target,
)
from .text import LANGUAGES, Text, parse_text

SUPPORTED_VERSIONS: tuple[int, ...] = (1,)
PACKAGE_DIR = Path(__file__).parent
DEFAULT_PACK = "cspq-cau"

_TOP_KEYS_REQUIRED = ("version", "id", "name", "priorities", "classification", "calendars",
                      "targets")
_TOP_KEYS_OPTIONAL = ("zone", "notes", "fields", "holidays", "semantics", "catalogue",
                      "reporting")
# Top-level keys only a rule pack has, and keys only a scenario has (which name a rule
# pack or a base scenario): how each loader tells the other kind of file given by mistake.
PACK_KEYS = frozenset({"priorities", "classification", "calendars"})
_SCENARIO_KEYS = frozenset({"rule_pack", "extends"})
_TARGET_COMMON = ("kind", "name", "goal", "category", "provisional", "notes")
_TARGET_REQUIRED = {
    "resolution": ("kind", "name", "goal", "priority", "threshold", "calendar"),
    "answer_time": ("kind", "name", "goal", "threshold", "calendar"),
    "first_contact": ("kind", "name", "goal"),
}
_TARGET_CLASSES: dict[str, type[ResolutionTarget | AnswerTimeTarget | FirstContactTarget]] = {
    "resolution": ResolutionTarget,
    "answer_time": AnswerTimeTarget,
    "first_contact": FirstContactTarget,
}
_TARGET_KEYS = {
    "resolution": ("priority", "threshold", "calendar", "pause_while_waiting"),
    "answer_time": ("threshold", "calendar", "denominator", "grace"),
    "first_contact": ("options", "services"),
}
# Day names a calendar's hours may use, French or English, Monday = 0.
_DAYS = {name: i for names in (("lun", "mar", "mer", "jeu", "ven", "sam", "dim"),
                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
         for i, name in enumerate(names)}
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_WINDOW_EXAMPLE = 'opening hours such as "07:30-17:00" (or a list of them)'
_DAYS_EXAMPLE = 'a day or range of days such as "lun-ven", "sam" or "mon-fri"'


def shipped_packs() -> dict[str, Path]:
    """The rule packs installed with cau-planner, by name."""
    paths = [*PACKAGE_DIR.glob("*.yaml"), *(PACKAGE_DIR / "packs").glob("*.yaml")]
    return {p.stem: p for p in sorted(paths)}


def load_rule_pack(path: str | Path) -> RulePack:
    """Load and validate a rule pack: a file path, or the name of a shipped pack
    (``"cspq-cau"``, ``"itil-example"``). Raises ValidationError listing every problem."""
    return read_rule_pack(Document.from_path(_resolve(path)))


@functools.cache
def default_pack() -> RulePack:
    """The CAU's own rule pack, ``rules/cspq-cau.yaml`` (loaded once; it is immutable)."""
    return load_rule_pack(DEFAULT_PACK)


def _resolve(path: str | Path) -> Path:
    candidate = Path(path)
    if candidate.exists() or candidate.suffix or len(candidate.parts) > 1:
        return candidate
    shipped = shipped_packs()
    if str(path) in shipped:
        return shipped[str(path)]
    hint = did_you_mean(str(path), shipped)
    raise InputFileError(f'{path}: no such file, nor a shipped rule pack'
                         + (f". {hint}" if hint else ""))


def read_rule_pack(doc: Document) -> RulePack:
    """Build the pack from a parsed document; raise every problem found, at once."""
    root = doc.root()
    keys = set(root.value) if isinstance(root.value, dict) else set()
    if keys & _SCENARIO_KEYS and not keys & PACK_KEYS:  # one line, not a problem per key
        raise InputFileError(f"{doc.name}: this is a scenario, not a rule pack: use "
                             "cau simulate / cau validate")
    root.mapping(required=_TOP_KEYS_REQUIRED, optional=_TOP_KEYS_OPTIONAL)
    if not isinstance(root.value, dict):
        doc.raise_problems()

    version = root["version"].number(integer=True) if root.has("version") else None
    if version is not None and version not in SUPPORTED_VERSIONS:
        root["version"].report("a supported version: "
                               + ", ".join(map(str, SUPPORTED_VERSIONS)))
    pack_id = root["id"].str() if root.has("id") else None
    name = parse_text(root["name"]) if root.has("name") else None
    zone = _zone(root["zone"]) if root.has("zone") else "America/Montreal"
    notes = _texts(root["notes"]) if root.has("notes") else {}
    note_names = _declared(root["notes"])
    priorities = _priorities(root["priorities"]) if root.has("priorities") else []
    codes = _declared(root["priorities"])
    fields = parse_fields(root["fields"]) if root.has("fields") else {}
    classification = (parse_classification(root["classification"], fields, codes)
                      if root.has("classification") else None)
    holiday_sets = _holiday_sets(root["holidays"]) if root.has("holidays") else {}
    calendars, calendar_names = (_calendars(root["calendars"], zone, holiday_sets,
                                            _declared(root["holidays"]), note_names)
                                 if root.has("calendars") else ({}, {}))
    catalogue = _catalogue(root["catalogue"]) if root.has("catalogue") else None
    targets = (_targets(root["targets"], codes, _declared(root["calendars"]), note_names, catalogue)
               if root.has("targets") else [])
    semantics = _semantics(root["semantics"]) if root.has("semantics") else Semantics()
    reporting = _reporting(root["reporting"]) if root.has("reporting") else Reporting()
    doc.raise_problems()
    if version is None or pack_id is None or name is None or classification is None:
        # Each of these records a problem when it is None; this line only informs mypy.
        raise InputFileError(f"{doc.name}: incomplete rule pack")
    return RulePack(
        id=pack_id, name=name, version=int(version), priorities=tuple(priorities),
        fields=fields, classification=classification, calendars=calendars,
        targets=tuple(targets), calendar_names=calendar_names, semantics=semantics,
        catalogue=catalogue, reporting=reporting, notes=notes, zone=zone or "America/Montreal",
        source=doc.name,
    )


# -- small pieces ----------------------------------------------------------------------


def _declared(node: Node) -> list[str]:
    """The names a section declares (its keys), for references to check against, even
    when a definition itself has problems (those are reported at the definition)."""
    return [str(key) for key in node.value] if isinstance(node.value, dict) else []


def _texts(node: Node) -> dict[str, Text]:
    result = {}
    for key, child in node.items():
        text = parse_text(child)
        if text is not None:
            result[str(key)] = text
    return result


def _zone(node: Node) -> str | None:
    zone = node.str()
    if zone is None:
        return None
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        node.report("an IANA time zone such as America/Montreal",
                    suggestion=did_you_mean(zone, zoneinfo.available_timezones()))
        return None
    return zone


def _note_refs(node: Node, notes: list[str]) -> tuple[str, ...]:
    refs = [item.choice(notes, "a declared note:") for item in node.list()]
    return tuple(str(r) for r in refs if r is not None)


def _priorities(node: Node) -> list[Priority]:
    result = []
    for code, spec in node.items():
        if not spec.mapping(required=("name", "description")):
            continue
        name, description = parse_text(spec["name"]), parse_text(spec["description"])
        if name is not None and description is not None:
            result.append(Priority(str(code), name, description))
    if node.value == {}:
        node.report("at least one priority", "none")
    return result


# -- calendars ---------------------------------------------------------------------------


def _holiday_sets(node: Node) -> dict[str, HolidayRules]:
    result = {}
    for key, spec in node.items():
        if not spec.mapping(required=("country",),
                            optional=("name", "subdiv", "categories", "add", "remove")):
            continue
        if spec.has("name"):
            parse_text(spec["name"])
        country = spec["country"].str()
        subdiv = spec["subdiv"].str() if spec.has("subdiv") else None
        categories = ([c.str() for c in spec["categories"].list()]
                      if spec.has("categories") else ["public"])
        add = [_holiday_addition(item) for item in spec["add"].list(allow_empty=True)
               ] if spec.has("add") else []
        remove = [_holiday_removal(item) for item in spec["remove"].list(allow_empty=True)
                  ] if spec.has("remove") else []
        if country is None or None in categories or None in add or None in remove:
            continue
        try:
            result[str(key)] = HolidayRules(
                country=country, subdiv=subdiv, categories=[c for c in categories if c],
                add=[a for a in add if a is not None], remove=[r for r in remove if r is not None])
        except ValueError as exc:
            spec.report("a country, subdivision and categories the holidays package knows",
                        str(exc))
    return result


def _holiday_addition(node: Node) -> Addition | None:
    """``{day: "01-02" | "2026-12-29" | "easter+1", name: …}``."""
    if not node.mapping(required=("day", "name")):
        return None
    name = parse_text(node["name"])
    text = node["day"].str()
    if name is None or text is None:
        return None
    try:
        return parse_day_rule(text, name.fr)
    except ValueError:
        node["day"].report(DAY_RULE_EXAMPLE)
        return None


def _holiday_removal(node: Node) -> Removal | None:
    """``{date: "2026-06-24"}`` (that day only) or ``{name: "Action de grâce"}`` (every year)."""
    if not node.mapping(optional=("date", "name")) or node.has("date") == node.has("name"):
        if isinstance(node.value, dict):
            node.report('one of "date" (such as "2026-06-24") or "name" (a holiday\'s French name)',
                        "both" if node.has("date") else "neither")
        return None
    if node.has("name"):
        name = node["name"].str()
        return RemoveName(name) if name is not None else None
    day = node["date"].convert(lambda v: date.fromisoformat(str(v)),
                               'a date such as "2026-06-24"')
    return RemoveDate(day) if day is not None else None


def _calendars(
    node: Node, zone: str | None, holiday_sets: dict[str, HolidayRules],
    holiday_names: list[str], notes: list[str],
) -> tuple[dict[str, BusinessCalendar], dict[str, Text]]:
    calendars: dict[str, BusinessCalendar] = {}
    names: dict[str, Text] = {}
    for key, spec in node.items():
        if not spec.mapping(required=("name",), optional=("zone", "hours", "holidays", "notes")):
            continue
        name = parse_text(spec["name"])
        cal_zone = _zone(spec["zone"]) if spec.has("zone") else zone
        windows = _hours(spec["hours"]) if spec.has("hours") else None
        holidays = None
        if spec.has("holidays"):
            if not spec.has("hours"):
                spec["holidays"].report("holidays only on a calendar with hours",
                                        "holidays on a 24/7 calendar")
            choice = spec["holidays"].choice(holiday_names, "a declared holiday set:")
            holidays = holiday_sets.get(choice) if choice is not None else None
        if spec.has("notes"):
            _note_refs(spec["notes"], notes)
        if name is None or cal_zone is None or (spec.has("hours") and windows is None):
            continue
        try:
            calendars[str(key)] = BusinessCalendar(str(key), cal_zone, windows, holidays)
        except ValueError as exc:  # windows out of the day or overlapping
            spec["hours"].report("opening windows within a day that do not overlap", str(exc))
            continue
        names[str(key)] = name
    return calendars, names


def _hours(node: Node) -> dict[int, list[tuple[int, int]]] | None:
    """``{lun-ven: "07:30-17:00", sam: ["09:00-12:00", "13:00-16:00"]}`` → weekday windows."""
    windows: dict[int, list[tuple[int, int]]] = {}
    ok = True
    for key, value in node.items():
        days = _days(str(key))
        if days is None:
            node.doc.report(value.path, _DAYS_EXAMPLE, f'"{key}"',
                            did_you_mean(str(key).split("-")[0], _DAYS))
            ok = False
            continue
        items = value.list() if isinstance(value.value, list) else [value]
        spans = [_window(item) for item in items]
        if not items or None in spans:
            ok = False
            continue
        for day in days:
            if day in windows:
                value.report("each day in one entry only", f"day {day + 1} of the week twice")
                ok = False
            windows[day] = sorted(s for s in spans if s is not None)
    if node.value == {}:
        node.report("opening hours for at least one day", "none")
    return windows if ok and windows else None


def _days(key: str) -> list[int] | None:
    parts = [p.strip().lower() for p in key.split("-")]
    if len(parts) > 2 or any(p not in _DAYS for p in parts):
        return None
    first, last = _DAYS[parts[0]], _DAYS[parts[-1]]
    return list(range(first, last + 1)) if first <= last else None


def _window(node: Node) -> tuple[int, int] | None:
    match = _WINDOW.match(node.value) if isinstance(node.value, str) else None
    if match is None:
        node.report(_WINDOW_EXAMPLE)
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if m1 > 59 or m2 > 59:
        node.report(_WINDOW_EXAMPLE)
        return None
    return h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60


# -- targets ---------------------------------------------------------------------------


def _targets(
    node: Node, priorities: list[str], calendars: list[str], notes: list[str],
    catalogue: Catalogue | None,
) -> list[Target]:
    readers = _target_readers(priorities, calendars, notes, catalogue)
    result: list[Target] = []
    seen_priorities: set[str] = set()
    for key, spec in node.items():
        kind = spec["kind"].choice(TARGET_KINDS, "a target kind:") if spec.has("kind") else None
        if kind is None:
            spec.mapping(required=("kind",), optional=tuple(readers))
            continue
        allowed, required = _TARGET_COMMON + _TARGET_KEYS[kind], _TARGET_REQUIRED[kind]
        complete = spec.mapping(required=required,
                                optional=tuple(k for k in allowed if k not in required))
        # Read every key present, even when one is missing, to report all problems.
        values = {str(k): readers[k](child) for k, child in spec.items()
                  if k in allowed and k != "kind"}
        if not complete or any(v is None for v in values.values()):
            continue
        target: Target = _TARGET_CLASSES[kind](id=str(key), **values)
        if isinstance(target, ResolutionTarget):
            if target.priority in seen_priorities:
                spec["priority"].report("one resolution target per priority",
                                        f'a second target for "{target.priority}"')
            seen_priorities.add(target.priority)
        result.append(target)
    if node.value == {}:
        node.report("at least one target", "none")
    return result


def _target_readers(
    priorities: list[str], calendars: list[str], notes: list[str], catalogue: Catalogue | None,
) -> dict[str, Callable[[Node], Any]]:
    """How each key of a target is read (each returns None after recording a problem)."""
    options = [o.code for o in catalogue.phone_options] if catalogue else []
    services = list(catalogue.services) if catalogue else []

    def names(choices: list[str], what: str) -> Callable[[Node], tuple[str, ...] | None]:
        def read(node: Node) -> tuple[str, ...] | None:
            items = [item.choice(choices, what) for item in node.list()]
            return None if None in items or not items else tuple(str(i) for i in items)
        return read

    return {
        "name": parse_text,
        "goal": Node.percent,
        "category": parse_text,
        "provisional": Node.bool,
        "notes": lambda n: _note_refs(n, notes),
        "priority": lambda n: n.choice(priorities, "a declared priority:"),
        "threshold": _threshold,
        "calendar": lambda n: n.choice(calendars, "a declared calendar:"),
        "pause_while_waiting": Node.bool,
        "denominator": lambda n: n.choice(ANSWER_DENOMINATORS, "an answer-time definition:"),
        "grace": Node.duration,
        "options": names(options, "a phone option of the catalogue:"),
        "services": names(services, "a service of the catalogue:"),
    }


# -- semantics, catalogue, reporting ----------------------------------------------------------


def _threshold(node: Node) -> float | None:
    """A target's threshold: a duration above zero of at most :data:`MAX_THRESHOLD`
    (deadlines are found on calendars built that far ahead)."""
    seconds = node.duration()
    if seconds is not None and not 0 < seconds <= MAX_THRESHOLD:
        node.report(f"a threshold above 0s and of at most {MAX_THRESHOLD // 86400}d")
        return None
    return seconds


def _semantics(node: Node) -> Semantics:
    if not node.mapping(optional=tuple(SEMANTICS_CHOICES)):
        return Semantics()
    chosen = {}
    for key, choices in SEMANTICS_CHOICES.items():
        if node.has(key):
            value = node[key].choice(choices, "one of")
            if value is not None:
                chosen[key] = value
    return Semantics(**chosen)


def _catalogue(node: Node) -> Catalogue | None:
    if not node.mapping(required=("channels",),
                        optional=("phone_options", "levels", "activities")):
        return None
    channels = _texts(node["channels"])
    options = []
    for code, spec in (node["phone_options"].items() if node.has("phone_options") else ()):
        if not spec.mapping(required=("name", "services")):
            continue
        name = parse_text(spec["name"])
        services = [parse_text(s) for s in spec["services"].list()]
        if name is not None and None not in services:
            options.append(PhoneOption(str(code), name,
                                       tuple(s for s in services if s is not None)))
    levels = {}
    for level, label in (node["levels"].items() if node.has("levels") else ()):
        text = parse_text(label)
        if not isinstance(level, int) or isinstance(level, bool) or level < 1:
            label.report("a support level numbered from 1", f'"{level}"')
        elif text is not None:
            levels[level] = text
    activities = [parse_text(a) for a in node["activities"].list()] if node.has(
        "activities") else []
    return Catalogue(channels, tuple(options), levels,
                     tuple(a for a in activities if a is not None))


def _reporting(node: Node) -> Reporting:
    if not node.mapping(optional=("period", "language", "languages")):
        return Reporting()
    if node.has("period"):
        node["period"].choice(("monthly",), "a reporting period:")
    languages = tuple(str(lang) for lang in (
        item.choice(LANGUAGES, "a language:") for item in node["languages"].list()
    ) if lang is not None) if node.has("languages") else LANGUAGES
    language = node["language"].choice(languages, "one of the pack's languages:") if node.has(
        "language") else languages[0]
    return Reporting(language=str(language or "fr"), languages=languages)
