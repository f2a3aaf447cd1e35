"""Scenario variants as overlays (``extends``): deep-merge semantics, problems located in
the file their value came from, missing and cyclic bases, the shipped variants equal to
the baseline except where they say; and a rule pack given for a scenario (or the other
way round) said in one line."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from cau.cli import main
from rules.errors import InputFileError, ValidationError
from rules.loader import load_rule_pack
from sim.overlay import read_layers
from sim.scenario import Scenario
from sim.scenario_loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "cspq-baseline.yaml"

BASE = """\
a: 1
nested:
  keep: base
  change: base
  deeper: {x: 1, y: 2}
items: [1, 2, 3]
law: {dist: weibull, shape: 0.5, scale: 2h}
"""
VARIANT = """\
extends: base.yaml
nested:
  change: variant
  deeper: {y: 20}
  added: new
items: [9]
law: {dist: lognormal, mean: 1h, cv: 1}
b: 2
"""


def _write(folder: Path, **files: str) -> None:
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_mappings_merge_key_by_key_lists_scalars_and_laws_replace(tmp_path: Path) -> None:
    _write(tmp_path, base=BASE, variant=VARIANT)
    doc, bases = read_layers(tmp_path / "variant.yaml")
    assert bases == (str(tmp_path / "base.yaml"),)
    assert doc.data == {
        "a": 1,
        "nested": {"keep": "base", "change": "variant", "deeper": {"x": 1, "y": 20},
                   "added": "new"},
        "items": [9],
        "law": {"dist": "lognormal", "mean": "1h", "cv": 1},  # no weibull shape left over
        "b": 2,
    }
    base, variant = str(tmp_path / "base.yaml"), str(tmp_path / "variant.yaml")
    where = {path: (doc.file_of(path), doc.positions[path][0]) for path in (
        ("a",), ("nested", "keep"), ("nested", "change"), ("nested", "deeper", "x"),
        ("nested", "deeper", "y"), ("items", 0), ("law", "mean"), ("b",))}
    assert where == {
        ("a",): (base, 1), ("nested", "keep"): (base, 3), ("nested", "change"): (variant, 3),
        ("nested", "deeper", "x"): (base, 5), ("nested", "deeper", "y"): (variant, 4),
        ("items", 0): (variant, 6), ("law", "mean"): (variant, 7), ("b",): (variant, 8),
    }
    # The base's list items and law parameters replaced whole are no longer located.
    assert ("items", 2) not in doc.positions and ("law", "shape") not in doc.positions
    assert ("extends",) not in doc.positions and "extends" not in doc.data


def test_a_key_written_empty_removes_the_bases_key(tmp_path: Path) -> None:
    _write(tmp_path, base=BASE, variant="extends: base.yaml\nnested: {deeper: ~, keep: ~}\n"
                                        "items: ~\nnew: ~\n")
    doc, _ = read_layers(tmp_path / "variant.yaml")
    assert doc.data == {"a": 1, "nested": {"change": "base"}, "new": None,
                        "law": {"dist": "weibull", "shape": 0.5, "scale": "2h"}}
    assert ("nested", "deeper", "x") not in doc.positions and ("items", 0) not in doc.positions


def test_a_chain_of_bases_merges_nearest_last(tmp_path: Path) -> None:
    _write(tmp_path, base=BASE, variant=VARIANT, third="extends: variant.yaml\nb: 3\na: 0\n")
    doc, bases = read_layers(tmp_path / "third.yaml")
    assert [Path(b).name for b in bases] == ["variant.yaml", "base.yaml"]
    assert (doc.data["a"], doc.data["b"], doc.data["nested"]["change"]) == (0, 3, "variant")
    assert Path(doc.file_of(("nested", "keep"))).name == "base.yaml"


def test_problems_are_located_in_the_base_and_in_the_variant(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    text = BASELINE.read_text(encoding="utf-8")
    base.write_text(text.replace("profile: courriels", "profile: courriel"), encoding="utf-8")
    variant = tmp_path / "variant.yaml"
    variant.write_text("extends: base.yaml\ndemand:\n  scale: -1\nlevel_one: {grup: N1}\n",
                       encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(variant)
    problems = {p.path: p for p in caught.value.problems}
    profile = problems["demand.streams[2].profile"]
    assert profile.file == str(base) and '"courriels"' in (profile.suggestion or "")
    assert profile.line == 1 + text.splitlines().index("      profile: courriels")
    scale = problems["demand.scale"]
    assert (scale.file, scale.line) == (str(variant), 3)
    unknown = problems["level_one.grup"]
    assert (unknown.file, unknown.line) == (str(variant), 4)
    assert '"group"' in (unknown.suggestion or "")


def test_a_missing_base_is_located_with_a_did_you_mean(tmp_path: Path) -> None:
    shutil.copy(BASELINE, tmp_path / "cspq-baseline.yaml")
    variant = tmp_path / "variant.yaml"
    variant.write_text("name: x\nextends: cspq-baseline.yml\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(variant)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.path) == (str(variant), 2, "extends")
    assert "no such file" in problem.found
    assert problem.suggestion == 'Did you mean "cspq-baseline.yaml"?'


def test_a_missing_base_names_its_folder_and_never_suggests_the_variant_itself(
    tmp_path: Path,
) -> None:
    variant = tmp_path / "my-variant.yaml"  # a copy made away from the shipped base
    variant.write_text("extends: cspq-baseline.yaml\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_scenario(variant)
    [problem] = caught.value.problems
    assert problem.found.endswith(f"no such file in {tmp_path.resolve()}/")
    assert problem.suggestion is None


def test_a_cycle_of_bases_is_located(tmp_path: Path) -> None:
    _write(tmp_path, a="extends: b.yaml\n", b="name: b\nextends: a.yaml\n")
    with pytest.raises(ValidationError) as caught:
        load_scenario(tmp_path / "a.yaml")
    [problem] = caught.value.problems
    assert (Path(problem.file).name, problem.line, problem.path) == ("b.yaml", 2, "extends")
    assert "a.yaml → b.yaml → a.yaml" in problem.found
    _write(tmp_path, itself="extends: ./itself.yaml\n")
    with pytest.raises(ValidationError, match=r"itself\.yaml → itself\.yaml"):
        load_scenario(tmp_path / "itself.yaml")


def test_a_base_names_its_rule_pack_relative_to_itself(tmp_path: Path) -> None:
    folder = tmp_path / "base"
    folder.mkdir()
    shutil.copy(ROOT / "rules" / "cspq-cau.yaml", folder / "pack.yaml")
    (folder / "base.yaml").write_text(BASELINE.read_text(encoding="utf-8").replace(
        "rule_pack: cspq-cau", "rule_pack: pack.yaml"), encoding="utf-8")
    (tmp_path / "variant.yaml").write_text("extends: base/base.yaml\ndemand: {scale: 1.1}\n",
                                           encoding="utf-8")
    scenario, pack = load_scenario(tmp_path / "variant.yaml")
    assert pack.source == str(folder / "pack.yaml") and scenario.demand.scale == 1.1
    assert scenario.bases == (str(folder / "base.yaml"),)


def _as_baseline(scenario: Scenario, baseline: Scenario) -> Scenario:
    """``scenario`` with what names and locates it set to the baseline's."""
    return dataclasses.replace(scenario, name=baseline.name, source=baseline.source,
                               bases=(), warnings=())


def test_the_shipped_variants_differ_from_the_baseline_only_where_they_say() -> None:
    baseline, base_pack = load_scenario(BASELINE)
    reference = dataclasses.replace(baseline, warnings=())
    volume, _ = load_scenario(SCENARIOS / "volume-plus-15.yaml")
    assert volume.bases == (str(SCENARIOS / "cspq-baseline.yaml"),)
    assert volume.demand.scale == 1.15 and volume.name != baseline.name
    same = dataclasses.replace(volume, demand=dataclasses.replace(volume.demand, scale=1.0))
    assert _as_baseline(same, baseline) == reference

    trial, pack = load_scenario(SCENARIOS / "p3-8h-85.yaml")
    assert dict(trial.targets) == {"P3": {"threshold": "8h", "goal": "85%"}}
    assert _as_baseline(dataclasses.replace(trial, targets={}), baseline) == reference
    changed = [t.id for t in pack.targets if t != base_pack.target(t.id)]
    assert changed == [pack.resolution_target("P3").id]


def test_a_rule_pack_given_as_a_scenario_is_said_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pack_file = ROOT / "rules" / "cspq-cau.yaml"
    with pytest.raises(InputFileError, match="this is a rule pack, not a scenario: use "
                                             "cau validate / cau measure --rules"):
        load_scenario(pack_file)
    assert main(["simulate", str(pack_file), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "this is a rule pack, not a scenario" in err


@pytest.mark.parametrize("name", ["cspq-baseline.yaml", "p3-8h-85.yaml"])
def test_a_scenario_given_as_a_rule_pack_is_said_in_one_line(
    name: str, capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(InputFileError, match="this is a scenario, not a rule pack: use "
                                             "cau simulate / cau validate"):
        load_rule_pack(SCENARIOS / name)
    events = ROOT / "tests" / "data" / "servicenow-uci-extract.csv"
    assert main(["measure", str(events), "--rules", str(SCENARIOS / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "this is a scenario, not a rule pack" in err


# -- what a scenario may name: inside its folders, of the right kind, never quoted --------
def test_a_base_that_is_not_a_scenario_is_named_never_quoted(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("s3cret line\nanother\n", encoding="utf-8")
    shutil.copy(ROOT / "rules" / "cspq-cau.yaml", tmp_path / "pack.yaml")
    _write(tmp_path, a="extends: notes.txt\n", b="extends: pack.yaml\n", c="extends: a.yaml\n")
    for name, found in (("a", '"notes.txt": a text of 19 characters, not a YAML mapping'),
                        ("b", '"pack.yaml": a rule pack'), ("c", "notes.txt")):
        with pytest.raises(ValidationError) as caught:
            load_scenario(tmp_path / f"{name}.yaml")
        text = str(caught.value)
        assert "expected a scenario file to extend" in text and found in text
        assert "s3cret" not in text


def test_files_outside_the_scenario_folders_are_refused_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the working directory is a folder scenarios may read
    shared, mine = tmp_path / "shared", tmp_path.parent / f"{tmp_path.name}-elsewhere"
    shared.mkdir()
    mine.mkdir()
    shutil.copy(BASELINE, shared / "base.yaml")
    (mine / "variant.yaml").write_text(f"extends: {shared / 'base.yaml'}\n", encoding="utf-8")
    (mine / "link.yaml").symlink_to(shared / "base.yaml")
    (mine / "via-link.yaml").write_text("extends: link.yaml\n", encoding="utf-8")
    monkeypatch.chdir(mine)
    for name in ("variant", "via-link"):
        with pytest.raises(ValidationError) as caught:
            load_scenario(mine / f"{name}.yaml")
        [problem] = caught.value.problems
        assert problem.path == "extends" and problem.found.endswith("outside them")
        assert "--allow DIR" in (problem.suggestion or "")
        scenario, _ = load_scenario(mine / f"{name}.yaml", allow=[shared])
        assert Path(scenario.bases[0]).resolve() == shared / "base.yaml"
    (mine / "pack.yaml").write_text(BASELINE.read_text(encoding="utf-8").replace(
        "rule_pack: cspq-cau", f"rule_pack: {ROOT / 'rules' / 'cspq-cau.yaml'}"),
        encoding="utf-8")
    assert load_scenario(mine / "pack.yaml")[1].id  # a shipped pack by its path is fine


def test_a_chain_of_bases_is_bounded(tmp_path: Path) -> None:
    shutil.copy(BASELINE, tmp_path / "c0.yaml")
    for i in range(1, 40):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i - 1}.yaml\n", encoding="utf-8")
    assert len(load_scenario(tmp_path / "c16.yaml")[0].bases) == 16
    with pytest.raises(ValidationError, match="expected a chain of at most 16 base scenarios"):
        load_scenario(tmp_path / "c39.yaml")
