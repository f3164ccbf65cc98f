"""Cypher confined to the caller's tiers (issue 7): the rewrite, and what it matches in Neo4j.

The rewrite's cases need no server: every node and relationship pattern gets its guard, and
every construct that could reach the graph unguarded is refused. Then a small invented
store with one internal and one confidential call (governance's tier in ``graph:meta``) is
synced into the real Neo4j, and the confined queries are run there: an internal reader
never gets a node or relationship of the confidential call, by content.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from test_neo4j_launcher import scratch_client

from semcrm.ontology.neo4j.confine import FIELDS_PARAM, TIERS_PARAM, confine, guard
from semcrm.ontology.neo4j.errors import CypherRefused
from semcrm.ontology.neo4j.query import run_cypher
from semcrm.ontology.neo4j.sync import sync
from semcrm.ontology.store import KnowledgeStore

EX = "https://example.org/"
S = "https://w3id.org/semcrm/ns#"
A, B = f"{EX}graph/call-a", f"{EX}graph/call-b"
DATA = f"""
<{EX}org/zeta> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{S}Organization> <{A}> .
<{EX}org/zeta> <https://schema.org/name> "Zeta Fictional Ltd" <{A}> .
<{EX}org/zeta> <{S}competitor> <{EX}org/omega> <{A}> .
<{EX}org/omega> <https://schema.org/name> "Omega Fictional" <{A}> .
<{EX}org/kappa> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{S}Organization> <{B}> .
<{EX}org/kappa> <https://schema.org/name> "Kappa Secret Tender Ltd" <{B}> .
<{EX}org/kappa> <{S}competitor> <{EX}org/omega> <{B}> .
<{EX}org/zeta> <{S}partner> <{EX}org/omega> <{B}> .
<{B}> <{S}sensitivity> "confidential" <https://w3id.org/semcrm/graph/meta> .
"""
INTERNAL = ["public", "internal"]


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n) RETURN count(n)",
        "MATCH (o:semcrm__Organization)-[r]->(x) WHERE r._confidence > 0.5 RETURN o, x",
        "MATCH p = (a)-->(b)<--(c {uri: $u}) RETURN p",
        "MATCH (a WHERE a.x = 1)-[r:T WHERE r.w > 2]-(b), (c) RETURN a.call, b.count",
        "OPTIONAL MATCH (n:X) WITH n MATCH (n)--(m) RETURN m UNION MATCH (z) RETURN z AS m",
        "MATCH (n) // a comment (x)-->(y)\nRETURN '(a)-->(b)' AS text",
    ],
)
def test_neo4j_confine_guards_every_node_and_relationship_pattern(query):
    rewritten, params = confine(query, INTERNAL, [], {"u": "x"})
    assert params == {"u": "x", TIERS_PARAM: INTERNAL, FIELDS_PARAM: []}
    nodes = query.split("//")[0].count("(") - query.count("count(")
    assert rewritten.count(f"${TIERS_PARAM}") >= nodes
    assert rewritten.count("WHERE") > query.count("WHERE")
    code = query.split("//")[0]
    for variable in ("a", "b", "n", "o", "r", "m", "z"):
        if f"({variable}" in code or f"[{variable}" in code:
            assert guard(variable) in rewritten


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ("CALL db.labels()", "CALL"),
        ("MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN m } RETURN m", "CALL"),
        ("MATCH (n) WHERE (n)-->() RETURN n", "pattern inside an expression"),
        ("MATCH (n) RETURN [(n)-->(m) | m.uri]", "pattern inside an expression"),
        ("MATCH (n) WHERE EXISTS { (n)-->() } RETURN n", "EXISTS"),
        ("MATCH (n) RETURN COUNT { (n)-->() } AS c", "COUNT"),
        ("MATCH (n) RETURN COLLECT { MATCH (n)-->(m) RETURN m } AS c", "COLLECT"),
        ("MATCH (a)-[*1..3]->(b) RETURN b", "variable-length"),
        ("MATCH ((a)-->(b)){1,3} RETURN a", "quantified"),
        ("MATCH (a)-->{1,3}(b) RETURN a", "relationship not followed"),
        ("MATCH p = shortestPath((a)-[*]-(b)) RETURN p", "shortestPath"),
        ("MATCH p = ANY SHORTEST (a)-->+(b) RETURN p", "SHORTEST"),
        ("MATCH (__semcrm_n1) RETURN 1", "reserved"),
    ],
)
def test_neo4j_confine_refuses_what_it_cannot_guard(query, what):
    with pytest.raises(CypherRefused, match=what):
        confine(query, INTERNAL, [])


def test_neo4j_confine_reserves_its_parameter_names():
    with pytest.raises(CypherRefused, match="reserved"):
        confine("MATCH (n) RETURN n", INTERNAL, [], {TIERS_PARAM: ["restricted"]})


@pytest.fixture(scope="module")
def projected(tmp_path_factory):
    data = tmp_path_factory.mktemp("confine")
    client = scratch_client()
    with KnowledgeStore(data) as store:
        store.oxigraph.extend(ox.parse(DATA.encode(), format=ox.RdfFormat.N_QUADS))
        sync(store, client)
    yield client
    client.close()


def _run(client, query: str, tiers: list[str]) -> str:
    rewritten, params = confine(query, tiers, tiers)
    return json.dumps(run_cypher(client, rewritten, params).to_dict(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("query", "readable"),
    [
        ("MATCH (n) RETURN n", "Omega Fictional"),
        ("MATCH (n) RETURN count(n) AS c, collect(n.schema__name) AS names", "Omega Fictional"),
        ("MATCH (a)-[r]->(b) RETURN a, r, b", None),  # every edge starts at a confidential node
        ("MATCH (a)--(b) RETURN a.schema__name, b.schema__name", None),
        ("MATCH p = (a)-->(b) RETURN p", None),
        ("MATCH (a {uri: 'https://example.org/org/kappa'}) RETURN a", None),
        ("OPTIONAL MATCH (a)-[r:semcrm__partner]->(b) RETURN a, r, b", None),
    ],
)
def test_neo4j_confine_an_internal_reader_never_gets_the_confidential_call(
    projected, query, readable
):
    body = _run(projected, query, INTERNAL)
    full = _run(projected, query, [*INTERNAL, "confidential", "restricted"])
    for secret in ("Kappa Secret Tender", "Zeta Fictional", B, "semcrm__partner"):
        assert secret not in body, (query, secret)
    assert any(s in full for s in ("Kappa Secret Tender", "Zeta Fictional", B)), full
    if readable:
        assert readable in body


def test_neo4j_confine_nodes_and_relationships_carry_their_tier(projected):
    rows = run_cypher(
        projected,
        "MATCH (n:Resource) WHERE n.schema__name IS NOT NULL "
        "RETURN n.schema__name AS name, n._sensitivity AS tier ORDER BY name",
    ).rows
    assert {r["name"]: r["tier"] for r in rows} == {
        "Kappa Secret Tender Ltd": "confidential",
        "Omega Fictional": "internal",
        "Zeta Fictional Ltd": "confidential",  # call B states a partner of it: strictest
    }
    edges = run_cypher(
        projected, "MATCH ()-[r]->() RETURN type(r) AS t, r._sensitivity AS tier ORDER BY t"
    ).rows
    assert {(e["t"], e["tier"]) for e in edges} == {
        ("semcrm__competitor", "internal"),
        ("semcrm__competitor", "confidential"),
        ("semcrm__partner", "confidential"),
    }
