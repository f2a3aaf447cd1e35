"""Input files (rules.inputs): only regular files of a bounded size are read, whatever
their name says; compressed data is capped as it comes out; nothing blocks or exhausts
memory, and every refusal is one InputFileError naming the file."""

from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import pytest

from rules.errors import InputFileError
from rules.inputs import check_input, open_data, read_text, size_text


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    for path, kind in ((tmp_path / "pipe", r"a FIFO \(named pipe\)"),
                       (Path("/dev/zero"), "a character device"), (tmp_path, "a directory")):
        for read in (check_input, read_text, open_data):
            with pytest.raises(InputFileError, match=f"is {kind}, not a regular file"):
                read(path)  # type: ignore[operator]
    with pytest.raises(InputFileError, match=r"missing.yaml: no such file"):
        read_text(tmp_path / "missing.yaml")


def test_a_file_above_its_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 1000)
    with pytest.raises(InputFileError, match=r"big.yaml: is 4.88 KiB; cau reads files of this "
                                             r"kind up to 1 KiB"):
        read_text(big, limit=1024)
    assert read_text(big).startswith("a: 1")
    assert size_text(3 * 2**30) == "3 GiB" and size_text(12) == "12 bytes"


def test_decompressed_data_is_capped_whatever_the_archive_claims(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"0" * 100_000))  # 100 kB out of a few hundred bytes
    with open_data(bomb, limit=10_000) as handle, pytest.raises(
            InputFileError, match=r"more than 9.77 KiB once decompressed"):
        handle.read()
    with open_data(bomb) as handle:
        assert len(handle.read()) == 100_000
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.csv", "x\n" * 10_000)
        z.writestr("b.csv", "y\n")
    with pytest.raises(InputFileError, match=r"export.zip \(a.csv\): is 19.5 KiB"):
        open_data(archive, "a.csv", limit=10_000)
    with pytest.raises(InputFileError, match=r"a zip archive of 2 files; the mapping's "
                                             r"source.member names the one to read"):
        open_data(archive)
    with pytest.raises(InputFileError, match=r'no member "c.csv"'):
        open_data(archive, "c.csv")
    with open_data(archive, "b.csv") as handle:
        assert handle.read() == b"y\n"


def test_a_corrupt_or_cut_archive_is_one_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 and nothing else")
    with pytest.raises(InputFileError, match=r"fake.zip: cannot be read as a zip archive"):
        open_data(fake)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(os.urandom(50_000))[:5000])
    with open_data(cut) as handle, pytest.raises(
            InputFileError, match=r"cut.csv.gz: cannot be read to its end"):
        handle.read()
