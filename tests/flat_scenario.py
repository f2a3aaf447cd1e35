"""A flat scenario whose capacity figures are worked out by hand, shared by the capacity
and staffing tests.

March 2026: 22 business days (no Quebec holiday) × 19 half-hours of 07:30–17:00 = 418
open half-hours. 4,180 calls a month is 10 calls per half-hour; at 6 min each that is
10 × 360 / 1800 = 2.0 Erlangs in every open half-hour.
"""

from __future__ import annotations

_TEMPLATE = """
version: 1
name: flat
rule_pack: cspq-cau
horizon: {start: 2026-03-01, days: 31}
demand:
  profiles:
    flat: {days: DAYS, hours: {"00:00": 1}}
  reasons: {incident: {kind: incident}}
  incidents: {priorities: {P3: 100%}}
  streams:
    - channel: phone
      option: "1"
      per_month: 4180
      profile: flat
      calendar: ouvrable-0730-1700
      reasons: {incident: 100%}
      services: {"Gestion du poste de travail bureautique": 100%}
level_one:
  group: N1
  staffing: STAFFING
  handling:
    phone: {dist: deterministic, value: 6min}
    email: {dist: deterministic, value: 6min}
  patience: PATIENCE
  first_contact: {"*": FIRST}
  calendar: ouvrable-0730-1700
escalation:
  routing: {"*": N2}
  groups:
    N2:
      level: 2
      headcount: HEADCOUNT
      calendar: ouvrable-0830-1630
      work:
        P1: {dist: exponential, mean: 1h}
        P2: {dist: exponential, mean: 1h}
        P3: {dist: exponential, mean: 2h}
        P4: {dist: exponential, mean: 1h}
        P5: {dist: exponential, mean: 1h}
"""


def flat_scenario(
    staffing: str = '{table: {mon-fri: {"07:30": 5, "17:00": 0}}}',
    *,
    headcount: int = 30,
    first_contact: str = "50%",
    days: str = "{mon: 1, tue: 1, wed: 1, thu: 1, fri: 1}",
    patience: str = "{dist: exponential, mean: 4min}",
) -> str:
    """The flat scenario's YAML, with its level-1 staffing, level-2 headcount, first-contact
    share, weekday weights of the arrival profile and callers' patience as given."""
    return (
        _TEMPLATE.replace("STAFFING", staffing)
        .replace("HEADCOUNT", str(headcount))
        .replace("FIRST", first_contact)
        .replace("DAYS", days)
        .replace("PATIENCE", patience)
    )


def agents_table(agents: int) -> str:
    """Level-1 staffing of ``agents`` on duty through 07:30–17:00, Monday to Friday."""
    return f'{{table: {{mon-fri: {{"07:30": {agents}, "17:00": 0}}}}}}'
