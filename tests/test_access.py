"""Access control, first part (issue 7): the access ontology as policy, API keys, tiers that
follow inference, SPARQL confined to what a caller may read, and POST /access/check.

The store is a real one on disk with the demo records (samples/records) ingested and
reasoned over; governance marks the meeting minutes confidential before the API starts.
Every SPARQL escape attempt is checked by content: no triple found only in the confidential
graph reaches an agent, and an analyst (cleared for confidential) gets them.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from support import serve
from typer.testing import CliRunner

from semcrm.api.access.keys import InvalidKey, KeyStore
from semcrm.api.access.policy import load_policy
from semcrm.api.access.tiers import graph_tiers, set_graph_tier, statement_tiers

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEMCRM = "https://w3id.org/semcrm/ns#"
TIER = "https://w3id.org/semcrm/tier/"
J = "https://w3id.org/semcrm/graph/justifications"
META = "https://w3id.org/semcrm/graph/meta"


@pytest.fixture(scope="module")
def policy(ontology):
    return load_policy(ontology)


@pytest.fixture(scope="module")
def store_data(tmp_path_factory, ontology, policy) -> dict:
    """Demo records ingested and reasoned; the meeting minutes' graph set confidential."""
    from semcrm.api.cli import install_catalogue
    from semcrm.ingest.pipeline import ingest
    from semcrm.ontology.store import KnowledgeStore
    from semcrm.reasoning.materialize import materialize

    data = tmp_path_factory.mktemp("access-data")
    install_catalogue(SAMPLES / "ontology", data)
    with KnowledgeStore(data) as store:
        report = ingest([SAMPLES / "records"], store, ontology)
        assert not report.rejected, report.rejected
        materialize(store, ontology)
        raw = store.oxigraph
        meeting = next(
            row["g"].value
            for row in raw.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{SEMCRM}Meeting> }} }}")
        )
        set_graph_tier(raw, meeting, "confidential", policy)
        others = {g.value for g in store.interaction_graphs()} - {meeting}
        # triples only the confidential graph holds: what must never reach an agent
        only_there = set()
        for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(meeting)):
            holders = {
                x.graph_name.value
                for x in raw.quads_for_pattern(q.subject, q.predicate, q.object, None)
            }
            if holders <= {meeting, "https://w3id.org/semcrm/graph/union"}:
                only_there.add((q.subject, q.predicate, q.object))
        store.flush()
    return {"data": data, "meeting": meeting, "others": others, "only_there": only_there}


@pytest.fixture(scope="module")
def snapshot(store_data):
    store = ox.Store.read_only(str(store_data["data"] / "store"))
    yield store


# -- the access ontology is the policy ----------------------------------------------------------


def test_access_policy_tiers_are_ordered_and_labelled(policy, ontology):
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    order = sorted(policy.tiers, key=policy.tiers.get)
    assert [t.removeprefix(TIER) for t in order] == [
        "public",
        "internal",
        "confidential",
        "restricted",
    ]
    for term in [*order, *(r.iri for r in policy.roles.values()), *policy.actions.values()]:
        langs = {label.language for label in ontology.graph.objects(URIRef(term), SKOS.prefLabel)}
        assert {"en", "zh"} <= langs, term
    assert set(policy.roles) == {"admin", "governance", "analyst", "agent"}
    assert set(policy.actions) == {
        "read-aggregate",
        "read-record",
        "read-field",
        "read-sensitive",
        "propose-change",
        "approve-change",
        "write",
    }


def test_access_actions_and_roles_are_aligned_with_odrl(ontology):
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    odrl = "http://www.w3.org/ns/odrl/2/"
    g = ontology.graph
    supers = lambda c: {str(x) for x in g.transitive_objects(URIRef(SEMCRM + c), RDFS.subClassOf)}  # noqa: E731
    assert odrl + "Action" in supers("AccessAction")
    assert odrl + "Party" in supers("Principal") and odrl + "Party" in supers("AccessRole")
    assert odrl + "Asset" in supers("ProtectedResource")
    assert odrl + "AssetCollection" in supers("SensitivityTier")
    assert odrl + "Permission" in supers("RoleGrant") and odrl + "Policy" in supers("AccessPolicy")


# -- API keys --------------------------------------------------------------------------------------


def test_access_keys_are_stored_hashed_and_revocable(tmp_path):
    keys = KeyStore(tmp_path)
    key, record = keys.create("analyst")
    assert key.startswith(f"semcrm_{record.id}_")
    text = (tmp_path / "access" / "keys.json").read_text()
    assert key not in text and key.rsplit("_", 1)[1] not in text
    assert stat.S_IMODE((tmp_path / "access" / "keys.json").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "access").iterdir()] == ["keys.json"]  # no temp left
    assert KeyStore(tmp_path).verify(key).role == "analyst"
    with pytest.raises(InvalidKey, match="not valid"):
        keys.verify(key[:-1] + ("A" if key[-1] != "A" else "B"))
    with pytest.raises(InvalidKey, match="not a semcrm key"):
        keys.verify("hunter2")
    other, _ = keys.create("agent")
    keys.revoke(record.id)
    with pytest.raises(InvalidKey, match="revoked"):
        KeyStore(tmp_path).verify(key)
    assert keys.verify(other).role == "agent"


def test_access_cli_keys_create_list_revoke(tmp_path):
    from semcrm.api.cli import app

    runner = CliRunner()
    made = runner.invoke(
        app, ["keys", "create", "--role", "agent", "--data", str(tmp_path), "--json"]
    )
    assert made.exit_code == 0, made.output
    payload = json.loads(made.stdout)
    assert payload["key"].startswith("semcrm_") and payload["role"] == "agent"
    listed = runner.invoke(app, ["keys", "list", "--data", str(tmp_path), "--json"])
    assert payload["key"] not in listed.stdout
    assert [k["id"] for k in json.loads(listed.stdout)["keys"]] == [payload["id"]]
    bad = runner.invoke(app, ["keys", "create", "--role", "wizard", "--data", str(tmp_path)])
    assert bad.exit_code == 1
    gone = runner.invoke(app, ["keys", "revoke", payload["id"], "--data", str(tmp_path), "--json"])
    assert gone.exit_code == 0 and json.loads(gone.stdout)["revoked"]


# -- tiers that follow inference -------------------------------------------------------------------


def test_access_tiers_graph_defaults_and_governance_override(snapshot, store_data, policy):
    tiers = graph_tiers(snapshot, policy)
    assert policy.tier_name(tiers[store_data["meeting"]].rank) == "confidential"
    assert "graph:meta" in tiers[store_data["meeting"]].because
    for graph in store_data["others"]:
        assert policy.tier_name(tiers[graph].rank) == "internal"
    assert tiers["https://w3id.org/semcrm/graph/ontology"].rank == policy.bottom


def test_access_tiers_tender_and_marked_documents_are_confidential(policy):
    store = ox.Store()
    a, text = (
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(SEMCRM + "text"),
    )
    cases = {
        "urn:tender": (SEMCRM + "TenderDocument", "招标公告", "confidential"),
        "urn:contract": (SEMCRM + "Document", "本合同一式两份", "confidential"),
        "urn:secret": (SEMCRM + "Document", "STRICTLY CONFIDENTIAL - board only", "restricted"),
        "urn:plain-doc": (SEMCRM + "Document", "product brochure", "internal"),
        "urn:call": (
            SEMCRM + "Call",
            "this contract is fine",
            "internal",
        ),  # calls carry no marking
    }
    for g, (cls, body, _) in cases.items():
        node = ox.NamedNode(g)
        store.add(ox.Quad(node, a, ox.NamedNode(cls), node))
        store.add(ox.Quad(node, text, ox.Literal(body), node))
    tiers = graph_tiers(store, policy)
    assert {g: policy.tier_name(tiers[g].rank) for g in cases} == {
        g: want for g, (_, _, want) in cases.items()
    }


def _justifications(store):
    """derived statement -> [set of premise statements] and premise -> graphs asserting it."""
    out: dict[str, dict[str, set]] = {}
    for row in store.query(
        f"SELECT ?c ?j ?p WHERE {{ GRAPH <{J}> {{ ?j <{SEMCRM}derives> ?c ; <{SEMCRM}premise> ?p }} }}"
    ):
        out.setdefault(row["c"].value, {}).setdefault(row["j"].value, set()).add(row["p"].value)
    asserted: dict[str, set] = {}
    for row in store.query(
        f"SELECT ?s ?g WHERE {{ GRAPH <{J}> {{ ?s <{SEMCRM}assertedIn> ?g }} }}"
    ):
        asserted.setdefault(row["s"].value, set()).add(row["g"].value)
    return out, asserted


def test_access_tiers_a_derived_fact_with_a_confidential_premise_is_confidential(
    snapshot, store_data, policy
):
    statements, _ = statement_tiers(snapshot, graph_tiers(snapshot, policy), policy)
    derivations, asserted = _justifications(snapshot)
    meeting = store_data["meeting"]
    tainted = [  # one justification, with a premise only the confidential graph asserts
        c
        for c, js in derivations.items()
        if len(js) == 1 and any(asserted.get(p) == {meeting} for p in next(iter(js.values())))
    ]
    clean = [  # every premise asserted, none by the confidential graph
        c
        for c, js in derivations.items()
        if all(p in asserted and meeting not in asserted[p] for ps in js.values() for p in ps)
    ]
    assert tainted and clean
    assert {policy.tier_name(statements[c]) for c in tainted} == {"confidential"}
    assert {policy.tier_name(statements[c]) for c in clean} == {"internal"}


# -- the API with auth=keys ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys(store_data):
    store = KeyStore(store_data["data"])
    made = {role: store.create(role)[0] for role in ("admin", "governance", "analyst", "agent")}
    revoked, record = store.create("analyst")
    store.revoke(record.id)
    made["revoked"] = revoked
    return made


@pytest.fixture(scope="module")
def api(store_data, keys):
    with serve(store_data["data"], auth="keys", sparql_workers=1, sparql_limit=500000) as url:
        yield url


def _get(api, key, path, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.get(f"{api}{path}", params=params, headers=headers, timeout=60)


def _triples(response) -> set:
    assert response.status_code == 200, response.text
    assert "x-sparql-truncated" not in response.headers  # a cut result could hide a leak
    return {
        (t.subject, t.predicate, t.object)
        for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
    }


def _construct(api, key, query, **params):
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/n-triples"}
    return _triples(
        httpx.get(f"{api}/sparql", params={"query": query, **params}, headers=headers, timeout=60)
    )


def _error_shape(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"] and body["errors"]


def test_access_http_health_and_docs_need_no_key(api):
    assert _get(api, None, "/health").status_code == 200
    assert _get(api, None, "/docs").status_code == 200


@pytest.mark.parametrize("path", ["/sparql", "/customers", "/explain"])
def test_access_http_missing_invalid_and_revoked_keys_are_401(api, keys, path):
    params = {"query": "ASK {}"} if path == "/sparql" else {}
    _error_shape(_get(api, None, path, **params), 401)
    _error_shape(_get(api, "semcrm_000000000000_" + "A" * 43, path, **params), 401)
    revoked = _get(api, keys["revoked"], path, **params)
    _error_shape(revoked, 401)
    assert "revoked" in revoked.json()["error"]
    assert revoked.headers["www-authenticate"].startswith("Bearer")


def test_access_http_x_api_key_header_is_accepted(api, keys):
    response = httpx.get(
        f"{api}/sparql",
        params={"query": "ASK {}"},
        headers={"X-API-Key": keys["agent"]},
        timeout=60,  # the agent's first query builds its view
    )
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_access_http_customers_follow_the_callers_tier(api, keys, store_data, snapshot):
    """/customers lists what the caller may read, and a customer's context leaves out the
    confidential meeting for an agent; the analyst (cleared for confidential) gets it."""

    def customers_in(graphs) -> set[str]:
        values = " ".join(f"<{g}>" for g in graphs)
        query = f"SELECT ?c WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{SEMCRM}customer> ?c }} }}"
        return {row["c"].value for row in snapshot.query(query)}

    def listed(key) -> set[str]:
        return {c["iri"] for c in _get(api, key, "/customers").json()["customers"]}

    everyone = customers_in(store_data["others"] | {store_data["meeting"]})
    assert listed(keys["admin"]) == listed(keys["governance"]) == everyone
    assert listed(keys["analyst"]) == everyone
    assert listed(keys["agent"]) == customers_in(store_data["others"])
    meeting = store_data["meeting"]
    (customer,) = customers_in({meeting})
    seen = {
        role: {
            x["iri"]
            for x in _get(
                api, keys[role], f"/customers/{customer.rsplit('/', 1)[-1]}/context"
            ).json()["interactions"]
        }
        for role in ("agent", "analyst")
    }
    assert meeting in seen["analyst"] and meeting not in seen["agent"]
    assert seen["agent"] == seen["analyst"] - {meeting}


ALL_NAMED = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def test_access_sparql_analyst_gets_the_confidential_graph(api, keys, store_data):
    """The allowed case returns the data: analysts are cleared for confidential."""
    assert store_data["only_there"] <= _construct(api, keys["analyst"], ALL_NAMED)
    assert store_data["only_there"] <= _construct(api, keys["analyst"], DEFAULT)


@pytest.mark.parametrize(
    "query,params",
    [
        pytest.param(ALL_NAMED, {}, id="graph-var-over-all-graphs"),
        pytest.param(DEFAULT, {}, id="default-union"),
        pytest.param("CONSTRUCT { ?s ?p ?o } FROM <{m}> WHERE { ?s ?p ?o }", {}, id="from"),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } FROM NAMED <{m}> WHERE { GRAPH <{m}> { ?s ?p ?o } }",
            {},
            id="from-named",
        ),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <{m}> { ?s ?p ?o } }", {}, id="graph-iri"
        ),
        pytest.param(DEFAULT, {"default-graph-uri": "{m}"}, id="protocol-default-graph"),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
            {"named-graph-uri": "{m}"},
            id="protocol-named-graph",
        ),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } WHERE { <{m}> (<urn:x:none>|!<urn:x:none>)* ?s . ?s ?p ?o }",
            {},
            id="property-path-from-the-graph-node",
        ),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } WHERE { <{m}> (!<urn:x:none>|^!<urn:x:none>)* ?s . ?s ?p ?o }",
            {},
            id="property-path-both-ways",
        ),
    ],
)
def test_access_sparql_agent_never_sees_the_confidential_graph(
    api, keys, store_data, query, params
):
    m = store_data["meeting"]
    query = query.replace("{m}", m)
    params = {k: v.replace("{m}", m) for k, v in params.items()}
    seen = _construct(api, keys["agent"], query, **params)
    assert not (seen & store_data["only_there"])
    assert m not in json.dumps([str(t) for t in seen])


def test_access_sparql_agent_names_no_forbidden_graph(api, keys, store_data):
    rows = _get(
        api, keys["agent"], "/sparql", query="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    ).json()["results"]["bindings"]
    graphs = {r["g"]["value"] for r in rows}
    assert store_data["others"] <= graphs
    assert store_data["meeting"] not in graphs and META not in graphs


def test_access_sparql_derived_facts_follow_their_premises(api, keys, store_data, snapshot, policy):
    statements, _ = statement_tiers(snapshot, graph_tiers(snapshot, policy), policy)
    query = (
        "SELECT ?st WHERE { GRAPH <https://w3id.org/semcrm/graph/justifications> "
        "{ ?st a semcrm:Statement ; semcrm:derived true } }"
    )

    def derived(key):
        rows = _get(api, key, "/sparql", query=query).json()["results"]["bindings"]
        return {r["st"]["value"] for r in rows}

    confidential = {s for s, r in statements.items() if policy.tier_name(r) == "confidential"}
    assert confidential
    assert not (derived(keys["agent"]) & confidential)
    assert confidential & derived(keys["analyst"])
    inferred = _construct(
        api,
        keys["agent"],
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/semcrm/graph/inferred> { ?s ?p ?o } }",
    )
    from semcrm.ontology import iris

    assert inferred
    assert all(
        statements[iris.statement(*t).value] <= policy.tiers[TIER + "internal"] for t in inferred
    )


def test_access_sparql_refusals_still_hold_with_keys(api, keys):
    _error_shape(
        _get(
            api,
            keys["agent"],
            "/sparql",
            query="SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        ),
        403,
    )
    response = httpx.post(
        f"{api}/sparql",
        content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        headers={
            "Authorization": f"Bearer {keys['admin']}",
            "Content-Type": "application/sparql-update",
        },
    )
    _error_shape(response, 403)


def test_access_sparql_admin_reads_everything(api, keys, store_data):
    seen = _construct(api, keys["admin"], ALL_NAMED)
    assert store_data["only_there"] <= seen
    rows = _get(api, keys["admin"], "/sparql", query="SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
    assert META in {r["g"]["value"] for r in rows.json()["results"]["bindings"]}


# -- POST /access/check ------------------------------------------------------------------------------


def _check(api, key, **body):
    response = httpx.post(
        f"{api}/access/check", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    return response


@pytest.mark.parametrize(
    "role,action,resource,decision",
    [
        ("agent", "read-record", "meeting", "deny"),
        ("analyst", "read-record", "meeting", "permit"),
        ("agent", "read-record", "call", "permit"),
        ("agent", "read-aggregate", "internal", "permit"),
        ("agent", "read-record", "https://w3id.org/semcrm/id/resource/bom-database", "deny"),
        ("analyst", "read-field", "https://w3id.org/semcrm/id/resource/bom-database", "permit"),
        ("analyst", "write", "call", "deny"),
        ("admin", "write", "call", "permit"),
        ("analyst", "read-record", "restricted", "deny"),
        ("governance", "read-record", "restricted", "permit"),
        ("agent", "read-record", f"{SEMCRM}Customer", "permit"),
        ("admin", "read-record", "urn:nothing:here", "deny"),
    ],
)
def test_access_check_decides_from_role_and_tier(
    api, keys, store_data, role, action, resource, decision
):
    resource = {"meeting": store_data["meeting"], "call": sorted(store_data["others"])[0]}.get(
        resource, resource
    )
    body = _check(api, keys[role], action=action, resource=resource).json()
    assert body["decision"] == decision, body
    assert body["because"] and all(isinstance(b, str) for b in body["because"])


def test_access_check_explains_a_denial_by_clearance(api, keys, store_data):
    body = _check(api, keys["agent"], action="read-record", resource=store_data["meeting"]).json()
    text = " ".join(body["because"])
    assert (
        body["tier"] == "confidential" and "cleared up to internal" in text and "graph:meta" in text
    )


def test_access_check_on_a_derived_fact_follows_inference(api, keys, snapshot, policy):
    statements, _ = statement_tiers(snapshot, graph_tiers(snapshot, policy), policy)
    fact = next(s for s, r in sorted(statements.items()) if policy.tier_name(r) == "confidential")
    assert (
        _check(api, keys["agent"], action="read-record", resource=fact).json()["decision"] == "deny"
    )
    assert (
        _check(api, keys["analyst"], action="read-record", resource=fact).json()["decision"]
        == "permit"
    )


def test_access_check_for_another_principal_needs_approve_change(api, keys):
    other = "https://w3id.org/semcrm/id/principal/nobody"
    _error_shape(
        _check(api, keys["agent"], principal=other, action="read-record", resource="internal"), 403
    )
    body = _check(
        api, keys["governance"], principal=other, action="read-record", resource="internal"
    ).json()
    assert body["decision"] == "deny" and body["roles"] == []


def test_access_auth_off_is_unchanged(api_url):
    """Without the auth setting (the demo store of the other API tests) nothing asks for a key,
    every graph is a named graph as before, and /access/check needs a principal named."""
    rows = httpx.get(
        f"{api_url}/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"},
        timeout=60,
    ).json()["results"]["bindings"]
    assert META in {r["g"]["value"] for r in rows}
    assert httpx.get(f"{api_url}/customers", timeout=60).status_code == 200
    refused = httpx.post(
        f"{api_url}/access/check", json={"action": "read-record", "resource": "internal"}
    )
    _error_shape(refused, 400)
    body = httpx.post(
        f"{api_url}/access/check",
        json={"principal": "urn:x:someone", "action": "read-record", "resource": "internal"},
    ).json()
    assert body["decision"] == "deny" and "no access role" in " ".join(body["because"])
