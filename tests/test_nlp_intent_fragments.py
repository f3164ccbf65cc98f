"""Sentence fragments are not classified (issue 4): "快充？", "在吗？？", "Two months." carry no
intent of their own, and a classifier made to name one for them guesses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import spacy

from semcrm.ingest.classify.prediction import Prediction
from semcrm.ingest.nlp.intents import MIN_CONTENT, IntentTagger, content
from semcrm.ingest.nlp.pipeline import PUNCT_CHARS


class Recorder:
    """An intent classifier that answers "renewal" for everything and keeps what it was asked."""

    reject_label = "none"
    threshold = 0.0

    def __init__(self) -> None:
        self.asked: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Recorder:
        return self

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        self.asked += list(texts)
        return [Prediction("renewal", 0.9, (("renewal", 0.9),), "none") for _ in texts]

    def save(self, path: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, path: Path) -> Recorder:
        raise NotImplementedError


def tag(lang: str, text: str) -> list[str]:
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer", config={"punct_chars": PUNCT_CHARS})
    recorder = Recorder()
    doc = IntentTagger(recorder)(nlp(text))
    assert [text[s.start : s.end] for s in doc._.intents] == recorder.asked
    return recorder.asked


def test_content_counts_chinese_characters_and_latin_words():
    assert content("快充？") == 2
    assert content("Two months.") == 4
    assert content("合同下个月到期，我们想续签。") == 12
    assert MIN_CONTENT == 5


def test_fragments_are_not_classified_sentences_are():
    asked = tag("zh", "快充？合同下个月到期，我们想续签。在吗？？")
    assert asked == ["合同下个月到期，我们想续签。"]
    asked = tag("en", "Two months. Our contract is up for renewal in March.")
    assert asked == ["Our contract is up for renewal in March."]
