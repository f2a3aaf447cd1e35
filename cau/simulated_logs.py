"""The event logs of simulated months: ``cau simulate --events FILE`` writes them, and
``cau dashboard`` on one says the month is a simulation.

A simulated log is the canonical event log (the same file an export is imported into);
beside it a small JSON, its *provenance* (``FILE.simulation.json``), says which scenario,
settings, seed and replication made it, so the dashboard and whoever reads the folder
know it is a prediction, not what happened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rules.errors import InputFileError

REP = "{rep}"  # in the file name: one log per replication, the index in its place
PROVENANCE = ".simulation.json"


def check_target(pattern: str) -> Path:
    """``--events FILE`` before the run: a name an event log can have, never an input; its
    folder made."""
    from rules import outputs

    path = Path(pattern)
    if pattern.count(REP) > 1:
        raise InputFileError(f"--events {pattern}: {REP} once in the name")
    outputs.claim(path, "event log", "--events")
    outputs.make_directory(path.parent)
    return path


def wanted(pattern: str, replications: int) -> frozenset[int]:
    """The replications whose logs are written: all with {rep} in the name, else the first."""
    return frozenset(range(replications) if REP in pattern else (0,))


def path_of(pattern: str, index: int) -> Path:
    return Path(pattern.replace(REP, str(index)))


def write(log: Any, pattern: str, index: int, zone: str, meta: dict[str, Any]) -> Path:
    """Replication ``index``'s log and its provenance, each atomically."""
    from rules.outputs import atomic_target

    path = path_of(pattern, index)
    log.write(path, zone=zone)
    provenance = {"simulation": True, **meta, "replication": index}
    with atomic_target(provenance_path(path)) as temp:
        temp.write_text(json.dumps(provenance, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def provenance_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + PROVENANCE)


def provenance(path: str | Path) -> dict[str, Any] | None:
    """What made the simulated log at ``path`` (None for a log of real events). A
    provenance that cannot be read is an error: a dashboard must never pass a simulated
    month off as a measured one."""
    side = provenance_path(path)
    if not side.exists():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{side}: cannot be read as the provenance of {path} ({exc})"
                             ) from None
    if not isinstance(data, dict) or data.get("simulation") is not True:
        raise InputFileError(f'{side}: expected {{"simulation": true, …}}, the provenance '
                             f"cau simulate --events writes beside {Path(path).name}")
    return data
