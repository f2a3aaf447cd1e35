"""Spreadsheet output: a workbook (.xlsx) with one sheet per table, for planners who live
in spreadsheets.

The sheets hold what the CSV files hold, row for row and column for column, but as a
spreadsheet wants it: numbers as numbers (no "." decimals read as text in a French
spreadsheet), months as dates (shown "mars 2026" by a French spreadsheet), shares with a
percentage format, true/false as booleans, a half-hour of the week as "lun 07:30", and
headers in French by default (English with ``--lang en``). A last sheet describes the run
(scenario, seed, replications, settings). Text cells that a spreadsheet would take for a
formula are stored as text (openpyxl writes strings as strings; nothing is evaluated).

Each column's header and format come from :data:`COLUMNS` by its machine name; a column
not declared there (a scenario's label, a varied path, a month of a table across months)
keeps its name, formatted by its values or by the sheet's ``kinds``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import i18n

if TYPE_CHECKING:
    import pandas as pd

SUFFIX = ".xlsx"
FORMATS: tuple[str, ...] = ("csv", "xlsx")

# Kinds of column: how a value is written and shown.
TEXT, INTEGER, NUMBER, PERCENT, MONTH, BOOL, SECONDS, AUTO = (
    "text", "integer", "number", "percent", "month", "bool", "seconds", "auto")
NUMBER_FORMATS = {INTEGER: "#,##0", NUMBER: "#,##0.0", PERCENT: "0.0%", MONTH: "mmm yyyy",
                  SECONDS: "#,##0"}


@dataclass(frozen=True)
class Column:
    """A column's header in each language and its kind."""

    fr: str
    en: str
    kind: str = TEXT


def _c(fr: str, en: str, kind: str = TEXT) -> Column:
    return Column(fr, en, kind)


# Machine column names of every table written, their headers and kinds (the kind of a
# column holding shares in one table and counts in another is given per sheet: `kinds`).
COLUMNS: dict[str, Column] = {
    "month": _c("Mois", "Month", MONTH),
    "target": _c("Cible", "Target"),
    "kind": _c("Type de cible", "Kind of target"),
    "replications": _c("Réplications", "Replications", INTEGER),
    "compliance": _c("Conformité", "Compliance", PERCENT),
    "ci_low": _c("IC 95 % bas", "95% CI low", PERCENT),
    "ci_high": _c("IC 95 % haut", "95% CI high", PERCENT),
    "goal": _c("Objectif", "Goal", PERCENT),
    "p_meet": _c("P(objectif atteint)", "P(goal met)", PERCENT),
    "p_meet_low": _c("P(objectif) bas", "P(goal) low", PERCENT),
    "p_meet_high": _c("P(objectif) haut", "P(goal) high", PERCENT),
    "counted": _c("Comptés", "Counted", NUMBER),
    "met": _c("Respectés", "Met", NUMBER),
    "breached_open": _c("Ouverts hors délai", "Breached, still open", NUMBER),
    "goal_met": _c("Objectif atteint", "Goal met", BOOL),
    "margin": _c("Marge", "Margin", PERCENT),
    "figure": _c("Indicateur", "Figure"),
    "group": _c("Groupe", "Group"),
    "mean": _c("Moyenne", "Mean", NUMBER),
    "halfhour": _c("Demi-heure", "Half-hour"),
    "offered": _c("Appels offerts", "Calls offered", NUMBER),
    "service_level": _c("Niveau de service", "Service level", PERCENT),
    "threshold": _c("Seuil (s)", "Threshold (s)", SECONDS),
    "scenario": _c("N° de scénario", "Scenario no.", INTEGER),
    "label": _c("Scénario", "Scenario"),
    "paired": _c("Réplications appariées", "Paired replications", INTEGER),
    "difference": _c("Écart au 1er", "Difference to 1st", PERCENT),
    "difference_low": _c("Écart IC 95 % bas", "Difference 95% CI low", PERCENT),
    "difference_high": _c("Écart IC 95 % haut", "Difference 95% CI high", PERCENT),
    "point": _c("Point", "Point", INTEGER),
    "seed": _c("Germe", "Seed", INTEGER),
    "erlangs": _c("Erlangs", "Erlangs", NUMBER),
    "needed": _c("Agents requis", "Agents needed", INTEGER),
    "current": _c("Niveau actuel", "Current level", BOOL),
    "on_duty": _c("Agents en service", "Agents on duty", NUMBER),
    "change": _c("Écart", "Change", NUMBER),
}
# How a table of operational figures shows its means: counts, seconds and shares mixed.
FIGURE_KINDS = {"mean": NUMBER, "ci_low": NUMBER, "ci_high": NUMBER}

# Sheet titles of the tables (at most 31 characters, as spreadsheets allow).
SHEETS: dict[str, tuple[str, str]] = {
    "compliance": ("Conformité", "Compliance"),
    "operations": ("Indicateurs", "Operations"),
    "service_level_by_halfhour": ("Demi-heures", "Half-hours"),
    "targets": ("Niveaux de cible", "Target levels"),
    "compare": ("Comparaison", "Comparison"),
    "compare-operations": ("Indicateurs", "Operations"),
    "sweep": ("Balayage", "Sweep"),
    "monthly": ("Par mois et cible", "By month and target"),
    "months": ("Conformité par mois", "Compliance by month"),
    "staff": ("Effectifs", "Staffing"),
    "run": ("Exécution", "Run"),
}

i18n.register(
    {
        "wb_key": {"fr": "Paramètre", "en": "Setting"},
        "wb_value": {"fr": "Valeur", "en": "Value"},
    }
)


@dataclass(frozen=True)
class Sheet:
    """A table to write: its rows, and the kind of columns :data:`COLUMNS` does not give
    (or gives otherwise in this table)."""

    frame: pd.DataFrame
    kinds: Mapping[str, str] = field(default_factory=dict)


def is_workbook(path: str | Path | None) -> bool:
    """``path`` names a workbook (.xlsx)."""
    return path is not None and str(path).lower().endswith(SUFFIX)


def header(column: str, lang: str) -> str:
    """A column's header in ``lang`` (its machine name when it is not declared)."""
    known = COLUMNS.get(column)
    return column if known is None else (known.fr if lang == "fr" else known.en)


def sheet_title(name: str, lang: str) -> str:
    titles = SHEETS.get(name)
    return (titles[0] if lang == "fr" else titles[1]) if titles else name[:31]


def workbook_bytes(sheets: Mapping[str, Sheet], lang: str,
                   meta: Mapping[str, Any] | None = None) -> bytes:
    """The workbook of ``sheets`` (table name → :class:`Sheet`), and a last sheet of the
    run's ``meta``, as .xlsx bytes (written with the other files of a result, at once)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, sheet in sheets.items():
        _table(book.create_sheet(sheet_title(name, lang)), sheet, lang)
    if meta:
        page = book.create_sheet(sheet_title("run", lang))
        page.append([i18n.message("wb_key", lang), i18n.message("wb_value", lang)])
        for cell in page[1]:
            cell.font = Font(bold=True)
        for key, value in meta.items():
            page.append([key, _plain_meta(value)])
        page.column_dimensions["A"].width = 18
        page.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(path: str | Path, sheets: Mapping[str, Sheet], lang: str,
          meta: Mapping[str, Any] | None = None) -> None:
    """The workbook of ``sheets`` into ``path``, atomically (:func:`workbook_bytes`)."""
    from rules.outputs import atomic_target

    with atomic_target(path) as temp:
        temp.write_bytes(workbook_bytes(sheets, lang, meta))


def _table(page: Any, sheet: Sheet, lang: str) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    frame = sheet.frame
    kinds = [sheet.kinds.get(c) or _kind(c, frame[c]) for c in frame.columns]
    page.append([header(str(c), lang) for c in frame.columns])
    for cell in page[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False):
        page.append([_value(v, k) for v, k in zip(row, kinds, strict=True)])
    for index, (column, kind) in enumerate(zip(frame.columns, kinds, strict=True), start=1):
        letter = get_column_letter(index)
        number_format = NUMBER_FORMATS.get(kind)
        if number_format is not None:
            for cell in page[letter][1:]:
                cell.number_format = number_format
        width = max([len(header(str(column), lang)) + 2, 12 if kind == MONTH else 10]
                    + [len(str(v)) + 2 for v in frame[column].head(200) if kind == TEXT])
        page.column_dimensions[letter].width = min(width, 60)
    page.freeze_panes = "A2"


def _kind(column: str, values: pd.Series) -> str:
    import pandas as pd

    known = COLUMNS.get(column)
    if known is not None:
        return known.kind
    if pd.api.types.is_bool_dtype(values):
        return BOOL
    if pd.api.types.is_integer_dtype(values):
        return INTEGER
    if pd.api.types.is_numeric_dtype(values):
        return NUMBER
    return TEXT


def _value(value: Any, kind: str) -> Any:
    """A cell: a number, a boolean, a date (a month's first day) or text; None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if _is_na(value):
        return None
    if kind == MONTH:
        try:
            return datetime.strptime(str(value), "%Y-%m")
        except ValueError:
            return str(value)
    if kind == BOOL:
        return bool(value)
    if kind == AUTO:  # a value as written ("4", "1.15", "8h"): a number when it is one
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        return int(number) if str(value).strip().lstrip("-").isdigit() else number
    if kind in (INTEGER, NUMBER, PERCENT, SECONDS):
        number = float(value)
        return int(number) if kind == INTEGER and number.is_integer() else number
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    return value if isinstance(value, int | float | bool) else str(value)


def _is_na(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain_meta(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain_meta(v)}" for k, v in value.items())
    return value


def machine_names(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """A sheet read back (e.g. ``pandas.read_excel``) with its machine column names and
    months as "YYYY-MM" again: the CSV's table."""
    back = {header(name, lang): name for name in COLUMNS}
    frame = frame.rename(columns=lambda c: back.get(str(c), str(c)))
    if "month" in frame.columns:
        frame["month"] = frame["month"].map(
            lambda v: v.strftime("%Y-%m") if hasattr(v, "strftime") else v)
    return frame
