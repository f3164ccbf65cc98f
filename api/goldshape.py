"""``semcrm extract FILE --json``: a dry run rendered in the devset's gold shape.

The dry run is the real pipeline, not a second implementation: the file is
read, de-identified and extracted exactly as ``semcrm ingest`` would, the
interaction's triples and the TBox go into a temporary in-memory store, the
rules are materialised over it exactly as ``semcrm reason`` would, and the
customer context is read back from it. Only the rendering differs: spans are
mapped back from the de-identified text to the file's decoded text (through
the redaction's offset map), so every evidence string is an exact substring
of what the file says, and ``pii`` lists what was found.

Nothing is written anywhere. The dry run pseudonymises with a throwaway key
and prints no pseudonym: its output holds the file's own text (the gold
shape lists the personal data found, by design), and pairing that text with
the store's pseudonyms would be a re-identification table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from semcrm.ingest.extract.model import VENDOR, Evidence, Extraction
from semcrm.ingest.model import Interaction
from semcrm.ingest.pii import Redaction
from semcrm.ingest.pipeline import Processed, Processor
from semcrm.ingest.readers import read_path
from semcrm.ontology import iris
from semcrm.ontology.loader import Ontology, local_name
from semcrm.ontology.store import KnowledgeStore
from semcrm.reasoning.context import ContextBuilder
from semcrm.reasoning.materialize import materialize

GOLD_KIND = {
    "call": "call_transcript",
    "chat": "chat_log",
    "email": "email",
    "meeting": "meeting_minutes",
    "document": "document",
    "tender": "tender_excerpt",
    "event_log": "event_log",
}
CAPTION_FORMATS = {"webvtt", "srt"}


def confidence_band(value: float) -> str:
    """``high`` (explicit) from 0.7, ``medium`` (clearly implied) from 0.45, else ``low``."""
    if value >= 0.7:
        return "high"
    return "medium" if value >= 0.45 else "low"


def throwaway_secret() -> bytes:
    """A key for one dry run, never the data folder's."""
    return secrets.token_bytes(32)


def extract_file(path: Path, ontology: Ontology, processor: Processor) -> list[dict[str, Any]]:
    """Gold-shape records for every interaction in the file (an mbox gives several)."""
    return [extract_interaction(i, ontology, processor) for i in read_path(path)]


def extract_interaction(
    interaction: Interaction, ontology: Ontology, processor: Processor
) -> dict[str, Any]:
    processed = processor.process(interaction)
    with KnowledgeStore(None) as store:
        graph = iris.interaction(interaction.source.content_hash)
        store.ensure_ontology(ontology)
        store.replace_graph(graph, processed.triples)
        materialize(store, ontology)
        builder = ContextBuilder(
            store, lang="zh" if processed.extraction.language != "en" else "en"
        )
        customers = builder.customers()
        context = builder.context(customers[0]["id"]) if customers else None
    return render(interaction, processed, context, ontology)


def render(
    interaction: Interaction,
    processed: Processed,
    context: dict[str, Any] | None,
    ontology: Ontology,
) -> dict[str, Any]:
    x = processed.extraction
    back = _Back(processed.redaction, interaction)
    lang = "en" if x.language == "en" else "zh"
    industry: list[str] = []
    if context and context.get("industry"):
        industry = [
            step["label"] or local_name(step["concept"]) for step in context["industry"]["path"]
        ]
        if lang == "zh":
            industry = [
                ontology.pref_label(_ref(step["concept"]), "zh")
                for step in context["industry"]["path"]
            ]
    customer_name = x.customer.name if x.customer else None
    if x.customer and x.customer.evidence:
        customer_name = back.quote(x.customer.evidence[0])
    return {
        "id": Path(interaction.source.path).stem,
        "source": os.path.basename(interaction.source.path),
        "part": interaction.source.part,
        "language": x.language,
        "kind": "captions"
        if interaction.source.format in CAPTION_FORMATS
        else GOLD_KIND[interaction.kind],
        "customer_org": {
            "name": customer_name,
            "industry_path": industry,
            "qualifications": _unique(back.quote(m.evidence) for m in x.qualifications),
        },
        "people": _people(x, back),
        "products": _unique(back.quote(m.evidence) for m in x.mentions if m.kind == "product"),
        "competitors": _unique(
            back.quote(m.evidence) for m in x.mentions if m.kind == "competitor"
        ),
        "stated_needs": [
            {
                "text": _label(ontology, s.about, lang) or back.quote(s.evidence),
                "evidence": back.quote(s.evidence),
            }
            for s in x.signals
            if s.kind == "need" and s.side != VENDOR
        ],
        "unstated_needs": [
            {
                "need": fact["label"] or local_name(fact["concept"]),
                "evidence": back.quotes(fact["evidence"]),
                "confidence": fact["confidence"],
                "iri": fact["iri"],
            }
            for fact in (context or {}).get("unstated_needs", [])
        ],
        "emotion_turning_points": [
            {
                "from": local_name(p.before),
                "to": local_name(p.after),
                "trigger_evidence": back.quote(p.trigger),
            }
            for p in x.turning_points
        ],
        "objections": [
            {
                "text": back.quote(s.evidence),
                "cause": local_name(s.concept or ""),
                "evidence": back.quote(s.evidence),
            }
            for s in x.signals
            if s.kind == "objection" and s.side != VENDOR
        ],
        "intents": [
            {
                "intent": local_name(fact["concept"]),
                "confidence": confidence_band(fact["confidence"]),
                "score": fact["confidence"],
                "evidence": back.quotes(fact["evidence"]),
                "iri": fact["iri"],
            }
            for fact in (context or {}).get("intents", [])
        ],
        "pii": [{"text": span.text, "type": span.type} for span in processed.redaction.spans],
    }


def _people(x: Extraction, back: _Back) -> list[dict[str, Any]]:
    out = []
    for person in x.people:
        texts = _unique(back.quote(e) for e in person.evidence)
        if not texts:
            texts = [label for label in person.speaker_labels]
        if not texts:
            continue
        roles = [local_name(r) for r in person.roles]
        out.append(
            {
                "mention": texts[0],
                "aliases": texts[1:],
                "role_in_decision_chain": "|".join(roles),
                "present": person.present,
                "side": person.side,
            }
        )
    return out


class _Back:
    """Maps spans of the de-identified text back to the decoded original."""

    def __init__(self, redaction: Redaction, original: Interaction) -> None:
        self.redaction = redaction
        self.text = original.text

    def span(self, start: int, end: int) -> str:
        a, b = self.redaction.to_original(start, end)
        return self.text[a:b]

    def quote(self, evidence: Evidence) -> str:
        return self.span(evidence.start, evidence.end)

    def quotes(self, items: list[dict[str, Any]]) -> list[str]:
        return _unique(
            self.span(item["start"], item["end"])
            for item in items
            if item.get("start") is not None and item.get("end") is not None
        )


def _unique(values) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


def _ref(iri: str):
    from rdflib import URIRef

    return URIRef(iri)


def _label(ontology: Ontology, iri: str | None, lang: str) -> str | None:
    return ontology.pref_label(_ref(iri), lang) if iri else None
