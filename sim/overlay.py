"""Scenario variants as overlays: a file that ``extends`` a base scenario says only what
differs ("what if volume grows 15 %": ``demand: {scale: 1.15}``), so variants cannot
drift from the baseline they vary.

The variant's keys merge over the base's, deeply: mappings key by key; lists and
scalars replace the base's value whole, and so does a distribution (a mapping naming
``dist``: its parameters depend on its family) and a staffing (a mapping naming
``shifts`` or ``table``: its two forms exclude each other). A key written empty (``~``)
removes the base's key (a variant of agent groups back to one pool drops ``groups``).
``extends`` is a path relative to the variant's file, inside the folders a scenario may
read (:func:`reading_roots`); a base may extend another, up to :data:`MAX_BASES` in a
chain. Every merged value keeps the file and line it
was written at (:meth:`rules.document.Document.file_of`), so a problem is reported where
the offending value came from, base or variant.

One item of a list changes alone when the variant gives a *mapping* where the base has a
list: each key addresses an item, by its ``name`` (any list of mappings with a ``name``
key: shifts, streams, call types…) or by its index (a whole number), and its value merges
into that item (``shifts: {"09:30": {headcount: 4}}``); an unknown name or index is a
located problem with did-you-mean. Command-line settings (:mod:`sim.settings`) are such
layers too, each a file of its own for messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from rules.document import Document, Node, did_you_mean, format_path, kind_of
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
    data, positions, files = merge_layer(base, layer)
    layer.data, layer.positions, layer.files = data, positions, files
    layer.problems[:0] = base.problems
    return layer


def merge_layer(base: Document, layer: Document
                ) -> tuple[Any, dict[tuple[Any, ...], Any], dict[tuple[Any, ...], str]]:
    """The data, positions and files of ``layer`` merged over ``base``. Problems of the
    merge (an item of a list that does not exist) are recorded in ``layer``, located at
    the key that named it."""
    own = layer.data
    if isinstance(own, dict):
        own = {k: v for k, v in own.items() if k != EXTENDS}
    merge = _Merge(layer)
    data = merge.merge(base.data, own, (), ())
    positions = {path: at for path, at in base.positions.items()
                 if not any(path[:len(r)] == r for r in merge.replaced)}
    files = {path: base.file_of(path) for path in positions}
    for path, at in layer.positions.items():
        if path[:1] != (EXTENDS,):
            moved = merge.moved(path)
            positions[moved] = at
            files[moved] = layer.name
    return data, positions, files


class _Merge:
    """One merge of a layer over its base: what was replaced whole (its base positions no
    longer apply) and where each addressed list item lies in the merged data."""

    def __init__(self, layer: Document):
        self.layer = layer
        self.replaced: list[tuple[Any, ...]] = []
        self.moves: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # layer path → merged path

    def moved(self, path: tuple[Any, ...]) -> tuple[Any, ...]:
        """A layer path as a path of the merged data (an item's name becomes its index)."""
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.moves:
                return (*self.moves[path[:cut]], *path[cut:])
        return path

    def merge(self, base: Any, value: Any, path: tuple[Any, ...], at: tuple[Any, ...]) -> Any:
        """``value`` (at ``at`` in the layer) over ``base`` (at ``path`` in the merge)."""
        if isinstance(base, list) and isinstance(value, dict):
            return self._items(base, value, path, at)
        if not (isinstance(base, dict) and isinstance(value, dict)) or any(
                key in value and not _patches(base.get(key), value[key]) for key in WHOLE):
            self.replaced.append(path)
            return value
        merged = dict(base)
        for key, child in value.items():
            if child is None and key in base:  # written empty: the base's key removed
                del merged[key]
                self.replaced.append((*path, key))
                continue
            merged[key] = (self.merge(base[key], child, (*path, key), (*at, key))
                           if key in base else child)
        return merged

    def _items(self, base: list[Any], value: dict[Any, Any], path: tuple[Any, ...],
               at: tuple[Any, ...]) -> list[Any]:
        """Items of ``base`` addressed by name or index, each merged with its new value."""
        merged = list(base)
        names = [str(item["name"]) for item in base if isinstance(item, dict) and "name" in item]
        for key, child in value.items():
            index = _index(base, key)
            if index is None:
                self._unknown_item(base, names, key, at)
                continue
            self.moves[(*at, key)] = (*path, index)
            merged[index] = self.merge(base[index], child, (*path, index), (*at, key))
        return merged

    def _unknown_item(self, base: list[Any], names: list[str], key: Any,
                      at: tuple[Any, ...]) -> None:
        where = format_path(at) or "the list"
        if isinstance(key, int) and not isinstance(key, bool):
            expected = f"an index of {where} from 0 to {len(base) - 1}"
            if names:
                expected += " or the name of one of its items"
            self.layer.report((*at, key), expected, str(key),
                              did_you_mean(str(key), names) if names else None, at_key=True)
            return
        if names:
            expected = f"the name of an item of {where} (or its index, 0 to {len(base) - 1})"
            suggestion = did_you_mean(str(key), names)
        else:
            expected = (f"an index of {where}, from 0 to {len(base) - 1} (its items have no "
                        "name)")
            suggestion = None
        self.layer.report((*at, key), expected, f'"{key}"', suggestion, at_key=True)


def _patches(base: Any, value: Any) -> bool:
    """``value`` changes items of the list ``base`` rather than replacing it."""
    return isinstance(base, list) and isinstance(value, dict)


def _index(items: list[Any], key: Any) -> int | None:
    """The index of the item ``key`` addresses: a whole number is an index, a text the
    ``name`` of an item; None when there is none."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key if 0 <= key < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and "name" in item and str(item["name"]) == str(key):
            return index
    return None
