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
        assert len(store.interaction_graphs()) == 2


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


def test_store_loading_a_new_ontology_keeps_the_other_bookkeeping(tmp_path):
    """Regression: writing the TBox replaced all of graph:meta, so the default-graph
    marker went and every later open rebuilt graph:union from scratch."""
    ontology = load_ontology()
    with KnowledgeStore(tmp_path) as store:
        store.set_meta(lastIngest="2026-12-03T10:00:00Z")
        store.ensure_ontology(ontology)
        assert store.get_meta("lastIngest") == "2026-12-03T10:00:00Z"
        assert store.get_meta("unionGraphBuilt") == "true"
        assert store.ontology_digest() == ontology.digest


H = ox.NamedNode("https://w3id.org/semcrm/id/interaction/00000000000000aa")
NAME = (S, P, ox.Literal("Harbor & Vale Cold Storage Ltd"))


def _default_graph_rows(store) -> list[str]:
    rows = store.query("SELECT ?o WHERE { ?s <https://example.org/p> ?o }")
    return sorted(row["o"].value for row in rows)


def test_store_default_graph_is_a_set_of_the_graphs_triples(tmp_path):
    """A triple asserted by two interactions is one triple of the default graph (RDF merge)."""
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [NAME])
        store.replace_graph(H, [NAME])
        assert _default_graph_rows(store) == ["Harbor & Vale Cold Storage Ltd"]
        assert len(store) == 1


def test_store_triple_leaves_the_default_graph_with_its_last_graph(tmp_path):
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [NAME])
        store.replace_graph(H, [NAME, (S, P, ox.Literal("only in H"))])
        store.remove_graphs([H])
        assert _default_graph_rows(store) == ["Harbor & Vale Cold Storage Ltd"]
        store.replace_graph(G, [])
        assert _default_graph_rows(store) == []
        assert store.interaction_graphs() == []


def test_store_replacing_a_graph_with_itself_changes_nothing(tmp_path):
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [NAME])
        before = store.quad_count()
        store.replace_graph(G, [NAME])
        assert store.quad_count() == before


def test_store_ontology_blank_nodes_become_stable_iris(tmp_path):
    """OWL class expressions (blank nodes in Turtle) load as the same IRIs every time."""
    ontology = load_ontology()
    first = {t for t in ontology.triples() if "id/tbox/" in str(t[0])}
    assert first and first == {t for t in load_ontology().triples() if "id/tbox/" in str(t[0])}


def test_store_an_interrupted_rewrite_is_undone_on_open(tmp_path):
    """compact() moves the old database aside before the new one takes its place; a crash
    between the two must not open an empty store."""
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [(S, P, ox.Literal("kept"))])
    (tmp_path / "store").rename(tmp_path / "store.old")
    (tmp_path / "store.rewrite").mkdir()
    with KnowledgeStore(tmp_path) as store:
        assert [t[2].value for t in store.triples(G)] == ["kept"]
    assert not (tmp_path / "store.old").exists() and not (tmp_path / "store.rewrite").exists()


def test_store_compact_keeps_every_quad(tmp_path):
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(G, [(S, P, ox.Literal(f"v{i}")) for i in range(100)])
        before = len(store)
        store.compact()
        assert len(store) == before
        assert len(list(store.triples(G))) == 100


def test_store_rewrites_a_graph_whose_blank_node_triples_changed(tmp_path):
    """Regression: a store made by an earlier version failed to take the new ontology
    ("expected GRAPH"): DELETE DATA cannot name the old OWL restrictions' blank nodes."""
    from semcrm.ontology.store import UNION

    onto = ox.NamedNode("https://w3id.org/semcrm/graph/ontology")
    old_r, new_r = ox.BlankNode("restrictionold"), ox.BlankNode("restrictionnew")
    kept = (S, P, ox.Literal("kept"))
    with KnowledgeStore(tmp_path) as store:
        store.replace_graph(onto, [kept, (old_r, P, S), (S, P, old_r)])
        store.replace_graph(onto, [kept, (new_r, P, S)])
        assert set(store.triples(onto)) == {kept, (new_r, P, S)}  # the label is kept
        union = {(q.subject, q.predicate, q.object) for q in store.oxigraph.quads_for_pattern(
            None, None, None, UNION)}  # fmt: skip
        assert {kept, (new_r, P, S)} <= union
        assert (old_r, P, S) not in union and (S, P, old_r) not in union
        store.replace_graph(onto, [kept, (new_r, P, S)])  # the same again writes nothing
        assert set(store.triples(onto)) == {kept, (new_r, P, S)}
