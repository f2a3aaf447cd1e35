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
_TARGET_COMMON = ("kind", "name", "goal", "category", "provisional", "notes")
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
    priorities = _priorities(root["priorities"]) if root.has("priorities") else []
    codes = [p.code for p in priorities]
    fields = parse_fields(root["fields"]) if root.has("fields") else {}
    classification = (parse_classification(root["classification"], fields, codes)
                      if root.has("classification") else None)
    holiday_sets = _holiday_sets(root["holidays"]) if root.has("holidays") else {}
    calendars, calendar_names = (_calendars(root["calendars"], zone, holiday_sets, notes)
                                 if root.has("calendars") else ({}, {}))
    catalogue = _catalogue(root["catalogue"]) if root.has("catalogue") else None
    targets = (_targets(root["targets"], codes, calendars, notes, catalogue)
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
        catalogue=catalogue, reporting=reporting, notes=notes, source=doc.name,
    )


# -- small pieces ----------------------------------------------------------------------


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


def _note_refs(node: Node, notes: dict[str, Text]) -> tuple[str, ...]:
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
    if not result and isinstance(node.value, dict):
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
    node: Node, zone: str | None, holiday_sets: dict[str, HolidayRules], notes: dict[str, Text]
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
            choice = spec["holidays"].choice(holiday_sets, "a declared holiday set:")
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
    if not windows and isinstance(node.value, dict):
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
    node: Node, priorities: list[str], calendars: dict[str, BusinessCalendar],
    notes: dict[str, Text], catalogue: Catalogue | None,
) -> list[Target]:
    result: list[Target] = []
    seen_priorities: set[str] = set()
    for key, spec in node.items():
        kind = spec["kind"].choice(TARGET_KINDS, "a target kind:") if spec.has("kind") else None
        if kind is None:
            spec.mapping(required=("kind",), optional=_TARGET_COMMON[1:] + tuple(
                k for keys in _TARGET_KEYS.values() for k in keys))
            continue
        required = ("kind", "name", "goal", *(
            k for k in _TARGET_KEYS[kind] if k in ("priority", "threshold", "calendar")))
        optional = tuple(k for k in _TARGET_COMMON + _TARGET_KEYS[kind] if k not in required)
        if not spec.mapping(required=required, optional=optional):
            continue
        common: dict[str, Any] = {
            "id": str(key),
            "name": parse_text(spec["name"]),
            "goal": spec["goal"].percent(),
            "category": parse_text(spec["category"]) if spec.has("category") else None,
            "provisional": spec["provisional"].bool() if spec.has("provisional") else False,
            "notes": _note_refs(spec["notes"], notes) if spec.has("notes") else (),
        }
        target = _target(kind, spec, common, priorities, calendars, catalogue)
        if isinstance(target, ResolutionTarget):
            if target.priority in seen_priorities:
                spec["priority"].report("one resolution target per priority",
                                        f'a second target for "{target.priority}"')
            seen_priorities.add(target.priority)
        if target is not None:
            result.append(target)
    if not result and isinstance(node.value, dict) and not node.value:
        node.report("at least one target", "none")
    return result


def _target(
    kind: str, spec: Node, common: dict[str, Any], priorities: list[str],
    calendars: dict[str, BusinessCalendar], catalogue: Catalogue | None,
) -> Target | None:
    values: dict[str, Any] = dict(common)
    if kind in ("resolution", "answer_time"):
        values["threshold"] = spec["threshold"].duration()
        values["calendar"] = spec["calendar"].choice(calendars, "a declared calendar:")
    if kind == "resolution":
        values["priority"] = spec["priority"].choice(priorities, "a declared priority:")
        if spec.has("pause_while_waiting"):
            values["pause_while_waiting"] = spec["pause_while_waiting"].bool()
    elif kind == "answer_time":
        if spec.has("denominator"):
            values["denominator"] = spec["denominator"].choice(
                ANSWER_DENOMINATORS, "an answer-time definition:")
        if spec.has("grace"):
            values["grace"] = spec["grace"].duration()
    elif kind == "first_contact":
        options = catalogue.phone_options if catalogue else ()
        if spec.has("options"):
            values["options"] = tuple(
                str(o) for o in (item.choice([p.code for p in options], "a phone option:")
                                 for item in spec["options"].list()) if o is not None)
        if spec.has("services"):
            values["services"] = tuple(
                str(s) for s in (item.choice(catalogue.services if catalogue else (),
                                             "a service of the catalogue:")
                                 for item in spec["services"].list()) if s is not None)
    if any(v is None for k, v in values.items() if k != "category"):
        return None
    cls = {"resolution": ResolutionTarget, "answer_time": AnswerTimeTarget,
           "first_contact": FirstContactTarget}[kind]
    target: Target = cls(**values)
    return target


# -- semantics, catalogue, reporting ----------------------------------------------------------


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
