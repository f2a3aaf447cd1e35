"""The dashboard as a client sees it: rendered by a real (headless) Chromium.

A screenshot must not be blank and must show the figures (their blue is found in the
pixels), and the DOM Chromium builds must hold every figure and the summary table.
Skipped only when Chromium is absent outside CI; in CI (``CI`` set) it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image
from synthetic_log import cau_log

from cau import plots
from cau.dashboard import FIGURES, build_dashboard
from rules.loader import default_pack
from rules.measure import measure

BROWSERS = ("chromium", "chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _browser() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI for the dashboard browser test "
                        "(.ci/run installs Debian's chromium package)")
        pytest.skip("Chromium is not installed (apt-get install chromium); required in CI")
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French March dashboard of a synthetic log, written to disk."""
    pack = default_pack()
    dashboard = build_dashboard(measure(cau_log(tickets=300, calls=1500), pack), pack)
    written = dashboard.write(tmp_path_factory.mktemp("dashboard"))
    return written[0]


def _chromium(browser: str, work: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    profile = work / "profile"
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True, text=True, timeout=180,
        env={**os.environ, "HOME": str(work)},
    )


def test_chromium_renders_the_dashboard_with_its_figures(page: Path, tmp_path: Path) -> None:
    browser = _browser()
    shot = tmp_path / "screenshot.png"
    done = _chromium(browser, tmp_path, f"--screenshot={shot}", "--window-size=1280,4000",
                     page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    pixels = image.imread(str(shot))[..., :3]  # floats in [0, 1]
    assert pixels.shape[:2] == (4000, 1280)
    grey = pixels.mean(axis=2)
    assert grey.std() > 0.05, "the screenshot is blank"
    assert (grey < 0.9).mean() > 0.05, "almost nothing is drawn"
    # The figures' blue (Okabe–Ito #0072B2) appears only if the embedded PNGs rendered.
    blue = np.asarray([int(plots.MET[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    assert (np.abs(pixels - blue).max(axis=2) < 0.02).sum() > 5_000


def test_the_rendered_dom_holds_every_figure_and_the_summary_table(
    page: Path, tmp_path: Path
) -> None:
    browser = _browser()
    done = _chromium(browser, tmp_path, "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    images = re.findall(r'<img src="data:image/png;base64,', dom)
    assert len(images) == len(FIGURES)
    assert len(re.findall(r"<table", dom)) == 1
    assert len(re.findall(r'<th scope="row">', dom)) == len(default_pack().targets)
    assert "Tableau de bord du CAU — mars 2026" in dom
