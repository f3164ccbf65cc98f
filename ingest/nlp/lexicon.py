"""Phrases the pipeline matches, generated from the ontology.

Every phrase comes from the ontology, never from code: ``skos:prefLabel``,
``skos:altLabel`` and ``skos:hiddenLabel`` of the concepts the text can
*mention* (industry concepts, qualifications, products, competitors, job
titles) and ``semcrm:cue`` phrases of the concepts the text can *signal*
(intents, needs, objection causes, emotions, decision roles, lexicon
entries such as negation or hedging), and ``semcrm:painCue`` phrases of needs
(problems that imply the need). Curating a label or a cue in Turtle
changes extraction with no code change.

Each :class:`Phrase` carries the concept's IRI and its *kind* (the spaCy
span label), so downstream code reads the IRI off the span and never
matches label strings again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from semcrm.ontology.loader import Ontology, local_name
from semcrm.ontology.namespaces import SEMCRM

#: class IRI -> span label, for concepts whose labels are mentions.
MENTION_KINDS: dict[URIRef, str] = {
    SEMCRM.IndustryConcept: "industry",
    SEMCRM.Qualification: "qualification",
    SEMCRM.Product: "product",
    SEMCRM.Competitor: "competitor",
    SEMCRM.Vendor: "vendor",
    SEMCRM.JobTitle: "title",
}

#: class IRI -> span label, for concepts whose ``semcrm:cue`` phrases are signals.
CUE_KINDS: dict[URIRef, str] = {
    SEMCRM.Intent: "intent",
    SEMCRM.Need: "need",
    SEMCRM.ObjectionCause: "objection",
    SEMCRM.Emotion: "emotion",
    SEMCRM.DecisionRole: "role",
    SEMCRM.JobTitle: "title-cue",
    SEMCRM.LexiconEntry: "lex",
}

#: class IRI -> span label, for concepts whose ``semcrm:painCue`` phrases describe a problem
#: that implies the concept (a need).
PAIN_KINDS: dict[URIRef, str] = {SEMCRM.Need: "pain"}

#: A cue may hold this character to mean "a few more characters of the same clause".
GAP = "…"


@dataclass(frozen=True)
class Phrase:
    text: str
    concept: str  # IRI
    kind: str  # span label, e.g. "industry", "intent", "lex"
    lang: str | None
    source: str  # "prefLabel", "altLabel", "hiddenLabel", "cue"

    @property
    def lexicon_name(self) -> str:
        """For lexicon entries, the name after ``lex-`` (``"negation"``); else the local name."""
        name = local_name(self.concept)
        return name.removeprefix("lex-")


def ontology_phrases(ontology: Ontology) -> list[Phrase]:
    """All phrases of the ontology, deduplicated, in a stable order."""
    graph = ontology.graph
    seen: set[tuple[str, str, str]] = set()
    out: list[Phrase] = []

    def add(text: str, concept: URIRef, kind: str, lang: str | None, source: str) -> None:
        text = text.strip()
        if not text:
            return
        key = (text.casefold(), str(concept), kind)
        if key not in seen:
            seen.add(key)
            out.append(Phrase(text, str(concept), kind, lang, source))

    for cls, kind in MENTION_KINDS.items():
        for concept in _typed(graph, cls):
            for predicate, source in (
                (SKOS.prefLabel, "prefLabel"),
                (SKOS.altLabel, "altLabel"),
                (SKOS.hiddenLabel, "hiddenLabel"),
            ):
                for label in _literals(graph.objects(concept, predicate)):
                    add(str(label), concept, kind, label.language, source)
    for cls, kind in CUE_KINDS.items():
        for concept in _typed(graph, cls):
            for cue in _literals(graph.objects(concept, SEMCRM.cue)):
                add(str(cue), concept, kind, cue.language, "cue")
    for cls, kind in PAIN_KINDS.items():
        for concept in _typed(graph, cls):
            for cue in _literals(graph.objects(concept, SEMCRM.painCue)):
                add(str(cue), concept, kind, cue.language, "painCue")
    return out


def _typed(graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))


def _literals(values: Iterable[object]) -> list[Literal]:
    return sorted((v for v in values if isinstance(v, Literal)), key=str)
