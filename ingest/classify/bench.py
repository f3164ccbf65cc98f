"""``semcrm intent-bench``: train on a corpus's train split, tune on validation, score on test.

The protocol keeps the test split out of everything but the final score:

1. the classifier is fitted on the **train** split only, once per value of
   the regularisation grid :data:`C_GRID`;
2. the **validation** split picks the value with the best in-scope accuracy
   and then the reject threshold (:func:`~semcrm.ingest.classify.tuning.choose_threshold`,
   only for a corpus with a reject label). Banking77 has no validation
   split, so every tenth example of each label is held out of train for
   step 2, and the chosen model is then refitted on the whole train split;
3. the **test** split is predicted once and scored: accuracy (CLINC150:
   in-scope accuracy, and the recall of ``oos_test`` as "no known intent").

Training time is the wall time of every fit in steps 1-2 together, on the
CPUs this process may use (both are reported).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from semcrm.ingest.classify.corpora import Corpus, Split, load_corpus
from semcrm.ingest.classify.linear import BACKEND, LinearIntentClassifier
from semcrm.ingest.classify.tuning import choose_threshold, score

#: Regularisation values tried on the validation split.
C_GRID = (10.0, 30.0)
#: Every HOLDOUT_EVERY-th example of a label is held out when a corpus has no validation split.
HOLDOUT_EVERY = 10
#: Issue 4's bars: accuracy (in-scope accuracy for CLINC150) and out-of-scope recall.
TARGETS: dict[str, dict[str, float]] = {
    "banking77": {"accuracy": 0.89},
    "clinc150": {"accuracy": 0.92, "oos_recall": 0.40},
    "smp2017": {"accuracy": 0.89},
}
AIMS: dict[str, dict[str, float]] = {"banking77": {"accuracy": 0.93}}
MAX_TRAIN_SECONDS = 600.0


@dataclass
class BenchResult:
    """What one benchmark run measured."""

    corpus: str
    backend: str
    train_size: int
    validation_size: int
    validation_source: str  # "validation split" or "held out of train"
    test_size: int
    c: float
    threshold: float
    validation_accuracy: float
    accuracy: float  # in-scope accuracy on test
    oos_recall: float | None
    train_seconds: float
    cpu_count: int | None
    usable_cpus: int
    targets: dict[str, float] = field(default_factory=dict)
    aims: dict[str, float] = field(default_factory=dict)

    @property
    def met(self) -> dict[str, bool]:
        """Per target: whether this run reached it (training time included)."""
        measured = {"accuracy": self.accuracy, "oos_recall": self.oos_recall}
        out = {name: (measured[name] or 0.0) >= bar for name, bar in self.targets.items()}
        out["train_seconds"] = self.train_seconds < MAX_TRAIN_SECONDS
        return out

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "met": self.met, "max_train_seconds": MAX_TRAIN_SECONDS}


def run_bench(
    name: str,
    corpora_dir: Path,
    per_label: int | None = None,
    c_grid: tuple[float, ...] = C_GRID,
) -> BenchResult:
    """Run the benchmark on corpus ``name``; ``per_label`` limits every split to a fast slice."""
    corpus = load_corpus(name, corpora_dir)
    if per_label is not None:
        corpus = corpus.sample(per_label)
    return bench_corpus(corpus, c_grid)


def bench_corpus(corpus: Corpus, c_grid: tuple[float, ...] = C_GRID) -> BenchResult:
    reject = corpus.reject_label
    if corpus.validation is not None:
        fit_split, validation, source = corpus.train, corpus.validation, "validation split"
    else:
        fit_split, validation = _hold_out(corpus.train)
        source = "held out of train"
    started = time.perf_counter()
    best: tuple[float, float, LinearIntentClassifier] | None = None
    for c in c_grid:
        model = LinearIntentClassifier(reject_label=reject, c=c)
        model.fit(fit_split.texts, fit_split.labels)
        accuracy = score(
            model.predict(validation.texts), validation.labels, reject
        ).in_scope_accuracy
        if best is None or accuracy > best[0]:
            best = (accuracy, c, model)
    assert best is not None, "C_GRID is empty"
    validation_accuracy, c, model = best
    if reject is not None:
        model.threshold = choose_threshold(
            model.predict(validation.texts), validation.labels, reject
        )
    if fit_split is not corpus.train:
        threshold = model.threshold
        model = LinearIntentClassifier(reject_label=reject, c=c, threshold=threshold)
        model.fit(corpus.train.texts, corpus.train.labels)
    seconds = time.perf_counter() - started
    test = score(model.predict(corpus.test.texts), corpus.test.labels, reject)
    return BenchResult(
        corpus=corpus.name,
        backend=BACKEND,
        train_size=len(corpus.train),
        validation_size=len(validation),
        validation_source=source,
        test_size=len(corpus.test),
        c=c,
        threshold=round(model.threshold, 6),
        validation_accuracy=round(validation_accuracy, 4),
        accuracy=round(test.in_scope_accuracy, 4),
        oos_recall=None if test.reject_recall is None else round(test.reject_recall, 4),
        train_seconds=round(seconds, 2),
        cpu_count=os.cpu_count(),
        usable_cpus=len(os.sched_getaffinity(0)),
        targets=TARGETS.get(corpus.name, {}),
        aims=AIMS.get(corpus.name, {}),
    )


def _hold_out(split: Split) -> tuple[Split, Split]:
    """(kept, held out): every HOLDOUT_EVERY-th example of each label is held out."""
    seen: dict[str, int] = {}
    kept, held = ([], []), ([], [])
    for text, label in zip(split.texts, split.labels, strict=True):
        seen[label] = seen.get(label, 0) + 1
        target = held if seen[label] % HOLDOUT_EVERY == 0 else kept
        target[0].append(text)
        target[1].append(label)
    if not held[0]:
        # a slice too small to hold anything out: validate on train itself, which only
        # picks C and the threshold (the test split is still untouched)
        return split, split
    return Split(*kept), Split(*held)
