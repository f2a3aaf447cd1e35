"""``cau targets``: the grid printed, written (CSV, JSON, heat-maps) and reproducible."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from cau.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "cspq-baseline.yaml")
ARGS = ["targets", BASELINE, "--target", "P3", "--thresholds", "8h,12h", "--goals",
        "85%,90%", "--target", "premier-contact", "--goals", "70%", "-n", "2", "--seed",
        "5", "-q"]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("targets")
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        assert main([*ARGS, "--workers", "1", "--out", str(out / "grid")]) == 0
    return out / "grid", stream.getvalue()


def test_the_report_prints_a_grid_per_month_and_target_in_french(written):
    _, text = written
    assert "Remettre en service" in text and "premier contact" in text
    assert "P(≥ 80\u202f%)*" in text  # the current goal, starred, added to the candidates
    assert "10\u202fh *" in text  # the current threshold
    assert "P(≥ 90\u202f%)" in text and "8\u202fh" in text and "12\u202fh" in text


def test_files_hold_the_grid_with_its_seed_and_a_heat_map_per_target(written):
    out, _ = written
    grid = pd.read_csv(out / "targets.csv")
    p3 = grid[grid["target"] == "retablissement-p3"]
    assert sorted(p3["threshold"].unique()) == [8 * 3600, 10 * 3600, 12 * 3600]
    assert sorted(p3["goal"].unique()) == [0.8, 0.85, 0.9]
    assert set(grid["seed"]) == {5}
    assert grid["current"].sum() == 2 * grid["month"].nunique()
    document = json.loads((out / "targets.json").read_text(encoding="utf-8"))
    assert document["seed"] == 5 and len(document["grid"]) == len(grid)
    for target in ("retablissement-p3", "premier-contact"):
        assert (out / f"targets-{target}.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_two_workers_write_the_same_grid(written, tmp_path):
    out, _ = written
    assert main([*ARGS, "--workers", "2", "--out", str(tmp_path), "--lang", "en"]) == 0
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "targets.csv"), pd.read_csv(out / "targets.csv")
    )


def test_a_target_named_twice_exits_2(capsys):
    assert main(["targets", BASELINE, "--target", "P3", "--target", "retablissement-p3"]) == 2
    assert "named twice" in capsys.readouterr().err
