"""The customer-level rules of ontology/rules/customer.ttl, one test per rule.

Each test builds a handful of facts as Turtle, runs the shipped rules with
the shipped TBox through the engine, and checks what is derived (and what
is not). The docstrings restate each rule's if/then.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from semcrm.ontology.loader import load_ontology
from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import load_rules

PREFIXES = """
@prefix semcrm: <https://w3id.org/semcrm/ns#> .
@prefix intent: <https://w3id.org/semcrm/intent/> .
@prefix objection: <https://w3id.org/semcrm/objection/> .
@prefix need: <https://w3id.org/semcrm/need/> .
@prefix role: <https://w3id.org/semcrm/role/> .
@prefix industry: <https://w3id.org/semcrm/industry/> .
@prefix qualification: <https://w3id.org/semcrm/qualification/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/> .
"""
S = "https://w3id.org/semcrm/ns#"


@pytest.fixture(scope="module")
def world():
    ontology = load_ontology()
    tbox = ontology.triples()
    return Engine(load_rules(ontology.graph)), tbox


def derive(world, turtle: str):
    engine, tbox = world
    facts = [
        (t.subject, t.predicate, t.object)
        for t in ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)
    ]
    result = engine.materialize([*tbox, *facts])
    return {
        (s.value, p.value, o.value): (
            result.confidence[(s, p, o)],
            [j.rule.rsplit("/", 1)[-1] for j in js],
        )
        for (s, p, o), js in result.derived.items()
    }


def fact(subject: str, predicate: str, obj: str) -> tuple[str, str, str]:
    return (f"https://example.org/{subject}", S + predicate, obj)


INTENT = "https://w3id.org/semcrm/intent/"
NEED = "https://w3id.org/semcrm/need/"


def test_rule_intent_from_customer_signal(world):
    """IF the customer signals an intent (not denied, not by the vendor) THEN the customer has it,
    with confidence weight 0.9 x the signal's confidence."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :s a semcrm:IntentSignal ; semcrm:intent intent:renewal ; semcrm:confidence 0.8 ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
        :v a semcrm:IntentSignal ; semcrm:intent intent:churn_risk ; semcrm:confidence 0.8 ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:VendorSide .
    """,
    )
    confidence, rules = derived[fact("acme", "hasIntent", INTENT + "renewal")]
    assert confidence == pytest.approx(0.72) and rules == ["intent-from-customer-signal"]
    assert fact("acme", "hasIntent", INTENT + "churn_risk") not in derived


def test_rule_intent_from_vendor_signal(world):
    """IF the vendor's staff raise a renewal, cross-sell, upgrade, evaluation or procurement THEN
    that is weaker evidence of the customer's intent (weight 0.5); other intents need the customer."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :s a semcrm:IntentSignal ; semcrm:intent intent:expansion_cross_sell ; semcrm:confidence 0.6 ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:VendorSide .
        :t a semcrm:IntentSignal ; semcrm:intent intent:refund_compensation ; semcrm:confidence 0.6 ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:VendorSide .
    """,
    )
    confidence, _ = derived[fact("acme", "hasIntent", INTENT + "expansion_cross_sell")]
    assert confidence == pytest.approx(0.3)
    assert fact("acme", "hasIntent", INTENT + "refund_compensation") not in derived


def test_rule_churn_risk_from_denied_renewal(world):
    """IF the customer denies a renewal ("we will not renew") THEN the customer is a churn risk,
    and not a renewal."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :s a semcrm:IntentSignal ; semcrm:intent intent:renewal ; semcrm:confidence 0.75 ;
           semcrm:negated true ; semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
    """,
    )
    assert fact("acme", "hasIntent", INTENT + "churn_risk") in derived
    assert fact("acme", "hasIntent", INTENT + "renewal") not in derived


def test_rule_formal_procurement_from_tender(world):
    """IF an interaction is a tender document of a customer THEN the customer runs a formal procurement."""
    derived = derive(world, ":x a semcrm:TenderDocument ; semcrm:customer :county .")
    confidence, _ = derived[fact("county", "hasIntent", INTENT + "formal_procurement")]
    assert confidence == pytest.approx(0.9)


def test_rule_intent_from_objection(world):
    """IF the customer objects on price THEN (price_budget semcrm:impliesIntent price_negotiation)
    the customer is negotiating price."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :o a semcrm:Objection ; semcrm:objectionCause objection:price_budget ; semcrm:confidence 0.75 ;
           semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
    """,
    )
    assert fact("acme", "hasIntent", INTENT + "price_negotiation") in derived
    assert (
        fact("acme", "raisedObjection", "https://w3id.org/semcrm/objection/price_budget") in derived
    )


SIGNAL = """
        :{name} a semcrm:IntentSignal ; semcrm:intent intent:{intent} ; semcrm:confidence {c} ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
"""


def signal(name: str, intent: str, confidence: float = 0.75) -> str:
    return SIGNAL.format(name=name, intent=intent, c=confidence)


def test_rule_existing_customer_from_intent(world):
    """IF a customer has a renewal, trade-in/upgrade, complaint escalation or refund intent THEN it
    is an existing customer; an evaluation alone does not make one."""
    renewing = derive(world, ":x semcrm:customer :acme ." + signal("s", "renewal"))
    assert fact("acme", "type", S + "ExistingCustomer") not in renewing  # rdf:type, not semcrm
    assert (
        "https://example.org/acme",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        S + "ExistingCustomer",
    ) in renewing
    evaluating = derive(world, ":x semcrm:customer :acme ." + signal("s", "evaluate_purchase"))
    assert not any(o == S + "ExistingCustomer" for _, _, o in evaluating)


def test_rule_churn_risk_of_existing_customer(world):
    """IF an existing customer signals churn THEN it is a churn risk; the same signal from a
    prospect (no renewal, upgrade, complaint or refund) gives no churn risk."""
    existing = derive(
        world, ":x semcrm:customer :acme ." + signal("r", "renewal") + signal("c", "churn_risk")
    )
    confidence, rules = existing[fact("acme", "hasIntent", INTENT + "churn_risk")]
    # 0.9 x the signal's 0.75 x how sure the customer is an existing one (its renewal, 0.675)
    assert confidence == pytest.approx(0.9 * 0.75 * 0.675)
    assert rules == ["churn-risk-of-existing-customer"]
    prospect = derive(world, ":x semcrm:customer :acme ." + signal("c", "churn_risk"))
    assert fact("acme", "hasIntent", INTENT + "churn_risk") not in prospect


def test_rule_churn_risk_from_objection_of_existing_customer(world):
    """IF an existing customer objects with a cause that implies churn (a competitive
    alternative) THEN it is a churn risk (weight 0.6); from a prospect it is not."""
    objection = """
        :o a semcrm:Objection ; semcrm:objectionCause objection:competitive_alternative ;
           semcrm:confidence 0.75 ; semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
    """
    existing = derive(
        world, ":x semcrm:customer :acme ." + signal("r", "complaint_escalation") + objection
    )
    confidence, rules = existing[fact("acme", "hasIntent", INTENT + "churn_risk")]
    assert rules == ["churn-risk-from-objection-of-existing-customer"]
    assert confidence == pytest.approx(0.6 * 0.75 * 0.675)
    prospect = derive(world, ":x semcrm:customer :acme ." + objection)
    assert fact("acme", "hasIntent", INTENT + "churn_risk") not in prospect


def test_rule_support_request_of_existing_customer(world):
    """IF an existing customer reports a problem THEN it is a support request, even while it
    also evaluates something new."""
    derived = derive(
        world,
        ":x semcrm:customer :acme ."
        + signal("r", "refund_compensation")
        + signal("e", "evaluate_purchase")
        + signal("p", "support_request", 0.8),
    )
    confidence, rules = derived[fact("acme", "hasIntent", INTENT + "support_request")]
    assert confidence == pytest.approx(0.9 * 0.8 * 0.675)
    assert rules == ["support-request-of-existing-customer"]


def test_rule_support_request_outside_a_purchase(world):
    """IF a customer with nothing from the vendor yet reports a problem outside a buying
    conversation THEN it is a support request; inside one (evaluating, procuring) the problem is
    the pain the purchase should solve, not a support request."""
    plain = derive(world, ":x semcrm:customer :acme ." + signal("p", "support_request", 0.8))
    confidence, rules = plain[fact("acme", "hasIntent", INTENT + "support_request")]
    assert confidence == pytest.approx(0.72) and rules == ["support-request-outside-a-purchase"]
    for buying in ("evaluate_purchase", "formal_procurement"):
        derived = derive(
            world,
            ":x semcrm:customer :acme ." + signal("b", buying) + signal("p", "support_request"),
        )
        assert fact("acme", "hasIntent", INTENT + "support_request") not in derived, buying


def test_rule_evaluate_purchase_from_competitor(world):
    """IF a customer's interaction names a competitor, outside a renewal, a complaint or a
    refund THEN the customer is comparing offers (weight 0.55); at a renewal it is not."""
    derived = derive(world, ":x semcrm:customer :acme ; semcrm:mentionsCompetitor :rival .")
    confidence, rules = derived[fact("acme", "hasIntent", INTENT + "evaluate_purchase")]
    assert confidence == pytest.approx(0.55) and rules == ["evaluate-purchase-from-competitor"]
    for relation in ("renewal", "complaint_escalation", "refund_compensation"):
        derived = derive(
            world,
            ":x semcrm:customer :acme ; semcrm:mentionsCompetitor :rival ." + signal("s", relation),
        )
        assert fact("acme", "hasIntent", INTENT + "evaluate_purchase") not in derived, relation


def test_rule_objection_raised(world):
    """IF the customer (not the vendor) makes an objection THEN the customer raised that objection cause."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :o a semcrm:Objection ; semcrm:objectionCause objection:timing ; semcrm:confidence 0.75 ;
           semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
        :v a semcrm:Objection ; semcrm:objectionCause objection:capability_gap ; semcrm:confidence 0.75 ;
           semcrm:inInteraction :x ; semcrm:bySide semcrm:VendorSide .
    """,
    )
    confidence, _ = derived[
        fact("acme", "raisedObjection", "https://w3id.org/semcrm/objection/timing")
    ]
    assert confidence == pytest.approx(0.675)
    assert (
        fact("acme", "raisedObjection", "https://w3id.org/semcrm/objection/capability_gap")
        not in derived
    )


def test_rule_stated_need(world):
    """IF the customer states a requirement about a need topic THEN the customer has that stated need."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :n a semcrm:NeedStatement ; semcrm:about need:on-premise-deployment ; semcrm:confidence 0.75 ;
           semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
    """,
    )
    assert fact("acme", "hasStatedNeed", NEED + "on-premise-deployment") in derived


def test_rule_unstated_need_from_repeated_concern(world):
    """IF the customer raises the same concern in at least two turns, over any of its
    interactions, and never states the need THEN the customer has the unstated need (0.8 x 0.7;
    0.8 x 0.9 from three). Two concerns in one turn are one concern raised once."""
    concerns = "\n".join(
        f":c{i} a semcrm:Concern ; semcrm:about need:{topic} ; semcrm:inInteraction :x{i % 2} ; "
        f"semcrm:inTurn :t{turn} ; semcrm:bySide semcrm:CustomerSide ."
        for i, (topic, turn) in enumerate(
            [
                ("fast-incident-response", 1),
                ("fast-incident-response", 2),
                ("volume-pricing", 3),
                ("volume-pricing", 3),
            ]
        )
    )
    derived = derive(world, ":x0 semcrm:customer :acme . :x1 semcrm:customer :acme .\n" + concerns)
    confidence, rules = derived[fact("acme", "hasUnstatedNeed", NEED + "fast-incident-response")]
    assert rules == ["unstated-need-from-repeated-concern"] and confidence == pytest.approx(0.56)
    assert fact("acme", "hasUnstatedNeed", NEED + "volume-pricing") not in derived


def test_rule_unstated_need_not_derived_when_stated(world):
    """A need the customer stated is not also unstated."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :c1 a semcrm:Concern ; semcrm:about need:volume-pricing ; semcrm:inInteraction :x ;
            semcrm:inTurn :t1 .
        :c2 a semcrm:Concern ; semcrm:about need:volume-pricing ; semcrm:inInteraction :x ;
            semcrm:inTurn :t2 .
        :n a semcrm:NeedStatement ; semcrm:about need:volume-pricing ; semcrm:confidence 0.75 ;
           semcrm:inInteraction :x .
    """,
    )
    assert fact("acme", "hasStatedNeed", NEED + "volume-pricing") in derived
    assert fact("acme", "hasUnstatedNeed", NEED + "volume-pricing") not in derived


def test_rule_unstated_need_from_objection(world):
    """IF the customer raises an objection again, in another turn, and its cause implies a need
    (semcrm:impliesNeed) THEN the customer has that need (0.7 x each objection's confidence);
    an objection raised once is only an objection."""
    objection = """
        :o{n} a semcrm:Objection ; semcrm:objectionCause objection:compliance_security ;
            semcrm:confidence 0.75 ; semcrm:inInteraction :x ; semcrm:inTurn :t{n} ;
            semcrm:bySide semcrm:CustomerSide .
    """
    once = derive(world, ":x semcrm:customer :acme ." + objection.format(n=1))
    assert not {o for (s, p, o) in once if p == S + "hasUnstatedNeed"}
    twice = derive(
        world, ":x semcrm:customer :acme ." + objection.format(n=1) + objection.format(n=2)
    )
    confidence, rules = twice[fact("acme", "hasUnstatedNeed", NEED + "data-security-privacy")]
    # each of the two objections justifies the need once: noisy-OR of 0.7 x 0.75, twice
    assert set(rules) == {"unstated-need-from-objection"}
    assert confidence == pytest.approx(1 - (1 - 0.7 * 0.75) ** 2)


def test_rule_unstated_need_from_pain_point(world):
    """IF the customer describes a problem that implies a need (a pain point) THEN the customer has
    that unstated need (0.7 x the pain point's confidence), even when a requirement on the same
    topic is stated; a pain point the vendor describes implies nothing about the customer."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme .
        :p a semcrm:PainPoint ; semcrm:about need:automation ; semcrm:confidence 0.75 ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
        :n a semcrm:NeedStatement ; semcrm:about need:automation ; semcrm:confidence 0.75 ;
           semcrm:inInteraction :x ; semcrm:bySide semcrm:CustomerSide .
        :v a semcrm:PainPoint ; semcrm:about need:managed-service ; semcrm:confidence 0.3 ;
           semcrm:negated false ; semcrm:inInteraction :x ; semcrm:bySide semcrm:VendorSide .
    """,
    )
    confidence, rules = derived[fact("acme", "hasUnstatedNeed", NEED + "automation")]
    assert rules == ["unstated-need-from-pain-point"] and confidence == pytest.approx(0.7 * 0.75)
    assert fact("acme", "hasUnstatedNeed", NEED + "managed-service") not in derived


def test_rule_decision_chain_member_and_hidden_decision_maker(world):
    """IF a customer-side person has a role in an interaction THEN they are in the decision chain with
    that role; IF they are absent wherever they are mentioned and shape the decision THEN they are a
    hidden decision-chain node. Someone present somewhere is not hidden."""
    derived = derive(
        world,
        """
        :x semcrm:customer :acme ; semcrm:hasParticipation :p1 , :p2 , :p3 .
        :y semcrm:customer :acme ; semcrm:hasParticipation :p4 .
        :p1 semcrm:participant :wang ; semcrm:side semcrm:CustomerSide ; semcrm:present false ;
            semcrm:hasDecisionRole role:hidden_influencer , role:economic_buyer .
        :p2 semcrm:participant :li ; semcrm:side semcrm:CustomerSide ; semcrm:present true ;
            semcrm:hasDecisionRole role:technical_evaluator .
        :p3 semcrm:participant :zhao ; semcrm:side semcrm:CustomerSide ; semcrm:present false ;
            semcrm:hasDecisionRole role:hidden_influencer .
        :p4 semcrm:participant :zhao ; semcrm:side semcrm:CustomerSide ; semcrm:present true .
    """,
    )
    assert fact("acme", "hiddenDecisionMaker", "https://example.org/wang") in derived
    assert fact("acme", "hiddenDecisionMaker", "https://example.org/zhao") not in derived
    assert fact("acme", "decisionChainMember", "https://example.org/li") in derived
    assert (
        fact("li", "hasDecisionRole", "https://w3id.org/semcrm/role/technical_evaluator") in derived
    )


def test_rule_finer_industry_from_qualification(world):
    """IF a PV EPC contractor holds the energy-storage integration qualification THEN its industry is
    the narrower 'PV EPC contractor with energy-storage integration qualification'."""
    derived = derive(
        world,
        """
        :acme semcrm:industry industry:pv-epc ;
              semcrm:holdsQualification qualification:energy-storage-integration-qualification .
    """,
    )
    assert (
        fact(
            "acme", "industry", "https://w3id.org/semcrm/industry/pv-epc-with-storage-qualification"
        )
        in derived
    )


def test_rules_every_shipped_rule_has_a_test_here():
    """A rule added to customer.ttl without a test named after it here fails this test."""
    tests = [name for name in globals() if name.startswith("test_rule_")]
    ontology = load_ontology()
    customer = next(f for f in ontology.files if f.name == "customer.ttl" and "rules" in f.parts)
    here = {str(s) for s in rdflib.Graph().parse(customer, format="turtle").subjects()}
    for rule in (r for r in load_rules(ontology.graph) if r.iri in here):
        name = rule.iri.rsplit("/", 1)[-1].replace("-", "_")
        assert any(name in test for test in tests), f"no test_rule_… function covers {name}"
