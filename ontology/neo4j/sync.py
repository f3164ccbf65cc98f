"""Incremental, idempotent sync of the store into Neo4j, and its status.

The unit of change is a **subject**: a node's labels, properties and
outgoing relationships are a function of every fact about that subject in
every projected graph. So a sync

1. reads the graphs to check (all of them, or the ones named) and computes a
   digest per (graph, subject) (:func:`~.projection.facts_digest`);
2. compares them with the digests the last sync pushed (:mod:`.state`); a
   graph that left the store counts as all its subjects changed;
3. re-projects each changed subject from *all* its facts in the store and
   writes it: the node is MERGEd and set whole (properties and labels), its
   outgoing relationships that no fact gives any more are deleted, the others
   MERGEd and set whole; nodes that lost every fact and every relationship
   are deleted;
4. records the new digests, only after every write succeeded.

Erasing an interaction (its graph removed from the store) therefore removes
what only it contributed and re-projects what it shared; derived facts go
when ``semcrm reason`` has re-derived without it. Re-running a sync with no
change in the store reads, compares, and writes nothing.

A **full** sync (``--full``, the first sync to a server, or a server whose
``_SemcrmSync`` marker is not the one this data folder recorded, or changed
projection settings) reads and projects everything first, then deletes the
old projection and CREATEs the new one in batches.

Only what is in the store is ever sent, and the store holds de-identified
text only: the sync has no access to raw input or to the pseudonym key.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from semcrm.ontology import iris
from semcrm.ontology.neo4j import writes
from semcrm.ontology.neo4j.client import Neo4jClient, Neo4jTarget
from semcrm.ontology.neo4j.naming import Vocabulary
from semcrm.ontology.neo4j.projection import (
    Context,
    EdgeRow,
    NodeRow,
    ProjectionConfig,
    Subject,
    facts_digest,
    project_subject,
)
from semcrm.ontology.neo4j.reading import (
    INFERRED,
    ONTOLOGY,
    SYSTEM,
    LazyDerivations,
    graph_facts,
    named,
    projected_graphs,
    read_derivations,
    read_protected,
    read_tiers,
    subject_facts,
    subject_term,
)
from semcrm.ontology.neo4j.state import SyncState, state_path
from semcrm.ontology.settings import Settings
from semcrm.ontology.store import KnowledgeStore

Progress = Callable[[str], None]


@dataclass
class SyncReport:
    """What one sync did; ``to_dict`` is the CLI's ``--json``."""

    mode: str  # "full" or "incremental"
    reason: str
    target: str
    graphs: int = 0  # graphs in the projection after the sync
    checked: int = 0  # graphs read to look for change
    changed: list[str] = field(default_factory=list)  # graphs new or changed
    removed: list[str] = field(default_factory=list)  # graphs that left the store
    subjects: int = 0  # subjects re-projected
    triples: int = 0  # facts projected
    nodes: int = 0  # node rows written
    relationships: int = 0  # relationship rows written
    deleted_nodes: int = 0
    retries: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
        out["phases"] = {k: round(v, 3) for k, v in self.phases.items()}
        return out


def sync(
    store: KnowledgeStore,
    client: Neo4jClient,
    *,
    full: bool = False,
    graphs: Iterable[str] | None = None,
    config: ProjectionConfig | None = None,
    state_dir: Path | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Bring the projection in ``client``'s database up to date with ``store``.

    By default every projected graph is read for change, and every graph that
    left the store is noticed. ``graphs`` limits the check to those graph IRIs
    (each of them new, changed or removed), without enumerating the store.
    ``state_dir`` holds the sync state (default: the store's data folder).
    """
    config = config or ProjectionConfig()
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    client.retries = 0
    with SyncState(state_path(state_dir or store.data_dir, client.target.key)) as state:
        marker, prefixes = writes.read_bookkeeping(client)
        reason = _full_reason(full, state, marker, config)
        vocabulary = Vocabulary.from_table(config.vocab, prefixes)
        mode = "full" if reason else "incremental"
        report = SyncReport(mode, reason or "changes since the last sync", str(client.target))
        context = _context(store, config, vocabulary)
        if reason:
            _full(store, client, state, context, report, say)
        else:
            _incremental(store, client, state, context, report, graphs, say)
    report.retries = client.retries
    report.seconds = time.perf_counter() - started
    return report


def status(
    store: KnowledgeStore,
    client: Neo4jClient,
    *,
    config: ProjectionConfig | None = None,
    state_dir: Path | None = None,
) -> dict[str, Any]:
    """How far Neo4j lags behind the store: graphs new, changed or removed since the last sync.

    Reads every projected graph (the same digests a sync computes)."""
    config = config or ProjectionConfig()
    path = state_path(state_dir or store.data_dir, client.target.key)
    with SyncState(path, lock=False) as state:
        recorded = state.graph_digests()
        projection_id = state.info("projection_id")
        last = state.info("synced")
        fingerprint = state.info("config")
    marker, _ = writes.read_bookkeeping(client)
    context = _context(store, config, Vocabulary(config.vocab))
    context.derivations = read_derivations(store)
    graphs = projected_graphs(store, include_ontology=config.include_ontology)
    current = {g.value: _digest_graph(store, g, context)[0] for g in graphs}
    changed = sorted(g for g, d in current.items() if g in recorded and recorded[g] != d)
    added = sorted(g for g in current if g not in recorded)
    removed = sorted(g for g in recorded if g not in current)
    counts = client.read(
        "CALL () { MATCH (n:Resource) RETURN count(n) AS nodes } "
        "CALL () { MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS relationships } "
        "RETURN nodes, relationships"
    )[0]
    in_step = projection_id is not None and marker is not None and marker["id"] == projection_id
    return {
        "target": str(client.target),
        "synced": last,
        "projection": projection_id,
        "neo4j_holds_this_projection": in_step,
        "settings_changed": fingerprint is not None and fingerprint != config.fingerprint(),
        "graphs": len(current),
        "lag": len(changed) + len(added) + len(removed) if in_step else len(current),
        "changed": changed,
        "added": added,
        "removed": removed,
        "neo4j": counts,
    }


def sync_from_settings(store: KnowledgeStore, settings: Settings, **options: Any) -> SyncReport:
    """:func:`sync` to the Neo4j the settings name (opens and closes the driver)."""
    target = Neo4jTarget.from_settings(settings, what="`semcrm neo4j sync`")
    with Neo4jClient.connect(target) as client:
        config = ProjectionConfig(vocab=settings.neo4j_vocab)
        return sync(store, client, config=config, **options)


# -- the two modes ---------------------------------------------------------------------------


def _full(store, client, state, context, report, say) -> None:
    clock = _Clock(report)
    graphs = projected_graphs(store, include_ontology=context.config.include_ontology)
    say(f"reading {len(graphs)} graphs")
    context.derivations = read_derivations(store)
    everything: dict[Subject, list] = {}
    digests: dict[str, tuple[str, dict[str, str]]] = {}
    for graph in graphs:
        digest, subjects, facts = _digest_graph(store, graph, context)
        digests[graph.value] = (digest, subjects)
        for subject, items in facts.items():
            everything.setdefault(subject, []).extend(items)
    clock.lap("read")
    nodes, edges = _project(everything, context, report)
    targets = {e.target for e in edges} - {n.uri for n in nodes}
    nodes.extend(NodeRow(uri, [], {"uri": uri}) for uri in sorted(targets))
    clock.lap("project")
    say(f"replacing the projection: {len(nodes)} nodes, {len(edges)} relationships")
    writes.wipe(client)
    writes.ensure_schema(client)
    writes.create_nodes(client, nodes)
    writes.create_edges(client, edges)
    projection_id = uuid.uuid4().hex
    report.graphs, report.checked = len(graphs), len(graphs)
    _finish(client, state, context, report, projection_id, digests, [], store, reset=True)
    report.changed = [g.value for g in graphs]
    report.nodes, report.relationships = len(nodes), len(edges)
    clock.lap("write")


def _incremental(store, client, state, context, report, only, say) -> None:
    clock = _Clock(report)
    recorded = state.graph_digests()
    if only is None:
        to_check = projected_graphs(store, include_ontology=context.config.include_ontology)
        present = {g.value for g in to_check}
        removed = sorted(g for g in recorded if g not in present)
    else:
        # only the named graphs: enumerating every graph of a big store is itself costly
        named_graphs = [named(g) for g in sorted(set(only)) if context.projects(g)]
        to_check = [g for g in named_graphs if store.has_graph(g)]
        removed = [g.value for g in named_graphs if g.value in recorded and g not in to_check]
    if any(g == INFERRED for g in to_check):
        context.derivations = read_derivations(store)
    say(f"checking {len(to_check)} graphs for change")
    digests: dict[str, tuple[str, dict[str, str]]] = {}
    affected: dict[str, Subject | None] = {}
    for graph in to_check:
        digest, subjects, facts = _digest_graph(store, graph, context)
        if recorded.get(graph.value) == digest:
            continue
        digests[graph.value] = (digest, subjects)
        old = state.subject_digests(graph.value)
        terms = {str(s): s for s in facts}
        for key, value in subjects.items():
            if old.get(key) != value:
                affected[key] = terms[key]
        affected.update((key, None) for key in old if key not in subjects)
    for graph in removed:
        affected.update((key, None) for key in state.subject_digests(graph) if key not in affected)
    clock.lap("read")
    report.graphs = len((set(recorded) - set(removed)) | set(digests))
    report.checked = len(to_check)
    report.changed, report.removed = sorted(digests), removed
    if not affected and not removed:
        return
    everything = {}
    for key, term in affected.items():
        subject = term if term is not None else subject_term(key)
        everything[subject] = subject_facts(store, subject, context.projects)
    nodes, edges = _project(everything, context, report)
    clock.lap("project")
    say(f"writing {len(nodes)} nodes and {len(edges)} relationships")
    keep: dict[str, list[list[str]]] = {n.uri: [] for n in nodes}
    for edge in edges:
        keep[edge.source].append([edge.type, edge.target])
    vanished = [n.uri for n in nodes if "_graphs" not in n.props]
    if writes.fits_one_transaction(nodes, edges):
        report.deleted_nodes = writes.apply_change(client, nodes, keep, edges, vanished)
    else:
        writes.merge_nodes(client, nodes)
        lost = writes.delete_stale_edges(client, keep)
        writes.merge_edges(client, edges)
        report.deleted_nodes = writes.delete_orphans(client, sorted(lost | set(vanished)))
    projection_id = state.info("projection_id")
    _finish(client, state, context, report, projection_id, digests, removed, store)
    report.nodes, report.relationships = len(nodes), len(edges)
    clock.lap("write")


# -- shared steps ----------------------------------------------------------------------------


def _full_reason(full: bool, state: SyncState, marker, config: ProjectionConfig) -> str | None:
    recorded = state.info("projection_id")
    if full:
        return "a full sync was asked for"
    if recorded is None:
        return "first sync of this data folder to this Neo4j"
    if marker is None or marker.get("id") != recorded:
        return (
            "Neo4j does not hold the projection this data folder last synced "
            "(a new, wiped or restored server)"
        )
    if state.info("config") != config.fingerprint():
        return "the projection settings changed"
    return None


def _context(store: KnowledgeStore, config: ProjectionConfig, vocabulary: Vocabulary) -> Context:
    context = Context(
        config=config,
        vocabulary=vocabulary,
        inferred=INFERRED.value,
        system_graphs=SYSTEM,
        tiers=read_tiers(store),
        protected=read_protected(store),
        derivations=LazyDerivations(store),
        statement_iri=iris.statement,
        ontology=ONTOLOGY.value if config.include_ontology else None,
    )
    return context


def _digest_graph(store, graph: ox.NamedNode, context: Context):
    facts = graph_facts(store, graph)
    subjects = {str(s): facts_digest(items, s, context, graph.value) for s, items in facts.items()}
    lines = "\n".join(f"{k} {d}" for k, d in sorted(subjects.items()))
    digest = hashlib.blake2b(lines.encode("utf-8"), digest_size=16).hexdigest()
    return digest, subjects, facts


def _project(
    everything: dict[Subject, list], context: Context, report: SyncReport
) -> tuple[list[NodeRow], list[EdgeRow]]:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for subject in sorted(everything, key=str):
        node, out, _skipped = project_subject(subject, everything[subject], context)
        nodes.append(node)
        edges.extend(out)
        report.triples += len(everything[subject])
    report.subjects = len(everything)
    return nodes, edges


def _finish(client, state, context, report, projection_id, digests, removed, store, *, reset=False):
    """Write the bookkeeping nodes, then record the digests: the sync is done."""
    writes.write_bookkeeping(
        client,
        projection_id,
        str(store.data_dir),
        report.graphs,
        context.vocabulary.prefixes if reset else context.vocabulary.added,
        context.config.graph_config() if reset else None,
    )
    state.save(
        {
            "projection_id": projection_id,
            "config": context.config.fingerprint(),
            "synced": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        digests,
        removed,
        reset=reset,
    )


class _Clock:
    def __init__(self, report: SyncReport) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.report.phases[phase] = self.report.phases.get(phase, 0.0) + now - self.last
        self.last = now


__all__ = ["SyncReport", "status", "sync", "sync_from_settings"]
