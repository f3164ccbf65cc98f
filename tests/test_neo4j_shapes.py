"""The data shapes known to break RDF-to-Neo4j imports, through the store into a real Neo4j.

Each shape is written into a real on-disk store (IRIs the strict parser
refuses are parsed leniently, as the store accepts them), synced with the
real sync, and read back with Cypher, asserting the exact value. The people,
companies and figures are invented.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from test_neo4j_launcher import scratch_client

from semcrm.ontology.neo4j.sync import sync
from semcrm.ontology.store import KnowledgeStore

DATA = """
<https://example.org/客户/张三丰> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/类型/重要客户> <https://example.org/graph/通话-1> .
<https://example.org/客户/张三丰> <https://example.org/关系/认识> <https://example.org/people/Jane Q Doe> <https://example.org/graph/通话-1> .
<https://example.org/客户/张三丰> <https://example.org/关系/认识> <https://example.org/items[1]> <https://example.org/graph/通话-1> .
<https://example.org/items[1]> <https://example.org/p/price> "12"^^<http://www.w3.org/2001/XMLSchema#integer> <https://example.org/graph/通话-1> .
<https://example.org/discount/50%> <https://example.org/p/appliesTo> <https://example.org/items[1]> <https://example.org/graph/通话-1> .
<https://example.org/people/Jane Q Doe> <https://example.org/p/note> "无标签的备注"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> <https://example.org/graph/通话-1> .
<https://example.org/people/Jane Q Doe> <https://example.org/p/title> "采购经理"@zh <https://example.org/graph/通话-1> .
<https://example.org/meeting/m1> <https://example.org/p/startsAt> "2031-05-06T18:30:00+08:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> <https://example.org/graph/通话-1> .
<https://example.org/meeting/m2> <https://example.org/p/startsAt> "2031-05-06T10:30:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> <https://example.org/graph/通话-1> .
<https://example.org/meeting/m3> <https://example.org/p/startsAt> "2031-05-06T18:30:00+08:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> <https://example.org/graph/通话-1> .
<https://example.org/meeting/m3> <https://example.org/p/startsAt> "2031-05-06T10:30:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> <https://example.org/graph/通话-1> .
"""


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory):
    """The shapes above, in a store, synced into an emptied Neo4j."""
    data = tmp_path_factory.mktemp("shapes")
    client = scratch_client()
    with KnowledgeStore(data) as store:
        store.oxigraph.extend(
            ox.parse(DATA.encode("utf-8"), format=ox.RdfFormat.N_QUADS, lenient=True)
        )
        report = sync(store, client)
    assert report.mode == "full"
    yield client
    client.close()


def one(client, query: str, **parameters):
    rows = client.read(query, **parameters)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    "iri",
    [
        "https://example.org/客户/张三丰",
        "https://example.org/people/Jane Q Doe",
        "https://example.org/items[1]",
        "https://example.org/discount/50%",
    ],
)
def test_neo4j_iris_with_cjk_spaces_brackets_and_bare_percent_are_one_node_each_as_written(
    neo4j, iri
):
    row = one(neo4j, "MATCH (n:Resource {uri: $iri}) RETURN n.uri AS uri, count(*) AS n", iri=iri)
    assert row == {"uri": iri, "n": 1}


def test_neo4j_cjk_type_is_a_label_and_cjk_predicate_a_relationship_type(neo4j):
    prefixes = one(neo4j, "MATCH (p:_NsPrefDef) RETURN properties(p) AS p")["p"]
    by_namespace = {namespace: prefix for prefix, namespace in prefixes.items()}
    label = f"{by_namespace['https://example.org/类型/']}__重要客户"
    knows = f"{by_namespace['https://example.org/关系/']}__认识"
    row = one(
        neo4j,
        "MATCH (n:Resource {uri: $iri}) RETURN labels(n) AS labels, "
        "[(n)-[r]->(m) | [type(r), m.uri]] AS out",
        iri="https://example.org/客户/张三丰",
    )
    assert sorted(row["labels"]) == sorted(["Resource", label])
    assert sorted(row["out"]) == [
        [knows, "https://example.org/items[1]"],
        [knows, "https://example.org/people/Jane Q Doe"],
    ]


def test_neo4j_bracket_and_percent_iris_are_joined_by_their_relationship(neo4j):
    row = one(
        neo4j,
        "MATCH (d:Resource {uri: $d})-[r]->(i:Resource {uri: $i}) RETURN count(r) AS n",
        d="https://example.org/discount/50%",
        i="https://example.org/items[1]",
    )
    assert row["n"] == 1


def test_neo4j_langstring_without_a_tag_arrives_as_the_plain_string(neo4j):
    row = one(
        neo4j,
        "MATCH (n:Resource {uri: $iri}) RETURN [k IN keys(n) WHERE k ENDS WITH '__note' | n[k]]"
        " AS notes, [k IN keys(n) WHERE k ENDS WITH '__title' | n[k]] AS titles",
        iri="https://example.org/people/Jane Q Doe",
    )
    assert row["notes"] == ["无标签的备注"]
    assert row["titles"] == ["采购经理@zh"]


def _starts(neo4j, iri: str):
    return one(
        neo4j,
        "MATCH (n:Resource {uri: $iri}) UNWIND [k IN keys(n) WHERE k ENDS WITH '__startsAt'] AS k "
        "RETURN n[k] AS v",
        iri=iri,
    )["v"]


def test_neo4j_the_same_instant_in_two_zones_stays_as_written_and_equal_as_an_instant(neo4j):
    row = one(
        neo4j,
        "MATCH (a:Resource {uri: $a}), (b:Resource {uri: $b}) "
        "WITH a, b, [k IN keys(a) WHERE k ENDS WITH '__startsAt'][0] AS k "
        "RETURN toString(a[k]) AS a_text, toString(b[k]) AS b_text, "
        "a[k].offset AS a_offset, b[k].offset AS b_offset, "
        "a[k].epochMillis = b[k].epochMillis AS same_millis, "
        "a[k].epochSeconds = b[k].epochSeconds AND a[k].nanosecond = b[k].nanosecond AS same_instant, "
        "datetime({datetime: a[k], timezone: 'Z'}) = b[k] AS same_in_utc, "
        "a[k] = b[k] AS cypher_equal",
        a="https://example.org/meeting/m1",
        b="https://example.org/meeting/m2",
    )
    assert row["a_text"] == "2031-05-06T18:30:00+08:00"
    assert row["b_text"] == "2031-05-06T10:30:00Z"
    assert (row["a_offset"], row["b_offset"]) == ("+08:00", "Z")
    assert row["same_millis"] is True
    assert row["same_instant"] is True
    assert row["same_in_utc"] is True
    # Neo4j's `=` on DateTime also compares the zone: documented in docs/neo4j.md
    assert row["cypher_equal"] is False


def test_neo4j_both_zones_of_one_property_are_kept_as_two_distinct_values(neo4j):
    values = _starts(neo4j, "https://example.org/meeting/m3")
    assert [v.iso_format() for v in values] == [
        "2031-05-06T10:30:00.000000000+00:00",
        "2031-05-06T18:30:00.000000000+08:00",
    ]
