"""A one-screen text summary of a rule pack, in French or English (``cau validate``).

It lives in ``cau`` beside the scenario summary: report text goes through :mod:`cau.i18n`,
and the rules engine knows nothing of the command line."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

from rules.calendar import BusinessCalendar
from rules.classification import DecisionTable
from rules.pack import AnswerTimeTarget, FirstContactTarget, RulePack, Target
from rules.units import format_duration

from .formats import goal_percent
from .i18n import message


def format_threshold(seconds: float) -> str:
    """A threshold as written in the pack: beyond a day in hours ("40h" of business time,
    not "1d 16h", which would read as calendar days)."""
    return format_duration(seconds) if seconds < 86400 else f"{seconds / 3600:g}h"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def format_hours(calendar: BusinessCalendar, lang: str = "fr") -> str:
    """Opening hours as people read them: "lun–ven 07:30–17:00", consecutive days grouped."""
    if calendar.windows is None:
        return message("always_open", lang)
    names = message("weekdays", lang).split(",")
    parts = []
    days = sorted(calendar.windows.items())
    for _, group in itertools.groupby(enumerate(days), key=lambda x: (x[1][0] - x[0], x[1][1])):
        run = [day for _, (day, _spans) in group]
        spans = calendar.windows[run[0]]
        label = names[run[0]] if len(run) == 1 else f"{names[run[0]]}–{names[run[-1]]}"
        parts.append(label + " " + ", ".join(f"{_clock(a)}–{_clock(b)}" for a, b in spans))
    return "; ".join(parts)


def _target_line(target: Target, lang: str) -> str:
    goal = goal_percent(target.goal, lang)
    if isinstance(target, FirstContactTarget):
        what = message("first_contact_goal", lang, goal=goal)
        scope = ", ".join([*target.options, *target.services])
        text = f"{what} ({scope})" if scope else what
    else:
        label = f"{target.priority} " if not isinstance(target, AnswerTimeTarget) else ""
        text = label + message("within", lang, threshold=format_threshold(target.threshold),
                               goal=goal)
        text += ", " + message("calendar_of", lang, calendar=target.calendar)
        if not isinstance(target, AnswerTimeTarget) and target.pause_while_waiting:
            text += ", " + message("pauses", lang)
    if target.notes:
        text += f" ({', '.join(target.notes)})"
    if target.provisional:
        text += f" [{message('provisional', lang)}]"
    return f"  {target.id}: {target.name.get(lang)}\n      {text}"


def summarise(pack: RulePack, lang: str = "fr", year: int | None = None) -> str:
    """The pack in a few lines: priorities, classification, targets, calendars, semantics."""
    year = year or date.today().year
    lines = [
        f"{message('pack', lang)} {pack.id} — {pack.name.get(lang)} "
        f"({message('version', lang)} {pack.version})",
        f"{message('priorities', lang)} "
        + " · ".join(f"{p.code} {p.name.get(lang)}" for p in pack.priorities),
    ]
    rules = pack.classification
    if isinstance(rules, DecisionTable):
        how = message("decision_table", lang, rules=len(rules.rules), default=rules.default)
    else:
        how = message("matrix", lang, impact=rules.impact.code, urgency=rules.urgency.code)
    lines.append(f"{message('classification', lang)} {how}")
    lines.append(message("targets", lang))
    lines.extend(_target_line(t, lang) for t in pack.targets)
    lines.append(message("calendars", lang))
    for name, calendar in pack.calendars.items():
        label = pack.calendar_names[name].get(lang) if name in pack.calendar_names else name
        hours = format_hours(calendar, lang)
        text = f"  {name}" + (f" ({label})" if label != hours else "")
        text += f": {hours}, {calendar.zone}"
        if calendar.holidays is not None:
            count = len(calendar.holidays.dates(year))
            text += ", " + message("holidays_in", lang, count=count, year=year)
        lines.append(text)
    lines.append(f"{message('semantics', lang)} " + ", ".join(
        f"{key}={value}" for key, value in dataclasses.asdict(pack.semantics).items()))
    return "\n".join(lines)
