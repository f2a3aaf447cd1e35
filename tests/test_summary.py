"""The one-screen pack summary: hours grouped as people read them, numbers in each language."""

from __future__ import annotations

from cau.formats import goal_percent
from cau.pack_summary import format_hours, format_threshold, summarise
from rules.calendar import BusinessCalendar
from rules.loader import default_pack

H = 3600


def test_consecutive_days_with_the_same_hours_are_grouped() -> None:
    split = [(9 * H, 12 * H), (13 * H, 17 * H)]
    calendar = BusinessCalendar("x", windows={0: split, 1: split, 2: split, 4: split,
                                              5: [(9 * H, 12 * H + 1800)]})
    assert format_hours(calendar) == (
        "lun–mer 09:00–12:00, 13:00–17:00; ven 09:00–12:00, 13:00–17:00; sam 09:00–12:30")
    assert format_hours(BusinessCalendar("y"), "en") == "24/7"


def test_numbers_in_each_language() -> None:
    assert goal_percent(0.85) == "85\u202f%" and goal_percent(0.855, "en") == "85.5%"
    assert goal_percent(0.875) == "87,5\u202f%"
    assert format_threshold(40 * H) == "40h" and format_threshold(90 * 60) == "1h 30min"


def test_summary_lists_every_target_and_calendar() -> None:
    pack = default_pack()
    text = summarise(pack, "fr", year=2027)
    assert all(t.id in text for t in pack.targets)
    assert all(name in text for name in pack.calendars)
    holidays = pack.calendar("ouvrable-0830-1630").holidays
    assert holidays is not None
    count = len(holidays.dates(2027))  # 14: Christmas on a Saturday is also observed Monday
    assert text.count(f"{count} jours fériés en 2027") == 2
    assert len(text.splitlines()) <= 30  # one screen
