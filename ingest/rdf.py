"""An :class:`Extraction` as the triples of its interaction's named graph.

The shape, for one interaction ``X`` (its IRI is also its graph's name)::

    X  a semcrm:Call ; semcrm:text "…de-identified…" ; semcrm:language "zh" ;
       semcrm:sourceFormat "transcript" ; semcrm:contentHash "…" ; semcrm:sourceName "…" ;
       semcrm:customer ORG ; semcrm:vendor V ; semcrm:hasParticipation PA ;
       semcrm:personalDataCategory pd:Name , pd:TelephoneNumber .
    T  a semcrm:Turn ; semcrm:inInteraction X ; semcrm:index 3 ; semcrm:start 120 ; semcrm:end 180 ;
       semcrm:speaker P ; semcrm:bySide semcrm:CustomerSide ; semcrm:text "…" .
    PA a semcrm:Participation ; semcrm:participant P ; semcrm:present true ;
       semcrm:side semcrm:CustomerSide ; semcrm:hasDecisionRole role:champion ;
       semcrm:evidence SPAN .
    SIG a semcrm:IntentSignal ; semcrm:intent intent:evaluate_purchase ; semcrm:confidence 0.75 ;
       semcrm:inInteraction X ; semcrm:inTurn T ; semcrm:bySide semcrm:CustomerSide ;
       semcrm:evidence SPAN ; prov:wasGeneratedBy ACT .
    SPAN a semcrm:EvidenceSpan ; semcrm:inInteraction X ; semcrm:inTurn T ;
       semcrm:start 130 ; semcrm:end 150 ; semcrm:quote "…" ; prov:wasGeneratedBy ACT .

Only de-identified text and pseudonyms are written. Numbers are typed
(``xsd:integer``, ``xsd:decimal``, ``xsd:boolean``), times ``xsd:dateTime`` when
the source gave an ISO 8601 instant.
"""

from __future__ import annotations

import os
import re

import pyoxigraph as ox

from semcrm.ingest.extract.model import (
    CUSTOMER,
    THIRD_PARTY,
    VENDOR,
    Evidence,
    Extraction,
    PersonFact,
)
from semcrm.ingest.extract.people import PSEUDONYM
from semcrm.ingest.pii import Redaction
from semcrm.ontology import iris
from semcrm.ontology.namespaces import DCTERMS, PROV, RDF, SEMCRM, XSD

Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]

KIND_CLASS = {
    "call": "Call",
    "chat": "Chat",
    "email": "Email",
    "meeting": "Meeting",
    "document": "Document",
    "tender": "TenderDocument",
    "event_log": "EventLog",
}
SIGNAL_CLASS = {
    "intent": ("IntentSignal", "intent"),
    "need": ("NeedStatement", "about"),
    "concern": ("Concern", "about"),
    "pain": ("PainPoint", "about"),
    "objection": ("Objection", "objectionCause"),
    "emotion": ("EmotionObservation", "emotion"),
    "decision": ("DecisionSignal", None),
}
SIDE = {CUSTOMER: "CustomerSide", VENDOR: "VendorSide", THIRD_PARTY: "ThirdPartySide"}
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _s(value: str) -> ox.Literal:
    return ox.Literal(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD.integer))


def _dec(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.4f}", datatype=_n(XSD.decimal))


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_n(XSD.boolean))


def _time(value: str) -> ox.Literal:
    if _ISO_INSTANT.match(value):
        return ox.Literal(value, datatype=_n(XSD.dateTime))
    return ox.Literal(value)


A = _n(RDF.type)


def P(name: str) -> ox.NamedNode:  # reads like the prefixed name semcrm:name
    return ox.NamedNode(f"{SEMCRM}{name}")


def interaction_triples(
    extraction: Extraction, redaction: Redaction, ontology_digest: str, source_name: str
) -> list[Triple]:
    """All triples of the interaction's graph (deterministic order, no duplicates)."""
    writer = _Writer(extraction)
    writer.interaction(redaction, ontology_digest, source_name)
    writer.turns()
    writer.parties()
    writer.people()
    writer.mentions()
    writer.signals()
    writer.turning_points()
    writer.proposals()
    return writer.result()


class _Writer:
    def __init__(self, extraction: Extraction) -> None:
        self.x = extraction
        self.i = extraction.interaction
        self.iri = iris.interaction(self.i.source.content_hash)
        self.triples: dict[Triple, None] = {}
        self.activity = iris.activity("semcrm-extract", extraction.extractor_version)
        self.person_iris: dict[str, ox.NamedNode] = {}

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.triples[(s, p, o)] = None

    def result(self) -> list[Triple]:
        return list(self.triples)

    # -- the interaction -----------------------------------------------------------

    def interaction(self, redaction: Redaction, digest: str, source_name: str) -> None:
        x, i = self.iri, self.i
        self.add(x, A, P(KIND_CLASS[i.kind]))
        self.add(x, P("text"), _s(i.text))
        self.add(x, P("language"), _s(self.x.language))
        self.add(x, P("sourceFormat"), _s(i.source.format))
        self.add(x, P("contentHash"), _s(i.source.content_hash))
        self.add(x, P("sourceName"), _s(os.path.basename(source_name)))
        self.add(x, P("charset"), _s(i.source.charset))
        self.add(x, P("charsetFallback"), _bool(i.source.charset_fallback))
        self.add(x, P("extractorVersion"), _s(self.x.extractor_version))
        self.add(x, P("ontologyDigest"), _s(digest))
        self.add(x, _n(PROV.wasGeneratedBy), self.activity)
        if i.title:
            self.add(x, _n(DCTERMS.title), _s(i.title))
        if i.occurred_at:
            self.add(x, P("occurredAt"), _time(i.occurred_at))
        for category in sorted(redaction.categories()):
            self.add(x, P("personalDataCategory"), ox.NamedNode(category))
        act = self.activity
        self.add(act, A, P("Extraction"))
        self.add(act, P("version"), _s(self.x.extractor_version))
        agent = ox.NamedNode(f"{act.value.rsplit('/', 1)[0]}")
        self.add(act, _n(PROV.wasAssociatedWith), agent)
        self.add(agent, A, P("Extractor"))

    def turns(self) -> None:
        for turn in self.i.turns:
            t = iris.turn(self.iri, turn.index)
            self.add(t, A, P("Turn"))
            self.add(t, P("inInteraction"), self.iri)
            self.add(t, P("index"), _int(turn.index))
            self.add(t, P("start"), _int(turn.start))
            self.add(t, P("end"), _int(turn.end))
            self.add(t, P("text"), _s(turn.text))
            side = SIDE.get(self.x.sides.get(turn.index, ""))
            if side:
                self.add(t, P("bySide"), P(side))
            if turn.timestamp:
                self.add(t, P("timestamp"), _time(turn.timestamp))
            if "clause" in turn.meta:
                self.add(t, P("clause"), _s(turn.meta["clause"]))
            if turn.meta.get("mandatory") == "true":
                self.add(t, P("mandatory"), _bool(True))
            if "attachment" in turn.meta:
                self.add(t, P("attachment"), _s(os.path.basename(turn.meta["attachment"])))

    # -- parties -------------------------------------------------------------------

    def parties(self) -> None:
        x = self.x
        if x.customer is not None:
            org = iris.organisation(x.customer.name)
            self.add(self.iri, P("customer"), org)
            for cls in ("Customer", "Organization", "CustomerOrganization"):
                self.add(org, A, P(cls))
            self.add(org, P("name"), _s(x.customer.name))
            if x.industry:
                self.add(org, P("industry"), ox.NamedNode(x.industry))
                for evidence in x.industry_evidence:
                    self.mention("industry", x.industry, evidence)
            for qualification in x.qualifications:
                if qualification.concept:
                    self.add(org, P("holdsQualification"), ox.NamedNode(qualification.concept))
            for evidence in x.customer.evidence:
                self.mention("organisation", org.value, evidence)
        elif x.consumer is not None:
            person = self.person(x.consumer)
            self.add(self.iri, P("customer"), person)
            for cls in ("Customer", "ConsumerCustomer"):
                self.add(person, A, P(cls))
        if x.vendor is not None:
            vendor = (
                ox.NamedNode(x.vendor.concept)
                if x.vendor.concept
                else iris.organisation(x.vendor.name)
            )
            self.add(self.iri, P("vendor"), vendor)
            self.add(vendor, A, P("Vendor"))
            self.add(vendor, P("name"), _s(x.vendor.name))
        for org in x.organisations:
            if org.role == "competitor":
                iri = ox.NamedNode(org.concept) if org.concept else iris.organisation(org.name)
                self.add(self.iri, P("mentionsCompetitor"), iri)
                self.add(iri, A, P("Competitor"))
                self.add(iri, P("name"), _s(org.name))

    def proposals(self) -> None:
        """Finer industry concepts the text supports: proposals for curators, never TBox."""
        for proposal in self.x.proposals:
            node = iris.local(self.iri, "proposal", proposal.broader, proposal.label)
            self.add(node, A, P("ConceptProposal"))
            self.add(node, P("proposedLabel"), ox.Literal(proposal.label, language=proposal.lang))
            self.add(node, P("proposedBroader"), ox.NamedNode(proposal.broader))
            self.add(node, P("inInteraction"), self.iri)
            self.add(node, P("proposalStatus"), _s("proposed"))
            self.add(node, P("evidence"), self.span(proposal.evidence))

    def person(self, fact: PersonFact) -> ox.NamedNode:
        if fact.key in self.person_iris:
            return self.person_iris[fact.key]
        if fact.pseudonym:
            iri = iris.person(fact.pseudonym)
            self.add(iri, P("pseudonym"), _s(fact.pseudonym))
        else:
            iri = iris.local(self.iri, "speaker", fact.key)
            label = fact.label or fact.key
            self.add(iri, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), _s(label))
        self.add(iri, A, P("Person"))
        self.person_iris[fact.key] = iri
        return iri

    def people(self) -> None:
        x = self.x
        for fact in x.people:
            person = self.person(fact)
            pa = iris.local(self.iri, "participation", fact.key)
            self.add(self.iri, P("hasParticipation"), pa)
            self.add(pa, A, P("Participation"))
            self.add(pa, P("participant"), person)
            self.add(pa, P("inInteraction"), self.iri)
            self.add(pa, P("present"), _bool(fact.present))
            side = SIDE.get(fact.side)
            if side:
                self.add(pa, P("side"), P(side))
            for role in fact.roles:
                self.add(pa, P("hasDecisionRole"), ox.NamedNode(role))
            for title in fact.titles:
                self.add(pa, P("title"), ox.NamedNode(title))
            for evidence in fact.evidence:
                self.add(pa, P("evidence"), self.span(evidence))
            for evidences in fact.role_evidence.values():
                for evidence in evidences:
                    self.add(pa, P("evidence"), self.span(evidence))
            employer = {CUSTOMER: x.customer, VENDOR: x.vendor}.get(fact.side)
            if employer is not None:
                org = (
                    ox.NamedNode(employer.concept)
                    if employer.concept
                    else iris.organisation(employer.name)
                )
                self.add(person, P("worksFor"), org)
        for turn in self.i.turns:
            if not turn.speaker:
                continue
            key = _key(turn.speaker)
            fact = next(
                (f for f in x.people if f.key == key or turn.speaker in f.speaker_labels), None
            )
            if fact is not None:
                self.add(iris.turn(self.iri, turn.index), P("speaker"), self.person(fact))

    # -- mentions and signals --------------------------------------------------------

    def span(self, evidence: Evidence) -> ox.NamedNode:
        span = iris.span(self.iri, evidence.start, evidence.end)
        self.add(span, A, P("EvidenceSpan"))
        self.add(span, P("inInteraction"), self.iri)
        if evidence.turn >= 0:
            self.add(span, P("inTurn"), iris.turn(self.iri, evidence.turn))
        self.add(span, P("start"), _int(evidence.start))
        self.add(span, P("end"), _int(evidence.end))
        self.add(span, P("quote"), _s(evidence.quote))
        self.add(span, _n(PROV.wasGeneratedBy), self.activity)
        return span

    def mention(self, kind: str, concept: str, evidence: Evidence) -> None:
        m = iris.local(self.iri, "mention", kind, concept, evidence.start, evidence.end)
        self.add(m, A, P("Mention"))
        self.add(m, P("refersTo"), ox.NamedNode(concept))
        self.add(m, P("inInteraction"), self.iri)
        self.add(m, P("evidence"), self.span(evidence))
        self.add(m, P("confidence"), _dec(evidence.confidence))

    def mentions(self) -> None:
        for mention in self.x.mentions:
            if mention.kind == "title":
                continue
            if mention.concept is None:
                # found by its shape, not curated: a node of its own, keyed by its name
                if mention.kind == "product":
                    node = iris.product(mention.text)
                    self.add(node, A, P("Product"))
                    self.add(node, P("name"), _s(mention.text))
                elif mention.kind == "competitor":
                    node = iris.organisation(mention.text)  # typed in parties()
                else:
                    continue
                concept = node
            else:
                concept = ox.NamedNode(mention.concept)
            self.mention(mention.kind, concept.value, mention.evidence)
            if mention.kind == "product":
                self.add(self.iri, P("mentionsProduct"), concept)
            elif mention.kind == "competitor":
                self.add(self.iri, P("mentionsCompetitor"), concept)

    def signals(self) -> None:
        for number, signal in enumerate(self.x.signals):
            cls, predicate = SIGNAL_CLASS[signal.kind]
            sig = iris.local(
                self.iri, "signal", signal.kind, signal.concept, signal.evidence.start, number
            )
            self.add(sig, A, P(cls))
            self.add(sig, A, P("Signal"))
            self.add(sig, P("inInteraction"), self.iri)
            self.add(sig, P("inTurn"), iris.turn(self.iri, signal.evidence.turn))
            if predicate and signal.concept:
                self.add(sig, P(predicate), ox.NamedNode(signal.concept))
            if signal.about and predicate != "about":
                self.add(sig, P("about"), ox.NamedNode(signal.about))
            self.add(sig, P("confidence"), _dec(signal.confidence))
            self.add(sig, P("negated"), _bool(signal.negated))
            self.add(sig, P("hedged"), _bool(signal.hedged))
            side = SIDE.get(signal.side)
            if side:
                self.add(sig, P("bySide"), P(side))
            if signal.person:
                fact = next((f for f in self.x.people if f.key == signal.person), None)
                if fact is not None:
                    self.add(sig, P("speaker"), self.person(fact))
            self.add(sig, P("evidence"), self.span(signal.evidence))
            self.add(sig, _n(PROV.wasGeneratedBy), self.activity)

    def turning_points(self) -> None:
        for point in self.x.turning_points:
            tp = iris.local(self.iri, "turning-point", point.turn, point.before, point.after)
            self.add(tp, A, P("EmotionTurningPoint"))
            self.add(tp, A, P("Signal"))
            self.add(tp, P("inInteraction"), self.iri)
            self.add(tp, P("inTurn"), iris.turn(self.iri, point.turn))
            self.add(tp, P("fromEmotion"), ox.NamedNode(point.before))
            self.add(tp, P("toEmotion"), ox.NamedNode(point.after))
            if point.trigger.turn >= 0:
                self.add(tp, P("trigger"), iris.turn(self.iri, point.trigger.turn))
            self.add(tp, P("confidence"), _dec(point.confidence))
            self.add(tp, P("evidence"), self.span(point.trigger))
            self.add(tp, _n(PROV.wasGeneratedBy), self.activity)


def _key(speaker: str) -> str:
    match = PSEUDONYM.fullmatch(speaker.strip())
    return match.group(1) if match else f"label:{speaker.strip()}"
