"""Declarative importers: the shipped mappings on extracts of the real logs, a third
export read with no code, and every problem of a mapping reported at once."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cau.cli import main
from rules.errors import DataError, InputFileError, ValidationError
from rules.eventlog import EVENTS, EventLog, read_event_log
from rules.importer import import_source, load_mapping, shipped_mappings

DATA = Path(__file__).parent / "data"
SERVICENOW = DATA / "servicenow-uci-extract.csv"
VOLVO = DATA / "volvo-bpi2013-extract.csv"
PACK = ("P1", "P2", "P3", "P4", "P5")


def instant(text: str) -> float:
    return pd.Timestamp(text).timestamp()


def events_of(log: EventLog, ticket: str) -> list[tuple[str, str]]:
    rows = log.frame[log.frame["id"] == ticket]
    return list(zip(rows["event"].astype(str), rows["value"], strict=True))


@pytest.fixture(scope="module")
def servicenow() -> EventLog:
    return import_source(SERVICENOW, load_mapping("servicenow-uci"), priorities=PACK)


@pytest.fixture(scope="module")
def volvo() -> EventLog:
    return import_source(VOLVO, load_mapping("volvo-bpi2013"), priorities=PACK)


def test_shipped_mappings_are_found_by_short_name() -> None:
    assert {"servicenow-uci", "volvo-bpi2013"} <= set(shipped_mappings())
    with pytest.raises(InputFileError, match='Did you mean "servicenow-uci"'):
        load_mapping("servicenow-uic")


def test_servicenow_counts_reconcile(servicenow: EventLog) -> None:
    report = servicenow.report
    assert report is not None
    assert report.rows_read == 301 == report.rows_kept + report.rows_rejected
    assert report.rows_rejected == 12
    assert report.tickets == 28 == servicenow.frame["id"].nunique()
    assert report.events == len(servicenow)
    assert servicenow.validate(PACK).report.rows_rejected == 0  # type: ignore[union-attr]


def test_servicenow_bad_rows_are_named(servicenow: EventLog) -> None:
    assert servicenow.report is not None
    reasons = dict(zip(servicenow.report.rejects["row"], servicenow.report.rejects["reason"],
                       strict=True))
    assert reasons[298].startswith('unknown state "-100" in column "incident_state"')
    assert reasons[297] == 'ticket "INC0028089" has a rejected row 298'
    assert 'local time "13/3/2016 02:38" does not exist' in reasons[291]
    assert "INC0028089" not in set(servicenow.frame["id"])


def test_servicenow_snapshot_rows_become_state_changes(servicenow: EventLog) -> None:
    # 4 snapshot rows: New, Resolved, Resolved (no change), Closed.
    assert events_of(servicenow, "INC0000045") == [
        ("opened", ""), ("priority", "P3"), ("assigned", ""), ("resolved", ""), ("closed", ""),
    ]
    rows = servicenow.frame[servicenow.frame["id"] == "INC0000045"]
    assert rows["time"].tolist() == [
        instant("2016-02-29T01:16-05:00"),  # opened_at, not the first update (01:23)
        instant("2016-02-29T01:16-05:00"),
        instant("2016-02-29T01:16-05:00"),
        instant("2016-02-29T11:29-05:00"),  # resolved_at
        instant("2016-03-05T12:00-05:00"),
    ]
    assert set(rows["channel"]) == {"phone"} and set(rows["group"]) == {"Group 56"}
    assert set(rows["service"]) == {"Category 55"}


def test_servicenow_waits_reopenings_and_priority_changes(servicenow: EventLog) -> None:
    assert [e for e, _ in events_of(servicenow, "INC0000294")] == [
        "opened", "priority", "assigned", "assigned", "resolved", "reopened",
        "waiting_start", "waiting_end", "resolved", "closed",
    ]
    assert [v for e, v in events_of(servicenow, "INC0000161") if e == "priority"] == [
        "P3", "P2", "P4",
    ]
    # Closed is not final in real data: the ticket is reopened and resolved again.
    assert [e for e, _ in events_of(servicenow, "INC0001894")][-4:] == [
        "closed", "reopened", "resolved", "closed",
    ]


def test_volvo_counts_and_escalations(volvo: EventLog) -> None:
    report = volvo.report
    assert report is not None
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (530, 530, 0)
    assert report.tickets == 23
    rows = volvo.frame[volvo.frame["id"] == "1-364285768"]
    assigned = rows[rows["event"] == "assigned"]
    assert assigned["value"].tolist() == ["1", "3", "1", "2", "1", "3"]  # L2/L3 read as 2
    assert assigned["group"].tolist()[:2] == ["V30", "V5 3rd"]
    assert rows["time"].iloc[0] == instant("2010-03-31T15:59:42+01:00")
    assert set(rows["value"][rows["event"] == "priority"]) == {"P3"}  # impact Medium


def test_volvo_in_call_is_a_first_contact_resolution(volvo: EventLog) -> None:
    assert events_of(volvo, "1-583200733") == [
        ("opened", ""), ("priority", "P3"), ("assigned", "1"), ("waiting_start", ""),
        ("waiting_end", ""), ("resolved", "first_contact"),
    ]


def test_compressed_and_zipped_sources_read_alike(tmp_path: Path, volvo: EventLog,
                                                  servicenow: EventLog) -> None:
    gz = tmp_path / "volvo.csv.gz"
    gz.write_bytes(gzip.compress(VOLVO.read_bytes()))
    again = import_source(gz, load_mapping("volvo-bpi2013"), priorities=PACK)
    pd.testing.assert_frame_equal(again.frame, volvo.frame)

    archive = tmp_path / "incident_event_log.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SERVICENOW, "incident_event_log.csv")
        zf.writestr("README.txt", "other member")
    zipped = import_source(archive, load_mapping("servicenow-uci"), priorities=PACK)
    pd.testing.assert_frame_equal(zipped.frame, servicenow.frame)


# -- a third export, invented here: its mapping needs no code -------------------------
THIRD_MAPPING = """\
mapping: 1
description: an invented French export, one row per event
source:
  format: csv
  delimiter: ";"
  encoding: latin-1
  missing: ["N/A"]
time:
  format: "%Y-%m-%d %H:%M:%S"
  zone: Europe/Paris
ticket:
  id: Billet
  time: Horodatage
state:
  column: Statut
  values:
    Nouveau: open
    En cours: open
    Attente client: waiting
    Résolu: resolved
    Réglé en ligne: {status: resolved, reason: first_contact}
    Fermé: closed
    Commentaire: ignore
fields:
  priority:
    column: Gravité
    values: {Critique: P1, Majeur: P2, Important: P3}
  level:
    column: Niveau
    values: {N1: "1", N2: "2"}
  channel:
    column: Canal
    values: {Téléphone: phone, Courriel: email, Portail: ""}
  option: Option
  group: Équipe
"""
THIRD_ROWS = [
    "Billet;Horodatage;Statut;Gravité;Niveau;Canal;Option;Équipe",
    "A1;2026-03-02 09:00:00;Nouveau;Important;N1;Téléphone;1;CAU",
    "A1;2026-03-02 09:10:00;Attente client;Important;N1;Téléphone;1;CAU",
    "A1;2026-03-02 10:00:00;Commentaire;N/A;N/A;Téléphone;1;CAU",
    "A1;2026-03-02 11:00:00;En cours;Majeur;N2;Téléphone;1;Réseau",
    "A1;2026-03-02 12:00:00;Résolu;Majeur;N2;Téléphone;1;Réseau",
    "A1;2026-03-03 12:00:00;Fermé;Majeur;N2;Téléphone;1;Réseau",
    "B2;2026-03-29 01:30:00;Nouveau;Critique;N1;Courriel;;CAU",
    "B2;2026-03-29 03:30:00;Réglé en ligne;Critique;N1;Courriel;;CAU",
]


def third(tmp_path: Path, rows: list[str], mapping: str = THIRD_MAPPING) -> EventLog:
    (tmp_path / "third.yaml").write_text(mapping, encoding="utf-8")
    (tmp_path / "export.csv").write_bytes("\n".join(rows).encode("latin-1"))
    return import_source(tmp_path / "export.csv", load_mapping(tmp_path / "third.yaml"),
                         priorities=PACK)


def test_a_third_export_needs_only_a_mapping(tmp_path: Path) -> None:
    log = third(tmp_path, THIRD_ROWS)
    assert log.report is not None and log.report.rows_rejected == 0
    assert events_of(log, "A1") == [
        ("opened", ""), ("priority", "P3"), ("assigned", "1"), ("waiting_start", ""),
        ("waiting_end", ""), ("priority", "P2"), ("assigned", "2"), ("resolved", ""),
        ("closed", ""),
    ]
    a1 = log.frame[log.frame["id"] == "A1"]
    assert a1["time"].iloc[0] == instant("2026-03-02T09:00:00+01:00")
    assert a1["group"].iloc[-1] == "Réseau" and set(a1["option"]) == {"1"}
    # across the spring change in Paris: 01:30 CET, 03:30 CEST, one hour apart
    b2 = log.frame[log.frame["id"] == "B2"]
    assert b2["time"].diff().iloc[-1] == 3600
    assert events_of(log, "B2")[-1] == ("resolved", "first_contact")
    assert set(b2["channel"]) == {"email"}


def test_bad_rows_of_an_export_are_rejected_with_row_numbers(tmp_path: Path) -> None:
    rows = [
        *THIRD_ROWS,
        "C3;2026-03-02 09:00:00;Nouveau;Mineur;N1;Téléphone;1;CAU",  # line 10
        "C3;2026-03-02 10:00:00;Résolu;Important;N1;Téléphone;1;CAU",
        "D4;02/03/2026 09:00;Nouveau;Important;N1;Téléphone;1;CAU",  # line 12
        "E5;2026-03-02 09:00:00;Nouveau;Important;N1;Fax;1;CAU",  # line 13
        "F6;2026-03-02 09:00:00;Résolue;Important;N1;Téléphone;1;CAU",  # line 14
        ";2026-03-02 09:00:00;Nouveau;Important;N1;Téléphone;1;CAU",  # line 15
    ]
    log = third(tmp_path, rows)
    report = log.report
    assert report is not None
    assert report.rows_read == 14 == report.rows_kept + report.rows_rejected
    assert report.rows_kept == 8
    reasons = dict(zip(report.rejects["row"], report.rejects["reason"], strict=True))
    assert reasons[10].startswith('unknown priority "Mineur" in column "Gravité"')
    assert reasons[11] == 'ticket "C3" has a rejected row 10'
    assert reasons[12] == 'cannot read time "02/03/2026 09:00" as "%Y-%m-%d %H:%M:%S"'
    assert reasons[13].startswith('unknown channel "Fax"')
    assert 'unknown state "Résolue"' in reasons[14] and 'did you mean "Résolu"' in reasons[14]
    assert reasons[15] == "missing ticket id"
    assert set(log.frame["id"]) == {"A1", "B2"}


def test_a_mapping_reports_every_problem_at_once(tmp_path: Path) -> None:
    broken = (
        THIRD_MAPPING.replace("zone: Europe/Paris", "zone: Europe/Pariss")
        .replace("Attente client: waiting", "Attente client: wating")
        .replace('N2: "2"', 'N2: "deux"')
        .replace("  id: Billet\n", "")
        .replace("fields:", "feilds:")
    )
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_mapping(tmp_path / "broken.yaml")
    text = str(caught.value)
    assert len(caught.value.problems) == 4
    assert 'time.zone: expected a time zone' in text
    assert 'did you mean "waiting"' in text.lower()
    assert 'ticket: expected a key "id"' in text
    assert 'unknown key "feilds"' in text and 'Did you mean "fields"' in text
    assert all(p.line is not None for p in caught.value.problems)


def test_a_level_outside_the_log_format_is_a_mapping_problem(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(THIRD_MAPPING.replace('N2: "2"', 'N2: "deux"'))
    with pytest.raises(ValidationError, match=r'fields\.level\.values\.N2: expected one of "1"'):
        load_mapping(tmp_path / "m.yaml")


def test_a_column_the_export_lacks_is_named(tmp_path: Path) -> None:
    rows = [THIRD_ROWS[0].replace("Statut", "Status"), *THIRD_ROWS[1:]]
    with pytest.raises(DataError, match=r'"Statut": Did you mean "Status"'):
        third(tmp_path, rows)


STATES = ["Nouveau", "En cours", "Attente client", "Résolu", "Fermé", "Commentaire"]
STATUS = {"Nouveau": "open", "En cours": "open", "Attente client": "waiting",
          "Résolu": "resolved", "Fermé": "closed"}
AFTER = {"opened": "open", "waiting_start": "waiting", "waiting_end": "open",
         "resolved": "resolved", "reopened": "open", "closed": "closed"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(STATES), min_size=1, max_size=12))
def test_any_state_sequence_gives_a_valid_log_that_ends_in_the_last_status(
    tmp_path_factory: pytest.TempPathFactory, states: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("seq")
    rows = [THIRD_ROWS[0]] + [
        f"X;2026-03-02 {9 + i // 6:02d}:{(i % 6) * 10:02d}:00;{s};Important;N1;Téléphone;1;CAU"
        for i, s in enumerate(states)
    ]
    log = third(tmp_path, rows)
    assert log.report is not None and log.report.rows_rejected == 0
    events = log.frame["event"].astype(str).tolist()
    assert set(events) <= set(EVENTS) and events[0] == "opened"
    assert np.all(np.diff(log.frame["time"].to_numpy()) >= 0)
    known = [STATUS[s] for s in states if s in STATUS]
    final = [AFTER[e] for e in events if e in AFTER][-1]
    assert final == (known[-1] if known else "open")


# -- the command ----------------------------------------------------------------------
def test_cau_import_writes_the_log_and_prints_reconciled_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, rejects = tmp_path / "events.parquet", tmp_path / "rejects.csv"
    status = main(["import", str(SERVICENOW), "--mapping", "servicenow-uci", "--out", str(out),
                   "--rejects", str(rejects), "--rules", "cspq-cau"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "301 lignes lues, 289 retenues, 12 rejetées" in printed
    assert "28 dossiers, 235 événements écrits" in printed
    assert len(read_event_log(out)) == 235
    listed = pd.read_csv(rejects)
    assert len(listed) == 12 and listed["row"].min() == 291

    main(["import", str(VOLVO), "--mapping", "volvo-bpi2013", "--out",
          str(tmp_path / "v.csv"), "--lang", "en"])
    assert "530 rows read, 530 kept, 0 rejected" in capsys.readouterr().out


def test_cau_import_leaves_nothing_half_written_on_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "events.csv"
    out.write_text("previous\n")
    (tmp_path / "bad.yaml").write_text(THIRD_MAPPING.replace("Fermé: closed", "Fermé: shut"))
    status = main(["import", str(SERVICENOW), "--mapping", str(tmp_path / "bad.yaml"),
                   "--out", str(out)])
    assert status == 2
    assert 'state.values.Fermé: expected a status' in capsys.readouterr().err
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "events.csv"]


def test_a_line_cut_short_is_rejected_not_read_as_a_row(tmp_path: Path) -> None:
    cut = [*THIRD_ROWS[:-1], "B2;2026-03-29 03:30:00;Réglé en"]  # the export ends mid-row
    log = third(tmp_path, cut)
    assert log.report is not None
    assert log.report.first_fault() == (9, "the row has 3 of the header's 8 fields (a line "
                                           "cut short, as at the end of a truncated export?)")
    assert "B2" not in set(log.frame["id"]) and log.report.rows_read == 8


def test_instants_beyond_the_years_cau_reads_reject_their_row(tmp_path: Path) -> None:
    far = [*THIRD_ROWS[:7], "B2;2500-03-29 01:30:00;Nouveau;Critique;N1;Courriel;;CAU"]
    log = third(tmp_path, far)
    assert log.report is not None and log.report.first_fault() == (
        8, 'time "2500-03-29 01:30:00" is outside the years 1970–2199 that cau reads')


def test_cau_import_checks_priorities_against_the_cau_pack_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "map.yaml").write_text(
        "mapping: 1\nsource: {format: csv}\ntime: {format: iso8601}\n"
        "ticket: {id: id, time: time}\nstate: {column: state, values: {open: open, "
        "done: resolved}}\nfields: {priority: prio}\n", encoding="utf-8")
    (tmp_path / "src.csv").write_text(
        "id,time,state,prio\nA,2026-03-02T08:00:00-05:00,open,P9\n"
        "A,2026-03-02T09:00:00-05:00,done,P9\nB,2026-03-02T08:00:00-05:00,open,P3\n",
        encoding="utf-8")
    assert main(["import", str(tmp_path / "src.csv"), "--mapping", str(tmp_path / "map.yaml"),
                 "--out", str(tmp_path / "out.csv"), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "3 rows read, 1 kept, 2 rejected" in printed and "1 ticket, 2 events" in printed
    assert 'row 2: unknown priority "P9"' in printed
    assert "… and 1 other rejected row (including those of the same tickets)" in printed
