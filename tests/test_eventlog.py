"""The canonical event log: file round trips, row validation, reconciled counts."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.errors import DataError, InputFileError
from rules.eventlog import (
    COLUMNS,
    EVENTS,
    EventLog,
    EventLogBuilder,
    format_instants,
    parse_instants,
    read_event_log,
)

HEADER = ",".join(COLUMNS)
GOOD = [
    "T1,2026-03-02T08:31:00-05:00,opened,,phone,1,,1,CAU",
    "T1,2026-03-02T08:31:00-05:00,priority,P3,phone,1,,1,CAU",
    "T1,2026-03-02T09:00:00-05:00,waiting_start,,phone,1,,1,CAU",
    "T1,2026-03-02T10:00:00-05:00,waiting_end,,phone,1,,1,CAU",
    "T1,2026-03-02T11:00:00-05:00,assigned,2,phone,1,,2,N2-Bureautique",
    "T1,2026-03-02T12:00:00-05:00,resolved,,phone,1,,2,N2-Bureautique",
    "T1,2026-03-02T12:30:00-05:00,reopened,,phone,1,,2,N2-Bureautique",
    "T1,2026-03-02T13:00:00-05:00,resolved,,phone,1,,2,N2-Bureautique",
    "T1,2026-03-05T13:00:00-05:00,closed,,phone,1,,2,N2-Bureautique",
    "C1,2026-03-02T08:30:00-05:00,call_queued,,phone,1,,,",
    "C1,2026-03-02T08:30:41.5-05:00,call_answered,,phone,1,,,",
]
PACK = ("P1", "P2", "P3", "P4", "P5")


def write_csv(tmp_path: Path, lines: list[str], name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_clean_log_is_read_whole(tmp_path: Path) -> None:
    log = read_event_log(write_csv(tmp_path, GOOD), priorities=PACK)
    assert log.report is not None
    assert (log.report.rows_read, log.report.rows_kept, log.report.rows_rejected) == (11, 11, 0)
    assert log.report.tickets == 2
    assert list(log.frame.columns) == list(COLUMNS)
    assert log.frame["event"].dtype == "category"
    assert list(log.frame["event"].cat.categories) == list(EVENTS)
    assert log.frame["time"].iloc[0] == pd.Timestamp("2026-03-02T13:31:00Z").timestamp()
    assert log.frame["time"].iloc[-1] - log.frame["time"].iloc[-2] == 41.5


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("T2,2026-03-02T08:31:00,opened,,,,,,", "has no UTC offset"),
        ("T2,2 mars 2026,opened,,,,,,", 'cannot read time "2 mars 2026"'),
        ("T2,,opened,,,,,,", "missing time"),
        (",2026-03-02T08:31:00-05:00,opened,,,,,,", "missing id"),
        ("T2,2026-03-02T08:31:00-05:00,opend,,,,,,", 'did you mean "opened"'),
        ("T2,2026-03-02T08:31:00-05:00,opened,,fax,,,,", 'unknown channel "fax"'),
        ("T2,2026-03-02T08:31:00-05:00,opened,,,3,,,", 'unknown option "3"'),
        ("T2,2026-03-02T08:31:00-05:00,opened,,,,,N2,", 'unknown level "N2"'),
        ("T2,2026-03-02T08:31:00-05:00,resolved,,,,,,", '"resolved" before "opened"'),
        ("C2,2026-03-02T08:31:00-05:00,call_answered,,,,,,", 'before "call_queued"'),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_reason(
    tmp_path: Path, line: str, reason: str
) -> None:
    log = read_event_log(write_csv(tmp_path, [*GOOD, line]))
    assert log.report is not None
    rejects = log.report.rejects
    assert rejects["row"].tolist() == [len(GOOD) + 2]  # header is line 1
    assert reason in rejects["reason"].iloc[0]
    assert log.report.rows_kept == len(GOOD)


def test_out_of_order_events_reject_the_whole_ticket(tmp_path: Path) -> None:
    lines = [
        "T2,2026-03-02T08:00:00-05:00,opened,,,,,,",
        "T2,2026-03-02T08:10:00-05:00,priority,P9,,,,,",  # unknown priority
        "T3,2026-03-02T08:00:00-05:00,opened,,,,,,",
        "T3,2026-03-02T08:10:00-05:00,waiting_end,,,,,,",  # no waiting_start
        "T3,2026-03-02T08:20:00-05:00,resolved,,,,,,",
        "T4,2026-03-02T08:00:00-05:00,opened,,,,,,",
        "T4,2026-03-02T07:00:00-05:00,resolved,,,,,,",  # time goes backwards
        "T5,2026-03-02T08:00:00-05:00,opened,,,,,,",
        "T5,2026-03-02T09:00:00-05:00,closed,,,,,,",
        "T5,2026-03-02T10:00:00-05:00,waiting_start,,,,,,",  # closed: reopen first
    ]
    log = read_event_log(write_csv(tmp_path, [*GOOD, *lines]), priorities=PACK)
    report = log.report
    assert report is not None
    assert report.rows_read == report.rows_kept + report.rows_rejected == len(GOOD) + 10
    reasons = dict(zip(report.rejects["row"], report.rejects["reason"], strict=True))
    first = len(GOOD) + 2
    assert reasons[first] == 'ticket "T2" has a rejected row 14'
    assert reasons[first + 1].startswith('unknown priority "P9"')
    assert "waiting_end" in reasons[first + 3] and "waiting on the user" in reasons[first + 3]
    assert reasons[first + 4] == f'ticket "T3" has a rejected row {first + 3}'
    assert "time goes backwards" in reasons[first + 6]
    assert '"waiting_start" while the ticket is closed' in reasons[first + 9]
    assert set(log.frame["id"]) == {"T1", "C1"}
    # Where to look first: the earliest row rejected for a fault of its own, not row 13
    # (rejected only because its ticket T2 has a rejected row).
    fault = report.first_fault()
    assert fault is not None and fault[0] == first + 1 and fault[1].startswith("unknown priority")


def test_rejects_file_has_row_and_reason(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*GOOD, "T2,2026-03-02T08:31:00-05:00,opend,,,,,,"])
    read_event_log(path, rejects=tmp_path / "rejects.csv")
    rejects = pd.read_csv(tmp_path / "rejects.csv", dtype=str, keep_default_na=False)
    assert list(rejects.columns) == ["row", "reason", *COLUMNS]
    assert rejects["row"].tolist() == [str(len(GOOD) + 2)]
    assert rejects["event"].tolist() == ["opend"]


def test_missing_column_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("id,time,evnt,value,channel,option,service,level,group\n")
    with pytest.raises(DataError, match=r'missing column "event".*Did you mean "evnt"'):
        read_event_log(path)


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="format"):
        read_event_log(tmp_path / "log.txt")
    with pytest.raises(InputFileError, match="no such file"):
        read_event_log(tmp_path / "log.csv")


def test_csv_writes_local_time_with_offset_and_fractions_only_when_present(
    tmp_path: Path,
) -> None:
    log = read_event_log(write_csv(tmp_path, GOOD))
    log.write(tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text().splitlines()
    assert text[0] == HEADER
    assert text[1:] == GOOD  # written back exactly as read (America/Montreal)
    log.write(tmp_path / "utc.csv", zone="UTC")
    assert "2026-03-02T13:31:00+00:00" in (tmp_path / "utc.csv").read_text()


def test_written_files_get_ordinary_permissions_not_private_ones(tmp_path: Path) -> None:
    log = read_event_log(write_csv(tmp_path, GOOD))
    umask = os.umask(0o022)
    try:
        log.write(tmp_path / "out.csv")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_offsets_follow_daylight_saving_time() -> None:
    summer = pd.Timestamp("2026-07-01T12:00:00Z").timestamp()
    winter = pd.Timestamp("2026-01-01T12:00:00Z").timestamp()
    assert list(format_instants(np.array([summer, winter]))) == [
        "2026-07-01T08:00:00-04:00",
        "2026-01-01T07:00:00-05:00",
    ]


def test_parquet_round_trip_keeps_everything(tmp_path: Path) -> None:
    log = read_event_log(write_csv(tmp_path, GOOD))
    log.write(tmp_path / "log.parquet")
    back = read_event_log(tmp_path / "log.parquet")
    pd.testing.assert_frame_equal(back.frame, log.frame)


def test_output_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(Exception, match="time zone"):
        read_event_log(write_csv(tmp_path, GOOD)).write(target, zone="Mars/Olympus")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "out.csv"]


def test_builder_from_records_and_concat() -> None:
    builder = EventLogBuilder()
    builder.add("T1", 0.0, "opened", channel="email")
    builder.add("T1", 60.0, "priority", "P2")
    built = builder.build()
    same = EventLog.from_records(
        [
            {"id": "T1", "time": 0.0, "event": "opened", "channel": "email"},
            {"id": "T1", "time": 60.0, "event": "priority", "value": "P2"},
        ]
    )
    pd.testing.assert_frame_equal(built.frame, same.frame)
    both = EventLog.concat([built, same])
    assert len(both) == 4 and both.frame["event"].dtype == "category"
    with pytest.raises(DataError, match="opend"):
        EventLog.from_records([{"id": "T1", "time": 0.0, "event": "opend"}])


def test_validate_in_memory_log() -> None:
    log = EventLog.from_records(
        [
            {"id": "T1", "time": 0.0, "event": "opened"},
            {"id": "T2", "time": 0.0, "event": "waiting_start"},
        ]
    )
    checked = log.validate()
    assert checked.report is not None
    assert checked.report.rows_rejected == 1 and checked.frame["id"].tolist() == ["T1"]


def test_parse_instants_reasons() -> None:
    seconds, reasons = parse_instants(
        pd.Series(["2026-03-02T08:31:00Z", "2026-03-02T08:31:00", "nope", ""])
    )
    assert seconds[0] == pd.Timestamp("2026-03-02T08:31:00Z").timestamp()
    assert np.isnan(seconds[1:]).all()
    assert reasons[0] == "" and "no UTC offset" in reasons[1]
    assert "cannot read" in reasons[2] and reasons[3] == "missing time"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(min_value=0, max_value=4e9, allow_nan=False).map(lambda t: round(t, 3)),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["America/Montreal", "UTC", "Asia/Kolkata"]),
)
def test_instants_round_trip_through_text(times: list[float], zone: str) -> None:
    back, reasons = parse_instants(pd.Series(format_instants(np.array(times), zone)))
    assert (reasons == "").all()
    np.testing.assert_allclose(back, times, atol=1e-6, rtol=0)


def test_the_documented_example_reads_cleanly(tmp_path: Path) -> None:
    doc = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    (tmp_path / "example.csv").write_text(example, encoding="utf-8")
    log = read_event_log(tmp_path / "example.csv", priorities=PACK)
    assert log.report is not None and log.report.rows_rejected == 0 and len(log) == 8


def test_an_instant_needs_a_time_of_day_and_spaces_around_it_do_not_matter() -> None:
    seconds, reasons = parse_instants(pd.Series(
        ["2026-03-05", "2026-03-05T08:00:00-05:00 ", " 2026-03-05 08:00-05:00", "2026-03-05Z"]))
    assert np.isnan(seconds[0]) and reasons[0] == (  # not UTC midnight: "-05" is the day
        'time "2026-03-05" has no time of day; write it like 2026-03-02T08:31:00-05:00')
    expected = pd.Timestamp("2026-03-05T13:00:00Z").timestamp()
    assert seconds[1] == seconds[2] == expected and reasons[1] == reasons[2] == ""
    assert "cannot read" in reasons[3]


@pytest.mark.parametrize("when", ["2500-03-02T08:31:00-05:00", "1600-03-02T08:31:00-05:00",
                                  "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z"])
def test_instants_beyond_the_years_cau_reads_are_rejected_not_a_crash(
    tmp_path: Path, when: str
) -> None:
    path = write_csv(tmp_path, [f"T9,{when},opened,,phone,1,,1,CAU", *GOOD])
    log = read_event_log(path, priorities=PACK)
    assert log.report is not None and log.report.rows_kept == len(GOOD)
    assert log.report.first_fault() == (
        2, f'time "{when}" is outside the years 1970–2199 that cau reads')


def test_an_empty_file_and_missing_canonical_columns_are_said_plainly(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"empty.csv: is empty; an event log starts with"):
        read_event_log(empty)
    some = tmp_path / "some.csv"
    some.write_text("id,time\nT1,2026-03-02T08:31:00-05:00\n", encoding="utf-8")
    with pytest.raises(DataError, match=r'The file has 2 columns: "id", "time"\.'):
        read_event_log(some)
