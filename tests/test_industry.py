"""The customer's industry and proposals for finer concepts (ingest/extract/industry.py,
ontology/proposals.py, ``semcrm ontology proposals``).

Small records are written here (names invented); the end-to-end test ingests a real
devset record from ``../shared`` into a real on-disk store and lists what it proposes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef
from typer.testing import CliRunner

from semcrm.api.cli import app
from semcrm.ingest.extract.industry import IndustryLinker
from semcrm.ontology.loader import load_ontology, local_name
from semcrm.ontology.namespaces import SEMCRM

IND = "https://w3id.org/semcrm/industry/"
runner = CliRunner()


def _path(ontology, concept: str | None) -> list[str]:
    return [local_name(c) for c in ontology.broader_chain(URIRef(concept))] if concept else []


def test_industry_the_customers_name_says_what_it_does(ontology):
    """Labels and semcrm:nameHead endings inside an organisation's name link it."""
    linker = IndustryLinker(ontology)
    concepts = {local_name(URIRef(c)) for c, _ in linker.in_name("宁海锐拓精密模具有限公司")}
    assert "mould-making" in concepts
    concepts = {local_name(URIRef(c)) for c, _ in linker.in_name("Halberd Cold Chain Ltd")}
    assert concepts == {"cold-chain-logistics"}
    # inside a longer word a Latin cue does not count
    assert linker.in_name("Aeronautix Group") == []


def test_industry_name_outweighs_the_customers_customers(extract, ontology):
    """A mould maker that supplies car makers: the car makers (主机厂, said three times)
    are its customers; its name and its machines say mould making."""
    x = extract(
        "销售：请问是宁海锐拓精密模具有限公司的陈经理吗？我是工联数据的小吴。\n"
        "客户：是我。我们给主机厂做配套，主机厂的审核很严，主机厂每年都来。\n"
        "客户：车间有三十来台注塑机，想把模温机也接进来。\n",
        "call.txt",
    )
    assert x.customer is not None
    path = _path(ontology, x.industry)
    assert path[:2] == ["manufacturing", "mould-making"]


def test_industry_vendor_talk_weighs_less_than_the_customers(extract, ontology):
    """The vendor's references to other customers do not decide the customer's industry."""
    x = extract(
        "销售：请问是南屿冷链物流有限公司的刘总吗？我是数衡科技的小林。\n"
        "销售：我们给很多光伏电站、光伏EPC和储能电站都做过。\n"
        "客户：我们是做冷链运输的，冷藏车队一百台。\n",
        "call.txt",
    )
    assert "cold-chain-logistics" in _path(ontology, x.industry)


@pytest.mark.parametrize(
    ("text", "label", "industry", "broader"),
    [
        # a modifier before a label on the chosen concept's path (连锁药店, pharmacy chains),
        # the phrase a label nowhere: proposed under the concept whose label it modifies
        (
            "销售：请问是临川连锁药房有限公司吗？\n客户：对，我们主要做县域连锁药店，"
            "还有院边连锁药店。\n",
            "院边连锁药店",
            "regional-pharmacy-chains",
            "pharmacy-chains",
        ),
        (
            "Sam Lee (Orbitline Sales): Thanks for having us at Halberd Freight Ltd.\n"
            "Kim Ode: We run a vaccine cold chain across the region, forty reefer trucks.\n",
            "vaccine cold chain",
            "cold-chain-logistics",
            "cold-chain-logistics",
        ),
    ],
)
def test_industry_finer_concept_is_proposed_not_added(
    extract, ontology, text, label, industry, broader
):
    """A noun modifier before the finest matched concept's label becomes a proposal
    (label, broader, span); the ontology does not change."""
    before = len(ontology.graph)
    x = extract(text, "call.txt")
    assert local_name(URIRef(x.industry)) == industry
    proposals = {p.label: p for p in x.proposals}
    assert label in proposals
    proposal = proposals[label]
    assert local_name(URIRef(proposal.broader)) == broader
    assert x.interaction.text[proposal.evidence.start : proposal.evidence.end] == label
    assert len(ontology.graph) == before
    labels = {
        str(lbl) for c in ontology.instances(SEMCRM.IndustryConcept) for lbl in ontology.labels(c)
    }
    assert label not in labels


def test_industry_trade_names_and_counts_are_not_proposals(extract):
    """临川|连锁药房 is a name, 四十台|注塑机 a count, the vendor's words are not the customer's."""
    x = extract(
        "销售：请问是临川大药房吗？我们给很多县域连锁药店做过。\n"
        "客户：对，临川大药房有四十家县域连锁药店。\n",
        "call.txt",
    )
    assert all(not p.label.startswith(("临川", "四十")) for p in x.proposals)
    y = extract(
        "Sam Lee (Orbitline Sales): Thanks for having us at Halberd Freight Ltd.\n"
        "Kim Ode: We run forty reefer trucks.\n",
        "call.txt",
    )
    assert y.industry is not None and y.proposals == []


def test_industry_proposals_stored_and_listed_from_real_input(devset_dir: Path, tmp_path: Path):
    """Ingest real devset records into an on-disk store; `semcrm ontology proposals` lists
    the proposals with evidence that is the stored text at its offsets, under concepts of
    the industry scheme, and ingesting did not change the ontology's files."""
    ontology_dir = Path(__file__).resolve().parents[1] / "ontology"
    digest_before = load_ontology([]).digest
    data = tmp_path / "kg"
    records = sorted(p for p in devset_dir.glob("D*") if not p.name.endswith(".gold.json"))
    result = runner.invoke(
        app,
        [
            "ingest",
            *map(str, records),
            "--data",
            str(data),
            "--no-reason",
            "--no-progress",
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["ontology", "proposals", "--data", str(data), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    proposals = json.loads(result.stdout)["proposals"]
    assert proposals, "the devset supports at least one finer concept"
    ontology = load_ontology([])
    industry = {str(c) for c in ontology.instances(SEMCRM.IndustryConcept)}
    labels = {str(lbl) for c in industry for lbl in ontology.labels(URIRef(c))}

    from semcrm.ontology.store import KnowledgeStore

    with KnowledgeStore(data) as store:
        for proposal in proposals:
            assert proposal["broader"] in industry
            assert proposal["label"] not in labels
            assert proposal["status"] == "proposed"
            for span in proposal["evidence"]:
                query = (
                    "SELECT ?text WHERE { GRAPH ?g { <" + span["interaction"] + "> "
                    "<https://w3id.org/semcrm/ns#text> ?text } }"
                )
                rows = list(store.query(query))
                text = rows[0]["text"].value
                assert text[span["start"] : span["end"]] == span["quote"]
                assert span["quote"].endswith(tuple(labels)) or span["quote"] == proposal["label"]
    assert load_ontology([]).digest == digest_before
    assert not any(ontology_dir.glob("*.tmp"))

    table = runner.invoke(app, ["ontology", "proposals", "--data", str(data)])
    assert table.exit_code == 0
    assert proposals[0]["label"].split()[0] in table.stdout
