"""No API answer over the ingested devset contains any of the devset's gold PII strings.

The devset is ingested and reasoned over, the real API is served over it, and
every answer a client can reach by following the API is collected: the
customer list, every customer's context (in both label languages), the
explanation of every fact a context cites, and SPARQL dumps of every literal
and every IRI. Each answer is scanned for every gold ``pii`` string.
"""

from __future__ import annotations

import json

import httpx
import pytest
from support import gold_pii, leaks, serve
from typer.testing import CliRunner

from semcrm.api.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def answers(tmp_path_factory, devset_dir) -> list[str]:
    data = tmp_path_factory.mktemp("pii-api")
    for command in (["ingest", str(devset_dir)], ["reason"]):
        result = runner.invoke(
            app, [*command, "--data", str(data), "--json"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
    bodies: list[str] = []
    with serve(data, startup=300) as url, httpx.Client(base_url=url, timeout=60) as client:

        def get(path: str, **params) -> httpx.Response:
            response = client.get(path, params=params)
            # re-serialised without \u escapes, so a Chinese name is found however it was encoded
            bodies.append(json.dumps(response.json(), ensure_ascii=False))
            return response

        customers = get("/customers").json()["customers"]
        assert len(customers) >= 25
        for customer in customers:
            for lang in ("en", "zh"):
                context = get(f"/customers/{customer['id']}/context", lang=lang).json()
            facts = [
                f
                for key in ("intents", "stated_needs", "unstated_needs", "objections")
                for f in context[key]
            ]
            for fact in facts:
                assert get("/explain", iri=fact["iri"]).status_code == 200
        get("/sparql", query="SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER (isLiteral(?o)) } }")
        get("/sparql", query="SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
        get("/health")
    return bodies


@pytest.mark.slow
def test_pii_api_no_answer_contains_gold_pii(answers, devset_dir):
    values = gold_pii(devset_dir)
    assert len(answers) > 100
    found = {value for body in answers for value in leaks(values, body)}
    assert sorted(found) == []
