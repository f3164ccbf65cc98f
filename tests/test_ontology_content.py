"""The ontology's content modules: taxonomies, lexicons, industries, qualifications.

These tests read the shipped Turtle files together with ``core.ttl`` and check
what extraction and reasoning rely on: every concept is labelled and defined in
English and Chinese, sits in exactly one scheme and, through ``skos:broader``,
under a top concept; the label sets of the devset README exist under exactly
the local names the gold files use; labels and cues never point at two concepts
of one scheme; the industry module reaches every devset customer's niche at
depth four or more and aligns only to codes that exist in the standard files;
and the whole TBox still loads in owlready2.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
CONTENT_FILES = (
    "intents.ttl",
    "taxonomies.ttl",
    "needs.ttl",
    "lexicon.ttl",
    "industry.ttl",
    "qualifications.ttl",
)
BASE = "https://w3id.org/semcrm/"
SEMCRM = Namespace(BASE + "ns#")
INTENT, ROLE = Namespace(BASE + "intent/"), Namespace(BASE + "role/")
EMOTION, OBJECTION = Namespace(BASE + "emotion/"), Namespace(BASE + "objection/")
NEED, INDUSTRY = Namespace(BASE + "need/"), Namespace(BASE + "industry/")
STD = BASE + "std/"
CJK = re.compile(r"[\u3400-\u9fff]")
LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)

INTENTS = {
    "evaluate_purchase", "request_technical_solution", "request_information",
    "price_negotiation", "formal_procurement", "renewal", "churn_risk", "trade_in_upgrade",
    "expansion_cross_sell", "support_request", "complaint_escalation", "refund_compensation",
}  # fmt: skip
ROLES = {
    "economic_buyer", "technical_evaluator", "commercial_evaluator", "hidden_influencer",
    "gatekeeper", "end_user", "champion", "blocker", "vendor_rep", "third_party",
}  # fmt: skip
EMOTIONS = {
    "angry", "frustrated", "anxious", "skeptical", "disappointed", "neutral", "curious",
    "interested", "relieved", "satisfied", "enthusiastic",
}  # fmt: skip
OBJECTIONS = {
    "price_budget", "payment_terms", "compliance_security", "integration_compatibility",
    "capability_gap", "incumbent_lock_in", "competitive_alternative", "past_bad_experience",
    "trust_reference", "resource_constraint", "timing", "internal_approval", "contract_terms",
    "service_quality",
}  # fmt: skip
LEXICON = {
    "negation", "negated-concern", "hedge", "sarcasm", "decision-authority", "question",
    "requirement", "request", "constraint", "complaint", "absent-reference",
    "vendor-self-intro", "product-head", "product-category", "product-edition",
    "competitor-before", "competitor-after", "offer",
}  # fmt: skip

# Hand-written: which of our niche concepts was written for each devset customer.
DEVSET_NICHE = {
    "D01": "injection-moulds-automotive-interior", "D02": "soilless-tomato-growing",
    "D03": "county-rural-commercial-banks", "D04": "electric-light-truck-operators",
    "D05": "automotive-training", "D06": "payroll-hr-saas", "D07": "vet-hospital-groups",
    "D08": "sic-power-module-packaging", "D09": "coastal-resort-groups",
    "D10": "mga-delegated-underwriting", "D11": "mammalian-cell-culture-cdmo",
    "D12": "automated-terminal-retrofits", "D14": "home-furniture-sellers",
    "D15": "one-window-approval-halls", "D17": "regional-altnets",
    "D18": "community-fresh-supermarket-chains", "D19": "dental-implant-distribution",
    "D20": "curtain-wall-facades", "D21": "community-credit-unions",
    "D22": "laminated-slabs-precast-stairs", "D23": "gdp-3pl",
    "D24": "schools-for-foreign-nationals", "D25": "gas-metering",
    "D26": "central-kitchen-hot-pot-chains", "D27": "landing-gear-overhaul",
    "D28": "beauty-livestream-mcns", "D29": "smart-water-metering",
    "D30": "ophthalmology-hospital-groups", "D31": "building-permits-inspections",
    "D32": "regional-pharmacy-chains", "D33": "screw-air-compressors",
    "D34": "pig-finishing-farms", "D35": "peak-shaving-storage-operators",
    "D36": "multi-store-beauty-chains",
}  # fmt: skip
# Hand-written: the GB/T 4754 section each sector name used as a top level files under.
SECTION_OF_SECTOR = {
    "农业": "A", "制造业": "C", "医药": "C", "Semiconductors": "C", "Aerospace": "C",
    "能源": "D", "Energy": "D", "公用事业": "D", "建筑业": "E", "Construction": "E",
    "零售": "F", "Retail": "F", "电子商务": "F", "交通物流": "G", "Logistics": "G",
    "Hospitality": "H", "住宿餐饮": "H", "Technology": "I", "Telecommunications": "I",
    "金融": "J", "Financial services": "J", "生活服务": "O", "教育": "P", "Healthcare": "Q",
    "医疗健康": "Q", "文化传媒": "R", "公共部门": "S", "Public sector": "S",
}  # fmt: skip


def norm(text: str) -> str:
    """How entity linking compares labels: width- and case-insensitive."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    """Each content file parsed alone, plus "all": core and every content file together."""
    out = {name: Graph().parse(ONTOLOGY / name) for name in CONTENT_FILES}
    union = Graph().parse(ONTOLOGY / "core.ttl")
    for graph in out.values():
        union += graph
    out["all"] = union
    return out


@pytest.fixture(scope="module")
def g(graphs: dict[str, Graph]) -> Graph:
    return graphs["all"]


def concepts(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef)}


def texts(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(subject, predicate) if o.language == lang]


def local(iri: URIRef, ns: Namespace) -> str:
    return str(iri)[len(str(ns)) :]


def depth(graph: Graph, concept: URIRef) -> int:
    return len(path_to_top(graph, concept))


def path_to_top(graph: Graph, concept: URIRef) -> list[URIRef]:
    """The concept and its ancestors, top concept last; fails on a cycle or a fork."""
    path = [concept]
    while parents := list(graph.objects(path[-1], SKOS.broader)):
        assert len(parents) == 1, f"{path[-1]} has {len(parents)} broader concepts"
        assert parents[0] not in path, f"skos:broader cycle through {parents[0]}"
        path.append(parents[0])
    return path


def in_scheme(graph: Graph, scheme: URIRef) -> set[URIRef]:
    return set(graph.subjects(SKOS.inScheme, scheme))


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_concept_is_labelled_and_defined_in_both_languages(graphs, name):
    graph = graphs[name]
    assert concepts(graph), f"{name} defines no concepts"
    for concept in concepts(graph):
        for lang in ("en", "zh"):
            assert len(texts(graph, concept, SKOS.prefLabel, lang)) == 1, (concept, lang)
            assert len(texts(graph, concept, SKOS.definition, lang)) == 1, (concept, lang)


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_concept_is_in_exactly_one_labelled_scheme(graphs, name):
    graph = graphs[name]
    for concept in concepts(graph):
        schemes = list(graph.objects(concept, SKOS.inScheme))
        assert len(schemes) == 1, f"{concept} is in {len(schemes)} schemes"
        assert (schemes[0], RDF.type, SKOS.ConceptScheme) in graph, schemes[0]
        for lang in ("en", "zh"):
            assert texts(graph, schemes[0], SKOS.prefLabel, lang), (schemes[0], lang)


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_broader_chains_are_acyclic_and_end_at_a_top_concept_of_the_same_scheme(graphs, name):
    graph = graphs[name]
    for concept in concepts(graph):
        scheme = graph.value(concept, SKOS.inScheme)
        path = path_to_top(graph, concept)
        assert {graph.value(c, SKOS.inScheme) for c in path} == {scheme}, path
        if concept == INTENT.no_known_intent:  # the classifier's explicit "none" outcome
            assert len(path) == 1 and (concept, SKOS.topConceptOf, None) not in graph
            continue
        assert (path[-1], SKOS.topConceptOf, scheme) in graph, f"{path[-1]} is not a top"
        tops = [c for c in path if (c, SKOS.topConceptOf, None) in graph]
        assert tops == [path[-1]], f"{concept}: a top concept must have no broader concept"


@pytest.mark.parametrize(
    ("scheme", "ns", "cls", "expected"),
    [
        ("intent:scheme", INTENT, SEMCRM.Intent, INTENTS | {"no_known_intent"}),
        ("role:scheme", ROLE, SEMCRM.DecisionRole, ROLES),
        ("emotion:scheme", EMOTION, SEMCRM.Emotion, EMOTIONS),
        ("objection:scheme", OBJECTION, SEMCRM.ObjectionCause, OBJECTIONS),
        ("semcrm:lexicon", Namespace(str(SEMCRM) + "lex-"), SEMCRM.LexiconEntry, LEXICON),
    ],
)
def test_label_sets_have_exactly_the_devset_local_names(g, scheme, ns, cls, expected):
    prefix, name = scheme.split(":")
    scheme_iri = SEMCRM[name] if prefix == "semcrm" else Namespace(BASE + prefix + "/")[name]
    members = in_scheme(g, scheme_iri)
    assert {local(m, ns) for m in members} == expected
    assert all((m, RDF.type, cls) in g for m in members)


def test_each_intent_has_at_least_20_cues_and_25_examples_per_language(g):
    for name in INTENTS | {"no_known_intent"}:
        for lang in ("en", "zh"):
            cues = texts(g, INTENT[name], SEMCRM.cue, lang)
            examples = texts(g, INTENT[name], SKOS.example, lang)
            assert len(cues) >= 20, (name, lang, len(cues))
            assert len(examples) >= 25, (name, lang, len(examples))


@pytest.mark.parametrize(
    ("scheme", "low", "high"),
    [(EMOTION.scheme, 15, 30), (OBJECTION.scheme, 15, 30), (NEED.scheme, 10, 25)],
)
def test_emotions_objections_and_needs_have_enough_cues_per_language(g, scheme, low, high):
    for concept in in_scheme(g, scheme):
        for lang in ("en", "zh"):
            count = len(texts(g, concept, SEMCRM.cue, lang))
            assert low <= count <= high, (concept, lang, count)


def test_training_examples_are_not_shared_between_intents(g):
    owner: dict[str, URIRef] = {}
    for intent in in_scheme(g, INTENT.scheme):
        for example in g.objects(intent, SKOS.example):
            assert owner.setdefault(norm(example), intent) == intent, str(example)


def test_no_label_or_cue_points_at_two_concepts_of_one_scheme(g):
    seen: dict[tuple[str, ...], URIRef] = {}
    for concept in concepts(g):
        scheme = str(g.value(concept, SKOS.inScheme))
        for kind in (*LABELS, SEMCRM.cue):
            family = "cue" if kind == SEMCRM.cue else "label"
            for value in g.objects(concept, kind):
                key = (scheme, family, value.language, norm(value))
                first = seen.setdefault(key, concept)
                assert first == concept, f"{value!r} is a {family} of {first} and {concept}"


def test_no_mention_label_names_two_concepts_across_the_linked_schemes(g):
    """Industry, qualification and job-title labels are all linked as mentions of one kind."""
    linked = (INDUSTRY.scheme, URIRef(BASE + "qualification/scheme"), ROLE.titles)
    owner: dict[str, URIRef] = {}
    for scheme in linked:
        for concept in in_scheme(g, scheme):
            for label in (v for p in LABELS for v in g.objects(concept, p)):
                first = owner.setdefault(norm(label), concept)
                assert first == concept, f"{label!r} names {first} and {concept}"


def test_language_tags_are_en_or_zh_and_english_text_has_no_chinese(g):
    for concept in concepts(g):
        for _, predicate, value in g.triples((concept, None, None)):
            if isinstance(value, Literal) and predicate != SKOS.notation:
                assert value.language in {"en", "zh"}, (concept, predicate, value)
                if value.language == "en":
                    assert not CJK.search(value), (concept, value)


def test_cues_use_the_ellipsis_gap_and_never_punctuation(g):
    for cue in g.objects(None, SEMCRM.cue):
        assert "..." not in cue, f"{cue!r}: write the gap as … (U+2026)"
        assert all(part.strip() for part in cue.split("…")), f"{cue!r}: empty side of a gap"
        assert not re.fullmatch(r"[!?！？.。]+", cue), f"{cue!r}: punctuation is not a cue"


@pytest.mark.parametrize(
    ("predicate", "domain_scheme", "target_cls"),
    [
        (SEMCRM.impliesNeed, OBJECTION.scheme, SEMCRM.Need),
        (SEMCRM.impliesIntent, OBJECTION.scheme, SEMCRM.Intent),
        (SEMCRM.suggestsRole, ROLE.titles, SEMCRM.DecisionRole),
        (SEMCRM.qualifiesFor, URIRef(BASE + "qualification/scheme"), SEMCRM.IndustryConcept),
    ],
)
def test_links_between_modules_point_at_existing_concepts(g, predicate, domain_scheme, target_cls):
    links = list(g.subject_objects(predicate))
    assert links, f"no {predicate} links"
    for subject, target in links:
        assert g.value(subject, SKOS.inScheme) == domain_scheme, (subject, predicate)
        assert (target, RDF.type, target_cls) in g, f"{subject} {predicate} {target}"


def test_every_objection_cause_implies_a_need_and_the_brief_s_intents(g):
    for name in OBJECTIONS:
        assert list(g.objects(OBJECTION[name], SEMCRM.impliesNeed)), name
    implied = {n: set(g.objects(OBJECTION[n], SEMCRM.impliesIntent)) for n in OBJECTIONS}
    assert INTENT.price_negotiation in implied["price_budget"]
    assert {INTENT.churn_risk, INTENT.price_negotiation} <= implied["competitive_alternative"]
    assert INTENT.complaint_escalation in implied["service_quality"]


def test_job_titles_suggest_one_or_two_roles_and_keep_one_character_forms_as_cues(g):
    titles = in_scheme(g, ROLE.titles)
    assert len(titles) >= 50
    for title in titles:
        assert (title, RDF.type, SEMCRM.JobTitle) in g
        roles = set(g.objects(title, SEMCRM.suggestsRole))
        assert 1 <= len(roles) <= 2, title
        if ROLE.vendor_rep in roles:
            assert texts(g, title, SKOS.scopeNote, "en"), f"{title}: say it is vendor side only"
        for label in (v for p in LABELS for v in g.objects(title, p)):
            assert len(label) > 1, f"{title}: one-character form {label!r} must be a cue"
    short_forms = {str(c): t for t in titles for c in g.objects(t, SEMCRM.cue)}
    assert short_forms["总"] == ROLE["title-general-manager"]
    assert short_forms["工"] == ROLE["title-engineer"]


def test_industry_top_concepts_are_the_20_gbt4754_sections(g):
    tops = set(g.subjects(SKOS.topConceptOf, INDUSTRY.scheme))
    notations = {str(g.value(t, SKOS.notation)): t for t in tops}
    assert sorted(notations) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    for letter, top in notations.items():
        assert (top, SKOS.closeMatch, URIRef(f"{STD}gbt4754/{letter}")) in g, letter


def test_the_pv_epc_example_path_has_five_levels_with_the_brief_s_labels(g):
    leaf = INDUSTRY["pv-epc-with-storage-qualification"]
    path = list(reversed(path_to_top(g, leaf)))
    assert [texts(g, c, SKOS.prefLabel, "zh")[0] for c in path[1:]] == [
        "新能源发电", "光伏发电", "光伏EPC总承包", "具备储能系统集成资质的光伏EPC总承包商",
    ]  # fmt: skip
    assert [texts(g, c, SKOS.prefLabel, "en")[0] for c in path[1:]] == [
        "New-energy generation", "Solar PV", "PV EPC contractor",
        "PV EPC contractor with energy-storage integration qualification",
    ]  # fmt: skip
    top_labels = {norm(v) for p in LABELS for v in g.objects(path[0], p)}
    assert {"能源", "energy"} <= top_labels


def test_every_devset_customer_niche_has_a_concept_at_depth_4_in_its_sector(g, devset_dir):
    records = sorted(devset_dir.glob("D*.gold.json"))
    assert records, f"no gold files in {devset_dir}"
    checked = 0
    for path in records:
        gold = json.loads(path.read_text(encoding="utf-8"))
        industry_path = gold["customer_org"]["industry_path"]
        if not industry_path:
            continue
        record = gold["id"]
        assert record in DEVSET_NICHE, f"{record}: add its niche concept to DEVSET_NICHE"
        assert industry_path[0] in SECTION_OF_SECTOR, f"{record}: map its sector to a section"
        concept = INDUSTRY[DEVSET_NICHE[record]]
        assert (concept, RDF.type, SEMCRM.IndustryConcept) in g, concept
        assert depth(g, concept) >= 4, (record, concept, depth(g, concept))
        top = path_to_top(g, concept)[-1]
        assert str(g.value(top, SKOS.notation)) == SECTION_OF_SECTOR[industry_path[0]], record
        checked += 1
    assert checked == len(DEVSET_NICHE)


def test_industry_niches_reach_depth_4_in_every_section_that_has_them(g):
    by_section: dict[str, int] = defaultdict(int)
    for concept in in_scheme(g, INDUSTRY.scheme):
        path = path_to_top(g, concept)
        by_section[str(g.value(path[-1], SKOS.notation))] = max(
            by_section[str(g.value(path[-1], SKOS.notation))], len(path)
        )
    assert max(by_section.values()) >= 5
    deep = [s for s, d in by_section.items() if d >= 4]
    assert len(deep) >= 14, by_section


def test_industry_and_qualification_labels_avoid_generic_words(g):
    generic = {"公司", "系统", "平台", "服务", "企业", "行业", "service", "company", "system",
               "platform", "business", "solution", "technology", "tech"}  # fmt: skip
    for scheme in (INDUSTRY.scheme, URIRef(BASE + "qualification/scheme")):
        for concept in in_scheme(g, scheme):
            for label in (v for p in LABELS for v in g.objects(concept, p)):
                assert norm(label) not in generic, f"{concept}: {label!r} matches any text"


def _standard_codes(shared_dir: Path) -> dict[str, set[str]]:
    folder = shared_dir / "ontologies" / "industry"
    gbt: set[str] = set()

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            gbt.add(node["code"])
            walk(node.get("children", []))

    walk(json.loads((folder / "gbt4754-2017" / "gbt4754-2017-tree.json").read_text("utf-8")))
    with (folder / "naics-2022" / "naics-2022-structure.csv").open(encoding="utf-8") as fh:
        naics = {row["code"] for row in csv.DictReader(fh)}
    isic: set[str] = set()
    isic_tree = json.loads((folder / "isic-rev4" / "isic4-en.json").read_text("utf-8"))
    for section in isic_tree["sections"]:
        for division in section["divisions"]:
            isic.add(division["division"])
            for group in division["groups"]:
                isic.add(group["group"])
                isic.update(c["class"] for c in group["classes"])
    return {"gbt4754": gbt, "naics": naics, "isic": isic}


def test_industry_alignments_use_only_codes_found_in_the_standard_files(g, shared_dir):
    codes = _standard_codes(shared_dir)
    matches = list(g.subject_objects(SKOS.closeMatch))
    assert len(matches) > 500
    for concept, target in matches:
        assert str(target).startswith(STD), (concept, target)
        standard, code = str(target)[len(STD) :].split("/", 1)
        assert code in codes[standard], f"{concept}: {standard} has no code {code!r}"


def test_the_content_loads_in_owlready2_as_instances_of_the_core_classes(g, tmp_path):
    owlready2 = pytest.importorskip("owlready2")
    rdfxml = tmp_path / "semcrm.owl"
    g.serialize(rdfxml, format="xml")
    world = owlready2.World()
    world.get_ontology(rdfxml.as_uri()).load()
    for cls, sample in [
        (SEMCRM.Intent, INTENT.renewal),
        (SEMCRM.DecisionRole, ROLE.gatekeeper),
        (SEMCRM.Emotion, EMOTION.relieved),
        (SEMCRM.ObjectionCause, OBJECTION.timing),
        (SEMCRM.Need, NEED["supply-continuity"]),
        (SEMCRM.IndustryConcept, INDUSTRY["pv-epc"]),
        (SEMCRM.Qualification, URIRef(BASE + "qualification/iatf-16949")),
        (SEMCRM.LexiconEntry, SEMCRM["lex-hedge"]),
    ]:
        individual = world[str(sample)]
        assert individual is not None, sample
        assert world[str(cls)] in individual.is_a, (sample, individual.is_a)
    assert len(world.graph) >= len(g)
