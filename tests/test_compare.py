"""``cau compare``: scenarios on common random numbers, differences to the first with a
paired interval (sim.comparison), a plot per target, resumable stores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from flat_scenario import flat_scenario

from cau.cli import main
from sim.comparison import compare_compliance

SHIFT = '{shifts: [{name: day, days: mon-fri, start: "07:30", end: "17:00", headcount: 5}]}'


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("compare")
    for name in ("a", "same-as-a"):
        (folder / f"{name}.yaml").write_text(flat_scenario(SHIFT), encoding="utf-8")
    out = folder / "out"
    argv = ["compare", str(folder / "a.yaml"), str(folder / "same-as-a.yaml"),
            f"{folder / 'a.yaml'}+level_one.staffing.shifts[day].headcount=4",
            "-n", "3", "--seed", "5", "--workers", "1", "-q", "--out", str(out)]
    assert main(argv) == 0
    return out, " ".join(argv)


def test_two_identical_scenarios_differ_by_exactly_zero(compared: tuple[Path, str]) -> None:
    out, _ = compared
    table = pd.read_csv(out / "compare.csv")
    same = table[(table["label"] == "same-as-a") & (table["replications"] > 0)]
    assert len(same) == 3 and (same["paired"] == 3).all()  # P3, answer time, first contact
    assert (same["difference"] == 0).all()
    assert (same["difference_low"] == 0).all() and (same["difference_high"] == 0).all()
    first = table[table["scenario"] == 0].set_index("target")["compliance"]
    assert (same.set_index("target")["compliance"] == first[same["target"]]).all()


def test_the_difference_is_the_mean_of_paired_differences(compared: tuple[Path, str]) -> None:
    out, _ = compared
    table = pd.read_csv(out / "compare.csv")
    fewer = table[table["label"] == "a + shifts[day].headcount=4"]
    answer = fewer[fewer["target"] == "reponse-appels"].iloc[0]
    first = table[(table["scenario"] == 0) & (table["target"] == "reponse-appels")].iloc[0]
    # every replication judged in both: the mean difference is the difference of means
    assert answer["difference"] == pytest.approx(answer["compliance"] - first["compliance"])
    assert answer["difference"] < 0  # one agent fewer answers fewer calls within 40 s
    assert answer["difference_low"] <= answer["difference"] <= answer["difference_high"]


def test_files_plots_and_stores_are_written(compared: tuple[Path, str]) -> None:
    out, _ = compared
    assert (out / "compare-reponse-appels.png").stat().st_size > 10_000
    operations = pd.read_csv(out / "compare-operations.csv")
    assert {"a", "same-as-a"} <= set(operations.columns)
    assert len(list(out.glob("replications-*-seed5.sqlite"))) == 2  # a and same-as-a share


def test_a_comparison_resumes_from_its_stores(compared: tuple[Path, str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _, command = compared
    assert main(command.split()) == 0
    assert capsys.readouterr().out.count("0 calculées, 3 reprises") == 3


def test_labels_are_made_distinct() -> None:
    rows = pd.DataFrame({"replication": [0, 1], "month": "2026-03", "target": "t",
                         "kind": "resolution", "counted": 1, "met": 1, "compliance": [0.5, 0.7],
                         "goal": 0.8, "goal_met": [False, False], "margin": 0.0,
                         "breached_open": 0})
    table = compare_compliance([rows, rows.assign(compliance=[0.6, 0.9])], ["x", "y"])
    assert table["difference"].tolist()[1] == pytest.approx(0.15)
    assert table["paired"].tolist() == [2, 2]
