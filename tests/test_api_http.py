"""The real FastAPI app over HTTP (uvicorn on loopback), on a real store of the demo samples."""

from __future__ import annotations

from importlib.metadata import version

import httpx
import pytest
import rdflib

SEMCRM = "https://w3id.org/semcrm/ns#"


@pytest.fixture(scope="module")
def client(api_url):
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client


def test_api_health_reports_the_store(client):
    body = client.get("/health").json()
    assert body["ok"] is True
    assert body["interactions"] == 3
    assert body["triples"] > 1000


def test_api_customers_lists_each_customer_with_an_id(client):
    customers = client.get("/customers").json()["customers"]
    names = {c["name"] for c in customers}
    assert names == {"江苏晟阳新能源工程有限公司", "Harbor & Vale Cold Storage Ltd"}
    assert all(c["id"] and c["iri"].endswith(c["id"]) for c in customers)


def _customer(client, name):
    customers = client.get("/customers").json()["customers"]
    return next(c for c in customers if c["name"] == name)


def test_api_context_gives_intents_with_confidence_and_quotes(client):
    customer = _customer(client, "江苏晟阳新能源工程有限公司")
    context = client.get(f"/customers/{customer['id']}/context").json()
    assert context["interactions"] and len(context["interactions"]) == 2
    intents = {i["concept"].rsplit("/", 1)[-1]: i for i in context["intents"]}
    assert "evaluate_purchase" in intents
    for intent in context["intents"]:
        assert 0 < intent["confidence"] <= 1
        assert intent["evidence"], intent
        for evidence in intent["evidence"]:
            assert evidence["quote"]
            assert evidence["interaction"].startswith("https://w3id.org/semcrm/id/interaction/")


def test_api_context_quotes_are_exact_substrings_of_the_stored_text(client):
    customer = _customer(client, "Harbor & Vale Cold Storage Ltd")
    context = client.get(f"/customers/{customer['id']}/context").json()
    facts = context["intents"] + context["stated_needs"] + context["unstated_needs"]
    assert facts
    for fact in facts:
        for evidence in fact["evidence"]:
            iri = evidence["interaction"]
            query = f"SELECT ?text WHERE {{ GRAPH ?g {{ <{iri}> semcrm:text ?text }} }}"
            rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
            text = rows[0]["text"]["value"]
            assert text[evidence["start"] : evidence["end"]] == evidence["quote"]


def test_api_explain_walks_back_to_the_quote(client):
    customer = _customer(client, "江苏晟阳新能源工程有限公司")
    intent = client.get(f"/customers/{customer['id']}/context").json()["intents"][0]
    tree = client.get("/explain", params={"iri": intent["iri"]}).json()
    assert tree["statement"]["derived"] is True
    assert tree["justifications"][0]["rule"]["iri"].startswith("https://w3id.org/semcrm/rule/")
    leaves = _leaves(tree)
    assert {e["quote"] for e in intent["evidence"]} <= {e["quote"] for e in leaves}
    assert all({"interaction", "turn", "start", "end", "quote"} <= set(e) for e in leaves)


def _leaves(tree):
    out = list(tree.get("evidence", []))
    for justification in tree.get("justifications", []):
        for premise in justification["premises"]:
            out += _leaves(premise)
    return out


def test_api_explain_as_prov_o_links_the_fact_to_its_rule_premises_and_quotes(client):
    customer = _customer(client, "江苏晟阳新能源工程有限公司")
    intent = client.get(f"/customers/{customer['id']}/context").json()["intents"][0]
    tree = client.get("/explain", params={"iri": intent["iri"]}).json()
    response = client.get("/explain", params={"iri": intent["iri"], "format": "ntriples"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    fact, prov = rdflib.URIRef(intent["iri"]), rdflib.Namespace("http://www.w3.org/ns/prov#")
    activities = set(graph.objects(fact, prov.wasGeneratedBy))
    assert {str(a) for a in activities} == {j["iri"] for j in tree["justifications"]}
    plans = {
        str(plan)
        for activity in activities
        for association in graph.objects(activity, prov.qualifiedAssociation)
        for plan in graph.objects(association, prov.hadPlan)
    }
    assert plans == {j["rule"]["iri"] for j in tree["justifications"]}
    quotes = {str(q) for q in graph.objects(None, rdflib.URIRef(SEMCRM + "quote"))}
    assert {e["quote"] for e in intent["evidence"]} <= quotes
    turtle = client.get("/explain", params={"iri": intent["iri"], "format": "turtle"})
    assert len(rdflib.Graph().parse(data=turtle.text, format="turtle")) == len(graph)


def test_api_explain_does_not_echo_a_huge_argument_back(client):
    """Regression: a 100 KB non-IRI came back in full inside the error message (20 KB here:
    httpx refuses longer URLs)."""
    response = client.get("/explain", params={"iri": "x" * 20_000})
    assert response.status_code == 400
    assert len(response.json()["error"]) < 1000 and "20000 characters" in response.json()["error"]


def test_api_explain_unknown_iri_is_a_404_in_the_error_shape(client):
    response = client.get("/explain", params={"iri": "https://example.org/nothing"})
    assert response.status_code == 404
    body = response.json()
    assert body["ok"] is False and body["status"] == 404 and "semcrm derived" in body["error"]


def test_api_unknown_customer_is_a_404(client):
    response = client.get("/customers/nobody/context")
    assert response.status_code == 404
    assert response.json()["error"].startswith("no customer matches")


def test_api_sparql_get_returns_standard_json(client):
    response = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?x a semcrm:Interaction }"}
    )
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    body = response.json()
    assert body["head"]["vars"] == ["n"]
    assert int(body["results"]["bindings"][0]["n"]["value"]) >= 0


def test_api_sparql_select_star_columns_follow_the_query(client):
    """Regression: Oxigraph sorts SELECT * variables by name (o, p, s)."""
    star = "SELECT * WHERE { ?zeta a semcrm:Interaction . ?zeta ?alpha ?mid } LIMIT 1"
    assert client.get("/sparql", params={"query": star}).json()["head"]["vars"] == [
        "zeta", "alpha", "mid",
    ]  # fmt: skip
    chosen = "SELECT ?mid ?zeta WHERE { ?zeta ?alpha ?mid } LIMIT 1"
    assert client.get("/sparql", params={"query": chosen}).json()["head"]["vars"] == [
        "mid", "zeta",
    ]  # fmt: skip


def test_api_sparql_post_form_and_direct_body_agree(client):
    query = "SELECT ?c WHERE { ?x semcrm:customer ?c } ORDER BY ?c"
    form = client.post("/sparql", data={"query": query}).json()
    direct = client.post(
        "/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}
    ).json()
    assert form == direct and form["results"]["bindings"]


def test_api_sparql_ask_and_construct(client):
    ask = client.get("/sparql", params={"query": "ASK { ?x semcrm:hasIntent ?i }"}).json()
    assert ask["boolean"] is True
    turtle = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?c semcrm:hasIntent ?i } WHERE { ?c semcrm:hasIntent ?i }"},
        headers={"accept": "text/turtle"},
    )
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "hasIntent" in turtle.text


def test_api_sparql_csv(client):
    response = client.get(
        "/sparql",
        params={"query": "SELECT ?x WHERE { ?x a semcrm:Interaction } LIMIT 1"},
        headers={"accept": "text/csv"},
    )
    assert response.text.splitlines()[0] == "x"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {
            "method": "POST",
            "content": b"DROP ALL",
            "headers": {"content-type": "application/sparql-update"},
        },
        {"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "GET", "params": {"query": "PREFIX x: <urn:x:> INSERT DATA { x:a x:b x:c }"}},
        {
            "method": "GET",
            "params": {
                "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
            },
        },
    ],
)
def test_api_sparql_refuses_updates_and_federation(client, request_kwargs):
    before = client.get("/health").json()["triples"]
    method = request_kwargs.pop("method")
    response = client.request(method, "/sparql", **request_kwargs)
    assert response.status_code == 403
    assert response.json()["ok"] is False
    assert client.get("/health").json()["triples"] == before


def test_api_sparql_syntax_error_is_a_400_naming_the_problem(client):
    response = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert response.status_code == 400
    assert "not a valid SPARQL query" in response.json()["error"]


def test_api_openapi_docs_are_served_without_the_internet(client):
    """Swagger UI's script and style come from the server itself, not a CDN."""
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "/docs-static/swagger-ui-bundle.js" in page.text
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code == 404  # ReDoc would load its script from a CDN
    assert client.get("/openapi.json").json()["info"]["version"] == version("semcrm")
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/health",
        "/customers",
        "/customers/{customer_id}/context",
        "/explain",
        "/sparql",
    } <= set(paths)


# -- dataset semantics, negotiation, runaway queries -------------------------------------


def _rows(client, query, **headers):
    return client.get("/sparql", params={"query": query}, headers=headers).json()["results"][
        "bindings"
    ]


def test_api_sparql_default_graph_counts_a_shared_triple_once(client):
    """An organisation named in two interactions has one name in the default graph (set semantics)."""
    rows = _rows(
        client, 'SELECT ?n WHERE { ?o semcrm:name ?n FILTER (?n = "江苏晟阳新能源工程有限公司") }'
    )
    assert len(rows) == 1


def test_api_sparql_from_selects_the_named_graph_as_default(client):
    everything = _rows(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"]
    inferred = _rows(
        client,
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/semcrm/graph/inferred> WHERE { ?s ?p ?o }",
    )[0]["n"]["value"]
    assert 0 < int(inferred) < int(everything)
    via_protocol = client.get(
        "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "default-graph-uri": "https://w3id.org/semcrm/graph/inferred",
        },
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert via_protocol == inferred


def test_api_sparql_graph_variable_ranges_over_real_graphs_only(client):
    graphs = {
        r["g"]["value"] for r in _rows(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
    assert "https://w3id.org/semcrm/graph/union" not in graphs
    assert "https://w3id.org/semcrm/graph/inferred" in graphs


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (
            "application/sparql-results+json;q=0.5, text/tab-separated-values;q=1.0",
            "text/tab-separated-values",
        ),
        ("text/csv", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        ("application/*;q=0.9, text/csv;q=0.1", "application/sparql-results+json"),
    ],
)
def test_api_sparql_negotiates_the_result_format(client, accept, media):
    response = client.get(
        "/sparql",
        params={"query": "SELECT ?x WHERE { ?x a semcrm:Turn } LIMIT 2"},
        headers={"accept": accept},
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT ?x WHERE { ?x a semcrm:Turn } LIMIT 1", "image/png"),
        ("ASK { ?s ?p ?o }", "text/csv"),
        ("CONSTRUCT WHERE { ?s a semcrm:Turn } LIMIT 1", "application/sparql-results+json"),
    ],
)
def test_api_sparql_unacceptable_format_is_a_406(client, query, accept):
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 406
    assert response.json()["ok"] is False and "use one of" in response.json()["error"]


@pytest.mark.parametrize("iri", ["foo", "", "<http://a/b c>", 'http://x/"y"'])
def test_api_explain_rejects_what_is_not_an_iri_with_a_400(client, iri):
    response = client.get("/explain", params={"iri": iri})
    assert response.status_code == 400
    assert (
        response.json()["error"].startswith(repr(iri)[:10])
        or "not an absolute IRI" in response.json()["error"]
    )


def test_api_context_accepts_a_name_in_any_case(client):
    context = client.get("/customers/harbor & vale cold storage ltd/context").json()
    assert context["name"] == "Harbor & Vale Cold Storage Ltd"


def test_api_sparql_runaway_query_is_stopped_and_the_server_stays_up(client):
    """A cartesian product that would run for minutes is stopped at the timeout; the next query works."""
    import time

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    response = client.get("/sparql", params={"query": runaway, "timeout": "2"})
    assert response.status_code == 503
    assert "was stopped" in response.json()["error"]
    assert time.monotonic() - started < 15
    after = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert after.json()["boolean"] is True


def test_api_sparql_post_form_honours_its_timeout_field(client):
    """Regression: POST /sparql ignored a ``timeout`` form field and ran for the server's 30 s."""
    import time

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    response = client.post("/sparql", data={"query": runaway, "timeout": "2"})
    assert response.status_code == 503
    assert "longer than 2 s" in response.json()["error"]
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("method", ["get", "post"])
def test_api_sparql_two_query_parameters_are_a_400(client, method):
    """Regression: with two ``query`` parameters the last one silently won."""
    pair = [("query", "ASK { ?s ?p ?o }"), ("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")]
    if method == "get":
        response = client.get("/sparql", params=pair)
    else:
        response = client.post(
            "/sparql",
            content=httpx.QueryParams(pair).__str__(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 400
    assert "exactly one 'query'" in response.json()["error"]


def test_api_sparql_timeout_parameter_must_be_a_positive_number(client):
    response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "timeout": "soon"})
    assert response.status_code == 400 and "number of seconds" in response.json()["error"]


def test_api_sparql_a_nan_timeout_is_refused_and_answers_stay_with_their_callers(client):
    """Regression: timeout=nan failed after the query was sent, and the worker went back to
    the pool with that answer unread, so the next caller got the previous caller's result."""
    response = client.get("/sparql", params={"query": "ASK {}", "timeout": "nan"})
    assert response.status_code == 400 and "positive number of seconds" in response.json()["error"]
    for n in range(4):  # more queries than workers: each answer is its own
        body = client.get("/sparql", params={"query": f"SELECT ?x WHERE {{ BIND({n} AS ?x) }}"})
        assert body.json()["results"]["bindings"][0]["x"]["value"] == str(n)


def test_the_query_pool_replaces_a_worker_whose_answer_was_not_read(tmp_path):
    """A failure between sending a query and reading its answer (here a NaN timeout given
    to the pool itself) must not leave the answer for the next query."""
    import pytest

    from semcrm.api.query_pool import QueryPool, QueryRequest
    from semcrm.ontology.store import KnowledgeStore

    with KnowledgeStore(tmp_path) as store:
        pool = QueryPool(store, tmp_path, workers=1)
        try:
            with pytest.raises(ValueError):
                pool.run(QueryRequest("ASK {}", None, None, 10), timeout=float("nan"))
            seven = QueryRequest("SELECT ?x WHERE { BIND(7 AS ?x) }", None, None, 10)
            result = pool.run(seven, timeout=30)
            assert result.kind == "select" and result.rows[0]["x"]["value"] == "7"
        finally:
            pool.close()


def test_api_sparql_deep_nesting_is_refused_before_it_reaches_the_engine(client):
    """Regression: 5,000 nested braces overflowed the query parser's stack and killed the process."""
    query = "ASK " + "{" * 5000 + "}" * 5000
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400 and "nests 5000 levels" in response.json()["error"]
    assert client.get("/health").status_code == 200
