"""Spreadsheet output (cau.workbook): a sheet per table holding what the CSV holds, read
back with pandas; numbers as numbers, months as dates, shares formatted as percentages,
French headers by default; half-hours written "lun 07:30"; the workbook alone with
--out FILE.xlsx; cau measure's table across months."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from flat_scenario import flat_scenario

from cau.cli import main
from cau.formats import halfhour_label
from cau.workbook import machine_names

ROOT = Path(__file__).resolve().parent.parent
RUN = ["-n", "2", "--seed", "2", "-q", "--workers", "1"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbook")
    (folder / "flat.yaml").write_text(flat_scenario(), encoding="utf-8")
    scenario = str(folder / "flat.yaml")
    assert main(["simulate", scenario, *RUN, "--out", str(folder / "csv")]) == 0
    assert main(["simulate", scenario, *RUN, "--out", str(folder / "xlsx"),
                 "--format", "xlsx"]) == 0
    return folder


def test_each_sheet_read_back_equals_its_csv(runs: Path) -> None:
    sheets = pd.read_excel(runs / "xlsx" / "forecast.xlsx", sheet_name=None)
    assert list(sheets) == ["Conformité", "Indicateurs", "Demi-heures", "Exécution"]
    for sheet, csv in (("Conformité", "compliance"), ("Indicateurs", "operations"),
                       ("Demi-heures", "service_level_by_halfhour")):
        back = machine_names(sheets[sheet])
        pd.testing.assert_frame_equal(back, pd.read_csv(runs / "csv" / f"{csv}.csv"),
                                      check_dtype=False)
    assert not (runs / "xlsx" / "compliance.csv").exists()  # the workbook instead of CSVs
    assert (runs / "xlsx" / "forecast.json").exists()


def test_cells_are_numbers_dates_and_percentages_under_french_headers(runs: Path) -> None:
    book = openpyxl.load_workbook(runs / "xlsx" / "forecast.xlsx")
    page = book["Conformité"]
    headers = [c.value for c in page[1]]
    assert headers[:5] == ["Mois", "Cible", "Type de cible", "Réplications", "Conformité"]
    month, compliance = page.cell(2, 1), page.cell(2, 5)
    assert month.value == datetime.datetime(2026, 3, 1) and month.number_format == "mmm yyyy"
    assert isinstance(compliance.value, float) and compliance.number_format == "0.0%"
    assert book["Demi-heures"].cell(2, 1).value == "lun 07:30"
    run = {row[0].value: row[1].value for row in book["Exécution"].iter_rows(min_row=2)}
    assert run["seed"] == 2 and run["replications"] == 2


def test_half_hours_are_weekday_and_time() -> None:
    assert halfhour_label(0) == "lun 00:00"
    assert halfhour_label(15) == "lun 07:30"
    assert halfhour_label(48 + 19, "en") == "Tue 09:30"
    assert halfhour_label(335) == "dim 23:30"


def test_the_workbook_alone_with_english_headers(runs: Path) -> None:
    path = runs / "alone" / "forecast.xlsx"
    assert main(["simulate", str(runs / "flat.yaml"), *RUN, "--out", str(path),
                 "--lang", "en"]) == 0
    assert path.exists() and not list(path.parent.glob("*.sqlite"))
    page = openpyxl.load_workbook(path)["Compliance"]
    assert [c.value for c in page[1]][:2] == ["Month", "Target"]


@pytest.mark.parametrize(("argv", "sheets"), [
    (["targets", "{flat}", "--target", "P3", "--thresholds", "8h", *RUN],
     ["Niveaux de cible", "Exécution"]),
    (["compare", "{flat}", "{flat}+demand.scale=1.1", *RUN],
     ["Comparaison", "Indicateurs", "Exécution"]),
    (["sweep", "{flat}", "--vary", "demand.scale=1.0,1.1", *RUN], ["Balayage", "Exécution"]),
    (["staff", "{flat}"], ["Effectifs", "Exécution"]),
])
def test_every_run_command_writes_a_workbook(runs: Path, argv: list[str],
                                             sheets: list[str]) -> None:
    path = runs / f"{argv[0]}.xlsx"
    words = [w.replace("{flat}", str(runs / "flat.yaml")) for w in argv]
    assert main([*words, "--out", str(path)]) == 0
    assert openpyxl.load_workbook(path).sheetnames == sheets
    if argv[0] == "sweep":  # a varied value as written ("1.1") is a number in the sheet
        assert pd.read_excel(path, sheet_name=sheets[0])["demand.scale"].unique().tolist() == [
            1.0, 1.1]


def test_measure_writes_monthly_and_across_months_sheets(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = ROOT / "tests" / "data" / "volvo-bpi2013-extract.csv"
    log = tmp_path / "volvo.csv"
    assert main(["import", str(events), "--mapping", "volvo-bpi2013", "--out", str(log)]) == 0
    assert main(["measure", str(log), "--rules", "cspq-cau", "--out",
                 str(tmp_path / "m.csv")]) == 0
    assert main(["measure", str(log), "--rules", "cspq-cau", "--out",
                 str(tmp_path / "m.xlsx")]) == 0
    sheets = pd.read_excel(tmp_path / "m.xlsx", sheet_name=None)
    back = machine_names(sheets["Par mois et cible"])
    csv = pd.read_csv(tmp_path / "m.csv")
    columns = ["month", "target", "kind", "counted", "met", "compliance", "goal", "margin",
               "breached_open"]
    pd.testing.assert_frame_equal(back[columns], csv[columns], check_dtype=False)
    across = sheets["Conformité par mois"]
    assert across.columns[0] == "Cible" and len(across.columns) == 1 + csv["month"].nunique()
    capsys.readouterr()
    assert main(["measure", str(log), "--rules", "cspq-cau"]) == 0
    assert "Conformité par mois" in capsys.readouterr().out


def test_a_workbook_needs_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = ROOT / "tests" / "data" / "golden" / "eventlog.csv"
    assert main(["measure", str(log), "--rules", "cspq-cau", "--format", "xlsx"]) == 2
    assert "--out FILE.xlsx" in capsys.readouterr().err
