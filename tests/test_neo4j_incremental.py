"""Incremental sync on small hand-written stores, against a real Neo4j.

Two invented calls, A and B, mention the same invented customer; A alone
has a turn and an industry link. Each test builds its own store in a
temporary data folder, empties Neo4j, and checks one rule of the sync.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from test_neo4j_launcher import dump, scratch_client

from semcrm.ontology.neo4j.errors import SyncError
from semcrm.ontology.neo4j.projection import ProjectionConfig
from semcrm.ontology.neo4j.state import SyncState, state_path
from semcrm.ontology.neo4j.sync import status, sync
from semcrm.ontology.store import KnowledgeStore

EX = "https://example.org/"
A = ox.NamedNode(EX + "graph/call-a")
B = ox.NamedNode(EX + "graph/call-b")
META = ox.NamedNode("https://w3id.org/semcrm/graph/meta")
ORG = EX + "org/zeta"
TURN = EX + "call-a/turn/1"
ONLY_A = EX + "industry/only-mentioned-by-a"

CALL_A = f"""
<{EX}call-a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/semcrm/ns#Call> .
<{EX}call-a> <https://w3id.org/semcrm/ns#customer> <{ORG}> .
<{TURN}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/semcrm/ns#Turn> .
<{TURN}> <https://w3id.org/semcrm/ns#inInteraction> <{EX}call-a> .
<{TURN}> <https://w3id.org/semcrm/ns#text> "We would like a quote for 40 units." .
<{ORG}> <https://schema.org/name> "Zeta Fictional Ltd" .
<{ORG}> <https://w3id.org/semcrm/ns#industry> <{ONLY_A}> .
"""
CALL_B = f"""
<{EX}call-b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/semcrm/ns#Call> .
<{EX}call-b> <https://w3id.org/semcrm/ns#customer> <{ORG}> .
<{ORG}> <https://schema.org/alternateName> "泽塔虚构有限公司"@zh .
"""


def triples(text: str) -> list:
    return [
        (t.subject, t.predicate, t.object)
        for t in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)
    ]


@pytest.fixture
def world(tmp_path):
    """A store with calls A and B, and an emptied Neo4j, both closed afterwards."""
    client = scratch_client()
    store = KnowledgeStore(tmp_path)
    store.replace_graphs({A: triples(CALL_A), B: triples(CALL_B)})
    yield store, client
    store.close()
    client.close()


def node(client, uri: str) -> dict | None:
    rows = client.read(
        "MATCH (n:Resource {uri: $uri}) RETURN labels(n) AS labels, properties(n) AS props",
        uri=uri,
    )
    return rows[0] if rows else None


def test_neo4j_first_sync_is_full_and_a_shared_node_names_both_graphs(world):
    store, client = world
    report = sync(store, client)
    assert report.mode == "full"
    assert report.reason == "first sync of this data folder to this Neo4j"
    org = node(client, ORG)["props"]
    assert org["schema__name"] == "Zeta Fictional Ltd"
    assert org["schema__alternateName"] == "泽塔虚构有限公司@zh"
    assert org["_graphs"] == [A.value, B.value]
    assert org["_sources"] == [A.value, B.value]
    # the industry concept is only an object here: a bare node, as in n10s
    assert node(client, ONLY_A) == {"labels": ["Resource"], "props": {"uri": ONLY_A}}


def test_neo4j_changed_literal_reprojects_only_its_subject(world):
    store, client = world
    sync(store, client)
    store.replace_graph(A, triples(CALL_A.replace("40 units", "45 units")))

    report = sync(store, client)

    assert report.mode == "incremental"
    assert report.changed == [A.value]
    assert report.subjects == 1
    assert node(client, TURN)["props"]["semcrm__text"] == "We would like a quote for 45 units."


def test_neo4j_erased_graph_removes_what_only_it_contributed_and_keeps_the_rest(world):
    store, client = world
    sync(store, client)
    _, before_edges = dump(client)

    store.remove_graphs([A])
    report = sync(store, client)

    assert report.removed == [A.value]
    for gone in (EX + "call-a", TURN, ONLY_A):
        assert node(client, gone) is None, gone
    org = node(client, ORG)["props"]
    assert "schema__name" not in org  # said only by A
    assert org["schema__alternateName"] == "泽塔虚构有限公司@zh"
    assert org["_graphs"] == [B.value]
    _, after_edges = dump(client)
    assert set(after_edges) == {(EX + "call-b", "semcrm__customer", ORG)}
    assert (
        after_edges[(EX + "call-b", "semcrm__customer", ORG)]
        == before_edges[(EX + "call-b", "semcrm__customer", ORG)]
    )


def test_neo4j_sync_with_nothing_changed_writes_nothing(world):
    store, client = world
    sync(store, client)
    before = dump(client)

    report = sync(store, client)

    assert (report.mode, report.changed, report.removed) == ("incremental", [], [])
    assert (report.subjects, report.nodes, report.relationships) == (0, 0, 0)
    assert dump(client) == before


def test_neo4j_label_that_is_no_longer_stated_is_removed(world):
    store, client = world
    sync(store, client)
    store.replace_graph(A, triples(CALL_A.replace("ns#Turn> .", "ns#EvidenceSpan> .", 1)))

    sync(store, client)

    assert sorted(node(client, TURN)["labels"]) == ["Resource", "semcrm__EvidenceSpan"]


def test_neo4j_sensitivity_tier_of_a_graph_comes_from_graph_meta(world):
    store, client = world
    sync(store, client)
    tier = (B, ox.NamedNode("https://w3id.org/semcrm/ns#sensitivity"), ox.Literal("confidential"))
    store.replace_graph(META, [tier])

    report = sync(store, client)

    assert set(report.changed) == {B.value}
    assert node(client, ORG)["props"]["_sensitivity"] == "confidential"  # B is one of its graphs
    assert node(client, TURN)["props"]["_sensitivity"] == "internal"  # A only: the default


def test_neo4j_targeted_sync_reads_only_the_named_graphs(world):
    store, client = world
    sync(store, client)
    store.replace_graph(A, triples(CALL_A.replace("40 units", "41 units")))
    store.replace_graph(B, triples(CALL_B.replace("泽塔", "泽塔新")))

    targeted = sync(store, client, graphs=[A.value])

    assert (targeted.checked, targeted.changed) == (1, [A.value])
    assert node(client, ORG)["props"]["schema__alternateName"] == "泽塔虚构有限公司@zh"
    everything = sync(store, client)
    assert everything.changed == [B.value]
    assert node(client, ORG)["props"]["schema__alternateName"] == "泽塔新虚构有限公司@zh"


def test_neo4j_targeted_sync_notices_a_named_graph_that_left_the_store(world):
    store, client = world
    sync(store, client)
    store.remove_graphs([A])

    report = sync(store, client, graphs=[A.value])

    assert (report.checked, report.removed) == (0, [A.value])
    assert node(client, TURN) is None


def test_neo4j_incremental_result_equals_a_full_rebuild(world):
    store, client = world
    sync(store, client)
    store.replace_graph(A, triples(CALL_A.replace("Zeta Fictional Ltd", "Zeta Fictional Group")))
    store.remove_graphs([B])
    sync(store, client)
    incremental = dump(client)

    rebuilt = sync(store, client, full=True)

    assert rebuilt.mode == "full"
    assert dump(client) == incremental


def test_neo4j_a_wiped_server_is_noticed_and_rebuilt(world):
    store, client = world
    sync(store, client)
    client.run_autocommit("MATCH (n) DETACH DELETE n", "wiping")

    report = sync(store, client)

    assert report.mode == "full"
    assert "does not hold the projection" in report.reason
    assert node(client, ORG)["props"]["schema__name"] == "Zeta Fictional Ltd"


def test_neo4j_changed_vocabulary_setting_rebuilds_with_the_new_names(world):
    store, client = world
    sync(store, client)

    report = sync(store, client, config=ProjectionConfig(vocab="IGNORE"))

    assert (report.mode, report.reason) == ("full", "the projection settings changed")
    assert sorted(node(client, TURN)["labels"]) == ["Resource", "Turn"]
    assert node(client, TURN)["props"]["text"] == "We would like a quote for 40 units."


def test_neo4j_status_counts_the_graphs_changed_added_and_removed_since_the_last_sync(world):
    store, client = world
    sync(store, client)
    assert status(store, client)["lag"] == 0
    store.replace_graph(A, triples(CALL_A.replace("40 units", "50 units")))
    store.remove_graphs([B])
    store.replace_graph(
        ox.NamedNode(EX + "graph/call-c"), triples(CALL_B.replace("call-b", "call-c"))
    )

    lag = status(store, client)

    assert lag["neo4j_holds_this_projection"] is True
    assert (lag["changed"], lag["removed"], lag["added"]) == (
        [A.value],
        [B.value],
        [EX + "graph/call-c"],
    )
    assert lag["lag"] == 3


def test_neo4j_a_second_sync_of_the_same_data_folder_is_refused_while_one_runs(world):
    store, client = world
    running = SyncState(state_path(store.data_dir, client.target.key))
    try:
        with pytest.raises(SyncError, match="another `semcrm neo4j sync` is running"):
            sync(store, client)
    finally:
        running.close()
