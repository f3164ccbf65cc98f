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
"""

from __future__ import annotations

import errno
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
)

if TYPE_CHECKING:
    from semcrm.ontology.loader import Ontology

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

_ONTOLOGY_DIGEST = ox.NamedNode(str(SEMCRM) + "ontologyDigest")
_SELF = ox.NamedNode(str(META_GRAPH))
#: Graphs that are not interactions.
SYSTEM_GRAPHS = frozenset(
    ox.NamedNode(str(g)) for g in (ONTOLOGY_GRAPH, INFERRED_GRAPH, JUSTIFICATION_GRAPH, META_GRAPH)
)


def _nt(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term)


class KnowledgeStore:
    """An open data folder. Use as a context manager, or call :meth:`close`."""

    def __init__(self, data_dir: Path | str | None, *, read_only: bool = False) -> None:
        """Open the store of ``data_dir``; ``None`` gives a temporary in-memory store
        (dry runs such as ``semcrm extract`` reason over one of those)."""
        self.read_only = read_only
        if data_dir is None:
            self.data_dir = Path(".")
            self._store = ox.Store()
            self.in_memory = True
            return
        self.in_memory = False
        self.data_dir = Path(data_dir)
        path = self.data_dir / "store"
        try:
            if read_only:
                if not path.is_dir():
                    raise StoreError(
                        f"{self.data_dir} has no store yet; run `semcrm ingest FILES --data "
                        f"{self.data_dir}` first"
                    )
                self._store = ox.Store.read_only(str(path))
            else:
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
                    "(is `semcrm serve` running?); stop it, or send the work to its API"
                ) from exc
            raise StoreError(f"cannot open the store in {path}: {text}") from exc

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        if not self.read_only and not self.in_memory:
            self._store.flush()
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
        return self._store.quads_for_pattern(None, None, None, None)

    def query(self, sparql: str, *, union: bool = True, prefixes: Mapping[str, str] | None = None):
        """Run a SPARQL 1.1 query. With ``union`` the default graph is the union of all graphs."""
        return self._store.query(
            sparql, use_default_graph_as_union=union, prefixes=dict(prefixes or {})
        )

    def ontology_digest(self) -> str | None:
        for quad in self._store.quads_for_pattern(_SELF, _ONTOLOGY_DIGEST, None, _SELF):
            return quad.object.value
        return None

    # -- writing -------------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[Triple]]) -> None:
        """Replace each named graph with the given triples, all in one transaction."""
        self._require_writable()
        parts: list[str] = []
        inserts: list[str] = []
        for graph, triples in graphs.items():
            parts.append(f"DROP SILENT GRAPH {_nt(graph)}")
            body = " .\n".join(f"{_nt(s)} {_nt(p)} {_nt(o)}" for s, p, o in triples)
            if body:
                inserts.append(f"GRAPH {_nt(graph)} {{\n{body} .\n}}")
        if inserts:
            parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        try:
            self._store.update(" ;\n".join(parts))
        except (OSError, SyntaxError) as exc:
            raise StoreError(
                f"writing {len(graphs)} graph(s) failed, nothing was written: {exc}"
            ) from exc

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[Triple]) -> None:
        self.replace_graphs({graph: triples})

    def remove_graphs(self, graphs: Iterable[ox.NamedNode]) -> None:
        self._require_writable()
        drops = [f"DROP SILENT GRAPH {_nt(g)}" for g in graphs]
        if drops:
            self._store.update(" ;\n".join(drops))

    def ensure_ontology(self, ontology: Ontology) -> bool:
        """Load the TBox into ``graph:ontology`` unless the same digest is already there.

        Returns True when the ontology graph was (re)written.
        """
        if self.ontology_digest() == ontology.digest:
            return False
        triples = _rdflib_to_oxigraph(ontology.turtle)
        meta = [(_SELF, _ONTOLOGY_DIGEST, ox.Literal(ontology.digest))]
        self.replace_graphs({ox.NamedNode(str(ONTOLOGY_GRAPH)): triples, _SELF: meta})
        return True

    def flush(self) -> None:
        self._store.flush()

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store in {self.data_dir} was opened read-only")


def _rdflib_to_oxigraph(turtle: str) -> list[Triple]:
    return [
        (t.subject, t.predicate, t.object)  # type: ignore[misc]
        for t in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    ]
