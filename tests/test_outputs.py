"""Output files (``rules.outputs``): no output replaces what is not a regular file or what
the command reads, a folder of results changes all at once or not at all, and CSV cells
that a spreadsheet would run as formulas are neutralised (and read back as written)."""

from __future__ import annotations

import errno
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from rules import outputs
from rules.errors import InputFileError
from rules.eventlog import EventLog, read_event_log


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _symlink(path: Path) -> None:
    (path.parent / "real.csv").write_text("kept\n", encoding="utf-8")
    path.symlink_to(path.parent / "real.csv")


def _directory(path: Path) -> None:
    path.mkdir()


def _device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))  # a character device, as /dev/null


# What may sit where an output is asked for, and what the refusal says.
NOT_REGULAR = {
    "fifo": (_fifo, "a FIFO (named pipe)"),
    "symlink": (_symlink, "a symbolic link (to "),
    "directory": (_directory, "a directory"),
    "device": (_device, "a character device"),
}


@pytest.mark.parametrize("case", list(NOT_REGULAR))
def test_what_is_not_a_regular_file_is_never_replaced(case: str, tmp_path: Path) -> None:
    make, said = NOT_REGULAR[case]
    target = tmp_path / "out.csv"
    make(target)
    before = os.lstat(target)
    with pytest.raises(InputFileError, match="cannot be written: it is " + re.escape(said)):
        outputs.claim(target, "csv", "--out")
    with pytest.raises(InputFileError, match="not a regular file"), \
            outputs.atomic_target(target) as temp:
        temp.write_text("new", encoding="utf-8")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_folder_output_may_be_a_link_to_a_directory(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    assert outputs.claim(tmp_path / "out", outputs.DIRECTORY, "--out") == tmp_path / "out"
    with pytest.raises(InputFileError, match="cannot be created as a directory: it is a FIFO"):
        os.mkfifo(tmp_path / "pipe")
        outputs.claim(tmp_path / "pipe", outputs.DIRECTORY, "--out")


@pytest.mark.parametrize(
    ("name", "kind", "said"),
    [
        ("staff.csv", "yaml", 'YAML is written there, so the name must end with ".yaml"'),
        ("monthly.yaml", "csv", 'CSV is written there, so the name must end with ".csv"'),
        ("log.xlsx", "event log", 'an event log is written there'),
        ("runs.csv", "results store", "a results store (SQLite) is written there"),
        ("report.csv", outputs.TEXT, '".csv" names another format than the aligned text'),
    ],
)
def test_a_suffix_must_say_what_is_written(name: str, kind: str, said: str,
                                           tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=re.escape(said)):
        outputs.claim(tmp_path / name, kind, "--out")


@pytest.mark.parametrize("name", ["a.yml", "a.YAML", "log.csv.gz", "report.txt", "report"])
def test_suffixes_that_match_are_accepted(name: str, tmp_path: Path) -> None:
    kind = {"a.yml": "yaml", "a.YAML": "yaml", "log.csv.gz": "event log"}.get(name,
                                                                             outputs.TEXT)
    assert outputs.claim(tmp_path / name, kind, "--out") == tmp_path / name


def test_inside_a_command_an_input_is_never_an_output(tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    source.write_text("data\n", encoding="utf-8")
    with outputs.guarded():
        outputs.note_input(source)
        for spelling in (source, tmp_path / "." / "events.csv"):
            with pytest.raises(InputFileError, match="is a file this command reads"):
                outputs.claim(spelling, "csv", "--out")
        with pytest.raises(InputFileError, match="is a file this command reads"), \
                outputs.atomic_target(source) as temp:
            temp.write_text("lost", encoding="utf-8")
        # An output claimed first: reading it afterwards is refused just the same.
        outputs.claim(tmp_path / "other.csv", "csv", "--tickets")
        (tmp_path / "other.csv").write_text("x\n", encoding="utf-8")
        with pytest.raises(InputFileError, match=r"--tickets .*is a file this command reads"):
            outputs.note_input(tmp_path / "other.csv")
        with pytest.raises(InputFileError, match="is also given to --tickets"):
            outputs.claim(tmp_path / "other.csv", "csv", "--out")
    assert source.read_text(encoding="utf-8") == "data\n"
    # Outside a command (a notebook), a file read may be rewritten.
    outputs.note_input(source)
    outputs.claim(source, "csv", "--out")


def test_a_folder_changes_all_at_once_or_not_at_all(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    before = {"a.csv": b"old a", "b.png": b"old b"}
    outputs.write_files(tmp_path, before)
    real_write = Path.write_bytes

    def disk_full_on_b(self: Path, data: bytes) -> int:
        if self.name.startswith(".b.png"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full_on_b)
    with pytest.raises(InputFileError, match=r"No space left on device.*none of a.csv, b.png"):
        outputs.write_files(tmp_path, {"a.csv": b"new a", "b.png": b"new b"})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temporary left


def test_csv_cells_are_neutralised_for_spreadsheets_and_read_back_as_written(
    tmp_path: Path,
) -> None:
    frame = pd.DataFrame({"id": ["=1+1", "+A1", "-2+3", "@SUM(A1)", "'quoted", "plain", "\tx"],
                          "margin": [-0.05, 0.1, -1.0, 0.0, 1.0, 2.0, 3.0]})
    text = outputs.csv_text(frame)
    assert text.splitlines()[1:] == [
        "'=1+1,-0.05", "'+A1,0.1", "'-2+3,-1.0", "'@SUM(A1),0.0", "''quoted,1.0", "plain,2.0",
        "'\tx,3.0",
    ]  # numbers (a negative margin) stay numbers
    read = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(outputs.spreadsheet_text(read["id"])) == list(frame["id"])


def test_an_event_log_round_trips_through_its_neutralised_csv(tmp_path: Path) -> None:
    log = EventLog.from_records([
        {"id": "=HYPERLINK(1)", "time": 1772458260.0, "event": "opened", "channel": "phone",
         "option": "1", "level": "1", "group": "@team"},
        {"id": "=HYPERLINK(1)", "time": 1772458260.0, "event": "priority", "value": "P3",
         "channel": "phone", "option": "1", "level": "1", "group": "-team"},
    ])
    path = tmp_path / "events.csv"
    log.write(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(line.startswith("'=HYPERLINK(1)") for line in lines[1:])
    assert lines[1].endswith(",'@team") and lines[2].endswith(",'-team")
    back = read_event_log(path)
    assert list(back.frame["id"]) == ["=HYPERLINK(1)"] * 2
    assert list(back.frame["group"]) == ["@team", "-team"]
