"""The spaCy pipelines: one for Chinese (and mixed Chinese-English), one for English.

Both are blank pipelines (they work offline, no model download):

* ``zh``: spaCy's Chinese language with :class:`MixedScriptTokenizer`, so
  Chinese characters, Latin words and pseudonym placeholders tokenise the
  same way in an ontology label and in running text;
* ``en``: spaCy's English tokenizer (contractions split: "don't" -> do, n't).

Each has a ``sentencizer`` that also knows Chinese sentence punctuation, a
``span_ruler`` whose patterns are the ontology's phrases
(:func:`semcrm.ingest.nlp.lexicon.ontology_phrases`): every match is a span in
``doc.spans["semcrm"]`` labelled with its kind and carrying the concept IRI
as ``span.id_``, and ``semcrm_intents`` (:mod:`semcrm.ingest.nlp.intents`):
each sentence's utterance intent from the classifier trained on the
ontology's curated examples, in ``doc._.intents``. Texts are folded (width
and case) before they are processed, and so are the patterns; offsets are
those of the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from semcrm.ingest.classify.prediction import IntentClassifier
from semcrm.ingest.nlp.intents import COMPONENT as INTENTS_COMPONENT
from semcrm.ingest.nlp.lexicon import GAP, Phrase, ontology_phrases
from semcrm.ingest.nlp.tokenizer import MixedScriptTokenizer, fold, is_cjk
from semcrm.ontology.loader import Ontology

SPANS_KEY = "semcrm"
PUNCT_CHARS = [".", "!", "?", "。", "！", "？", "；", ";", "…", "\n"]
#: The most tokens a "…" gap in a cue may cover.
GAP_TOKENS = 12


@dataclass(frozen=True)
class PipelineInfo:
    lang: str
    patterns: int
    components: list[str]


_RUN = re.compile(r"[^\w\s]{16,}")


def defuse(text: str) -> str:
    """Blank out long runs of punctuation, keeping the length (and so the offsets).

    spaCy's English tokenizer splits prefixes and suffixes one character at a time, which
    is quadratic on "))))…" — a 16 KB line took a minute. A run of sixteen or more of the
    symbols carries no meaning for extraction.
    """
    return _RUN.sub(lambda m: " " * len(m.group()), text) if len(text) > 15 else text


def detect_language(text: str) -> str:
    """``"zh"``, ``"en"`` or ``"mixed"`` from the share of CJK characters and Latin words."""
    cjk = sum(1 for c in text if is_cjk(c))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    if cjk == 0:
        return "en"
    # a Latin word counts like two characters of running Chinese
    latin_share = (2 * latin_words) / (2 * latin_words + cjk)
    if latin_share > 0.9:
        return "en"
    return "mixed" if latin_share > 0.2 else "zh"


class Pipelines:
    """The two pipelines, built once from an ontology.

    Args:
        ontology (Ontology): where the phrases and the curated intent examples come from.
        intents (IntentClassifier | None): the utterance intent classifier; by default
            the one trained from the ontology's examples
            (:func:`~semcrm.ingest.classify.curated.curated_classifier`).
        with_intents (bool): False leaves the sentences unclassified (nothing is trained).
    """

    def __init__(
        self,
        ontology: Ontology,
        intents: IntentClassifier | None = None,
        *,
        with_intents: bool = True,
    ) -> None:
        phrases = ontology_phrases(ontology)
        self.phrases = phrases
        if with_intents and intents is None:
            from semcrm.ingest.classify.curated import curated_classifier

            intents = curated_classifier(ontology)
        self.intents = intents if with_intents else None
        self.zh = _build("zh", phrases)
        self.en = _build("en", phrases)
        for nlp in (self.zh, self.en):
            nlp.get_pipe(INTENTS_COMPONENT).classifier = self.intents

    def for_language(self, lang: str) -> Language:
        """The pipeline for an interaction's language (mixed text goes to ``zh``)."""
        return self.en if lang == "en" else self.zh

    def pipe(
        self, lang: str, texts: Iterable[tuple[str, Any]], batch_size: int = 64
    ) -> Iterator[tuple[Doc, Any]]:
        """Process (text, context) pairs; the Docs are over folded text."""
        nlp = self.for_language(lang)
        folded = ((defuse(fold(text)), context) for text, context in texts)
        yield from nlp.pipe(folded, as_tuples=True, batch_size=batch_size)

    def info(self) -> list[PipelineInfo]:
        out = []
        for nlp in (self.zh, self.en):
            ruler = nlp.get_pipe("span_ruler")
            out.append(PipelineInfo(nlp.lang, len(ruler.patterns), list(nlp.pipe_names)))
        return out


def _build(lang: str, phrases: list[Phrase]) -> Language:
    nlp = spacy.blank(lang)
    if lang == "zh":
        nlp.tokenizer = MixedScriptTokenizer(nlp.vocab)
    nlp.add_pipe("sentencizer", config={"punct_chars": PUNCT_CHARS})
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "ORTH", "validate": False},
    )
    patterns: list[dict[str, Any]] = []
    for phrase in phrases:
        if phrase.lang and _lang_family(phrase.lang) != lang and not _usable_across(phrase.text):
            continue
        pattern = _pattern(nlp, phrase.text)
        if pattern is None:
            continue
        patterns.append({"label": phrase.kind, "pattern": pattern, "id": phrase.concept})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.add_pipe(INTENTS_COMPONENT)
    return nlp


def _lang_family(tag: str) -> str:
    return "zh" if tag.lower().startswith("zh") else "en"


def _usable_across(text: str) -> bool:
    """Latin phrases (EdgeBox, ISO 9001, CTO) occur in Chinese text too, and vice versa
    Chinese phrases never occur in an English pipeline's text, so only Latin ones cross."""
    return not any(is_cjk(c) for c in text)


def _pattern(nlp: Language, text: str) -> str | list[dict[str, Any]] | None:
    folded = fold(text.strip())
    if not folded:
        return None
    if GAP not in folded:
        return folded
    token_pattern: list[dict[str, Any]] = []
    parts = [p.strip() for p in folded.split(GAP)]
    if not all(parts):
        return None  # a cue that starts or ends with a gap would match almost anything
    for index, part in enumerate(parts):
        if index:
            token_pattern.append(
                {"IS_PUNCT": False, "IS_SPACE": False, "OP": f"{{0,{GAP_TOKENS}}}"}
            )
        token_pattern += [
            {"ORTH": token.text} for token in nlp.make_doc(part) if not token.is_space
        ]
    return token_pattern
