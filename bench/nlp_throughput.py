"""Throughput of the NLP stage, beside a blank spaCy tokenizer over the same utterances.

The NLP stage is what ``semcrm ingest`` runs on an interaction after reading and
de-identification: :meth:`semcrm.ingest.extract.Extractor.extract`, i.e. side
assignment, the spaCy pipelines (folding, the mixed-script tokenizer for zh,
the sentencizer, the span ruler with every ontology phrase, the utterance
intent classifier on each sentence), cues with negation/hedging/sarcasm,
signals, organisations and the customer, concept mentions, products and
competitors, people and decision roles, industry, turning points and
industry-concept proposals. Not included: reading and PII (measured by
``bench/throughput.py``), building the RDF triples, the store, and the
reasoner. The classifier's first-use training happens before timing.

Two corpora, read from ``../shared`` at run time:

* **devset**: every raw record of ``devset/`` (read and de-identified as ingest does);
* **SGD**: the dialogues of ``corpora/sgd/{train,test}/dialogues_*.json``, each as a
  call with ``User``/``Assistant`` turns (the utterances as written), de-identified.

Beside each, in the same run, ``spacy.blank(lang).tokenizer`` (``zh`` for
Chinese and mixed records, ``en`` otherwise) over the same de-identified
utterances. Times are CPU seconds of this process (``time.process_time``,
one core), reported as utterances (turns) per second per core.

    .venv/bin/python bench/nlp_throughput.py [--shared ../shared] [--devset-passes 10]
        [--sgd-dialogues N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import spacy

from semcrm.ingest.extract import Extractor
from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.nlp.pipeline import detect_language
from semcrm.ingest.pii import Pseudonymizer, Redaction, redact
from semcrm.ingest.readers import read_path_with_rejections
from semcrm.ingest.readers.base import sha256
from semcrm.ontology.loader import load_ontology

KEY = b"nlp-throughput-benchmark-key-012"


def devset_interactions(shared: Path) -> list[Interaction]:
    folder = shared / "devset"
    files = sorted(
        p for p in folder.glob("D*") if p.is_file() and not p.name.endswith(".gold.json")
    )
    if not files:
        sys.exit(f"no devset records under {folder}")
    out: list[Interaction] = []
    for path in files:
        found, _rejected = read_path_with_rejections(path)
        out += found
    return out


def sgd_interactions(shared: Path, limit: int | None) -> list[Interaction]:
    """SGD dialogues as calls: one turn per utterance, speakers ``User`` and ``Assistant``."""
    files = sorted((shared / "corpora" / "sgd").glob("*/dialogues_*.json"))
    if not files:
        sys.exit(f"no SGD dialogues under {shared / 'corpora' / 'sgd'}")
    out: list[Interaction] = []
    for path in files:
        for dialogue in json.loads(path.read_text("utf-8")):
            if limit is not None and len(out) >= limit:
                return out
            out.append(_dialogue(path, dialogue))
    return out


def _dialogue(path: Path, dialogue: dict) -> Interaction:
    parts: list[str] = []
    turns: list[Turn] = []
    length = 0
    for turn in dialogue["turns"]:
        speaker = "User" if turn["speaker"] == "USER" else "Assistant"
        prefix = f"{speaker}: "
        utterance = turn["utterance"].strip()
        start = length + len(prefix)
        turns.append(Turn(len(turns), utterance, start, start + len(utterance), speaker))
        line = prefix + utterance + "\n"
        parts.append(line)
        length += len(line)
    text = "".join(parts)
    source = Source(
        f"{path}#{dialogue['dialogue_id']}", sha256(text.encode()), "sgd-json", part=None
    )
    interaction = Interaction(source, "call", text, tuple(turns), language="en")
    interaction.check()
    return interaction


def measure(extractor: Extractor, records: list[Redaction], passes: int) -> dict[str, float]:
    """Both passes over ``records`` repeated ``passes`` times (small sets time badly)."""
    redactions = records * passes
    utterances = sum(len(r.interaction.turns) for r in redactions)
    characters = sum(len(t.text) for r in redactions for t in r.interaction.turns)

    started = time.process_time()
    for redaction in redactions:
        extractor.extract(redaction)
    nlp_seconds = time.process_time() - started

    blank = {"zh": spacy.blank("zh"), "en": spacy.blank("en")}
    started = time.process_time()
    tokens = 0
    for redaction in redactions:
        interaction = redaction.interaction
        language = interaction.language or detect_language(interaction.text)
        tokenizer = blank["en" if language == "en" else "zh"].tokenizer
        for turn in interaction.turns:
            tokens += len(tokenizer(turn.text))
    blank_seconds = time.process_time() - started

    return {
        "interactions": len(records),
        "passes": passes,
        "utterances": utterances,
        "characters": characters,
        "blank_tokens": tokens,
        "nlp_cpu_seconds": round(nlp_seconds, 3),
        "nlp_utterances_per_s_per_core": round(utterances / nlp_seconds, 1),
        "blank_cpu_seconds": round(blank_seconds, 3),
        "blank_utterances_per_s_per_core": round(utterances / blank_seconds, 1),
        "nlp_over_blank": round(nlp_seconds / blank_seconds, 1),
    }


def run(shared: Path, sgd_limit: int | None, devset_passes: int) -> dict[str, dict[str, float]]:
    ontology = load_ontology([])
    extractor = Extractor(ontology)
    pseudonymizer = Pseudonymizer(KEY)
    corpora = {
        "devset": devset_interactions(shared),
        "sgd": sgd_interactions(shared, sgd_limit),
    }
    redacted = {name: [redact(i, pseudonymizer) for i in items] for name, items in corpora.items()}
    extractor.extract(redacted["devset"][0])  # first use: the intent classifier is trained
    passes = {"devset": devset_passes, "sgd": 1}
    return {name: measure(extractor, items, passes[name]) for name, items in redacted.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument(
        "--sgd-dialogues", type=int, default=None, help="only the first N SGD dialogues"
    )
    parser.add_argument(
        "--devset-passes", type=int, default=10, help="passes over the devset (default 10)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.shared, args.sgd_dialogues, args.devset_passes)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, r in result.items():
        print(
            f"{name}: {r['interactions']} interactions x {r['passes']} passes, "
            f"{r['utterances']} utterances, {r['characters']:,} characters"
        )
        print(
            f"  semcrm NLP stage (extract):  {r['nlp_utterances_per_s_per_core']:>9} "
            f"utterances/s per core ({r['nlp_cpu_seconds']} CPU s)"
        )
        print(
            f"  blank spaCy tokenizer:       {r['blank_utterances_per_s_per_core']:>9} "
            f"utterances/s per core ({r['blank_cpu_seconds']} CPU s)"
        )
        print(f"  the NLP stage takes {r['nlp_over_blank']}x the tokenizer's time")


if __name__ == "__main__":
    main()
