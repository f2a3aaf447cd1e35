"""Scenario variants as overlays: a file that ``extends`` a base scenario says only what
differs ("what if volume grows 15 %": ``demand: {scale: 1.15}``), so variants cannot
drift from the baseline they vary.

The variant's keys merge over the base's, deeply: mappings key by key; lists and
scalars replace the base's value whole, and so does a distribution (a mapping naming
``dist``: its parameters depend on its family) and a staffing (a mapping naming
``shifts`` or ``table``: its two forms exclude each other). ``extends`` is a path relative to the
variant's file, inside the folders a scenario may read (:func:`reading_roots`); a base may
extend another, up to :data:`MAX_BASES` in a chain. Every merged value keeps the file and line it
was written at (:meth:`rules.document.Document.file_of`), so a problem is reported where
the offending value came from, base or variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from rules.document import Document, Node, did_you_mean, kind_of
from rules.loader import PACK_KEYS

EXTENDS = "extends"
# Keys only a scenario has at its top level (how `cau validate` tells it from a rule pack).
SCENARIO_KEYS = frozenset({"horizon", "demand", "level_one", "escalation", EXTENDS})
# Keys that make a mapping one value, replaced whole: a distribution's family, and the
# two forms of a staffing (a table over a base's shifts must not leave both).
WHOLE = ("dist", "shifts", "table")
# Top-level keys only a scenario has (a base may hold only some of them): a file with a
# rule pack's keys and none of these is a rule pack.
SCENARIO_PARTS = ("rule_pack", "horizon", "demand", "level_one", "escalation")
# Bases in one chain: a planner's variants extend one or two files; a long chain is a
# mistake or an attack (each level is a file read and a merge).
MAX_BASES = 16


def read_layers(path: str | Path, roots: Sequence[str | Path] | None = None
                ) -> tuple[Document, tuple[str, ...]]:
    """The scenario file at ``path`` with every file it extends merged beneath it, and
    those base files, nearest first. A missing base, a cycle of bases, a chain of more
    than :data:`MAX_BASES`, a base that is not a scenario or lies outside ``roots`` (by
    default :func:`reading_roots` of ``path``) is a located
    :class:`rules.errors.ValidationError`; the content of a file that is not a scenario
    is never quoted."""
    path = Path(path)
    folders = reading_roots(path) if roots is None else tuple(Path(r) for r in roots)
    docs = [Document.from_path(path)]
    files = [path]
    while docs[-1].root().has(EXTENDS):
        doc, node = docs[-1], docs[-1].root()[EXTENDS]
        base_path = _base(node, files, folders)
        if base_path is None:
            doc.raise_problems()
        base = Document.from_path(cast(Path, base_path))
        keys = set(base.data) if isinstance(base.data, dict) else set()
        if not isinstance(base.data, dict) or (
                keys & PACK_KEYS and not keys & {EXTENDS, *SCENARIO_PARTS}):
            what = "a rule pack" if keys & PACK_KEYS else kind_of(base.data)
            node.report("a scenario file to extend", f'"{node.value}": {what}')
            doc.raise_problems()
        docs.append(base)
        files.append(cast(Path, base_path))
    merged = docs[-1]
    for layer in reversed(docs[:-1]):
        merged = overlay(merged, layer)
    return merged, tuple(doc.name for doc in docs[1:])


def reading_roots(path: str | Path, allow: Sequence[str | Path] = ()) -> tuple[Path, ...]:
    """The folders (with their subfolders) from which a scenario at ``path`` may read the
    files it names (``extends``, ``rule_pack``): its own folder, the working directory,
    and the folders a user allows explicitly (``--allow DIR``). Shipped rule packs are
    always readable. A working directory that is the file system's root is no folder of
    work, and does not count."""
    cwd = Path.cwd().resolve()
    folders = [Path(path).resolve().parent, *([cwd] if cwd != Path(cwd.anchor) else []),
               *(Path(a).resolve() for a in allow)]
    return tuple(dict.fromkeys(folders))


def outside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether ``path``, symbolic links followed, lies outside every folder of ``roots``."""
    real = path.resolve()
    return not any(real.is_relative_to(root.resolve()) for root in roots)


def roots_text(roots: Sequence[Path]) -> str:
    return ", ".join(str(r) for r in roots)


def _base(node: Node, chain: list[Path], roots: Sequence[Path]) -> Path | None:
    """The file ``extends`` names (relative to the file it is written in), or None after
    recording why it cannot be read."""
    ref = node.str()
    if ref is None:
        return None
    if len(chain) > MAX_BASES:
        node.report(f"a chain of at most {MAX_BASES} base scenarios",
                    f"{len(chain)} files extending one another")
        return None
    here = chain[-1]
    base_path = here.parent / ref
    seen = [p.resolve() for p in chain]
    if base_path.resolve() in seen:
        cycle = " → ".join(p.name for p in (*seen, base_path.resolve()))
        node.report("a base scenario that does not extend this file back", f"a cycle: {cycle}")
        return None
    if outside(base_path, roots):
        node.report("a scenario file inside the folders a scenario may read: "
                    + roots_text(roots), f'"{ref}", outside them',
                    "Copy the base beside the scenario, or allow its folder with --allow DIR.")
        return None
    if not base_path.is_file():
        folder = base_path.parent.resolve()
        names = sorted(p.name for p in folder.glob("*.yaml")
                       if p.resolve() != here.resolve()) if folder.is_dir() else []
        node.report("a scenario file, as a path relative to this one",
                    f'"{ref}": no such file in {folder}/', did_you_mean(base_path.name, names))
        return None
    return base_path


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
