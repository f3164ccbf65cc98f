"""Errors of the utterance intent classifier.

::

    SemcrmError                       (semcrm.ontology.errors)
     └── ClassifierError              the classifier cannot be trained, saved or loaded
          ├── TrainingDataError       the training data is unusable (file, place, what to fix)
          ├── NotFitted               predict() or save() before fit()
          └── ModelFileError          a saved model cannot be read (path, reason)

A prediction that no intent is confident is not an error: it is the
``rejected`` outcome of :class:`~semcrm.ingest.classify.prediction.Prediction`.
"""

from __future__ import annotations

from semcrm.ontology.errors import SemcrmError


class ClassifierError(SemcrmError):
    """Training, saving or loading an intent classifier failed."""


class TrainingDataError(ClassifierError):
    """The training data cannot be used; the message names the source and what to fix."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class NotFitted(ClassifierError):
    """The classifier has not been trained yet."""

    def __init__(self, action: str) -> None:
        super().__init__(
            f"cannot {action} an intent classifier that has not been fitted; call fit() first"
        )


class ModelFileError(ClassifierError):
    """A saved model is missing, damaged or was written by an incompatible version."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
