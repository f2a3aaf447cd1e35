"""The one exception hierarchy of cau-planner.

Every error that bad input can cause is a :class:`CauError`; the command line turns
it into a message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the input allows."""

    file: str
    path: str
    expected: str
    found: str
    line: int | None = None
    column: int | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.path or '(document)'}: expected {self.expected}, found {self.found}"
        if self.suggestion:
            text += f". {self.suggestion}"
        return text


class CauError(Exception):
    """Base of every error cau-planner raises for bad input or an impossible request."""


class ValidationError(CauError):
    """A file (rule pack, scenario, mapping) has one or more problems; all are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class DataError(CauError):
    """Ticket or event data that cannot be used (end before start, unknown priority...)."""


class InputFileError(CauError):
    """A file that cannot be read at all (missing, unreadable, not YAML/CSV/Parquet)."""
