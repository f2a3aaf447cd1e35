"""Numbers, percentages, months and plain-text tables as French (default) or English
readers write them.

French typography: decimal comma, a narrow no-break space (U+202F) before "%" and
between thousands ("1 234,5", "85 %"), lower-case month names. English: "1,234.5",
"85%". Every report of the client-facing dashboard goes through these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import i18n

NNBSP = "\u202f"  # narrow no-break space: French "85 %", "1 234"
DASH = "–"  # shown where there is no value

i18n.register(
    {
        "months_long": {
            "fr": "janvier,février,mars,avril,mai,juin,juillet,août,septembre,octobre,"
            "novembre,décembre",
            "en": "January,February,March,April,May,June,July,August,September,October,"
            "November,December",
        },
        "months_short": {
            "fr": "janv.,févr.,mars,avr.,mai,juin,juil.,août,sept.,oct.,nov.,déc.",
            "en": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
        },
    }
)


def number(value: float | None, lang: str = "fr", digits: int = 0) -> str:
    """``1 234,5`` in French, ``1,234.5`` in English; a dash when there is no value."""
    if value is None or not math.isfinite(value):
        return DASH
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(fraction: float | None, lang: str = "fr", digits: int = 1) -> str:
    """A fraction as ``82,3 %`` (French) or ``82.3%`` (English); a dash when missing."""
    if fraction is None or not math.isfinite(fraction):
        return DASH
    text = number(100 * fraction, lang, digits)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def goal_percent(fraction: float | None, lang: str = "fr") -> str:
    """A goal as it is written: ``85 %``, ``87,5 %`` (no decimal unless it has one)."""
    whole = fraction is not None and math.isfinite(fraction) and (
        round(100 * fraction, 1) == round(100 * fraction))
    return percent(fraction, lang, 0 if whole else 1)


def points(difference: float | None, lang: str = "fr", digits: int = 1) -> str:
    """A difference of two fractions in percentage points, signed: ``+3,2 pts``."""
    if difference is None or not math.isfinite(difference):
        return DASH
    sign = "+" if difference >= 0 else "−"
    text = number(abs(100 * difference), lang, digits)
    return f"{sign}{text}{NNBSP}pts" if lang == "fr" else f"{sign}{text} pts"


def hours(seconds: float, lang: str = "fr") -> str:
    """A duration in hours: ``10 h``, ``2,5 h`` (French) or ``10 h``, ``2.5 h``."""
    value = seconds / 3600
    digits = 0 if float(value).is_integer() else 1
    return f"{number(value, lang, digits)}{NNBSP if lang == 'fr' else ' '}h"


def duration(seconds: float, lang: str = "fr") -> str:
    """A threshold as readers say it: ``40 s``, ``15 min``, ``10 h`` (hours beyond an hour,
    even past a day: "40 h" of business time is not "1 d 16 h")."""
    space = NNBSP if lang == "fr" else " "
    if seconds < 60:
        return f"{number(seconds, lang, 0 if float(seconds).is_integer() else 1)}{space}s"
    if seconds < 3600:
        return f"{number(seconds / 60, lang, 0 if seconds % 60 == 0 else 1)}{space}min"
    return hours(seconds, lang)


def halfhour_label(slot: int, lang: str = "fr") -> str:
    """A half-hour of the week (0 = Monday 00:00 … 335) as ``lun 07:30`` / ``Mon 07:30``."""
    day = i18n.message("weekdays", lang).split(",")[slot // 48]
    return f"{day} {slot % 48 // 2:02d}:{30 * (slot % 2):02d}"


def month_name(month: str, lang: str = "fr", short: bool = False) -> str:
    """``"2026-03"`` → ``mars 2026`` (``March 2026``); short: ``mars`` (``Mar``)."""
    year, index = int(month[:4]), int(month[5:7])
    names = i18n.message("months_short" if short else "months_long", lang).split(",")
    return names[index - 1] if short else f"{names[index - 1]} {year}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned on their widest cell: the first (names) left, figures right."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = (str(c) for c in cells)
        aligned = [first.ljust(widths[0])]
        aligned += [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        return "  ".join(aligned).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
