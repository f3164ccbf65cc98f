"""`semcrm explain IRI --prov`: the proof tree as PROV-O, down to the quoted spans.

The demo records are ingested into a real on-disk store; every derived fact's
PROV-O export must say the same as its JSON proof tree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.reasoning.explain import evidence_leaves

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "records"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SEMCRM = rdflib.Namespace("https://w3id.org/semcrm/ns#")

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("prov")
    run("ingest", str(SAMPLES), "--data", str(folder), "--json")
    return folder


@pytest.fixture(scope="module")
def derived(data) -> list[dict]:
    return json.loads(run("derived", "--data", str(data), "--json"))["derived"]


def _prov(data: Path, iri: str) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=run("explain", iri, "--data", str(data), "--prov"), format="turtle"
    )


def test_prov_every_derived_fact_is_generated_by_its_rule_applications(data, derived):
    assert derived
    for fact in derived:
        tree = json.loads(run("explain", fact["iri"], "--data", str(data), "--json"))
        graph = _prov(data, fact["iri"])
        node = rdflib.URIRef(fact["iri"])
        assert (node, rdflib.RDF.type, PROV.Entity) in graph
        activities = {str(a) for a in graph.objects(node, PROV.wasGeneratedBy)}
        assert activities == {j["iri"] for j in tree["justifications"]}, fact


def test_prov_reaches_the_quoted_spans_of_the_tree_through_was_derived_from(data, derived):
    fact = next(f for f in derived if f["predicate"].endswith("#hasIntent"))
    tree = json.loads(run("explain", fact["iri"], "--data", str(data), "--json"))
    graph = _prov(data, fact["iri"])
    reached = set(graph.transitive_objects(rdflib.URIRef(fact["iri"]), PROV.wasDerivedFrom))
    quotes = {
        str(graph.value(node, SEMCRM.quote)) for node in reached if graph.value(node, SEMCRM.quote)
    }
    leaves = evidence_leaves(tree)
    assert leaves and {leaf["quote"] for leaf in leaves} <= quotes
    for node in reached:
        if (node, rdflib.RDF.type, SEMCRM.EvidenceSpan) in graph:
            assert graph.value(node, SEMCRM.inInteraction) is not None
            assert (
                graph.value(node, SEMCRM.start).toPython()
                < graph.value(node, SEMCRM.end).toPython()
            )


def test_prov_names_each_rule_as_the_plan_of_its_association(data, derived):
    fact = derived[0]
    tree = json.loads(run("explain", fact["iri"], "--data", str(data), "--json"))
    graph = _prov(data, fact["iri"])
    plans = {str(p) for p in graph.objects(None, PROV.hadPlan)}
    assert {j["rule"]["iri"] for j in tree["justifications"]} <= plans
    assert all((rdflib.URIRef(p), rdflib.RDF.type, PROV.Plan) in graph for p in plans)


def test_a_read_command_works_while_another_command_holds_the_folder(data):
    """Regression: a second `semcrm customers` beside a first (or beside `ingest`) failed with
    "open in another semcrm process"; readers now read the folder read-only."""
    from semcrm.ontology.store import KnowledgeStore

    with KnowledgeStore(data):  # holds the write lock, as a running command does
        customers = json.loads(run("customers", "--data", str(data), "--json"))["customers"]
    assert customers


def test_sparql_command_takes_its_row_limit_from_the_setting(data, monkeypatch):
    """Regression: `semcrm sparql` always cut at 10000 rows, whatever sparql_limit said."""
    monkeypatch.setenv("SEMCRM_SPARQL_LIMIT", "2")
    result = runner.invoke(
        app, ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--data", str(data)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 1 + 2  # header and two rows
    assert "cut at 2 rows" in result.output
