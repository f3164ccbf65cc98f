"""Issue 7's test matrix: roles x endpoints x tiers, on the devset, checked by content.

The devset (``../shared/devset``) is ingested and reasoned over once, with ``semcrm ingest``;
governance marks one ordinary interaction ``restricted``, so every tier holds data (the
ontology is public, calls and chats internal, tenders and documents marked "contract"
confidential). The real app serves it over HTTP with ``auth=keys``, and the projection is
synced into a real Neo4j for ``/cypher``.

What each tier holds is computed from the store with the first part's functions
(``graph_tiers``, ``statement_tiers``), not with the enforcement code under test: per tier,
its graphs' IRIs, quotes found in no less restrictive graph, and the derived facts whose
tier follows inference to it; and the whole texts of records, a protected field
(``semcrm:text`` needs read-field, which agents lack). For each role and endpoint the
response body is searched for those strings: none above the caller's clearance may ever
appear, and for the tiers it may read the data must be there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from support import serve
from test_neo4j_launcher import neo4j_uri, scratch_client
from typer.testing import CliRunner

from semcrm.api.access.keys import KeyStore
from semcrm.api.access.policy import load_policy
from semcrm.api.access.tiers import graph_tiers, set_graph_tier, statement_tiers
from semcrm.api.cli import app
from semcrm.ontology.loader import load_ontology
from semcrm.ontology.store import SYSTEM_GRAPHS, KnowledgeStore

pytestmark = pytest.mark.slow
runner = CliRunner()
SEMCRM = "https://w3id.org/semcrm/ns#"
J = "https://w3id.org/semcrm/graph/justifications"
ROLES = ("admin", "governance", "analyst", "agent")
CONTEXT_PREDICATES = ("hasIntent", "hasStatedNeed", "hasUnstatedNeed", "raisedObjection")
SAFE = re.compile(r'^[^"\\\n\r\t]{12,}$')  # written the same in JSON, N-Quads and Turtle


def semcrm(*args: str, env: dict | None = None) -> str:
    result = runner.invoke(app, list(args), env=env or {}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@dataclass
class Tier:
    rank: int
    name: str
    graphs: set[str] = field(default_factory=set)
    customer_graphs: set[str] = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)
    derived: set[str] = field(default_factory=set)  # derived statements of this tier
    context_facts: set[str] = field(default_factory=set)  # the ones a context lists


@dataclass
class World:
    url: str
    data: Path
    keys: dict[str, str]
    principals: dict[str, str]
    clearance: dict[str, int]
    tiers: dict[int, Tier]
    texts: set[str]  # whole record texts: a protected field
    customers: list[str]
    restricted_graph: str
    statement_rank: dict[str, int]
    mixed: dict[int, list[str]]  # clearance -> context facts it reads that rest on more


def _probes(store: ox.Store, policy) -> tuple[dict[int, Tier], set[str], dict[str, int]]:
    tiers = graph_tiers(store, policy)
    system = {g.value for g in SYSTEM_GRAPHS}
    out = {r: Tier(r, policy.tier_name(r)) for r in sorted(policy.tiers.values())}
    literals: dict[int, list[str]] = {r: [] for r in out}
    for graph, tier in tiers.items():
        if graph in system:
            continue
        out[tier.rank].graphs.add(graph)
        node = ox.NamedNode(graph)
        if any(store.quads_for_pattern(node, ox.NamedNode(SEMCRM + "customer"), None, node)):
            out[tier.rank].customer_graphs.add(graph)
        for quad in store.quads_for_pattern(None, None, None, node):
            if isinstance(quad.object, ox.Literal):
                literals[tier.rank].append(quad.object.value)
    for graph in (
        "https://w3id.org/semcrm/graph/ontology",
        "https://w3id.org/semcrm/graph/inferred",
    ):
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            if isinstance(quad.object, ox.Literal):
                literals[policy.bottom].append(quad.object.value)
    quote = ox.NamedNode(SEMCRM + "quote")
    for rank, tier in out.items():
        lower = "\n".join(text for r, texts in literals.items() if r < rank for text in texts)
        for graph in sorted(tier.graphs):
            found = sorted(
                q.object.value
                for q in store.quads_for_pattern(None, quote, None, ox.NamedNode(graph))
                if SAFE.match(q.object.value) and q.object.value not in lower
            )
            tier.quotes.update(found[:3])
    # turns' texts that are no quote (nor inside one, nor any other literal): a protected field
    text = ox.NamedNode(SEMCRM + "text")
    others = "\n".join(
        q.object.value
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.object, ox.Literal) and q.predicate != text
    )
    texts = set()
    for graph in sorted(out[policy.rank_of("internal")].graphs):
        found = sorted(
            q.object.value
            for q in store.quads_for_pattern(None, text, None, ox.NamedNode(graph))
            if SAFE.match(q.object.value)
            and len(q.object.value) >= 30
            and q.object.value not in others
        )
        texts.update(found[:2])
    statements, _ = statement_tiers(store, tiers, policy)
    derived = {
        row["s"].value: row["p"].value
        for row in store.query(
            f"SELECT ?s ?p WHERE {{ GRAPH <{J}> {{ ?s <{SEMCRM}derived> true ; "
            f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p }} }}"
        )
    }
    for statement, predicate in derived.items():
        rank = statements[statement]
        out[rank].derived.add(statement)
        if predicate.removeprefix(SEMCRM) in CONTEXT_PREDICATES:
            out[rank].context_facts.add(statement)
    # the graphs every derivation of a context fact reaches, through derived premises too
    premises: dict[str, set[str]] = {}
    for row in store.query(
        f"SELECT ?c ?p WHERE {{ GRAPH <{J}> {{ ?j <{SEMCRM}derives> ?c ; <{SEMCRM}premise> ?p }} }}"
    ):
        premises.setdefault(row["c"].value, set()).add(row["p"].value)
    asserted: dict[str, set[str]] = {}
    for row in store.query(
        f"SELECT ?s ?g WHERE {{ GRAPH <{J}> {{ ?s <{SEMCRM}assertedIn> ?g }} }}"
    ):
        asserted.setdefault(row["s"].value, set()).add(row["g"].value)
    mixed: dict[int, list[str]] = {r: [] for r in out}
    for fact in sorted(f for t in out.values() for f in t.context_facts):
        seen, stack, graphs = set(), [fact], set()
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                graphs |= asserted.get(node, set())
                stack.extend(premises.get(node, ()))
        top = max((tiers[g].rank for g in graphs if g in tiers), default=policy.bottom)
        for clearance in out:
            if statements[fact] <= clearance < top:
                mixed[clearance].append(fact)
    return out, texts, statements, mixed


def _size(store: KnowledgeStore, graph: str) -> int:
    return sum(1 for _ in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


@pytest.fixture(scope="module")
def world(tmp_path_factory, devset_dir) -> World:
    data = tmp_path_factory.mktemp("access-matrix")
    report = json.loads(
        semcrm("ingest", str(devset_dir), "--data", str(data), "--json", "--no-progress")
    )
    policy = load_policy(load_ontology([]))
    # a second, restricted copy of one internal call (its last line said twice, so it is a
    # new interaction): the customer's facts are then derived from an internal and from a
    # restricted graph, which is what explanations must withhold half of
    with KnowledgeStore(data, read_only=True) as store:
        tiers = graph_tiers(store.oxigraph, policy)
        calls = [
            i
            for i in report["interactions"]
            if i["format"] == "transcript" and tiers[i["id"]].rank == policy.rank_of("internal")
        ]
    original = min(calls, key=lambda i: (i["triples"], i["source"]))
    text = (devset_dir / original["source"]).read_text("utf-8").rstrip("\n")
    copy = tmp_path_factory.mktemp("restricted-copy") / f"copy-{original['source']}"
    copy.write_text(f"{text}\n{text.splitlines()[-1]}\n", "utf-8")
    (again,) = json.loads(
        semcrm("ingest", str(copy), "--data", str(data), "--json", "--no-progress")
    )["interactions"]
    with KnowledgeStore(data) as store:
        raw = store.oxigraph
        tiers = graph_tiers(raw, policy)
        # governance restricts the busiest ordinary interaction that names a customer
        internal = [
            g.value
            for g in store.interaction_graphs()
            if tiers[g.value].rank == policy.rank_of("internal")
            and any(raw.quads_for_pattern(g, ox.NamedNode(SEMCRM + "customer"), None, g))
            and g.value not in (original["id"], again["id"])
        ]
        restricted = max(sorted(internal), key=lambda g: _size(store, g))
        set_graph_tier(raw, restricted, "restricted", policy)
        set_graph_tier(raw, again["id"], "restricted", policy)
        store.flush()
        probes, texts, statement_rank, mixed = _probes(raw, policy)
        del raw  # the store's files stay locked while any reference to it lives
    keystore = KeyStore(data)
    keys, principals = {}, {}
    for role in ROLES:
        keys[role], record = keystore.create(role)
        principals[role] = record.principal
    keys["aggregate"], record = keystore.create("agent", scopes=["read-aggregate"])
    principals["aggregate"] = record.principal
    clearance = {r: policy.roles[r].clearance for r in ROLES}
    client = scratch_client()
    try:
        semcrm(
            "neo4j", "sync", "--data", str(data), "--json", env={"SEMCRM_NEO4J_URI": neo4j_uri()}
        )
    finally:
        client.close()
    settings = {
        "auth": "keys",
        "sparql_workers": 1,
        "sparql_limit": 1_000_000,
        "cypher_limit": 1_000_000,
        "neo4j_uri": neo4j_uri(),
    }
    import faulthandler
    import sys

    faulthandler.dump_traceback_later(150, file=sys.__stderr__)  # if the start hangs: where
    with serve(data, startup=300, **settings) as url:
        faulthandler.cancel_dump_traceback_later()
        headers = {"Authorization": f"Bearer {keys['admin']}"}
        customers = [
            c["id"] for c in httpx.get(f"{url}/customers", headers=headers).json()["customers"]
        ]
        yield World(
            url,
            data,
            keys,
            principals,
            clearance,
            probes,
            texts,
            customers,
            restricted,
            statement_rank,
            mixed,
        )


def _get(world: World, who: str, path: str, **params) -> httpx.Response:
    headers = {"Authorization": f"Bearer {world.keys[who]}"}
    return httpx.get(f"{world.url}{path}", params=params, headers=headers, timeout=300)


def _post(world: World, who: str, path: str, **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Bearer {world.keys[who]}", **kwargs.pop("headers", {})}
    return httpx.post(f"{world.url}{path}", headers=headers, timeout=300, **kwargs)


def _found(body: str, probes) -> list[str]:
    return sorted(p for p in probes if p in body)


def _assert_nothing_above(world: World, role: str, body: str, *, fields: bool | None = None):
    """No graph, quote or derived fact of a tier above the role's clearance is in ``body``;
    no record text unless the role reads fields."""
    for rank, tier in world.tiers.items():
        if rank <= world.clearance[role]:
            continue
        assert not _found(body, tier.graphs), (role, tier.name, "graph")
        assert not _found(body, tier.quotes), (role, tier.name, "quote")
        assert not _found(body, tier.derived), (role, tier.name, "derived fact")
    reads_fields = fields if fields is not None else role != "agent"
    if not reads_fields:
        assert not _found(body, world.texts), (role, "record text (a protected field)")


def test_access_matrix_every_tier_holds_data(world):
    names = {t.name: t for t in world.tiers.values()}
    for name in ("internal", "confidential", "restricted"):
        tier = names[name]
        assert tier.graphs and tier.quotes and tier.derived, name
    assert world.restricted_graph in names["restricted"].graphs
    assert names["confidential"].context_facts and names["restricted"].context_facts
    for clearance in (names["internal"].rank, names["confidential"].rank):
        assert world.mixed[clearance], "no fact mixes tiers: the explain markers go unchecked"
    assert world.texts


# -- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_export_holds_exactly_the_readable_tiers(world, role):
    response = _get(world, role, "/export")
    assert response.status_code == 200, response.text
    body = response.text
    _assert_nothing_above(world, role, body)
    for rank, tier in world.tiers.items():
        if rank <= world.clearance[role]:
            assert {f"<{g}>" for g in tier.graphs} <= set(re.findall(r"<[^>]+>", body)), tier.name
            assert _found(body, tier.quotes) == sorted(tier.quotes), (role, tier.name)
            assert _found(body, tier.derived) == sorted(tier.derived), (role, tier.name)
    if role != "agent":
        assert _found(body, world.texts) == sorted(world.texts)


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
@pytest.mark.parametrize("role", ["analyst", "agent"])
def test_access_matrix_export_formats_and_customer_exports_are_filtered(world, role, fmt):
    for params in ({"format": fmt}, {"format": fmt, "customer": world.customers[0]}):
        response = _get(world, role, "/export", **params)
        assert response.status_code == 200, response.text
        _assert_nothing_above(world, role, response.text)
    ok = world.tiers[world.clearance[role]]
    assert _found(_get(world, role, "/export", format=fmt).text, ok.quotes)


# -- customer context -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_context_lists_only_readable_interactions_and_facts(world, role):
    bodies = []
    for customer in world.customers:
        response = _get(world, role, f"/customers/{customer}/context")
        assert response.status_code in (200, 404), response.text
        bodies.append(response.text)
    listing = _get(world, role, "/customers")
    assert listing.status_code == 200
    body = "\n".join([*bodies, listing.text])
    _assert_nothing_above(world, role, body)
    for rank, tier in world.tiers.items():
        if rank <= world.clearance[role]:
            assert _found(body, tier.customer_graphs) == sorted(tier.customer_graphs), tier.name
            assert _found(body, tier.context_facts) == sorted(tier.context_facts), tier.name


def test_access_matrix_aggregate_only_key_gets_counts_not_records(world):
    listing = _get(world, "aggregate", "/customers").json()
    agent = _get(world, "agent", "/customers").json()["customers"]
    assert listing["granularity"] == "aggregate"
    assert listing["customers"] == len(agent)
    assert listing["interactions"] == sum(c["interactions"] for c in agent)
    customer = agent[0]
    counts = _get(world, "aggregate", f"/customers/{customer['id']}/context").json()
    full = _get(world, "agent", f"/customers/{customer['id']}/context").json()
    assert counts["counts"]["intents"] == len(full["intents"])
    assert counts["counts"]["interactions"] == len(full["interactions"])
    assert set(counts) == {"id", "granularity", "counts", "derived_facts_stale"}
    everything = json.dumps([listing, counts], ensure_ascii=False)
    for tier in world.tiers.values():
        assert not _found(everything, tier.graphs | tier.quotes | tier.derived)
    assert customer["iri"] not in everything and (customer["name"] or "§") not in everything
    for path, params in (("/explain", {"iri": full["intents"][0]["iri"]}), ("/export", {})):
        assert _get(world, "aggregate", path, **params).status_code == 403
    assert _get(world, "aggregate", "/sparql", query="ASK {}").status_code == 403
    cypher = _post(world, "aggregate", "/cypher", json={"query": "MATCH (n) RETURN count(n)"})
    assert cypher.status_code == 403


# -- explanations -------------------------------------------------------------------------------


def _sample_facts(world: World, role: str) -> list[str]:
    """Context facts of every tier, and facts the role reads that rest on more than it may."""
    picked: list[str] = []
    for tier in world.tiers.values():
        picked += sorted(tier.context_facts)[:5]
    return picked + world.mixed[world.clearance[role]][:8]


@pytest.mark.parametrize("role", ["governance", "analyst", "agent"])
def test_access_matrix_explain_withholds_premises_above_the_tier(world, role):
    clearance = world.clearance[role]
    withheld = 0
    for iri in _sample_facts(world, role):
        admin = _get(world, "admin", "/explain", iri=iri)
        assert admin.status_code == 200
        response = _get(world, role, "/explain", iri=iri)
        if world.statement_rank[iri] > clearance:
            assert response.status_code == 404, response.text
            assert response.json()["error"].startswith(f"{iri} is not a statement")
        else:
            assert response.status_code == 200, response.text
            tree = response.json()
            assert tree["statement"]["iri"] == iri
            above = [
                g
                for rank, t in world.tiers.items()
                if rank > clearance
                for g in t.graphs
                if g in admin.text
            ]
            if above:  # a marker (or a count of withheld graphs) stands for each
                assert "withheld" in response.text
                withheld += 1
        # a 404 names the IRI that was asked for, and nothing else
        _assert_nothing_above(world, role, response.text.replace(iri, ""))
    if role != "governance":
        assert withheld, "no sample fact mixed tiers; the sample checks nothing about markers"


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_access_matrix_explain_formats_carry_the_marker_not_the_content(world, fmt):
    for iri in _sample_facts(world, "agent"):
        if world.statement_rank[iri] > world.clearance["agent"]:
            continue
        response = _get(world, "agent", "/explain", iri=iri, format=fmt)
        assert response.status_code == 200, response.text
        _assert_nothing_above(world, "agent", response.text)


# -- SPARQL -------------------------------------------------------------------------------------

_SPARQL = {
    "graphs": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "quotes": f"SELECT ?q WHERE {{ ?s <{SEMCRM}quote> ?q }}",
    "texts": f"SELECT ?t WHERE {{ ?s <{SEMCRM}text> ?t }}",
    "derived": f"SELECT ?s WHERE {{ GRAPH <{J}> {{ ?s <{SEMCRM}derived> true }} }}",
}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_sparql_answers_from_the_readable_tiers(world, role):
    bodies = {}
    for name, query in _SPARQL.items():
        response = _get(world, role, "/sparql", query=query)
        assert response.status_code == 200, response.text
        bodies[name] = response.text
    body = "\n".join(bodies.values())
    _assert_nothing_above(world, role, body)
    for rank, tier in world.tiers.items():
        if rank <= world.clearance[role]:
            assert _found(bodies["graphs"], tier.graphs) == sorted(tier.graphs)
            assert _found(bodies["quotes"], tier.quotes) == sorted(tier.quotes)
            assert _found(bodies["derived"], tier.derived) == sorted(tier.derived)
    assert bool(_found(bodies["texts"], world.texts)) == (role != "agent")


# -- Cypher -------------------------------------------------------------------------------------

_CYPHER = {
    "graphs": "MATCH (n) UNWIND n._graphs AS g RETURN DISTINCT g",
    "edges": "MATCH (a)-[r]->(b) UNWIND r._graphs AS g RETURN DISTINCT g, type(r) AS t",
    "quotes": "MATCH (n:semcrm__EvidenceSpan) RETURN n.semcrm__quote AS q",
    "texts": "MATCH (n) WHERE n.semcrm__text IS NOT NULL RETURN n.semcrm__text AS t",
    "sources": "MATCH ()-[r]->() WHERE r._derived RETURN r._sources AS s, r._rules AS rules",
}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_cypher_matches_only_the_readable_tiers(world, role):
    bodies = {}
    for name, query in _CYPHER.items():
        response = _post(world, role, "/cypher", json={"query": query})
        assert response.status_code == 200, response.text
        assert not response.json()["truncated"]
        bodies[name] = response.text
    body = "\n".join(bodies.values())
    _assert_nothing_above(world, role, body)
    for rank, tier in world.tiers.items():
        if rank <= world.clearance[role] and tier.graphs:  # the public tier has none
            assert _found(bodies["graphs"], tier.graphs), (role, tier.name)
            assert _found(bodies["quotes"], tier.quotes), (role, tier.name)
    assert bool(_found(bodies["texts"], world.texts)) == (role != "agent")


def test_access_matrix_cypher_counts_follow_the_tier_and_unconfinable_queries_are_refused(world):
    def count(role: str) -> int:
        response = _post(world, role, "/cypher", json={"query": "MATCH (n) RETURN count(n) AS n"})
        assert response.status_code == 200, response.text
        return response.json()["rows"][0]["n"]

    assert count("admin") == count("governance") > count("analyst") > count("agent") > 0
    for query in (
        "CALL db.labels()",
        "MATCH (n) WHERE EXISTS { (n)-->() } RETURN n",
        "MATCH (n) RETURN [(n)-->(m) | m.uri]",
        "MATCH (a)-[*1..2]->(b) RETURN b.uri",
    ):
        assert _post(world, "analyst", "/cypher", json={"query": query}).status_code == 403, query
        assert _post(world, "admin", "/cypher", json={"query": query}).status_code == 200, query


# -- approvals and ingest: who may approve, who may write -------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_approvals_only_for_approvers(world, role):
    approver = role in ("admin", "governance")
    for path in ("/approvals", "/grants"):
        response = _get(world, role, path)
        assert response.status_code == (200 if approver else 403), response.text
    decided = _post(world, role, "/approvals/no-such-change/approve", json={"because": "test"})
    assert decided.status_code == (404 if approver else 403), decided.text


def test_access_matrix_cli_serves_others_with_as(world):
    """The CLI answers as a named principal would see it (it reads the server's snapshot)."""
    agent = world.principals["agent"]
    data = str(world.data)
    exported = semcrm("export", "--data", data, "--as", agent)
    _assert_nothing_above(world, "agent", exported)
    assert _found(exported, world.tiers[world.clearance["agent"]].quotes)
    customer = next(
        c
        for c in world.customers
        if _get(world, "agent", f"/customers/{c}/context").status_code == 200
    )
    context = semcrm("context", customer, "--data", data, "--as", agent, "--json")
    _assert_nothing_above(world, "agent", context)
    assert json.loads(context)["interactions"]
    env = {"SEMCRM_NEO4J_URI": neo4j_uri()}
    graphs = _CYPHER["graphs"]
    confined = semcrm("cypher", graphs, "--data", data, "--as", agent, "--json", env=env)
    _assert_nothing_above(world, "agent", confined)
    assert _found(confined, world.tiers[world.clearance["agent"]].graphs)
    everything = semcrm("cypher", graphs, "--data", data, "--json", env=env)
    assert _found(everything, world.tiers[max(world.tiers)].graphs)


RECORD = (
    "[00:00:01] Agent: Good morning, this is the service desk.\n"
    "[00:00:05] Customer: Our cooling unit keeps failing, we want a quote for a replacement "
    "and we are also comparing offers from other vendors.\n"
)


def test_access_matrix_ingest_needs_write_and_reaches_readers(world):
    """Only admin writes; the record it ingests is internal, and an agent reads it next."""
    for role in ("governance", "analyst", "agent"):
        refused = _post(world, role, "/ingest", params={"name": "call.txt"}, content=RECORD)
        assert refused.status_code == 403, refused.text
    response = _post(world, "admin", "/ingest", params={"name": "call.txt"}, content=RECORD)
    assert response.status_code == 200, response.text
    (interaction,) = response.json()["interactions"]
    graph = interaction["id"]
    assert graph in _get(world, "agent", "/export").text
    assert graph in _get(world, "agent", "/sparql", query=_SPARQL["graphs"]).text
