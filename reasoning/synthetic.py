"""Generated CRM-shaped data with an OWL 2 RL TBox, for the reasoner benchmark and peer tests.

The peers (``owlrl``, ``reasonable``) and the engine must be compared on the
same input, at 10k, 100k and 1M triples, and the incremental benchmark needs
"one interaction" of about 100 triples to add and erase. Nothing here comes
from real data: every name is invented (``ex:org17``, ``"Contact 3 of org17"``).

The TBox (:func:`tbox`) exercises every OWL 2 RL rule the engine ships:

* a class tree of 60 classes, up to six levels deep (``cax-sco``, ``scm-sco``);
* domains and ranges on every object property, and a range on a datatype
  property (``prp-rng`` must not type the literal values);
* a sub-property pair (``prp-spo1``, ``scm-spo``), an inverse pair
  (``prp-inv1/2``), a symmetric and two transitive properties;
* two property chains, one of them self-referential
  (``worksFor o subsidiaryOf -> worksFor``, ``prp-spo2``);
* an equivalent class and an equivalent property (``cax-eqc``, ``prp-eqp``);
* a ``hasValue`` class, a ``someValuesFrom`` class, an ``allValuesFrom``
  superclass and an ``intersectionOf`` class (``cls-*``); restrictions and
  lists are named by IRIs under the TBox skolem base, as ``Ontology.triples()``
  names the shipped ontology's blank nodes;
* ``owl:sameAs`` pairs between duplicate contacts and a ``disjointWith`` axiom.

The ABox (:func:`abox`) is organised by customer: each customer has an
organisation record (type, name, tier, parent), contacts and deals, and a
number of interactions of about 100 triples each (a call or e-mail with
participants and utterances). :func:`interaction` makes one more interaction
for a customer, which is what the incremental benchmark adds and erases.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from semcrm.reasoning.terms import Fact

EX = "http://example.org/crm/onto#"
ID = "http://example.org/crm/id/"
TBOX_ID = "https://w3id.org/semcrm/id/tbox/synthetic/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

A = NamedNode(RDF + "type")
FIRST, REST, NIL = NamedNode(RDF + "first"), NamedNode(RDF + "rest"), NamedNode(RDF + "nil")

#: The class tree: child -> parent (roots have no entry).
CLASS_TREE: dict[str, str] = {}
for _parent, _children in {
    "Party": "Organisation Person",
    "Organisation": "Customer Vendor Partner Competitor",
    "Customer": "EnterpriseCustomer SMBCustomer PublicSectorCustomer",
    "EnterpriseCustomer": "StrategicAccount",
    "StrategicAccount": "GlobalAccount",
    "Partner": "Reseller Integrator",
    "Person": "Contact Employee",
    "Contact": "DecisionMaker Influencer EndUser",
    "DecisionMaker": "EconomicBuyer TechnicalBuyer",
    "Influencer": "Champion Blocker",
    "Champion": "ExecutiveSponsor",
    "Employee": "SalesRep SupportAgent",
    "SalesRep": "AccountExecutive SalesEngineer",
    "Interaction": "Call Email Meeting Chat",
    "Call": "SalesCall SupportCall",
    "SalesCall": "DiscoveryCall DemoCall",
    "Email": "OutboundEmail InboundEmail",
    "Meeting": "OnsiteMeeting VideoMeeting",
    "Product": "Software Hardware Service",
    "Software": "CRMSuite AnalyticsModule",
    "Hardware": "Sensor Gateway",
    "Service": "Consulting Training",
    "Deal": "Opportunity Contract PriorityDeal",
    "Opportunity": "NewBusiness Renewal Upsell",
    "Contract": "EnterpriseContract",
    "Utterance": "Question Statement",
    "Question": "PriceQuestion FeatureQuestion",
    "Statement": "Objection Commitment",
    "Objection": "PriceObjection SecurityObjection",
}.items():
    for _child in _children.split():
        CLASS_TREE[_child] = _parent

#: Object properties with (domain, range).
PROPERTIES: dict[str, tuple[str, str]] = {
    "worksFor": ("Person", "Organisation"),
    "employs": ("Organisation", "Person"),
    "affiliatedWith": ("Party", "Party"),
    "subsidiaryOf": ("Organisation", "Organisation"),
    "hasInteraction": ("Customer", "Interaction"),
    "participant": ("Interaction", "Person"),
    "hasUtterance": ("Interaction", "Utterance"),
    "spokenBy": ("Utterance", "Person"),
    "said": ("Person", "Utterance"),
    "about": ("Utterance", "Product"),
    "hasDeal": ("Customer", "Deal"),
    "dealProduct": ("Deal", "Product"),
    "partOf": ("Product", "Product"),
    "knows": ("Person", "Person"),
    "interestedIn": ("Person", "Product"),
}


def ex(name: str) -> NamedNode:
    """A TBox term."""
    return NamedNode(EX + name)


def node(name: str) -> NamedNode:
    """An individual."""
    return NamedNode(ID + name)


def _t(name: str) -> NamedNode:
    return NamedNode(TBOX_ID + name)


def _list(name: str, members: list[NamedNode]) -> Iterator[Fact]:
    cells = [_t(f"{name}-{i}") for i in range(len(members))]
    for i, (cell, member) in enumerate(zip(cells, members, strict=True)):
        yield cell, FIRST, member
        yield cell, REST, cells[i + 1] if i + 1 < len(cells) else NIL


def tbox() -> list[Fact]:
    """The OWL 2 RL TBox described in the module docstring."""
    sco, dom, rng = (
        NamedNode(RDFS + "subClassOf"),
        NamedNode(RDFS + "domain"),
        NamedNode(RDFS + "range"),
    )
    owl_class = NamedNode(OWL + "Class")
    out: list[Fact] = []
    for child, parent in CLASS_TREE.items():
        out.append((ex(child), sco, ex(parent)))
    for name in {*CLASS_TREE, *CLASS_TREE.values()}:
        out.append((ex(name), A, owl_class))
    for name, (domain, range_) in PROPERTIES.items():
        out += [
            (ex(name), A, NamedNode(OWL + "ObjectProperty")),
            (ex(name), dom, ex(domain)),
            (ex(name), rng, ex(range_)),
        ]
    out += [
        (ex("text"), A, NamedNode(OWL + "DatatypeProperty")),
        (ex("text"), dom, ex("Utterance")),
        (ex("text"), rng, NamedNode(XSD + "string")),
        (ex("name"), dom, ex("Party")),
        (ex("worksFor"), NamedNode(RDFS + "subPropertyOf"), ex("affiliatedWith")),
        (ex("ceoOf"), NamedNode(RDFS + "subPropertyOf"), ex("worksFor")),
        (ex("employs"), NamedNode(OWL + "inverseOf"), ex("worksFor")),
        (ex("said"), NamedNode(OWL + "inverseOf"), ex("spokenBy")),
        (ex("knows"), A, NamedNode(OWL + "SymmetricProperty")),
        (ex("subsidiaryOf"), A, NamedNode(OWL + "TransitiveProperty")),
        (ex("partOf"), A, NamedNode(OWL + "TransitiveProperty")),
        (ex("worksFor"), NamedNode(OWL + "propertyChainAxiom"), _t("chain-works-0")),
        (ex("interestedIn"), NamedNode(OWL + "propertyChainAxiom"), _t("chain-interest-0")),
        (ex("Client"), NamedNode(OWL + "equivalentClass"), ex("Customer")),
        (ex("refersTo"), NamedNode(OWL + "equivalentProperty"), ex("about")),
        # GoldCustomer == (tier hasValue gold)
        (_t("gold"), A, NamedNode(OWL + "Restriction")),
        (_t("gold"), NamedNode(OWL + "onProperty"), ex("tier")),
        (_t("gold"), NamedNode(OWL + "hasValue"), node("gold")),
        (ex("GoldCustomer"), NamedNode(OWL + "equivalentClass"), _t("gold")),
        (ex("GoldCustomer"), sco, ex("Customer")),
        # ObjectingContact == (said some Objection)
        (_t("objecting"), A, NamedNode(OWL + "Restriction")),
        (_t("objecting"), NamedNode(OWL + "onProperty"), ex("said")),
        (_t("objecting"), NamedNode(OWL + "someValuesFrom"), ex("Objection")),
        (ex("ObjectingContact"), NamedNode(OWL + "equivalentClass"), _t("objecting")),
        (ex("ObjectingContact"), sco, ex("Contact")),
        # StrategicAccount <= (hasDeal only PriorityDeal)
        (_t("priority"), A, NamedNode(OWL + "Restriction")),
        (_t("priority"), NamedNode(OWL + "onProperty"), ex("hasDeal")),
        (_t("priority"), NamedNode(OWL + "allValuesFrom"), ex("PriorityDeal")),
        (ex("StrategicAccount"), sco, _t("priority")),
        # KeyAccount == EnterpriseCustomer and GoldCustomer
        (ex("KeyAccount"), NamedNode(OWL + "equivalentClass"), _t("key")),
        (_t("key"), NamedNode(OWL + "intersectionOf"), _t("key-list-0")),
        (ex("Person"), NamedNode(OWL + "disjointWith"), ex("Organisation")),
    ]
    out += _list("chain-works", [ex("worksFor"), ex("subsidiaryOf")])
    out += _list("chain-interest", [ex("said"), ex("about")])
    out += _list("key-list", [ex("EnterpriseCustomer"), ex("GoldCustomer")])
    return out


_CUSTOMER_KINDS = ["EnterpriseCustomer", "SMBCustomer", "PublicSectorCustomer", "GlobalAccount"]
_CONTACT_KINDS = ["EconomicBuyer", "TechnicalBuyer", "ExecutiveSponsor", "Blocker", "EndUser"]
_INTERACTION_KINDS = ["DiscoveryCall", "DemoCall", "SupportCall", "InboundEmail", "VideoMeeting"]
_UTTERANCE_KINDS = ["PriceQuestion", "FeatureQuestion", "PriceObjection", "SecurityObjection"]
_PRODUCT_KINDS = ["CRMSuite", "AnalyticsModule", "Sensor", "Gateway", "Consulting", "Training"]
_DEAL_KINDS = ["NewBusiness", "Renewal", "Upsell", "EnterpriseContract"]
PRODUCTS = 40
CONTACTS = 5


@dataclass
class Generator:
    """Deterministic CRM-shaped facts: ``seed`` fixes every choice."""

    seed: int = 7
    interactions_per_customer: int = 4

    def products(self) -> list[Fact]:
        """The product catalogue: typed products, a ``partOf`` hierarchy."""
        rng = random.Random(self.seed)
        out: list[Fact] = []
        for i in range(PRODUCTS):
            product = node(f"product{i}")
            out.append((product, A, ex(_PRODUCT_KINDS[i % len(_PRODUCT_KINDS)])))
            out.append((product, ex("name"), Literal(f"Product {i}")))
            if i >= 4:
                out.append((product, ex("partOf"), node(f"product{rng.randrange(i // 2)}")))
        return out

    def customer(self, k: int) -> list[Fact]:
        """One customer's organisation record, contacts and deals (no interactions)."""
        rng = random.Random(self.seed * 1_000_003 + k)
        org = node(f"org{k}")
        out: list[Fact] = [
            (org, A, ex(_CUSTOMER_KINDS[k % len(_CUSTOMER_KINDS)])),
            (org, ex("name"), Literal(f"Organisation {k}")),
            (org, ex("tier"), node("gold" if k % 3 == 0 else "silver")),
        ]
        if k % 5 and k > 10:
            out.append((org, ex("subsidiaryOf"), node(f"org{rng.randrange(k // 2)}")))
        for c in range(CONTACTS):
            person = node(f"org{k}-contact{c}")
            out += [
                (person, A, ex(_CONTACT_KINDS[(k + c) % len(_CONTACT_KINDS)])),
                (person, ex("name"), Literal(f"Contact {c} of org{k}")),
                (person, ex("worksFor") if c else ex("ceoOf"), org),
                (person, ex("knows"), node(f"org{k}-contact{(c + 1) % CONTACTS}")),
            ]
        if k % 7 == 0:  # a duplicate record of the first contact
            out.append((node(f"org{k}-contact0"), NamedNode(OWL + "sameAs"), node(f"org{k}-dup0")))
            out.append((node(f"org{k}-dup0"), ex("name"), Literal(f"Contact 0 of org{k} (dup)")))
        for d in range(2):
            deal = node(f"org{k}-deal{d}")
            out += [
                (deal, A, ex(_DEAL_KINDS[(k + d) % len(_DEAL_KINDS)])),
                (org, ex("hasDeal"), deal),
                (deal, ex("dealProduct"), node(f"product{rng.randrange(PRODUCTS)}")),
            ]
        return out

    def interaction(self, k: int, i: int) -> list[Fact]:
        """Interaction ``i`` of customer ``k``: about 100 triples."""
        rng = random.Random((self.seed * 1_000_003 + k) * 1009 + i)
        org = node(f"org{k}")
        x = node(f"org{k}-x{i}")
        rep = node(f"rep{k % 50}")
        contacts = [node(f"org{k}-contact{c}") for c in rng.sample(range(CONTACTS), 2)]
        out: list[Fact] = [
            (x, A, ex(_INTERACTION_KINDS[(k + i) % len(_INTERACTION_KINDS)])),
            (org, ex("hasInteraction"), x),
            (x, ex("participant"), rep),
            (rep, A, ex("AccountExecutive")),
            (x, ex("at"), Literal(f"2031-01-{1 + i % 28:02d}", datatype=NamedNode(XSD + "date"))),
        ]
        out += [(x, ex("participant"), c) for c in contacts]
        for u in range(18):
            utterance = node(f"org{k}-x{i}-u{u}")
            speaker = rep if u % 3 == 0 else contacts[u % 2]
            out += [
                (utterance, A, ex(_UTTERANCE_KINDS[rng.randrange(len(_UTTERANCE_KINDS))])),
                (x, ex("hasUtterance"), utterance),
                (utterance, ex("spokenBy"), speaker),
                (utterance, ex("text"), Literal(f"utterance {u} of interaction {i}")),
            ]
            if u % 2 == 0:
                out.append((utterance, ex("refersTo"), node(f"product{rng.randrange(PRODUCTS)}")))
        return out

    def facts(self, target: int) -> list[Fact]:
        """TBox, catalogue and customers with their interactions, until ``target`` triples."""
        out = tbox() + self.products()
        k = 0
        while len(out) < target:
            out += self.customer(k)
            for i in range(self.interactions_per_customer):
                out += self.interaction(k, i)
            k += 1
        return list(dict.fromkeys(out))


__all__ = ["EX", "ID", "TBOX_ID", "Generator", "ex", "node", "tbox"]
