"""Read-only Cypher for analysts: the guard, the runner, ``POST /cypher`` and ``semcrm cypher``.

The guard's cases need no server. Everything else runs against the real
Neo4j, over a small invented projection written by the real sync, and the
HTTP tests go through the real app served by uvicorn (``support.serve``).
"""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox
import pytest
from support import serve
from test_neo4j_launcher import neo4j_uri, scratch_client
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.neo4j.errors import CypherFailed, CypherRefused, CypherTimeout
from semcrm.ontology.neo4j.query import _run_read, check_read_only, run_cypher
from semcrm.ontology.neo4j.sync import sync
from semcrm.ontology.store import KnowledgeStore

EX = "https://example.org/"
DATA = f"""
<{EX}org/zeta> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/semcrm/ns#Organization> <{EX}graph/call-1> .
<{EX}org/zeta> <https://schema.org/name> "Zeta Fictional Ltd" <{EX}graph/call-1> .
<{EX}org/omega> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/semcrm/ns#Organization> <{EX}graph/call-1> .
<{EX}org/omega> <https://schema.org/name> "欧米伽虚构公司" <{EX}graph/call-1> .
<{EX}org/omega> <https://schema.org/foundingDate> "2031-05-06T18:30:00+08:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> <{EX}graph/call-1> .
<{EX}org/zeta> <https://w3id.org/semcrm/ns#competitor> <{EX}org/omega> <{EX}graph/call-1> .
"""


# -- the guard, before anything is sent -----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Resource) RETURN n.uri LIMIT 5",
        "MATCH (n) WHERE n.set = 1 RETURN n",  # a property called set
        "MATCH (n:Create) RETURN n",  # a label called Create
        "RETURN {merge: 1, delete: 2} AS m",  # map keys
        "RETURN 'CREATE (x)' AS text, \"SET n.x = 1\" AS other",  # strings
        "// DELETE everything\nMATCH (n) RETURN count(n)",  # a comment
        "MATCH (n) RETURN n.`DETACH DELETE` AS odd",  # a backtick name
        "MATCH (n) WHERE n.name STARTS WITH $p RETURN n",
        "CALL db.labels() YIELD label RETURN label",
        "CALL { MATCH (n) RETURN count(n) AS c } RETURN c",
        "SHOW INDEXES",
        "SHOW RANGE INDEXES YIELD name RETURN name",
        "EXPLAIN MATCH (n) RETURN n",
    ],
)
def test_neo4j_cypher_guard_lets_read_only_queries_through(query):
    check_read_only(query)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("CREATE (n:Person {name: 'Mallory Fictional'})", "CREATE"),
        ("MATCH (n) SET n.flag = true", "SET"),
        ("MATCH (n) DETACH DELETE n", "DETACH"),
        ("merge (n:X {uri: 'a'})", "MERGE"),
        ("MATCH (n) REMOVE n:Resource", "REMOVE"),
        ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
        ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD"),
        ("DROP CONSTRAINT n10s_unique_uri", "DROP"),
        ("USE system SHOW USERS", "USE"),
        ("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS", "DELETE"),
        ("SHOW USERS", "SHOW"),
        ("CALL apoc.create.node(['X'], {}) YIELD node RETURN node", "apoc.create.node"),
        ("CALL dbms.security.createUser('eve', 'pw')", "dbms.security.createUser"),
    ],
)
def test_neo4j_cypher_guard_refuses_writes_and_administration_naming_what(query, word):
    with pytest.raises(CypherRefused) as refused:
        check_read_only(query)
    assert word in str(refused.value)


def test_neo4j_cypher_guard_refuses_an_empty_query_with_an_example():
    with pytest.raises(CypherFailed, match="MATCH"):
        check_read_only("  // nothing\n")


# -- the runner, against Neo4j ---------------------------------------------------------------


@pytest.fixture(scope="module")
def projected(tmp_path_factory):
    """A data folder with a small store, synced into an emptied Neo4j."""
    data = tmp_path_factory.mktemp("cypher")
    client = scratch_client()
    with KnowledgeStore(data) as store:
        store.oxigraph.extend(ox.parse(DATA.encode(), format=ox.RdfFormat.N_QUADS))
        sync(store, client)
    yield data, client
    client.close()


def test_neo4j_cypher_runs_with_parameters_and_returns_json_rows(projected):
    _, client = projected
    result = run_cypher(
        client,
        "MATCH (o:semcrm__Organization) WHERE o.schema__name = $name "
        "RETURN o.uri AS uri, o.schema__name AS name",
        {"name": "欧米伽虚构公司"},
    )
    assert result.columns == ["uri", "name"]
    assert result.rows == [{"uri": EX + "org/omega", "name": "欧米伽虚构公司"}]
    assert result.truncated is False


def test_neo4j_cypher_row_limit_cuts_and_says_so(projected):
    _, client = projected
    result = run_cypher(client, "UNWIND range(1, 50) AS x RETURN x", limit=7)
    assert [row["x"] for row in result.rows] == [1, 2, 3, 4, 5, 6, 7]
    assert result.truncated is True


def test_neo4j_cypher_nodes_relationships_paths_and_datetimes_as_json(projected):
    _, client = projected
    result = run_cypher(
        client,
        "MATCH p = (a {uri: $a})-[r]->(b) RETURN a, r, p, b.schema__foundingDate AS founded",
        {"a": EX + "org/zeta"},
    )
    (row,) = result.rows
    assert row["a"]["labels"] == ["Resource", "semcrm__Organization"]
    assert row["a"]["properties"]["schema__name"] == "Zeta Fictional Ltd"
    assert row["r"]["type"] == "semcrm__competitor"
    assert row["r"]["start"] == row["a"]["element_id"]
    assert row["r"]["properties"]["_graphs"] == [EX + "graph/call-1"]
    assert [n["properties"]["uri"] for n in row["p"]["nodes"]] == [
        EX + "org/zeta",
        EX + "org/omega",
    ]
    assert row["founded"] == "2031-05-06T18:30:00.000000000+08:00"
    json.dumps(result.to_dict())  # plain JSON throughout


def test_neo4j_cypher_timeout_stops_a_long_query(projected):
    _, client = projected
    with pytest.raises(CypherTimeout, match=r"longer than 0\.5 s"):
        run_cypher(
            client,
            "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 123 RETURN count(x)",
            timeout=0.5,
        )


def test_neo4j_cypher_read_mode_session_refuses_a_write_the_guard_did_not_see(projected):
    """The second guard: even if a write got past check_read_only, the READ session refuses."""
    _, client = projected
    with pytest.raises(CypherRefused, match="read-only"):
        _run_read(client, "CREATE (:Intruder)", {}, limit=10, timeout=5)
    assert client.read("MATCH (n:Intruder) RETURN count(n) AS n") == [{"n": 0}]


def test_neo4j_cypher_syntax_error_is_a_failure_naming_the_problem(projected):
    _, client = projected
    with pytest.raises(CypherFailed, match="not valid Cypher"):
        run_cypher(client, "MATCH (n RETURN n")


# -- over HTTP and from the command line ----------------------------------------------------


@pytest.fixture(scope="module")
def api(projected):
    data, _ = projected
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SEMCRM_NEO4J_URI", neo4j_uri())
        env.setenv("SEMCRM_CYPHER_LIMIT", "20")
        with serve(data) as url, httpx.Client(base_url=url, timeout=30) as client:
            yield client


def test_neo4j_cypher_http_answers_rows_as_json(api):
    response = api.post(
        "/cypher",
        json={"query": "MATCH (o:semcrm__Organization) RETURN o.uri AS uri ORDER BY uri"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["columns"] == ["uri"]
    assert [row["uri"] for row in body["rows"]] == [EX + "org/omega", EX + "org/zeta"]
    assert (body["count"], body["truncated"]) == (2, False)


def test_neo4j_cypher_http_limit_cannot_exceed_the_server_setting(api):
    body = api.post("/cypher", json={"query": "UNWIND range(1, 100) AS x RETURN x", "limit": 500})
    assert body.json()["count"] == 20 and body.json()["truncated"] is True


def test_neo4j_cypher_http_write_is_a_403_in_the_error_shape(api):
    response = api.post("/cypher", json={"query": "MATCH (n) DETACH DELETE n"})
    assert response.status_code == 403
    body = response.json()
    assert body["ok"] is False and body["status"] == 403
    assert "read-only" in body["error"] and body["errors"] == [body["error"]]


def test_neo4j_cypher_http_bad_body_is_a_422_naming_the_field(api):
    response = api.post("/cypher", json={"parameters": {}})
    assert response.status_code == 422
    assert "query" in response.json()["error"]


def test_neo4j_cypher_http_without_neo4j_is_a_503_saying_how_to_configure_it(projected, tmp_path):
    data = tmp_path / "no-neo4j"
    KnowledgeStore(data).close()
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SEMCRM_NEO4J_URI", raising=False)
        with serve(data) as url:
            response = httpx.post(f"{url}/cypher", json={"query": "RETURN 1"}, timeout=30)
            health = httpx.get(f"{url}/health", timeout=30)
    assert response.status_code == 503
    assert "SEMCRM_NEO4J_URI" in response.json()["error"]
    assert health.status_code == 200  # everything else works


def test_neo4j_cypher_cli_prints_json_rows(projected):
    data, _ = projected
    result = CliRunner().invoke(
        app,
        [
            "cypher",
            "MATCH (o {uri: $uri}) RETURN o.schema__name AS name",
            "--param",
            f"uri={EX}org/zeta",
            "--data",
            str(data),
            "--json",
        ],
        env={"SEMCRM_NEO4J_URI": neo4j_uri()},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == [{"name": "Zeta Fictional Ltd"}]


def test_neo4j_cypher_cli_refuses_a_write_with_exit_1(projected):
    data, _ = projected
    result = CliRunner().invoke(
        app,
        ["cypher", "CREATE (n)", "--data", str(data)],
        env={"SEMCRM_NEO4J_URI": neo4j_uri()},
    )
    assert result.exit_code == 1
    assert "read-only" in result.output
