"""Text columns held as integer codes: what the event log keeps in memory.

A :class:`Coded` column is an array of codes into its :class:`Labels`, the distinct texts
in code order. Comparing, grouping and counting work on the codes; text is made only
when a file is written or a table is shown. Labels are made of parts: explicit texts
(an importer's ids, a priority code, a group's name) or a :class:`Numbered` range
(``C0`` … ``C695999``: a simulator's millions of call ids are never text in memory).
One text has one code: a text that a numbered range already writes gets that code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas where texts are looked up: drawing contacts' codes needs none
    import pandas as pd

CODE = np.int64


@dataclass(frozen=True)
class Numbered:
    """Texts ``prefix`` + number for numbers ``first`` … ``first + count - 1``, the
    number zero-padded to ``width`` digits (``B00001``)."""

    prefix: str
    count: int
    first: int = 0
    width: int = 0

    def text(self, offsets: np.ndarray) -> np.ndarray:
        """The texts of these positions (0 … count - 1) of the range."""
        numbers = (np.asarray(offsets, dtype=CODE) + self.first).tolist()
        form = f"{self.prefix}{{:0{self.width}d}}"
        return np.array([form.format(n) for n in numbers], dtype=object)

    def find(self, texts: pd.Series) -> np.ndarray:
        """The position in the range of each text it writes (-1 for the others)."""
        out = np.full(len(texts), -1, dtype=CODE)
        tail = texts.str.slice(len(self.prefix))
        candidate = (texts.str.startswith(self.prefix) & tail.str.fullmatch(r"\d{1,18}")).to_numpy(
            dtype=bool)
        if candidate.any():
            at = np.flatnonzero(candidate)
            offsets = tail.iloc[at].astype("int64").to_numpy() - self.first
            inside = (offsets >= 0) & (offsets < self.count)
            at, offsets = at[inside], offsets[inside]
            same = self.text(offsets) == texts.iloc[at].to_numpy(dtype=object)  # "C05" is not "C5"
            out[at[same]] = offsets[same]
        return out


class Labels:
    """The texts of a coded column's codes, in code order (see the module docstring)."""

    def __init__(self, parts: Sequence[np.ndarray | Numbered] = ()):
        self.parts: tuple[np.ndarray | Numbered, ...] = tuple(
            p if isinstance(p, Numbered) else np.asarray(p, dtype=object) for p in parts
        )
        sizes = [p.count if isinstance(p, Numbered) else len(p) for p in self.parts]
        self.offsets = np.concatenate([[0], np.cumsum(sizes, dtype=CODE)]).astype(CODE)
        self._all: np.ndarray | None = None
        self._index: pd.Index | None = None
        self._codes = np.zeros(0, dtype=CODE)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Labels:
        """Labels of these distinct texts, in this order."""
        return cls([np.asarray(list(texts), dtype=object)])

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def __repr__(self) -> str:
        return f"Labels({len(self)} texts in {len(self.parts)} part(s))"

    @property
    def explicit(self) -> bool:
        """Whether every text is held as text (no numbered range)."""
        return not any(isinstance(p, Numbered) for p in self.parts)

    def all(self) -> np.ndarray:
        """Every text, in code order (made once, then kept)."""
        if self._all is None:
            if self.explicit:
                self._all = (np.concatenate(self.parts) if self.parts  # type: ignore[arg-type]
                             else np.zeros(0, dtype=object))
            else:
                self._all = self.text(np.arange(len(self), dtype=CODE))
        return self._all

    def text(self, codes: np.ndarray) -> np.ndarray:
        """The text of each code (an object array); numbered texts are made only for the
        codes asked."""
        codes = np.asarray(codes, dtype=CODE)
        if self._all is not None:
            return self._all[codes]
        if self.explicit:
            return self.all()[codes]
        out = np.empty(codes.size, dtype=object)
        part = np.searchsorted(self.offsets, codes, side="right") - 1
        for k, labels in enumerate(self.parts):
            mine = part == k
            if not mine.any():
                continue
            offsets = codes[mine] - self.offsets[k]
            out[mine] = labels.text(offsets) if isinstance(labels, Numbered) else labels[offsets]
        return out

    def find(self, texts: Iterable[str] | np.ndarray) -> np.ndarray:
        """The code of each text, -1 for a text that is not a label."""
        import pandas as pd

        series = pd.Series(np.asarray(texts if isinstance(texts, np.ndarray) else list(texts),
                                      dtype=object), dtype=object).astype(str)
        out = np.full(len(series), -1, dtype=CODE)
        for k, part in enumerate(self.parts):
            if isinstance(part, Numbered):
                found = part.find(series)
                out = np.where(found >= 0, found + self.offsets[k], out)
        rest = np.flatnonzero(out < 0)
        if rest.size:
            index, codes = self._explicit()
            found = index.get_indexer(pd.Index(series.iloc[rest].to_numpy(), dtype=object))
            out[rest] = np.where(found >= 0, codes[np.maximum(found, 0)] if codes.size else -1,
                                 -1)
        return out

    def code(self, text: str) -> int:
        """The code of one text, -1 if it is not a label."""
        return int(self.find([text])[0])

    def _explicit(self) -> tuple[pd.Index, np.ndarray]:
        """The explicit texts (numbered ranges left out) and their codes, made once."""
        import pandas as pd

        if self._index is None:
            kept = [k for k, p in enumerate(self.parts) if not isinstance(p, Numbered)]
            texts = [np.asarray(self.parts[k], dtype=object) for k in kept]
            self._index = pd.Index(
                np.concatenate(texts) if texts else np.zeros(0, dtype=object), dtype=object
            )
            self._codes = np.concatenate(
                [np.arange(self.offsets[k], self.offsets[k + 1], dtype=CODE) for k in kept]
                or [np.zeros(0, dtype=CODE)])
        return self._index, self._codes


@dataclass(frozen=True)
class Coded:
    """A text column as codes (one per row, int64) into ``labels``."""

    codes: np.ndarray
    labels: Labels

    @classmethod
    def of(cls, texts: Iterable[str] | np.ndarray | pd.Series) -> Coded:
        """Code a column of texts (missing values become ""; other values their text)."""
        import pandas as pd

        series = texts if isinstance(texts, pd.Series) else pd.Series(
            np.asarray(texts if isinstance(texts, np.ndarray) else list(texts), dtype=object),
            dtype=object)
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy(dtype=CODE)
            uniques = series.cat.categories
        else:
            codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
        # Distinct values may share a text (1 and "1", a missing value and ""): one code each.
        text = pd.Series(uniques, dtype=object).astype(str).to_numpy(dtype=object)
        merged, distinct = pd.factorize(np.append(text, ""), sort=False)
        return cls(merged[codes].astype(CODE), Labels([np.asarray(distinct, dtype=object)]))

    def __len__(self) -> int:
        return len(self.codes)

    def text(self) -> np.ndarray:
        """The text of every row (an object array)."""
        return self.labels.text(self.codes)

    def take(self, rows: np.ndarray) -> Coded:
        return Coded(self.codes[rows], self.labels)

    def equals(self, text: str) -> np.ndarray:
        """Rows whose text is ``text``."""
        return self.codes == self.labels.code(text)

    def isin(self, texts: Iterable[str]) -> np.ndarray:
        """Rows whose text is one of ``texts``."""
        wanted = self.labels.find(list(texts))
        table = np.zeros(len(self.labels) + 1, dtype=bool)
        table[wanted[wanted >= 0]] = True
        return table[self.codes]

    def categorical(self) -> pd.Categorical:
        """The column as a pandas Categorical (every label made text)."""
        import pandas as pd

        return pd.Categorical.from_codes(
            self.codes, categories=pd.Index(self.labels.all(), dtype=object), validate=False
        )
