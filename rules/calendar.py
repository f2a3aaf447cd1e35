"""Business calendars: when a service desk is open, as UTC intervals.

A :class:`BusinessCalendar` is weekly opening windows (several per day allowed), a
zone and :class:`HolidayRules`. Windows are local wall-clock times; each day is turned
into UTC intervals through ``zoneinfo``, so a change of daylight saving time is right
by construction (08:30 local is 13:30 UTC in winter, 12:30 UTC in summer, and a window
that straddles the spring-forward hour is one hour shorter in real time).

Holidays come from the ``holidays`` package (country, subdivision, categories, names in
French) plus declared additions and removals, never from a hand list alone: the package
keeps the statutory days and their rules (Easter, "Monday before May 25", observed
days) up to date, the rule pack only states how an employer differs from the statute.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import holidays as holidays_package
import numpy as np
from dateutil.easter import easter

from .document import did_you_mean

DAY_SECONDS = 86400
WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DAY_RULE_EXAMPLE = 'a day such as "01-02" (month-day), "2026-12-29" (one date) or "easter+1"'

# The package labels an observed day "<name> (observé)" in French.
_OBSERVED_SUFFIX = " ("
_DAY_RULE = re.compile(
    r"^\s*(?:(?P<year>\d{4})-)?(?P<month>\d{1,2})-(?P<day>\d{1,2})\s*$"
    r"|^\s*(?:easter|pâques|paques)\s*(?:(?P<sign>[+-])\s*(?P<offset>\d+))?\s*$",
    re.IGNORECASE,
)


# --- holiday additions and removals: plain data a rule-pack loader builds -------------


@dataclass(frozen=True)
class FixedDay:
    """A holiday on the same month and day every year ("01-02": lendemain du jour de l'an).

    Not moved when it falls on a weekend; declare a :class:`OnDate` for a transfer.
    February 29 exists only in leap years.
    """

    month: int
    day: int
    name: str

    def __post_init__(self) -> None:
        date(2000, self.month, self.day)  # 2000 is a leap year: accepts 02-29, rejects 02-30

    def in_year(self, year: int) -> date | None:
        """The date in ``year``, or None when there is none (02-29 of a common year)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class EasterOffset:
    """A holiday a fixed number of days from (Western) Easter Sunday (+1: lundi de Pâques)."""

    days: int
    name: str

    def in_year(self, year: int) -> date | None:
        """The date in ``year``."""
        return easter(year) + timedelta(days=self.days)


@dataclass(frozen=True)
class OnDate:
    """A one-off holiday on one date (a closure, a day transferred by the employer)."""

    day: date
    name: str

    def in_year(self, year: int) -> date | None:
        """The date if it is in ``year``, else None."""
        return self.day if self.day.year == year else None


@dataclass(frozen=True)
class RemoveDate:
    """Not a holiday on this date, whatever the package or an addition says."""

    day: date


@dataclass(frozen=True)
class RemoveName:
    """Not a holiday: every day with this French name (and its observed day) is dropped."""

    name: str

    def matches(self, name: str) -> bool:
        """True for the name itself and for "<name> (observé)"."""
        return name == self.name or name.startswith(self.name + _OBSERVED_SUFFIX)


Addition = FixedDay | EasterOffset | OnDate
Removal = RemoveDate | RemoveName


def parse_day_rule(text: str, name: str) -> Addition:
    """An addition from how a rule pack writes it: "01-02", "2026-12-29", "easter+1".

    Raises ValueError (with :data:`DAY_RULE_EXAMPLE` as what was expected).
    """
    match = _DAY_RULE.match(text)
    if not match:
        raise ValueError(f"cannot read {text!r} as {DAY_RULE_EXAMPLE}")
    if match.group("month") is None:
        offset = int(match.group("offset") or 0)
        return EasterOffset(-offset if match.group("sign") == "-" else offset, name)
    month, day = int(match.group("month")), int(match.group("day"))
    if match.group("year"):
        return OnDate(date(int(match.group("year")), month, day), name)
    return FixedDay(month, day, name)


# The Quebec public service's holidays that the statutory list (holidays.CA, subdiv QC,
# category "public": jour de l'an, Vendredi saint, Journée nationale des patriotes,
# Fête nationale, Fête du Canada, fête du Travail, Action de grâce, Noël) lacks.
# Source: the 13 "jours fériés et chômés" of the Quebec public service as listed in
# the project's DESIGN.md (1 and 2 January, Good Friday, Easter Monday, Patriots' Day,
# 24 June, 1 July, Labour Day, Thanksgiving, 24, 25, 26 and 31 December); the article
# of the collective agreements that grants them is to be confirmed with the CSPQ.
QUEBEC_PUBLIC_SERVICE_ADDITIONS: tuple[Addition, ...] = (
    FixedDay(1, 2, "Lendemain du jour de l'an"),
    EasterOffset(1, "Lundi de Pâques"),
    FixedDay(12, 24, "Veille de Noël"),
    FixedDay(12, 26, "Lendemain de Noël"),
    FixedDay(12, 31, "Veille du jour de l'an"),
)

@functools.cache
def _holiday_class(country: str) -> Callable[..., holidays_package.HolidayBase]:
    """What makes the ``holidays`` calendar of ``country`` (a code or name the package
    knows): its class, loaded from the country's own module. The package's lookup first
    imports all of its ~250 countries, a tenth of a second of every command that reads a
    pack (vacanza/holidays#998); its registry says which module holds the country, and
    the module imports nothing of the other countries. Should the package's layout
    change, its own lookup is used; a country it does not know raises, as there,
    NotImplementedError."""
    from holidays.registry import COUNTRIES

    lookup = functools.partial(holidays_package.country_holidays, country)
    module = next((m for m, entities in COUNTRIES.items() if country in entities), None)
    if module is None:
        return lookup
    path = Path(holidays_package.__file__).with_name("countries") / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"_cau_holidays_{module}", path)
    if spec is None or spec.loader is None:
        return lookup
    loaded = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(loaded)
        entity: Callable[..., holidays_package.HolidayBase] = getattr(
            loaded, COUNTRIES[module][0])
    except (ImportError, AttributeError, OSError):
        return lookup
    return entity


# Years probed to check that a removal by name names a holiday that exists.
_NAME_PROBE_YEARS = range(2000, 2041)


class HolidayRules:
    """Holidays of a country/subdivision from the ``holidays`` package, plus additions
    and minus removals, with names in French.

    ``observed`` keeps the package's observed days (a statutory holiday on a weekend
    moved to a weekday, e.g. Fête nationale on Sunday → Monday 25 June). Raises
    ValueError for an unknown country, subdivision, category or removed name.
    """

    def __init__(
        self,
        country: str = "CA",
        subdiv: str | None = "QC",
        categories: Sequence[str] = ("public",),
        add: Iterable[Addition] = (),
        remove: Iterable[Removal] = (),
        observed: bool = True,
    ):
        self.country = country
        self.subdiv = subdiv
        self.categories = tuple(categories)
        self.add = tuple(add)
        self.remove = tuple(remove)
        self.observed = observed
        self._check()
        self._dates = functools.lru_cache(maxsize=None)(self._compute_dates)

    def __reduce__(self) -> tuple[type[HolidayRules], tuple[Any, ...]]:
        # Rebuilt from its arguments (the cache cannot be pickled), so a rule pack can
        # be sent to worker processes.
        args = (self.country, self.subdiv, self.categories, self.add, self.remove, self.observed)
        return type(self), args

    @classmethod
    def quebec_public_service(cls) -> HolidayRules:
        """The 13 holidays of the Quebec public service (the CAU's default)."""
        return cls(add=QUEBEC_PUBLIC_SERVICE_ADDITIONS)

    def __repr__(self) -> str:
        return (
            f"HolidayRules({self.country!r}, subdiv={self.subdiv!r}, "
            f"categories={self.categories!r}, add={self.add!r}, remove={self.remove!r})"
        )

    def _package(self, years: int | Iterable[int]) -> holidays_package.HolidayBase:
        return _holiday_class(self.country)(
            subdiv=self.subdiv,
            years=years,
            categories=self.categories,
            observed=self.observed,
            language="fr",
        )

    def _check(self) -> None:
        try:
            entity = _holiday_class(self.country)()
        except NotImplementedError:
            supported = holidays_package.list_supported_countries()
            hint = did_you_mean(self.country, supported) or ""
            raise ValueError(f"unknown country {self.country!r}. {hint}".strip()) from None
        subdivisions = list(entity.subdivisions)
        if self.subdiv is not None and self.subdiv not in subdivisions:
            hint = did_you_mean(self.subdiv, subdivisions) or "Known: " + ", ".join(subdivisions)
            raise ValueError(
                f"unknown subdivision {self.subdiv!r} of {self.country}. {hint}".strip()
            )
        known = entity.supported_categories
        for category in self.categories:
            if category not in known:
                hint = did_you_mean(category, known) or ""
                raise ValueError(f"unknown holiday category {category!r}. {hint}".strip())
        removed_names = [r for r in self.remove if isinstance(r, RemoveName)]
        if removed_names:
            names = set(self._package(_NAME_PROBE_YEARS).values())
            names.update(a.name for a in self.add)
            for removal in removed_names:
                if not any(removal.matches(n) for n in names):
                    hint = did_you_mean(removal.name, sorted(names)) or ""
                    raise ValueError(f"no holiday is named {removal.name!r}. {hint}".strip())

    def _compute_dates(self, year: int) -> dict[date, str]:
        days: dict[date, str] = {}
        for day, name in self._package(year).items():
            days[day] = name
        for addition in self.add:
            extra = addition.in_year(year)
            if extra is not None:
                # Same convention as the package: names of one day joined by "; ".
                days[extra] = f"{days[extra]}; {addition.name}" if extra in days else addition.name
        for removal in self.remove:
            if isinstance(removal, RemoveDate):
                days.pop(removal.day, None)
            else:
                for day, name in list(days.items()):
                    kept = [n for n in name.split("; ") if not removal.matches(n)]
                    if kept:
                        days[day] = "; ".join(kept)
                    else:
                        del days[day]
        return dict(sorted(days.items()))

    def dates(self, year: int) -> dict[date, str]:
        """The holidays of ``year``: date → French name, in date order (cached per year)."""
        return dict(self._dates(year))

    def is_holiday(self, day: date) -> bool:
        """True if ``day`` is a holiday."""
        return day in self._dates(day.year)


# --- business calendars ------------------------------------------------------------------

Windows = dict[int, list[tuple[int, int]]]


def _check_windows(windows: Windows) -> dict[int, tuple[tuple[int, int], ...]]:
    """Windows sorted per weekday, each checked: 0 <= start < end <= 86400, no overlap."""
    checked: dict[int, tuple[tuple[int, int], ...]] = {}
    for weekday, spans in windows.items():
        if weekday not in range(7):
            raise ValueError(f"weekday {weekday!r} is not 0 (Monday) … 6 (Sunday)")
        ordered = sorted((int(s), int(e)) for s, e in spans)
        for start, end in ordered:
            if not 0 <= start < end <= DAY_SECONDS:
                raise ValueError(
                    f"{WEEKDAY_NAMES[weekday]}: window {start}–{end} s is not within one day "
                    f"(0 <= start < end <= {DAY_SECONDS}); split a window across midnight "
                    "into two days"
                )
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ValueError(f"{WEEKDAY_NAMES[weekday]}: windows overlap")
        if ordered:
            checked[weekday] = tuple(ordered)
    if not checked:
        raise ValueError("a business calendar needs at least one opening window")
    return checked


def _merge_abutting(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Join intervals where one ends exactly where the next starts (24:00 then 00:00)."""
    if len(starts) < 2:
        return starts, ends
    keep = np.concatenate(([True], starts[1:] != ends[:-1]))
    last = np.concatenate((keep[1:], [True]))
    return starts[keep], ends[last]


class BusinessCalendar:
    """Opening hours: weekly windows in local time, holidays, and a zone.

    ``windows`` maps a weekday (0 = Monday) to ``(start, end)`` pairs in seconds from
    local midnight (``end`` may be 86400, i.e. 24:00); weekdays not given are closed.
    ``windows=None`` is a 24/7 calendar (real elapsed time; it takes no holidays).
    Raises ValueError for an unknown zone or a malformed window.
    """

    def __init__(
        self,
        name: str,
        zone: str = "America/Montreal",
        windows: Windows | None = None,
        holidays: HolidayRules | None = None,
    ):
        self.name = name
        self.zone = zone
        try:
            self.tzinfo = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = did_you_mean(zone, sorted(zoneinfo.available_timezones())) or ""
            raise ValueError(f"unknown time zone {zone!r}. {hint}".strip()) from None
        if windows is None and holidays is not None:
            raise ValueError(
                "a 24/7 calendar (no windows) has no holidays; give windows 0–86400 for "
                "every day to have a calendar that is open all day except on holidays"
            )
        self.windows = None if windows is None else _check_windows(windows)
        self.holidays = holidays
        self._year_intervals = functools.lru_cache(maxsize=None)(self._compute_year)

    def __reduce__(self) -> tuple[type[BusinessCalendar], tuple[Any, ...]]:
        # Rebuilt from its arguments (the cache cannot be pickled), like HolidayRules.
        return type(self), (self.name, self.zone, self.windows, self.holidays)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r}, zone={self.zone!r}, windows={self.windows!r})"

    @property
    def always_open(self) -> bool:
        """True for a 24/7 calendar."""
        return self.windows is None

    def is_business_day(self, day: date) -> bool:
        """True if the desk opens at some time on this local date."""
        if self.windows is None:
            return True
        if day.weekday() not in self.windows:
            return False
        return self.holidays is None or not self.holidays.is_holiday(day)

    def local_instant(self, day: date, seconds: int) -> float:
        """Epoch seconds of local wall-clock time ``seconds`` after midnight of ``day``.

        Wall-clock arithmetic: 08:30 is 08:30 on the clock whatever the offset; a time
        skipped by spring-forward maps forward (02:30 → 03:30 daylight time).
        """
        midnight = datetime.combine(day, time.min, tzinfo=self.tzinfo)
        return (midnight + timedelta(seconds=seconds)).timestamp()

    def local_year(self, t: float) -> int:
        """The local calendar year of epoch instant ``t``."""
        return datetime.fromtimestamp(t, self.tzinfo).year

    def _compute_year(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Open intervals (UTC) of the local dates of one year, day by day."""
        windows = self.windows or {}
        starts: list[float] = []
        ends: list[float] = []
        day = date(year, 1, 1)
        while day.year == year:
            if self.is_business_day(day):
                for start, end in windows[day.weekday()]:
                    starts.append(self.local_instant(day, start))
                    ends.append(self.local_instant(day, end))
            day += timedelta(days=1)
        return _merge_abutting(np.array(starts), np.array(ends))

    def open_intervals(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """UTC starts and ends of the open intervals within ``[start, end)``, sorted and
        disjoint (abutting ones joined), clipped to ``[start, end)``."""
        if not end > start:
            return np.empty(0), np.empty(0)
        if self.windows is None:
            return np.array([float(start)]), np.array([float(end)])
        years = range(self.local_year(start), self.local_year(end) + 1)
        parts = [self._year_intervals(y) for y in years]
        starts, ends = _merge_abutting(
            np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        )
        starts, ends = np.maximum(starts, start), np.minimum(ends, end)
        keep = starts < ends
        return starts[keep], ends[keep]

    def is_open(self, t: np.ndarray) -> np.ndarray:
        """Per instant: is the desk open (intervals are half-open, ``[opens, closes)``)?
        A NaN instant is not open."""
        t = np.asarray(t, dtype=float)
        finite = np.isfinite(t)
        if self.windows is None or not finite.any():
            return finite
        starts, ends = self.open_intervals(float(t[finite].min()), float(t[finite].max()) + 1)
        if len(starts) == 0:
            return np.zeros(t.shape, dtype=bool)
        k = np.searchsorted(starts, t, side="right") - 1
        return np.asarray(finite & (k >= 0) & (t < ends[np.maximum(k, 0)]))
