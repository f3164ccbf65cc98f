"""The OWL 2 RL rules of ontology/optional/owl-rl.ttl, one test per rule.

Each test gives a few hand-written facts (invented names) to the whole OWL 2
RL rule set and checks that the rule named in the test derives what the W3C
rule table says, with the premises it names. The docstrings restate each
rule's if/then.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import load_rules

RULES_FILE = Path(__file__).resolve().parents[1] / "ontology" / "optional" / "owl-rl.ttl"
OWLRL = "https://w3id.org/semcrm/rule/owl-rl/"
PREFIXES = """
@prefix : <http://example.org/crm/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix semcrm: <https://w3id.org/semcrm/ns#> .
"""


@pytest.fixture(scope="module")
def rules():
    return load_rules(rdflib.Graph().parse(RULES_FILE))


def facts(turtle: str) -> list[tuple]:
    parsed = ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)
    return [(t.subject, t.predicate, t.object) for t in parsed]


def short(term) -> str:
    text = term.value if not isinstance(term, ox.Literal) else f'"{term.value}"'
    for prefix, ns in (
        ("", "http://example.org/crm/"),
        ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"),
        ("owl:", "http://www.w3.org/2002/07/owl#"),
    ):
        if text.startswith(ns):
            return prefix + text[len(ns) :] if prefix else ":" + text[len(ns) :]
    return text


def derive(rules, turtle: str) -> dict[str, set[str]]:
    """Derived facts as 's p o' strings -> the rule ids that justify them."""
    result = Engine(rules).materialize(facts(turtle))
    return {
        " ".join(map(short, fact)): {j.rule.removeprefix(OWLRL) for j in js}
        for fact, js in result.derived.items()
    }


def justified(rules, turtle: str, fact: str, rule: str) -> list[set[str]]:
    """The premise sets of ``rule``'s justifications of ``fact``."""
    result = Engine(rules).materialize(facts(turtle))
    for derived, js in result.derived.items():
        if " ".join(map(short, derived)) == fact:
            return [
                {" ".join(map(short, p)) for p in j.premises} for j in js if j.rule == OWLRL + rule
            ]
    return []


def test_rule_cax_sco(rules):
    """If C1 subClassOf C2 and x a C1, then x a C2."""
    got = derive(rules, ":Champion rdfs:subClassOf :Contact . :wang a :Champion .")
    assert got == {":wang rdf:type :Contact": {"cax-sco"}}


def test_rule_scm_sco(rules):
    """If C1 subClassOf C2 and C2 subClassOf C3, then C1 subClassOf C3."""
    got = derive(rules, ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C .")
    assert got[":A rdfs:subClassOf :C"] == {"scm-sco"}


def test_rule_cax_eqc1(rules):
    """If C1 equivalentClass C2 and x a C1, then x a C2."""
    got = derive(rules, ":Client owl:equivalentClass :Customer . :acme a :Client .")
    assert "cax-eqc1" in got[":acme rdf:type :Customer"]


def test_rule_cax_eqc2(rules):
    """If C1 equivalentClass C2 and x a C2, then x a C1."""
    got = derive(rules, ":Client owl:equivalentClass :Customer . :acme a :Customer .")
    assert "cax-eqc2" in got[":acme rdf:type :Client"]


def test_rule_scm_eqc1(rules):
    """If C1 equivalentClass C2, then each is a subclass of the other."""
    got = derive(rules, ":Client owl:equivalentClass :Customer .")
    assert got[":Client rdfs:subClassOf :Customer"] == {"scm-eqc1"}
    assert got[":Customer rdfs:subClassOf :Client"] == {"scm-eqc1"}


def test_rule_scm_eqc2(rules):
    """If C1 subClassOf C2 and C2 subClassOf C1, then C1 equivalentClass C2."""
    got = derive(rules, ":A rdfs:subClassOf :B . :B rdfs:subClassOf :A .")
    assert got[":A owl:equivalentClass :B"] == {"scm-eqc2"}


def test_rule_prp_spo1(rules):
    """If P1 subPropertyOf P2 and x P1 y, then x P2 y."""
    got = derive(rules, ":ceoOf rdfs:subPropertyOf :worksFor . :li :ceoOf :acme .")
    assert got == {":li :worksFor :acme": {"prp-spo1"}}


def test_rule_scm_spo(rules):
    """If P1 subPropertyOf P2 and P2 subPropertyOf P3, then P1 subPropertyOf P3."""
    got = derive(rules, ":a rdfs:subPropertyOf :b . :b rdfs:subPropertyOf :c .")
    assert got[":a rdfs:subPropertyOf :c"] == {"scm-spo"}


def test_rule_prp_eqp1(rules):
    """If P1 equivalentProperty P2 and x P1 y, then x P2 y."""
    got = derive(rules, ":refersTo owl:equivalentProperty :about . :u1 :refersTo :crm .")
    assert "prp-eqp1" in got[":u1 :about :crm"]


def test_rule_prp_eqp2(rules):
    """If P1 equivalentProperty P2 and x P2 y, then x P1 y."""
    got = derive(rules, ":refersTo owl:equivalentProperty :about . :u1 :about :crm .")
    assert "prp-eqp2" in got[":u1 :refersTo :crm"]


def test_rule_prp_dom(rules):
    """If P domain C and x P y, then x a C."""
    got = derive(rules, ":worksFor rdfs:domain :Person . :li :worksFor :acme .")
    assert got == {":li rdf:type :Person": {"prp-dom"}}


def test_rule_prp_rng(rules):
    """If P range C and x P y, then y a C (a literal y is never typed)."""
    got = derive(rules, ':worksFor rdfs:range :Org . :li :worksFor :acme , "ACME (unverified)" .')
    assert got == {":acme rdf:type :Org": {"prp-rng"}}


def test_rule_prp_inv1(rules):
    """If P1 inverseOf P2 and x P1 y, then y P2 x."""
    got = derive(rules, ":employs owl:inverseOf :worksFor . :acme :employs :li .")
    assert got[":li :worksFor :acme"] == {"prp-inv1"}


def test_rule_prp_inv2(rules):
    """If P1 inverseOf P2 and x P2 y, then y P1 x."""
    got = derive(rules, ":employs owl:inverseOf :worksFor . :li :worksFor :acme .")
    assert got[":acme :employs :li"] == {"prp-inv2"}


def test_rule_prp_symp(rules):
    """If P is symmetric and x P y, then y P x."""
    got = derive(rules, ":knows a owl:SymmetricProperty . :li :knows :wang .")
    assert got == {":wang :knows :li": {"prp-symp"}}


def test_rule_prp_trp(rules):
    """If P is transitive, x P y and y P z, then x P z."""
    got = derive(
        rules, ":partOf a owl:TransitiveProperty . :a :partOf :b . :b :partOf :c . :c :partOf :d ."
    )
    assert {k for k, v in got.items() if "prp-trp" in v} == {
        ":a :partOf :c",
        ":b :partOf :d",
        ":a :partOf :d",
    }


def test_rule_prp_spo2_2(rules):
    """If P's chain is (P1 P2), x P1 y and y P2 z, then x P z."""
    turtle = (
        ":interestedIn owl:propertyChainAxiom (:said :about) . :li :said :u1 . :u1 :about :crm ."
    )
    assert derive(rules, turtle)[":li :interestedIn :crm"] == {"prp-spo2-2"}
    premises = justified(rules, turtle, ":li :interestedIn :crm", "prp-spo2-2")
    assert len(premises) == 1 and {":li :said :u1", ":u1 :about :crm"} <= premises[0]


def test_rule_prp_spo2_3(rules):
    """If P's chain is (P1 P2 P3) and the three statements link x to w, then x P w."""
    turtle = (
        ":reaches owl:propertyChainAxiom (:p :q :r) . :a :p :b . :b :q :c . :c :r :d . :x :p :b ."
    )
    got = derive(rules, turtle)
    assert got[":a :reaches :d"] == {"prp-spo2-3"}
    assert got[":x :reaches :d"] == {"prp-spo2-3"}


def test_rule_prp_spo2_4(rules):
    """If P's chain has four properties and they link x to v in order, then x P v."""
    turtle = (
        ":far owl:propertyChainAxiom (:p :q :r :s) . :a :p :b . :b :q :c . :c :r :d . :d :s :e ."
    )
    assert derive(rules, turtle)[":a :far :e"] == {"prp-spo2-4"}


def test_rule_cls_hv1(rules):
    """If C hasValue v on P and u a C, then u P v."""
    got = derive(rules, ":Gold owl:hasValue :gold ; owl:onProperty :tier . :acme a :Gold .")
    assert got[":acme :tier :gold"] == {"cls-hv1"}


def test_rule_cls_hv2(rules):
    """If C hasValue v on P and u P v, then u a C."""
    got = derive(rules, ":Gold owl:hasValue :gold ; owl:onProperty :tier . :acme :tier :gold .")
    assert got[":acme rdf:type :Gold"] == {"cls-hv2"}


def test_rule_cls_svf1(rules):
    """If C someValuesFrom Y on P, u P v and v a Y, then u a C."""
    turtle = ":Objecting owl:someValuesFrom :Objection ; owl:onProperty :said . :li :said :u1 . :u1 a :Objection . :wang :said :u2 ."
    got = derive(rules, turtle)
    assert got[":li rdf:type :Objecting"] == {"cls-svf1"}
    assert ":wang rdf:type :Objecting" not in got


def test_rule_cls_svf2(rules):
    """If C someValuesFrom owl:Thing on P and u P v, then u a C."""
    got = derive(
        rules, ":Speaker owl:someValuesFrom owl:Thing ; owl:onProperty :said . :li :said :u1 ."
    )
    assert "cls-svf2" in got[":li rdf:type :Speaker"]


def test_rule_cls_avf(rules):
    """If C allValuesFrom Y on P, u a C and u P v, then v a Y."""
    turtle = ":OnlyPriority owl:allValuesFrom :PriorityDeal ; owl:onProperty :hasDeal . :acme a :OnlyPriority ; :hasDeal :d1 ."
    assert derive(rules, turtle)[":d1 rdf:type :PriorityDeal"] == {"cls-avf"}


def test_rule_cls_int1_2(rules):
    """If C is the intersection of C1 and C2 and y is both, then y a C."""
    turtle = ":Key owl:intersectionOf (:Enterprise :Gold) . :acme a :Enterprise , :Gold . :beta a :Gold ."
    got = derive(rules, turtle)
    assert got[":acme rdf:type :Key"] == {"cls-int1-2"}
    assert ":beta rdf:type :Key" not in got


def test_rule_cls_int1_3(rules):
    """If C is the intersection of three classes and y is in all three, then y a C."""
    turtle = ":Key owl:intersectionOf (:A :B :C) . :acme a :A , :B , :C . :beta a :A , :B ."
    got = derive(rules, turtle)
    assert got[":acme rdf:type :Key"] == {"cls-int1-3"}
    assert ":beta rdf:type :Key" not in got


def test_rule_cls_int1_4(rules):
    """If C is the intersection of four classes and y is in all four, then y a C."""
    turtle = ":Key owl:intersectionOf (:A :B :C :D) . :acme a :A , :B , :C , :D ."
    assert derive(rules, turtle)[":acme rdf:type :Key"] == {"cls-int1-4"}


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_rule_cls_int2(rules, k: int):
    """If C is the intersection of C1..C4 and y a C, then y a Ck (cls-int2-k)."""
    got = derive(rules, ":Key owl:intersectionOf (:A :B :C :D) . :acme a :Key .")
    assert f"cls-int2-{k}" in got[f":acme rdf:type :{'ABCD'[k - 1]}"]


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_rule_scm_int(rules, k: int):
    """If C is the intersection of C1..C4, then C subClassOf Ck (scm-int-k)."""
    got = derive(rules, ":Key owl:intersectionOf (:A :B :C :D) .")
    assert got[f":Key rdfs:subClassOf :{'ABCD'[k - 1]}"] == {f"scm-int-{k}"}


def test_rule_scm_eqp1(rules):
    """If P1 equivalentProperty P2, then each is a subproperty of the other."""
    got = derive(rules, ":refersTo owl:equivalentProperty :about .")
    assert got[":refersTo rdfs:subPropertyOf :about"] == {"scm-eqp1"}
    assert got[":about rdfs:subPropertyOf :refersTo"] == {"scm-eqp1"}


def test_rule_scm_eqp2(rules):
    """If P1 subPropertyOf P2 and P2 subPropertyOf P1, then P1 equivalentProperty P2."""
    got = derive(rules, ":a rdfs:subPropertyOf :b . :b rdfs:subPropertyOf :a .")
    assert got[":a owl:equivalentProperty :b"] == {"scm-eqp2"}


def test_rule_scm_dom1(rules):
    """If P domain C1 and C1 subClassOf C2, then P domain C2."""
    got = derive(rules, ":worksFor rdfs:domain :Contact . :Contact rdfs:subClassOf :Person .")
    assert got[":worksFor rdfs:domain :Person"] == {"scm-dom1"}


def test_rule_scm_dom2(rules):
    """If P2 domain C and P1 subPropertyOf P2, then P1 domain C."""
    got = derive(rules, ":worksFor rdfs:domain :Person . :ceoOf rdfs:subPropertyOf :worksFor .")
    assert got[":ceoOf rdfs:domain :Person"] == {"scm-dom2"}


def test_rule_scm_rng1(rules):
    """If P range C1 and C1 subClassOf C2, then P range C2."""
    got = derive(rules, ":worksFor rdfs:range :Customer . :Customer rdfs:subClassOf :Org .")
    assert got[":worksFor rdfs:range :Org"] == {"scm-rng1"}


def test_rule_scm_rng2(rules):
    """If P2 range C and P1 subPropertyOf P2, then P1 range C."""
    got = derive(rules, ":worksFor rdfs:range :Org . :ceoOf rdfs:subPropertyOf :worksFor .")
    assert got[":ceoOf rdfs:range :Org"] == {"scm-rng2"}


def test_rule_eq_sym(rules):
    """If x sameAs y, then y sameAs x."""
    got = derive(rules, ":li owl:sameAs :li2 .")
    assert "eq-sym" in got[":li2 owl:sameAs :li"]
    assert justified(rules, ":li owl:sameAs :li2 .", ":li2 owl:sameAs :li", "eq-sym") == [
        {":li owl:sameAs :li2"}
    ]


def test_rule_eq_trans(rules):
    """If x sameAs y and y sameAs z, then x sameAs z."""
    got = derive(rules, ":a owl:sameAs :b . :b owl:sameAs :c .")
    assert "eq-trans" in got[":a owl:sameAs :c"]


def test_rule_eq_rep_s(rules):
    """If s sameAs s2 and s p o, then s2 p o."""
    got = derive(rules, ":li owl:sameAs :li2 . :li :worksFor :acme .")
    assert got[":li2 :worksFor :acme"] == {"eq-rep-s"}


def test_rule_eq_rep_p(rules):
    """If p sameAs p2 and s p o, then s p2 o."""
    got = derive(rules, ":employer owl:sameAs :worksFor . :li :employer :acme .")
    assert "eq-rep-p" in got[":li :worksFor :acme"]


def test_rule_eq_rep_o(rules):
    """If o sameAs o2 and s p o, then s p o2."""
    got = derive(rules, ":acme owl:sameAs :acme2 . :li :worksFor :acme .")
    assert got[":li :worksFor :acme2"] == {"eq-rep-o"}


def findings(rules, turtle: str) -> dict[str, set[str]]:
    """Findings as rule id -> the focus nodes named."""
    result = Engine(rules).materialize(facts(turtle))
    by_node: dict = {}
    for (s, p, o), _ in result.derived.items():
        by_node.setdefault(s, {})[p.value.rsplit("#", 1)[1]] = by_node.get(s, {}).get(
            p.value.rsplit("#", 1)[1], set()
        ) | {short(o)}
    return {
        next(iter(d["findingRule"])).removeprefix(OWLRL): d["focus"]
        for d in by_node.values()
        if "findingRule" in d
    }


def test_rule_cax_dw(rules):
    """If C1 disjointWith C2 and x is both, then a finding names x (no exception)."""
    got = findings(
        rules, ":Person owl:disjointWith :Org . :acme a :Person , :Org . :li a :Person ."
    )
    assert got == {"cax-dw": {":acme"}}


def test_rule_prp_irp(rules):
    """If P is irreflexive and x P x, then a finding names x."""
    got = findings(rules, ":reportsTo a owl:IrreflexiveProperty . :li :reportsTo :li , :wang .")
    assert got == {"prp-irp": {":li"}}


def test_rule_eq_diff1(rules):
    """If x sameAs y and x differentFrom y, then a finding names both."""
    got = findings(rules, ":li owl:sameAs :li2 ; owl:differentFrom :li2 .")
    assert got == {"eq-diff1": {":li", ":li2"}}


def test_rules_every_owl_rl_rule_has_a_test_here(rules):
    """A rule added to owl-rl.ttl without a test named after it here fails this test."""
    tests = [name for name in globals() if name.startswith("test_rule_")]
    for rule in rules:
        name = rule.iri.removeprefix(OWLRL).replace("-", "_")
        base = name.rstrip("_1234") if name.startswith(("cls_int2", "scm_int")) else name
        assert any(base in test for test in tests), f"no test_rule_… function covers {name}"


def test_rules_are_in_layer_zero_with_the_owl_rl_id_in_their_iri(rules):
    """Every OWL 2 RL rule is layer 0, named owl-rl/<W3C id>, with an en and zh label."""
    for rule in rules:
        assert rule.layer == 0
        assert rule.iri.startswith(OWLRL)
        assert rule.label["en"].startswith("OWL 2 RL " + rule.iri.removeprefix(OWLRL))
        assert "zh" in rule.label
