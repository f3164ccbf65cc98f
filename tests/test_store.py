"""The embedded store: a real Oxigraph database in a temporary data folder."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from semcrm.ontology.errors import StoreError, StoreLocked
from semcrm.ontology.loader import load_ontology
from semcrm.ontology.store import KnowledgeStore

G = ox.NamedNode("https://w3id.org/semcrm/id/interaction/0123456789abcdef")
S = ox.NamedNode("https://example.org/s")
P = ox.NamedNode("https://example.org/p")


def test_store_replace_graph_swaps_the_whole_graph(tmp_path):
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [(S, P, ox.Literal("one")), (S, P, ox.Literal("two"))])
        store.replace_graph(G, [(S, P, ox.Literal("three"))])
        assert sorted(t[2].value for t in store.triples(G)) == ["three"]


def test_store_persists_on_disk(tmp_path):
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [(S, P, ox.Literal("kept"))])
    with KnowledgeStore(tmp_path) as store:
        assert [t[2].value for t in store.triples(G)] == ["kept"]


def test_store_literal_text_cannot_break_out_of_the_update(tmp_path):
    """Quotes and braces inside a literal are escaped: the text is stored as an odd string."""
    other = ox.NamedNode("https://w3id.org/semcrm/id/interaction/fedcba9876543210")
    hostile = ox.Literal('x" } } ; DROP ALL ; INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "')
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [(S, P, ox.Literal("before"))])
        store.replace_graphs({G: [(S, P, ox.Literal("after"))], other: [(S, P, hostile)]})
        assert [t[2].value for t in store.triples(G)] == ["after"]
        assert [t[2].value for t in store.triples(other)] == [hostile.value]
        assert len(store.named_graphs()) == 2


class _NotATerm:
    def __str__(self) -> str:
        return "<<< not RDF"


def test_store_failed_write_leaves_nothing_half_written(tmp_path):
    """When one graph of a write cannot be written, no graph of that write changes."""
    other = ox.NamedNode("https://w3id.org/semcrm/id/interaction/fedcba9876543210")
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [(S, P, ox.Literal("before"))])
        with pytest.raises(StoreError, match="nothing was written"):
            store.replace_graphs({G: [(S, P, ox.Literal("after"))], other: [(S, P, _NotATerm())]})
        assert [t[2].value for t in store.triples(G)] == ["before"]
        assert not store.has_graph(other)


def test_store_second_writer_gets_a_clear_error(tmp_path):
    with KnowledgeStore(tmp_path), pytest.raises(StoreLocked, match="open in another semcrm"):
        KnowledgeStore(tmp_path)


def test_store_read_only_without_store_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="run `semcrm ingest"):
        KnowledgeStore(tmp_path, read_only=True)


def test_store_ensure_ontology_loads_once_per_digest(tmp_path):
    ontology = load_ontology()
    with KnowledgeStore(tmp_path) as store:
        assert store.ensure_ontology(ontology) is True
        size = len(store)
        assert store.ensure_ontology(ontology) is False
        assert len(store) == size
        assert store.ontology_digest() == ontology.digest
