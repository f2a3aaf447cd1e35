"""``cau simulate`` and its report: tables, files written atomically, clear errors."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pandas as pd
import pytest
from fake_replication import fake_replicate

from cau import forecast_report
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
