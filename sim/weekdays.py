"""Weekdays as scenario files write them: English or French names, alone, in a list or as
a range (``mon-fri``, ``lun-ven``, ``[sat, sun]``, ``fri-mon`` across the weekend).

Shifts, staffing tables and arrival profiles all name their days this way, so a planner
writes days once, in either language.
"""

from __future__ import annotations

from typing import Any

from rules.document import Node

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FRENCH_DAY_NAMES: tuple[str, ...] = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
# Name (either language) → 0 (Monday) … 6 (Sunday).
WEEKDAYS: dict[str, int] = {
    **{d: i for i, d in enumerate(DAY_NAMES)},
    **{d: i for i, d in enumerate(FRENCH_DAY_NAMES)},
}
DAYS_EXAMPLE = 'days such as [mon, tue], "mon-fri" or "lun-ven"'


def parse_days(node: Node, value: Any = None) -> frozenset[int] | None:
    """The weekdays written at ``node`` (or ``value``, a key read at ``node``), or None
    after recording a problem there."""
    written = node.value if value is None else value
    names = written if isinstance(written, list) else [written]
    days: set[int] = set()
    for name in names:
        low, _, high = str(name).lower().partition("-")
        if low not in WEEKDAYS or (high and high not in WEEKDAYS):
            node.report(DAYS_EXAMPLE, f'"{name}"')
            return None
        a, b = WEEKDAYS[low], WEEKDAYS[high or low]
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(days)
