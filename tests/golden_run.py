"""A small stored run (tests/data/golden/) that tests/test_golden.py compares with: the
``cau simulate`` CSVs of a week of the baseline, one replication's event log, and the
measurement of that stored log.

It proves that the same seed gives the same CSVs whatever the in-memory representation
of the event log. Regenerate only when the model's draws or the measurement's semantics
change on purpose (and say so in the commit), never to make a change of representation
pass: ``.venv/bin/python tests/golden_run.py``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
SCENARIO = GOLDEN / "scenario.yaml"
EVENT_LOG = GOLDEN / "eventlog.csv"
SEED, REPLICATIONS = 7, 3
SIMULATE_CSVS = ("compliance.csv", "operations.csv", "service_level_by_halfhour.csv")
MEASURE_CSVS = ("monthly.csv", "tickets.csv", "calls.csv", "volumes.csv", "first_contact.csv")


def simulate(out: Path) -> int:
    """Run the stored ``cau simulate`` command into ``out``; its exit status."""
    from cau.cli import main as cau

    return cau(["simulate", str(SCENARIO), "-n", str(REPLICATIONS), "--seed", str(SEED),
                "--workers", "1", "--quiet", "--out", str(out)])


def write_event_log(path: Path) -> None:
    """Replication 0 of the stored run's seed, its event log written as CSV."""
    from sim.model import simulate_replication
    from sim.replications import child_seeds
    from sim.scenario_loader import load_scenario

    scenario, pack = load_scenario(SCENARIO)
    simulate_replication(scenario, pack, child_seeds(SEED, 1)[0]).log.write(path)


def write_measurement(log_path: Path, out: Path) -> None:
    """The measurement tables of the event log at ``log_path`` (as read from the file)."""
    from rules.eventlog import read_event_log
    from rules.loader import load_rule_pack
    from rules.measure import measure

    measure(read_event_log(log_path), load_rule_pack("cspq-cau")).write(out)


def main() -> int:
    with tempfile.TemporaryDirectory() as temp:
        if simulate(Path(temp)) != 0:
            return 1
        (GOLDEN / "simulate").mkdir(exist_ok=True)
        for name in SIMULATE_CSVS:
            shutil.copy(Path(temp) / name, GOLDEN / "simulate" / name)
    write_event_log(EVENT_LOG)
    write_measurement(EVENT_LOG, GOLDEN / "measure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
