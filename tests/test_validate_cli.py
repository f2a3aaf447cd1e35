"""``cau validate``: OK and a summary for good packs; every located error for bad ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cau.cli import main

ROOT = Path(__file__).parent.parent
CAU = ROOT / "rules" / "cspq-cau.yaml"
ITIL = ROOT / "rules" / "packs" / "itil-example.yaml"


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_shipped_packs_are_valid_with_a_french_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = validate(capsys, str(CAU), str(ITIL))
    assert (status, err) == (0, "")
    assert f"OK {CAU}" in out and f"OK {ITIL}" in out
    assert "P1 Critique · P2 Majeur · P3 Important · P4 Moyen · P5 Faible" in out
    assert "P3 en 10h ou moins dans 80\u202f% des cas, calendrier ouvrable-0830-1630" in out
    assert "en 40s ou moins dans 85\u202f% des cas" in out
    assert "65\u202f% résolus au premier contact" in out
    assert "lun–ven 08:30–16:30, America/Montreal" in out
    assert f"13 jours fériés en {date.today().year}" in out
    assert "cible en ajustement" in out
    assert "matrice impact (impact) × urgence (urgency)" in out


def test_english_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = validate(capsys, "--lang", "en", "cspq-cau")
    assert status == 0
    assert "P1 Critical · P2 Major" in out
    assert "P5 within 40h in 80% of cases" in out
    assert "Mon–Fri 07:30–17:00" in out


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_error_is_printed_located_with_expected_found_and_suggestion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = CAU.read_text(encoding="utf-8")
    text = text.replace("threshold: 10h", "threshold: dix heures")
    text = text.replace('calendar: "24/7"', 'calendar: "24/24"', 1)
    text = text.replace("  breach: greater", "  breech: greater")
    bad = write(tmp_path, "bad.yaml", text)
    status, out, err = validate(capsys, bad)
    assert status == 2 and "OK" not in out
    assert "3 erreurs dans" in err
    lines = err.splitlines()
    threshold = next(line for line in lines if "retablissement-p3.threshold" in line)
    line_no = text[: text.index("dix heures")].count("\n") + 1
    assert f"{bad}:{line_no}:" in threshold
    assert 'expected a duration such as "40s", "3h", "90min" or "1d 2h"' in threshold
    assert 'found "dix heures"' in threshold
    calendar = next(line for line in lines if "retablissement-p1.calendar" in line)
    assert 'found "24/24"' in calendar and 'Did you mean "24/7"?' in calendar
    assert any("semantics.breech" in line and 'Did you mean "breach"?' in line for line in lines)


def test_wrong_types_are_messages_not_tracebacks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write(tmp_path, "types.yaml",
                "version: one\nid: [x]\nname: {fr: 3}\npriorities: [P1]\n"
                "classification: 7\ncalendars: {}\ntargets: {t: {kind: resolution, goal: 85}}\n")
    status, _, err = validate(capsys, bad)
    assert status == 2
    assert "Traceback" not in err
    assert f"{bad}:1:10: version: expected a whole number" in err
    assert f"{bad}:2:5: id: expected a non-empty text, found a list" in err
    assert f"{bad}:4:13: priorities: expected a mapping" in err
    assert "targets.t.goal: expected a percentage such as" in err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.yaml", None, "no such file"),
        ("notyaml.yaml", "a: [1, 2\nb: {", "expected valid YAML"),
        ("binary.yaml", b"\xff\xfe\x00garbage", "cannot be read"),
        ("empty.yaml", "", "expected a mapping with keys version"),
        ("list.yaml", "- 1\n- 2\n", "found a list"),
        ("evil.yaml", "a: !!python/object/apply:os.system ['true']\n", "the tag"),
    ],
)
def test_unreadable_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str,
    content: str | bytes | None, expected: str,
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    status, out, err = validate(capsys, str(path))
    assert status == 2 and out == ""
    assert expected in err and str(path) in err
    assert "Traceback" not in err


def test_all_files_are_checked_even_after_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = validate(capsys, str(tmp_path / "absent.yaml"), str(CAU))
    assert status == 2
    assert "no such file" in err and f"OK {CAU}" in out


def test_a_misspelt_pack_name_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = validate(capsys, "cspq-caux")
    assert status == 2 and 'Did you mean "cspq-cau"?' in err


def test_help_and_validate_import_neither_pandas_nor_scipy_nor_the_simulator():
    """Start-up: `cau --help` imports no command; `cau validate` imports no pandas, scipy,
    matplotlib, pyarrow or simulation model, for a pack or for a scenario (whose capacity
    checks need only numpy and Erlang C), nor every country of `holidays` for one;
    benchmarks/bench_end_to_end.py times them."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom cau.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'scipy', 'matplotlib', 'pyarrow', 'simpy', 'sim.model',"
        " 'cau.cmd_simulate', 'holidays.countries') if m in sys.modules]\nprint('HEAVY', heavy)"
    )
    for argv in (["--help"], ["validate", "rules/cspq-cau.yaml"],
                 ["validate", "scenarios/cspq-baseline.yaml"]):
        out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True,
                             text=True, check=True).stdout
        assert "HEAVY []" in out, (argv, out[-300:])
