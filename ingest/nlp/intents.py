"""The ``semcrm_intents`` pipeline component: each sentence's utterance intent.

It runs after the ``sentencizer`` and asks an intent classifier
(:class:`~semcrm.ingest.classify.prediction.IntentClassifier`, by default the
model trained from the ontology's curated examples) about every sentence of
the Doc. The answers go to ``doc._.intents``, one :class:`SentenceIntent`
per sentence that the classifier did not reject as "no known intent";
:mod:`semcrm.ingest.extract.cues` turns them into cues beside the phrase
cues, and :mod:`semcrm.ingest.extract.signals` decides what they mean.

Requires ``doc.sents``; assigns ``doc._.intents``. Without a classifier
(``classifier is None``) it assigns an empty list, so a pipeline can be built
and tested without training anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from semcrm.ingest.classify.prediction import IntentClassifier, Prediction

COMPONENT = "semcrm_intents"
#: Sentences shorter than this (in characters, after trimming) are not classified.
MIN_CHARS = 2
#: Sentences with less content than this are not classified either: a Chinese character
#: counts one, a Latin word two. Fragments ("快充？", "在吗？？", "Two months.") carry no
#: intent of their own, and a classifier forced to name one for them guesses.
MIN_CONTENT = 5

if not Doc.has_extension("intents"):
    Doc.set_extension("intents", default=None)


@dataclass(frozen=True)
class SentenceIntent:
    """One sentence ``[start, end)`` (character offsets of the Doc) and its prediction."""

    start: int
    end: int
    prediction: Prediction


class IntentTagger:
    """Classifies each sentence of a Doc; see the module docstring."""

    def __init__(self, classifier: IntentClassifier | None = None) -> None:
        self.classifier = classifier

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._tag(batch)
                batch = []
        yield from self._tag(batch)

    def _tag(self, docs: list[Doc]) -> list[Doc]:
        # Doc.text joins every token on each access, so read it once per doc
        whole = [doc.text for doc in docs]
        spans = [_sentences(doc, text) for doc, text in zip(docs, whole, strict=True)]
        texts = [text[a:b] for text, found in zip(whole, spans, strict=True) for a, b in found]
        predictions = self.classifier.predict(texts) if self.classifier and texts else []
        answers = iter(predictions)
        for doc, found in zip(docs, spans, strict=True):
            tagged = []
            for start, end in found:
                prediction = next(answers, None)
                if prediction is not None and not prediction.rejected:
                    tagged.append(SentenceIntent(start, end, prediction))
            doc._.intents = tagged
        return docs


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def content(sentence: str) -> int:
    """Chinese characters plus two per Latin word: how much a sentence says."""
    return sum(1 for c in sentence if "\u4e00" <= c <= "\u9fff") + 2 * len(
        _LATIN_WORD.findall(sentence)
    )


def _sentences(doc: Doc, text: str) -> list[tuple[int, int]]:
    """The character spans of ``doc``'s sentences without surrounding white space
    (``text`` is ``doc.text``)."""
    out = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= MIN_CHARS and content(text[start:end]) >= MIN_CONTENT:
            out.append((start, end))
    return out


@Language.factory(COMPONENT, requires=["doc.sents"], assigns=["doc._.intents"])
def make_intent_tagger(nlp: Language, name: str) -> IntentTagger:
    """An untrained tagger; set ``.classifier`` on it (see :class:`~semcrm.ingest.nlp.pipeline.Pipelines`)."""
    return IntentTagger()
