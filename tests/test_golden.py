"""The same seed gives the same CSVs as the stored run (tests/golden_run.py): what the
simulator writes and what the measurement makes of it do not depend on how the event log
is held in memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_run import (
    EVENT_LOG,
    GOLDEN,
    MEASURE_CSVS,
    SIMULATE_CSVS,
    simulate,
    write_event_log,
    write_measurement,
)


def same_text(written: Path, stored: Path) -> None:
    assert written.read_text(encoding="utf-8") == stored.read_text(encoding="utf-8"), (
        f"{written.name} differs from the stored {stored}"
    )


@pytest.mark.slow
def test_cau_simulate_writes_the_stored_csvs(tmp_path, capsys):
    assert simulate(tmp_path) == 0
    for name in SIMULATE_CSVS:
        same_text(tmp_path / name, GOLDEN / "simulate" / name)


def test_a_replication_writes_the_stored_event_log(tmp_path):
    write_event_log(tmp_path / "eventlog.csv")
    same_text(tmp_path / "eventlog.csv", EVENT_LOG)


def test_the_stored_event_log_measures_to_the_stored_tables(tmp_path):
    write_measurement(EVENT_LOG, tmp_path)
    for name in MEASURE_CSVS:
        same_text(tmp_path / name, GOLDEN / "measure" / name)
