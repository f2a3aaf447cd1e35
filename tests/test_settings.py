"""Scenario values set without a file: ``--set PATH=VALUE`` (sim.settings) and one item of
a list changed alone, by name or index, in a variant file or on the command line
(sim.overlay). Problems are located at the option or the file line that caused them,
with did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from cau.cli import main
from cau.replication_options import run_fingerprint
from rules.errors import ValidationError
from sim.scenario_loader import load_scenario
from sim.settings import parse_path, parse_setting, parse_value

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "cspq-baseline.yaml"
# The baseline's 12 agents as one pool: its shifts are level_one.staffing.shifts.
ONE_POOL = ROOT / "scenarios" / "one-pool.yaml"


def _headcounts(path: Path, *settings: str) -> dict[str, int]:
    scenario, _ = load_scenario(path, settings=[parse_setting(s) for s in settings])
    return {s.name: s.headcount for s in scenario.level_one.staffing.shifts}


def _problems(path: Path, *settings: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_scenario(path, settings=[parse_setting(s) for s in settings])
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(("text", "path"), [
    ("demand.scale", ("demand", "scale")),
    ("level_one.staffing.shifts[09:30].headcount", ("level_one", "staffing", "shifts", "09:30",
                                                    "headcount")),
    ("demand.streams[0].per_month", ("demand", "streams", 0, "per_month")),
    ("demand.streams.1.per_month", ("demand", "streams", 1, "per_month")),
    ('escalation.groups["N2.web"].headcount', ("escalation", "groups", "N2.web", "headcount")),
    ('level_one.first_contact."*"', ("level_one", "first_contact", "*")),
    ("a[0930]", ("a", "0930")),  # a leading zero: a name, not index 930
    ('a["4"]', ("a", "4")),      # quoted: a name
])
def test_paths_read_keys_names_and_indices(text: str, path: tuple[object, ...]) -> None:
    assert parse_path(text) == path


@pytest.mark.parametrize("text", ["a..b", "a[0", "a.", ".a", "a[]", "a[0]b", '"a'])
def test_malformed_paths_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_path(text)


@pytest.mark.parametrize(("text", "value"), [
    ("4", 4), ("1.15", 1.15), ("8h", "8h"), ("85%", "85%"), ("09:30", "09:30"),
    ("true", True), ('"4"', "4"), ("{dist: lognormal, mean: 7min, cv: 0.8}",
                                  {"dist": "lognormal", "mean": "7min", "cv": 0.8}),
    ("[lun, mar]", ["lun", "mar"]),
])
def test_values_read_as_in_a_file_but_clock_times_stay_text(text: str, value: object) -> None:
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["demand.scale", "=1", "demand.scale=", "x={unclosed"])
def test_malformed_settings_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_setting(text)


def test_one_shift_changes_alone_by_name_or_by_index() -> None:
    base = _headcounts(ONE_POOL)
    assert _headcounts(ONE_POOL, "level_one.staffing.shifts[09:30].headcount=6") == {
        **base, "09:30": 6}
    assert _headcounts(ONE_POOL, "level_one.staffing.shifts[0].headcount=7",
                       "level_one.staffing.shifts[07:30].headcount=2") == {**base, "07:30": 2}


def test_a_variant_file_changes_one_shift_by_name(tmp_path: Path) -> None:
    variant = tmp_path / "plus-one.yaml"
    variant.write_text(f"extends: {ONE_POOL}\nname: plus one\nlevel_one:\n  staffing:\n"
                       '    shifts: {"09:30": {headcount: 4}, 1: {headcount: 2}}\n',
                       encoding="utf-8")
    assert _headcounts(variant) == {**_headcounts(ONE_POOL), "09:30": 4, "08:00": 2}


def test_an_unknown_item_in_a_file_is_located_at_its_key(tmp_path: Path) -> None:
    variant = tmp_path / "typo.yaml"
    variant.write_text(f"extends: {ONE_POOL}\nname: typo\nlevel_one:\n  staffing:\n"
                       '    shifts: {"9:30": {headcount: 4}}\n', encoding="utf-8")
    [problem] = _problems(variant)
    assert problem.startswith(f"{variant}:5:14: level_one.staffing.shifts.9:30: expected the "
                              "name of an item of level_one.staffing.shifts"), problem
    assert problem.endswith('found "9:30". Did you mean "09:30"?'), problem


@pytest.mark.parametrize(("setting", "message"), [
    ("demand.scael=1.1", '--set demand.scael=1.1: demand.scael: expected one of the known '
     'keys, found unknown key "scael". Did you mean "scale"?'),
    ("level_one.staffing.shifts[0930].headcount=4",
     '--set level_one.staffing.shifts[0930].headcount=4: level_one.staffing.shifts.0930: '
     'expected the name of an item of level_one.staffing.shifts (or its index, 0 to 4), '
     'found "0930". Did you mean "09:30"?'),
    ("level_one.staffing.shifts[7].headcount=4",
     "--set level_one.staffing.shifts[7].headcount=4: level_one.staffing.shifts[7]: expected "
     "an index of level_one.staffing.shifts from 0 to 4 or the name of one of its items"),
    ("level_one.staffing.shifts[09:30].headcount=-1",
     "--set level_one.staffing.shifts[09:30].headcount=-1: level_one.staffing.shifts[4]"
     ".headcount: expected a whole number of at least 0, found -1"),
    ("level_one.handling.phone={dist: lognormle, mean: 6min, cv: 1}",
     'found "lognormle". Did you mean "lognormal"?'),
    ("demand.scale=beaucoup", "--set demand.scale=beaucoup: demand.scale: expected"),
])
def test_a_bad_setting_is_a_problem_located_at_its_option(setting: str, message: str) -> None:
    [problem] = _problems(ONE_POOL, setting)
    assert message in problem, problem
    assert problem.startswith(f"--set {setting}:"), problem


def test_settings_change_the_run_fingerprint() -> None:
    plain, pack = load_scenario(BASELINE)
    varied, _ = load_scenario(BASELINE, settings=[parse_setting("demand.scale=1.1")])
    assert varied.settings == ("demand.scale=1.1",)
    assert run_fingerprint(plain, pack) != run_fingerprint(varied, pack)


def test_a_bad_setting_on_the_command_line_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["simulate", str(ONE_POOL), "-n", "1", "-q", "--set",
                   "level_one.staffing.shifts[0930].headcount=4"])
    assert status == 2
    err = capsys.readouterr().err
    assert 'Did you mean "09:30"?' in err and "--set level_one.staffing" in err


def test_erlang_prints_a_row_per_number_of_agents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erlang", "c", "--rate", "2/min", "--aht", "5min", "--agents", "9-11,13",
                 "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split()[0] for line in lines[3:] if line[:1].isdigit()]
    assert rows == ["9", "10", "11", "13"]
    assert lines[3].split()[1:] == ["–"] * 4  # 9 agents for 10 Erlangs: no steady state
    assert "40.30%" in lines[5]  # 11 agents: the same figure as `--agents 11` alone
    assert main(["erlang", "c", "--rate", "2/min", "--aht", "5min", "--agents", "11",
                 "--lang", "en"]) == 0
    assert "40.30% within 40 s" in capsys.readouterr().out
