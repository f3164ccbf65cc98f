"""Erasure: remove a source, or every source about a person, and everything that depended on it.

``erase(store, ontology, target)`` takes

* an **interaction**: its IRI (``https://w3id.org/semcrm/id/interaction/…``, as
  ``semcrm ingest --json`` and ``/customers/{id}/context`` print it), or
* a **person**: the pseudonymised IRI (``https://w3id.org/semcrm/id/person/PERSON-…``)
  or the bare pseudonym (``PERSON-1A2B3C4D``); every interaction graph that
  names the person as a node, or whose text carries the pseudonym, is erased.

The interaction graphs go in one transaction, then the derived graphs are
brought up to date (:func:`semcrm.reasoning.maintain.reason`: incrementally,
from what the erased graphs held, when the store's record allows, otherwise by
running every rule again), so every derived fact that lost all of its support
goes (and a fact that a ``NOT EXISTS`` had held back may appear), and nothing
else changes. The erased interactions are remembered in ``graph:meta`` by IRI (the
hash of the source's bytes, not its content), so ingesting the same file
again does not bring it back. Each erasure appends one line of counts to
``<data>/audit/erasure.jsonl``: when, the kind of target, a SHA-256 of the
target (the pseudonym itself is not written), and how many interactions,
asserted triples, derived facts and justifications were removed or added.
Finally the store is compacted, so the removed data also leaves the files
on disk.

Neo4j follows with ``semcrm neo4j sync`` (incremental: the erased graphs are
removed from the projection).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from semcrm.ontology import iris
from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import ID
from semcrm.ontology.store import KnowledgeStore, utc_timestamp
from semcrm.reasoning.maintain import reason

_PSEUDONYM = re.compile(r"[A-Z][A-Z_]*-[0-9A-F]{8}")
_INTERACTION_PREFIX = f"{ID}interaction/"
_PERSON_PREFIX = f"{ID}person/"


class ErasureError(SemcrmError):
    """The target of an erasure is not something the store holds."""


@dataclass(frozen=True)
class ErasureReport:
    kind: str  # "interaction" or "person"
    target_sha256: str
    interactions: int
    asserted_triples: int
    derived_removed: int
    derived_added: int
    justifications_removed: int
    erased_at: str
    seconds: float
    audit_file: str
    #: how the derived graphs were brought up to date: ``mode`` and ``reason``
    reasoning: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def sources_of(store: KnowledgeStore, target: str) -> tuple[str, list[ox.NamedNode]]:
    """The kind of ``target`` and the interaction graphs an erasure of it removes."""
    text = target.strip().removeprefix("<").removesuffix(">")
    text = text.removeprefix("[").removesuffix("]")  # "[PERSON-1A2B3C4D]" as redacted text shows it
    if text.startswith(_INTERACTION_PREFIX):
        graph = ox.NamedNode(text)
        if store.is_erased(graph):
            raise ErasureError(f"{text} was already erased; nothing of it is left to remove")
        if graph not in store.interaction_graphs():
            raise ErasureError(
                f"{text} is not an interaction in this store; list them with "
                "`semcrm sparql 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a ?kind } }'`"
            )
        return "interaction", [graph]
    if _PSEUDONYM.fullmatch(text):
        text = iris.person(text).value
    if text.startswith(_PERSON_PREFIX):
        pseudonym = text.removeprefix(_PERSON_PREFIX)
        graphs = _graphs_naming(store, ox.NamedNode(text), pseudonym)
        if not graphs and store.is_erased_person(ox.NamedNode(text)):
            raise ErasureError(
                f"{pseudonym} was already erased; no interaction in this store names it any more"
            )
        if not graphs:
            raise ErasureError(
                f"no interaction in this store names {pseudonym}; check the pseudonym "
                "(`semcrm context` and `semcrm explain` print them)"
            )
        return "person", graphs
    raise ErasureError(
        f"{target!r} is neither an interaction IRI ({_INTERACTION_PREFIX}…) nor a person "
        f"({_PERSON_PREFIX}PERSON-… or a bare pseudonym such as PERSON-1A2B3C4D)"
    )


def _person_iri(target: str) -> ox.NamedNode:
    text = target.strip().removeprefix("<").removesuffix(">").removeprefix("[").removesuffix("]")
    return iris.person(text) if _PSEUDONYM.fullmatch(text) else ox.NamedNode(text)


def _graphs_naming(store: KnowledgeStore, person: ox.NamedNode, pseudonym: str) -> list:
    interactions = set(store.interaction_graphs())
    found = {
        q.graph_name
        for q in store.oxigraph.quads_for_pattern(person, None, None, None)
        if q.graph_name in interactions
    }
    found |= {
        q.graph_name
        for q in store.oxigraph.quads_for_pattern(None, None, person, None)
        if q.graph_name in interactions
    }
    for graph in interactions - found:
        if any(
            isinstance(q.object, ox.Literal) and pseudonym in q.object.value
            for q in store.oxigraph.quads_for_pattern(None, None, None, graph)
        ):
            found.add(graph)
    return sorted(found, key=lambda g: g.value)


def erase(store: KnowledgeStore, ontology: Ontology, target: str) -> ErasureReport:
    """Erase ``target`` (see the module doc) and re-derive; returns the counts it audited."""
    started = time.perf_counter()
    kind, graphs = sources_of(store, target)
    asserted = sum(sum(1 for _ in store.triples(g)) for g in graphs)
    changes = store.track_asserted_changes()
    store.remove_graphs(graphs)
    store.set_meta(lastIngest=utc_timestamp())
    store.remember_erased(graphs)
    if kind == "person":
        store.remember_erased_person(_person_iri(target))
    reasoning = reason(store, ontology, changes)
    store.compact()
    report = ErasureReport(
        kind=kind,
        target_sha256=hashlib.sha256(target.strip().encode("utf-8")).hexdigest(),
        interactions=len(graphs),
        asserted_triples=asserted,
        derived_removed=reasoning.derived_removed,
        derived_added=reasoning.derived_added,
        justifications_removed=reasoning.justifications_removed,
        erased_at=utc_timestamp(),
        seconds=round(time.perf_counter() - started, 3),
        audit_file=str(audit_file(store.data_dir)),
        reasoning={"mode": reasoning.mode, "reason": reasoning.reason},
    )
    _append_audit(audit_file(store.data_dir), report)
    return report


def audit_file(data_dir: Path) -> Path:
    return Path(data_dir) / "audit" / "erasure.jsonl"


def _append_audit(path: Path, report: ErasureReport) -> None:
    """One JSON line, appended and flushed to disk (the file is append-only by use)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {k: v for k, v in report.to_dict().items() if k not in ("audit_file", "reasoning")}
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
