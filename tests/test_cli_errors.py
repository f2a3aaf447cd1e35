"""Every ``cau`` sub-command answers bad input the same way: exit status 2 and a message
naming the problem on stderr, never a traceback. Each command is tried with a missing
file, a file of the wrong format and a bad option value (plus an output it cannot write)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cau.cli import COMMAND_MODULES, main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "cspq-baseline.yaml")
EXPORT = str(Path(__file__).resolve().parent / "data" / "volvo-bpi2013-extract.csv")

# id → (argv, what stderr must say); {dir} is a scratch directory holding the files of
# the ``files`` fixture: wrong.csv (columns a, b), broken.yaml (not YAML), fake.parquet
# (text), events.csv (a valid event log), bad-time.csv (every row rejected), a-file,
# a-dir/.
CASES: dict[str, tuple[list[str], str]] = {
    "validate-missing-file": (["validate", "{dir}/missing.yaml"], "no such file"),
    "validate-wrong-format": (["validate", "{dir}/wrong.csv"], "expected a mapping"),
    "validate-bad-lang": (["validate", "cspq-cau", "--lang", "de"], "invalid choice: 'de'"),
    "validate-unknown-pack": (["validate", "cspq-cua"], 'Did you mean "cspq-cau"'),
    "erlang-bad-rate": (["erlang", "c", "--rate", "2", "--aht", "5min", "--agents", "3"],
                        'expected a rate such as "2/min"'),
    "erlang-bad-agents": (["erlang", "c", "--rate", "2/min", "--aht", "5min", "--agents", "x"],
                          'expected a whole number of agents of at least 1, found "x"'),
    "erlang-overloaded": (["erlang", "c", "--rate", "2/min", "--aht", "5min", "--agents", "3"],
                          "Erlang C needs fewer Erlangs than agents"),
    "erlang-bad-goal": (["erlang", "staff", "--rate", "2/min", "--aht", "5min", "--goal",
                         "150%"], 'expected a percentage such as "85%"'),
    "measure-missing-file": (["measure", "{dir}/missing.csv", "--rules", "cspq-cau"],
                             "missing.csv: no such file"),
    "measure-wrong-format": (["measure", "{dir}/wrong.csv", "--rules", "cspq-cau"],
                             'missing column(s) "id"'),
    "measure-not-parquet": (["measure", "{dir}/fake.parquet", "--rules", "cspq-cau"],
                            "cannot be read as PARQUET"),
    "measure-unknown-pack": (["measure", "{dir}/events.csv", "--rules", "nopack"],
                             "nor a shipped rule pack"),
    "measure-bad-as-of": (["measure", "{dir}/events.csv", "--rules", "cspq-cau", "--as-of",
                           "soon"], 'cannot read "soon" as an instant'),
    "measure-bad-format": (["measure", "{dir}/events.csv", "--rules", "cspq-cau", "--format",
                            "xml"], "invalid choice: 'xml'"),
    "measure-out-is-a-directory": (["measure", "{dir}/events.csv", "--rules", "cspq-cau",
                                    "--out", "{dir}/a-dir"], "a-dir: cannot be written"),
    "dashboard-missing-file": (["dashboard", "{dir}/missing.csv", "--rules", "cspq-cau",
                                "--out", "{dir}/out"], "missing.csv: no such file"),
    "dashboard-wrong-format": (["dashboard", "{dir}/wrong.csv", "--rules", "cspq-cau",
                                "--out", "{dir}/out"], 'missing column(s) "id"'),
    "dashboard-bad-month": (["dashboard", "{dir}/events.csv", "--rules", "cspq-cau", "--out",
                             "{dir}/out", "--month", "2026-13"],
                            'expected a month such as 2026-03, found "2026-13"'),
    "dashboard-month-without-data": (["dashboard", "{dir}/events.csv", "--rules", "cspq-cau",
                                      "--out", "{dir}/out", "--month", "2001-01"],
                                     "month 2001-01 is not in the event log"),
    "dashboard-out-is-a-file": (["dashboard", "{dir}/events.csv", "--rules", "cspq-cau",
                                 "--out", "{dir}/a-file"], "cannot be created as a directory"),
    "simulate-missing-file": (["simulate", "{dir}/missing.yaml"], "no such file"),
    "simulate-wrong-format": (["simulate", "{dir}/broken.yaml"], "expected valid YAML"),
    "simulate-a-pack-not-a-scenario": (["simulate", str(ROOT / "rules" / "cspq-cau.yaml")],
                                       "this is a rule pack, not a scenario"),
    "simulate-bad-seed": (["simulate", BASELINE, "--seed", "abc"],
                          'expected a seed of at least 0, found "abc"'),
    "simulate-bad-replications": (["simulate", BASELINE, "-n", "0"],
                                  'expected a whole number of at least 1, found "0"'),
    "simulate-absurd-replications": (["simulate", BASELINE, "-n", "1000000", "-q"],
                                     "--replications 1,000,000 is more than 100,000"),
    "targets-absurd-replications": (["targets", BASELINE, "--target", "P3", "--thresholds",
                                     "8h", "--goals", "85%", "-n", "200000", "-q"],
                                    "is more than 100,000"),
    "simulate-out-is-a-file": (["simulate", BASELINE, "-n", "1", "-q", "--out",
                                "{dir}/a-file"], "cannot be created as a directory"),
    "calibrate-missing-file": (["calibrate", "{dir}/missing.csv", "--rules", "cspq-cau"],
                               "missing.csv: no such file"),
    "calibrate-wrong-format": (["calibrate", "{dir}/wrong.csv", "--rules", "cspq-cau"],
                               'missing column(s) "id"'),
    "calibrate-out-is-a-directory": (["calibrate", "{dir}/events.csv", "--rules", "cspq-cau",
                                      "--out", "{dir}/a-dir"], "a-dir: cannot be written"),
    "import-missing-file": (["import", "{dir}/missing.csv", "--mapping", "volvo-bpi2013",
                             "--out", "{dir}/out.csv"], "missing.csv: no such file"),
    "import-wrong-format": (["import", "{dir}/wrong.csv", "--mapping", "volvo-bpi2013",
                             "--out", "{dir}/out.csv"], "that the file lacks"),
    "import-broken-mapping": (["import", EXPORT, "--mapping", "{dir}/broken.yaml", "--out",
                               "{dir}/out.csv"], "expected valid YAML"),
    "import-unknown-mapping": (["import", EXPORT, "--mapping", "volvo", "--out",
                                "{dir}/out.csv"], "nor a shipped mapping"),
    "import-bad-out-name": (["import", EXPORT, "--mapping", "volvo-bpi2013", "--out",
                             "{dir}/out.xlsx"], "an event log is written there, so the name"),
    "targets-missing-file": (["targets", "{dir}/missing.yaml", "--target", "P3"],
                             "no such file"),
    "targets-unknown-target": (["targets", BASELINE, "--target", "retablisement-p3"],
                               'Did you mean "retablissement-p3"'),
    "targets-bad-threshold": (["targets", BASELINE, "--target", "P3", "--thresholds", "8heures"],
                              'found "8heures"'),
    "targets-levels-before-target": (["targets", BASELINE, "--goals", "85%", "--target", "P3"],
                                     "--goals comes after the --target it is for"),
    "staff-missing-file": (["staff", "{dir}/missing.yaml"], "no such file"),
    "staff-out-is-a-directory": (["staff", BASELINE, "--out", "{dir}/a-dir"],
                                 "a-dir: cannot be written"),
    "measure-every-row-rejected": (["measure", "{dir}/bad-time.csv", "--rules", "cspq-cau"],
                                   'nothing to measure; row 3: cannot read time "2026-03-02T25'),
    "import-rejects-is-a-directory": (["import", EXPORT, "--mapping", "volvo-bpi2013",
                                       "--out", "{dir}/out.csv", "--rejects", "{dir}/a-dir"],
                                      "a-dir: cannot be written"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-input")
    (folder / "wrong.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (folder / "fake.parquet").write_text("not parquet\n", encoding="utf-8")
    (folder / "a-file").write_text("", encoding="utf-8")
    (folder / "a-dir").mkdir()
    (folder / "bad-time.csv").write_text(  # one unreadable instant rejects its ticket whole
        "id,time,event,value,channel,option,service,level,group\n"
        "T-1,2026-03-02T08:31:00-05:00,opened,,phone,1,,1,CAU\n"
        "T-1,2026-03-02T25:99:00-05:00,resolved,,phone,1,,1,CAU\n", encoding="utf-8")
    assert main(["import", EXPORT, "--mapping", "volvo-bpi2013",
                 "--out", str(folder / "events.csv")]) == 0
    return folder


def test_every_command_is_tried() -> None:
    commands = {argv[0] for argv, _ in CASES.values()}
    registered = {name.removeprefix("cmd_") for name in COMMAND_MODULES}
    assert commands >= registered


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_a_message(
    case: str, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, expected = CASES[case]
    capsys.readouterr()  # the fixture's own output
    try:
        status = main([word.replace("{dir}", str(files)) for word in argv])
    except SystemExit as exc:  # argparse: a bad option value
        status = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert expected in err, err
    [line] = [text for text in err.splitlines() if expected in text]  # said once, one line
    # "cau COMMAND: error: …", or one located problem of a list; cau validate reports
    # each of its files on its own lines, starting with the file's name.
    assert line.startswith((f"cau {argv[0]}", "  ")) or argv[0] == "validate", line
