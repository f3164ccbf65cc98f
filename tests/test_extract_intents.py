"""Intent signals from the classifier beside the ontology's cue phrases.

The rules (see :mod:`semcrm.ingest.extract.signals`): each sentence the
customer (or an unknown side) says is classified; a confident intent there
is a signal with the sentence as evidence and the probability as
confidence; agreeing with a cue phrase it raises the cue's confidence and
keeps the cue's clause as evidence; the vendor's sentences and "no known
intent" give nothing; a denied intent stays denied.

The policy tests use a fake classifier (a plain class answering by keyword)
so they do not depend on what the curated model happens to learn; the last
tests train the real product model from the shipped ontology.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from semcrm.ingest.classify.corpora import Split
from semcrm.ingest.classify.curated import (
    NO_KNOWN_INTENT,
    THRESHOLD,
    curated_classifier,
    curated_examples,
    train_curated,
)
from semcrm.ingest.classify.errors import TrainingDataError
from semcrm.ingest.classify.prediction import IntentClassifier, Prediction
from semcrm.ingest.extract import Extractor
from semcrm.ingest.extract.signals import MODEL_MIN_PROBABILITY
from semcrm.ingest.nlp.pipeline import Pipelines
from semcrm.ingest.pipeline import Processor
from semcrm.ingest.readers import read_path
from semcrm.ontology.loader import local_name
from semcrm.ontology.namespaces import INTENT, SEMCRM

CALL = """\
[00:00:01] 宋嘉禾：邵总您好，我是云衡软件的宋嘉禾，想跟您约个时间介绍一下我们的仓储系统。
[00:00:08] 邵远舟：你好。我们仓库那批老货架用了八年，想整体换成新的。
[00:00:15] 宋嘉禾：旧货架我们可以折价回收，也可以加购巡检模块。
[00:00:24] 邵远舟：这个价格能不能便宜点？
[00:00:30] 邵远舟：另外明年我们不打算续约了。
[00:00:36] 邵远舟：好的，谢谢你们今天的介绍。还有一件小事，顺便问问。
"""


class KeywordClassifier:
    """A fake: a sentence holding a key gets that key's (intent, probability); others are
    "no known intent"."""

    reject_label = NO_KNOWN_INTENT
    threshold = 0.0

    def __init__(self, answers: dict[str, tuple[str, float]]) -> None:
        self.answers = answers
        self.seen: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> KeywordClassifier:
        return self

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        self.seen += texts
        out = []
        for text in texts:
            name, p = next(
                (a for key, a in self.answers.items() if key in text), ("no_known_intent", 0.9)
            )
            label = str(INTENT[name])
            out.append(Prediction(label, p, ((label, p),), self.reject_label))
        return out

    def save(self, path: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, path: Path) -> KeywordClassifier:
        raise NotImplementedError


ANSWERS = {
    "换成新的": ("trade_in_upgrade", 0.8),
    "巡检模块": ("expansion_cross_sell", 0.95),  # said by the vendor
    "便宜点": ("price_negotiation", 0.6),
    "续约": ("renewal", 0.9),  # the customer denies it
    "顺便问问": ("request_information", MODEL_MIN_PROBABILITY / 2),
}


@pytest.fixture(scope="module")
def fake() -> KeywordClassifier:
    return KeywordClassifier(ANSWERS)


@pytest.fixture(scope="module")
def extraction(ontology, fake, tmp_path_factory):
    extractor = Extractor(ontology, Pipelines(ontology, intents=fake))
    path = tmp_path_factory.mktemp("intents") / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    processor = Processor(ontology, b"t" * 32, extractor)
    return processor.process(read_path(path)[0]).extraction


def intents(extraction, name: str):
    return [s for s in extraction.signals if s.kind == "intent" and local_name(s.concept) == name]


def test_the_fake_is_an_intent_classifier(fake):
    assert isinstance(fake, IntentClassifier)


def test_a_confident_sentence_without_a_cue_phrase_is_an_intent_signal(extraction):
    [signal] = [s for s in intents(extraction, "trade_in_upgrade") if s.side == "customer"]
    assert signal.side == "customer"
    assert signal.confidence == 0.8  # the classifier's probability, said by the customer
    assert signal.evidence.quote == "我们仓库那批老货架用了八年，想整体换成新的。"
    assert signal.cues == ()  # no phrase matched
    text = extraction.interaction.text
    assert text[signal.evidence.start : signal.evidence.end] == signal.evidence.quote


def test_the_vendors_sentences_give_no_classifier_signal(extraction):
    vendor = [s for s in extraction.signals if s.kind == "intent" and s.side == "vendor"]
    # only the vendor's cue phrases count, as before, at the vendor's confidence
    assert vendor and all(s.cues and s.confidence == 0.3 for s in vendor)
    assert all(s.side == "vendor" for s in intents(extraction, "expansion_cross_sell"))


def test_a_cue_phrase_and_the_classifier_agreeing_combine_by_noisy_or(extraction):
    [signal] = intents(extraction, "price_negotiation")
    assert signal.confidence == pytest.approx(1 - (1 - 0.75) * (1 - 0.6))
    assert signal.evidence.quote == "这个价格能不能便宜点"  # the cue's clause, as before
    assert signal.cues == ("能不能便宜",)


def test_a_denied_intent_stays_denied_whatever_the_classifier_says(extraction):
    [renewal] = intents(extraction, "renewal")
    assert renewal.negated
    assert renewal.confidence == 0.75  # the phrase cue's alone
    assert intents(extraction, "churn_risk")  # "不打算续" is the churn cue


def test_an_unsure_sentence_and_no_known_intent_give_nothing(extraction, fake):
    assert intents(extraction, "request_information") == []
    assert any("谢谢" in s for s in fake.seen)  # classified, and answered "no known intent"
    assert all(s.concept != NO_KNOWN_INTENT for s in extraction.signals)


def test_pipelines_without_intents_classify_nothing(ontology):
    pipelines = Pipelines(ontology, with_intents=False)
    [(doc, _)] = pipelines.pipe("zh", [("想整体换成新的。", 0)])
    assert doc._.intents == []
    assert "semcrm_intents" in pipelines.zh.pipe_names


# -- the product model, trained from the ontology's curated examples --------------------


def test_every_intent_concept_has_curated_examples_in_both_languages(ontology):
    examples = curated_examples(ontology)
    concepts = {str(c) for c in ontology.instances(SEMCRM.Intent)}
    assert set(examples.labels) == concepts and NO_KNOWN_INTENT in concepts
    for concept in concepts:
        texts = [
            t for t, label in zip(examples.texts, examples.labels, strict=True) if label == concept
        ]
        assert len(texts) >= 40, concept
        assert any("\u4e00" <= c <= "\u9fff" for t in texts for c in t), concept
        assert any(t.isascii() for t in texts), concept


def test_the_product_model_is_deterministic_and_rejects_small_talk(ontology):
    a = train_curated(ontology)
    b = train_curated(ontology)
    probe = [
        "合同下个月到期，我们想续一年",
        "Could you knock ten percent off the price?",
        "好的，谢谢",
    ]
    assert np.array_equal(a.probabilities(probe), b.probabilities(probe))
    assert a.reject_label == NO_KNOWN_INTENT and 0 < a.threshold < 1
    renewal, price, thanks = a.predict(probe)
    assert local_name(renewal.label) == "renewal"
    assert local_name(price.label) == "price_negotiation"
    assert thanks.rejected


def test_the_product_model_is_cached_per_ontology_digest(ontology, tmp_path):
    model = curated_classifier(ontology, cache_dir=tmp_path)
    assert curated_classifier(ontology) is model  # trained once per process
    folder = tmp_path / f"intents-{ontology.digest[:16]}"
    assert (folder / "model.json").is_file()
    assert Pipelines(ontology).intents is model


def test_the_shipped_threshold_is_the_one_measured_on_held_out_examples(ontology):
    tuned = train_curated(ontology, tune_threshold=True)
    assert tuned.threshold == pytest.approx(THRESHOLD, abs=0.01)


def test_extra_training_texts_must_name_intents_of_the_ontology(ontology):
    with pytest.raises(TrainingDataError, match="not intent concepts of the ontology"):
        train_curated(ontology, extra=Split(["hello"], ["greeting"]))
