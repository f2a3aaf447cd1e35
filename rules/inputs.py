"""Input files as cau reads them: regular files of a bounded size, opened once.

Every command reads its inputs through here, so that none can be made to hang or to
exhaust memory: a FIFO, a device (``/dev/zero``), a socket or a directory is refused
before anything is read (a FIFO opened for reading would block until a writer comes);
a file larger than its kind's limit is refused with its size; a compressed file (gzip,
or a zip member) is read through a counter that stops at the same limit, whatever its
headers claim. Errors are :class:`rules.errors.InputFileError`, one line naming the file.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, cast

from .errors import InputFileError

# Rule packs, scenarios and mappings: the CAU's pack is 30 kB, the baseline 20 kB.
YAML_LIMIT = 4 * 2**20
# Event logs and exports (uncompressed): the ServiceNow export is 46 MB, and reading takes
# several times a file's size in memory on a machine of 24 GiB.
DATA_LIMIT = 2 * 2**30
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a directory"))


def size_text(size: int) -> str:
    """A byte count as people read it: ``4 MiB``, ``2.5 GiB``."""
    value, unit = float(size), "bytes"
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            break
        value /= 1024
    return f"{value:.3g} {unit}" if unit != "bytes" else f"{size} bytes"


def _refuse_kind(path: Path, mode: int) -> None:
    for test, kind in _KINDS:
        if test(mode):
            raise InputFileError(f"{path}: is {kind}, not a regular file; give a file")


def check_input(path: str | Path, limit: int = DATA_LIMIT) -> Path:
    """``path`` when it names a regular file of at most ``limit`` bytes (symbolic links
    followed); else an :class:`InputFileError` saying what it is."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
    _refuse_kind(path, info.st_mode)
    _check_size(path, info.st_size, limit)
    return path


def _check_size(path: Path | str, size: int, limit: int) -> None:
    if size > limit:
        raise InputFileError(
            f"{path}: is {size_text(size)}; cau reads files of this kind up to "
            f"{size_text(limit)}")


def read_text(path: str | Path, limit: int = YAML_LIMIT) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    The file is opened without blocking and checked on the open descriptor, so a FIFO
    put in its place between a check and the read cannot hang the command.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(descriptor)
        _refuse_kind(path, info.st_mode)
        _check_size(path, info.st_size, limit)
    except InputFileError:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    _check_size(path, len(data), limit)  # a file that grew while being read
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: cannot be read as UTF-8 text ({exc.reason} at byte "
                             f"{exc.start})") from None


class _Counted(io.RawIOBase):
    """A binary stream that fails once more than ``limit`` bytes have come out of it."""

    def __init__(self, raw: BinaryIO, limit: int, name: str,
                 archive: zipfile.ZipFile | None = None):
        self._raw, self._left, self._limit, self._name = raw, limit, limit, name
        self._archive = archive  # closed with the stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._raw.read(min(len(buffer), self._left + 1))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise InputFileError(f"{self._name}: cannot be read to its end (a corrupt or "
                                 f"truncated file: {exc})") from None
        if len(data) > self._left:
            raise InputFileError(f"{self._name}: holds more than {size_text(self._limit)} "
                                 "once decompressed; cau reads files of this kind up to that")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        if self._archive is not None:
            self._archive.close()
        super().close()


def open_data(path: str | Path, member: str | None = None,
              limit: int = DATA_LIMIT) -> BinaryIO:
    """A data file (event log, export) opened for reading as bytes, decompressed: a zip
    archive's ``member`` (or its only member), a ``.gz`` file, or the file itself. What
    comes out is capped at ``limit`` bytes; a corrupt archive is an InputFileError."""
    path = check_input(path, limit)
    raw: BinaryIO
    archive = None
    if zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
        archive, raw = _zip_member(path, member, limit)
    elif path.suffix.lower() == ".gz":
        raw = cast(BinaryIO, gzip.open(path, "rb"))  # noqa: SIM115 (closed with the stream)
    else:
        raw = open(path, "rb")  # noqa: SIM115 (closed with the returned stream)
    return cast(BinaryIO, io.BufferedReader(_Counted(raw, limit, str(path), archive)))


def _zip_member(path: Path, member: str | None, limit: int
                ) -> tuple[zipfile.ZipFile, BinaryIO]:
    from .document import did_you_mean

    try:
        archive = zipfile.ZipFile(path)
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputFileError(f"{path}: cannot be read as a zip archive ({exc})") from None
    if member is None:
        if len(names) != 1:
            archive.close()
            raise InputFileError(
                f"{path}: a zip archive of {len(names)} files; the mapping's source.member "
                "names the one to read" + (f" ({', '.join(names[:5])})" if names else ""))
        member = names[0]
    if member not in names:
        archive.close()
        hint = did_you_mean(member, names)
        raise InputFileError(f'{path}: no member "{member}"' + (f". {hint}" if hint else ""))
    try:
        _check_size(f"{path} ({member})", archive.getinfo(member).file_size, limit)
        return archive, archive.open(member)  # type: ignore[return-value]
    except InputFileError:
        archive.close()
        raise
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        archive.close()
        raise InputFileError(f"{path}: cannot read {member} ({exc})") from None
