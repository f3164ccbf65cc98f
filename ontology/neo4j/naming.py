"""How an IRI becomes a Neo4j label, relationship type or property key.

Three modes, named as in neosemantics (n10s) ``handleVocabUris``:

``SHORTEN`` (default)
    ``prefix__localName``, e.g. ``semcrm__Customer``, ``skos__prefLabel``. The
    prefixes are semcrm's own (:data:`semcrm.ontology.namespaces.PREFIXES`);
    any other namespace gets ``ns0``, ``ns1``, ... in the order first seen,
    and keeps it for the life of the projection (the table is stored in Neo4j
    in the ``_NsPrefDef`` node, as n10s does, and read back before each sync).
``IGNORE``
    the local name alone (``Customer``): shortest, but two vocabularies with
    the same local name share a label.
``KEEP``
    the whole IRI as the name.

The local name is what follows the last ``#``, else the last ``/``, else the
last ``:`` (n10s's rule). Names are passed to Neo4j as parameters of dynamic
labels and types (``SET n:$(labels)``, ``MERGE ()-[:$(type)]->()``), never
spliced into Cypher text, so any character is safe: CJK, spaces, ``%``,
brackets, backticks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from semcrm.ontology.namespaces import PREFIXES

MODES = ("SHORTEN", "IGNORE", "KEEP")


def split_iri(iri: str) -> tuple[str, str]:
    """(namespace, local name) of an IRI, split where n10s splits it."""
    for separator in ("#", "/", ":"):
        cut = iri.rfind(separator)
        if cut >= 0:
            return iri[: cut + 1], iri[cut + 1 :]
    return "", iri


@dataclass
class Vocabulary:
    """Names for IRIs under one mode, with the namespace-to-prefix table it grows."""

    mode: str = "SHORTEN"
    prefixes: dict[str, str] = field(default_factory=dict)  # namespace -> prefix
    added: dict[str, str] = field(default_factory=dict)  # prefixes assigned since loading

    def __post_init__(self) -> None:
        self.mode = self.mode.upper()
        if self.mode not in MODES:
            raise ValueError(f"vocabulary mode {self.mode!r} is not one of {', '.join(MODES)}")
        known = {namespace: prefix for prefix, namespace in PREFIXES.items()}
        self.prefixes = {**known, **self.prefixes}
        self._cache: dict[str, str] = {}

    @classmethod
    def from_table(cls, mode: str, table: Mapping[str, str]) -> Vocabulary:
        """A vocabulary that continues a stored namespace -> prefix table."""
        return cls(mode=mode, prefixes=dict(table))

    def name(self, iri: str) -> str:
        """The label, type or key for ``iri``."""
        cached = self._cache.get(iri)
        if cached is not None:
            return cached
        namespace, local = split_iri(iri)
        if self.mode == "KEEP":
            result = iri
        elif self.mode == "IGNORE":
            result = local or iri  # an IRI ending in / or # has no local name
        else:
            result = f"{self.prefix(namespace)}__{local}"
        self._cache[iri] = result
        return result

    def prefix(self, namespace: str) -> str:
        """The prefix of ``namespace``, assigning the next free ``nsN`` if it has none."""
        found = self.prefixes.get(namespace)
        if found is not None:
            return found
        used = set(self.prefixes.values())
        number = 0
        while f"ns{number}" in used:
            number += 1
        prefix = f"ns{number}"
        self.prefixes[namespace] = prefix
        self.added[namespace] = prefix
        return prefix


__all__ = ["MODES", "Vocabulary", "split_iri"]
