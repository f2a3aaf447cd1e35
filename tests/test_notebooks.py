"""The analysts' notebooks run as tests: each one, top to bottom, in a fresh kernel.

Each notebook is executed with nbclient in the venv's ``python3`` kernel, from the
``notebooks/`` folder (the notebooks' relative paths start there), with a timeout per
cell. A cell that raises fails the test; so does a warning, as in the rest of the test
run: a first cell turns warnings into errors inside the kernel too. Notebooks are
committed without outputs, so that their diffs stay small.
"""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
FULL_LOG = ROOT.parent / "shared" / "data" / "incident_event_log.zip"
CELL_TIMEOUT = 120  # seconds; each notebook as a whole takes well under a minute
# Warnings are errors in the notebook's cells; the kernel's own filters come back after
# them (ipykernel warns while shutting down).
STRICT = "import warnings\n\n_filters = warnings.filters[:]\nwarnings.simplefilter('error')"
RELAXED = "warnings.filters[:] = _filters"


@functools.cache
def execute(path: Path, parameters: str | None = None) -> nbformat.NotebookNode:
    """The notebook at ``path`` after running it (once per test session); ``parameters``
    replaces the source of its cell tagged ``parameters``."""
    notebook = nbformat.read(path, as_version=4)
    if parameters is not None:
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
        tagged[0].source = parameters
    notebook.cells.insert(0, nbformat.v4.new_code_cell(STRICT))
    notebook.cells.append(nbformat.v4.new_code_cell(RELAXED))
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs]


def text_of(notebook: nbformat.NotebookNode) -> str:
    """Everything the notebook printed or displayed as text."""
    parts = []
    for output in outputs(notebook):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def test_there_are_notebooks_and_the_readme_lists_each() -> None:
    assert {p.name for p in PATHS} >= {"mesure-mensuelle.ipynb", "prevu-vs-reel.ipynb"}
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for path in PATHS:
        assert path.name in readme, f"notebooks/README.md does not list {path.name}"


def test_a_warning_in_a_cell_fails_the_run(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import warnings\nwarnings.warn('stale')")]
    path = tmp_path / "warns.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(CellExecutionError, match="stale"):
        execute(path)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
             and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: clear the outputs of cells {dirty} before committing"


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_runs_without_error_or_warning(path: Path) -> None:
    notebook = execute(path)
    shown = outputs(notebook)
    errors = [o.text for o in shown if o.output_type == "stream" and o.name == "stderr"]
    assert not errors, f"{path.name} wrote to stderr:\n" + "\n".join(errors)
    figures = [o for o in shown if "data" in o and "image/png" in o.data]
    assert figures, f"{path.name} shows no figure"


@pytest.mark.slow
def test_monthly_measurement_reads_the_extract_by_default() -> None:
    text = text_of(execute(NOTEBOOKS / "mesure-mensuelle.ipynb"))
    assert "servicenow-uci-extract.csv : 301 lignes lues, 289 retenues, 12 rejetées" in text
    assert "Mois retenu : mars 2016 (16 billets jugés)" in text


@pytest.mark.slow
@pytest.mark.skipif(not FULL_LOG.exists(), reason=f"{FULL_LOG} is not present")
def test_monthly_measurement_reads_the_full_log_when_asked() -> None:
    text = text_of(execute(NOTEBOOKS / "mesure-mensuelle.ipynb", "JOURNAL_COMPLET = True"))
    assert "incident_event_log.zip : " in text
    assert "absent" not in text
