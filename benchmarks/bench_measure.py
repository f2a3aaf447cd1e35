"""Benchmark: read + measure an event log of 1,000,000 tickets (≈5 M events), and the
full ServiceNow (UCI) log imported and measured.

Goals: the synthetic log read from Parquet and measured against every target in under
10 s; the ServiceNow log imported and measured in under 5 s. The reference, measured in
the same run, is the plain per-ticket Python loop of ``tests/measure_reference.py`` on
a subsample, scaled linearly to the full count (stated in the output).

Run: ``.venv/bin/python benchmarks/bench_measure.py [--tickets N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from measure_reference import reference_tickets  # noqa: E402

from rules.eventlog import EventLog, read_event_log  # noqa: E402
from rules.loader import default_pack  # noqa: E402
from rules.measure import measure  # noqa: E402

T = TypeVar("T")
SERVICENOW = Path("/work/shared/data/incident_event_log.zip")
START = pd.Timestamp("2026-01-05 00:00", tz="America/Montreal").timestamp()
DAYS = 90


def synthetic_log(tickets: int, seed: int = 20260301) -> EventLog:
    """Tickets opened over 90 days: opened, priority, resolved, closed; 40 % assigned to
    level 2, 30 % wait on the user once, 5 % change priority (≈5 events per ticket)."""
    rng = np.random.default_rng(seed)
    opened = START + np.floor(rng.uniform(0, DAYS * 86400, tickets))
    priority = rng.choice(np.array(["P1", "P2", "P3", "P4", "P5"], dtype=object), tickets,
                          p=[0.02, 0.08, 0.5, 0.3, 0.1])
    duration = np.floor(rng.exponential(20 * 3600, tickets)) + 60
    resolved = opened + duration
    parts = [
        (np.arange(tickets), opened, "opened", ""),
        (np.arange(tickets), opened, "priority", priority),
    ]
    assigned = np.flatnonzero(rng.random(tickets) < 0.4)
    parts.append((assigned, opened[assigned] + 0.1 * duration[assigned], "assigned", "2"))
    changed = np.flatnonzero(rng.random(tickets) < 0.05)
    parts.append((changed, opened[changed] + 0.2 * duration[changed], "priority", "P2"))
    waits = np.flatnonzero(rng.random(tickets) < 0.3)
    parts.append((waits, opened[waits] + np.floor(0.3 * duration[waits]), "waiting_start", ""))
    parts.append((waits, opened[waits] + np.floor(0.6 * duration[waits]), "waiting_end", ""))
    parts.append((np.arange(tickets), resolved, "resolved", ""))
    parts.append((np.arange(tickets), resolved + 86400, "closed", ""))
    ticket = np.concatenate([p[0] for p in parts])
    frame = pd.DataFrame({
        "id": pd.Series(np.char.add("INC", np.char.zfill(ticket.astype(str), 7)), dtype="str"),
        "time": np.concatenate([p[1] for p in parts]),
        "event": np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts]),
        "value": np.concatenate([np.broadcast_to(np.asarray(p[3], dtype=object), len(p[0]))
                                 for p in parts]),
    })
    frame = frame.sort_values("time", kind="stable").reset_index(drop=True)
    for column in ("channel", "option", "service", "level", "group"):
        frame[column] = ""
    frame["channel"] = "phone"
    return EventLog(frame)


def timed(label: str, action: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - began
    print(f"  {label:<44} {seconds:7.2f} s")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000,
                        help="tickets the reference loop measures (scaled to --tickets)")
    args = parser.parse_args()
    pack = default_pack()
    print(f"Synthetic log, {args.tickets:,} tickets")
    log, _ = timed("generate (not timed against the goal)", lambda: synthetic_log(args.tickets))
    print(f"  {len(log):,} events")
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "events.parquet"
        timed("write Parquet (not timed against the goal)", lambda: log.write(path))
        log = EventLog.from_records([])  # free the generated log: only the one read is measured
        read, t_read = timed("read Parquet (with row checks)",
                             lambda: read_event_log(path, priorities=pack.priority_codes))
    result, t_measure = timed("measure against every target", lambda: measure(read, pack))
    total = t_read + t_measure
    counts = result.reconciliation
    print(f"  read + measure: {total:.2f} s (goal < 10 s: {'met' if total < 10 else 'MISSED'})")
    print(f"  tickets {counts['tickets']:,} = resolved {counts['tickets_resolved']:,} + open "
          f"{counts['tickets_open']:,}; monthly rows {len(result.monthly)}")

    sample = read.frame["id"].drop_duplicates().iloc[: args.sample]
    frame = read.frame[read.frame["id"].isin(sample)]
    _, t_ref = timed(f"reference loop on {len(sample):,} tickets",
                     lambda: reference_tickets(frame, pack, result.as_of))
    scaled = t_ref * counts["tickets"] / len(sample)
    print(f"  reference loop scaled linearly to {counts['tickets']:,} tickets: {scaled:.0f} s "
          f"(resolution targets only)")
    print(f"  ratio: vectorised measure is {scaled / t_measure:.0f}× faster than the loop "
          f"(read excluded from both)")

    if SERVICENOW.exists():
        from rules.importer import import_source, load_mapping

        print(f"\nServiceNow (UCI) log, {SERVICENOW.name}")
        mapping = load_mapping("servicenow-uci")
        imported, t_import = timed("import (mapping servicenow-uci)",
                                   lambda: import_source(SERVICENOW, mapping,
                                                         priorities=pack.priority_codes))
        real, t_real = timed("measure against every target", lambda: measure(imported, pack))
        both = t_import + t_real
        report = imported.report
        assert report is not None
        print(f"  import + measure: {both:.2f} s (goal < 5 s: {'met' if both < 5 else 'MISSED'})")
        print(f"  rows read {report.rows_read:,} = kept {report.rows_kept:,} + rejected "
              f"{report.rows_rejected:,}; {real.reconciliation['tickets']:,} tickets, "
              f"{len(imported):,} events")
        ids = imported.frame["id"].drop_duplicates().iloc[: args.sample]
        part = imported.frame[imported.frame["id"].isin(ids)]
        _, t_ref = timed(f"reference loop on {len(ids):,} of its tickets",
                         lambda: reference_tickets(part, pack, real.as_of))
        scaled = t_ref * real.reconciliation["tickets"] / len(ids)
        print(f"  ratio: vectorised measure is {scaled / t_real:.0f}× faster than the loop "
              f"(scaled linearly to every ticket)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
