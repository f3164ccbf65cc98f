"""Load the TBox: the Turtle files shipped in this folder, plus a user's own.

The shipped modules are read in a fixed order (:data:`MODULES`), then every
``*.ttl`` under ``rules/``, then every ``*.ttl`` in the extra folders a user
names (``--ontology DIR`` / ``SEMCRM_ONTOLOGY``, and ``<data>/ontology``), so a
governance team curates labels, cues, products and rules as files and
extraction follows with no code change.

The result's :attr:`Ontology.digest` hashes every file's bytes; the store
keeps the digest of the ontology it last loaded and reloads when it changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from semcrm.ontology.errors import OntologyLoadError
from semcrm.ontology.namespaces import PREFIXES, SEMCRM

HERE = Path(__file__).resolve().parent
#: Where the TBox's blank nodes (OWL class expressions, lists) live once skolemised.
TBOX_NODE = "https://w3id.org/semcrm/id/tbox/"

#: Shipped modules, in load order. Missing optional modules are skipped.
MODULES: tuple[str, ...] = (
    "core.ttl",
    "intents.ttl",
    "taxonomies.ttl",
    "needs.ttl",
    "lexicon.ttl",
    "qualifications.ttl",
    "industry.ttl",
    "access.ttl",
)


def module_files(extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """Every Turtle file that makes up the ontology, in load order."""
    files = [HERE / name for name in MODULES if (HERE / name).is_file()]
    files += sorted((HERE / "rules").glob("*.ttl"))
    for folder in extra_dirs:
        folder = Path(folder)
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files += sorted(p for p in folder.rglob("*.ttl") if not p.name.startswith("."))
    return files


@dataclass
class Ontology:
    """The loaded TBox (as one rdflib graph) and where it came from."""

    graph: Graph
    files: list[Path]
    digest: str
    prefixes: dict[str, str] = field(default_factory=dict)

    def labels(self, concept: URIRef, *, kinds: Iterable[URIRef] | None = None) -> list[Literal]:
        """prefLabel, altLabel and hiddenLabel literals of ``concept``."""
        predicates = kinds or (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
        out: list[Literal] = []
        for predicate in predicates:
            out += [o for o in self.graph.objects(concept, predicate) if isinstance(o, Literal)]
        return out

    def pref_label(self, concept: URIRef, lang: str = "en") -> str:
        """The concept's prefLabel in ``lang`` (falling back to any label, then the IRI)."""
        labels = list(self.graph.objects(concept, SKOS.prefLabel))
        labels += list(self.graph.objects(concept, URIRef(str(PREFIXES["rdfs"]) + "label")))
        for label in labels:
            if isinstance(label, Literal) and label.language == lang:
                return str(label)
        return str(labels[0]) if labels else local_name(concept)

    def cues(self, concept: URIRef) -> list[Literal]:
        """The ``semcrm:cue`` phrases of a concept."""
        return [o for o in self.graph.objects(concept, SEMCRM.cue) if isinstance(o, Literal)]

    def instances(self, cls: URIRef) -> list[URIRef]:
        """IRIs typed ``cls`` in the ontology, sorted for determinism."""
        return sorted(s for s in self.graph.subjects(RDF.type, cls) if isinstance(s, URIRef))

    def broader_chain(self, concept: URIRef) -> list[URIRef]:
        """``concept`` and its ancestors by skos:broader, coarsest first (cycle-safe)."""
        chain: list[URIRef] = []
        seen: set[URIRef] = set()
        current: URIRef | None = concept
        while current is not None and current not in seen:
            seen.add(current)
            chain.append(current)
            parents = sorted(
                o for o in self.graph.objects(current, SKOS.broader) if isinstance(o, URIRef)
            )
            current = parents[0] if parents else None
        return list(reversed(chain))

    @cached_property
    def turtle(self) -> str:
        """The whole TBox as one Turtle document."""
        return self.graph.serialize(format="turtle")

    def triples(self) -> list[tuple]:
        """The TBox as pyoxigraph triples, blank nodes skolemised to stable IRIs.

        OWL class expressions and lists are blank nodes. Blank nodes cannot be
        deleted by SPARQL's DELETE DATA and get new identities on every parse, so
        the TBox's are canonicalised (RDFC-1.0) and turned into IRIs under
        ``id:tbox/``: the same ontology always gives the same triples.
        """
        import pyoxigraph as ox

        dataset = ox.Dataset()
        for path in self.files:
            for triple in ox.parse(
                path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
            ):
                dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

        def skolem(term):
            return (
                ox.NamedNode(f"{TBOX_NODE}{term.value}") if isinstance(term, ox.BlankNode) else term
            )

        return [(skolem(q.subject), q.predicate, skolem(q.object)) for q in dataset]


def local_name(iri: URIRef | str) -> str:
    text = str(iri)
    for separator in ("#", "/"):
        if separator in text:
            text = text.rsplit(separator, 1)[1] or text
    return text


def load_ontology(extra_dirs: Sequence[Path] = ()) -> Ontology:
    """Parse every module into one graph.

    Raises:
        OntologyLoadError: a file cannot be read or is not valid Turtle; the
            message gives the file and rdflib's line and reason.
    """
    files = module_files(extra_dirs)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    digest = hashlib.sha256()
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise OntologyLoadError(str(path), f"cannot read the file ({exc.strerror})") from exc
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        try:
            graph.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
        except Exception as exc:  # rdflib raises several unrelated types for bad syntax
            raise OntologyLoadError(
                str(path), f"not valid Turtle: {_one_line(exc)}; fix the file and run again"
            ) from exc
    prefixes = {p: str(n) for p, n in graph.namespace_manager.namespaces() if p}
    return Ontology(graph=graph, files=files, digest=digest.hexdigest(), prefixes=prefixes)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:400]
