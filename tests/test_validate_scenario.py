"""``cau validate`` on scenario files: OK, a summary and the capacity warnings (which do
not fail the file); located errors and status 2 for a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cau.cli import main

ROOT = Path(__file__).parent.parent
BASELINE = ROOT / "scenarios" / "cspq-baseline.yaml"


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_french_summary_names_the_streams_in_french(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = validate(capsys, str(BASELINE))
    assert status == 0
    assert ("téléphone option 1 5\u202f500 · téléphone option 2 1\u202f300 · "
            "courriel 2\u202f000") in out


def test_a_scenario_and_a_pack_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = validate(capsys, "--lang", "en", str(BASELINE), "cspq-cau")
    assert (status, err) == (0, "")
    assert f"OK {BASELINE}" in out and "OK cspq-cau" in out
    assert "Horizon: 31 days from 2026-03-01, 21-day warm-up" in out
    assert "phone option 1 5,500 · phone option 2 1,300 · email 2,000" in out
    assert ("N2-bureautique (level 2, 21 people, 1 on call, on hold with others: "
            "P3 72% · P4 66% · P5 65%)") in out
    assert "0 capacity warnings" in out


def test_an_overloaded_scenario_is_valid_but_warned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "double.yaml"
    path.write_text(BASELINE.read_text(encoding="utf-8").replace("scale: 1.0 ", "scale: 2.0 "),
                    encoding="utf-8")
    status, out, _ = validate(capsys, "--lang", "en", str(path))
    assert status == 0 and f"OK {path}" in out
    warned = [line for line in out.splitlines() if line.startswith("  ! warning: ")]
    assert any("escalation.groups.N2-bureautique.headcount" in line for line in warned)
    assert any("level_one.groups.N1-bureautique.staffing, Monday" in line for line in warned)
    status, out, _ = validate(capsys, str(path))  # French by default, warnings included
    warned = [line for line in out.splitlines() if line.startswith("  ! avertissement : ")]
    assert any("escalation.groups.N2-bureautique.headcount : " in line for line in warned)
    assert any("level_one.groups.N1-bureautique.staffing, lundi" in line and "lundis sur" in line
               for line in warned)


def test_a_broken_scenario_lists_its_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BASELINE.read_text(encoding="utf-8").replace("profile: courriels",
                                                                 "profile: courriel"),
                    encoding="utf-8")
    status, out, err = validate(capsys, str(path))
    assert status == 2 and out == ""
    assert "demand.streams[2].profile" in err and '"courriels"' in err
