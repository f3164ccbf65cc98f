"""The devset, ingested and reasoned over, projected into a real Neo4j with `semcrm neo4j sync`.

Counts in Neo4j are checked against SPARQL over the same store, and the
expectations are computed from the store with SPARQL and the n10s naming
rule written out here, not with the projection's own code. The erasure test
runs last and works on a copy of the data folder.
"""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from support import gold_pii, leaks
from test_neo4j_launcher import dump, neo4j_uri, scratch_client
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.namespaces import PREFIXES
from semcrm.ontology.store import KnowledgeStore

pytestmark = pytest.mark.slow
runner = CliRunner()
INFERRED = "https://w3id.org/semcrm/graph/inferred"
ONTOLOGY = "https://w3id.org/semcrm/graph/ontology"
RELATION = "FILTER(!isLiteral(?o)) FILTER(?p != rdf:type || isBlank(?o))"


def semcrm(*args: str) -> dict:
    result = runner.invoke(
        app, [*args, "--json"], env={"SEMCRM_NEO4J_URI": neo4j_uri()}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def devset(tmp_path_factory, devset_dir):
    data = tmp_path_factory.mktemp("neo4j-devset")
    client = scratch_client()
    semcrm("ingest", str(devset_dir), "--data", str(data))
    semcrm("reason", "--data", str(data))
    first = semcrm("neo4j", "sync", "--data", str(data))
    yield data, client, first
    client.close()


def select(data, query: str) -> list:
    with KnowledgeStore(data, read_only=True) as store:
        return [tuple(row) for row in store.query(query, prefixes=PREFIXES)]


def projected(data, without: str | None = None) -> str:
    """A VALUES clause binding ?g to the graphs the projection mirrors: every interaction,
    the derived facts and the ontology (not bookkeeping, justifications or the union copy)."""
    with KnowledgeStore(data, read_only=True) as store:
        graphs = [g.value for g in store.interaction_graphs()] + [INFERRED, ONTOLOGY]
    return "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs if g != without) + " }"


def shortener(client):
    """The n10s SHORTEN naming: the namespace's prefix (semcrm's own, else the one stored in
    _NsPrefDef), two underscores, the local name (after the last #, / or :)."""
    table = {ns: prefix for prefix, ns in PREFIXES.items()}
    stored = client.read("MATCH (p:_NsPrefDef) RETURN properties(p) AS p")[0]["p"]
    table.update({ns: prefix for prefix, ns in stored.items()})

    def short(iri: str) -> str:
        cut = max(iri.rfind("#"), iri.rfind("/"), iri.rfind(":"))
        return f"{table[iri[: cut + 1]]}__{iri[cut + 1 :]}"

    return short


def uri(term) -> str:
    return f"bnode://{term.value}" if isinstance(term, ox.BlankNode) else term.value


def sparql_label_counts(data, client) -> dict[str, int]:
    rows = select(
        data,
        f"SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {projected(data)} GRAPH ?g {{ ?s a ?type }} "
        "FILTER(isIRI(?type)) } GROUP BY ?type",
    )
    short = shortener(client)
    return {short(t.value): int(n.value) for t, n in rows}


def sparql_relationship_counts(data, client) -> dict[str, int]:
    rows = select(
        data,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"{projected(data)} GRAPH ?g {{ ?s ?p ?o }} {RELATION} }} }} GROUP BY ?p",
    )
    short = shortener(client)
    return {short(p.value): int(n.value) for p, n in rows}


def neo4j_label_counts(client) -> dict[str, int]:
    rows = client.read(
        "MATCH (n:Resource) UNWIND labels(n) AS l WITH l WHERE l <> 'Resource' "
        "RETURN l, count(*) AS n"
    )
    return {row["l"]: row["n"] for row in rows}


def neo4j_relationship_counts(client) -> dict[str, int]:
    rows = client.read("MATCH (:Resource)-[r]->(:Resource) RETURN type(r) AS t, count(*) AS n")
    return {row["t"]: row["n"] for row in rows}


def test_neo4j_devset_first_sync_is_full_and_covers_every_projected_graph(devset):
    data, _, first = devset
    graphs = select(
        data,
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ {projected(data)} GRAPH ?g {{ ?s ?p ?o }} }}",
    )
    assert first["mode"] == "full"
    assert first["graphs"] == int(graphs[0][0].value) > 30
    assert first["nodes"] > 1000 and first["relationships"] > 1000


def test_neo4j_devset_node_count_per_label_equals_sparql(devset):
    data, client, _ = devset
    expected = sparql_label_counts(data, client)
    assert len(expected) > 20
    assert neo4j_label_counts(client) == expected


def test_neo4j_devset_relationship_count_per_type_equals_sparql(devset):
    data, client, _ = devset
    expected = sparql_relationship_counts(data, client)
    assert len(expected) > 20
    assert neo4j_relationship_counts(client) == expected


def test_neo4j_devset_one_node_per_resource(devset):
    data, client, _ = devset
    rows = select(
        data,
        f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ {projected(data)} GRAPH ?g {{ {{ ?r ?p ?o }} "
        "UNION { ?s ?p ?r FILTER(!isLiteral(?r)) FILTER(?p != rdf:type || isBlank(?r)) } } }",
    )
    count = client.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]
    assert count == int(rows[0][0].value)


def test_neo4j_devset_nodes_with_each_literal_property_equal_sparql(devset):
    data, client, _ = devset
    rows = select(
        data,
        f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {projected(data)} GRAPH ?g {{ ?s ?p ?o }} "
        "FILTER(isLiteral(?o)) } GROUP BY ?p",
    )
    short = shortener(client)
    expected = {short(p.value): int(n.value) for p, n in rows}
    found = client.read(
        "MATCH (n:Resource) UNWIND keys(n) AS k WITH k WHERE k <> 'uri' AND NOT k STARTS WITH '_' "
        "RETURN k, count(*) AS n"
    )
    assert {row["k"]: row["n"] for row in found} == expected


def test_neo4j_devset_derived_relationships_carry_the_rules_and_confidence_of_their_justifications(
    devset,
):
    data, client, _ = devset
    rows = select(
        data,
        f"SELECT ?s ?p ?o ?rule ?c WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o {RELATION} }} "
        "GRAPH <https://w3id.org/semcrm/graph/justifications> { ?st rdf:subject ?s ; "
        "rdf:predicate ?p ; rdf:object ?o ; semcrm:confidence ?c . "
        "?j semcrm:derives ?st ; semcrm:rule ?rule } }",
    )
    expected: dict[tuple, tuple] = {}
    short = shortener(client)
    for s, p, o, rule, c in rows:
        key = (uri(s), short(p.value), uri(o))
        rules, _ = expected.get(key, (set(), None))
        expected[key] = (rules | {rule.value}, round(float(c.value), 6))
    found = client.read(
        "MATCH (a:Resource)-[r]->(b:Resource) WHERE r._derived "
        "RETURN a.uri AS s, type(r) AS t, b.uri AS o, r._rules AS rules, r._confidence AS c, "
        "r._sources AS sources"
    )
    assert len(found) == len(expected) > 100
    for row in found:
        rules, confidence = expected[(row["s"], row["t"], row["o"])]
        assert set(row["rules"]) == rules
        assert round(row["c"], 6) == confidence
        assert row["sources"] and all("/id/interaction/" in g for g in row["sources"])


def test_neo4j_devset_sync_again_changes_nothing(devset):
    data, client, _ = devset
    before = dump(client)

    again = semcrm("neo4j", "sync", "--data", str(data))

    assert (again["mode"], again["changed"], again["removed"]) == ("incremental", [], [])
    assert (again["subjects"], again["nodes"], again["relationships"]) == (0, 0, 0)
    assert dump(client) == before
    status = semcrm("neo4j", "status", "--data", str(data))
    assert status["lag"] == 0 and status["neo4j_holds_this_projection"] is True


def test_neo4j_devset_projection_holds_no_gold_personal_data(devset, devset_dir):
    """Everything in Neo4j (every uri, label, type and value) is scanned for the devset's gold
    PII strings; the projection only carries the store's de-identified text."""
    _, client, _ = devset
    nodes, edges = dump(client)
    text = json.dumps([nodes, [[*key, props] for key, props in edges.items()]], ensure_ascii=False)
    values = gold_pii(devset_dir)
    assert len(values) > 50
    assert leaks(values, text) == []
    # the scan looks at real text: turns are there, with pseudonyms in place of names
    assert len(text) > 500_000 and "[PERSON-" in text
    assert leaks(values[:1], f"x {values[0][1]} x") == [values[0][1]]


def test_neo4j_devset_erasing_an_interaction_removes_its_nodes_and_edges_and_nothing_else(
    devset, tmp_path
):
    data, client, _ = devset
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    before_nodes, before_edges = dump(client)
    with KnowledgeStore(copy, read_only=True) as store:
        graphs = store.interaction_graphs()
    erased = max(
        graphs,
        key=lambda g: (
            sum(g.value in p.get("_graphs", []) for _, p in before_nodes.values()),
            g.value,
        ),
    ).value
    mentioned = (
        "SELECT DISTINCT ?r WHERE {{ {} GRAPH ?g {{ {{ ?r ?p ?o }} UNION {{ ?s ?p ?r "
        "FILTER(!isLiteral(?r)) FILTER(?p != rdf:type || isBlank(?r)) }} }} }}"
    )
    only_erased = f"VALUES ?g {{ <{erased}> }}"
    others = projected(copy, without=erased)
    inside = {uri(r) for (r,) in select(copy, mentioned.format(only_erased))}
    outside = {uri(r) for (r,) in select(copy, mentioned.format(others))}
    triples = "SELECT DISTINCT ?s ?p ?o WHERE {{ {} GRAPH ?g {{ ?s ?p ?o {} }} }}"
    short = shortener(client)
    edges_in = {
        (uri(s), short(p.value), uri(o))
        for s, p, o in select(copy, triples.format(only_erased, RELATION))
    }
    edges_out = {
        (uri(s), short(p.value), uri(o))
        for s, p, o in select(copy, triples.format(others, RELATION))
    }
    assert inside - outside and inside & outside  # it has its own nodes and shares others

    with KnowledgeStore(copy) as store:
        store.remove_graphs([ox.NamedNode(erased)])
    report = semcrm("neo4j", "sync", "--data", str(copy))

    assert (report["mode"], report["removed"], report["changed"]) == ("incremental", [erased], [])
    after_nodes, after_edges = dump(client)
    assert set(before_nodes) - set(after_nodes) == inside - outside
    assert set(after_nodes) <= set(before_nodes)
    assert set(before_edges) - set(after_edges) == edges_in - edges_out
    assert set(after_edges) <= set(before_edges)
    for key, (labels, props) in after_nodes.items():
        had = before_nodes[key][1].get("_graphs", [])
        if erased not in had:
            assert (labels, props) == before_nodes[key], key  # untouched
        else:
            assert props["_graphs"] == [g for g in had if g != erased], key
    for key, props in after_edges.items():
        if erased not in before_edges[key]["_graphs"]:
            assert props == before_edges[key], key
    assert neo4j_label_counts(client) == sparql_label_counts(copy, client)
    assert neo4j_relationship_counts(client) == sparql_relationship_counts(copy, client)

    rebuilt = semcrm("neo4j", "sync", "--data", str(copy), "--full")
    assert rebuilt["mode"] == "full"
    assert dump(client) == (after_nodes, after_edges)
