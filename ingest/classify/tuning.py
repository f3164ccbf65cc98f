"""Scoring predictions, and choosing the reject threshold on a validation split.

The scores are the benchmark's: **in-scope accuracy** is the share of texts
with a known label whose decision is that label (a known text rejected as
"no known intent" is an error, as in the CLINC150 paper), and **reject
recall** is the share of texts labelled with the reject label that are
rejected.

The threshold rule. Raising the threshold rejects more out-of-scope texts
and, eventually, correct in-scope ones too. :func:`choose_threshold` takes
the *highest* threshold whose validation in-scope accuracy is within
``tolerance`` (half a point by default) of the accuracy with no threshold at
all: the classifier gives up at most that much on known intents to say "no
known intent" as often as it can. Maximising in-scope accuracy plus reject
recall instead (a balanced objective) was measured to cost CLINC150 four
points of in-scope accuracy on validation, far more than a product that
mostly sees known intents should pay. The rule needs no reject examples, so
it also serves corpora without an out-of-scope split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from semcrm.ingest.classify.prediction import Prediction

#: In-scope accuracy the threshold may cost on validation.
DEFAULT_TOLERANCE = 0.005


@dataclass(frozen=True)
class Scores:
    """In-scope accuracy, reject recall (None without reject texts) and their counts."""

    in_scope_accuracy: float
    reject_recall: float | None
    in_scope: int
    rejects: int


def decide(prediction: Prediction, threshold: float) -> str:
    """The decision ``prediction`` would have with another threshold."""
    label, probability = prediction.top[0]
    if prediction.reject_label is not None and probability < threshold:
        return prediction.reject_label
    return label


def score(
    predictions: Sequence[Prediction],
    gold: Sequence[str],
    reject_label: str | None = None,
    threshold: float | None = None,
) -> Scores:
    """Score decisions against gold labels (with ``threshold`` instead of the predicted one)."""
    right = known = rejected = rejects = 0
    for prediction, label in zip(predictions, gold, strict=True):
        decision = prediction.label if threshold is None else decide(prediction, threshold)
        if reject_label is not None and label == reject_label:
            rejects += 1
            rejected += decision == reject_label
        else:
            known += 1
            right += decision == label
    return Scores(
        right / known if known else 0.0,
        rejected / rejects if rejects else None,
        known,
        rejects,
    )


def choose_threshold(
    predictions: Sequence[Prediction],
    gold: Sequence[str],
    reject_label: str,
    tolerance: float = DEFAULT_TOLERANCE,
) -> float:
    """The highest threshold whose in-scope accuracy is within ``tolerance`` of no threshold.

    ``predictions`` must have been made by a classifier whose reject label is
    ``reject_label`` (their own threshold does not matter).
    """
    pairs = [(p, g) for p, g in zip(predictions, gold, strict=True) if g != reject_label]
    if not pairs:
        return 0.0
    allowed_losses = int(tolerance * len(pairs) + 1e-9)
    # Correct in-scope predictions, sorted by confidence: a threshold just above the
    # (n+1)-th lowest rejects n+1 of them.
    correct = sorted(p.top[0][1] for p, g in pairs if decide(p, 0.0) == g)
    if not correct:
        return 0.0
    if allowed_losses >= len(correct):
        return correct[-1]
    return correct[allowed_losses]
