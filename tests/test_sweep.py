"""``cau sweep``: a scenario over a grid of values (sim.sweep); a point equals ``cau
simulate --set`` with its values; crossings; plots; resumable; bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from flat_scenario import flat_scenario

from cau.cli import main
from sim.sweep import crossing, grid, parse_vary

SHIFT = '{shifts: [{name: day, days: mon-fri, start: "07:30", end: "17:00", headcount: 5}]}'
VARY = "level_one.staffing.shifts[day].headcount=3-4"


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "flat.yaml").write_text(flat_scenario(SHIFT), encoding="utf-8")
    assert main(["sweep", str(folder / "flat.yaml"), "--vary", VARY, "-n", "2", "--seed", "3",
                 "--workers", "1", "-q", "--out", str(folder / "out")]) == 0
    return folder


def test_a_sweep_point_equals_cau_simulate_with_that_set(swept: Path) -> None:
    assert main(["simulate", str(swept / "flat.yaml"), "-n", "2", "--seed", "3", "-q",
                 "--workers", "1", "--set", "level_one.staffing.shifts[day].headcount=4",
                 "--out", str(swept / "simulated")]) == 0
    simulated = pd.read_csv(swept / "simulated" / "compliance.csv")
    sweep = pd.read_csv(swept / "out" / "sweep.csv")
    point = sweep[sweep["level_one.staffing.shifts[day].headcount"] == 4]
    columns = ["month", "target", "replications", "compliance", "ci_low", "ci_high", "p_meet"]
    pd.testing.assert_frame_equal(point[columns].reset_index(drop=True),
                                  simulated[columns].reset_index(drop=True))


def test_more_agents_answer_more_calls_within_40s(swept: Path) -> None:
    sweep = pd.read_csv(swept / "out" / "sweep.csv")
    answer = sweep[sweep["target"] == "reponse-appels"].sort_values("point")
    assert answer["compliance"].is_monotonic_increasing
    assert (swept / "out" / "sweep-reponse-appels.png").stat().st_size > 10_000


def test_an_interrupted_sweep_resumes_from_its_stores(
        swept: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(swept / "flat.yaml"), "--vary", VARY, "-n", "2", "--seed", "3",
                 "--workers", "1", "-q", "--out", str(swept / "out")]) == 0
    assert capsys.readouterr().out.count("(0 calculées, 2 reprises)") == 2


def test_two_varied_values_make_a_grid_and_a_heat_map(tmp_path: Path) -> None:
    (tmp_path / "flat.yaml").write_text(flat_scenario(SHIFT), encoding="utf-8")
    assert main(["sweep", str(tmp_path / "flat.yaml"), "--vary", VARY, "--vary",
                 "targets.P3.goal=80%,95%", "-n", "2", "-q", "--workers", "1", "--out",
                 str(tmp_path / "out"), "--lang", "en"]) == 0
    sweep = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert sweep["point"].nunique() == 4
    p3 = sweep[sweep["target"] == "retablissement-p3"]
    assert sorted(p3["goal"].unique()) == [0.8, 0.95]
    assert (tmp_path / "out" / "sweep-retablissement-p3.png").exists()


@pytest.mark.parametrize(("text", "values"), [
    ("a.b=1-4", ("1", "2", "3", "4")),
    ("a=1.0-1.3/0.1", ("1.0", "1.1", "1.2", "1.3")),
    ("a=8h,10h", ("8h", "10h")),
    ("a[x]=2,5-6", ("2", "5", "6")),
])
def test_values_are_lists_and_ranges(text: str, values: tuple[str, ...]) -> None:
    assert parse_vary(text).values == values


@pytest.mark.parametrize("text", ["a", "a=", "a=1,,2", "a=6-1", "a=1.0-1.3", "a=1,1", "a..b=1"])
def test_malformed_varies_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_vary(text)


def test_axes_and_grid() -> None:
    assert parse_vary("a=8h,12h").axis() == ((8.0, 12.0), True)
    assert parse_vary("a=80%,85%").axis() == ((0.8, 0.85), True)
    assert parse_vary("a=low,high").axis() == ((0.0, 1.0), False)
    assert grid([parse_vary("a=1-2"), parse_vary("b=x,y")]) == [
        ("1", "x"), ("1", "y"), ("2", "x"), ("2", "y")]


def test_the_crossing_is_where_the_mean_meets_the_goal() -> None:
    found = crossing(["1", "2", "3"], [1, 2, 3], [0.7, 0.8, 0.9], 0.85)
    assert (found.first, found.last) == ("3", "3") and found.at == pytest.approx(2.5)
    falling = crossing(["1", "2", "3"], [1, 2, 3], [0.9, 0.8, 0.7], 0.85)
    assert (falling.first, falling.last) == ("1", "1") and falling.at == pytest.approx(1.5)
    assert crossing(["1"], [1], [0.5], 0.85).first is None
