"""Calibration: maximum-likelihood fits recover known laws, calibrate() reads a log as the
measurement does, and its fragment loads as part of a scenario."""

from __future__ import annotations

import contextlib
import copy
import io
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cau.cli import main
from cau.cmd_calibrate import notes
from rules.errors import DataError
from rules.eventlog import EventLog
from rules.importer import import_source, load_mapping
from rules.loader import default_pack
from rules.measure import measure
from sim.calibration import (
    PROFILE_NAME,
    Calibration,
    arrival_profile,
    calibrate,
    fragment,
    rounded_shares,
)
from sim.distributions import Distribution, Gamma, Lognormal, Weibull, distribution_from_spec
from sim.fitting import fit_durations, fit_family
from sim.scenario_loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
BASELINE = ROOT / "scenarios" / "cspq-baseline.yaml"
PACK = default_pack()
HOUR = 3600.0

LAWS: dict[str, Distribution] = {
    "lognormal": Lognormal(6 * HOUR, 1.4),
    "gamma": Gamma(HOUR, 0.5),
    "weibull": Weibull(0.7, 2 * HOUR),
}
REPLICATIONS, N = 20, 2000


def _cv(law: Distribution) -> float:
    return math.sqrt(law.variance) / law.mean


# -- fits on samples of known laws -----------------------------------------------------------
@pytest.mark.parametrize("family", list(LAWS))
def test_maximum_likelihood_recovers_mean_and_cv_over_replications(family):
    law = LAWS[family]
    rng = np.random.default_rng(np.random.SeedSequence(41))
    fits = [fit_family(law.sample(rng, N), family) for _ in range(REPLICATIONS)]
    means = np.array([f.mean for f in fits])
    cvs = np.array([f.cv for f in fits])
    # Each estimate: the sample mean's relative standard error is cv/sqrt(n) and maximum
    # likelihood is asymptotically at least as precise; 5 standard errors.
    assert np.all(np.abs(means / law.mean - 1) < 5 * _cv(law) / math.sqrt(N))
    # Over replications the estimators are centred on the truth (MLE bias is O(1/n),
    # far below the replications' standard error).
    for estimates, truth in ((means, law.mean), (cvs, _cv(law))):
        standard_error = estimates.std(ddof=1) / math.sqrt(REPLICATIONS)
        assert abs(estimates.mean() - truth) < 4 * standard_error + 1e-3 * truth


@pytest.mark.parametrize("family", list(LAWS))
def test_the_true_family_is_chosen_and_fits_within_the_ks_bound(family):
    law = LAWS[family]
    rng = np.random.default_rng(np.random.SeedSequence(7))
    chosen, within = 0, 0
    for _ in range(REPLICATIONS):
        result = fit_durations(law.sample(rng, N))
        chosen += result.best.family == family
        true_fit = next(f for f in result.fits if f.family == family)
        # 1.63/sqrt(n): the 1 % critical value of KS for a fully specified law; fitted
        # parameters only bring the sample closer.
        within += true_fit.ks < 1.63 / math.sqrt(N)
        assert [f.ks for f in result.fits] == sorted(f.ks for f in result.fits)
    assert chosen >= REPLICATIONS - 2
    assert within >= REPLICATIONS - 2


def test_the_scenario_form_of_a_fit_is_the_law_it_describes():
    rng = np.random.default_rng(3)
    for family, law in LAWS.items():
        fit = fit_family(law.sample(rng, 500), family)
        spec = fit.spec()
        assert spec["dist"] == family
        rebuilt = distribution_from_spec(spec)
        assert rebuilt.mean == pytest.approx(fit.mean, rel=0.01)
        assert math.sqrt(rebuilt.variance) / rebuilt.mean == pytest.approx(fit.cv, rel=0.02)


def test_too_few_or_non_positive_durations_are_errors():
    with pytest.raises(DataError, match="at least 10"):
        fit_durations(np.ones(5))
    with pytest.raises(DataError, match="above zero"):
        fit_durations(np.r_[np.ones(20), 0.0])
    with pytest.raises(ValueError, match="unknown family"):
        fit_family(np.arange(1.0, 30.0), "pareto")


@given(st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=1, max_size=8).filter(
    lambda v: sum(v) > 0))
def test_rounded_shares_add_up_to_exactly_one_and_stay_within_a_step(values):
    shares = {f"k{i}": v for i, v in enumerate(values)}
    rounded = rounded_shares(shares)
    assert math.isclose(sum(rounded.values()), 1.0, abs_tol=1e-9)
    total = sum(values)
    assert all(abs(rounded[k] - v / total) <= 0.001 + 1e-12 for k, v in shares.items())


# -- arrival profile -----------------------------------------------------------------------
def _instants(counts: np.ndarray, weeks: int) -> np.ndarray:
    """``counts[day, halfhour]`` tickets in each half-hour of each of ``weeks`` weeks,
    from Monday 2026-03-02 local time, a quarter past each half-hour."""
    start = pd.Timestamp("2026-03-02")  # local wall-clock time (the weeks cross a DST change)
    out = []
    for week in range(weeks):
        for day in range(7):
            for slot in np.flatnonzero(counts[day]):
                at = start + pd.Timedelta(days=7 * week + day, minutes=30 * int(slot) + 15)
                out += [at.tz_localize(PACK.zone).timestamp()] * int(counts[day, slot])
    return np.array(out)


def test_a_days_times_hours_profile_is_recovered_exactly():
    days = np.array([5, 4, 4, 3, 2, 1, 1])
    hours = np.zeros(48)
    hours[16:34] = np.arange(1, 19)
    profile = arrival_profile(_instants(np.outer(days, hours), 3), PACK.zone)
    assert profile.distance == pytest.approx(0.0, abs=1e-12)
    assert np.allclose(np.array(profile.days) / profile.days[0], days / days[0])
    assert np.allclose(profile.hours, hours / hours.sum())
    assert profile.tickets == 3 * days.sum() * hours.sum()


def test_a_profile_that_is_no_product_has_a_distance():
    counts = np.zeros((7, 48))
    counts[0, 18], counts[1, 30] = 10, 10  # Monday mornings, Tuesday afternoons only
    profile = arrival_profile(_instants(counts, 2), PACK.zone)
    # the product form spreads each day's tickets over both half-hours: half misplaced
    assert profile.distance == pytest.approx(0.5)


# -- a synthetic log with known laws ---------------------------------------------------------
TRUE: dict[str, Distribution] = {
    "work_P1": Lognormal(4 * HOUR, 1.2),
    "work_P2": Weibull(0.8, 9 * HOUR),
    "wait": Gamma(10 * HOUR, 0.6),
    "reopen": Weibull(0.9, 20 * HOUR),
}
SHARES = {"P1": 0.75, "escalated": 0.4, "waiting": 0.3, "reopened": 0.1}
TICKETS = 3000


def synthetic_log(seed: int = 5) -> EventLog:
    """P1/P2 tickets (24/7 clocks, so elapsed business time is the drawn work) with
    escalations, waits on the user and reopenings drawn from the laws of ``TRUE``."""
    rng = np.random.default_rng(seed)
    n = TICKETS
    opened = pd.Timestamp("2026-03-01", tz=PACK.zone).timestamp() + rng.uniform(0, 28 * 86400, n)
    p1 = rng.random(n) < SHARES["P1"]
    work = np.where(p1, TRUE["work_P1"].sample(rng, n), TRUE["work_P2"].sample(rng, n))
    waits = rng.random(n) < SHARES["waiting"]
    wait = np.where(waits, TRUE["wait"].sample(rng, n), 0.0)
    up = rng.random(n) < SHARES["escalated"]
    again = rng.random(n) < SHARES["reopened"]
    delay = TRUE["reopen"].sample(rng, n)
    split = rng.uniform(0.1, 0.9, n)
    rows: list[tuple[str, float, str, str, str]] = []
    for i in range(n):
        tid, t0 = f"T{i:05d}", float(opened[i])
        rows += [(tid, t0, "opened", "", "1"), (tid, t0, "priority", "P1" if p1[i] else "P2", "1"),
                 (tid, t0, "assigned", "1", "1")]
        lead = min(60.0, float(work[i]) / 2)  # escalated a minute after opening
        if up[i]:
            rows.append((tid, t0 + lead, "assigned", "2", "2"))
        level = "2" if up[i] else "1"
        if waits[i]:
            begin = t0 + lead + split[i] * (work[i] - lead)
            rows += [(tid, begin, "waiting_start", "", level),
                     (tid, begin + wait[i], "waiting_end", "", level)]
        done = t0 + work[i] + wait[i]
        rows.append((tid, done, "resolved", "", level))
        if again[i]:  # reopened and resolved again at once: elapsed time is unchanged
            rows += [(tid, done + delay[i], "reopened", "", level),
                     (tid, done + delay[i], "resolved", "", level)]
    frame = pd.DataFrame(rows, columns=["id", "time", "event", "value", "level"])
    for column in ("channel", "option", "service", "group"):
        frame[column] = ""
    return EventLog(frame)


@pytest.fixture(scope="module")
def synthetic() -> Calibration:
    return calibrate(synthetic_log(), PACK, source="synthetic")


def _share_close(observed: float, p: float, n: int) -> bool:
    return abs(observed - p) < 5 * math.sqrt(p * (1 - p) / n)


def test_shares_of_a_synthetic_log_are_recovered(synthetic):
    c = synthetic
    assert c.tickets == TICKETS
    assert _share_close(c.priorities["P1"].value, SHARES["P1"], TICKETS)
    assert c.priorities["P3"].count == 0
    assert sum(s.count for s in c.priorities.values()) == TICKETS
    assert c.escalated is not None and _share_close(c.escalated.value, SHARES["escalated"],
                                                     TICKETS)
    assert _share_close(c.waiting.value, SHARES["waiting"], TICKETS)
    assert c.waiting_escalated is not None
    assert _share_close(c.waiting_escalated.value, SHARES["waiting"], c.escalated.count)
    assert _share_close(c.reopened.value, SHARES["reopened"], TICKETS)


@pytest.mark.parametrize(("name", "fit_of"), [
    ("work_P1", lambda c: c.resolution[0].fit),
    ("work_P2", lambda c: c.resolution[1].fit),
    ("wait", lambda c: c.waiting_duration),
    ("reopen", lambda c: c.reopen_after),
])
def test_durations_of_a_synthetic_log_are_recovered(synthetic, name, fit_of):
    law, fit = TRUE[name], fit_of(synthetic)
    assert fit is not None
    best = fit.best
    assert best.family == type(law).__name__.lower()
    assert abs(best.mean / law.mean - 1) < 5 * _cv(law) / math.sqrt(best.n)
    assert abs(best.cv / _cv(law) - 1) < 0.15


def test_resolution_times_are_the_measurements(synthetic):
    """calibrate() reads business time from rules.measure, not from a clock of its own."""
    table = measure(synthetic_log(), PACK).tickets
    p1 = synthetic.resolution[0]
    assert p1.priority == "P1" and p1.resolved == int((table["priority"] == "P1").sum())
    assert p1.zeros == 0
    assert p1.fit is not None and p1.fit.n == p1.resolved
    assert [r.fit for r in synthetic.resolution[2:]] == [None, None, None]  # no P3–P5


# -- the extracts of the real logs ---------------------------------------------------------
@pytest.fixture(scope="module", params=["servicenow-uci", "volvo-bpi2013"])
def extract(request) -> tuple[str, EventLog]:
    name = request.param
    return name, import_source(DATA / f"{name}-extract.csv", load_mapping(name),
                               priorities=PACK.priority_codes)


def test_an_extract_is_counted_as_the_log_says(extract):
    name, log = extract
    c = calibrate(log, PACK, source=name)
    frame = log.frame
    events = frame["event"].astype(str)
    ids = frame["id"].nunique()
    assert c.tickets == ids and c.profile.tickets == ids
    assert sum(s.count for s in c.priorities.values()) == ids
    assert c.waiting.count == frame.loc[events == "waiting_start", "id"].nunique()
    assert c.reopened.count == frame.loc[events == "reopened", "id"].nunique()
    levels = pd.to_numeric(frame["level"], errors="coerce")
    if name == "servicenow-uci":  # no support level in that export
        assert c.escalated is None and c.waiting_escalated is None
    else:
        up = frame.loc[(events == "assigned") & (levels >= 2), "id"].nunique()
        assert c.escalated is not None and c.escalated.count == up
    measured = measure(log, PACK).tickets
    resolved = measured[~measured["open"]]
    assert sum(r.resolved for r in c.resolution) == len(resolved)


# -- the fragment, merged into a scenario --------------------------------------------------
def merged(scenario: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """``part`` merged key by key into ``scenario``, as a planner pastes a fragment; an
    incident mix replaces the scenario's (a mix is attributes or priorities, not both), and
    so does a law ``{dist: …}`` (its parameters depend on its family)."""
    out = copy.deepcopy(scenario)
    for key, value in part.items():
        whole = key == "incidents" or (isinstance(value, dict) and "dist" in value)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not whole:
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="module")
def with_zeros(synthetic) -> Calibration:
    """The synthetic calibration with a fifth of P1's resolved tickets taking no business
    time (as off-hours resolutions do in the real logs)."""
    p1 = synthetic.resolution[0]
    zeros = replace(p1, zeros=p1.resolved // 5)
    return replace(synthetic, resolution=(zeros, *synthetic.resolution[1:]))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_fragment_loads_as_part_of_the_baseline(with_zeros, tmp_path, lang):
    c = with_zeros
    text = fragment(c, PACK, group="N2-bureautique", notes=notes(c, lang))
    part = yaml.safe_load(text)
    baseline = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    path = tmp_path / "calibrated.yaml"
    path.write_text(yaml.safe_dump(merged(baseline, part), allow_unicode=True), encoding="utf-8")
    scenario, _ = load_scenario(path)

    assert scenario.demand.profiles[PROFILE_NAME].weights[0] >= 0
    mix = scenario.demand.incidents.priorities
    assert sum(mix.values()) == pytest.approx(1.0)
    assert mix["P1"] == pytest.approx(c.priorities["P1"].value, abs=0.001)
    escalated = c.escalated
    assert escalated is not None
    assert scenario.level_one.first_contact["*"] == pytest.approx(1 - escalated.value, abs=0.001)
    waiting = scenario.escalation.waiting
    assert waiting is not None and c.waiting_escalated is not None
    assert waiting.probability == pytest.approx(c.waiting_escalated.value, abs=0.001)
    assert waiting.duration.mean == pytest.approx(c.waiting_duration.best.mean, rel=0.01)
    group = scenario.escalation.groups["N2-bureautique"]
    declared = baseline["escalation"]["groups"]["N2-bureautique"]
    # the fitted resolution laws are holds: held with the share that took business time
    # (P1: 1 − its zeros; P2 has none, so the law alone, every ticket held)
    p1, p2 = c.resolution[:2]
    assert p1.zeros > 0 and p2.zeros == 0
    for r in (p1, p2):
        assert r.fit is not None
        hold = group.hold[r.priority]
        assert hold.probability == pytest.approx(1 - r.zeros / r.resolved, abs=0.001)
        assert hold.duration.mean == pytest.approx(r.fit.best.mean, rel=0.01)
    assert "work" not in part["escalation"]["groups"]["N2-bureautique"]
    # hands-on work is the scenario's, and so are holds of priorities absent from the log
    assert group.work == {k: distribution_from_spec(v) for k, v in declared["work"].items()}
    assert group.hold["P3"].duration == distribution_from_spec(
        declared["hold"]["P3"]["duration"])


# -- the command -------------------------------------------------------------------------------
def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(args)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["Calibrage de", "Lois ajustées", "En attente de l'utilisateur", "résolution P1",
            "« hold » du groupe N2-bureautique", "pas l'effort"]),
    ("en", ["Calibration of", "Fitted laws", "Waiting on the user", "resolution P1",
            "group N2-bureautique's `hold`", "not effort"]),
])
def test_cau_calibrate_prints_fits_and_writes_the_fragment(tmp_path, lang, words):
    events = tmp_path / "events.csv"
    synthetic_log().write(events)
    out = tmp_path / "fragment.yaml"
    status, text, _ = _run(["calibrate", str(events), "--rules", "cspq-cau", "--out", str(out),
                            "--lang", lang, "--group", "N2-bureautique"])
    assert status == 0
    for word in words:
        assert word in text
    assert "lognormal*" in text and "KS" in text and "AIC" in text
    part = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert set(part) == {"demand", "level_one", "escalation"}
    assert set(part["escalation"]["groups"]["N2-bureautique"]) == {"hold"}
    assert set(part["escalation"]["groups"]["N2-bureautique"]["hold"]) == {"P1", "P2"}


def test_cau_calibrate_on_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    status, _, err = _run(["calibrate", str(tmp_path / "none.csv"), "--rules", "cspq-cau"])
    assert status == 2 and "cau calibrate: error" in err
