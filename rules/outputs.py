"""Output files: every file cau-planner writes goes through here, so that an output never
destroys an input or anything that is not a regular file, never is half-written, and a
CSV never carries a formula into a spreadsheet.

- :func:`atomic_target` writes one file as a temporary beside it, renamed into place only
  when complete; :func:`atomic_files` does so for several files at once (a folder of
  results), renaming them only once all are written, so a full disk leaves the previous
  run's files as they were.
- A target that exists and is not a regular file (a device such as ``/dev/null``, a FIFO,
  a socket, a directory, a symbolic link) is refused, never replaced.
- Inside :func:`guarded` (one ``cau`` command), every file the command reads is noted
  (:func:`note_input`, called by the readers) and every output option is claimed
  (:func:`claim`) with the kind of file it receives: an output that is one of the inputs,
  an output named twice, or a suffix that says another format than the one written is an
  error before any work is done; :func:`atomic_target` checks the inputs again when it
  writes. Outside a command (a notebook) nothing is noted: a library user may rewrite a
  file they read.
- :func:`spreadsheet_safe` neutralises text cells that a spreadsheet would run as a
  formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) with a leading apostrophe,
  as spreadsheets expect; :func:`spreadsheet_text` undoes it when cau reads its own CSV.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import InputFileError

if TYPE_CHECKING:  # pandas only for the CSV writers, so `cau --help` starts at once
    import pandas as pd

# Suffixes of each kind of output (the first is the one suggested).
SUFFIXES: dict[str, tuple[str, ...]] = {
    "csv": (".csv",),
    "json": (".json",),
    "yaml": (".yaml", ".yml"),
    "event log": (".csv", ".csv.gz", ".parquet"),
    "results store": (".sqlite", ".sqlite3", ".db"),
    "html": (".html", ".htm"),
    "png": (".png",),
    "xlsx": (".xlsx",),
}
LABELS = {"csv": "CSV", "json": "JSON", "yaml": "YAML", "event log": "an event log",
          "results store": "a results store (SQLite)", "html": "HTML", "png": "a PNG image",
          "xlsx": "a workbook (.xlsx)"}
TEXT = "text"  # aligned tables: any suffix that does not name another format
DIRECTORY = "directory"
KINDS: tuple[str, ...] = (*SUFFIXES, TEXT, DIRECTORY)
_KNOWN_SUFFIXES = {s for suffixes in SUFFIXES.values() for s in suffixes} | {
    ".parquet", ".gz", ".zip", ".xlsx", ".xls", ".ods", ".md", ".pdf", ".svg"
}
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection");
# one starting with an apostrophe gets one more, so that reading strips exactly one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


# -- what a command reads and writes ---------------------------------------------------------
@dataclass
class _Guard:
    inputs: dict[tuple[int, int], str] = field(default_factory=dict)  # (device, inode) → name
    outputs: dict[str, str] = field(default_factory=dict)  # absolute path → option

    def input_named(self, path: Path) -> str | None:
        identity = _identity(path)
        return None if identity is None else self.inputs.get(identity)


_GUARD: contextvars.ContextVar[_Guard | None] = contextvars.ContextVar("cau_outputs", default=None)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Protect, for the time of the block (one command), every input from every output."""
    token = _GUARD.set(_Guard())
    try:
        yield
    finally:
        _GUARD.reset(token)


def note_input(path: str | Path) -> None:
    """``path`` is read by the running command: no output of it may replace the file.

    Raises :class:`InputFileError` if an output option already claimed that file."""
    guard = _GUARD.get()
    if guard is None:
        return
    path = Path(path)
    identity = _identity(path)
    if identity is None:
        return
    option = guard.outputs.get(_absolute(path))
    if option is None:  # the same file under another name (a hard link, ./x, a symlink)
        option = next((o for p, o in guard.outputs.items() if _identity(Path(p)) == identity),
                      None)
    if option is not None:
        raise InputFileError(_input_message(path, option))
    guard.inputs.setdefault(identity, str(path))


def claim(path: str | Path, kind: str, option: str) -> Path:
    """Check an output option before any work: ``path`` will receive a ``kind`` file
    (a key of :data:`SUFFIXES`, ``"text"`` or ``"directory"``).

    Refused with a message naming ``option``: a suffix of another format, a path given
    to two output options, a path that is one of the command's inputs, an existing
    target that is not a regular file (or, for ``"directory"``, not a directory).
    """
    path = Path(path)
    _check_kind_of_file(path, directory=kind == DIRECTORY, option=option)
    if kind != DIRECTORY:
        _check_suffix(path, kind, option)
    guard = _GUARD.get()
    if guard is not None:
        key = _absolute(path)
        other = guard.outputs.get(key)
        if other is not None and other != option:
            raise InputFileError(
                f"{option} {path}: is also given to {other}; each output needs its own file"
            )
        name = guard.input_named(path)
        if name is not None:
            raise InputFileError(_input_message(path, option))
        guard.outputs[key] = option
    return path


def claim_folder(folder: str | Path, names: Iterable[str], option: str) -> Path:
    """``folder`` (a directory, created if absent) will receive the files ``names``:
    each is claimed as if given to ``option`` (a stray directory or device of that name,
    or an input there, is refused before the run)."""
    folder = claim(folder, DIRECTORY, option)
    for name in names:
        kind = _kind_of_name(name)
        claim(folder / name, kind, f"{option} ({name})")
    return folder


def _kind_of_name(name: str) -> str:
    lower = name.lower()
    for kind, suffixes in SUFFIXES.items():
        if kind != "event log" and lower.endswith(suffixes):
            return kind
    return TEXT


def _input_message(path: Path, option: str) -> str:
    return (
        f"{option} {path}: is a file this command reads; writing it would destroy that "
        "input. Choose another output file"
    )


def _check_suffix(path: Path, kind: str, option: str) -> None:
    name = path.name.lower()
    if kind == TEXT:
        suffix = "".join(Path(name).suffixes[-2:]) if name.endswith(".gz") else Path(name).suffix
        if suffix in _KNOWN_SUFFIXES:
            raise InputFileError(
                f'{option} {path}: "{suffix}" names another format than the aligned text '
                'written here; use ".txt" (or choose the format that suffix says)'
            )
        return
    suffixes = SUFFIXES[kind]
    if not name.endswith(suffixes):
        shown = " or ".join(f'"{s}"' for s in suffixes)
        stem = path.name.split(".")[0] or path.name
        raise InputFileError(
            f"{option} {path}: {LABELS[kind]} is written there, so the name must end with "
            f"{shown}: e.g. {path.with_name(stem + suffixes[0])}"
        )


def _check_kind_of_file(path: Path, *, directory: bool = False, option: str = "") -> None:
    """An existing ``path`` must be a regular file (or a directory when ``directory``)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputFileError(f"{_named(option, path)}: cannot be written ({exc})") from None
    if directory:
        mode = info.st_mode
        if stat.S_ISLNK(mode):  # a link to a directory is an ordinary place for results
            with contextlib.suppress(OSError):
                mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            return
        raise InputFileError(
            f"{_named(option, path)}: cannot be created as a directory: it is "
            f"{_what(mode)}; give a new or existing directory"
        )
    if stat.S_ISREG(info.st_mode):
        return
    what = _what(info.st_mode)
    hint = "give a file name" if stat.S_ISDIR(info.st_mode) else (
        "write to the file it points to, or remove the link" if stat.S_ISLNK(info.st_mode)
        else "it is never replaced; give a file name"
    )
    if stat.S_ISLNK(info.st_mode):
        what += f" (to {os.readlink(path)})"
    raise InputFileError(
        f"{_named(option, path)}: cannot be written: it is {what}, not a regular file; {hint}"
    )


def _what(mode: int) -> str:
    for test, name in (
        (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
        (stat.S_ISREG, "a regular file"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _named(option: str, path: Path) -> str:
    return f"{option} {path}" if option else str(path)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _absolute(path: Path) -> str:
    """The absolute path of ``path`` with its folder's symbolic links resolved (the file
    itself may not exist yet)."""
    return os.path.join(os.path.realpath(path.parent), path.name)


# -- writing ----------------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_target(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it only if the block succeeds.

    Nothing half-written is ever left at ``path``: on error the temporary file is removed.
    An existing ``path`` that is not a regular file, or that the running command reads,
    is refused (:class:`InputFileError`) before anything is written. The file gets the
    permissions an ordinary ``open`` would give it (0666 less the umask), not ``mkstemp``'s
    private 0600, so a published dashboard can be read by others.
    """
    with atomic_files([path]) as temps:
        yield temps[0]


@contextlib.contextmanager
def atomic_files(paths: Iterable[str | Path]) -> Iterator[list[Path]]:
    """Temporary paths beside each of ``paths``, all renamed into place only if the block
    succeeds, after every one is written; on error all are removed and no target changes."""
    targets = [Path(p) for p in paths]
    guard = _GUARD.get()
    for target in targets:
        _check_kind_of_file(target)
        if guard is not None and guard.input_named(target) is not None:
            raise InputFileError(
                f"{target}: is a file this command reads; writing it would destroy that input"
            )
    temps: list[Path] = []
    try:
        for target in targets:
            temps.append(_temporary(target))
        yield temps
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    except BaseException as exc:
        for temp in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if isinstance(exc, OSError):  # disk full, a folder that vanished…
            if len(targets) == 1:
                raise InputFileError(f"{targets[0]}: cannot be written ({exc})") from None
            raise InputFileError(
                f"{targets[0].parent}: cannot be written ({exc}); none of "
                f"{', '.join(t.name for t in targets)} was changed: make room for them (the "
                "old and the new side by side), then run the command again"
            ) from None
        raise


def _temporary(path: Path) -> Path:
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be written ({exc})") from None
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(handle, 0o666 & ~umask)
    os.close(handle)
    return Path(temp)


def write_files(folder: str | Path, contents: dict[str, bytes]) -> list[Path]:
    """Each ``name: bytes`` of ``contents`` into ``folder`` (created), all renamed into place
    once every one is written: a failure (disk full) leaves the folder as it was."""
    folder = make_directory(folder)
    paths = [folder / name for name in contents]
    with atomic_files(paths) as temps:
        for temp, data in zip(temps, contents.values(), strict=True):
            temp.write_bytes(data)
    return paths


def make_directory(path: str | Path) -> Path:
    """``path`` as a directory, created with its parents if need be."""
    path = Path(path)
    _check_kind_of_file(path, directory=True)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be created as a directory ({exc})") from None
    return path


# -- CSV for spreadsheets -----------------------------------------------------------------------
def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would read as a formula prefixed
    with an apostrophe (and an apostrophe at the start doubled); numbers are left alone,
    so a negative margin stays a number."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        elif values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        risky = values.map(
            lambda v: isinstance(v, str) and v.startswith((*FORMULA_START, QUOTE))
        ).astype(bool)
        if risky.any():
            out[column] = values.mask(risky, QUOTE + values.astype(str))
    return out


def spreadsheet_text(values: pd.Series) -> pd.Series:
    """Text cells as written before :func:`spreadsheet_safe` (one leading apostrophe
    dropped where it guards a formula character or another apostrophe)."""
    text = values.astype(str)
    quoted = text.str.startswith(QUOTE) & text.str[1:2].isin([*FORMULA_START, QUOTE])
    if not bool(quoted.any()):
        return values
    return values.where(~quoted, text.str[1:])


def write_csv(
    frame: pd.DataFrame, path: str | Path, *, compression: Literal["gzip"] | None = None
) -> None:
    """``frame`` as CSV at ``path`` (no index), spreadsheet-safe, atomically."""
    with atomic_target(path) as temp:
        spreadsheet_safe(frame).to_csv(temp, index=False, compression=compression)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as spreadsheet-safe CSV text (no index)."""
    text: str = spreadsheet_safe(frame).to_csv(index=False)
    return text
