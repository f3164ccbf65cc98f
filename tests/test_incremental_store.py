"""The store's derived graphs are kept up to date incrementally, and are never wrong.

After every ingest and erasure the store's ``graph:inferred`` and
``graph:justifications`` must be exactly what a full materialisation of the
same store writes. Compared as triple sets, with numeric literals by value:
``semcrm:confidence`` (6 decimals) may differ by one unit in the last place
(the incremental engine sums noisy-OR terms in another order), everything
else, ``semcrm:baseConfidence`` included, must be equal.

Real on-disk stores in temporary folders; the product's demo records and a
handful of devset records; the order of operations is random with a fixed seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ingest.pii.pseudonyms import load_or_create_secret
from semcrm.ingest.pipeline import Processor
from semcrm.ingest.pipeline import ingest as run_ingest
from semcrm.ontology.loader import load_ontology
from semcrm.ontology.settings import OWL_RL_RULES
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.engine import Engine
from semcrm.reasoning.erasure import erase
from semcrm.reasoning.maintain import reason
from semcrm.reasoning.materialize import (
    INFERRED,
    JUSTIFICATIONS,
    _graphs,
    _Provenance,
    asserted_facts,
)
from semcrm.reasoning.rules import load_rules

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CONFIDENCE = "https://w3id.org/semcrm/ns#confidence"
runner = CliRunner()


def sources(devset_dir: Path) -> list[Path]:
    return sorted((SAMPLES / "records").iterdir()) + [
        devset_dir / f"D{i:02d}.txt" for i in (1, 2, 3, 4, 7, 9)
    ]


def split(triples) -> tuple[set, dict]:
    """Triples without confidences, and the confidences by node (as floats)."""
    plain, confidences = set(), {}
    for s, p, o in triples:
        if p.value == CONFIDENCE:
            confidences.setdefault(s, []).append(float(o.value))
        elif hasattr(o, "datatype") and o.datatype.value.endswith(("#double", "#decimal")):
            plain.add((s, p, float(o.value)))
        else:
            plain.add((s, p, o))
    return plain, {node: sorted(values) for node, values in confidences.items()}


def assert_as_a_full_run_writes(store: KnowledgeStore, ontology) -> None:
    """The store's derived graphs equal what materialize() would write for it now."""
    rules = load_rules(ontology.graph)
    result = Engine(rules).materialize(asserted_facts(store))
    inferred, justifications, _ = _graphs(result, _Provenance(store))
    assert set(store.triples(INFERRED)) == set(inferred)
    stored, stored_confidence = split(store.triples(JUSTIFICATIONS))
    expected, expected_confidence = split(justifications)
    assert stored == expected
    assert stored_confidence.keys() == expected_confidence.keys()
    for node, values in expected_confidence.items():
        got = stored_confidence[node]
        assert len(got) == len(values)
        assert all(abs(a - b) <= 1.0000001e-6 for a, b in zip(got, values, strict=True)), node


@pytest.fixture(scope="module")
def processor(ontology, tmp_path_factory):
    """One NLP pipeline for every store of the module (they share the secret key)."""
    key_dir = tmp_path_factory.mktemp("key")
    return Processor(ontology, load_or_create_secret(key_dir)), key_dir


def open_store(path: Path, key_dir: Path) -> KnowledgeStore:
    path.mkdir(parents=True, exist_ok=True)
    (path / "secret.key").write_bytes((key_dir / "secret.key").read_bytes())
    return KnowledgeStore(path)


def ingest(store, ontology, processor, files, rules=None):
    changes = store.track_asserted_changes()
    report = run_ingest(files, store, ontology, processor=processor, files=list(files))
    assert not report.rejected, report.rejected
    return report, reason(store, ontology, changes, rules)


def test_random_ingests_erasures_and_edits_always_equal_a_full_run(
    tmp_path, ontology, processor, devset_dir
):
    """Seeded random order of ingesting one or two records, erasing an interaction or a
    person, and replacing an interaction's graph with part of it; every update after
    the first is incremental and leaves the graphs a full run writes."""
    proc, key_dir = processor
    rng = random.Random(20240605)
    waiting = sources(devset_dir)
    rng.shuffle(waiting)
    ingested: list[str] = []
    modes = []
    with open_store(tmp_path / "kg", key_dir) as store:
        report, reasoning = ingest(store, ontology, proc, [waiting.pop()])
        ingested += [r.iri for r in report.records]
        assert reasoning.mode == "full"  # nothing recorded yet
        assert_as_a_full_run_writes(store, ontology)
        for _step in range(14):
            action = rng.choice(["ingest", "ingest", "erase", "edit"] if waiting else ["erase"])
            if action == "ingest" or len(ingested) < 2:
                if not waiting:
                    break
                batch = [waiting.pop() for _ in range(min(len(waiting), rng.choice([1, 2])))]
                report, reasoning = ingest(store, ontology, proc, batch)
                ingested += [r.iri for r in report.records if r.status == "new"]
            elif action == "erase":
                target = ingested.pop(rng.randrange(len(ingested)))
                erased = erase(store, ontology, target)
                reasoning = erased.reasoning
                assert erased.derived_removed >= 0
            else:
                import pyoxigraph as ox

                graph = ox.NamedNode(rng.choice(ingested))
                triples = list(store.triples(graph))
                kept = [t for t in triples if rng.random() > 0.3]
                changes = store.track_asserted_changes()
                store.replace_graph(graph, kept)
                reasoning = reason(store, ontology, changes)
            mode = reasoning["mode"] if isinstance(reasoning, dict) else reasoning.mode
            modes.append((action, mode))
            assert_as_a_full_run_writes(store, ontology)
    assert modes and all(mode == "incremental" for _, mode in modes), modes
    assert {a for a, _ in modes} >= {"ingest", "erase", "edit"}, modes


def test_erasing_a_person_is_incremental_and_exact(tmp_path, ontology, processor, devset_dir):
    proc, key_dir = processor
    with open_store(tmp_path / "kg", key_dir) as store:
        ingest(store, ontology, proc, sources(devset_dir)[:5])
        person = next(
            s.value
            for graph in store.interaction_graphs()
            for s, _, _ in store.triples(graph)
            if "/id/person/PERSON-" in str(s)
        )
        report = erase(store, ontology, person)
        assert report.reasoning["mode"] == "incremental"
        assert_as_a_full_run_writes(store, ontology)


@pytest.fixture
def reasoned(tmp_path, ontology, processor, devset_dir):
    """A store with five records, reasoned (so it carries a record), and two to add."""
    proc, key_dir = processor
    files = sources(devset_dir)
    store = open_store(tmp_path / "kg", key_dir)
    ingest(store, ontology, proc, files[:5])
    yield store, proc, files[5:]
    store.close()


def test_an_incremental_update_does_less_work_than_a_full_run(reasoned, ontology):
    """Adding one record finds fewer rule body solutions than running every rule, and
    edits the state of fewer facts than the store holds."""
    store, proc, more = reasoned
    _, reasoning = ingest(store, ontology, proc, more[:1])
    assert reasoning.mode == "incremental"
    full = Engine(load_rules(ontology.graph)).materialize(asserted_facts(store))
    assert reasoning.work["firings"] < sum(full.stats.firings.values())
    assert reasoning.work["touched"] < full.stats.input_facts
    assert_as_a_full_run_writes(store, ontology)


def test_an_ingest_without_reasoning_makes_the_next_update_full(reasoned, ontology):
    store, proc, more = reasoned
    run_ingest(more[:1], store, ontology, processor=proc, files=more[:1])  # --no-reason
    _, reasoning = ingest(store, ontology, proc, more[1:2])
    assert reasoning.mode == "full" and "stale" in reasoning.reason
    assert_as_a_full_run_writes(store, ontology)
    _, reasoning = ingest(store, ontology, proc, more[2:3])
    assert reasoning.mode == "incremental"  # recorded again


def test_changed_rules_make_the_update_full(reasoned, ontology):
    store, proc, more = reasoned
    rules = load_rules(ontology.graph)[1:]
    _, reasoning = ingest(store, ontology, proc, more[:1], rules=rules)
    assert reasoning.mode == "full" and "rules changed" in reasoning.reason


def test_missing_derived_graphs_make_the_update_full(reasoned, ontology):
    store, proc, more = reasoned
    store.remove_graphs([INFERRED, JUSTIFICATIONS])
    _, reasoning = ingest(store, ontology, proc, more[:1])
    assert reasoning.mode == "full" and "missing" in reasoning.reason
    assert_as_a_full_run_writes(store, ontology)


def test_derived_graphs_of_an_older_version_make_the_update_full(reasoned, ontology):
    store, proc, more = reasoned
    store.set_meta(reasonedWith="written by an older semcrm")
    _, reasoning = ingest(store, ontology, proc, more[:1])
    assert reasoning.mode == "full" and "changed since the last reasoning" in reasoning.reason


def test_owl_rl_makes_every_update_full(tmp_path, processor):
    """With OWL 2 RL on, stored justifications are capped, so nothing can be restored."""
    proc, key_dir = processor
    with_owl = load_ontology([SAMPLES / "ontology", OWL_RL_RULES])
    records = sorted((SAMPLES / "records").iterdir())
    with open_store(tmp_path / "kg", key_dir) as store:
        ingest(store, with_owl, proc, records[:1])
        _, reasoning = ingest(store, with_owl, proc, records[1:2])
        assert reasoning.mode == "full" and "OWL 2 RL" in reasoning.reason


def test_semcrm_ingest_and_erase_report_the_mode(tmp_path, devset_dir):
    def semcrm(*args):
        result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    data = str(tmp_path / "kg")
    first = semcrm("ingest", str(SAMPLES / "records"), "--data", data)
    assert first["reasoning"]["mode"] == "full"
    second = semcrm("ingest", str(devset_dir / "D01.txt"), "--data", data)
    assert second["reasoning"]["mode"] == "incremental" and second["reasoning"]["reason"] is None
    erased = semcrm("erase", second["interactions"][0]["id"], "--data", data)
    assert erased["reasoning"] == {"mode": "incremental", "reason": None}
    assert semcrm("reason", "--data", data)["mode"] == "full"


def test_a_restored_engine_keeps_an_asserted_fact_that_rules_derive_when_its_assertion_goes():
    """A store records no justification for a fact that is asserted and also derivable;
    withdrawing the assertion must leave it derived, exactly as a materialised engine does."""
    import pyoxigraph as ox

    from semcrm.reasoning.incremental import Derivation, IncrementalEngine
    from semcrm.reasoning.rules import parse_rule

    ex = "https://example.org/"
    rules = [
        parse_rule(f"{ex}r/copy", "?x ex:p ?y .", "?x ex:q ?y .", {"ex": ex}),
        parse_rule(f"{ex}r/chain", "?x ex:q ?y . ?y ex:q ?z .", "?x ex:r ?z .", {"ex": ex}),
    ]
    a, b, c = (ox.NamedNode(ex + n) for n in "abc")
    p, q, r = (ox.NamedNode(ex + n) for n in "pqr")
    facts = [(a, p, b), (a, q, b), (b, q, c)]  # a q b: asserted and derivable
    reference = IncrementalEngine(rules)
    recorded = reference.materialize(facts)
    restored = IncrementalEngine(rules)
    restored.restore(
        facts,
        [
            Derivation(fact, j.rule, j.premises, j.confidence)
            for fact, justifications in recorded.derived.items()
            for j in justifications
        ],
    )
    expected = reference.remove([(a, q, b)])
    got = restored.remove([(a, q, b)])
    assert got.added == expected.added == {(a, q, b): 1.0}
    assert restored.result().derived == reference.result().derived
    assert (a, r, c) in restored.result().derived
    assert restored.layers[0].stats.recovered_rules == 1  # only the rule deriving ex:q
