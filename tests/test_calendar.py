"""Holiday rules and business calendars: golden holiday lists, windows across DST."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from rules.calendar import (
    QUEBEC_PUBLIC_SERVICE_ADDITIONS,
    BusinessCalendar,
    EasterOffset,
    FixedDay,
    HolidayRules,
    OnDate,
    RemoveDate,
    RemoveName,
    parse_day_rule,
)

MONTREAL = ZoneInfo("America/Montreal")
WEEKDAYS_0830_1630 = {d: [(8 * 3600 + 1800, 16 * 3600 + 1800)] for d in range(5)}

# The Quebec public service's 13 holidays in 2025 and 2026, as published (reviewed as data).
GOLDEN_HOLIDAYS = {
    2025: """
        2025-01-01  Jour de l'an
        2025-01-02  Lendemain du jour de l'an
        2025-04-18  Vendredi saint
        2025-04-21  Lundi de Pâques
        2025-05-19  Journée nationale des patriotes
        2025-06-24  Fête nationale du Québec
        2025-07-01  Fête du Canada
        2025-09-01  Fête du Travail
        2025-10-13  Action de grâce
        2025-12-24  Veille de Noël
        2025-12-25  Jour de Noël
        2025-12-26  Lendemain de Noël
        2025-12-31  Veille du jour de l'an
    """,
    2026: """
        2026-01-01  Jour de l'an
        2026-01-02  Lendemain du jour de l'an
        2026-04-03  Vendredi saint
        2026-04-06  Lundi de Pâques
        2026-05-18  Journée nationale des patriotes
        2026-06-24  Fête nationale du Québec
        2026-07-01  Fête du Canada
        2026-09-07  Fête du Travail
        2026-10-12  Action de grâce
        2026-12-24  Veille de Noël
        2026-12-25  Jour de Noël
        2026-12-26  Lendemain de Noël
        2026-12-31  Veille du jour de l'an
    """,
}


def table(text: str) -> dict[date, str]:
    rows = (line.split(None, 1) for line in text.strip().splitlines())
    return {date.fromisoformat(day): name.strip() for day, name in rows}


def local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=MONTREAL).timestamp()


@pytest.fixture(scope="module")
def quebec() -> HolidayRules:
    return HolidayRules.quebec_public_service()


@pytest.mark.parametrize("year", sorted(GOLDEN_HOLIDAYS))
def test_quebec_public_service_holidays(quebec: HolidayRules, year: int) -> None:
    assert quebec.dates(year) == table(GOLDEN_HOLIDAYS[year])


def test_statutory_days_come_from_the_package_and_the_rest_are_additions() -> None:
    statutory = HolidayRules().dates(2025)
    assert len(statutory) == 8
    assert len(HolidayRules.quebec_public_service().dates(2025)) == 8 + len(
        QUEBEC_PUBLIC_SERVICE_ADDITIONS
    )
    assert date(2025, 5, 19) in statutory and date(2025, 4, 21) not in statutory


def test_observed_day_of_a_weekend_statutory_holiday(quebec: HolidayRules) -> None:
    # 2029-06-24 is a Sunday: the Fête nationale is observed on Monday 25 June.
    assert quebec.dates(2029)[date(2029, 6, 25)] == "Fête nationale du Québec (observé)"
    unobserved = HolidayRules(add=QUEBEC_PUBLIC_SERVICE_ADDITIONS, observed=False)
    assert date(2029, 6, 25) not in unobserved.dates(2029)


def test_removal_by_name_drops_the_observed_day_too() -> None:
    rules = HolidayRules(remove=[RemoveName("Fête nationale du Québec")])
    days = rules.dates(2029)
    assert date(2029, 6, 24) not in days and date(2029, 6, 25) not in days
    assert date(2029, 7, 1) in days


def test_removal_by_date_and_one_day_addition() -> None:
    rules = HolidayRules(
        add=[OnDate(date(2026, 12, 29), "Fermeture des fêtes")],
        remove=[RemoveDate(date(2026, 10, 12))],
    )
    days = rules.dates(2026)
    assert days[date(2026, 12, 29)] == "Fermeture des fêtes"
    assert date(2026, 10, 12) not in days
    assert date(2027, 10, 11) in rules.dates(2027)  # a date removal is not yearly
    assert date(2027, 12, 29) not in rules.dates(2027)


def test_names_of_one_day_are_joined() -> None:
    rules = HolidayRules(add=[FixedDay(12, 25, "Fermeture")])
    assert rules.dates(2025)[date(2025, 12, 25)] == "Jour de Noël; Fermeture"


def test_february_29_only_in_leap_years() -> None:
    rules = HolidayRules(add=[FixedDay(2, 29, "Jour bissextile")])
    assert date(2028, 2, 29) in rules.dates(2028)
    assert all(d.month != 2 for d in rules.dates(2027))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01-02", FixedDay(1, 2, "x")),
        ("12-31", FixedDay(12, 31, "x")),
        ("easter", EasterOffset(0, "x")),
        ("easter+1", EasterOffset(1, "x")),
        ("Pâques - 2", EasterOffset(-2, "x")),
        ("2026-12-29", OnDate(date(2026, 12, 29), "x")),
    ],
)
def test_parse_day_rule(text: str, expected: object) -> None:
    assert parse_day_rule(text, "x") == expected


@pytest.mark.parametrize("text", ["", "13-01", "02-30", "easter*2", "noël", "1/2"])
def test_parse_day_rule_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day_rule(text, "x")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "XX"}, "unknown country 'XX'"),
        ({"subdiv": "Quebec"}, "Known: AB, BC"),
        ({"categories": ("publik",)}, 'Did you mean "public"?'),
        ({"remove": [RemoveName("Jour de Noel")]}, 'Did you mean "Jour de Noël"?'),
    ],
)
def test_holiday_rules_reject_unknown_names(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        HolidayRules(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("country", "subdiv", "categories"), [
    ("CA", "QC", ("public",)), ("FRA", None, ("public",)), ("US", "NY", ("public",)),
    ("DE", "BY", ("public", "catholic")), ("JP", None, ("public",)),
])
def test_a_country_loaded_alone_gives_the_packages_holidays(
    country: str, subdiv: str | None, categories: tuple[str, ...]
) -> None:
    """A country's calendar comes from its own module (not the package's 250 imported
    first), with the same days and names as the package's own lookup."""
    import holidays

    rules = HolidayRules(country, subdiv, categories)
    for year in (2026, 2031):
        expected = holidays.country_holidays(country, subdiv=subdiv, years=year,
                                             categories=categories, language="fr")
        assert rules.dates(year) == dict(sorted(expected.items()))


# --- business calendars -----------------------------------------------------------------


@pytest.fixture(scope="module")
def business(quebec: HolidayRules) -> BusinessCalendar:
    return BusinessCalendar("P3-P5", windows=WEEKDAYS_0830_1630, holidays=quebec)


def test_business_days(business: BusinessCalendar) -> None:
    assert business.is_business_day(date(2025, 6, 23))  # Monday
    assert not business.is_business_day(date(2025, 6, 24))  # Fête nationale
    assert not business.is_business_day(date(2025, 6, 28))  # Saturday
    always = BusinessCalendar("24/7")
    assert always.always_open and always.is_business_day(date(2025, 12, 25))


def test_window_in_utc_follows_daylight_saving(business: BusinessCalendar) -> None:
    # 08:30 local is 13:30 UTC in winter (EST) and 12:30 UTC in summer (EDT).
    winter = business.open_intervals(local("2025-03-07 00:00"), local("2025-03-08 00:00"))
    summer = business.open_intervals(local("2025-03-10 00:00"), local("2025-03-11 00:00"))
    utc = ZoneInfo("UTC")
    assert [datetime.fromtimestamp(t, utc).strftime("%H:%M") for t in (*winter[0], *winter[1])] == [
        "13:30",
        "21:30",
    ]
    assert [datetime.fromtimestamp(t, utc).strftime("%H:%M") for t in (*summer[0], *summer[1])] == [
        "12:30",
        "20:30",
    ]


def test_window_across_spring_forward_is_an_hour_shorter() -> None:
    nights = BusinessCalendar("nuit", windows={6: [(3600, 4 * 3600)]})  # Sunday 01:00–04:00
    starts, ends = nights.open_intervals(local("2025-03-01 00:00"), local("2025-03-17 00:00"))
    assert list(ends - starts) == [3 * 3600, 2 * 3600, 3 * 3600]  # 9 March is the DST day


def test_open_intervals_are_sorted_disjoint_clipped_and_joined() -> None:
    all_week = BusinessCalendar("jour", windows={d: [(0, 86400)] for d in range(7)})
    low, high = local("2025-12-20 10:00"), local("2026-01-10 10:00")
    starts, ends = all_week.open_intervals(low, high)
    assert list(starts) == [low] and list(ends) == [high]
    two = BusinessCalendar("deux", windows={0: [(13 * 3600, 16 * 3600), (8 * 3600, 12 * 3600)]})
    starts, ends = two.open_intervals(local("2025-01-06 09:00"), local("2025-01-13 23:00"))
    assert list(starts) == [
        local(t)
        for t in ("2025-01-06 09:00", "2025-01-06 13:00", "2025-01-13 08:00", "2025-01-13 13:00")
    ]
    assert np.all(starts[1:] > ends[:-1])


def test_is_open_half_open_windows(business: BusinessCalendar) -> None:
    instants = np.array(
        [
            local(t)
            for t in (
                "2025-06-23 08:29:59",
                "2025-06-23 08:30",
                "2025-06-23 16:29:59",
                "2025-06-23 16:30",
                "2025-06-24 10:00",
                "2025-06-28 10:00",
            )
        ]
        + [np.nan]
    )
    assert list(business.is_open(instants)) == [False, True, True, False, False, False, False]
    assert list(BusinessCalendar("24/7").is_open(np.array([0.0, np.nan]))) == [True, False]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"zone": "America/Montreall"}, 'Did you mean "America/Montreal"?'),
        ({"windows": {7: [(0, 10)]}}, "weekday 7"),
        ({"windows": {0: [(50000, 40000)]}}, "not within one day"),
        ({"windows": {0: [(0, 90000)]}}, "not within one day"),
        ({"windows": {0: [(0, 5000), (4000, 6000)]}}, "windows overlap"),
        ({"windows": {0: []}}, "at least one opening window"),
        ({"holidays": HolidayRules()}, "24/7"),
    ],
)
def test_calendar_rejects_bad_definitions(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("x", **kwargs)  # type: ignore[arg-type]
