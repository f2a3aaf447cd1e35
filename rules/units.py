"""Durations and percentages as people write them in rule packs and scenarios."""

from __future__ import annotations

import math
import re

_UNIT_SECONDS = {"d": 86400, "h": 3600, "min": 60, "m": 60, "s": 1}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(d|h|min|m|s)\s*")

DURATION_EXAMPLE = 'a duration such as "40s", "3h", "90min" or "1d 2h"'
PERCENT_EXAMPLE = 'a percentage such as "85%" or 0.85'


def parse_duration(text: object) -> float:
    """Seconds in a duration written "40s", "3h", "90min", "1d 2h" (units d, h, min/m, s).

    A bare number is not accepted: without a unit it is ambiguous. Raises ValueError.
    """
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(f"{text!r} has no unit")
    pos, total, seen = 0, 0.0, False
    while pos < len(text):
        match = _PART.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"cannot read {text!r} as a duration")
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos, seen = match.end(), True
    if not seen:
        raise ValueError("empty duration")
    if not math.isfinite(total):
        raise ValueError(f"{text!r} is too long a duration")
    return total


def parse_percent(value: object) -> float:
    """A fraction in [0, 1] from "85%", "85 %", or a number in [0, 1]. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a percentage")
    if isinstance(value, int | float):
        fraction = float(value)
    elif isinstance(value, str) and value.strip().endswith("%"):
        fraction = float(value.strip()[:-1].strip().replace(",", ".")) / 100.0
    else:
        raise ValueError(f"cannot read {value!r} as a percentage")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"{value!r} is outside 0 % … 100 %")
    return fraction


def format_duration(seconds: float) -> str:
    """The shortest readable form: 40s, 3h, 1d 2h, 90min → 1h 30min."""
    seconds = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0s"
