"""Scenario files: every shipped one loads; a broken one lists every problem at once;
demand spreads the declared monthly volumes exactly (in expectation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.document import Document
from rules.errors import ValidationError
from sim.demand import draw_contacts, horizon_bounds, rate_grid
from sim.rng import Streams
from sim.scenario_loader import load_scenario
from sim.staffing import DAY_NAMES, Staffing, parse_staffing

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASELINE = SCENARIOS / "cspq-baseline.yaml"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_scenario_file_loads(path: Path) -> None:
    scenario, pack = load_scenario(path)
    assert scenario.demand.streams and scenario.escalation.groups
    assert pack.priority_codes == ("P1", "P2", "P3", "P4", "P5")


def test_target_overrides_reach_the_pack() -> None:
    scenario, pack = load_scenario(SCENARIOS / "p3-8h-85.yaml")
    target = pack.resolution_target("P3")
    assert (target.threshold, target.goal) == (8 * 3600, 0.85)
    assert scenario.targets


def test_every_problem_is_reported_at_once_with_did_you_mean(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    for old, new in (
        ("per_month: 1300", "per_mnth: 1300"),
        ("profile: courriels", "profile: courriel"),
        ('"Partage sécurisé de documents": 13%', '"Partage securise de documents": 13%'),
        ("to: N3-infrastructure, probability: 8%", "to: N3-infra, probability: 8%"),
        ("P3: {dist: lognormal, mean: 4h 12min, cv: 1.0}",
         "P3: {dist: lognormall, mean: 4h 12min, cv: 1.0}"),
        ("P5: {probability: 65%, duration: {dist: weibull, shape: 0.5, scale: 36h}}",
         "P5: {probability: 65%, duraton: {dist: weibull, shape: 0.5, scale: 36h}}"),
        ("P4: {probability: 66%, duration: {dist: weibull, shape: 0.5, scale: 26h 24min}}",
         "P6: {probability: 66%, duration: {dist: weibull, shape: 0.5, scale: 26h 24min}}"),
        ("calendar: ouvrable-0830-1630}", "calendar: ouvrable-0830-1600}"),
        ("contournement: {true: 55%, false: 45%}", "contournement: {true: 55%, false: 40%}"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(broken)
    problems = caught.value.problems
    paths = {p.path for p in problems}
    assert "demand.streams[1].per_mnth" in paths
    assert "demand.streams[2].profile" in paths
    assert "escalation.groups.N2-bureautique.escalate.to" in paths
    assert "escalation.groups.N3-infrastructure.work.P3.dist" in paths
    assert "escalation.groups.N2-bureautique.hold.P5.duraton" in paths
    assert "escalation.groups.N2-centraux-web.hold.P6" in paths
    assert "escalation.waiting.calendar" in paths
    assert "demand.incidents.attributes.contournement" in paths
    assert any(p.path.startswith("demand.streams[1].services") for p in problems)
    hints = " ".join(p.suggestion or "" for p in problems)
    for right in ("per_month", "courriels", "Partage sécurisé de documents",
                  "N3-infrastructure", "lognormal", "ouvrable-0830-1630", "duration"):
        assert f'"{right}"' in hints, right
    assert all(p.line is not None and p.file == str(broken) for p in problems)


def test_an_unknown_rule_pack_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    text = text.replace("rule_pack: cspq-cau", "rule_pack: cspq-cua")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(broken)
    text = str(caught.value)
    assert "rule_pack" in text and "cspq-cau" in text


def test_monthly_volumes_are_met_inside_a_confidence_interval() -> None:
    scenario, pack = load_scenario(BASELINE)
    grid = rate_grid(scenario, pack, pack.zone)
    _, start, end = horizon_bounds(scenario, pack.zone)
    inside = grid.starts >= start
    for stream in scenario.demand.streams:  # the rate integrates to the volume exactly
        expected = float(grid.rates[stream.name][inside].sum() * 1800.0)
        assert expected == pytest.approx(stream.volume("2026-03"), rel=1e-9)
    counts: dict[str, list[int]] = {s.name: [] for s in scenario.demand.streams}
    replications = 20
    for seed in range(replications):
        contacts = draw_contacts(scenario, pack, grid, Streams(np.random.SeedSequence(seed)))
        march = (contacts.time >= start) & (contacts.time < end) & ~contacts.reason.equals("")
        for stream in scenario.demand.streams:
            mine = march & contacts.channel.equals(stream.channel) & contacts.option.equals(
                stream.option)
            counts[stream.name].append(int(mine.sum()))
    for stream in scenario.demand.streams:
        volume = stream.volume("2026-03")
        # Poisson: the mean of R counts has standard deviation sqrt(volume / R).
        mean = float(np.mean(counts[stream.name]))
        assert abs(mean - volume) < 4.0 * np.sqrt(volume / replications), stream.name


def test_contacts_arrive_only_while_their_calendar_is_open() -> None:
    scenario, pack = load_scenario(BASELINE)
    grid = rate_grid(scenario, pack, pack.zone)
    contacts = draw_contacts(scenario, pack, grid, Streams(np.random.SeedSequence(7)))
    phone = contacts.channel.equals("phone") & ~contacts.reason.equals("")
    assert pack.calendar("ouvrable-0730-1700").is_open(contacts.time[phone]).all()
    # Incidents are classified by the pack: every priority code is the pack's.
    priority = contacts.priority.text()
    assert set(priority[priority != ""]) <= set(pack.priority_codes)


# -- level-1 staffing: shifts or a per-half-hour table ----------------------------------------
WEEK = (1773633600.0, 1773633600.0 + 7 * 86400.0)  # Monday 16 March 2026 00:00, Montréal (EDT)


def _staffing(text: str) -> tuple[Staffing | None, list[str]]:
    doc = Document("staffing.yaml", text)
    staffing = parse_staffing(doc.root())
    return staffing, [p.path for p in doc.problems]


def _on_duty(staffing: Staffing | None) -> np.ndarray:
    assert staffing is not None
    return staffing.steps(*WEEK).half_hourly(*WEEK)


def _clock(slot: int) -> str:
    return f"{slot // 2:02d}:{30 * (slot % 2):02d}"


@st.composite
def _shifts(draw: st.DrawFn) -> list[tuple[int, int, int, int, int | None, int]]:
    """(first day, last day, start slot, end slot, break slot or None, headcount)."""
    shifts = []
    for _ in range(draw(st.integers(1, 4))):
        first = draw(st.integers(0, 6))
        last = draw(st.integers(first, 6))
        start = draw(st.integers(0, 44))
        end = draw(st.integers(start + 2, min(start + 18, 48)))
        pause = draw(st.none() | st.integers(start + 1, end - 1))
        shifts.append((first, last, start, end, pause, draw(st.integers(1, 6))))
    return shifts


@settings(max_examples=25, deadline=None)
@given(_shifts())
def test_a_staffing_table_equals_the_shifts_it_tabulates(shifts: list) -> None:
    rows, grid = [], np.zeros((7, 48), dtype=int)
    for first, last, start, end, pause, headcount in shifts:
        breaks = f', breaks: ["{_clock(pause)}-{_clock(pause + 1)}"]' if pause else ""
        rows.append(f'  - {{days: {DAY_NAMES[first]}-{DAY_NAMES[last]}, start: "{_clock(start)}", '
                    f'end: "{_clock(end % 48)}", headcount: {headcount}{breaks}}}')
        grid[first:last + 1, start:end] += headcount
        if pause:
            grid[first:last + 1, pause] -= headcount
    table = ["table:"] + [
        f"  {DAY_NAMES[day]}: {{" + ", ".join(f'"{_clock(s)}": {grid[day, s]}' for s in range(48))
        + "}" for day in range(7)
    ]
    by_shifts, problems = _staffing("shifts:\n" + "\n".join(rows))
    by_table, more = _staffing("\n".join(table))
    assert problems == more == []
    np.testing.assert_array_equal(_on_duty(by_table), _on_duty(by_shifts))
    np.testing.assert_array_equal(_on_duty(by_table), grid.ravel())


def test_the_baseline_shifts_as_a_table_give_the_same_agents(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    scenario, _ = load_scenario(BASELINE)
    office = scenario.level_one.groups["N1-bureautique"]
    agents = _on_duty(office.staffing).reshape(7, 48)
    cells = ", ".join(f'"{_clock(s)}": {agents[0, s]:g}' for s in range(48))
    start = text.index("        shifts:\n")  # the office team's, the first group
    end = text.index("      skills:", start)
    table = tmp_path / "table.yaml"
    table.write_text(text[:start] + f"        table: {{mon-fri: {{{cells}}}}}\n" + text[end:],
                     encoding="utf-8")
    tabled, _ = load_scenario(table)
    np.testing.assert_array_equal(_on_duty(tabled.level_one.groups["N1-bureautique"].staffing),
                                  agents.ravel())


def test_staffing_table_problems_are_located() -> None:
    staffing, problems = _staffing(
        'table:\n  mon-fri: {"07:30": 4, "07:45": 2, "17:00": 0}\n'
        '  fri: {"08:00": 1}\n  mun: {"08:00": 1}\n'
    )
    assert staffing is None
    assert problems == ["table.mon-fri.07:45", "table.fri", "table.mun"]
    assert _staffing('table: {mon: {"08:00": 1}}\nshifts: []\n')[1] == [""]
    assert _staffing('table: {mon: {"08:00": 0}}\n')[1] == ["table"]


def test_the_readme_example_runs(capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python example, run as written from the project's root."""
    text = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(SCENARIOS.parent)
    exec(compile(code, "scenarios/README.md", "exec"), {})  # our own documentation
    out = capsys.readouterr().out
    assert "reponse-appels" in out
    assert "note: level_one.groups.N1-bureautique.staffing, Monday" in out


def test_a_hold_is_a_probability_and_a_duration_or_one_law(tmp_path: Path) -> None:
    variant = tmp_path / "holds.yaml"
    variant.write_text(
        f"extends: {BASELINE}\n"
        "escalation:\n  groups:\n    N2-bureautique:\n      hold:\n"
        "        P4: {dist: empirical, values: [0s, 0s, 4h, 2d]}\n", encoding="utf-8")
    scenario, _ = load_scenario(variant)
    holds = scenario.escalation.groups["N2-bureautique"].hold
    assert holds["P4"].probability == 1.0 and holds["P4"].mean == pytest.approx(13 * 3600)
    assert holds["P3"].probability == 0.72  # the base's, merged key by key
    assert holds["P3"].mean == pytest.approx(0.72 * 2 * 24 * 3600)  # Weibull 0.5: 2 × scale


def test_two_streams_of_one_option_need_names_and_arrive_apart(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    extra = ('    - channel: phone\n      option: "2"\n      per_month: 400\n'
             '      profile: appels\n      calendar: ouvrable-0730-1700\n'
             '      reasons: {incident: 100%}\n'
             '      services: {"Traitement et stockage de données": 100%}\n')
    at = text.index("    # E-mails: assumption 95 a day")
    unnamed = tmp_path / "unnamed.yaml"
    unnamed.write_text(text[:at] + extra + text[at:], encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(unnamed)
    (problem,) = caught.value.problems
    assert problem.path == "demand.streams[2]" and "a name" in (problem.suggestion or "")
    named = tmp_path / "named.yaml"
    named.write_text(text[:at] + extra.replace("    - channel", "    - name: lots\n      channel")
                     + text[at:], encoding="utf-8")
    scenario, pack = load_scenario(named)
    assert [s.name for s in scenario.demand.streams] == [
        "phone option 1", "phone option 2", "lots", "email"]
    grid = rate_grid(scenario, pack, pack.zone)
    contacts = draw_contacts(scenario, pack, grid, Streams(np.random.SeedSequence(3)))
    lots = contacts.stream == 2
    assert contacts.option.take(lots).equals("2").all() and 300 < lots.sum() * 31 / 52 < 500
    service = contacts.service.text()
    assert set(service[lots & (service != "")]) == {
        "Traitement et stockage de données"}
