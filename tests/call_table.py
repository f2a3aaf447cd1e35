"""Hand-made calls as a measurement keeps them (:class:`rules.measure.JudgedCalls`),
from a table of one answer-time target with the columns of ``Measurement.calls``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rules.calls import OUTCOMES
from rules.coded import Labels
from rules.measure import CallTargets, JudgedCalls


def judged_calls(table: pd.DataFrame, target: str = "reponse-appels") -> JudgedCalls:
    months = tuple(sorted(set(table["month"]))) or ("2026-03",)
    in_hours = table["in_hours"] if "in_hours" in table else pd.Series(True, index=table.index)
    return JudgedCalls(
        ids=np.arange(len(table)),
        id_labels=Labels.of(table["id"]),
        queued=table["queued"].to_numpy(float),
        wait=table["wait"].to_numpy(float),
        outcome=table["outcome"].map(OUTCOMES.index).to_numpy(np.int8),
        month=table["month"].map(months.index).to_numpy(np.int64),
        months=months,
        halfhour=table["halfhour"].to_numpy(np.int64),
        targets={target: CallTargets(in_hours.to_numpy(bool), table["counted"].to_numpy(bool),
                                     table["met"].to_numpy(bool))},
    )
