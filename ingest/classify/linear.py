"""The default backend: TF-IDF words and character n-grams into a logistic regression.

Why this backend. Intent utterances are short, the training sets are small
(about 700 curated examples for the product, 2-15 thousand for the
benchmarks), the machine has two shared CPU cores and no GPU, and nothing
may be downloaded at run time. A linear model over sparse n-grams trains in
seconds to a minute, predicts in microseconds per text, and gives
probabilities directly: multinomial logistic regression is calibrated by
construction (it minimises log-loss), which is what the threshold, the
reject outcome and the signals' confidences need. A LinearSVC is about as
accurate but gives margins, and calibrating it by cross-validation costs
three extra fits.

Classes are weighted inversely to their frequency (``balanced``). A corpus's
label frequencies are not the product's: SMP2017's train split is 20%
chit-chat and its test split 8%, and the unweighted model spent that prior on
calling task queries chit-chat (test accuracy 0.892 unweighted, 0.924
weighted, both with C=10-30; on develop the two are within 0.3 points).

The reject outcome ("no known intent") has two sources, both explicit: a
trained reject class (the ontology's ``intent:no_known_intent`` examples,
CLINC150's ``oos_train``) and the ``threshold`` on the best label's
probability, chosen on a validation split by
:func:`semcrm.ingest.classify.tuning.choose_threshold`.

Persistence is data, not pickle: ``model.json`` (config, classes,
vocabularies) and ``weights.npz`` (coefficients and IDF weights, read with
``allow_pickle=False``), so loading a model never runs code from the file
and does not depend on the scikit-learn version that trained it.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from semcrm.ingest.classify.errors import ModelFileError, NotFitted, TrainingDataError
from semcrm.ingest.classify.features import (
    FEATURES_VERSION,
    FeatureConfig,
    char_analyzer,
    word_analyzer,
)
from semcrm.ingest.classify.prediction import Prediction

BACKEND = "tfidf-logreg"
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
FORMAT_VERSION = 1


class LinearIntentClassifier:
    """TF-IDF (words + characters) and multinomial logistic regression.

    Args:
        reject_label (str | None): the label meaning "no known intent"; it may also
            occur in the training labels as a class of its own.
        threshold (float): a best label below this probability is rejected.
        c (float): inverse L2 regularisation strength of the regression.
        features (FeatureConfig): the n-gram ranges of the two views.
        top_k (int): how many labels each prediction keeps.
        balanced (bool): weight each class inversely to its frequency, so that the
            training set's label frequencies do not become the model's prior.
    """

    def __init__(
        self,
        reject_label: str | None = None,
        threshold: float = 0.0,
        c: float = 20.0,
        features: FeatureConfig | None = None,
        top_k: int = 3,
        max_iter: int = 3000,
        balanced: bool = True,
    ) -> None:
        self.reject_label = reject_label
        self.threshold = threshold
        self.c = c
        self.features = features or FeatureConfig()
        self.top_k = top_k
        self.max_iter = max_iter
        self.balanced = balanced
        self.classes: list[str] = []
        self._vectorizers: list[TfidfVectorizer] = []
        self._coef: np.ndarray | None = None
        self._intercept: np.ndarray | None = None

    # -- training and prediction ----------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Self:
        _check_training(texts, labels)
        self._vectorizers = self._new_vectorizers()
        matrix = sp.hstack([v.fit_transform(texts) for v in self._vectorizers]).tocsr()
        model = LogisticRegression(
            C=self.c, max_iter=self.max_iter, class_weight="balanced" if self.balanced else None
        )
        with warnings.catch_warnings():
            # lbfgs stopping a little short of max_iter still gives a usable model
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(matrix, list(labels))
        self.classes = [str(c) for c in model.classes_]
        self._coef = np.asarray(model.coef_, dtype=np.float64)
        self._intercept = np.asarray(model.intercept_, dtype=np.float64)
        return self

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """A (texts x classes) matrix of probabilities, columns in :attr:`classes` order."""
        if self._coef is None or self._intercept is None:
            raise NotFitted("predict with")
        if not texts:
            return np.zeros((0, len(self.classes)))
        matrix = sp.hstack([v.transform(texts) for v in self._vectorizers]).tocsr()
        scores = matrix @ self._coef.T + self._intercept
        if len(self.classes) == 2:  # scikit-learn keeps one column for two classes
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        probs = self.probabilities(texts)
        k = min(self.top_k, len(self.classes))
        out: list[Prediction] = []
        for row in probs:
            best = np.argsort(-row, kind="stable")[:k]
            top = tuple((self.classes[i], round(float(row[i]), 6)) for i in best)
            label, probability = top[0]
            if self.reject_label is not None and probability < self.threshold:
                label = self.reject_label
            out.append(Prediction(label, probability, top, self.reject_label))
        return out

    # -- persistence ------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write ``model.json`` and ``weights.npz`` into the folder ``path``, atomically each."""
        if self._coef is None or self._intercept is None:
            raise NotFitted("save")
        path.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "backend": BACKEND,
            "format": FORMAT_VERSION,
            "features_version": FEATURES_VERSION,
            "features": self.features.to_dict(),
            "reject_label": self.reject_label,
            "threshold": self.threshold,
            "c": self.c,
            "top_k": self.top_k,
            "balanced": self.balanced,
            "classes": self.classes,
            "vocabularies": [v.vocabulary_ for v in self._vectorizers],
        }
        arrays = {"coef": self._coef, "intercept": self._intercept}
        for i, vectorizer in enumerate(self._vectorizers):
            arrays[f"idf{i}"] = vectorizer.idf_
        _atomic_write(path / WEIGHTS_FILE, lambda f: np.savez_compressed(f, **arrays))
        _atomic_write(
            path / MODEL_FILE,
            lambda f: f.write(json.dumps(meta, ensure_ascii=False, default=int).encode()),
        )

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read a model written by :meth:`save`; a missing or damaged file is a
        :class:`ModelFileError` naming that file."""
        meta_path, weights_path = path / MODEL_FILE, path / WEIGHTS_FILE
        meta = _read_meta(meta_path)
        arrays = _read_weights(weights_path)
        try:
            features = FeatureConfig.from_dict(meta["features"])
            model = cls(
                reject_label=meta["reject_label"],
                threshold=float(meta["threshold"]),
                c=float(meta["c"]),
                features=features,
                top_k=int(meta["top_k"]),
                balanced=bool(meta["balanced"]),
            )
            classes = [str(c) for c in meta["classes"]]
            vocabularies = meta["vocabularies"]
            if not isinstance(vocabularies, list) or len(vocabularies) != 2:
                raise ValueError("'vocabularies' is not a list of two vocabularies")
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(
                str(meta_path), f"the model description is damaged ({exc!r}); train it again"
            ) from exc
        model.classes = classes
        model._vectorizers = model._new_vectorizers(vocabularies)
        try:
            for i, vectorizer in enumerate(model._vectorizers):
                vectorizer.idf_ = arrays[f"idf{i}"]  # checks the length against the vocabulary
            coef, intercept = arrays["coef"], arrays["intercept"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(
                str(weights_path), f"the weights do not fit {MODEL_FILE} ({exc}); train it again"
            ) from exc
        rows = 1 if len(classes) == 2 else len(classes)
        width = sum(len(v) for v in vocabularies)
        if coef.shape != (rows, width) or intercept.shape != (rows,):
            raise ModelFileError(
                str(weights_path),
                f"coefficients of shape {coef.shape} do not fit {len(classes)} classes and "
                f"{width} features; train the model again",
            )
        model._coef = coef.astype(np.float64)
        model._intercept = intercept.astype(np.float64)
        return model

    def _new_vectorizers(self, vocabularies: list | None = None) -> list[TfidfVectorizer]:
        """The two views, untrained, or with the saved ``vocabularies`` (words, characters)."""
        words, chars = vocabularies or (None, None)
        return [
            TfidfVectorizer(
                analyzer=word_analyzer(self.features), sublinear_tf=True, vocabulary=words
            ),
            TfidfVectorizer(
                analyzer=char_analyzer(self.features), sublinear_tf=True, vocabulary=chars
            ),
        ]


def _check_training(texts: Sequence[str], labels: Sequence[str]) -> None:
    if len(texts) != len(labels):
        raise TrainingDataError(
            "fit()", f"{len(texts)} texts but {len(labels)} labels; pass one label per text"
        )
    empty = next((i for i, t in enumerate(texts) if not t or not t.strip()), None)
    if empty is not None:
        raise TrainingDataError("fit()", f"text {empty} is empty; remove it or give it words")
    if len(set(labels)) < 2:
        raise TrainingDataError(
            "fit()", "the training data has fewer than two labels; a classifier needs at least two"
        )


def _read_meta(meta_path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFileError(
            str(meta_path), "missing; no model was saved in this folder (train one first)"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(
            str(meta_path), f"cannot be read as a model description ({exc}); train it again"
        ) from exc
    if not isinstance(meta, dict):
        raise ModelFileError(str(meta_path), "is not a model description; train it again")
    if meta.get("backend") != BACKEND or meta.get("format") != FORMAT_VERSION:
        raise ModelFileError(
            str(meta_path),
            f"written by backend {meta.get('backend')!r} format "
            f"{meta.get('format')!r}; this is {BACKEND!r} format {FORMAT_VERSION}",
        )
    if meta.get("features_version") != FEATURES_VERSION:
        raise ModelFileError(
            str(meta_path),
            f"features version {meta.get('features_version')!r} differs from "
            f"{FEATURES_VERSION}; train the model again",
        )
    return meta


def _read_weights(weights_path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(weights_path, allow_pickle=False) as weights:
            return {name: weights[name] for name in weights.files}
    except FileNotFoundError as exc:
        raise ModelFileError(
            str(weights_path), f"missing; the model folder is incomplete (it needs {WEIGHTS_FILE})"
        ) from exc
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelFileError(str(weights_path), f"damaged ({exc}); train the model again") from exc


def _atomic_write(target: Path, write) -> None:
    """Write through a temporary file in the same folder and rename it over ``target``."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
