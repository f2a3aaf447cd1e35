"""The monthly dashboard: French formats, figures from measurement-shaped tables, the
self-contained page, omitted figures, atomic writing, and the ``cau dashboard`` command.

Most tests build small tables of exactly the shape of ``rules.measure.Measurement``
(docs/architecture.md) so that every expected number is known; one runs the real
measurement on a synthetic log end to end.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from call_table import judged_calls
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Text
from synthetic_log import cau_log

from cau import cli, plots, targets_report
from cau.dashboard import (
    FIGURES,
    Dashboard,
    build_dashboard,
    halfhour_levels,
    partial_months,
    select_month,
)
from cau.formats import NNBSP, duration, month_name, number, percent, points
from rules.errors import CauError, InputFileError
from rules.loader import default_pack
from rules.measure import Measurement, measure
from sim.target_grid import TargetGrid

ZONE = "America/Montreal"
MONTHS = ("2026-01", "2026-02", "2026-03")
PACK = default_pack()
NAMES = {t.id: t.name.get("fr") for t in PACK.targets}


# -- measurement-shaped tables ---------------------------------------------------------
def monthly_table(compliance: dict[str, list[float]]) -> pd.DataFrame:
    """``Measurement.monthly`` rows for each target of the pack; ``compliance`` overrides
    per target (NaN = nothing counted); other targets get 90 %."""
    rows = []
    for target in PACK.targets:
        for i, month in enumerate(MONTHS):
            value = compliance.get(target.id, [0.9] * len(MONTHS))[i]
            counted = 0 if np.isnan(value) else 100
            met = 0 if counted == 0 else round(value * counted)
            rows.append(
                {
                    "month": month, "target": target.id, "kind": target.kind,
                    "counted": counted, "met": met,
                    "compliance": np.nan if counted == 0 else met / counted,
                    "goal": target.goal,
                    "goal_met": pd.NA if counted == 0 else met / counted >= target.goal,
                    "margin": np.nan if counted == 0 else met / counted - target.goal,
                    "breached_open": 2 if target.id == "retablissement-p3" else 0,
                }
            )
    frame = pd.DataFrame(rows)
    frame["goal_met"] = frame["goal_met"].astype("boolean")
    return frame


def tickets_table(month: str = "2026-03") -> pd.DataFrame:
    """P3 tickets resolved in ``month``: 8 within 10 h, 2 beyond; one open ticket."""
    elapsed = np.array([1, 2, 3, 4, 5, 6, 7, 10, 12, 20, 3], dtype=float) * 3600
    opened = pd.Timestamp(f"{month}-10 09:00", tz=ZONE).timestamp()
    is_open = np.array([False] * 10 + [True])
    return pd.DataFrame(
        {
            "id": [f"T{i}" for i in range(len(elapsed))],
            "target": "retablissement-p3",
            "priority": "P3",
            "opened": opened,
            "resolved": np.where(is_open, np.nan, opened + elapsed),
            "month": month,
            "elapsed": elapsed,
            "threshold": 36000.0,
            "deadline": opened + 36000.0,
            "met": elapsed <= 36000.0,
            "open": is_open,
        }
    )


def calls_table(month: str = "2026-03") -> pd.DataFrame:
    """Tuesday calls: 09:00–09:30 four counted, three met; 10:00–10:30 two counted, both met;
    one abandoned within the grace period (not counted)."""
    halfhour = np.array([66, 66, 66, 66, 68, 68, 66])  # Tuesday = 48; 09:00 = 18, 10:00 = 20
    return pd.DataFrame(
        {
            "id": [f"C{i}" for i in range(7)],
            "target": "reponse-appels",
            "queued": 0.0,
            "wait": [10, 20, 30, 60, 5, 5, 2],
            "outcome": ["answered"] * 6 + ["abandoned"],
            "in_hours": True,
            "counted": [True] * 6 + [False],
            "met": [True, True, True, False, True, True, False],
            "month": month,
            "halfhour": halfhour,
        }
    )


def volumes_table(with_calls: bool = True) -> pd.DataFrame:
    rows = []
    for i, month in enumerate(MONTHS):
        for channel, priority, count in (("phone", "P3", 10 + i), ("email", "P4", 5),
                                         ("phone", "P1", 1)):
            rows.append({"month": month, "channel": channel, "priority": priority,
                         "tickets": count, "calls": 0})
        if with_calls:
            rows.append({"month": month, "channel": "phone", "priority": "", "tickets": 0,
                         "calls": 100 + i})
    return pd.DataFrame(rows)


def measurement(with_calls: bool = True, span: tuple[str, str] = ("2026-01-01 08:00",
                                                                  "2026-03-31 17:00"),
                **compliance: list[float]) -> Measurement:
    calls = calls_table() if with_calls else calls_table().iloc[0:0]
    return Measurement(
        monthly=monthly_table({k.replace("_", "-"): v for k, v in compliance.items()}),
        tickets=tickets_table(),
        judged_calls=judged_calls(calls),
        volumes=volumes_table(with_calls),
        first_contact=pd.DataFrame(columns=["id", "month", "first_contact"]),
        as_of=pd.Timestamp("2026-03-31 17:00", tz=ZONE).timestamp(),
        zone=ZONE,
        span=(pd.Timestamp(span[0], tz=ZONE).timestamp(),
              pd.Timestamp(span[1], tz=ZONE).timestamp()),
    )


# -- formats ---------------------------------------------------------------------------
def test_french_numbers_use_a_decimal_comma_and_narrow_no_break_spaces() -> None:
    assert percent(0.85, "fr", 0) == f"85{NNBSP}%"
    assert percent(0.8234, "fr") == f"82,3{NNBSP}%"
    assert percent(0.8234, "en") == "82.3%"
    assert number(1234567, "fr") == f"1{NNBSP}234{NNBSP}567"
    assert number(1234.5, "en", 1) == "1,234.5"
    assert points(-0.024, "fr") == f"−2,4{NNBSP}pts"
    assert points(0.05, "en") == "+5.0 pts"
    assert percent(float("nan"), "fr") == "–"
    assert duration(40, "fr") == f"40{NNBSP}s"
    assert duration(36000, "fr") == f"10{NNBSP}h"
    assert duration(144000, "en") == "40 h"
    assert duration(900, "fr") == f"15{NNBSP}min"
    assert duration(5400, "fr") == f"1,5{NNBSP}h"
    assert month_name("2026-03", "fr") == "mars 2026"
    assert month_name("2026-08", "fr", short=True) == "août"
    assert month_name("2026-03", "en") == "March 2026"


@given(st.floats(min_value=0, max_value=1))
def test_a_french_percentage_reads_back_as_the_fraction(fraction: float) -> None:
    text = percent(fraction, "fr", 1)
    assert text.endswith(f"{NNBSP}%") and "." not in text
    assert float(text[:-2].replace(",", ".")) == pytest.approx(100 * fraction, abs=0.05)


# -- month and half-hour tables ----------------------------------------------------------
def test_the_default_month_is_the_latest_with_anything_counted() -> None:
    monthly = monthly_table({})
    assert select_month(monthly, None) == "2026-03"
    empty_march = monthly.assign(counted=np.where(monthly["month"] == "2026-03", 0,
                                                  monthly["counted"]))
    assert select_month(empty_march, None) == "2026-02"
    assert select_month(monthly, "2026-01") == "2026-01"
    with pytest.raises(CauError, match=r"2026-07 is not in the event log.*2026-01, 2026-02"):
        select_month(monthly, "2026-07")


def test_service_level_per_half_hour_is_met_over_counted() -> None:
    calls = pd.concat([calls_table(), calls_table("2026-02").assign(met=False)])
    levels = halfhour_levels(calls, "reponse-appels", "2026-03").set_index("halfhour")
    assert levels.loc[66, "offered"] == 5 and levels.loc[66, "counted"] == 4
    assert levels.loc[66, "service_level"] == pytest.approx(0.75)
    assert levels.loc[68, "service_level"] == pytest.approx(1.0)
    assert list(levels.index) == [66, 68]


# -- figures ---------------------------------------------------------------------------
def _points(ax: object, marker_colour: str) -> int:
    """Number of scattered points of one colour on an axes."""
    count = 0
    for collection in ax.collections:  # type: ignore[attr-defined]
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            colour = collection.get_facecolor()[0]
            if np.allclose(colour[:3], _rgb(marker_colour)):
                count += len(collection.get_offsets())
    return count


def _rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def test_compliance_panels_mark_met_and_missed_months_against_a_dashed_goal() -> None:
    monthly = monthly_table({"retablissement-p3": [0.85, 0.7, np.nan]})
    figure = plots.compliance_by_month(monthly[monthly["target"] == "retablissement-p3"],
                                       NAMES, "fr")
    (ax,) = [a for a in figure.axes if a.get_visible()]
    assert _points(ax, plots.MET) == 1 and _points(ax, plots.MISSED) == 1
    goal_lines = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [tuple(line.get_ydata()) for line in goal_lines] == [(0.8, 0.8)]
    assert "mars" in [t.get_text() for t in ax.get_xticklabels()]
    assert ax.yaxis.get_major_formatter()(0.8, 0) == f"80{NNBSP}%"


def test_one_compliance_panel_per_target_with_a_confidence_band_for_a_forecast() -> None:
    forecast = monthly_table({}).assign(ci_low=0.85, ci_high=0.95)
    figure = plots.compliance_forecast(forecast, NAMES, "en")
    visible = [a for a in figure.axes if a.get_visible()]
    assert len(visible) == len(PACK.targets)
    for ax in visible:  # a shaded box per month, as tall as the interval
        boxes = [p for p in ax.patches if p.get_alpha() == plots.CI_ALPHA]
        assert [round(b.get_height(), 6) for b in boxes] == [0.1] * len(MONTHS)
    assert "95% CI" in [t.get_text() for t in figure.legends[0].get_texts()]


def test_restoration_times_mark_the_threshold_and_the_share_within_it() -> None:
    figure = plots.restoration_times(tickets_table(), NAMES, "fr",
                                     goals={"retablissement-p3": 0.8})
    (ax,) = [a for a in figure.axes if a.get_visible()]
    verticals = [line for line in ax.get_lines() if tuple(line.get_xdata()) == (10.0, 10.0)]
    assert verticals, "the 10 h threshold is drawn"
    texts = [t.get_text() for t in ax.texts]
    assert f"80{NNBSP}% en 10{NNBSP}h ou moins" in texts  # 8 of 10 resolved; the open one left out
    assert "10 billets" in texts


def test_half_hour_panels_are_the_weekdays_with_calls() -> None:
    levels = halfhour_levels(calls_table(), "reponse-appels", "2026-03")
    figure = plots.service_level_by_halfhour(levels, 0.85, "fr")
    assert [a.get_title() for a in figure.axes] == ["mardi"]
    assert _points(figure.axes[0], plots.MET) == 1 and _points(figure.axes[0], plots.MISSED) == 1


def test_volumes_stack_to_the_monthly_totals_and_draw_calls_only_when_present() -> None:
    figure = plots.volumes_by_month(volumes_table(), "fr", {"phone": "Téléphone"},
                                    PACK.priority_codes)
    assert [a.get_title() for a in figure.axes] == [
        "Billets ouverts, par canal", "Billets ouverts, par priorité", "Appels reçus"]
    tops = [max(p.get_y() + p.get_height() for p in figure.axes[1].patches if p.get_x() < 0.5)]
    assert tops == [16.0]  # January: 10 P3 + 5 P4 + 1 P1
    without = plots.volumes_by_month(volumes_table(with_calls=False), "fr")
    assert len(without.axes) == 2


# -- the page ----------------------------------------------------------------------------
def _imgs(page: str) -> list[str]:
    return re.findall(r'<img src="([^"]{0,40})', page)


@pytest.fixture(scope="module")
def march() -> Dashboard:
    """The March dashboard of the hand-made measurement, P4 missing its goal in March."""
    return build_dashboard(measurement(retablissement_p4=[0.9, 0.9, 0.75]), PACK)


def test_the_page_is_self_contained_french_with_every_figure_and_a_marked_summary(
    march: Dashboard,
) -> None:
    dashboard = march
    page = dashboard.html
    assert dashboard.month == "2026-03" and not dashboard.omitted
    assert '<html lang="fr">' in page and "Tableau de bord du CAU — mars 2026" in page
    assert len(_imgs(page)) == len(FIGURES)
    assert all(src.startswith("data:image/png;base64,") for src in _imgs(page))
    assert not re.search(r"<script|<link|https?://|url\(", page)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page, re.S)
    assert len(rows) == len(PACK.targets)
    p4 = next(r for r in rows if "P4" in r)
    assert "✘ manqué" in p4 and f"75,0{NNBSP}%" in p4 and f"−5,0{NNBSP}pts" in p4
    p3 = next(r for r in rows if "P3" in r)
    assert "✔ atteint" in p3 and f"10{NNBSP}h ou moins" in p3
    assert re.search(r'<td class="num">2</td><td class="met">', p3)  # breached, still open
    assert "cibles en cours d'ajustement" in page
    assert set(dashboard.figures) == set(FIGURES)
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in dashboard.figures.values())


def test_a_log_without_calls_leaves_the_half_hour_figure_out_with_a_reason() -> None:
    m = measurement(with_calls=False, reponse_appels=[np.nan] * 3)
    dashboard = build_dashboard(m, PACK, lang="en")
    assert set(dashboard.omitted) == {"service_level_by_halfhour"}
    assert "service_level_by_halfhour" not in dashboard.figures
    page = dashboard.html
    assert len(_imgs(page)) == len(FIGURES) - 1
    assert "Figure left out: the log holds no calls" in page
    assert "Targets with no data in the log, not drawn: " in page
    assert '<html lang="en">' in page and "March 2026" in page and "85%" in page
    assert "— no data" in page


def test_a_month_without_resolved_tickets_leaves_the_restoration_figure_out() -> None:
    dashboard = build_dashboard(measurement(), PACK, month="2026-02")
    assert dashboard.omitted == {
        "restoration_times": "aucun billet résolu en février 2026.",
        "service_level_by_halfhour": "aucun appel compté en février 2026.",
    }
    assert "Figure omise : aucun billet résolu en février 2026." in dashboard.html


def test_an_unknown_language_is_refused_before_anything_is_drawn() -> None:
    with pytest.raises(CauError, match="unknown language"):
        build_dashboard(measurement(), PACK, lang="de")


# -- writing -----------------------------------------------------------------------------
def test_the_page_and_each_figure_are_written(march: Dashboard, tmp_path: Path) -> None:
    written = march.write(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(
        ["tableau-de-bord-2026-03.html", *(f"2026-03-{name}.png" for name in FIGURES)]
    )
    assert all(p.stat().st_size > 1000 for p in written)
    assert sorted(os.listdir(tmp_path / "out")) == sorted(p.name for p in written)


def test_a_failed_write_leaves_neither_temporary_nor_half_written_files(
    march: Dashboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dashboard = march
    out = tmp_path / "out"
    out.mkdir()
    (out / "tableau-de-bord-2026-03.html").write_text("previous page")
    calls = []
    real = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:  # the disk fills up at the third file
        calls.append(self)
        if len(calls) == 3:
            real(self, data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(InputFileError, match="No space left"):  # cau says it in one line
        dashboard.write(out)
    assert os.listdir(out) == ["tableau-de-bord-2026-03.html"]
    assert (out / "tableau-de-bord-2026-03.html").read_text() == "previous page"


# -- end to end --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def events_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("log") / "events.csv"
    cau_log(tickets=300, calls=1500).write(path)
    return path


def test_a_real_measurement_gives_every_figure(events_csv: Path) -> None:
    from rules.eventlog import read_event_log

    m = measure(read_event_log(events_csv), PACK)
    dashboard = build_dashboard(m, PACK)
    assert dashboard.month == "2026-03" and not dashboard.omitted
    for name, png in dashboard.figures.items():
        assert png.startswith(b"\x89PNG"), name


def test_the_dashboard_command_writes_the_month_asked(events_csv: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "board"
    status = cli.main([
        "dashboard", str(events_csv), "--rules", "cspq-cau", "--out", str(out),
        "--month", "2026-02", "--lang", "en",
    ])
    assert status == 0
    assert (out / "dashboard-2026-02.html").exists()
    assert (out / "2026-02-compliance.png").exists()
    captured = capsys.readouterr()
    assert "Dashboard of 2026-02 written" in captured.out
    assert "rows read" in captured.err


def test_the_dashboard_command_refuses_a_month_absent_from_the_log(
    events_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["dashboard", str(events_csv), "--rules", "cspq-cau",
                       "--out", str(tmp_path / "x"), "--month", "2025-12"])
    assert status == 2
    assert "2025-12 is not in the event log" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    with pytest.raises(SystemExit):
        cli.main(["dashboard", str(events_csv), "--rules", "cspq-cau", "--out", "x",
                  "--month", "March"])



def test_month_ticks_stay_few_name_each_year_and_always_the_last_month() -> None:
    months = [f"{y}-{m:02d}" for y, m in [(2025, m) for m in range(4, 13)] + [(2026, 1),
                                                                             (2026, 2),
                                                                             (2026, 3)]]
    monthly = pd.DataFrame({"month": months, "target": "retablissement-p3",
                            "compliance": 0.8, "goal": 0.8})
    figure = plots.compliance_by_month(monthly, NAMES, "fr")
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert len(labels) <= 8
    # counted back from the dashboard's month, which is always named
    assert labels[-1] == "mars" and labels[0] == "mai\n2025" and "janv.\n2026" in labels


# -- what a reader sees (issue 12: dashboards and plots seen in a browser) ----------------
MATH = r"$\notacommand{x}$ P3"  # matplotlib would parse it as mathtext and fail


def _every_figure(lang: str = "fr", names: dict[str, str] | None = None) -> list[Figure]:
    names = names or NAMES
    monthly = monthly_table({})
    grid = TargetGrid("retablissement-p3", (8 * 3600.0, 36000.0), (0.8, 0.85), 36000.0, 0.8)
    cells = pd.DataFrame([{"month": "2026-03", "target": "retablissement-p3", "threshold": t,
                           "goal": g, "compliance": 0.8, "p_meet": 0.5}
                          for t in grid.thresholds for g in grid.goals])
    return [
        plots.compliance_by_month(monthly, names, lang),
        plots.compliance_forecast(monthly.assign(ci_low=0.85, ci_high=0.95), names, lang),
        plots.restoration_times(tickets_table(), names, lang, goals={"retablissement-p3": 0.8}),
        plots.service_level_by_halfhour(halfhour_levels(calls_table(), "reponse-appels",
                                                        "2026-03"), 0.85, lang),
        plots.volumes_by_month(volumes_table(), lang, {"phone": MATH, "email": "$x$"},
                               ["P1", "P3", "P4"]),
        targets_report.heat_map(cells, grid, names["retablissement-p3"], lang),
    ]


def test_user_text_in_a_figure_is_never_mathtext() -> None:
    figures = _every_figure(names={**NAMES, "retablissement-p3": MATH})
    for figure in figures:
        assert plots.png(figure).startswith(b"\x89PNG")
    assert any(MATH in t.get_text() for t in figures[0].findobj(Text))  # drawn as written
    builders = [getattr(plots, n) for n in dir(plots)
                if callable(getattr(plots, n)) and getattr(getattr(plots, n), "__annotations__",
                                                           {}).get("return") == "Figure"]
    assert len(builders) >= 5
    for build in [*builders, targets_report.heat_map]:  # one mechanism, every figure
        assert getattr(build, "__wrapped__", None) is not None, build.__name__


def test_every_axis_label_starts_with_a_capital() -> None:
    for lang in ("fr", "en"):
        for figure in _every_figure(lang):
            for ax in figure.axes:
                for label in (ax.get_xlabel(), ax.get_ylabel()):
                    assert not label or label[0].isupper() or label[0] == "P", label


def test_a_category_keeps_its_colour_whatever_the_log_holds() -> None:
    def colours(volumes: pd.DataFrame) -> dict[str, tuple[float, ...]]:
        figure = plots.volumes_by_month(volumes, "fr", {"phone": "Téléphone", "email": "Courriel"},
                                        PACK.priority_codes)
        return {t.get_text(): tuple(h.get_facecolor()) for ax in figure.axes[:2]
                for h, t in zip(ax.get_legend().legend_handles, ax.get_legend().get_texts(),
                                strict=True)}

    both = colours(volumes_table())
    phone_only = colours(volumes_table()[volumes_table()["channel"] != "email"])
    p3_only = colours(volumes_table()[volumes_table()["priority"].isin(["P3", ""])])
    assert both["Téléphone"] == phone_only["Téléphone"] != both["Courriel"]
    assert both["P3"] == p3_only["P3"] != both["P1"]
    assert plots.category_colours(["", "X"], ["phone"], plots.CHANNEL_COLOURS)[""] == (
        plots.NO_CATEGORY)


def test_the_restoration_axis_shows_the_threshold_and_the_longest_times() -> None:
    tickets = tickets_table().assign(threshold=3 * 3600.0)
    tickets.loc[9, "elapsed"] = 400 * 3600.0  # a P1 resolved after 400 h beside its 3 h
    figure = plots.restoration_times(tickets, NAMES, "fr")
    (ax,) = [a for a in figure.axes if a.get_visible()]
    left, right = ax.get_xlim()
    assert ax.get_xscale() == "log" and left <= 3 / 10 and right >= 400  # 3 h well inside
    assert ax.get_xlabel().startswith("Heures")  # every panel has its label


def test_points_at_0_and_100_percent_show_whole() -> None:
    monthly = monthly_table({"retablissement-p3": [0.0, 1.0, 0.5]})
    figure = plots.compliance_by_month(monthly[monthly["target"] == "retablissement-p3"],
                                       NAMES, "fr")
    (ax,) = [a for a in figure.axes if a.get_visible()]
    low, high = ax.get_ylim()
    assert low < 0 and high > 1
    assert [t for t in ax.get_yticks() if t < 0 or t > 1] == []
    assert "objectif" in [t.get_text() for t in figure.legends[0].get_texts()]  # the goal line


def test_the_page_says_what_its_dates_are(march: Dashboard) -> None:
    page = march.html
    assert "journal du 1er janvier 2026 au 31 mars 2026 (premier et dernier événement)" in page
    assert "données au" not in page and "Mois incomplet" not in page


def test_partial_months_are_flagged_not_shown_as_whole_months() -> None:
    late = measurement(span=("2026-01-20 10:00", "2026-03-22 16:00"))
    assert partial_months(late) == {"2026-01": "starts", "2026-03": "ends"}
    dashboard = build_dashboard(late, PACK)
    page = dashboard.html
    assert ("Mois incomplet : le journal s'arrête le 22 mars 2026 ; les chiffres de mars 2026 "
            "n'en couvrent qu'une partie.") in page
    assert ("Mois incomplets (points creux, barres hachurées) : janvier 2026 (le journal "
            "commence le 20 janvier 2026), mars 2026 (le journal s'arrête le 22 mars "
            "2026).") in page
    figure = plots.compliance_by_month(late.monthly, NAMES, "fr", partial={"2026-01"})
    hollow = [c for ax in figure.axes for c in ax.collections
              if isinstance(c, PathCollection) and len(c.get_offsets())
              and np.allclose(c.get_facecolor()[0][:3], 1.0)]
    assert hollow and all(c.get_offsets()[0][0] == 0 for c in hollow)  # January only
    whole = measurement(span=("2026-01-02 08:00", "2026-03-30 17:00"))  # a few days' margin
    assert partial_months(whole) == {}


def test_the_heat_map_says_what_its_frame_means() -> None:
    figure = _every_figure()[-1]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [f"case encadrée : niveau actuel de la cible (10{NNBSP}h, 80{NNBSP}%)"]
