"""The product's intent model: trained from the examples curated in the ontology.

Every ``skos:example`` of a ``semcrm:Intent`` concept is one training text
labelled with that concept's IRI, Chinese and English alike; the examples of
``intent:no_known_intent`` (greetings, thanks, call logistics) train the
explicit reject class. A governance team that adds examples in a Turtle file
(``--ontology DIR``, ``<data>/ontology``) changes the model with no code
change, and so does a labelled corpus turned into such examples.

**When it is trained.** At first use, in the process: the curated set is a
few hundred sentences and :func:`train_curated` fits it in a few seconds on
one core, deterministically (same ontology, same weights). The result is
kept per ontology digest, so a process that builds many pipelines over one
ontology trains once. :func:`curated_classifier` can also keep the trained
model in a folder (``cache_dir/intents-<digest>/``) for callers that want to
skip even those seconds; a model saved for another ontology is never read,
because its folder name carries the digest.

The reject threshold is :data:`THRESHOLD`, measured on a held-out fifth of
the shipped examples (every fifth example of each intent) with
:func:`~semcrm.ingest.classify.tuning.choose_threshold`;
``train_curated(..., tune_threshold=True)`` measures it again for another
ontology, at the cost of a second fit.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from rdflib.namespace import SKOS

from semcrm.ingest.classify.corpora import Split
from semcrm.ingest.classify.errors import ModelFileError, TrainingDataError
from semcrm.ingest.classify.linear import MODEL_FILE, LinearIntentClassifier
from semcrm.ingest.classify.tuning import choose_threshold
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import INTENT, SEMCRM

log = logging.getLogger(__name__)

#: The ontology's "no known intent" concept: the classifier's reject label.
NO_KNOWN_INTENT = str(INTENT["no_known_intent"])
#: Every HOLDOUT_EVERY-th example of an intent is held out to choose the threshold.
HOLDOUT_EVERY = 5
#: In-scope accuracy the threshold may cost on the held-out examples.
TOLERANCE = 0.02
#: Regularisation of the product model (the curated set is small and clean).
C = 10.0
#: The reject threshold (choose_threshold on the held-out fifth of the shipped examples: 0.167).
THRESHOLD = 0.17

_trained: dict[str, LinearIntentClassifier] = {}
_lock = threading.Lock()


def curated_examples(ontology: Ontology) -> Split:
    """Every ``skos:example`` of every intent concept, labelled with the concept's IRI.

    Sorted by concept and text, so the same ontology always gives the same split.
    """
    texts: list[str] = []
    labels: list[str] = []
    for concept in ontology.instances(SEMCRM.Intent):
        examples = sorted({str(e).strip() for e in ontology.graph.objects(concept, SKOS.example)})
        for text in examples:
            if text:
                texts.append(text)
                labels.append(str(concept))
    return Split(texts, labels)


def train_curated(
    ontology: Ontology, extra: Split | None = None, *, tune_threshold: bool = False
) -> LinearIntentClassifier:
    """Fit the product model on the ontology's examples (plus ``extra`` labelled texts,
    whose labels must be intent IRIs of the ontology); ``tune_threshold`` chooses the
    threshold on a held-out fifth first instead of using :data:`THRESHOLD`."""
    data = curated_examples(ontology)
    if extra is not None:
        known = {str(c) for c in ontology.instances(SEMCRM.Intent)}
        unknown = sorted(set(extra.labels) - known)
        if unknown:
            raise TrainingDataError(
                "extra examples",
                f"labels that are not intent concepts of the ontology: {', '.join(unknown[:5])}",
            )
        data = Split(data.texts + extra.texts, data.labels + extra.labels)
    if len(set(data.labels)) < 2:
        raise TrainingDataError(
            "the ontology",
            "fewer than two semcrm:Intent concepts have skos:example sentences; "
            "curate examples in intents.ttl",
        )
    reject = NO_KNOWN_INTENT if NO_KNOWN_INTENT in data.labels else None
    started = time.perf_counter()
    threshold = THRESHOLD if reject is not None else 0.0
    fit, held = _hold_out(data)
    if tune_threshold and reject is not None and held.texts:
        probe = LinearIntentClassifier(reject_label=reject, c=C).fit(fit.texts, fit.labels)
        threshold = choose_threshold(probe.predict(held.texts), held.labels, reject, TOLERANCE)
    model = LinearIntentClassifier(reject_label=reject, c=C, threshold=threshold)
    model.fit(data.texts, data.labels)
    log.info(
        "intent model trained on %d curated examples of %d intents in %.1fs (threshold %.3f)",
        len(data),
        len(set(data.labels)),
        time.perf_counter() - started,
        threshold,
    )
    return model


def curated_classifier(ontology: Ontology, cache_dir: Path | None = None) -> LinearIntentClassifier:
    """The product model for ``ontology``: trained once per process and ontology digest,
    and kept in ``cache_dir/intents-<digest>/`` when a folder is given."""
    folder = cache_dir / f"intents-{ontology.digest[:16]}" if cache_dir else None
    with _lock:
        model = _trained.get(ontology.digest)
        if model is None and folder is not None and folder.is_dir():
            try:
                model = LinearIntentClassifier.load(folder)
            except ModelFileError as exc:
                log.warning("intent model cache unusable, training again: %s", exc)
        if model is None:
            model = train_curated(ontology)
        if folder is not None and not (folder / MODEL_FILE).is_file():
            model.save(folder)
        _trained[ontology.digest] = model
        return model


def _hold_out(data: Split) -> tuple[Split, Split]:
    seen: dict[str, int] = {}
    kept: tuple[list[str], list[str]] = ([], [])
    held: tuple[list[str], list[str]] = ([], [])
    for text, label in zip(data.texts, data.labels, strict=True):
        seen[label] = seen.get(label, 0) + 1
        target = held if seen[label] % HOLDOUT_EVERY == 0 else kept
        target[0].append(text)
        target[1].append(label)
    return Split(*kept), Split(*held)
