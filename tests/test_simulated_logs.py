"""``cau simulate --events``: the simulated month's event log (one replication, or each
with {rep}), its provenance, and ``cau dashboard`` on it saying it is a simulation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from flat_scenario import flat_scenario

from cau.cli import main
from rules.eventlog import read_event_log
from rules.measure import measure
from sim.replications import ReplicationTask, child_seeds, replicate_scenario
from sim.scenario_loader import load_scenario


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    (folder / "flat.yaml").write_text(flat_scenario(), encoding="utf-8")
    assert main(["simulate", str(folder / "flat.yaml"), "-n", "2", "--seed", "4", "-q",
                 "--workers", "1", "--out", str(folder / "out"), "--events",
                 str(folder / "logs" / "events-{rep}.csv")]) == 0
    return folder


def test_each_replication_log_is_the_one_measured(simulated: Path) -> None:
    scenario, pack = load_scenario(simulated / "flat.yaml")
    for index, seed in enumerate(child_seeds(4, 2)):
        log = read_event_log(simulated / "logs" / f"events-{index}.csv")
        written = measure(log, pack).monthly
        figures = replicate_scenario(ReplicationTask(index, seed, scenario, pack))
        stored = figures.monthly
        assert written["counted"].tolist() == stored["counted"].tolist()
        np.testing.assert_allclose(written["compliance"], stored["compliance"], rtol=1e-12)
        provenance = json.loads((simulated / "logs" / f"events-{index}.csv.simulation.json")
                                .read_text(encoding="utf-8"))
        assert provenance["simulation"] is True
        assert (provenance["replication"], provenance["seed"]) == (index, 4)


def test_a_resumed_run_writes_the_same_log(simulated: Path) -> None:
    first = (simulated / "logs" / "events-0.csv").read_bytes()
    assert main(["simulate", str(simulated / "flat.yaml"), "-n", "2", "--seed", "4", "-q",
                 "--workers", "1", "--out", str(simulated / "out"), "--events",
                 str(simulated / "again.parquet")]) == 0  # replication 0 from the store
    again = read_event_log(simulated / "again.parquet").text_frame("America/Montreal")
    assert again.to_csv(index=False).encode() == first


def test_the_dashboard_of_a_simulated_log_says_so(simulated: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", str(simulated / "logs" / "events-1.csv"), "--rules", "cspq-cau",
                 "--out", str(simulated / "tdb")]) == 0
    assert "Tableau de bord prévu (simulation)" in capsys.readouterr().out
    page = (simulated / "tdb" / "tableau-de-bord-2026-03.html").read_text(encoding="utf-8")
    assert "Tableau de bord prévu du CAU — mars 2026 (simulation)" in page
    assert "Mois simulé, non mesuré" in page and "réplication 1, germe 4" in page


def test_a_real_log_has_no_provenance_and_a_broken_one_is_an_error(
        simulated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = simulated / "real.csv"
    shutil.copyfile(simulated / "logs" / "events-0.csv", real)  # without its provenance
    assert main(["dashboard", str(real), "--rules", "cspq-cau", "--out",
                 str(simulated / "real-tdb")]) == 0
    page = (simulated / "real-tdb" / "tableau-de-bord-2026-03.html").read_text(encoding="utf-8")
    assert "(simulation)" not in page and "Mois simulé" not in page
    (simulated / "real.csv.simulation.json").write_text("[1]", encoding="utf-8")
    assert main(["dashboard", str(real), "--rules", "cspq-cau", "--out",
                 str(simulated / "real-tdb")]) == 2
    assert "expected {\"simulation\": true" in capsys.readouterr().err


def test_events_need_an_event_log_name(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "flat.yaml").write_text(flat_scenario(), encoding="utf-8")
    assert main(["simulate", str(tmp_path / "flat.yaml"), "-n", "1", "-q", "--events",
                 str(tmp_path / "events.xlsx")]) == 2
    assert "--events" in capsys.readouterr().err
