"""The customer's industry: the finest concept the text supports, and proposals for finer ones.

Evidence for an industry concept, with its weight:

* the customer's own name (锐拓精密**模具**有限公司, Halberd **Cold Chain** Ltd): a
  label of the concept inside the name, or one of its ``semcrm:nameHead``
  endings (农商行, 审批服务局, Credit Union, Pharmacy) — the strongest, since a
  name says what the organisation does;
* mentions of the concept's labels in the text, counted by the side that says
  them: the customer describing itself weighs most, the vendor (who talks
  about its own products and other customers) least.

A mention of a concept supports it and all its ancestors (skos:broader),
weighted by depth, so a niche term said once outweighs a broad term said
often, and the chosen concept is the finest one of the best-supported path
(coarse to fine).

**Proposals.** Where the text names a more specific kind of the chosen
concept than the ontology has — a modifier before one of its labels, such
as 汽车内饰件 + 注塑模具 or "pharmaceutical" + "cold chain" — a
:class:`ConceptProposal` records the phrase, the concept it would sit under
and the span. Proposals are data for the taxonomy's curators (``semcrm
ontology proposals``); the ontology is never changed by extraction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from semcrm.ingest.extract.model import CUSTOMER, VENDOR, Evidence, Mention, OrgFact
from semcrm.ingest.model import Interaction
from semcrm.ingest.nlp.tokenizer import fold
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import SEMCRM

EXTRACTOR = "industry"
#: How much a mention counts, by the side of the turn it is in.
SIDE_WEIGHT = {CUSTOMER: 1.0, VENDOR: 0.4}
OTHER_SIDE_WEIGHT = 0.7
#: A concept named in the customer's name counts as this many mentions.
NAME_WEIGHT = 3.0

# Modifiers read leftwards from a label: CJK characters up to one of these.
_ZH_STOP = set(
    "的是在和与跟给从到了我你他她它们这那个些也都还就又很不没有要会能说请对把被将为于及、做搞跟"
)
_EN_STOP = {
    "a", "an", "the", "our", "your", "their", "its", "my", "his", "her", "this", "that",
    "these", "those", "of", "for", "to", "in", "on", "at", "by", "with", "and", "or", "as",
    "is", "are", "was", "were", "be", "we", "you", "they", "i", "it", "not", "no", "all",
    "any", "some", "more", "most", "other", "such", "new", "big", "small", "large", "local",
    "main", "many", "few", "one", "two", "three", "very", "also", "just", "from", "about",
    "both", "each", "every", "either", "than", "into", "over", "under", "support", "have",
    "has", "had", "will", "would", "could", "should", "what", "which", "where", "when",
    "senior", "junior", "major", "minor", "current", "former", "existing", "overall", "total",
    "entire", "whole", "full", "high", "low", "good", "great", "best", "better", "top", "key",
    "same", "own", "only", "real", "whose", "like",
}  # fmt: skip


@dataclass(frozen=True)
class ConceptProposal:
    """A finer concept the text supports and the ontology lacks (a proposal, not an edit)."""

    label: str  # the phrase, as the text writes it
    lang: str  # "zh" or "en"
    broader: str  # IRI of the concept it would sit under
    evidence: Evidence


class IndustryLinker:
    """Chooses an interaction's industry concept from its mentions and the customer's name."""

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology
        self._chains: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}  # folded label -> concept
        self.name_cues: list[tuple[str, str]] = []  # (folded cue, concept), longest first
        for concept in ontology.instances(SEMCRM.IndustryConcept):
            for label in ontology.labels(concept):
                self.labels.setdefault(fold(str(label)), str(concept))
            heads = ontology.graph.objects(concept, SEMCRM.nameHead)
            for cue in [*ontology.labels(concept), *heads]:
                folded = fold(str(cue))
                if len(folded) >= (2 if _cjk(folded) else 4):
                    self.name_cues.append((folded, str(concept)))
        self.name_cues.sort(key=lambda item: -len(item[0]))

    def chain(self, concept: str) -> list[str]:
        if concept not in self._chains:
            self._chains[concept] = [str(c) for c in self.ontology.broader_chain(URIRef(concept))]
        return self._chains[concept]

    def choose(
        self, mentions: list[Mention], sides: dict[int, str], customer: OrgFact | None
    ) -> tuple[str | None, list[Evidence]]:
        """The finest supported concept and up to five pieces of evidence for its path."""
        weight: dict[str, float] = defaultdict(float)
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for mention in mentions:
            if mention.kind == "industry" and mention.concept:
                side = sides.get(mention.evidence.turn)
                weight[mention.concept] += SIDE_WEIGHT.get(side, OTHER_SIDE_WEIGHT)
                evidence[mention.concept].append(mention.evidence)
        if customer is not None:
            for concept, _cue in self.in_name(customer.name):
                weight[concept] += NAME_WEIGHT
                span = next((e for e in customer.evidence if e.quote == customer.name), None)
                if span is not None:
                    evidence[concept].insert(0, span)
        if not weight:
            return None, []

        def support(concept: str) -> tuple[float, int, str]:
            chain = self.chain(concept)
            total = sum(weight.get(a, 0.0) * (depth + 1) for depth, a in enumerate(chain))
            return (total, len(chain), concept)

        best = max(weight, key=support)
        found = [e for a in self.chain(best) for e in evidence.get(a, [])]
        return best, _unique(found)[:5]

    def in_name(self, name: str) -> list[tuple[str, str]]:
        """(concept, cue) for each industry cue inside an organisation's name, longest first,
        not overlapping (Cold Chain in Halberd Cold Chain Ltd, 燃气 in X燃气集团有限公司)."""
        folded = fold(name)
        taken: list[tuple[int, int]] = []
        out: list[tuple[str, str]] = []
        for cue, concept in self.name_cues:
            start = folded.find(cue)
            while start >= 0:
                end = start + len(cue)
                at, start = start, folded.find(cue, start + 1)
                if not _cjk(cue) and not _word_at(folded, at, end):
                    continue
                if any(at < e and s < end for s, e in taken):
                    continue
                taken.append((at, end))
                out.append((concept, cue))
        return out

    def proposals(
        self,
        interaction: Interaction,
        mentions: list[Mention],
        sides: dict[int, str],
        concept: str | None,
        names: list[str] = (),
    ) -> list[ConceptProposal]:
        """Modifier + label phrases for concepts on the chosen concept's path that no concept
        has as a label, not said by the vendor, one proposal per phrase.

        ``names`` are the organisations of the interaction: a trade name before a label
        (临川|农商行) is a name, not a kind of business.
        """
        if concept is None:
            return []
        path = set(self.chain(concept))
        text = interaction.text
        named = [(m.start(), m.end()) for n in names if n for m in re.finditer(re.escape(n), text)]
        out: dict[str, ConceptProposal] = {}
        for mention in mentions:
            if mention.kind != "industry" or mention.concept not in path:
                continue
            if len(self.chain(mention.concept)) < 2:
                continue  # a section's broad word ("energy"): any modifier is noise
            if sides.get(mention.evidence.turn) == VENDOR:
                continue
            start, end = mention.evidence.start, mention.evidence.end
            phrase_start = _modifier_start(text, start)
            if phrase_start is None or any(phrase_start < e and s < end for s, e in named):
                continue
            if any(text[phrase_start:start] in name for name in names if name):
                continue  # a trade name (老灶|中央厨房), not a kind of business
            phrase = text[phrase_start:end]
            if fold(phrase) in self.labels or fold(phrase) in out:
                continue
            turn = interaction.turn_at(phrase_start)
            span = Evidence(turn.index if turn else -1, phrase_start, end, phrase, EXTRACTOR, 0.6)
            lang = "zh" if _cjk(phrase) else "en"
            out[fold(phrase)] = ConceptProposal(phrase, lang, mention.concept, span)
        return list(out.values())


def _modifier_start(text: str, start: int) -> int | None:
    """Where a modifier before the label at ``start`` begins, or None when there is none.

    Chinese: the nouns and noun-like words (jieba's part of speech n, nz, vn, b ...)
    right before the label, two to six characters (汽车内饰件|注塑模具; not 四十二台|注塑机).
    English: one lower-case content word on the same line ("pharmaceutical|cold chain").
    """
    if start > 0 and _cjk(text[start]):
        window = text[max(0, start - 10) : start]
        words = [(w.word, w.flag) for w in _posseg().cut(window)]
        length = 0
        for word, flag in reversed(words):
            if flag not in _NOUNY or not _cjk(word) or set(word) & _ZH_STOP:
                break
            if length + len(word) > 6:
                break
            length += len(word)
        return start - length if length >= 2 else None
    match = re.search(r"(?<![\w-])([a-z][a-z-]{3,}) $", text[max(0, start - 40) : start])
    word = match.group(1) if match else ""
    if not word or word in _EN_STOP or _EN_NUMBER.match(word) or _EN_NOT_MODIFIER.search(word):
        return None
    return start - len(match.group(1)) - 1


#: Word endings of adverbs, verb forms, plurals and superlatives, rarely noun modifiers.
_EN_NOT_MODIFIER = re.compile(r"(?:ly|ed|ing|est|[^s]s)$")
_EN_NUMBER = re.compile(
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|\w+ty|"
    r"hundred|thousand|million|dozen|several|first|second|third)(?:-\w+)?$"
)

#: jieba parts of speech that make a noun modifier: nouns, proper nouns, verbal nouns,
#: distinguishing words (区别词 such as 高端, 民营), abbreviations, place words (院边, 县域).
_NOUNY = {"n", "nz", "ng", "nl", "vn", "b", "an", "j", "s"}


def _posseg():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _word_at(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and (not after.isalnum() or after == "s")


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, int]] = set()
    out = []
    for e in evidence:
        if (e.start, e.end) not in seen:
            seen.add((e.start, e.end))
            out.append(e)
    return out
