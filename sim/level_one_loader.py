"""The ``level_one`` section of a scenario file → :class:`sim.scenario.LevelOne`.

Two forms. One pool (every call answered first come, first served by one group)::

    level_one:
      group: CAU-N1
      staffing: {shifts: […]}
      handling: …

Agent groups with skills, and the routing of each call type::

    level_one:
      groups:
        N1-bureautique: {staffing: {shifts: […]}, skills: [option-1]}
        N1-centraux-web: {staffing: {…}, skills: [option-2, option-1], emails: false}
      routing:                       # a call takes the first type whose `when` it matches
        - {name: panne, when: {outage: true}, first: N1-centraux-web, priority: 1}
        - {name: option-1, when: {option: "1"}, overflow_after: 1min}
        - {name: option-2, when: {option: "2"}}
      handling: …

Each section is declared once (:mod:`rules.schema`); names are checked against what they
name (groups, call types, the rule pack's options, services and priorities; the demand's
streams in :func:`check_routing`), every problem located with "did you mean".
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from rules.document import Node, did_you_mean
from rules.pack import RulePack
from rules.schema import Key, Section

from .distributions import Distribution, parse_distribution, parse_patience
from .policies import FINISH, SHIFT_END_POLICIES
from .routing import first_type, kinds_of_calls
from .scenario import (
    ANY_CALL,
    CHANNELS,
    AgentGroup,
    CallMatch,
    CallType,
    Demand,
    LevelOne,
)
from .staffing import Staffing, parse_staffing


def _names(node: Node) -> tuple[str, ...] | None:
    """A name or a list of names."""
    values = node.value if isinstance(node.value, list) else [node.value]
    if not values or not all(isinstance(v, str | int) and str(v).strip() for v in values):
        node.report("a name or a list of names")
        return None
    return tuple(str(v) for v in values)


def _choices(allowed: Callable[[], Collection[str]], what: str
             ) -> Callable[[Node], frozenset[str] | None]:
    """A reader of names that must each be one of ``allowed()``."""

    def read(node: Node) -> frozenset[str] | None:
        names = _names(node)
        if names is None:
            return None
        known = allowed()
        wrong = [n for n in names if n not in known]
        for name in wrong:
            node.report(f"{what} " + ", ".join(f'"{k}"' for k in list(known)[:12]),
                        f'"{name}"', did_you_mean(name, known))
        return None if wrong else frozenset(names)

    return read


def _policy(node: Node) -> Any:
    return node.choice(SHIFT_END_POLICIES, "a shift-end policy:")


def _positive_int(node: Node) -> int | None:
    number = node.number(low=1, integer=True)
    return None if number is None else int(number)


def read_level_one(node: Node, pack: RulePack) -> LevelOne | None:
    """The level-1 section at ``node``, or None after recording its problems."""
    options = [o.code for o in pack.catalogue.phone_options] if pack.catalogue else []
    services = [s.fr for o in pack.catalogue.phone_options for s in o.services] if (
        pack.catalogue) else []
    section = Section(
        Key("group", Node.str, default=None),
        Key("staffing", parse_staffing, default=None),
        Key("groups", lambda n: n, default=None),
        Key("routing", lambda n: n, default=None),
        Key("handling", _handling),
        Key("patience", parse_patience),
        Key("after_call_work", parse_distribution, default=None),
        Key("first_contact", lambda n: _first_contact(n, services)),
        Key("calendar", lambda n: n.choice(pack.calendars, "a calendar of the rule pack:")),
    )
    values = section.read(node)
    if values is None:
        return None
    one, many = values.pop("group"), values.pop("groups")
    staffing, routing = values.pop("staffing"), values.pop("routing")
    if many is None:
        if one is None or staffing is None or routing is not None:
            node.report('either "group" and "staffing" (one pool) or "groups" (and '
                        '"routing")', ", ".join(k for k in ("group", "staffing", "routing")
                                                 if node.has(k)) or "neither")
            return None
        return LevelOne.one_pool(one, staffing, **values)
    if one is not None or staffing is not None:
        node.report('either "group" and "staffing" (one pool) or "groups" (and "routing")',
                    "both forms")
        return None
    groups, groups_ok = _groups(many)
    if not groups:
        return None
    call_types: tuple[CallType, ...] = (CallType(ANY_CALL, next(iter(many.value))),)
    routing_ok, declared = True, [ANY_CALL]
    if routing is not None:  # else every call to the first group, which must take them all
        call_types, routing_ok = _routing(routing, list(many.value), groups, options,
                                          services, pack)
        declared = [str(item.value["name"]) for item in routing.list()
                    if isinstance(item.value, dict) and "name" in item.value]
    skills_ok = _check_skills(many, groups, call_types, declared)
    if not (groups_ok and routing_ok and skills_ok):
        return None
    return LevelOne(groups, call_types, **values)


def _handling(node: Node) -> dict[str, Distribution] | None:
    if not node.mapping(required=CHANNELS):
        return None
    handling = {c: parse_distribution(node[c]) for c in CHANNELS}
    return {c: d for c, d in handling.items() if d is not None} if None not in (
        handling.values()) else None


def _first_contact(node: Node, services: list[str]) -> dict[str, float] | None:
    """Service or "*" → probability that level 1 solves an incident at first contact."""
    if not isinstance(node.value, dict) or not node.value:
        node.report('a mapping of services (or "*") to shares such as {"*": 30%}')
        return None
    shares, ok = {}, True
    for key, child in node.items():
        if key != "*" and key not in services:
            child.doc.report(child.path, 'a service or "*"', f'"{key}"',
                             did_you_mean(str(key), services), at_key=True)
            ok = False
        share = child.percent()
        if share is None:
            ok = False
        else:
            shares[str(key)] = share
    return shares if ok else None


_UNREAD = Staffing(())  # the staffing of a group whose section has problems
_GROUP = Section(
    Key("staffing", parse_staffing),
    Key("skills", _names),
    Key("emails", Node.bool, default=True),
    Key("at_shift_end", _policy, default=FINISH),
)


def _groups(node: Node) -> tuple[dict[str, AgentGroup], bool]:
    """The groups read without a problem, and whether every one was."""
    if not isinstance(node.value, dict) or not node.value:
        node.report("agent groups by name, such as {N1-bureautique: {staffing: …, skills: "
                    "[option-1]}}")
        return {}, False
    groups: dict[str, AgentGroup] = {}
    ok = True
    for name, child in node.items():
        values = _GROUP.read(child)
        if values is None:
            ok = False
            skills = _names(child["skills"]) if child.has("skills") else None
            if skills is not None:  # still known to the routing's checks
                groups[str(name)] = AgentGroup(str(name), _UNREAD, skills)
        else:
            groups[str(name)] = AgentGroup(str(name), **values)
    return groups, ok


def _routing(node: Node, declared: list[str], groups: dict[str, AgentGroup],
             options: list[str], services: list[str], pack: RulePack
             ) -> tuple[tuple[CallType, ...], bool]:
    """The call types read without a problem, and whether every one was."""
    match = Section(
        Key("stream", _names, default=None, field="streams"),
        Key("option", _choices(lambda: options, "phone options:"), default=None,
            field="options"),
        Key("service", _choices(lambda: services, "services of the catalogue:"),
            default=None, field="services"),
        Key("priority", _choices(lambda: pack.priority_codes, "priorities:"), default=None,
            field="priorities"),
        Key("outage", Node.bool, default=None),
    )
    entry = Section(
        Key("name", Node.str),
        Key("when", match.read, default={}),
        Key("first", lambda n: n.choice(declared, "a declared group:"), default=None),
        Key("overflow_after", Node.duration, default=None),
        Key("priority", _positive_int, default=None),
    )
    types: list[CallType] = []
    ok = True
    for item in node.list():
        values = entry.read(item)
        if values is None:
            ok = False
            continue
        written = values.pop("when")
        when = CallMatch(**{k: frozenset(v) for k, v in written.items()
                            if k != "outage" and v is not None},
                         outage=written.get("outage"))
        name = values["name"]
        if name in (t.name for t in types):
            item["name"].report("a call type's name of its own", f'"{name}" twice')
            ok = False
            continue
        first = values.pop("first")
        if first is None:
            skilled = [g for g in groups.values() if g.answers(name)]
            if not skilled:
                item["name"].report("a call type some group answers (its name in a group's "
                                    "skills)", f'"{name}" in no group\'s skills')
                ok = False
                continue
            first = skilled[0].name
        types.append(CallType(when=when, first=first, **values))
    return tuple(types), ok


def _check_skills(node: Node, groups: dict[str, AgentGroup], types: tuple[CallType, ...],
                  names: list[str]) -> bool:
    """Skills name declared call types (``names``); a type's first group has the skill; a
    type that may overflow has another skilled group."""
    ok = True
    for name, group in groups.items():
        for skill in group.skills:
            if skill != ANY_CALL and skill not in names:
                node[name]["skills"].report(
                    'call types named under level_one.routing (or "*")',
                    f'"{skill}"', did_you_mean(skill, names))
                ok = False
    for t in types:
        first = groups.get(t.first)
        if first is None:
            continue  # a group with problems of its own
        if not first.answers(t.name):
            node[t.first]["skills"].report(
                f'the skill "{t.name}": the group is its first group', ", ".join(first.skills))
            ok = False
        if t.overflow_after is not None and len([g for g in groups.values()
                                                 if g.answers(t.name)]) < 2:
            node[t.first]["skills"].report(
                f'another group with the skill "{t.name}", which overflows after '
                f"{t.overflow_after:g} s", "none")
            ok = False
    return ok


def check_routing(root: Node, demand: Demand, level_one: LevelOne, pack: RulePack) -> None:
    """Across sections: streams named by the routing exist; every call the demand can
    bring takes some call type; some group works e-mails if any arrive."""
    node = root["level_one"]
    names = [s.name for s in demand.streams]
    if node.has("routing"):
        for i, t in enumerate(level_one.routing):
            for stream in sorted(t.when.streams - set(names)):
                node["routing"][i]["when"]["stream"].report(
                    "streams of demand.streams: " + ", ".join(f'"{n}"' for n in names),
                    f'"{stream}"', did_you_mean(stream, names))
    for kind in kinds_of_calls(demand, pack):
        if first_type(level_one, kind) is None:
            node["routing"].report("a call type for every call", f"none takes {kind.words}",
                                   "End the routing with a type without `when` (every "
                                   "other call).")
            break
    if any(s.channel == "email" for s in demand.streams) and not any(
        g.emails for g in level_one.groups.values()
    ):
        node["groups"].report("a group that works e-mails (emails: true)",
                              "none, while e-mails arrive")
