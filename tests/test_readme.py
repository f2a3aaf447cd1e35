"""Every `cau` command shown in the README runs as written (examples run as tests).

Commands run in-process in a scratch directory that sees the repository's `rules/` and
`scenarios/`. Two substitutions keep the suite small and independent of the shared data:
the real exports are replaced by the extracts in `tests/data/`, and simulations run 2
replications instead of the README's 20 (comparisons and sweeps, 1 per scenario or point).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cau.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXTRACTS = {
    "incident_event_log.zip": DATA / "servicenow-uci-extract.csv",
    "bpi2013_volvo_incidents.csv.gz": DATA / "volvo-bpi2013-extract.csv",
}


def readme_commands() -> list[str]:
    """The `cau …` lines of the README's sh blocks, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith((".venv/bin/cau ", "cau ")):
                commands.append(line.split("cau ", 1)[1])
    return commands


def as_test_argv(command: str) -> list[str]:
    argv = []
    for word in shlex.split(command):
        name = Path(word).name
        if name in EXTRACTS:
            word = str(EXTRACTS[name])
        argv.append(word)
    # Runs of several scenarios or points (compare, sweep) prove they run on one
    # replication each; a single simulation on two (an interval needs two).
    replications = "1" if argv[0] in ("compare", "sweep") else "2"
    for flag in ("-n", "--replications"):
        if flag in argv:
            argv[argv.index(flag) + 1] = replications
    return argv


def test_the_readme_shows_every_subcommand() -> None:
    shown = {shlex.split(c)[0] for c in readme_commands()}
    assert {"validate", "import", "measure", "dashboard", "simulate", "erlang"} <= shown


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("readme")
    for name in ("rules", "scenarios"):
        (work / name).symlink_to(ROOT / name)
    return work


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(
    command: str, workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(workdir)
    argv = as_test_argv(command)
    if argv[0] == "simulate":
        argv.append("--quiet")
    status = main(argv)
    out = capsys.readouterr()
    assert status == 0, out.err
    assert (out.out + out.err).strip(), "a README command says what it did"
    if "--out" in argv:
        assert (workdir / argv[argv.index("--out") + 1]).exists()
