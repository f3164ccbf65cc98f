"""`semcrm erase`: a source, or a person, goes with everything that depended only on it.

Real commands against real on-disk stores: the product's demo records plus six
devset records. The reference for "everything that depended only on it, and
nothing else" is a second store that never saw the erased source, with the same
secret key (so the same pseudonyms): after the erasure both stores must hold
the same derived facts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.materialize import INFERRED

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "records"
ERASED = "presales-call-zh.txt"

runner = CliRunner()


def semcrm(*args: str, code: int = 0) -> dict:
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if code == 0 else {"output": result.output}


def sources(devset_dir: Path, without: str | None = None) -> list[str]:
    files = sorted(SAMPLES.iterdir()) + [devset_dir / f"D0{i}.txt" for i in range(1, 7)]
    return [str(f) for f in files if f.name != without]


def derived(data: Path) -> set[tuple[str, str, str]]:
    with KnowledgeStore(data, read_only=True) as store:
        return {(str(s), str(p), str(o)) for s, p, o in store.triples(INFERRED)}


def every_quad(data: Path) -> str:
    with KnowledgeStore(data, read_only=True) as store:
        return "\n".join(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None))


@pytest.fixture
def stores(tmp_path, devset_dir):
    full, reference = tmp_path / "full", tmp_path / "reference"
    report = semcrm("ingest", *sources(devset_dir), "--data", str(full))
    reference.mkdir()
    (reference / "secret.key").write_bytes((full / "secret.key").read_bytes())
    semcrm("ingest", *sources(devset_dir, without=ERASED), "--data", str(reference))
    erased = next(r["id"] for r in report["interactions"] if r["source"] == ERASED)
    return full, reference, erased


def test_erase_an_interaction_leaves_what_a_store_without_it_derives(stores):
    full, reference, erased = stores
    before = derived(full)
    report = semcrm("erase", erased, "--data", str(full))
    after = derived(full)
    assert after == derived(reference)
    assert report["kind"] == "interaction" and report["interactions"] == 1
    assert report["derived_removed"] == len(before - after) > 0
    assert report["derived_added"] == len(after - before)
    assert report["asserted_triples"] > 0


def test_erase_leaves_no_trace_of_the_source_outside_the_erasure_record(stores):
    full, _, erased = stores
    semcrm("erase", erased, "--data", str(full))
    quads = [line for line in every_quad(full).splitlines() if erased in line]
    # only the tombstone in graph:meta that keeps the source from being ingested again
    assert len(quads) == 1 and "erasedInteraction" in quads[0]


def test_erase_removes_the_text_from_the_files_on_disk(stores):
    """Regression: the erased sentences stayed in the database files (Oxigraph never drops
    a string from its dictionary), readable with `grep` though no query found them."""
    full, _, erased = stores
    sentence = "运维要登四五个系统".encode()  # said only in the erased call
    files = [f for f in full.rglob("*") if f.is_file()]
    assert any(sentence in f.read_bytes() for f in files)
    semcrm("erase", erased, "--data", str(full))
    leaking = [str(f) for f in full.rglob("*") if f.is_file() and sentence in f.read_bytes()]
    assert leaking == []
    assert derived(full)  # the store still opens and holds the rest


def test_erase_writes_an_audit_line_of_counts_without_the_target(stores):
    full, _, erased = stores
    report = semcrm("erase", erased, "--data", str(full))
    lines = (full / "audit" / "erasure.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["interactions"] == 1 and record["derived_removed"] == report["derived_removed"]
    assert erased not in lines[0] and len(record["target_sha256"]) == 64


def test_an_erased_source_is_not_ingested_again(stores, devset_dir):
    full, _, erased = stores
    semcrm("erase", erased, "--data", str(full))
    again = semcrm("ingest", str(SAMPLES / ERASED), "--data", str(full))
    assert again["interactions"] == []
    assert [r["reason"] for r in again["rejected"]] == [
        "this source was erased (`semcrm erase`) and is not ingested again"
    ]
    with KnowledgeStore(full, read_only=True) as store:
        assert erased not in {g.value for g in store.interaction_graphs()}
    twice = semcrm("erase", erased, "--data", str(full), code=1)
    assert "was already erased" in twice["output"]


def test_erase_a_person_removes_every_source_naming_them(stores):
    full, _, _ = stores
    with KnowledgeStore(full, read_only=True) as store:
        rows = store.query(
            "SELECT ?person (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?t "
            "<https://w3id.org/semcrm/ns#speaker> ?person } "
            'FILTER STRSTARTS(STR(?person), "https://w3id.org/semcrm/id/person/PERSON-") } '
            "GROUP BY ?person ORDER BY DESC(?n) ?person"
        )
        person = next(iter(rows))["person"].value
    pseudonym = person.rsplit("/", 1)[-1]
    report = semcrm("erase", f"[{pseudonym}]", "--data", str(full))  # as redacted text shows it
    assert report["kind"] == "person" and report["interactions"] >= 1
    assert pseudonym not in every_quad(full)
    # Regression: the second erasure said "no interaction names …; check the pseudonym".
    twice = semcrm("erase", pseudonym, "--data", str(full), code=1)
    assert f"{pseudonym} was already erased" in twice["output"]


def test_erase_something_the_store_does_not_hold_says_what_to_pass(stores):
    full, _, _ = stores
    missing = semcrm(
        "erase",
        "https://w3id.org/semcrm/id/interaction/0000000000000000",
        "--data",
        str(full),
        code=1,
    )
    assert "is not an interaction in this store" in missing["output"]
    unknown = semcrm("erase", "PERSON-00000000", "--data", str(full), code=1)
    assert "no interaction in this store names PERSON-00000000" in unknown["output"]
    garbage = semcrm("erase", "Zhang Wei", "--data", str(full), code=1)
    assert "neither an interaction IRI" in garbage["output"]
    assert not (full / "audit" / "erasure.jsonl").exists()
