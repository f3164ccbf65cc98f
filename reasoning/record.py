"""What the store's derived graphs were computed from, so an update can trust them.

Every reasoning run, full or incremental, records in ``graph:meta``, in the
transaction that writes ``graph:inferred`` and ``graph:justifications``:

* ``semcrm:reasonedWith``: a digest of the ontology (which holds the rules)
  and of the rules themselves, plus :data:`FORMAT`, the version of the way
  the derived graphs are written;
* ``semcrm:reasonedFacts``: a fingerprint of the asserted quads the rules read
  (:class:`Fingerprint`), or ``-`` when the run cannot be continued
  incrementally (:func:`obstacle`);
* ``semcrm:reasonedGraphs``: how many derived triples, justification nodes and
  statement nodes the derived graphs hold (``"575:747:3822"``), so derived
  graphs that went missing or were edited are noticed.

An incremental update (:mod:`semcrm.reasoning.maintain`) starts from the
derived graphs only when both still describe the store as it was before the
update: the same rules, and asserted quads whose fingerprint is the recorded
one. Anything else (an ``ingest --no-reason``, an interrupted run, a changed
ontology, derived graphs written by an older version, or none) makes it run
the full materialisation instead.

The asserted quads that count are those of the *asserted graphs* (the
interaction graphs and ``graph:ontology``) whose predicate a rule reads: the
derived graphs depend on exactly those facts and, through
``semcrm:assertedIn``, on which graphs hold them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyoxigraph as ox

from semcrm.ontology.namespaces import ONTOLOGY_GRAPH
from semcrm.ontology.store import SYSTEM_GRAPHS
from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import Rule
from semcrm.reasoning.terms import Fact

#: The version of the derived graphs' layout; a change makes the next update a full run.
FORMAT = "2"
ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
#: The ``graph:meta`` names of the record.
REASONED_WITH = "reasonedWith"
REASONED_FACTS = "reasonedFacts"
REASONED_GRAPHS = "reasonedGraphs"
_MASK = (1 << 64) - 1


def is_asserted_graph(graph: object) -> bool:
    """An interaction graph or ``graph:ontology``: the graphs whose triples are asserted."""
    return isinstance(graph, ox.NamedNode) and (graph == ONTOLOGY or graph not in SYSTEM_GRAPHS)


def rules_digest(ontology_digest: str, rules: Sequence[Rule]) -> str:
    """The digest recorded as ``semcrm:reasonedWith``."""
    digest = hashlib.sha256(f"{FORMAT}\0{ontology_digest}".encode())
    for rule in sorted(rules, key=lambda r: r.iri):
        text = f"{rule.iri}\0{rule.to_sparql()}\0{rule.weight!r}\0{rule.layer}\0{rule.confidence!r}"
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()


def obstacle(engine: Engine) -> str | None:
    """Why the store's derived graphs of ``engine``'s rules cannot seed an update, or None.

    Ontology-level rules (OWL 2 RL, layer 0) have their stored justifications
    capped (:data:`~semcrm.reasoning.materialize.MAX_ONTOLOGY_JUSTIFICATIONS`),
    and the owl:sameAs bound keeps state the graphs do not record. Several layers
    are fine: each is restored from its own rules' justifications over the facts
    of the layers below (:meth:`~semcrm.reasoning.incremental.IncrementalEngine.restore`).
    """
    if any(rule.layer == 0 for rule in engine.rules):
        return "OWL 2 RL rules are on: stored justifications of ontology-level rules are capped"
    if engine.same_as_limit is not None:
        return "the rules read owl:sameAs, whose clique bound the derived graphs do not record"
    return None


class Fingerprint:
    """An order-independent digest of a set of quads: their count and the sum of
    64-bit hashes of their N-Triples forms. Quads can be added and taken away in
    any order, so the fingerprint of the store before an update is the one after
    it, minus the quads the update wrote, plus the ones it removed."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    @staticmethod
    def _hash(fact: Fact, graph: ox.NamedNode) -> int:
        s, p, o = fact
        text = f"{s} {p} {o} {graph}".encode()
        return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")

    def add(self, fact: Fact, graph: ox.NamedNode) -> None:
        self.count += 1
        self.total = (self.total + self._hash(fact, graph)) & _MASK

    def remove(self, fact: Fact, graph: ox.NamedNode) -> None:
        self.count -= 1
        self.total = (self.total - self._hash(fact, graph)) & _MASK

    def __str__(self) -> str:
        return f"{self.count}:{self.total:016x}"


__all__ = [
    "FORMAT",
    "REASONED_FACTS",
    "REASONED_GRAPHS",
    "REASONED_WITH",
    "Fingerprint",
    "is_asserted_graph",
    "obstacle",
    "rules_digest",
]
