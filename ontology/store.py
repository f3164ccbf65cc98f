"""The embedded, on-disk knowledge store: Oxigraph (RocksDB) in the data folder.

Layout of a data folder::

    semcrm-data/
      store/        the Oxigraph database (ACID; one writer process at a time)
      secret.key    the per-installation key of the PII pseudonyms (mode 0600)
      logs/         ingest logs (no personal data is ever written there)

Named graphs carry the structure (see :mod:`semcrm.ontology.namespaces`):
the TBox in ``graph:ontology``, one graph per interaction named by the
interaction's IRI, derived triples in ``graph:inferred`` and their
justifications in ``graph:justifications``, bookkeeping in ``graph:meta``.

Every write of a graph is one SPARQL Update, which Oxigraph applies in one
transaction: a graph is replaced entirely or not at all, so a crash or a
rejected record never leaves half a graph behind.

**The default graph is a set.** SPARQL's default graph is the RDF merge of
the graphs in it, so a triple asserted by 27 interactions (an organisation's
name) is one triple. Oxigraph's union default graph is a multiset (one row
per quad), so the store keeps ``graph:union``: every triple of every other
graph except ``graph:meta``, once. Each write maintains it in the same
transaction (a triple leaves it only when no other graph still holds it), and
queries use it as their default graph.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from semcrm.ontology.errors import StoreError, StoreLocked
from semcrm.ontology.namespaces import (
    INFERRED_GRAPH,
    JUSTIFICATION_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    SEMCRM,
    UNION_GRAPH,
)

if TYPE_CHECKING:
    from semcrm.ontology.loader import Ontology

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

_ONTOLOGY_DIGEST = ox.NamedNode(str(SEMCRM) + "ontologyDigest")
_SELF = ox.NamedNode(str(META_GRAPH))
UNION = ox.NamedNode(str(UNION_GRAPH))
_UNION_BUILT = ox.NamedNode(str(SEMCRM) + "unionGraphBuilt")
_ERASED = ox.NamedNode(str(SEMCRM) + "erasedInteraction")
_ERASED_PERSON = ox.NamedNode(str(SEMCRM) + "erasedPersonSha256")
#: Graphs that are not interactions.
SYSTEM_GRAPHS = frozenset(
    ox.NamedNode(str(g))
    for g in (ONTOLOGY_GRAPH, INFERRED_GRAPH, JUSTIFICATION_GRAPH, META_GRAPH, UNION_GRAPH)
)
#: Graphs whose triples are not part of the default (union) graph.
_OUTSIDE_UNION = frozenset({UNION, _SELF})


def _nt(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term)


class AssertedChanges:
    """The interaction-graph quads written since :meth:`KnowledgeStore.track_asserted_changes`.

    For each quad a write added or removed it keeps whether the quad was there
    when tracking started and whether it is there now, so a batch that writes a
    graph twice, or puts back what it took, nets out. The incremental reasoner
    (:mod:`semcrm.reasoning.maintain`) reads the asserted facts as they are now
    and this record to know what they were before.
    """

    def __init__(self) -> None:
        self._quads: dict[tuple[Triple, ox.NamedNode], tuple[bool, bool]] = {}

    def record(self, graph: ox.NamedNode, gone: Iterable[Triple], fresh: Iterable[Triple]) -> None:
        """One write of ``graph``: ``gone`` were there before it, ``fresh`` were not."""
        quads = self._quads
        for triple in gone:
            quads[(triple, graph)] = (quads.get((triple, graph), (True, True))[0], False)
        for triple in fresh:
            quads[(triple, graph)] = (quads.get((triple, graph), (False, False))[0], True)

    def changed(self) -> list[tuple[Triple, ox.NamedNode, bool]]:
        """``(triple, graph, there now)`` for every quad whose presence changed."""
        return [(t, g, now) for (t, g), (before, now) in self._quads.items() if before != now]

    def graphs(self) -> set[ox.NamedNode]:
        """The graphs written to."""
        return {g for _, g in self._quads}


class KnowledgeStore:
    """An open data folder. Use as a context manager, or call :meth:`close`."""

    def __init__(self, data_dir: Path | str | None, *, read_only: bool = False) -> None:
        """Open the store of ``data_dir``; ``None`` gives a temporary in-memory store
        (dry runs such as ``semcrm extract`` reason over one of those)."""
        self.read_only = read_only
        self._changes: AssertedChanges | None = None
        if data_dir is None:
            self.data_dir = Path(".")
            self._store = ox.Store()
            self.in_memory = True
            return
        self.in_memory = False
        self.data_dir = Path(data_dir)
        path = self.data_dir / "store"
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise StoreError(
                f"{self.data_dir} is a file, not a data folder; pass a folder to --data"
            )
        try:
            if read_only:
                if not path.is_dir():
                    raise StoreError(
                        f"{self.data_dir} has no store yet; run `semcrm ingest FILES --data "
                        f"{self.data_dir}` first"
                    )
                self._store = ox.Store.read_only(str(path))
            else:
                _recover_rewrite(self.data_dir)
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower() or getattr(exc, "errno", None) in (
                errno.EAGAIN,
                errno.EACCES,
            ):
                raise StoreLocked(
                    f"the data folder {self.data_dir} is open in another semcrm process "
                    "(`semcrm serve`, or another ingest, reason or erase); wait for it or stop it"
                ) from exc
            raise StoreError(f"cannot open the store in {path}: {text}") from exc
        except RuntimeError as exc:  # RocksDB reports damaged files this way
            raise StoreError(
                f"the store in {path} is damaged ({' '.join(str(exc).split())[:200]}); restore "
                "it from a backup, or move the folder aside and ingest the sources again"
            ) from exc
        if not read_only:
            self._ensure_union()
            _prune_rocksdb_logs(path)

    @classmethod
    def snapshot(cls, path: Path | str) -> KnowledgeStore:
        """Open a snapshot (an Oxigraph backup, as the API's query workers use) read-only."""
        store = cls.__new__(cls)
        store._changes = None
        store.read_only = True
        store.in_memory = False
        store.data_dir = Path(path).parent.parent
        store._store = ox.Store.read_only(str(path))
        return store

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        try:
            if not self.read_only and not self.in_memory:
                self._store.flush()
        except OSError as exc:
            raise StoreError(
                f"the store in {self.data_dir} could not be flushed ({exc}); were its files "
                "removed while semcrm was writing?"
            ) from exc
        finally:
            del self._store

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (read paths that need raw access)."""
        return self._store

    # -- reading -------------------------------------------------------------------

    def __len__(self) -> int:
        """Distinct triples of the default graph (the size of ``graph:union``)."""
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, UNION))

    def quad_count(self) -> int:
        """Every quad stored, ``graph:union`` included."""
        return len(self._store)

    def has_graph(self, graph: ox.NamedNode) -> bool:
        return self._store.contains_named_graph(graph)

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted(
            (g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)),
            key=lambda g: g.value,
        )

    def interaction_graphs(self) -> list[ox.NamedNode]:
        """Every graph that holds one interaction."""
        return [g for g in self.named_graphs() if g not in SYSTEM_GRAPHS]

    def triples(self, graph: ox.NamedNode) -> Iterator[Triple]:
        for quad in self._store.quads_for_pattern(None, None, None, graph):
            yield (quad.subject, quad.predicate, quad.object)  # type: ignore[misc]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every graph except ``graph:union`` (whose triples repeat the others)."""
        for quad in self._store.quads_for_pattern(None, None, None, None):
            if quad.graph_name != UNION:
                yield quad

    def query(self, sparql: str, *, prefixes: Mapping[str, str] | None = None):
        """Run a SPARQL 1.1 query; the default graph is the set union of all graphs."""
        return self._store.query(sparql, default_graph=[UNION], prefixes=dict(prefixes or {}))

    def ontology_digest(self) -> str | None:
        return self.get_meta("ontologyDigest")

    def get_meta(self, name: str) -> str | None:
        """A bookkeeping value of ``graph:meta`` (``ontologyDigest``, ``lastIngest`` ...)."""
        predicate = ox.NamedNode(f"{SEMCRM}{name}")
        for quad in self._store.quads_for_pattern(_SELF, predicate, None, _SELF):
            return quad.object.value
        return None

    def set_meta(self, **values: str) -> None:
        """Set bookkeeping values of ``graph:meta`` in one transaction."""
        self._require_writable()
        parts = _meta_parts(values)
        if parts:
            self._store.update(" ;\n".join(parts))

    def remember_erased(self, graphs: Iterable[ox.NamedNode]) -> None:
        """Record erased interactions (by IRI, a hash of the source's bytes) in graph:meta,
        so that ingesting the same source again does not bring it back."""
        self._require_writable()
        rows = " ".join(f"{_nt(_SELF)} {_nt(_ERASED)} {_nt(g)} ." for g in graphs)
        if rows:
            self._store.update(f"INSERT DATA {{ GRAPH {_nt(_SELF)} {{ {rows} }} }}")

    def is_erased(self, graph: ox.NamedNode) -> bool:
        return next(self._store.quads_for_pattern(_SELF, _ERASED, graph, _SELF), None) is not None

    def remember_erased_person(self, person: ox.NamedNode) -> None:
        """Record that every source naming ``person`` was erased, by a SHA-256 of its IRI
        (not the pseudonym itself), so a second erasure can say so."""
        self._require_writable()
        digest = ox.Literal(hashlib.sha256(person.value.encode()).hexdigest())
        self._store.add(ox.Quad(_SELF, _ERASED_PERSON, digest, _SELF))

    def is_erased_person(self, person: ox.NamedNode) -> bool:
        digest = ox.Literal(hashlib.sha256(person.value.encode()).hexdigest())
        found = self._store.quads_for_pattern(_SELF, _ERASED_PERSON, digest, _SELF)
        return next(found, None) is not None

    def compact(self) -> None:
        """Rewrite the database files so that removed data also leaves the disk.

        Oxigraph never deletes a string from its dictionary when the last quad using it
        goes, and RocksDB keeps deleted values in older files until they are compacted;
        so the store is copied quad by quad into a fresh database, which replaces the old
        one, and the old files are deleted. Query snapshots (hard links to old files) go
        too.
        """
        self._require_writable()
        if self.in_memory:
            return
        path = self.data_dir / "store"
        fresh_path = self.data_dir / "store.rewrite"
        old_path = self.data_dir / "store.old"
        for leftover in (fresh_path, old_path):
            shutil.rmtree(leftover, ignore_errors=True)
        fresh = ox.Store(str(fresh_path))
        fresh.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
        fresh.flush()
        fresh.optimize()
        if len(fresh) != len(self._store):
            del fresh
            shutil.rmtree(fresh_path, ignore_errors=True)
            raise StoreError("rewriting the store lost quads; the old store was kept as it is")
        del fresh
        self._store.flush()
        del self._store
        path.rename(old_path)
        fresh_path.rename(path)
        self._store = ox.Store(str(path))
        shutil.rmtree(old_path, ignore_errors=True)
        for snapshot in sorted((self.data_dir / "snapshots").glob("*")):
            shutil.rmtree(snapshot, ignore_errors=True)

    def derived_facts_stale(self) -> bool:
        """True when interactions changed after the last ``reason``."""
        changed, reasoned = self.get_meta("lastIngest"), self.get_meta("lastReasoned")
        return changed is not None and (reasoned is None or reasoned < changed)

    # -- writing -------------------------------------------------------------------

    def track_asserted_changes(self) -> AssertedChanges:
        """Start recording what writes do to interaction graphs (:class:`AssertedChanges`)."""
        self._changes = AssertedChanges()
        return self._changes

    def replace_graphs(
        self,
        graphs: Mapping[ox.NamedNode, Iterable[Triple]],
        *,
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Replace each named graph with the given triples, all in one transaction;
        ``meta`` values of ``graph:meta`` (as :meth:`set_meta`) are set in it too."""
        self._require_writable()
        new = {g: dict.fromkeys(triples) for g, triples in graphs.items()}
        self._write(new, meta=_meta_parts(meta or {}))

    def edit_graphs(
        self,
        remove: Mapping[ox.NamedNode, Iterable[Triple]],
        add: Mapping[ox.NamedNode, Iterable[Triple]],
        *,
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Remove and add triples of named graphs, and set ``meta`` values, in one
        transaction, keeping ``graph:union`` in step: the write of a difference that
        is already known, so no graph is read whole. A triple both removed from and
        added to a graph stays."""
        self._require_writable()
        gone = {g: set(ts) for g, ts in remove.items()}
        fresh = {g: set(ts) for g, ts in add.items()}
        for graph in gone.keys() & fresh.keys():
            gone[graph] -= fresh[graph]
        deletes = [_graph_block(g, ts) for g, ts in gone.items() if ts]
        inserts = [_graph_block(g, ts) for g, ts in fresh.items() if ts]
        leaving: set[Triple] = set()
        for graph, triples in gone.items():
            if graph in _OUTSIDE_UNION:
                continue
            for s, p, o in triples:
                holders = {
                    q.graph_name
                    for q in self._store.quads_for_pattern(s, p, o, None)
                    if q.graph_name not in _OUTSIDE_UNION
                }
                holders -= {g for g, ts in gone.items() if (s, p, o) in ts}
                holders |= {g for g, ts in fresh.items() if (s, p, o) in ts}
                if not holders:
                    leaving.add((s, p, o))
        entering = {t for g, ts in fresh.items() if g not in _OUTSIDE_UNION for t in ts}
        if leaving:
            deletes.append(_graph_block(UNION, leaving))
        if entering:
            inserts.append(_graph_block(UNION, entering))
        parts = []
        if deletes:
            parts.append("DELETE DATA {\n" + "\n".join(deletes) + "\n}")
        if inserts:
            parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        parts += _meta_parts(meta or {})
        if not parts:
            return
        try:
            self._store.update(" ;\n".join(parts))
        except (OSError, SyntaxError) as exc:
            raise StoreError(
                f"editing {len(gone | fresh)} graph(s) failed, nothing was written: {exc}"
            ) from exc
        if self._changes is not None:
            for graph in gone.keys() | fresh.keys():
                if graph not in SYSTEM_GRAPHS:
                    self._changes.record(graph, gone.get(graph, ()), fresh.get(graph, ()))

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[Triple]) -> None:
        self.replace_graphs({graph: triples})

    def remove_graphs(self, graphs: Iterable[ox.NamedNode]) -> None:
        """Remove graphs (and the triples only they held from the default graph), atomically."""
        self._require_writable()
        self._write({g: {} for g in graphs}, drop_only=True)

    def _write(
        self,
        new: dict[ox.NamedNode, dict[Triple, None]],
        drop_only: bool = False,
        meta: list[str] | None = None,
    ) -> None:
        """One SPARQL Update that turns each graph into its new content and keeps
        ``graph:union`` in step: only the difference is written, so replacing a graph
        with itself writes nothing. ``meta``: updates of ``graph:meta`` to run in it."""
        touched = set(new)
        journal: list[tuple[ox.NamedNode, set[Triple], list[Triple]]] = []
        removed: set[Triple] = set()
        added: set[Triple] = set()
        drops: list[str] = []
        deletes: list[str] = []
        inserts: list[str] = []
        fresh_quads: list[ox.Quad] = []
        # SPARQL's DELETE DATA cannot name a blank node and INSERT DATA mints new ones, so
        # triples with blank nodes (the ontology's OWL restrictions and lists) are removed
        # and added by quad once the update has run: see _apply_blank.
        blank_gone: list[ox.Quad] = []
        blank_fresh: list[ox.Quad] = []
        for graph, triples in new.items():
            old = set(self.triples(graph))
            gone = old - triples.keys()
            fresh = [t for t in triples if t not in old]
            if not (drop_only or not triples):
                blank_gone += [ox.Quad(*t, graph) for t in gone if _has_blank(t)]
                blank_fresh += [ox.Quad(*t, graph) for t in fresh if _has_blank(t)]
                if graph not in _OUTSIDE_UNION:
                    removed |= {t for t in gone if _has_blank(t)}
                    added.update(t for t in fresh if _has_blank(t))
                gone = {t for t in gone if not _has_blank(t)}
                fresh = [t for t in fresh if not _has_blank(t)]
            if self._changes is not None and graph not in SYSTEM_GRAPHS:
                stored = _as_stored(triples)  # what reading the graph back will give
                journal.append((graph, old - stored, [t for t in stored if t not in old]))
            if graph not in _OUTSIDE_UNION:
                removed |= gone
                added.update(fresh)
            if drop_only or not triples:
                if old or self.has_graph(graph):
                    drops.append(f"DROP SILENT GRAPH {_nt(graph)}")
                continue
            if gone:
                deletes.append(_graph_block(graph, gone))
            if fresh:
                inserts.append(_graph_block(graph, fresh))
                try:
                    fresh_quads += [ox.Quad(s, p, o, graph) for s, p, o in fresh]
                except TypeError as exc:
                    raise StoreError(f"not an RDF triple, nothing was written: {exc}") from exc
        if not drops and not deletes and not removed and not meta and not blank_gone:
            # Only additions (a new interaction, the first reasoning): one ``extend``, which
            # is a single transaction too, and much lighter than a SPARQL update.
            fresh_quads += blank_fresh
            fresh_quads += [ox.Quad(s, p, o, UNION) for s, p, o in added]
            if fresh_quads:
                try:
                    self._store.extend(fresh_quads)
                except (OSError, TypeError) as exc:
                    raise StoreError(
                        f"writing {len(new)} graph(s) failed, nothing was written: {exc}"
                    ) from exc
            self._journal(journal)
            return
        kept_elsewhere = {t for g, ts in new.items() if g not in _OUTSIDE_UNION for t in ts}
        leaving = [
            t for t in removed if t not in kept_elsewhere and not self._held_elsewhere(t, touched)
        ]
        blank_gone += [ox.Quad(*t, UNION) for t in leaving if _has_blank(t)]
        leaving = [t for t in leaving if not _has_blank(t)]
        blank_fresh += [ox.Quad(*t, UNION) for t in added if _has_blank(t)]
        added = {t for t in added if not _has_blank(t)}
        if leaving:
            deletes.append(_graph_block(UNION, leaving))
        if added:
            inserts.append(_graph_block(UNION, added))
        parts = list(drops)
        if deletes:
            parts.append("DELETE DATA {\n" + "\n".join(deletes) + "\n}")
        if inserts:
            parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        parts += meta or []
        if not parts and not blank_gone and not blank_fresh:
            return
        try:
            if parts:
                self._store.update(" ;\n".join(parts))
        except (OSError, SyntaxError) as exc:
            what = "removing" if drop_only else "writing"
            raise StoreError(
                f"{what} {len(new)} graph(s) failed, nothing was written: {exc}"
            ) from exc
        self._apply_blank(blank_gone, blank_fresh)
        self._journal(journal)

    def _apply_blank(self, gone: list[ox.Quad], fresh: list[ox.Quad]) -> None:
        """Remove and add the quads with blank nodes, keeping their labels.

        Not in the update's transaction, but only the ontology graph (and
        ``graph:union``) holds blank nodes, and both are rewritten from the ontology
        files whenever they differ, so a write cut off here is completed by the next.
        """
        try:
            for quad in gone:
                self._store.remove(quad)
            if fresh:
                self._store.extend(fresh)
        except OSError as exc:
            raise StoreError(
                f"writing the ontology's blank-node triples failed ({exc}); "
                "open the data folder again to complete the write"
            ) from exc

    def _journal(self, writes: list[tuple[ox.NamedNode, set[Triple], list[Triple]]]) -> None:
        if self._changes is not None:
            for graph, gone, fresh in writes:
                self._changes.record(graph, gone, fresh)

    def _held_elsewhere(self, triple: Triple, skip: set[ox.NamedNode]) -> bool:
        s, p, o = triple
        return any(
            q.graph_name not in skip and q.graph_name not in _OUTSIDE_UNION
            for q in self._store.quads_for_pattern(s, p, o, None)
        )

    def _ensure_union(self) -> None:
        """Build ``graph:union`` once for a data folder written before it existed."""
        if next(self._store.quads_for_pattern(_SELF, _UNION_BUILT, None, _SELF), None) is not None:
            return
        triples = {
            (q.subject, q.predicate, q.object)
            for q in self._store.quads_for_pattern(None, None, None, None)
            if q.graph_name not in _OUTSIDE_UNION and isinstance(q.graph_name, ox.NamedNode)
        }
        marker = f"{_nt(_SELF)} {_nt(_UNION_BUILT)} {_nt(ox.Literal('true'))}"
        update = "INSERT DATA {\n" + f"GRAPH {_nt(_SELF)} {{ {marker} }}\n"
        if triples:
            update += _graph_block(UNION, triples) + "\n"
        self._store.update(update + "}")

    def ensure_ontology(self, ontology: Ontology) -> bool:
        """Load the TBox into ``graph:ontology`` unless the same digest is already there.

        Returns True when the ontology graph was (re)written.
        """
        if self.ontology_digest() == ontology.digest:
            return False
        triples = ontology.triples()
        # The rest of graph:meta (lastIngest, the union marker ...) is kept as it is.
        meta = [t for t in self.triples(_SELF) if t[1] != _ONTOLOGY_DIGEST]
        meta.append((_SELF, _ONTOLOGY_DIGEST, ox.Literal(ontology.digest)))
        self.replace_graphs({ox.NamedNode(str(ONTOLOGY_GRAPH)): triples, _SELF: meta})
        return True

    def flush(self) -> None:
        self._store.flush()

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store in {self.data_dir} was opened read-only")


def _as_stored(triples: Iterable[Triple]) -> set[Triple]:
    """The triples as the store keeps them: Oxigraph writes literals of known datatypes
    in canonical form (``"0.70"^^xsd:decimal`` is read back as ``0.7``)."""
    scratch = ox.Store()
    try:
        scratch.extend(ox.Quad(s, p, o) for s, p, o in triples)
    except TypeError as exc:
        raise StoreError(f"not an RDF triple, nothing was written: {exc}") from exc
    return {(q.subject, q.predicate, q.object) for q in scratch}  # type: ignore[misc]


def _meta_parts(values: Mapping[str, str]) -> list[str]:
    """SPARQL updates that set bookkeeping values of ``graph:meta``."""
    parts = []
    for name, value in values.items():
        predicate = _nt(ox.NamedNode(f"{SEMCRM}{name}"))
        parts.append(f"DELETE WHERE {{ GRAPH {_nt(_SELF)} {{ {_nt(_SELF)} {predicate} ?v }} }}")
        parts.append(
            f"INSERT DATA {{ GRAPH {_nt(_SELF)} {{ {_nt(_SELF)} {predicate} {_nt(ox.Literal(value))} }} }}"
        )
    return parts


def _recover_rewrite(data_dir: Path) -> None:
    """Finish or undo a :meth:`KnowledgeStore.compact` that was interrupted: with the old
    database moved aside and the new one not yet in place, the old one goes back."""
    path, old_path = data_dir / "store", data_dir / "store.old"
    if old_path.is_dir():
        if path.is_dir():
            shutil.rmtree(old_path, ignore_errors=True)
        else:
            old_path.rename(path)
    shutil.rmtree(data_dir / "store.rewrite", ignore_errors=True)


def _prune_rocksdb_logs(path: Path, keep: int = 3) -> None:
    """RocksDB leaves one LOG.old.* info log per open; keep the newest few."""
    old_logs = sorted(path.glob("LOG.old.*"), key=lambda p: p.stat().st_mtime)
    for log_file in old_logs[:-keep] if keep else old_logs:
        log_file.unlink(missing_ok=True)


def utc_timestamp() -> str:
    """A sortable UTC timestamp with microseconds (ingest and reasoning compare them)."""
    import datetime

    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _has_blank(triple: Triple) -> bool:
    return isinstance(triple[0], ox.BlankNode) or isinstance(triple[2], ox.BlankNode)


def _graph_block(graph: ox.NamedNode, triples: Iterable[Triple]) -> str:
    body = " .\n".join(f"{_nt(s)} {_nt(p)} {_nt(o)}" for s, p, o in triples)
    return f"GRAPH {_nt(graph)} {{\n{body} .\n}}"
