"""What a classifier says about one text, and the interface every backend implements.

A :class:`Prediction` keeps the few best labels with their probabilities
*and* the decision: ``label`` is the best label when the classifier is
confident, or the classifier's reject label ("no known intent",
CLINC150's ``oos``) when it is not. The reject outcome is explicit, never an
empty list, so callers cannot mistake "nothing confident" for "no answer".

Backends are plain classes that satisfy :class:`IntentClassifier` (a
:class:`typing.Protocol`), so a new one (a spaCy ``textcat``, an embedding
model) needs no registration and no base class: ``fit``, ``predict``,
``save`` and ``load`` with these signatures are the whole contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self, runtime_checkable


@dataclass(frozen=True)
class Prediction:
    """The classifier's answer for one text.

    Attributes:
        label (str): the decision, either the best label or ``reject_label``.
        probability (float): the calibrated probability of the best label.
        top (tuple[tuple[str, float], ...]): the best labels, most probable first.
        reject_label (str | None): the label that means "no known intent".
    """

    label: str
    probability: float
    top: tuple[tuple[str, float], ...]
    reject_label: str | None = None

    @property
    def rejected(self) -> bool:
        """True when the decision is "no known intent" (trained reject class or too unsure)."""
        return self.reject_label is not None and self.label == self.reject_label

    def probability_of(self, label: str) -> float:
        """The probability of ``label`` if it is among the top labels, else 0.0."""
        return next((p for name, p in self.top if name == label), 0.0)


@runtime_checkable
class IntentClassifier(Protocol):
    """Text in, intent labels (ontology IRIs or corpus labels) with probabilities out."""

    #: the label returned when nothing is confident (also trainable as a class)
    reject_label: str | None
    #: the lowest top-label probability that is not rejected
    threshold: float

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Self:
        """Train on parallel sequences of texts and labels; returns the classifier."""
        ...

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One prediction per text, in order."""
        ...

    def save(self, path: Path) -> None:
        """Write the trained model to the folder ``path`` (created if missing)."""
        ...

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a model written by :meth:`save`."""
        ...
