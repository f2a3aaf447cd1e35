"""The results store: one embedded SQLite file per run, written as replications finish.

Each finished replication is saved in one transaction (its monthly measurement rows,
operational figures, half-hour counts, the rows of its target variants, and its seed),
so a run that is interrupted keeps everything that finished and resumes with only the
missing replications. A store belongs to one scenario (by fingerprint) and one seed;
opening it for another is refused, because mixing replications of different runs would
silently corrupt a forecast. A store is used by one run at a time: it is locked while open
(an advisory ``flock`` on the file), so the same command started twice is told so instead
of both computing the same replications; a store that cannot be written (a full disk)
says how many replications it keeps and that running the command again resumes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np
import pandas as pd

from rules.errors import CauError

from .forecast import (
    HALFHOUR_COLUMNS,
    MONTHLY_COLUMNS,
    OPERATIONS_COLUMNS,
    VARIANT_COLUMNS,
    ReplicationFigures,
)

SCHEMA_VERSION = "2"  # 2: the `variants` table

_SCHEMA = """
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS replications (
    replication INTEGER PRIMARY KEY,
    entropy TEXT NOT NULL,
    spawn_key TEXT NOT NULL,
    seconds REAL NOT NULL,
    finished REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS monthly (
    replication INTEGER NOT NULL REFERENCES replications,
    month TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL,
    counted INTEGER NOT NULL, met INTEGER NOT NULL, compliance REAL, goal REAL NOT NULL,
    goal_met INTEGER, margin REAL, breached_open INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS operations (
    replication INTEGER NOT NULL REFERENCES replications,
    month TEXT NOT NULL, figure TEXT NOT NULL, "group" TEXT NOT NULL, value REAL
);
CREATE TABLE IF NOT EXISTS halfhours (
    replication INTEGER NOT NULL REFERENCES replications,
    halfhour INTEGER NOT NULL, offered INTEGER NOT NULL,
    counted INTEGER NOT NULL, met INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS variants (
    replication INTEGER NOT NULL REFERENCES replications, variant TEXT NOT NULL,
    month TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL,
    counted INTEGER NOT NULL, met INTEGER NOT NULL, compliance REAL, goal REAL NOT NULL,
    goal_met INTEGER, margin REAL, breached_open INTEGER NOT NULL
);
"""

_TABLES: dict[str, tuple[str, ...]] = {
    "monthly": MONTHLY_COLUMNS,
    "operations": OPERATIONS_COLUMNS,
    "halfhours": HALFHOUR_COLUMNS,
    "variants": VARIANT_COLUMNS,
}


class StoreConflictError(CauError):
    """A results store that belongs to another scenario or seed than the run asking for it."""


class StoreBusyError(CauError):
    """A results store in use by another run (the same command started twice)."""


class StoreWriteError(CauError):
    """A results store that cannot be written (a full disk): what it keeps is intact."""


def fingerprint(*paths: str | Path) -> str:
    """SHA-256 of the files that define a run's results (scenario file, rule pack file)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredFigures:
    """Per-replication tables of a store, each with a leading `replication` column."""

    monthly: pd.DataFrame
    operations: pd.DataFrame
    halfhours: pd.DataFrame
    variants: pd.DataFrame  # monthly rows per target variant (empty unless the run had some)


class ResultStore:
    """An open results store for one (scenario fingerprint, seed); ``":memory:"`` keeps none."""

    def __init__(self, path: str | Path, *, scenario_hash: str, seed: int):
        self.path = str(path)
        self._lock: int | None = None
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreWriteError(f"{self.path}: cannot be created ({exc})") from None
            self._lock = _lock(self.path)
        try:
            self._db = sqlite3.connect(self.path)
            self._db.executescript(_SCHEMA)
            stored = dict(self._db.execute("SELECT key, value FROM run").fetchall())
        except sqlite3.DatabaseError as exc:
            self._unlock()
            if isinstance(exc, sqlite3.OperationalError):  # a full disk, a read-only folder
                raise StoreWriteError(
                    f"{self.path}: cannot be used as a results store ({exc}); free some "
                    "space, or give --store a file on another disk"
                ) from None
            raise StoreConflictError(
                f"{self.path}: not a results store ({exc}); give another --store file"
            ) from None
        wanted = {"schema": SCHEMA_VERSION, "scenario_hash": scenario_hash, "seed": str(seed)}
        if not stored:
            try:
                with self._db:
                    self._db.executemany("INSERT INTO run VALUES (?, ?)", wanted.items())
            except sqlite3.Error as exc:
                self.close()
                raise StoreWriteError(f"{self.path}: cannot be written ({exc})") from None
            return
        different = [key for key in wanted if stored.get(key) != wanted[key]]
        if different:
            self.close()
            found = ", ".join(f"{k} {_short(stored.get(k))}" for k in different)
            asked = ", ".join(f"{k} {_short(wanted[k])}" for k in different)
            raise StoreConflictError(
                f"{self.path} holds results of another run ({found}; this run has {asked}). "
                "Its replications cannot be mixed with this run's: give another --store "
                "file, or delete this one to start afresh."
            )

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def finished(self) -> set[int]:
        """Indices of the replications already stored."""
        return {row[0] for row in self._db.execute("SELECT replication FROM replications")}

    def save(
        self,
        index: int,
        seed: np.random.SeedSequence,
        figures: ReplicationFigures,
        seconds: float,
    ) -> None:
        """Store one finished replication, all of it or nothing (one transaction)."""
        with self._writing(), self._db:
            self._db.execute(
                "INSERT INTO replications VALUES (?, ?, ?, ?, ?)",
                (index, str(seed.entropy), repr(tuple(seed.spawn_key)), seconds, time.time()),
            )
            frames = (figures.monthly, figures.operations, figures.halfhours, figures.variants)
            for (table, columns), frame in zip(_TABLES.items(), frames, strict=True):
                values = [
                    (index, *(_plain(v) for v in row))
                    for row in frame.loc[:, list(columns)].itertuples(index=False)
                ]
                marks = ", ".join("?" * (len(columns) + 1))
                self._db.executemany(f"INSERT INTO {table} VALUES ({marks})", values)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A failed write (a full disk) says what the store keeps and how to resume."""
        try:
            yield
        except sqlite3.Error as exc:
            kept = len(self.finished())
            raise StoreWriteError(
                f"{self.path}: a finished replication could not be stored ({exc}). The "
                f"{kept} replication(s) stored before are kept: free some space (or give "
                "--store a file on another disk), then run the same command again to resume"
            ) from None

    def replications(self) -> pd.DataFrame:
        """The stored replications: index, seed (entropy, spawn key) and seconds taken."""
        return pd.read_sql_query(
            "SELECT replication, entropy, spawn_key, seconds FROM replications "
            "ORDER BY replication",
            self._db,
        )

    def figures(self, replications: Iterable[int]) -> StoredFigures:
        """The stored tables of the given replications (in replication order)."""
        wanted = sorted(set(replications))
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (replication INTEGER)")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT INTO wanted VALUES (?)", [(i,) for i in wanted])
        frames = {}
        for table, columns in _TABLES.items():
            quoted = ", ".join(f'"{c}"' for c in ("replication", *columns))
            frames[table] = pd.read_sql_query(
                f"SELECT {quoted} FROM {table} WHERE replication IN "
                f"(SELECT replication FROM wanted) ORDER BY replication, rowid",
                self._db,
            )
        for monthly in (frames["monthly"], frames["variants"]):
            # SQLite has no boolean and no NA-aware integer: give the contract's types back.
            monthly["goal_met"] = (
                monthly["goal_met"].map({1: True, 0: False}, na_action="ignore").astype("boolean")
            )
            monthly["compliance"] = monthly["compliance"].astype("float64")
        return StoredFigures(
            frames["monthly"], frames["operations"], frames["halfhours"], frames["variants"]
        )


def _lock(path: str) -> int:
    """An exclusive lock on the store file, held until :meth:`ResultStore.close`."""
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise StoreWriteError(f"{path}: cannot be opened as a results store ({exc})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        raise StoreBusyError(
            f"{path}: another run is using this results store now (the same command started "
            "twice?). Wait for it to end, then run this command again: it takes what that run "
            "stored and computes only the rest; or give another --store file"
        ) from None
    return handle


def _plain(value: object) -> object:
    """A value SQLite accepts: numpy scalars to Python, NA to NULL."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        plain = value.item()
        return None if isinstance(plain, float) and np.isnan(plain) else plain
    return value


def _short(value: str | None) -> str:
    if value is None:
        return "(none)"
    return value[:12] + "…" if len(value) > 16 else value
