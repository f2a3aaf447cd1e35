"""The coded representation of the event log: codes and labels, numbered ids, the builder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.coded import Coded, Labels, Numbered
from rules.errors import DataError
from rules.eventlog import EVENTS, EventLog, EventLogBuilder


def test_numbered_labels_are_text_only_for_the_codes_asked():
    labels = Labels([np.array(["T-1", "T-2"], dtype=object), Numbered("B", 3, first=1, width=5)])
    assert len(labels) == 5
    assert labels.text(np.array([4, 0])).tolist() == ["B00003", "T-1"]
    assert labels.all().tolist() == ["T-1", "T-2", "B00001", "B00002", "B00003"]
    assert labels.find(["B00002", "T-2", "B2", "B00004", "X"]).tolist() == [3, 1, -1, -1, -1]


def test_unpadded_numbers_do_not_match_padded_texts():
    labels = Labels([Numbered("C", 12)])
    assert labels.find(["C0", "C11", "C05", "C12", "C-1", "c3"]).tolist() == [0, 11, -1, -1, -1, -1]


def test_a_column_of_mixed_values_has_one_code_per_text():
    column = Coded.of(pd.Series(["1", 1, None, "", "P3", np.nan], dtype=object))
    assert column.text().tolist() == ["1", "1", "", "", "P3", ""]
    assert column.codes[0] == column.codes[1] and column.codes[2] == column.codes[3]
    assert column.equals("").tolist() == [False, False, True, True, False, True]
    assert column.isin(["P3", "absent"]).tolist() == [False] * 4 + [True, False]


def test_a_categorical_column_keeps_its_texts():
    series = pd.Series(pd.Categorical(["phone", None, "email", ""]))
    assert Coded.of(series).text().tolist() == ["phone", "", "email", ""]


def test_the_builder_gives_one_code_to_a_numbered_id_written_as_text():
    builder = EventLogBuilder()
    ids = builder.numbered_ids("C", 3)
    builder.add(ids, np.array([0.0, 1.0, 2.0]), "call_queued", channel="phone")
    builder.add("C1", 5.0, "opened", level="1")          # the call's ticket, by its text
    builder.add(int(ids[2]), 6.0, "opened", level="1")   # by its code
    builder.add("T-9", 7.0, "opened")
    log = builder.build()
    assert log.ids.codes.tolist() == [0, 1, 2, 1, 2, 3]
    assert log.text("id").tolist() == ["C0", "C1", "C2", "C1", "C2", "T-9"]
    assert log.text("event").tolist() == ["call_queued"] * 3 + ["opened"] * 3
    assert log.text("channel").tolist() == ["phone"] * 3 + [""] * 3
    with pytest.raises(ValueError, match="already reserved"):
        builder.numbered_ids("C", 2)


def test_blocks_accept_codes_texts_and_coded_columns():
    builder = EventLogBuilder()
    events = np.array([EVENTS.index("opened"), EVENTS.index("priority")])
    builder.add(np.array(["T1", "T1"], dtype=object), np.array([0.0, 1.0]), events,
                Coded.of(["", "P2"]), group=np.array(["N2", "N3"], dtype=object))
    log = builder.build()
    assert log.text("value").tolist() == ["", "P2"] and log.text("group").tolist() == ["N2", "N3"]
    with pytest.raises(ValueError, match="2 values for 3 events"):
        builder.add("T2", np.zeros(3), "opened", group=np.array(["a", "b"], dtype=object))
    with pytest.raises(TypeError, match="agent"):
        builder.add("T2", 0.0, "opened", agent="A-7")
    with pytest.raises(DataError, match="did you mean"):
        builder.add("T2", 0.0, "openned")


records = st.lists(
    st.fixed_dictionaries({
        "id": st.sampled_from(["C0", "C1", "C7", "T1", "B00002", "x"]),
        "time": st.integers(0, 50).map(float),
        "event": st.sampled_from(EVENTS),
        "value": st.sampled_from(["", "P1", "2", "first_contact"]),
        "group": st.sampled_from(["", "N2", "N3"]),
    }),
    max_size=30,
)


@given(records)
def test_a_log_built_in_blocks_reads_as_the_same_rows_one_at_a_time(rows):
    builder = EventLogBuilder()
    builder.numbered_ids("C", 8)
    builder.numbered_ids("B", 3, first=1, width=5)
    frame = pd.DataFrame(rows, columns=["id", "time", "event", "value", "group"])
    if len(frame):
        half = len(frame) // 2
        for part in (frame.iloc[:half], frame.iloc[half:]):
            if len(part):
                builder.add(part["id"].to_numpy(object), part["time"].to_numpy(),
                            part["event"].map(EVENTS.index).to_numpy(),
                            part["value"].to_numpy(object), group=part["group"].to_numpy(object))
    blocks = builder.build()
    single = EventLog.from_records(rows)
    for column in ("id", "event", "value", "group", "channel"):
        assert blocks.text(column).tolist() == single.text(column).tolist()
    assert blocks.time.tolist() == single.time.tolist()
    ordered = single.in_time_order()
    assert ordered.time.tolist() == sorted(single.time.tolist())
    keys = list(zip(ordered.time.tolist(), ordered.event.tolist(), strict=True))
    assert keys == sorted(keys)
