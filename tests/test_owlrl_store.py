"""OWL 2 RL on the data, through the store: opt-in, justified, explained, and capped when stored.

The rules of ontology/optional/owl-rl.ttl run when the ``owl_rl`` setting is on
(``SEMCRM_OWL_RL=true``); the product's own demo records are ingested into a
real on-disk store with the real command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.settings import SettingsError, load_settings
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.materialize import JUSTIFICATIONS, MAX_ONTOLOGY_JUSTIFICATIONS

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "records"
OWLRL = "https://w3id.org/semcrm/rule/owl-rl/"
PROV_ENTITY = "http://www.w3.org/ns/prov#Entity"
COUNT = ox.NamedNode("https://w3id.org/semcrm/ns#justificationCount")

runner = CliRunner()


def semcrm(*args: str, owl_rl: bool) -> dict:
    env = {"SEMCRM_OWL_RL": "true" if owl_rl else "false"}
    result = runner.invoke(app, [*args, "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[bool, Path]:
    folders = {}
    for owl_rl in (False, True):
        data = tmp_path_factory.mktemp(f"owlrl-{owl_rl}")
        if folders:  # the same secret key, so both stores mint the same pseudonyms
            (data / "secret.key").write_bytes((folders[False] / "secret.key").read_bytes())
        semcrm("ingest", str(SAMPLES), "--data", str(data), owl_rl=owl_rl)
        folders[owl_rl] = data
    return folders


def _derived(data: Path, owl_rl: bool) -> list[dict]:
    return semcrm("derived", "--data", str(data), owl_rl=owl_rl)["derived"]


def test_owl_rl_is_off_by_default():
    assert load_settings(data="/nonexistent").owl_rl is False


def test_owl_rl_setting_takes_yes_no_words_and_names_a_bad_value(monkeypatch):
    monkeypatch.setenv("SEMCRM_OWL_RL", "on")
    assert load_settings(data="/nonexistent").owl_rl is True
    monkeypatch.setenv("SEMCRM_OWL_RL", "maybe")
    with pytest.raises(SettingsError, match=r"owl_rl.*SEMCRM_OWL_RL.*'maybe'.*not true or false"):
        load_settings(data="/nonexistent")


def test_owl_rl_off_derives_no_ontology_level_facts(stores):
    facts = _derived(stores[False], owl_rl=False)
    assert facts
    assert not [f for f in facts if f["object"] == PROV_ENTITY]


def test_owl_rl_on_adds_the_entailments_and_keeps_the_business_facts(stores):
    plain = {(f["subject"], f["predicate"], f["object"]) for f in _derived(stores[False], False)}
    closed = {(f["subject"], f["predicate"], f["object"]) for f in _derived(stores[True], True)}
    assert plain <= closed
    # every evidence span, turn and interaction is a prov:Entity by the ontology's subclass axioms
    assert any(o == PROV_ENTITY for _, _, o in closed - plain)


def test_owl_rl_entailment_explains_down_to_an_asserted_fact(stores):
    data = stores[True]
    fact = next(f for f in _derived(data, True) if f["object"] == PROV_ENTITY)
    tree = semcrm("explain", fact["iri"], "--data", str(data), owl_rl=True)
    rules = {j["rule"]["iri"] for j in tree["justifications"]}
    assert rules and all(rule.startswith(OWLRL) for rule in rules)


def test_owl_rl_stores_a_few_justifications_per_fact_and_counts_the_rest(stores):
    with KnowledgeStore(stores[True], read_only=True) as store:
        counts = {
            q.subject: int(q.object.value)
            for q in store.oxigraph.quads_for_pattern(None, COUNT, None, JUSTIFICATIONS)
        }
        assert counts, "no fact of the demo records had more justifications than are stored"
        derives = ox.NamedNode("https://w3id.org/semcrm/ns#derives")
        for statement, total in counts.items():
            stored = list(
                store.oxigraph.quads_for_pattern(None, derives, statement, JUSTIFICATIONS)
            )
            assert len(stored) == MAX_ONTOLOGY_JUSTIFICATIONS < total
