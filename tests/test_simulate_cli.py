"""``cau simulate`` and its report: tables, files written atomically, clear errors."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from fake_replication import fake_replicate

from cau import forecast_report
from cau.cli import main
from sim.forecast import Forecast, ReplicationFigures, forecast
from sim.replications import ReplicationTask, child_seeds


@pytest.fixture(scope="module")
def fake_forecast() -> Forecast:
    runs = [
        fake_replicate(ReplicationTask(i, seed, {}, None))
        for i, seed in enumerate(child_seeds(3, 8))
    ]

    def stacked(table: Callable[[ReplicationFigures], pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(
            [table(run).assign(replication=i) for i, run in enumerate(runs)], ignore_index=True
        )

    return forecast(
        stacked(lambda r: r.monthly),
        stacked(lambda r: r.operations),
        stacked(lambda r: r.halfhours),
    )


def test_intervals_are_written_the_french_or_english_way():
    assert forecast_report.interval(0.8, 0.9, "fr") == "[80,0\u202f% ; 90,0\u202f%]"
    assert forecast_report.interval(0.8, 0.9, "en", digits=0) == "[80%, 90%]"
    assert forecast_report.interval(float("nan"), 0.9, "en") == "–"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Mois 2026-01", "Conformité prévue", "P(objectif atteint)", "Abandonnés"]),
        ("en", ["Month 2026-02", "Predicted compliance", "P(goal met)", "Abandoned"]),
    ],
)
def test_the_printed_report_has_a_table_per_month(fake_forecast, lang, words):
    stream = io.StringIO()
    forecast_report.print_report(fake_forecast, lang, lambda t: f"<{t}>", stream)
    text = stream.getvalue()
    for word in words:
        assert word in text
    assert text.count("<P3>") == 2 and text.count("<answer>") == 2  # one line per month
    assert "N2-bureautique" in text  # backlog per group


def test_report_files_are_complete_and_carry_the_seed(tmp_path, fake_forecast):
    meta = {"scenario": "fake", "seed": 3, "replications": 8, "scenario_hash": "abc"}
    written = forecast_report.write_report(tmp_path / "out", fake_forecast, meta, {})
    assert sorted(p.name for p in written) == [
        "compliance.csv",
        "forecast.json",
        "operations.csv",
        "service_level_by_halfhour.csv",
    ]
    compliance = pd.read_csv(tmp_path / "out" / "compliance.csv")
    assert (compliance["seed"] == 3).all() and len(compliance) == 4
    document = json.loads((tmp_path / "out" / "forecast.json").read_text(encoding="utf-8"))
    assert document["seed"] == 3 and len(document["compliance"]) == 4
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


# -- the command, end to end on a tiny version of the baseline ------------------------------

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "cspq-baseline.yaml"


@pytest.fixture(scope="module")
def tiny_scenario(tmp_path_factory) -> Path:
    """The baseline cut to two days without warm-up and an outage: seconds to simulate."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["horizon"] = {"start": "2026-03-02", "days": 2, "warmup": "0d"}
    data["demand"].pop("outages", None)
    path = tmp_path_factory.mktemp("scenario") / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def simulate(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["simulate", *args])
    return status, out.getvalue(), err.getvalue()


def test_simulate_prints_the_forecast_and_writes_its_files(tmp_path, tiny_scenario):
    out = tmp_path / "out"
    status, text, _ = simulate(
        str(tiny_scenario), "-n", "3", "--seed", "5", "--workers", "1", "--out", str(out)
    )
    assert status == 0
    assert "Mois 2026-03" in text and "Conformité prévue" in text
    assert "Indicateurs opérationnels" in text
    assert "Niveau 1 simulé par le modèle SimPy des groupes d'agents" in text  # two teams
    assert "Appels par option du menu" in text and "Occupation par groupe" in text
    assert json.loads((out / "forecast.json").read_text())["level_one_engine"] == "simpy"
    operations = pd.read_csv(out / "operations.csv")
    by_option = operations[operations["group"].isin(["option 1", "option 2"])]
    assert set(by_option["figure"]) == {"offered", "answered", "abandoned", "asa",
                                        "service_level"}
    for name in (
        "compliance.csv",
        "operations.csv",
        "service_level_by_halfhour.csv",
        "forecast.json",
        "compliance.png",
        "service_level_by_halfhour.png",
    ):
        assert (out / name).stat().st_size > 0, name
    compliance = pd.read_csv(out / "compliance.csv")
    assert set(compliance["replications"]) <= {0, 1, 2, 3} and (compliance["seed"] == 5).all()
    assert "reponse-appels" in set(compliance["target"])
    # The same command again computes nothing: every replication is in the store.
    status, again, _ = simulate(
        str(tiny_scenario), "-n", "3", "--seed", "5", "--workers", "1", "--out", str(out)
    )
    assert status == 0 and "0 calculée, 3 reprises" in again
    pd.testing.assert_frame_equal(pd.read_csv(out / "compliance.csv"), compliance)


def test_a_store_of_another_seed_is_refused_with_exit_2(tmp_path, tiny_scenario):
    store = str(tmp_path / "runs.sqlite")
    base = [str(tiny_scenario), "-n", "1", "--workers", "1", "--store", store, "--lang", "en"]
    assert simulate(*base, "--seed", "1")[0] == 0
    status, _, err = simulate(*base, "--seed", "2")
    assert status == 2 and "another --store file" in err and "seed" in err


def test_a_bad_scenario_exits_2_with_located_problems(tmp_path):
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["horizon"]["dayz"] = data["horizon"].pop("days")
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    status, text, err = simulate(str(path), "-n", "1", "--workers", "1")
    assert status == 2 and text == ""
    assert "bad.yaml:" in err and "dayz" in err and 'Did you mean "days"?' in err
    status, _, err = simulate(str(tmp_path / "missing.yaml"))
    assert status == 2 and "missing.yaml" in err


@pytest.mark.slow
def test_the_model_gives_the_same_numbers_on_one_and_two_workers(tmp_path, tiny_scenario):
    """The rule pack and scenario survive the trip to worker processes unchanged."""
    tables = []
    for workers in ("1", "2"):
        out = tmp_path / workers
        args = [str(tiny_scenario), "-n", "2", "--seed", "9", "--workers", workers]
        assert simulate(*args, "--out", str(out))[0] == 0
        tables.append((pd.read_csv(out / "compliance.csv"), pd.read_csv(out / "operations.csv")))
    for one, two in zip(*tables, strict=True):
        pd.testing.assert_frame_equal(one, two)


def test_intervals_from_too_few_replications_are_marked_and_explained(fake_forecast):
    stream = io.StringIO()
    forecast_report.print_report(fake_forecast, "en", str, stream)  # 8 replications
    text = stream.getvalue()
    assert text.count("] †") == 4 and "† fewer than 10 replications judged" in text
    enough = fake_forecast.compliance.assign(replications=20)
    assert "†" not in forecast_report.compliance_tables(
        Forecast(enough, fake_forecast.operations, fake_forecast.halfhours), "en", str)
