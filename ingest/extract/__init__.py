"""Extraction: one de-identified interaction in, an :class:`Extraction` out.

The stages, in order (each in its own module):

1. :mod:`.sides` — which speaker is the customer, which the vendor;
2. the spaCy pipeline (:mod:`semcrm.ingest.nlp.pipeline`) — ontology phrases per turn;
3. :mod:`.cues` — each cue in its clause, negated / hedged / sarcastic or not;
4. :mod:`.signals` — intents, stated needs, concerns, objections, emotions per turn;
5. :mod:`.orgs` — organisations, the customer and the vendor;
6. mentions — industry concepts, qualifications, products, competitors, titles
   (curated in the ontology), and :mod:`.products` — products and competitors
   the ontology does not know yet, by their shape and context;
7. :mod:`.people` — people, presence, decision-chain roles;
8. :mod:`.turning_points` — emotion turning points and their triggers.

Extraction never sees raw personal data: it runs on the PII stage's output,
and every offset it records is an offset of the de-identified text.
"""

from __future__ import annotations

import re
from collections import defaultdict

from semcrm.ingest.extract.attendees import attendee_sides
from semcrm.ingest.extract.cues import Cue, turn_cues
from semcrm.ingest.extract.industry import IndustryLinker
from semcrm.ingest.extract.layout import signature_start
from semcrm.ingest.extract.model import (
    CUSTOMER,
    VENDOR,
    Evidence,
    Extraction,
    Mention,
    OrgFact,
    PersonFact,
    Signal,
)
from semcrm.ingest.extract.orgs import find_organisations
from semcrm.ingest.extract.people import find_people, person_key
from semcrm.ingest.extract.products import ProductLexicon, find_products
from semcrm.ingest.extract.sides import assign_sides, self_introduced_organisation, turn_sides
from semcrm.ingest.extract.signals import turn_signals
from semcrm.ingest.extract.turning_points import turning_points
from semcrm.ingest.nlp.pipeline import Pipelines, detect_language
from semcrm.ingest.nlp.tokenizer import fold
from semcrm.ingest.pii import Redaction
from semcrm.ingest.pii.lexicon import TITLE
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import SEMCRM

#: Bumped whenever extraction output changes for the same input; stored with every fact.
EXTRACTOR_VERSION = "1.2.0"
MENTION_KINDS = ("industry", "qualification", "product", "competitor", "vendor", "title")
#: Kinds of interaction in which a customer with no organisation is a private consumer
#: (a service chat or call); an e-mail or document without one just has no known customer.
CONSUMER_KINDS = ("chat", "call")

__all__ = ["EXTRACTOR_VERSION", "Extraction", "Extractor"]


class Extractor:
    """Extracts facts from de-identified interactions, with one ontology's vocabulary."""

    def __init__(self, ontology: Ontology, pipelines: Pipelines | None = None) -> None:
        self.ontology = ontology
        self.pipelines = pipelines or Pipelines(ontology)
        self.industry = IndustryLinker(ontology)
        self._products = ProductLexicon.from_ontology(ontology)
        graph = ontology.graph
        self._depth: dict[str, int] = {}
        self._known_orgs: dict[str, tuple[str, str]] = {}
        for cls, role in ((SEMCRM.Vendor, VENDOR), (SEMCRM.Competitor, "competitor")):
            for org in ontology.instances(cls):
                for label in ontology.labels(org):
                    self._known_orgs[fold(str(label))] = (str(org), role)
        self._titles: dict[str, tuple[str, list[str]]] = {}
        for title in ontology.instances(SEMCRM.JobTitle):
            roles = sorted(str(r) for r in graph.objects(title, SEMCRM.suggestsRole))
            for label in ontology.labels(title):
                self._titles.setdefault(fold(str(label)), (str(title), roles))
        # a title's cue forms ("总" of 王总) name it too, after every label
        for title in ontology.instances(SEMCRM.JobTitle):
            roles = sorted(str(r) for r in graph.objects(title, SEMCRM.suggestsRole))
            for cue in graph.objects(title, SEMCRM.cue):
                self._titles.setdefault(fold(str(cue)), (str(title), roles))

    # -- the public entry point ---------------------------------------------------

    def extract(self, redaction: Redaction) -> Extraction:
        interaction = redaction.interaction
        language = interaction.language or detect_language(interaction.text)
        vendor_names = [name for name, (_, role) in self._known_orgs.items() if role == VENDOR]
        speaker_sides = assign_sides(interaction, vendor_names)
        sides = turn_sides(interaction, speaker_sides)

        signals: list[Signal] = []
        mentions: list[Mention] = []
        offers: set[int] = set()  # turns in which someone offers or concedes something
        role_cues: list[tuple[int, int, str, bool]] = []
        texts = [(turn.text, turn.index) for turn in interaction.turns]
        for doc, index in self.pipelines.pipe(_pipeline_lang(language), texts):
            turn = interaction.turns[index]
            cues = turn_cues(doc, turn.text)
            if interaction.kind == "email":
                cut = signature_start(turn.text)
                if cut is not None:
                    cues = [c for c in cues if c.start < cut or c.kind in MENTION_KINDS]
            person = person_key(turn.speaker)
            signals += turn_signals(turn, cues, sides[index], person)
            if any(c.kind == "lex" and c.name == "offer" for c in cues):
                offers.add(turn.index)
            role_cues += [
                (turn.start + c.start, turn.start + c.end, c.concept, c.negated)
                for c in cues
                if c.kind == "role"
            ]
            mentions += _mentions(turn.index, turn.start, turn.text, cues)

        organisations = find_organisations(interaction, speaker_sides, self._known_orgs)
        customer = next((o for o in organisations if o.role == CUSTOMER), None)
        vendor = next((o for o in organisations if o.role == VENDOR), None)
        if vendor is None:
            vendor = _vendor_from_speakers(interaction, speaker_sides, organisations)
        if vendor is None:
            introduced = self_introduced_organisation(interaction, speaker_sides)
            if introduced is not None:
                name, start = introduced
                turn = interaction.turn_at(start)
                evidence = Evidence(
                    turn.index if turn else -1, start, start + len(name), name, "sides", 0.7
                )
                vendor = OrgFact(name, VENDOR, [evidence])
                organisations.append(vendor)

        person_spans = [
            (start, end, span.refers_to or span.pseudonym, span.title)
            for start, end, span in redaction.redacted_spans()
            if span.type == "person_name"
        ]
        title_spans = [(m.evidence.start, m.evidence.end) for m in mentions if m.kind == "title"]
        people = find_people(
            interaction,
            speaker_sides,
            person_spans,
            signals,
            self._title_roles,
            title_spans,
            merged=_same_surname_aliases(redaction),
            role_cues=role_cues,
        )
        if vendor is None:
            _, listed_vendor = attendee_sides(
                interaction.text, [(s, e, k) for s, e, k, _ in person_spans]
            )
            if listed_vendor:
                vendor = next(
                    (o for o in organisations if o.name == listed_vendor), None
                ) or OrgFact(listed_vendor, VENDOR, [])
                vendor.role = VENDOR
                if customer is not None and customer.name == listed_vendor:
                    customer = None
        curated = [
            (m.evidence.start, m.evidence.end)
            for m in mentions
            if m.kind in ("product", "competitor", "vendor")
        ]
        parties = [o.name for o in (customer, vendor) if o is not None]
        mentions += find_products(
            interaction,
            curated,
            parties,
            self._products,
            [o.name for o in organisations],
            sides,
        )
        for competitor in (m for m in mentions if m.kind == "competitor"):
            organisations.append(
                OrgFact(competitor.text, "competitor", [competitor.evidence], competitor.concept)
            )

        extraction = Extraction(
            interaction=interaction,
            language=language,
            sides=sides,
            customer=customer,
            vendor=vendor,
            organisations=organisations,
            qualifications=[m for m in mentions if m.kind == "qualification"],
            people=people,
            mentions=mentions,
            signals=signals,
            extractor_version=EXTRACTOR_VERSION,
        )
        if customer is None and interaction.kind in CONSUMER_KINDS:
            extraction.consumer = _consumer(people)
        extraction.industry, extraction.industry_evidence = self.industry.choose(
            mentions, sides, customer
        )
        extraction.proposals = self.industry.proposals(
            interaction, mentions, sides, extraction.industry, [o.name for o in organisations]
        )
        extraction.turning_points = turning_points(interaction, sides, signals, offers)
        return extraction

    # -- helpers --------------------------------------------------------------------

    def _title_roles(self, title: str) -> tuple[list[str], list[str]]:
        """Job-title concepts and suggested roles for a title string (exact, then contained)."""
        key = fold(title.strip())
        if key in self._titles:
            iri, roles = self._titles[key]
            return [iri], roles
        found = [
            (label, value)
            for label, value in self._titles.items()
            if len(label) >= 2 and label in key
        ]
        if not found:
            return [], []
        _, (iri, roles) = max(found, key=lambda item: len(item[0]))
        return [iri], roles


def _same_surname_aliases(redaction: Redaction) -> dict[str, str]:
    """Pseudonym -> pseudonym for title and nickname forms of one surname (老钮, 钮老师, 钮经理)
    that the PII stage could not resolve to a full name: within one interaction they are one
    person, and that person is the one full name with the surname when there is exactly one
    (钮经理 -> 钮嘉澍). Reads the raw span texts, in memory only."""
    groups: dict[str, list[str]] = defaultdict(list)
    full_names: dict[str, set[str]] = defaultdict(set)
    for span in redaction.spans:
        if span.type != "person_name" or not span.pseudonym:
            continue
        raw = span.text
        if not raw or not ("\u4e00" <= raw[0] <= "\u9fff"):
            continue
        if span.refers_to:
            full_names[raw[0]].add(span.refers_to)
            continue
        if raw[0] in "老小" and len(raw) == 2:
            surname = raw[1]
        elif span.title or _TITLE_FORM.match(raw[1:]):
            surname = raw[0]  # "钮经理", and "钮总好" (a greeting the name detector took in)
        else:
            full_names[raw[0]].add(span.pseudonym)
            continue
        if span.pseudonym not in groups[surname]:
            groups[surname].append(span.pseudonym)
    merged: dict[str, str] = {}
    for surname, pseudonyms in groups.items():
        owners = full_names.get(surname, set())
        if len(owners) > 1 or (not owners and len(pseudonyms) < 2):
            continue
        target = next(iter(owners)) if owners else pseudonyms[0]
        for other in pseudonyms:
            if other != target:
                merged[other] = target
    return merged


_TITLE_FORM = re.compile(f"{TITLE}(?:好|您好)?$")


def _pipeline_lang(language: str) -> str:
    return "en" if language == "en" else "zh"


def _mentions(turn_index: int, offset: int, text: str, cues: list[Cue]) -> list[Mention]:
    """Mentions of ontology concepts in a turn: the longest match wins where spans overlap."""
    candidates = [c for c in cues if c.kind in MENTION_KINDS]
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []
    for cue in candidates:
        if any(cue.start < end and start < cue.end for start, end in taken):
            continue
        if not _word_bounded(text, cue.start, cue.end):
            continue
        taken.append((cue.start, cue.end))
        quote = text[cue.start : cue.end]
        out.append(
            Mention(
                cue.kind,
                cue.concept,
                quote,
                Evidence(turn_index, offset + cue.start, offset + cue.end, quote, "linker", 0.9),
            )
        )
    out.sort(key=lambda m: m.evidence.start)
    return out


def _word_bounded(text: str, start: int, end: int) -> bool:
    """Latin matches must not be inside a longer word ("CTO" in "CTOs" is fine, in "Hector" not)."""
    first, last = text[start], text[end - 1]
    if (
        first.isascii()
        and first.isalnum()
        and start > 0
        and text[start - 1].isascii()
        and text[start - 1].isalnum()
    ):
        return False
    return not (
        last.isascii()
        and last.isalnum()
        and end < len(text)
        and re.match(r"[A-Za-z0-9]", text[end])
        and not (text[end] == "s" and (end + 1 == len(text) or not text[end + 1].isalnum()))
    )


def _vendor_from_speakers(interaction, speaker_sides, organisations) -> OrgFact | None:
    for turn in interaction.turns:
        if turn.speaker_org and speaker_sides.get((turn.speaker or "").strip()) == VENDOR:
            for org in organisations:
                if org.name == turn.speaker_org.strip():
                    org.role = VENDOR
                    return org
    return None


def _consumer(people: list[PersonFact]) -> PersonFact | None:
    customers = [p for p in people if p.side == CUSTOMER and p.present]
    return customers[0] if customers else None
