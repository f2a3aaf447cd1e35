"""Scenario files (YAML) → :class:`sim.scenario.Scenario`, validated like a rule pack.

Every problem of a file is reported at once, each with its line, key path, what was
expected, what was found and a "did you mean" for a misspelt key or name. Names are
checked against what they refer to: the rule pack (priorities, calendars, classification
fields and their values, catalogue services), the scenario's own profiles, contact
reasons and resolver groups.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from rules.document import Document, Node
from rules.errors import CauError, DataError, InputFileError, ValidationError
from rules.loader import PACK_KEYS, PACKAGE_DIR, load_rule_pack
from rules.localtime import END_YEAR, FIRST_YEAR, local_instant
from rules.pack import RulePack

from .capacity import capacity_warnings
from .distributions import Distribution, parse_distribution
from .level_one_loader import check_routing, read_level_one
from .overlay import SCENARIO_KEYS, outside, read_layers, reading_roots, roots_text
from .policies import HAND_BACK, SHIFT_END_POLICIES
from .profiles import parse_profile
from .run_size import MAX_CONTACTS, run_size
from .scenario import (
    CHANNELS,
    REASON_KINDS,
    ContactReason,
    Demand,
    Escalation,
    Hold,
    Horizon,
    IncidentMix,
    InitialBacklog,
    Outage,
    Reopen,
    ResolverGroup,
    Scenario,
    Stream,
    Waiting,
    WeeklyProfile,
)
from .settings import Setting, with_settings

T = TypeVar("T")
VERSION = 1
MAX_DAYS = 366
SHARE_TOLERANCE = 1e-6
_TOP_REQUIRED = ("version", "name", "rule_pack", "horizon", "demand", "level_one", "escalation")
_TOP_OPTIONAL = ("targets", "description")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def load_scenario(path: str | Path, allow: Sequence[str | Path] = (),
                  settings: Iterable[Setting] = ()) -> tuple[Scenario, RulePack]:
    """Load a scenario file (merged over the files it ``extends``, :mod:`sim.overlay`),
    with command-line ``settings`` merged over it (:mod:`sim.settings`), and the rule pack
    it names (with its target overrides applied). The files it names are read only inside
    :func:`sim.overlay.reading_roots` (``allow``: more folders) or among the shipped packs.
    Raises :class:`ValidationError` listing every problem, each in the file (or the
    option) it came from."""
    settings = tuple(settings)
    roots = reading_roots(path, allow)
    doc, bases = read_layers(path, roots)
    scenario, pack = read_scenario(with_settings(doc, settings), roots)
    return replace(scenario, bases=bases, settings=tuple(s.text for s in settings)), pack


def read_scenario(doc: Document, roots: Sequence[Path] | None = None
                  ) -> tuple[Scenario, RulePack]:
    """Build the scenario from a parsed document; raise every problem found, at once.
    ``roots``: the folders its rule pack may be read from (default: the document's
    :func:`sim.overlay.reading_roots`)."""
    root = doc.root()
    keys = set(root.value) if isinstance(root.value, dict) else set()
    if keys & PACK_KEYS and not keys & SCENARIO_KEYS:  # one line, not a problem per key
        raise InputFileError(f"{doc.name}: this is a rule pack, not a scenario: use "
                             "cau validate / cau measure --rules")
    if not root.mapping(required=_TOP_REQUIRED, optional=_TOP_OPTIONAL):
        doc.raise_problems()
    if root["version"].number(integer=True) not in (None, VERSION):
        root["version"].report(f"version {VERSION}")
    name = root["name"].str() or ""
    pack = _pack(root, doc, reading_roots(doc.name) if roots is None else roots)
    if pack is None:  # nothing can be checked against an unreadable pack (a recorded problem)
        raise ValidationError(doc.problems)
    horizon = _horizon(root["horizon"], pack)
    demand = _demand(root["demand"], pack, horizon)
    level_one = read_level_one(root["level_one"], pack)
    escalation = _escalation(root["escalation"], pack)
    if demand is not None and level_one is not None and escalation is not None:
        _check_services(root, demand, escalation)
    if demand is not None and level_one is not None:
        check_routing(root, demand, level_one, pack)
    if escalation is not None:
        _check_backlog(root["horizon"], escalation)
    # Each None above recorded a problem; so does everything else that went wrong.
    if doc.problems or horizon is None or demand is None or level_one is None or (
        escalation is None
    ):
        raise ValidationError(doc.problems)
    scenario = Scenario(
        name=name,
        rule_pack=str(root["rule_pack"].value),
        horizon=horizon,
        demand=demand,
        level_one=level_one,
        escalation=escalation,
        targets=dict(root["targets"].value or {}),
        source=doc.name,
    )
    try:
        size = run_size(scenario, pack)
        if not size.fits:
            doc.report(size.largest, "a run the simulator can hold: at most "
                       f"{MAX_CONTACTS:,} contacts per replication", size.describe(),
                       "Shorten the horizon or the warm-up, or lower the volumes.")
            raise ValidationError(doc.problems)
        warnings = capacity_warnings(scenario, pack)
    except DataError as exc:  # e.g. a month's volume with no open half-hour to arrive in
        root["demand"]["streams"].report("volumes that can arrive while calendars are open",
                                         str(exc))
        raise ValidationError(doc.problems) from exc
    return replace(scenario, warnings=warnings), pack


# -- helpers ------------------------------------------------------------------------------
def _named(node: Node, choices: Collection[str], what: str) -> str | None:
    value = node.choice(choices, what)
    return None if value is None else str(value)


def _shares(
    node: Node, keys: Callable[[Node], Any], *, whole: bool = True
) -> dict[Any, float] | None:
    """A mapping name → share ("60%" or 0.6); with ``whole`` the shares sum to 100 %.

    ``keys(node_of_key)`` checks each key (returning None after recording a problem).
    """
    if not isinstance(node.value, dict) or not node.value:
        node.report("a mapping of names to shares such as {a: 60%, b: 40%}")
        return None
    shares: dict[Any, float] = {}
    ok = True
    for _key, child in node.items():
        checked = keys(child)
        share = child.percent()
        if checked is None or share is None:
            ok = False
        else:
            shares[checked] = share
    if ok and whole and abs(sum(shares.values()) - 1.0) > SHARE_TOLERANCE:
        node.report("shares that add up to 100 %", f"{sum(shares.values()):.2%}")
        return None
    return shares if ok else None


def _key_choice(choices: Mapping[str, Any] | tuple[str, ...], what: str) -> Callable[[Node], Any]:
    def check(child: Node) -> Any:
        key = child.key
        if key in choices:
            return key
        child.doc.report(child.path, f"{what} {', '.join(map(str, list(choices)[:12]))}",
                         f'"{key}"', _did_you_mean(key, choices))
        return None

    return check


def _did_you_mean(word: Any, choices: Any) -> str | None:
    from rules.document import did_you_mean

    return did_you_mean(str(word), choices)


def _distribution(node: Node) -> Distribution | None:
    return parse_distribution(node)


def _section(node: Node, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> bool:
    """Check a section's keys (recording problems); True when it is a mapping whose
    present keys are worth reading on, so that one missing key hides nothing else."""
    node.mapping(required=required, optional=optional)
    return isinstance(node.value, dict)


def _read(node: Node, key: str, parse: Callable[[Node], T | None]) -> T | None:
    """``parse`` of a present key; None for an absent one (already reported missing)."""
    return parse(node[key]) if node.has(key) else None


def _all(values: Mapping[Any, T | None]) -> dict[Any, T] | None:
    """The mapping when every value is set (None after a recorded problem)."""
    if any(v is None for v in values.values()):
        return None
    return {k: v for k, v in values.items() if v is not None}


# -- sections -----------------------------------------------------------------------------
def _pack(root: Node, doc: Document, roots: Sequence[Path]) -> RulePack | None:
    node = root["rule_pack"]
    ref = node.str()
    if ref is None:
        return None
    candidate = Path(doc.file_of(node.path)).parent / ref
    is_path = candidate.exists() or bool(Path(ref).suffix) or len(Path(ref).parts) > 1
    if is_path and outside(candidate, (*roots, PACKAGE_DIR)):
        node.report("a rule pack inside the folders a scenario may read: "
                    + roots_text(roots) + ", or a shipped pack's name", f'"{ref}", outside them',
                    "Copy the pack beside the scenario, or allow its folder with --allow DIR.")
        return None
    try:
        pack = load_rule_pack(candidate if is_path else ref)
    except ValidationError as exc:
        node.report("a valid rule pack", f'"{ref}" with {len(exc.problems)} problem(s)')
        doc.problems.extend(exc.problems)
        return None
    except CauError as exc:
        node.report("a rule pack file or the name of a shipped pack", str(exc))
        return None
    if root.has("targets"):
        overrides = root["targets"]
        if not isinstance(overrides.value, dict) or not all(
            isinstance(v, dict) for v in overrides.value.values()
        ):
            overrides.report('a mapping such as {P3: {threshold: 8h, goal: 85%}}')
            return pack
        try:
            pack = pack.with_targets(overrides.value)
        except ValidationError as exc:
            for problem in exc.problems:
                overrides.doc.report((*overrides.path, *problem.path.split(".")),
                                     problem.expected, problem.found, problem.suggestion)
    return pack


def _horizon(node: Node, pack: RulePack) -> Horizon | None:
    if not node.mapping(required=("start", "days"), optional=("warmup", "initial_backlog")):
        return None
    start = node["start"].convert(_date, 'a date such as 2026-03-01')
    if start is not None and not FIRST_YEAR + 1 <= start.year <= END_YEAR - 2:
        # with the warm-up before and the horizon after, the log stays in the years read
        node["start"].report(f"a date in the years {FIRST_YEAR + 1}–{END_YEAR - 2}",
                             f'"{start}"')
        start = None
    days = node["days"].number(low=1, high=MAX_DAYS, integer=True)
    warmup = 0.0
    if node.has("warmup"):
        warmup = node["warmup"].duration() or 0.0
        if warmup % 86400 or warmup > MAX_DAYS * 86400:
            node["warmup"].report(f'whole days such as "7d", at most {MAX_DAYS}d')
            warmup = 0.0
    backlog = _read(node, "initial_backlog", lambda n: _initial_backlog(n, pack))
    if start is None or days is None or (node.has("initial_backlog") and backlog is None):
        return None
    return Horizon(start, int(days), int(warmup // 86400), backlog)


def _initial_backlog(node: Node, pack: RulePack) -> InitialBacklog | None:
    """``{age: <distribution>, tickets: {group: {P3: 20, P4: 35}}}``: open tickets per
    resolver group and priority (groups are checked against the escalation's)."""
    if not node.mapping(required=("age", "tickets")):
        return None
    age = _distribution(node["age"])
    tickets: dict[str, dict[str, int]] = {}
    ok = isinstance(node["tickets"].value, dict) and bool(node["tickets"].value)
    if not ok:
        node["tickets"].report("a mapping of resolver groups to counts per priority, "
                               "such as {N2-bureautique: {P3: 20, P4: 35}}")
    for group, counts in node["tickets"].items() if ok else ():
        if not isinstance(counts.value, dict):
            counts.report("counts per priority such as {P3: 20, P4: 35}")
            ok = False
            continue
        tickets[str(group)] = {}
        for _code, count in counts.items():
            checked = _key_choice(pack.priority_codes, "a priority:")(count)
            number = count.number(low=0, integer=True)
            if checked is None or number is None:
                ok = False
            else:
                tickets[str(group)][str(checked)] = int(number)
    if age is None or not ok:
        return None
    return InitialBacklog(tickets, age)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError("a date, not an instant")
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _horizon_months(horizon: Horizon | None) -> list[str]:
    if horizon is None:
        return []
    days = (horizon.start + timedelta(days=k) for k in range(horizon.days))
    return sorted({f"{d.year:04d}-{d.month:02d}" for d in days})


def _demand(node: Node, pack: RulePack, horizon: Horizon | None) -> Demand | None:
    if not node.mapping(required=("profiles", "reasons", "incidents", "streams"),
                        optional=("outages", "scale", "growth_per_year")):
        return None
    scale = node["scale"].number(low=0.0) if node.has("scale") else 1.0
    growth = node["growth_per_year"].percent() if node.has("growth_per_year") else 0.0
    profiles = _all({k: parse_profile(str(k), p) for k, p in node["profiles"].items()})
    reasons = _all({k: _reason(str(k), r) for k, r in node["reasons"].items()})
    incidents = _incident_mix(node["incidents"], pack)
    zone = pack.zone
    months = _horizon_months(horizon)
    streams = [_stream(s, pack, profiles or {}, reasons or {}, months)
               for s in node["streams"].list()]
    outages = [_outage(o, pack, zone) for o in node["outages"].list()] if node.has(
        "outages") else []
    if reasons is not None and outages and not any(
        r.kind == "information" for r in reasons.values()
    ):
        node["outages"].report("a contact reason of kind information (the surge's calls)",
                               "none declared")
    names = [s.name if s is not None else None for s in streams]
    for i, stream_name in enumerate(names):
        if stream_name is not None and stream_name in names[:i]:
            node["streams"][i].report(
                "a stream name of its own", f'a second stream "{stream_name}"',
                "Give each stream of the same channel and option a name (name: …).")
    if scale is None or growth is None or profiles is None or reasons is None or (
        incidents is None or None in streams or None in outages
    ):
        return None
    return Demand(
        streams=tuple(s for s in streams if s is not None),
        profiles=profiles,
        reasons=reasons,
        incidents=incidents,
        outages=tuple(o for o in outages if o is not None),
        scale=scale,
        growth_per_year=growth,
    )


def _reason(code: str, node: Node) -> ContactReason | None:
    if not node.mapping(required=("kind",), optional=("handling",)):
        return None
    kind = node["kind"].choice(REASON_KINDS, "a kind:")
    handling = _distribution(node["handling"]) if node.has("handling") else None
    if kind is None or (node.has("handling") and handling is None):
        return None
    return ContactReason(code, kind, handling)


def _incident_mix(node: Node, pack: RulePack) -> IncidentMix | None:
    """``{priorities: {P3: 20%, …}}`` or ``{attributes: {field: {value: share}}}`` with
    a mix for every field the pack's classification reads."""
    if not node.mapping(optional=("attributes", "priorities")):
        return None
    forms = [k for k in ("attributes", "priorities") if node.has(k)]
    if len(forms) != 1:
        node.report('exactly one of "attributes" or "priorities"',
                    " and ".join(forms) if forms else "neither")
        return None
    if forms[0] == "priorities":
        mix = _shares(node["priorities"], _key_choice(pack.priority_codes, "a priority:"))
        return None if mix is None else IncidentMix(priorities=mix)
    attributes: dict[str, dict[Any, float] | None] = {}
    fields = {f.code: f for f in pack.classification.fields}
    for code, child in node["attributes"].items():
        field = pack.fields.get(code)
        if field is None:
            child.doc.report(child.path, "a classification field of the rule pack",
                             f'"{code}"', _did_you_mean(code, pack.fields))
            continue

        def value_of(key_node: Node, field: Any = field) -> Any:
            value = key_node.key
            if field.allows(value):
                return value
            key_node.doc.report(key_node.path, field.expected(), repr(value),
                                _did_you_mean(value, field.values) if field.values else None)
            return None

        attributes[code] = _shares(child, value_of)
    missing = [c for c in fields if c not in attributes]
    if missing:
        node["attributes"].report("a mix for every field the classification reads",
                                  "none for " + ", ".join(missing))
        return None
    checked = _all(attributes)
    return None if checked is None else IncidentMix(attributes=checked)


def _stream(
    node: Node, pack: RulePack, profiles: Mapping[str, WeeklyProfile],
    reasons: Mapping[str, ContactReason], months: list[str],
) -> Stream | None:
    if not _section(node, ("channel", "per_month", "profile", "calendar", "reasons",
                           "services"), ("option", "incidents", "name")):
        return None
    channel = _read(node, "channel", lambda n: n.choice(CHANNELS, "a channel:"))
    options = [o.code for o in pack.catalogue.phone_options] if pack.catalogue else []
    option = ""
    if channel == "phone":
        option = _named(node["option"], options, "a phone option:") or ""
    elif node.has("option"):
        node["option"].report("no option (only phone calls choose one)")
    volumes = _read(node, "per_month", lambda n: _volumes(n, months))
    profile = _read(node, "profile", lambda n: _named(n, profiles, "a declared profile:"))
    calendar = _read(node, "calendar",
                     lambda n: _named(n, pack.calendars, "a calendar of the rule pack:"))
    mix = _read(node, "reasons",
                lambda n: _shares(n, _key_choice(reasons, "a declared contact reason:")))
    allowed = _services(pack, option)
    services = _read(node, "services",
                     lambda n: _shares(n, _key_choice(allowed, "a service of this option:")))
    incidents = _incident_mix(node["incidents"], pack) if node.has("incidents") else None
    label = _read(node, "name", Node.str) or ""
    if channel is None or volumes is None or profile is None or calendar is None or (
        mix is None or services is None or (node.has("incidents") and incidents is None)
        or (node.has("name") and not label)
    ):
        return None
    return Stream(channel, option, volumes, profile, calendar, mix, services, incidents, label)


def _services(pack: RulePack, option: str) -> tuple[str, ...]:
    if pack.catalogue is None:
        return ()
    return tuple(s.fr for o in pack.catalogue.phone_options if option in ("", o.code)
                 for s in o.services)


def _volumes(node: Node, months: list[str]) -> dict[str, float] | None:
    """A number for every month, or ``{"2026-03": 4300, "*": 4100}``; each horizon month
    must have one."""
    if not isinstance(node.value, dict):
        volume = node.number(low=0.0)
        return None if volume is None else {"*": volume}
    volumes: dict[str, float] = {}
    for key, child in node.items():
        if key != "*" and not _MONTH.match(str(key)):
            child.doc.report(child.path, 'a month "YYYY-MM" (quoted) or "*"', repr(key))
            continue
        number = child.number(low=0.0)
        if number is not None:
            volumes[str(key)] = number
    missing = [m for m in months if m not in volumes and "*" not in volumes]
    if missing:
        node.report("a volume for every month of the horizon", "none for " + ", ".join(missing))
        return None
    return volumes


def _outage(node: Node, pack: RulePack, zone: str) -> Outage | None:
    if not node.mapping(required=("service", "start", "duration", "priority"),
                        optional=("surge", "group")):
        return None
    service = _named(node["service"], _services(pack, ""), "a catalogue service:")
    start = node["start"].convert(lambda v: _instant(v, zone),
                                  'a local time such as "2026-03-10 09:30"')
    duration = node["duration"].duration()
    priority = _named(node["priority"], pack.priority_codes, "a priority:")
    calls, over = 0.0, duration
    if node.has("surge"):
        surge = node["surge"]
        if surge.mapping(required=("calls",), optional=("over",)):
            calls = surge["calls"].number(low=0.0) or 0.0
            over = surge["over"].duration() if surge.has("over") else duration
    group = node["group"].str() if node.has("group") else None
    if service is None or start is None or duration is None or priority is None or (
        over is None
    ):
        return None
    return Outage(service, start, duration, priority, calls, over, group)


def _instant(value: Any, zone: str) -> datetime:
    """An ISO 8601 instant (YAML may have read it as a datetime already); local time of
    ``zone`` when it gives no offset."""
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo is not None else local_instant(stamp, zone)


def _escalation(node: Node, pack: RulePack) -> Escalation | None:
    if not node.mapping(required=("routing", "groups"),
                        optional=("waiting", "reopen", "close_after")):
        return None
    declared = node["groups"].value
    names = tuple(str(k) for k in declared) if isinstance(declared, dict) else ()
    groups = _all({str(k): _group(str(k), g, pack, names) for k, g in node["groups"].items()})
    routing = {}
    for service, child in node["routing"].items():
        if service not in _services(pack, "") and service != "*":
            child.doc.report(child.path, 'a catalogue service or "*"', f'"{service}"',
                             _did_you_mean(service, _services(pack, "")))
        target = _named(child, names, "a declared group:")
        if target is not None:
            routing[str(service)] = target
    waiting = None
    if node.has("waiting"):
        w = node["waiting"]
        if w.mapping(required=("probability", "duration", "calendar")):
            p, d = w["probability"].percent(), _distribution(w["duration"])
            cal = _named(w["calendar"], pack.calendars, "a calendar of the rule pack:")
            if p is not None and d is not None and cal is not None:
                waiting = Waiting(p, d, cal)
    reopen = None
    if node.has("reopen"):
        r = node["reopen"]
        if r.mapping(required=("probability", "after", "work")):
            p, a, wk = r["probability"].percent(), _distribution(r["after"]), _distribution(
                r["work"])
            if p is not None and a is not None and wk is not None:
                reopen = Reopen(p, a, wk)
    close_after = node["close_after"].duration() if node.has("close_after") else 2 * 86400.0
    if groups is None or close_after is None:
        return None
    return Escalation(routing, groups, waiting, reopen, close_after)


def _group(name: str, node: Node, pack: RulePack, names: tuple[str, ...]
           ) -> ResolverGroup | None:
    if not _section(node, ("level", "headcount", "calendar", "work"),
                    ("on_call", "escalate", "hold", "at_shift_end")):
        return None
    level = _read(node, "level", lambda n: n.number(low=2, high=3, integer=True))
    headcount = _read(node, "headcount", lambda n: n.number(low=1, integer=True))
    on_call = node["on_call"].number(low=0, integer=True) if node.has("on_call") else 0
    calendar = _read(node, "calendar",
                     lambda n: _named(n, pack.calendars, "a calendar of the rule pack:"))
    work: dict[str, Distribution | None] = {"": None}
    if _section(node["work"], pack.priority_codes):
        work = {p: _read(node["work"], p, _distribution) for p in pack.priority_codes}
    to, probability = None, 0.0
    if node.has("escalate"):
        e = node["escalate"]
        if e.mapping(required=("to", "probability")):
            to = _named(e["to"], [n for n in names if n != name], "another declared group:")
            probability = e["probability"].percent() or 0.0
    holds = {}
    if node.has("hold"):
        holds = {_key_choice(pack.priority_codes, "a priority:")(child): _hold(child)
                 for _code, child in node["hold"].items()}
    checked, held = _all(work), _all(holds)
    policy = _read(node, "at_shift_end",
                   lambda n: n.choice(SHIFT_END_POLICIES, "a shift-end policy:")) or HAND_BACK
    if level is None or headcount is None or on_call is None or calendar is None or (
        checked is None or held is None or None in held
        or (node.has("at_shift_end") and node["at_shift_end"].value not in SHIFT_END_POLICIES)
    ):
        return None
    return ResolverGroup(name, int(level), int(headcount), int(on_call), calendar, checked,
                         to, probability, held, policy)


def _hold(node: Node) -> Hold | None:
    """``{probability: 60%, duration: <distribution>}``, or a distribution drawn for every
    ticket (its zeros are tickets never held)."""
    if isinstance(node.value, dict) and "dist" in node.value:
        duration = _distribution(node)
        return None if duration is None else Hold(1.0, duration)
    if not node.mapping(required=("probability", "duration")):
        return None
    probability, duration = node["probability"].percent(), _distribution(node["duration"])
    if probability is None or duration is None:
        return None
    return Hold(probability, duration)


def _check_services(root: Node, demand: Demand, escalation: Escalation) -> None:
    """Every service a ticket may concern is routed to a level-2 group."""
    routed = escalation.routing
    used = {s for st in demand.streams for s in st.services} | {
        o.service for o in demand.outages}
    missing = sorted(s for s in used if s not in routed and "*" not in routed)
    if missing:
        root["escalation"]["routing"].report("a group for every service tickets concern",
                                             "none for " + ", ".join(f'"{m}"' for m in missing))
    for name, group in escalation.groups.items():
        if group.level == 2 or name not in routed.values():
            continue
        root["escalation"]["routing"].report("level-2 groups as routing targets",
                                             f'"{name}" (level {group.level})')
    for i, outage in enumerate(demand.outages):
        if outage.group is not None and outage.group not in escalation.groups:
            root["demand"]["outages"][i]["group"].report(
                "a declared group", f'"{outage.group}"',
                _did_you_mean(outage.group, escalation.groups))


def _check_backlog(horizon: Node, escalation: Escalation) -> None:
    """The initial backlog names declared resolver groups."""
    tickets = horizon["initial_backlog"]["tickets"]
    if not isinstance(tickets.value, dict):
        return  # absent, or reported by the horizon
    for group, child in tickets.items():
        if group not in escalation.groups:
            child.report("a resolver group declared under escalation.groups", f'"{group}"',
                         _did_you_mean(str(group), escalation.groups))

