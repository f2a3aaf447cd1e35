"""Result files of a run: into a folder, a table per CSV (spreadsheet-safe, the run's seed
in every row) or one workbook of them all (``--format xlsx``), one JSON of everything with
the run's description, and the figures as PNG, all renamed into place once every one is
written (:func:`rules.outputs.write_files`); or, with ``--out FILE.xlsx``, the workbook
alone. Tables are written for people: a half-hour of the week as "lun 07:30"."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import workbook
from .formats import halfhour_label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def add_format(parser: argparse.ArgumentParser) -> None:
    """``--format csv|xlsx``: the tables of --out DIR as CSV files or one workbook."""
    parser.add_argument("--format", choices=workbook.FORMATS, default="csv",
                        help="tables in --out DIR as CSV files (default) or one workbook "
                        "(xlsx: a sheet per table, French headers, numbers and dates as "
                        "such); --out FILE.xlsx writes the workbook alone")


def file_names(form: str, tables: list[str], document: str, figures: list[str]) -> list[str]:
    """The files :func:`write` writes into --out DIR in ``form`` (csv or xlsx), claimed
    before a run."""
    if form == "xlsx":
        kept = [document.removesuffix(".json") + workbook.SUFFIX]
    else:
        kept = [f"{n}.csv" for n in tables]
    return [*kept, document, *(f"{n}.png" for n in figures)]


def write(out: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any],
          figures: dict[str, Figure], document: str, *, lang: str = "fr", form: str = "csv",
          json_keys: dict[str, str] | None = None,
          kinds: dict[str, dict[str, str]] | None = None) -> list[Path]:
    """The run's results into ``out`` (--out): a folder (the tables as CSV or, with
    ``form`` xlsx, a workbook; ``document``, a JSON file name, with ``meta`` and every
    table under its name or ``json_keys``'; the figures) or FILE.xlsx (the workbook
    alone); ``kinds`` gives a table's columns their kind in the workbook
    (:class:`cau.workbook.Sheet`). Returns the paths written."""
    from rules.outputs import csv_text, write_files

    from .plots import png

    shown = {name: readable(frame.assign(seed=meta["seed"]), lang)
             for name, frame in tables.items()}
    if workbook.is_workbook(out):
        workbook.write(out, _sheets(shown, kinds or {}), lang, meta)
        return [Path(out)]
    if form == "xlsx":
        contents = {document.removesuffix(".json") + workbook.SUFFIX:
                    workbook.workbook_bytes(_sheets(shown, kinds or {}), lang, meta)}
    else:
        contents = {f"{name}.csv": csv_text(frame).encode("utf-8")
                    for name, frame in shown.items()}
    keys = json_keys or {}
    content = {**meta, **{keys.get(name, name): records(frame)
                          for name, frame in tables.items()}}
    contents[document] = json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")
    contents.update({f"{name}.png": png(figure) for name, figure in figures.items()})
    return write_files(out, contents)


def _sheets(tables: dict[str, pd.DataFrame], kinds: dict[str, dict[str, str]]
            ) -> dict[str, workbook.Sheet]:
    return {name: workbook.Sheet(frame, kinds.get(name, {})) for name, frame in tables.items()}


def readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` as people read it: a `halfhour` (0…335) as "lun 07:30"."""
    if "halfhour" not in frame.columns:
        return frame
    return frame.assign(halfhour=[halfhour_label(int(h), lang) for h in frame["halfhour"]])


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN becomes null)."""
    rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", double_precision=6))
    return rows
