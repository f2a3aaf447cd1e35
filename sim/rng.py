"""Random streams: one generator per random source of one replication.

A run has one ``SeedSequence``, spawned into one child per replication
(:func:`sim.replications.child_seeds`); :class:`Streams` turns a replication's child into
one independent generator per source. A source's stream is derived from its *name* (a
stable hash appended to the spawn key), not from the order in which sources are asked
for, so adding a source never shifts the numbers of the others, and the same seed gives
the same numbers on one worker or many.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

import numpy as np

# The random sources of the simulator; each gets its own independent stream.
SOURCES: tuple[str, ...] = (
    "arrivals", "reasons", "handling", "after_call", "patience", "emails", "email_handling",
    "escalation", "first_contact", "work", "waiting", "reopen", "backlog", "hold",
)


def _source_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")


class Streams(Mapping[str, np.random.Generator]):
    """The generators of one replication, one per source of :data:`SOURCES`; an unknown
    source name is a KeyError, so a misspelt one cannot silently share a stream."""

    def __init__(self, seed: int | np.random.SeedSequence):
        if not isinstance(seed, np.random.SeedSequence):
            seed = np.random.SeedSequence(seed)
        self.seed = seed
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, source: str) -> np.random.Generator:
        generator = self._generators.get(source)
        if generator is None:
            if source not in SOURCES:
                raise KeyError(f"unknown random source {source!r}; known: {', '.join(SOURCES)}")
            child = np.random.SeedSequence(
                self.seed.entropy, spawn_key=(*self.seed.spawn_key, _source_key(source))
            )
            generator = self._generators[source] = np.random.Generator(np.random.PCG64(child))
        return generator

    def __iter__(self) -> Iterator[str]:
        return iter(SOURCES)

    def __len__(self) -> int:
        return len(SOURCES)

    def describe(self) -> str:
        """The seed as recorded with every result: ``entropy`` or ``entropy/spawn,key``."""
        key = ",".join(str(k) for k in self.seed.spawn_key)
        return f"{self.seed.entropy}/{key}" if key else str(self.seed.entropy)
