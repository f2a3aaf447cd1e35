"""Every ``cau`` sub-command answers bad input the same way: exit status 2 and a message
naming the problem on stderr, never a traceback nor a hang. Each command is tried with a
missing file, a file of the wrong format and a bad option value (plus an output it cannot
write), then with hostile and clumsy inputs: FIFOs and devices, YAML bombs, numbers YAML
or the simulator cannot hold, files named outside a scenario's folders, empty, header-only
and truncated data."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from cau.cli import COMMAND_MODULES, main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "cspq-baseline.yaml")
ONE_POOL = str(ROOT / "scenarios" / "one-pool.yaml")  # the baseline as one pool of shifts
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
                          'a range such as 10-16 or a list such as 10,12,14, found "x"'),
    "erlang-overloaded": (["erlang", "c", "--rate", "2/min", "--aht", "5min", "--agents", "3"],
                          "Erlang C needs fewer Erlangs than agents"),
    "erlang-bad-goal": (["erlang", "staff", "--rate", "2/min", "--aht", "5min", "--goal",
                         "150%"], 'expected a percentage such as "85%"'),
    "measure-missing-file": (["measure", "{dir}/missing.csv", "--rules", "cspq-cau"],
                             "missing.csv: no such file"),
    "measure-wrong-format": (["measure", "{dir}/wrong.csv", "--rules", "cspq-cau"],
                             'missing columns "id"'),
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
                                "--out", "{dir}/out"], 'missing columns "id"'),
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
                               'missing columns "id"'),
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
    "compare-missing-file": (["compare", BASELINE, "{dir}/missing.yaml"], "no such file"),
    "compare-bad-own-setting": (["compare", BASELINE, BASELINE + "+demand.scale=x"],
                                "--set demand.scale=x: demand.scale: expected a number"),
    "sweep-bad-vary": (["sweep", BASELINE, "--vary", "demand.scale=1.3-1.0/0.1"],
                       "a range goes up from its first value"),
    "sweep-bad-point": (["sweep", ONE_POOL, "--vary",
                         "level_one.staffing.shifts[09:30].headcount=2,-1"],
                        "--set level_one.staffing.shifts[09:30].headcount=-1: "
                        "level_one.staffing.shifts[4].headcount: expected a whole number"),
    "staff-bad-set-path": (["staff", BASELINE, "--set", "demand.scael=1.1"],
                           'demand.scael: expected one of the known keys, found unknown key '
                           '"scael". Did you mean "scale"?'),
    "simulate-bad-set-syntax": (["simulate", BASELINE, "--set", "demand.scale"],
                                'argument --set: expected PATH=VALUE'),
    "targets-bad-set-value": (["targets", ONE_POOL, "--target", "P3", "--set",
                               "level_one.staffing.shifts[09:30].headcount=beaucoup"],
                              "--set level_one.staffing.shifts[09:30].headcount=beaucoup: "
                              "level_one.staffing.shifts[4].headcount: expected a whole number"),
    "staff-out-is-a-directory": (["staff", BASELINE, "--out", "{dir}/a-dir"],
                                 "a-dir: cannot be written"),
    "measure-every-row-rejected": (["measure", "{dir}/bad-time.csv", "--rules", "cspq-cau"],
                                   'nothing to measure; row 3: cannot read time "2026-03-02T25'),
    "import-rejects-is-a-directory": (["import", EXPORT, "--mapping", "volvo-bpi2013",
                                       "--out", "{dir}/out.csv", "--rejects", "{dir}/a-dir"],
                                      "a-dir: cannot be written"),
}

# Hostile and clumsy inputs (issue 12), one table per command. {dir} also holds: fifo (a
# named pipe), base.yaml (the baseline scenario), the YAML files of _YAML and the logs of
# _LOGS below, hostname.txt (a text file), link.yaml (a symbolic link to /etc/passwd).
HOSTILE: dict[str, dict[str, tuple[list[str], str]]] = {
    "validate": {
        "fifo": (["validate", "{dir}/fifo"], "is a FIFO (named pipe), not a regular file"),
        "device": (["validate", "/dev/zero"], "is a character device, not a regular file"),
        "directory": (["validate", "{dir}/a-dir"], "is a directory, not a regular file"),
        "billion-laughs": (["validate", "{dir}/laughs.yaml"],
                           "expected aliases that expand to at most 10,000 values"),
        "alias-in-itself": (["validate", "{dir}/self-alias.yaml"],
                            "expected an alias that does not contain itself"),
        "complex-key": (["validate", "{dir}/complex-key.yaml"],
                        "expected keys that are names or numbers, found a list as a key"),
        "5000-digit-integer": (["validate", "{dir}/bigint.yaml"],
                               "demand.scale: expected a value YAML can read"),
        "infinite-volume": (["validate", "{dir}/inf.yaml"],
                            "per_month: expected a number of at least 0.0, found inf"),
        "nan-volume": (["validate", "{dir}/nan.yaml"],
                       "per_month: expected a number of at least 0.0, found nan"),
        "nan-scale": (["validate", "{dir}/scale-nan.yaml"],
                      "demand.scale: expected a number of at least 0.0, found nan"),
        "scale-a-million": (["validate", "{dir}/scale-big.yaml"],
                            "demand.scale: expected a run the simulator can hold"),
        "warmup-a-century": (["validate", "{dir}/warmup.yaml"],
                             'horizon.warmup: expected whole days such as "7d", at most 366d'),
        "backlog-1e8": (["validate", "{dir}/backlog.yaml"],
                        "horizon.initial_backlog.tickets: expected a run the simulator can"),
        "surge-1e9": (["validate", "{dir}/surge.yaml"],
                      "demand.outages[0].surge.calls: expected a run the simulator can hold"),
        "extends-chain-of-1200": (["validate", "{dir}/chain-1200.yaml"],
                                  "expected a chain of at most 16 base scenarios"),
        "extends-a-text": (["validate", "{dir}/extends-text.yaml"],
                           'found "hostname.txt": a text of 11 characters, not a YAML mapping'),
        "extends-outside": (["validate", "{dir}/extends-etc.yaml"],
                            'found "/etc/hostname", outside them'),
        "extends-symlink-out": (["validate", "{dir}/extends-link.yaml"],
                                'found "link.yaml", outside them'),
        "rule-pack-outside": (["validate", "{dir}/pack-etc.yaml"],
                              'rule_pack: expected a rule pack inside the folders'),
        "patience-a-word": (["validate", "{dir}/patience-word.yaml"],
                            'or "infinite" for callers who never hang up, found "forever"'),
        "horizon-in-2500": (["validate", "{dir}/start-2500.yaml"],
                            'horizon.start: expected a date in the years 1971–2198, found '
                            '"2500-03-01"'),
        "threshold-of-a-million-years": (["validate", "{dir}/pack-threshold.yaml"],
                                         "expected a threshold above 0s and of at most 365d"),
    },
    "measure": {
        "empty-file": (["measure", "{dir}/empty.csv", "--rules", "cspq-cau"],
                       "empty.csv: is empty; an event log starts with the header line"),
        "header-only": (["measure", "{dir}/header.csv", "--rules", "cspq-cau"],
                        "header.csv: has a header line and no event"),
        "year-2500": (["measure", "{dir}/y2500.csv", "--rules", "cspq-cau"],
                      'is outside the years 1970–2199 that cau reads'),
        "date-without-time": (["measure", "{dir}/date-only.csv", "--rules", "cspq-cau"],
                              'time "2026-03-05" has no time of day'),
        "fifo": (["measure", "{dir}/fifo.csv", "--rules", "cspq-cau"], "is a FIFO"),
        "truncated-gzip": (["measure", "{dir}/cut.csv.gz", "--rules", "cspq-cau"],
                           "cannot be read to its end (a corrupt or truncated file"),
        "as-of-2500": (["measure", "{dir}/events.csv", "--rules", "cspq-cau", "--as-of",
                        "2500-01-01"], "is outside the years 1970–2199 that cau reads; judge"),
    },
    "dashboard": {
        "empty-file": (["dashboard", "{dir}/empty.csv", "--rules", "cspq-cau", "--out",
                        "{dir}/out"], "empty.csv: is empty"),
        "header-only": (["dashboard", "{dir}/header.csv", "--rules", "cspq-cau", "--out",
                         "{dir}/out"], "header.csv: has a header line and no event"),
        "year-1600": (["dashboard", "{dir}/y1600.csv", "--rules", "cspq-cau", "--out",
                       "{dir}/out"], 'is outside the years 1970–2199 that cau reads'),
    },
    "calibrate": {
        "empty-file": (["calibrate", "{dir}/empty.csv", "--rules", "cspq-cau"],
                       "empty.csv: is empty"),
        "year-2500": (["calibrate", "{dir}/y2500.csv", "--rules", "cspq-cau"],
                      'is outside the years 1970–2199 that cau reads'),
    },
    "import": {
        "corrupt-zip": (["import", "{dir}/corrupt.zip", "--mapping", "servicenow-uci", "--out",
                         "{dir}/out.csv"], "cannot be read as a zip archive"),
        "empty-source": (["import", "{dir}/empty.csv", "--mapping", "volvo-bpi2013", "--out",
                          "{dir}/out.csv"], "empty.csv: is empty"),
        "fifo-source": (["import", "{dir}/fifo", "--mapping", "volvo-bpi2013", "--out",
                         "{dir}/out.csv"], "is a FIFO"),
        "device-source": (["import", "/dev/zero", "--mapping", "volvo-bpi2013", "--out",
                           "{dir}/out.csv"], "is a character device"),
        "fifo-mapping": (["import", EXPORT, "--mapping", "{dir}/fifo", "--out",
                          "{dir}/out.csv"], "is a FIFO"),
    },
    "erlang": {
        "a-billion-agents": (["erlang", "c", "--rate", "2/min", "--aht", "5min", "--agents",
                              "1000000000"], "expected a whole number from 1 to 1,000,000"),
        "staff-beyond-reach": (["erlang", "staff", "--rate", "1000/s", "--aht", "5min"],
                               "no staffing of up to 10,000 agents reaches"),
    },
    "simulate": {
        "extends-outside": (["simulate", "{dir}/extends-etc.yaml", "-n", "1"],
                            'found "/etc/hostname", outside them'),
        "scale-a-million": (["simulate", "{dir}/scale-big.yaml", "-n", "1"],
                            "expected a run the simulator can hold"),
    },
    "targets": {
        "fifo": (["targets", "{dir}/fifo", "--target", "P3"], "is a FIFO"),
        "threshold-of-a-million-days": (["targets", "{dir}/base.yaml", "--target", "P3",
                                         "--thresholds", "1000000d"], "of at most 365d"),
    },
    "staff": {
        "surge-1e9": (["staff", "{dir}/surge.yaml"], "expected a run the simulator can hold"),
    },
    "compare": {
        "fifo": (["compare", BASELINE, "{dir}/fifo"], "is a FIFO"),
        "own-scale-a-million": (["compare", BASELINE, BASELINE + "+demand.scale=1000000", "-n",
                                 "1"], "expected a run the simulator can hold"),
    },
    "sweep": {
        "a-million-points": (["sweep", BASELINE, "--vary", "demand.scale=1-1000000"],
                             '1000000 values in "1-1000000"; at most 10000'),
        "a-point-too-big": (["sweep", BASELINE, "--vary", "demand.scale=1,1000000", "-n", "1"],
                            "expected a run the simulator can hold"),
    },
}
for _command, _cases in HOSTILE.items():
    CASES.update({f"{_command}-{name}": case for name, case in _cases.items()})

_HEADER = "id,time,event,value,channel,option,service,level,group\n"
_TICKET = ("T-{n},{t1},opened,,phone,1,,1,CAU\nT-{n},{t1},priority,P3,phone,1,,1,CAU\n"
           "T-{n},{t2},resolved,,phone,1,,1,CAU\n")
_LOGS = {
    "empty.csv": "",
    "header.csv": _HEADER,
    "y2500.csv": _HEADER + _TICKET.format(n=1, t1="2500-03-02T08:31:00-05:00",
                                          t2="2500-03-02T09:31:00-05:00"),
    "y1600.csv": _HEADER + _TICKET.format(n=1, t1="1600-03-02T08:31:00-05:00",
                                          t2="1600-03-02T09:31:00-05:00"),
    "date-only.csv": _HEADER + _TICKET.format(n=1, t1="2026-03-05", t2="2026-03-06"),
}
_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
    for p, n in zip("abcdefghi", "bcdefghij", strict=True))
_YAML = {
    "laughs.yaml": _LAUGHS,
    "self-alias.yaml": "a: &x [*x]\n",
    "complex-key.yaml": "? [a, b]\n: 1\n",
    "bigint.yaml": "extends: base.yaml\ndemand:\n  scale: " + "9" * 5000 + "\n",
    "scale-nan.yaml": "extends: base.yaml\ndemand:\n  scale: .nan\n",
    "scale-big.yaml": "extends: base.yaml\ndemand:\n  scale: 1000000\n",
    "warmup.yaml": "extends: base.yaml\nhorizon:\n  warmup: 36500d\n",
    "backlog.yaml": "extends: base.yaml\nhorizon:\n  initial_backlog:\n    age: {dist: "
                    "exponential, mean: 2d}\n    tickets: {N2-bureautique: {P3: 100000000}}\n",
    "extends-text.yaml": "extends: hostname.txt\n",
    "extends-etc.yaml": "extends: /etc/hostname\n",
    "extends-link.yaml": "extends: link.yaml\n",
    "patience-word.yaml": "extends: base.yaml\nlevel_one:\n  patience: forever\n",
    "start-2500.yaml": "extends: base.yaml\nhorizon:\n  start: 2500-03-01\n",
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
    os.mkfifo(folder / "fifo")
    os.mkfifo(folder / "fifo.csv")
    (folder / "link.yaml").symlink_to("/etc/passwd")
    (folder / "hostname.txt").write_text("secret-host\n", encoding="utf-8")
    (folder / "corrupt.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "cut.csv.gz").write_bytes(gzip.compress((folder / "events.csv").read_bytes())[:900])
    pack = (ROOT / "rules" / "cspq-cau.yaml").read_text(encoding="utf-8")
    (folder / "big-threshold.yaml").write_text(
        pack.replace("    threshold: 10h", "    threshold: 100000000d"), encoding="utf-8")
    baseline = Path(BASELINE).read_text(encoding="utf-8")
    (folder / "base.yaml").write_text(baseline, encoding="utf-8")
    for name, old, new in (("inf.yaml", "per_month: 5500", "per_month: .inf"),
                           ("nan.yaml", "per_month: 5500", "per_month: .nan"),
                           ("surge.yaml", "calls: 90,", "calls: 1000000000,"),
                           ("pack-etc.yaml", "rule_pack: cspq-cau", "rule_pack: /etc/passwd"),
                           ("pack-threshold.yaml", "rule_pack: cspq-cau",
                            "rule_pack: big-threshold.yaml")):
        assert old in baseline
        (folder / name).write_text(baseline.replace(old, new), encoding="utf-8")
    for i in range(1, 1201):
        (folder / f"chain-{i}.yaml").write_text(
            f"extends: {'base' if i == 1 else f'chain-{i - 1}'}.yaml\n", encoding="utf-8")
    for name, text in {**_LOGS, **_YAML}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_every_command_is_tried() -> None:
    commands = {argv[0] for argv, _ in CASES.values()}
    registered = {name.removeprefix("cmd_") for name in COMMAND_MODULES}
    assert commands >= registered
    assert set(HOSTILE) == registered  # a table of hostile inputs for every command


def test_a_file_of_the_wrong_kind_is_described_never_quoted(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for target in ("extends-text.yaml", "link.yaml"):
        assert main(["validate", str(files / target), "--allow", "/etc"]) == 2
        err = capsys.readouterr().err
        assert "secret-host" not in err and "root:" not in err, err
        assert "not a YAML mapping" in err


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
