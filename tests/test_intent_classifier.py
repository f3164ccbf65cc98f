"""The utterance intent classifier (semcrm.ingest.classify), specified on tiny hand-written data.

A classifier learns intents from labelled texts, answers every text with its
best labels and their probabilities, says "no known intent" explicitly (a
trained reject class, or a best label below the threshold), and saves itself
as data that a damaged or missing file cannot silently replace.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from semcrm.ingest.classify.errors import ModelFileError, NotFitted, TrainingDataError
from semcrm.ingest.classify.linear import MODEL_FILE, WEIGHTS_FILE, LinearIntentClassifier
from semcrm.ingest.classify.prediction import IntentClassifier, Prediction
from semcrm.ingest.classify.tuning import choose_threshold, score

REJECT = "none"
TRAIN = [
    ("what does the premium plan cost", "price"),
    ("how much is the annual licence", "price"),
    ("can you give us a discount", "price"),
    ("the price is too high for us", "price"),
    ("报价能不能再低一点", "price"),
    ("价格太贵了，能打个折吗", "price"),
    ("our contract expires next month, we want to renew", "renewal"),
    ("please send the renewal quote", "renewal"),
    ("we would like to extend the subscription another year", "renewal"),
    ("renew the support contract for us", "renewal"),
    ("合同快到期了，我们想续约", "renewal"),
    ("续费一年怎么办理", "renewal"),
    ("hello, can you hear me", REJECT),
    ("thanks, talk soon", REJECT),
    ("good morning everyone", REJECT),
    ("okay, got it", REJECT),
    ("你好，听得到吗", REJECT),
    ("好的，谢谢", REJECT),
]
TEXTS = [t for t, _ in TRAIN]
LABELS = [label for _, label in TRAIN]


@pytest.fixture(scope="module")
def model() -> LinearIntentClassifier:
    return LinearIntentClassifier(reject_label=REJECT).fit(TEXTS, LABELS)


def test_it_learns_intents_from_a_small_labelled_set(model):
    decisions = [p.label for p in model.predict(["how much does the licence cost", "我们想续约"])]
    assert decisions == ["price", "renewal"]


def test_a_prediction_keeps_the_best_labels_with_probabilities_that_sum_to_at_most_one(model):
    [prediction] = model.predict(["can we get a discount on the price"])
    assert prediction.top[0][0] == prediction.label == "price"
    probabilities = [p for _, p in prediction.top]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < sum(probabilities) <= 1 + 1e-6
    assert len(prediction.top) == 3
    assert prediction.probability_of("renewal") == dict(prediction.top)["renewal"]
    assert prediction.probability_of("not a label") == 0.0


def test_it_is_an_intent_classifier(model):
    assert isinstance(model, IntentClassifier)


def test_the_trained_reject_class_is_the_explicit_no_known_intent_outcome(model):
    [prediction] = model.predict(["good morning, thanks"])
    assert prediction.label == REJECT
    assert prediction.rejected


def test_a_best_label_below_the_threshold_is_rejected_but_still_reported():
    unsure = LinearIntentClassifier(reject_label=REJECT, threshold=0.99).fit(TEXTS, LABELS)
    [prediction] = unsure.predict(["how much is the annual licence"])
    assert prediction.rejected and prediction.label == REJECT
    assert prediction.top[0][0] == "price"  # what it would have said
    assert prediction.probability < 0.99


def test_without_a_reject_label_it_always_answers_its_best_label():
    plain = LinearIntentClassifier(threshold=0.99).fit(TEXTS, LABELS)
    [prediction] = plain.predict(["completely unrelated words"])
    assert not prediction.rejected
    assert prediction.label == prediction.top[0][0]


def test_two_classes_give_two_probabilities():
    pair = LinearIntentClassifier().fit(TEXTS[:12], LABELS[:12])
    [prediction] = pair.predict(["续约"])
    assert {label for label, _ in prediction.top} == {"price", "renewal"}
    assert sum(p for _, p in prediction.top) == pytest.approx(1.0, abs=1e-5)


def test_training_is_deterministic():
    a = LinearIntentClassifier(reject_label=REJECT).fit(TEXTS, LABELS)
    b = LinearIntentClassifier(reject_label=REJECT).fit(TEXTS, LABELS)
    probe = ["price for two hundred seats", "续约"]
    assert np.array_equal(a.probabilities(probe), b.probabilities(probe))


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (["a", "b"], ["x"], "2 texts but 1 labels"),
        (["a", "  "], ["x", "y"], "text 1 is empty"),
        (["a", "b"], ["x", "x"], "fewer than two labels"),
    ],
)
def test_unusable_training_data_says_what_to_fix(texts, labels, message):
    with pytest.raises(TrainingDataError, match=message):
        LinearIntentClassifier().fit(texts, labels)


def test_predicting_or_saving_before_fitting_is_an_error(tmp_path):
    with pytest.raises(NotFitted, match="call fit"):
        LinearIntentClassifier().predict(["hello"])
    with pytest.raises(NotFitted):
        LinearIntentClassifier().save(tmp_path)


# -- persistence ------------------------------------------------------------------------


def test_a_saved_model_predicts_exactly_as_the_trained_one(model, tmp_path):
    model.save(tmp_path / "m")
    loaded = LinearIntentClassifier.load(tmp_path / "m")
    probe = ["how much is it", "续费一年", "thanks, bye", "a text with no known word"]
    assert loaded.classes == model.classes
    assert (loaded.reject_label, loaded.threshold) == (REJECT, model.threshold)
    assert np.allclose(loaded.probabilities(probe), model.probabilities(probe))
    assert loaded.predict(probe) == model.predict(probe)


def test_a_saved_model_is_data_not_code(model, tmp_path):
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MODEL_FILE, WEIGHTS_FILE]
    meta = json.loads((tmp_path / MODEL_FILE).read_text(encoding="utf-8"))
    assert meta["backend"] == "tfidf-logreg" and meta["classes"] == model.classes
    with np.load(tmp_path / WEIGHTS_FILE, allow_pickle=False) as weights:
        assert set(weights.files) == {"coef", "intercept", "idf0", "idf1"}


@pytest.mark.parametrize("missing", [MODEL_FILE, WEIGHTS_FILE])
def test_a_missing_model_file_is_named(model, tmp_path, missing):
    model.save(tmp_path)
    (tmp_path / missing).unlink()
    with pytest.raises(ModelFileError, match="missing") as caught:
        LinearIntentClassifier.load(tmp_path)
    assert caught.value.path == str(tmp_path / missing)
    assert str(tmp_path / missing) in str(caught.value)


def test_an_empty_folder_is_no_model(tmp_path):
    with pytest.raises(ModelFileError, match="no model was saved") as caught:
        LinearIntentClassifier.load(tmp_path)
    assert caught.value.path == str(tmp_path / MODEL_FILE)


@pytest.mark.parametrize(
    ("target", "tamper", "message"),
    [
        (MODEL_FILE, lambda p: p.write_text("{not json", encoding="utf-8"), "cannot be read"),
        (MODEL_FILE, lambda p: p.write_bytes(b"\xff\xfe\x00"), "cannot be read"),
        (MODEL_FILE, lambda p: p.write_text("[1, 2]", encoding="utf-8"), "not a model"),
        (
            MODEL_FILE,
            lambda p: p.write_text(
                json.dumps({**json.loads(p.read_text(encoding="utf-8")), "format": 99}),
                encoding="utf-8",
            ),
            "format 99",
        ),
        (
            MODEL_FILE,
            lambda p: p.write_text(
                json.dumps({**json.loads(p.read_text(encoding="utf-8")), "features_version": 0}),
                encoding="utf-8",
            ),
            "features version 0",
        ),
        (
            MODEL_FILE,
            lambda p: p.write_text(
                json.dumps(
                    {
                        k: v
                        for k, v in json.loads(p.read_text(encoding="utf-8")).items()
                        if k != "classes"
                    }
                ),
                encoding="utf-8",
            ),
            "damaged",
        ),
        (WEIGHTS_FILE, lambda p: p.write_bytes(p.read_bytes()[:100]), "damaged"),
        (WEIGHTS_FILE, lambda p: p.write_bytes(b"not an archive at all"), "damaged"),
        (
            WEIGHTS_FILE,
            lambda p: np.savez(p.open("wb"), coef=np.zeros((1, 1)), intercept=np.zeros(1)),
            "do not fit",
        ),
    ],
    ids=[
        "json-broken",
        "json-not-utf8",
        "json-not-object",
        "other-format",
        "other-features",
        "json-key-missing",
        "npz-truncated",
        "npz-garbage",
        "npz-wrong-arrays",
    ],
)
def test_a_tampered_model_file_is_refused_naming_the_file(model, tmp_path, target, tamper, message):
    model.save(tmp_path)
    tamper(tmp_path / target)
    with pytest.raises(ModelFileError, match=message) as caught:
        LinearIntentClassifier.load(tmp_path)
    assert caught.value.path == str(tmp_path / target)


def test_weights_of_the_wrong_shape_are_refused(model, tmp_path):
    model.save(tmp_path)
    with np.load(tmp_path / WEIGHTS_FILE, allow_pickle=False) as weights:
        arrays = {name: weights[name] for name in weights.files}
    arrays["coef"] = arrays["coef"][:, :-1]
    with (tmp_path / WEIGHTS_FILE).open("wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(ModelFileError, match="do not fit") as caught:
        LinearIntentClassifier.load(tmp_path)
    assert caught.value.path == str(tmp_path / WEIGHTS_FILE)


# -- scores and the threshold -----------------------------------------------------------


def _p(label: str, probability: float) -> Prediction:
    return Prediction(label, probability, ((label, probability),), REJECT)


def test_in_scope_accuracy_counts_a_rejected_known_text_as_wrong():
    predictions = [_p("price", 0.9), _p(REJECT, 0.8), _p(REJECT, 0.7), _p("price", 0.6)]
    scores = score(predictions, ["price", "renewal", REJECT, REJECT], REJECT)
    assert (scores.in_scope_accuracy, scores.reject_recall) == (0.5, 0.5)
    assert (scores.in_scope, scores.rejects) == (2, 2)


def test_score_can_replay_another_threshold():
    predictions = [_p("price", 0.9), _p("price", 0.4)]
    assert score(predictions, ["price", REJECT], REJECT, threshold=0.5).reject_recall == 1.0
    assert score(predictions, ["price", REJECT], REJECT, threshold=0.0).reject_recall == 0.0


def test_the_threshold_is_the_highest_that_costs_at_most_the_tolerance():
    """200 known texts, correct at probabilities 0.300..0.499, and a tolerance of 1%: the
    threshold may reject two of them, so it sits at the third lowest."""
    predictions = [_p("price", 0.3 + i / 1000) for i in range(200)]
    gold = ["price"] * 200
    threshold = choose_threshold(predictions, gold, REJECT, tolerance=0.01)
    assert threshold == pytest.approx(0.302)
    assert score(predictions, gold, REJECT, threshold).in_scope_accuracy == 0.99


def test_without_known_texts_there_is_no_threshold():
    assert choose_threshold([_p(REJECT, 0.9)], [REJECT], REJECT) == 0.0
