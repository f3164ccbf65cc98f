"""The main job on real input: the Enron mail and the devset, ingested, reasoned, explained.

Everything runs through the ``semcrm`` command line (in-process, the real
commands) against a real on-disk store in a temporary data folder.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology import iris
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.explain import Explainer, evidence_leaves
from semcrm.reasoning.materialize import INFERRED

runner = CliRunner()


def semcrm(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def corpus_data(tmp_path_factory, corpora_dir, devset_dir):
    data = tmp_path_factory.mktemp("main-job")
    first = semcrm("ingest", str(corpora_dir / "enron"), str(devset_dir), "--data", str(data))
    reasoning = semcrm("reason", "--data", str(data))
    return data, first, reasoning


@pytest.mark.slow
def test_main_job_ingests_enron_and_the_devset_with_per_format_counts(corpus_data):
    _, report, _ = corpus_data
    formats = report["formats"]
    assert formats["mbox"] == 552
    # 552 messages, 36 devset records, and two real markdown documents: the devset's README
    # and the Enron folder's SOURCE.md
    assert sum(formats.values()) == 552 + 36 + 2
    assert formats["transcript"] + formats.get("chat", 0) == 18
    assert {r["kind"] for r in report["interactions"]} >= {
        "call",
        "chat",
        "email",
        "meeting",
        "tender",
        "event_log",
    }
    assert all(
        i["id"].startswith("https://w3id.org/semcrm/id/interaction/") and i["source"]
        for i in report["interactions"]
    )


@pytest.mark.slow
def test_main_job_rejects_what_is_not_an_interaction_with_a_reason(corpus_data):
    _, report, _ = corpus_data
    rejected = {r["file"].rsplit("/", 1)[-1]: r["reason"] for r in report["rejected"]}
    assert len([f for f in rejected if f.endswith(".gold.json")]) == 36
    assert "check_gold.py" in rejected
    assert "program source code" in rejected["check_gold.py"]
    assert all(reason for reason in rejected.values())
    # the devset README is a real markdown document and is ingested, not rejected
    assert "README.md" not in rejected


@pytest.mark.slow
def test_main_job_reasoning_derives_customer_intents(corpus_data):
    _, _, reasoning = corpus_data
    assert reasoning["derived"] > 0
    assert any(rule.endswith("intent-from-customer-signal") for rule in reasoning["per_rule"])


@pytest.mark.slow
def test_main_job_context_of_a_devset_customer_cites_its_source(corpus_data, devset_dir):
    """Every intent of the customer has a quote, and each quote stands in the stored text at its offsets;
    quotes without a pseudonym also stand verbatim in the raw file."""
    data, _, _ = corpus_data
    customers = semcrm("customers", "--data", str(data))["customers"]
    gold_name = json.loads((devset_dir / "D01.gold.json").read_text("utf-8"))["customer_org"][
        "name"
    ]
    customer = next(c for c in customers if c["name"] == gold_name)
    context = semcrm("context", customer["id"], "--data", str(data))
    assert context["intents"]
    raw = (devset_dir / "D01.txt").read_text("utf-8")
    for intent in context["intents"]:
        assert intent["evidence"], intent
        for evidence in intent["evidence"]:
            stored = _stored_text(data, evidence["interaction"])
            assert stored[evidence["start"] : evidence["end"]] == evidence["quote"]
            if not re.search(r"\[[A-Z]+-[0-9A-F]{8}\]", evidence["quote"]):
                assert evidence["quote"] in raw


@pytest.mark.slow
def test_main_job_explain_walks_from_an_intent_back_to_its_quote(corpus_data, devset_dir):
    data, _, _ = corpus_data
    customers = semcrm("customers", "--data", str(data))["customers"]
    gold_name = json.loads((devset_dir / "D01.gold.json").read_text("utf-8"))["customer_org"][
        "name"
    ]
    customer = next(c for c in customers if c["name"] == gold_name)
    intent = semcrm("context", customer["id"], "--data", str(data))["intents"][0]
    tree = semcrm("explain", intent["iri"], "--data", str(data))
    assert tree["statement"]["iri"] == intent["iri"] and tree["statement"]["derived"]
    leaves = _leaves(tree)
    assert leaves and all(
        {"interaction", "turn", "start", "end", "quote"} <= leaf.keys() for leaf in leaves
    )
    assert intent["evidence"][0]["quote"] in {leaf["quote"] for leaf in leaves}


@pytest.mark.slow
def test_main_job_every_derived_fact_is_explained_down_to_asserted_facts(corpus_data):
    data, _, _ = corpus_data
    derived = semcrm("derived", "--data", str(data))["derived"]
    assert derived
    for fact in derived[:: max(1, len(derived) // 60)]:
        tree = semcrm("explain", fact["iri"], "--data", str(data))
        assert tree["justifications"], fact
        assert _asserted_leaves(tree), fact


@pytest.mark.slow
def test_main_job_every_derived_fact_bottoms_out_in_quoted_evidence(corpus_data):
    """100% of the derived facts, not a sample: each has a justification, and its proof
    tree ends in asserted facts of which at least one carries a quote."""
    data, _, _ = corpus_data
    with KnowledgeStore(data, read_only=True) as store:
        explainer = Explainer(store)
        derived = list(store.triples(INFERRED))
        assert len(derived) > 100
        unexplained = []
        for s, p, o in derived:
            tree = explainer.explain(iris.statement(s, p, o).value)
            quotes = [leaf["quote"] for leaf in evidence_leaves(tree) if leaf["quote"]]
            if not tree["justifications"] or not _asserted_leaves(tree) or not quotes:
                unexplained.append((str(s), str(p), str(o)))
        assert unexplained == []


@pytest.mark.slow
def test_main_job_every_evidence_quote_is_the_stored_text_at_its_offsets(corpus_data):
    """Every evidence span in the store, over the whole devset and the Enron mail."""
    data, _, _ = corpus_data
    with KnowledgeStore(data, read_only=True) as store:
        rows = store.query(
            "SELECT ?span ?quote ?start ?end ?text WHERE { GRAPH ?g {"
            " ?span semcrm:quote ?quote ; semcrm:start ?start ; semcrm:end ?end ;"
            " semcrm:inInteraction ?x . ?x semcrm:text ?text } }",
            prefixes={"semcrm": "https://w3id.org/semcrm/ns#"},
        )
        checked, wrong = 0, []
        for row in rows:
            start, end = int(row["start"].value), int(row["end"].value)
            checked += 1
            if row["text"].value[start:end] != row["quote"].value:
                wrong.append(row["span"].value)
    assert checked > 1000
    assert wrong == []


@pytest.mark.slow
def test_main_job_ingesting_the_same_folders_again_changes_nothing(
    corpus_data, corpora_dir, devset_dir
):
    data, first, _ = corpus_data
    before = _triple_count(data)
    again = semcrm("ingest", str(corpora_dir / "enron"), str(devset_dir), "--data", str(data))
    assert again["statuses"] == {"unchanged": len(first["interactions"])}
    assert again["triples_before"] == again["triples_after"]
    assert again["reasoning"] is None  # nothing changed, so nothing to re-derive
    assert _triple_count(data) == before
    assert {i["id"] for i in again["interactions"]} == {i["id"] for i in first["interactions"]}


def _stored_text(data, interaction: str) -> str:
    query = f"SELECT ?t WHERE {{ GRAPH <{interaction}> {{ <{interaction}> semcrm:text ?t }} }}"
    rows = semcrm("sparql", query, "--data", str(data))["results"]["bindings"]
    return rows[0]["t"]["value"]


def _triple_count(data) -> int:
    rows = semcrm(
        "sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--data", str(data)
    )
    return int(rows["results"]["bindings"][0]["n"]["value"])


def _leaves(tree):
    out = list(tree.get("evidence", []))
    for justification in tree.get("justifications", []):
        for premise in justification["premises"]:
            out += _leaves(premise)
    return out


def _asserted_leaves(tree):
    if not tree["statement"]["derived"]:
        return [tree]
    return [
        leaf for j in tree["justifications"] for p in j["premises"] for leaf in _asserted_leaves(p)
    ]
