"""Scenario variants as overlays: a file that ``extends`` a base scenario says only what
differs ("what if volume grows 15 %": ``demand: {scale: 1.15}``), so variants cannot
drift from the baseline they vary.

The variant's keys merge over the base's, deeply: mappings key by key; lists and
scalars replace the base's value whole, and so does a distribution (a mapping naming
``dist``: its parameters depend on its family) and a staffing (a mapping naming
``shifts`` or ``table``: its two forms exclude each other). ``extends`` is a path relative to the
variant's file; a base may extend another. Every merged value keeps the file and line it
was written at (:meth:`rules.document.Document.file_of`), so a problem is reported where
the offending value came from, base or variant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rules.document import Document, did_you_mean

EXTENDS = "extends"
# Keys only a scenario has at its top level (how `cau validate` tells it from a rule pack).
SCENARIO_KEYS = frozenset({"horizon", "demand", "level_one", "escalation", EXTENDS})
# Keys that make a mapping one value, replaced whole: a distribution's family, and the
# two forms of a staffing (a table over a base's shifts must not leave both).
WHOLE = ("dist", "shifts", "table")


def read_layers(path: str | Path) -> tuple[Document, tuple[str, ...]]:
    """The scenario file at ``path`` with every file it extends merged beneath it, and
    those base files, nearest first. A missing base or a cycle of bases is a located
    :class:`rules.errors.ValidationError`."""
    return _read(Path(path), ())


def _read(path: Path, chain: tuple[Path, ...]) -> tuple[Document, tuple[str, ...]]:
    doc = Document.from_path(path)
    root = doc.root()
    if not root.has(EXTENDS):
        return doc, ()
    node = root[EXTENDS]
    ref = node.str()
    if ref is None:
        doc.raise_problems()
    base_path = path.parent / str(ref)
    here = (*chain, path.resolve())
    if base_path.resolve() in here:
        cycle = " → ".join(p.name for p in (*here, base_path.resolve()))
        node.report("a base scenario that does not extend this file back", f"a cycle: {cycle}")
        doc.raise_problems()
    if not base_path.is_file():
        folder = base_path.parent.resolve()
        names = sorted(p.name for p in folder.glob("*.yaml")
                       if p.resolve() != path.resolve()) if folder.is_dir() else []
        node.report("a scenario file, as a path relative to this one",
                    f'"{ref}": no such file in {folder}/', did_you_mean(base_path.name, names))
        doc.raise_problems()
    base, bases = _read(base_path, here)
    return overlay(base, doc), (base.name, *bases)


def overlay(base: Document, layer: Document) -> Document:
    """``layer`` (a variant, its ``extends`` key dropped) merged over ``base``; returns
    ``layer``, its data, positions and files now those of the merged scenario."""
    own = layer.data
    if isinstance(own, dict):
        own = {k: v for k, v in own.items() if k != EXTENDS}
    replaced: list[tuple[Any, ...]] = []
    data = _merge(base.data, own, (), replaced)
    positions = {path: at for path, at in base.positions.items()
                 if not any(path[:len(r)] == r for r in replaced)}
    files = {path: base.file_of(path) for path in positions}
    for path, at in layer.positions.items():
        if path[:1] != (EXTENDS,):
            positions[path] = at
            files.pop(path, None)
    layer.data, layer.positions, layer.files = data, positions, files
    layer.problems[:0] = base.problems
    return layer


def _merge(base: Any, value: Any, path: tuple[Any, ...], replaced: list[tuple[Any, ...]]
           ) -> Any:
    """``value`` over ``base``; records in ``replaced`` every path whose base value was
    replaced whole (its base positions no longer apply)."""
    if not (isinstance(base, dict) and isinstance(value, dict)) or any(
            key in value for key in WHOLE):
        replaced.append(path)
        return value
    merged = dict(base)
    for key, child in value.items():
        merged[key] = (_merge(base[key], child, (*path, key), replaced) if key in base
                       else child)
    return merged
