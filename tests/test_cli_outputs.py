"""No output of a ``cau`` command ever destroys an input or what is not a regular file,
and a reader that stops early loses nothing.

One table of faults per command and output option: an output that is one of the command's
inputs (by any spelling), a FIFO, a symbolic link or a device where a file is asked, one
file given to two options, a suffix that names another format than the one written. Each
must exit 2 with its message, and leave every file of the folder as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cau.cli import BROKEN_PIPE, main
from sim.store import ResultStore

ROOT = Path(__file__).resolve().parent.parent
EXPORT = str(Path(__file__).resolve().parent / "data" / "volvo-bpi2013-extract.csv")
MEASURE = ["measure", "{dir}/events.csv", "--rules", "cspq-cau"]
IMPORT = ["import", "{dir}/export.csv", "--mapping", "volvo-bpi2013"]
CALIBRATE = ["calibrate", "{dir}/events.csv", "--rules", "{dir}/pack.yaml"]
STAFF = ["staff", "{dir}/variant.yaml"]
SIMULATE = ["simulate", "{dir}/variant.yaml", "-n", "1", "--workers", "1", "-q"]
TARGETS = ["targets", "{dir}/variant.yaml", "--target", "P3", "-n", "1", "--workers", "1", "-q"]
DASHBOARD = ["dashboard", "{dir}/events.csv", "--rules", "cspq-cau"]
READS = "is a file this command reads"
NOT_REGULAR = "not a regular file"

# id → (argv, what stderr must say). {dir} holds: events.csv (an event log), export.csv
# (a Volvo export), pack.yaml (the CAU pack), base.yaml (a tiny scenario on pack.yaml),
# variant.yaml (extends base.yaml), fifo, link.csv (→ events.csv), device (a character
# device, when run as root), run/forecast.json (a scenario named like a report file).
CASES: dict[str, tuple[list[str], str]] = {
    # measure: --out, --tickets
    "measure-out-is-the-log": ([*MEASURE, "--format", "csv", "--out", "{dir}/events.csv"], READS),
    "measure-out-is-the-log-spelt-otherwise": ([*MEASURE, "--out", "{dir}/./events.csv"], READS),
    "measure-tickets-is-the-log": ([*MEASURE, "--tickets", "{dir}/events.csv"], READS),
    "measure-out-is-a-fifo": ([*MEASURE, "--out", "{dir}/fifo"], NOT_REGULAR),
    "measure-out-is-a-device": ([*MEASURE, "--out", "{dir}/device"], "a character device"),
    "measure-out-is-a-symlink": ([*MEASURE, "--out", "{dir}/link.csv"], "a symbolic link"),
    "measure-tickets-is-a-fifo": ([*MEASURE, "--tickets", "{dir}/fifo.csv"], NOT_REGULAR),
    "measure-out-twice": ([*MEASURE, "--out", "{dir}/x.csv", "--tickets", "{dir}/x.csv"],
                          "is also given to --out"),
    "measure-format-against-suffix": ([*MEASURE, "--format", "csv", "--out", "{dir}/m.json"],
                                      "names JSON but --format csv was asked"),
    "measure-table-as-csv": ([*MEASURE, "--format", "table", "--out", "{dir}/m.csv"],
                             "names CSV but --format table was asked"),
    "measure-tickets-not-csv": ([*MEASURE, "--tickets", "{dir}/t.json"],
                                'CSV is written there, so the name must end with ".csv"'),
    "measure-rejects-is-the-log": ([*MEASURE, "--rejects", "{dir}/events.csv"], READS),
    "measure-rejects-and-out": ([*MEASURE, "--out", "{dir}/x.csv", "--rejects", "{dir}/x.csv"],
                                "is also given to --out"),
    "measure-rejects-is-a-symlink": ([*MEASURE, "--rejects", "{dir}/link.csv"],
                                     "a symbolic link"),
    # import: --out, --rejects
    "import-out-is-the-export": ([*IMPORT, "--out", "{dir}/export.csv"], READS),
    "import-rejects-is-the-export": ([*IMPORT, "--out", "{dir}/new.csv", "--rejects",
                                      "{dir}/export.csv"], READS),
    "import-out-is-the-mapping": (["import", EXPORT, "--mapping", "{dir}/pack.yaml", "--out",
                                   "{dir}/pack.yaml"], "an event log is written there"),
    "import-out-is-a-symlink": ([*IMPORT, "--out", "{dir}/link.csv"], "a symbolic link"),
    "import-out-is-a-device": ([*IMPORT, "--out", "{dir}/device.csv"], "a character device"),
    "import-rejects-is-a-fifo": ([*IMPORT, "--out", "{dir}/new.csv", "--rejects",
                                  "{dir}/fifo.csv"], NOT_REGULAR),
    "import-out-twice": ([*IMPORT, "--out", "{dir}/x.csv", "--rejects", "{dir}/x.csv"],
                         "is also given to --out"),
    "import-rejects-not-csv": ([*IMPORT, "--out", "{dir}/new.csv", "--rejects",
                                "{dir}/r.txt"], 'the name must end with ".csv"'),
    # staff: --out (the overlay)
    "staff-out-is-the-scenario": ([*STAFF, "--out", "{dir}/variant.yaml"], READS),
    "staff-out-is-its-base": ([*STAFF, "--out", "{dir}/base.yaml"], READS),
    "staff-out-is-its-pack": ([*STAFF, "--out", "{dir}/pack.yaml"], READS),
    "staff-out-is-a-fifo": ([*STAFF, "--out", "{dir}/fifo.yaml"], NOT_REGULAR),
    "staff-out-not-yaml": ([*STAFF, "--out", "{dir}/staff.csv"],
                           'YAML is written there, so the name must end with ".yaml" or ".yml"'),
    # calibrate: --out (the fragment)
    "calibrate-out-is-the-pack": ([*CALIBRATE, "--out", "{dir}/pack.yaml"], READS),
    "calibrate-out-is-a-symlink": ([*CALIBRATE, "--out", "{dir}/link.yaml"], "a symbolic link"),
    "calibrate-out-not-yaml": ([*CALIBRATE, "--out", "{dir}/events.csv"],
                               'YAML is written there'),
    "calibrate-rejects-is-the-log": ([*CALIBRATE, "--rejects", "{dir}/events.csv"], READS),
    "calibrate-rejects-not-csv": ([*CALIBRATE, "--rejects", "{dir}/r.yaml"],
                                  'the name must end with ".csv"'),
    # dashboard: --out (a folder), --rejects
    "dashboard-out-is-a-fifo": ([*DASHBOARD, "--out", "{dir}/fifo"],
                                "cannot be created as a directory: it is a FIFO"),
    "dashboard-out-is-a-device": ([*DASHBOARD, "--out", "{dir}/device"],
                                  "cannot be created as a directory: it is a character device"),
    "dashboard-rejects-is-a-fifo": ([*DASHBOARD, "--out", "{dir}/board", "--rejects",
                                     "{dir}/fifo.csv"], NOT_REGULAR),
    "dashboard-rejects-is-the-log": ([*DASHBOARD, "--out", "{dir}/board", "--rejects",
                                      "{dir}/events.csv"], READS),
    # simulate and targets: --out (a folder and the files in it), --store, --scheduler
    "simulate-out-holds-its-scenario": (["simulate", "{dir}/run/forecast.json", "-n", "1",
                                         "--workers", "1", "--out", "{dir}/run",
                                         "--allow", "{dir}"], READS),  # its base: ../
    "simulate-out-is-a-fifo": ([*SIMULATE, "--out", "{dir}/fifo"], "it is a FIFO"),
    "simulate-store-is-a-fifo": ([*SIMULATE, "--store", "{dir}/fifo.sqlite"], NOT_REGULAR),
    "simulate-store-not-sqlite": ([*SIMULATE, "--store", "{dir}/events.csv"],
                                  "a results store (SQLite) is written there"),
    "simulate-scheduler-not-an-address": ([*SIMULATE, "--scheduler", "notaurl"],
                                          'expected a Dask scheduler address'),
    "simulate-scheduler-http": ([*SIMULATE, "--scheduler", "http://localhost:8786"],
                                'found "http://localhost:8786"'),
    "targets-out-is-a-symlink": ([*TARGETS, "--out", "{dir}/link.csv"],
                                 "cannot be created as a directory: it is a regular file"),
    "targets-store-is-a-device": ([*TARGETS, "--store", "{dir}/device.sqlite"],
                                  "a character device"),
    "targets-scheduler-not-an-address": ([*TARGETS, "--scheduler", "tcp://host"],
                                         'expected a Dask scheduler address'),
}
DEVICES = ("device", "device.csv", "device.sqlite")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    shutil.copy(EXPORT, folder / "export.csv")
    shutil.copy(ROOT / "rules" / "cspq-cau.yaml", folder / "pack.yaml")
    base = yaml.safe_load((ROOT / "scenarios" / "cspq-baseline.yaml").read_text("utf-8"))
    base.update(rule_pack="pack.yaml", horizon={"start": "2026-03-02", "days": 1, "warmup": "0d"})
    base["demand"].pop("outages", None)
    (folder / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), "utf-8")
    (folder / "variant.yaml").write_text("extends: base.yaml\n", "utf-8")
    (folder / "run").mkdir()
    (folder / "run" / "forecast.json").write_text(
        "extends: ../base.yaml\nrule_pack: ../pack.yaml\n", "utf-8")
    for name in ("fifo", "fifo.csv", "fifo.yaml", "fifo.sqlite"):
        os.mkfifo(folder / name)
    (folder / "link.csv").symlink_to(folder / "events.csv")
    (folder / "link.yaml").symlink_to(folder / "pack.yaml")
    if os.geteuid() == 0:
        for name in DEVICES:
            os.mknod(folder / name, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    assert main(["import", EXPORT, "--mapping", "volvo-bpi2013",
                 "--out", str(folder / "events.csv")]) == 0
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every entry under ``folder``: its type and, for a regular file, its content's hash."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        info = os.lstat(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(
            info.st_mode) else ""
        seen[str(path.relative_to(folder))] = (stat.S_IFMT(info.st_mode), digest)
    return seen


def test_every_command_that_writes_is_tried() -> None:
    tried = {argv[0] for argv, _ in CASES.values()}
    assert tried >= {"measure", "import", "staff", "calibrate", "dashboard", "simulate",
                     "targets"}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_output_exits_2_and_changes_nothing(
    case: str, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, expected = CASES[case]
    if any(device in word for word in argv for device in DEVICES) and os.geteuid() != 0:
        pytest.skip("a device node needs root")
    before = snapshot(files)
    capsys.readouterr()
    try:
        status = main([word.replace("{dir}", str(files)) for word in argv])
    except SystemExit as exc:  # argparse: a bad option value
        status = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert "Traceback" not in err and expected in err, err
    assert snapshot(files) == before


def _run_closed(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``cau ARGV`` whose reader of stdout has gone before it prints (``cau … | head``)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "cau.cli", *argv], stdout=write,
                              stderr=subprocess.PIPE, cwd=cwd, timeout=300, check=False)
    finally:
        os.close(write)


def test_a_reader_that_stops_early_loses_no_file(files: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = _run_closed(["simulate", str(files / "variant.yaml"), "-n", "1", "--workers", "1",
                        "-q", "--out", str(out)], ROOT)
    assert done.returncode == BROKEN_PIPE, done.stderr.decode()
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr
    names = {p.name for p in out.iterdir()}
    assert {"compliance.csv", "operations.csv", "forecast.json", "compliance.png",
            "service_level_by_halfhour.png"} <= names
    done = _run_closed([*(w.replace("{dir}", str(files)) for w in MEASURE),
                        "--tickets", str(tmp_path / "tickets.csv")], ROOT)
    assert done.returncode == BROKEN_PIPE and b"Traceback" not in done.stderr
    assert (tmp_path / "tickets.csv").stat().st_size > 0


def test_a_second_run_into_the_same_store_is_told_to_wait(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.sqlite"
    argv = [*(w.replace("{dir}", str(files)) for w in SIMULATE), "--store", str(store),
            "--lang", "en"]
    capsys.readouterr()
    with ResultStore(store, scenario_hash="x", seed=1):  # the first run, still going
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert "another run is using this results store now" in err and "Traceback" not in err


def test_a_command_started_with_stdout_closed_writes_its_files(files: Path,
                                                               tmp_path: Path) -> None:
    """``cau … >&-``: Python has no stdout at all; the report goes nowhere, the files
    are written, the status is the command's."""
    fragment = tmp_path / "fragment.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "cau.cli", *(w.replace("{dir}", str(files)) for w in CALIBRATE),
         "--out", str(fragment)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, timeout=300, check=False,
        preexec_fn=lambda: os.close(1),  # stdout closed before cau starts
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode()
    assert fragment.stat().st_size > 0
