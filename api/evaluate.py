"""``semcrm eval DIR``: score extraction against gold files in the devset's schema.

The scoring follows the conventions of the devset README: strings are
located in the record's decoded text, and a predicted span *matches* a gold
string when it overlaps any occurrence of it (one shared character). Needs,
objections and turning points match one-to-one on overlapping evidence;
intents are multi-label per record; people match on their mention or an
alias, with roles compared as sets (half credit for one of two) and
presence as accuracy on matched people; the industry is a hit when the
predicted path reaches the concept of the finest gold label the ontology
knows, or that concept's parent.

The figures this prints on ``../shared/devset`` are development figures: the
set is small and the code was tuned on it.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef

from semcrm.api.goldshape import extract_interaction
from semcrm.ingest.nlp.tokenizer import fold
from semcrm.ingest.pipeline import Processor
from semcrm.ingest.readers import read_path
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import SEMCRM


@dataclass
class Score:
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, float]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Accuracy:
    right: float = 0.0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"right": self.right, "total": self.total, "accuracy": round(self.value, 4)}


#: A fixed pseudonymisation key, so that two runs of ``eval`` give the same figures.
EVAL_KEY = b"semcrm eval: fixed key, not a secret"

FIELDS = (
    "customer_org",
    "products",
    "competitors",
    "qualifications",
    "people",
    "hidden_decision_chain",
    "stated_needs",
    "unstated_needs",
    "objections",
    "emotion_turning_points",
    "intents",
    "intents_high_medium",
)


@dataclass
class Report:
    records: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_language: dict[str, dict[str, Score]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Score))
    )
    by_kind: dict[str, dict[str, Score]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Score))
    )
    accuracies: dict[str, Accuracy] = field(default_factory=lambda: defaultdict(Accuracy))
    industry_hits: int = 0
    industry_records: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    #: gold files that could not be scored: {"file", "reason"}; the others still count
    rejected: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "rejected": self.rejected,
            "fields": {name: self.scores[name].to_dict() for name in FIELDS},
            "accuracy": {name: acc.to_dict() for name, acc in sorted(self.accuracies.items())},
            "industry": {
                "records": self.industry_records,
                "hits": self.industry_hits,
                "rate": round(self.industry_hits / self.industry_records, 4)
                if self.industry_records
                else 0.0,
            },
            "by_language": {
                lang: {name: s.to_dict() for name, s in fields.items()}
                for lang, fields in self.by_language.items()
            },
            "by_kind": {
                kind: {name: s.to_dict() for name, s in fields.items()}
                for kind, fields in self.by_kind.items()
            },
        }


def evaluate(
    directory: Path, ontology: Ontology, processor: Processor, verbose: bool = False
) -> Report:
    report = Report()
    for gold_path in sorted(directory.glob("*.gold.json")):
        try:
            gold = json.loads(gold_path.read_text("utf-8"))
        except UnicodeDecodeError as exc:
            report.rejected.append(_rejected(gold_path, f"not UTF-8 text (byte {exc.start})"))
            continue
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            report.rejected.append(_rejected(gold_path, f"not valid JSON at {where}: {exc.msg}"))
            continue
        if not isinstance(gold, dict) or not isinstance(gold.get("id"), str):
            report.rejected.append(
                _rejected(gold_path, "not a gold record: an object with a string 'id' expected")
            )
            continue
        raw = next(
            (p for p in directory.glob(f"{gold['id']}.*") if not p.name.endswith(".gold.json")),
            None,
        )
        if raw is None:
            continue
        interactions = read_path(raw)
        interaction = interactions[0]
        predicted = extract_interaction(interaction, ontology, processor)
        before = copy.deepcopy(report)  # a record that fails half-way counts for nothing
        try:
            report.records += 1
            _score_record(report, gold, predicted, interaction.text, ontology, verbose)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            before.rejected.append(
                _rejected(
                    gold_path, f"does not follow the gold schema ({type(exc).__name__}: {exc})"
                )
            )
            report = before
    return report


def _rejected(path: Path, reason: str) -> dict[str, str]:
    return {"file": str(path), "reason": reason}


# -- matching -----------------------------------------------------------------------------


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    if not needle:
        return []
    out, start = [], 0
    while True:
        index = text.find(needle, start)
        if index < 0:
            return out
        out.append((index, index + len(needle)))
        start = index + 1


def overlaps(text: str, a: str, b: str) -> bool:
    """True when some occurrence of ``a`` shares a character with some occurrence of ``b``."""
    return any(
        x0 < y1 and y0 < x1 for x0, x1 in _occurrences(text, a) for y0, y1 in _occurrences(text, b)
    )


def _match_sets(
    text: str, predicted: list[list[str]], gold: list[list[str]]
) -> tuple[Score, list[tuple[int, int]]]:
    """One-to-one greedy matching of items, each a list of evidence strings."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, p_strings in enumerate(predicted):
        for j, g_strings in enumerate(gold):
            if j in used:
                continue
            if any(overlaps(text, p, g) for p in p_strings for g in g_strings):
                used.add(j)
                pairs.append((i, j))
                break
    score = Score(tp=len(pairs), fp=len(predicted) - len(pairs), fn=len(gold) - len(pairs))
    return score, pairs


def _score_record(
    report: Report, gold: dict, pred: dict, text: str, ontology: Ontology, verbose: bool
) -> None:
    lang, kind = gold["language"], gold["kind"]

    def record(name: str, score: Score) -> None:
        report.scores[name].add(score)
        report.by_language[lang][name].add(score)
        report.by_kind[kind][name].add(score)

    gold_org = gold["customer_org"]["name"]
    pred_org = pred["customer_org"]["name"]
    record(
        "customer_org",
        _match_strings(text, [pred_org] if pred_org else [], [gold_org] if gold_org else []),
    )
    for name in ("products", "competitors"):
        record(name, _match_strings(text, pred[name], gold[name]))
    record(
        "qualifications",
        _match_strings(
            text, pred["customer_org"]["qualifications"], gold["customer_org"]["qualifications"]
        ),
    )

    # people
    gold_people = gold["people"]
    pred_people = pred["people"]
    person_score, pairs = _match_sets(
        text,
        [[p["mention"], *p["aliases"]] for p in pred_people],
        [_person_strings(g) for g in gold_people],
    )
    record("people", person_score)
    for i, j in pairs:
        g_roles = set(gold_people[j]["role_in_decision_chain"].split("|"))
        p_roles = set(filter(None, pred_people[i]["role_in_decision_chain"].split("|")))
        credit = 1.0 if p_roles == g_roles else (0.5 if p_roles & g_roles else 0.0)
        report.accuracies["people_roles"].right += credit
        report.accuracies["people_roles"].total += 1
        report.accuracies["people_present"].right += float(
            pred_people[i]["present"] == gold_people[j]["present"]
        )
        report.accuracies["people_present"].total += 1
    hidden_gold = [g for g in gold_people if "hidden_influencer" in g["role_in_decision_chain"]]
    hidden_pred = [p for p in pred_people if "hidden_influencer" in p["role_in_decision_chain"]]
    hidden_score, _ = _match_sets(
        text,
        [[p["mention"], *p["aliases"]] for p in hidden_pred],
        [_person_strings(g) for g in hidden_gold],
    )
    record("hidden_decision_chain", hidden_score)

    record(
        "stated_needs",
        _match_sets(
            text,
            [[n["evidence"]] for n in pred["stated_needs"]],
            [[n["evidence"]] for n in gold["stated_needs"]],
        )[0],
    )
    record(
        "unstated_needs",
        _match_sets(
            text,
            [n["evidence"] for n in pred["unstated_needs"]],
            [n["evidence"] for n in gold["unstated_needs"]],
        )[0],
    )
    objections, pairs = _match_sets(
        text,
        [[o["evidence"]] for o in pred["objections"]],
        [[o["evidence"]] for o in gold["objections"]],
    )
    record("objections", objections)
    for i, j in pairs:
        report.accuracies["objection_cause"].right += float(
            pred["objections"][i]["cause"] == gold["objections"][j]["cause"]
        )
        report.accuracies["objection_cause"].total += 1
    points, pairs = _match_sets(
        text,
        [[t["trigger_evidence"]] for t in pred["emotion_turning_points"]],
        [[t["trigger_evidence"]] for t in gold["emotion_turning_points"]],
    )
    record("emotion_turning_points", points)
    for i, j in pairs:
        p, g = pred["emotion_turning_points"][i], gold["emotion_turning_points"][j]
        report.accuracies["turning_point_labels"].right += float(
            (p["from"], p["to"]) == (g["from"], g["to"])
        )
        report.accuracies["turning_point_labels"].total += 1

    predicted_intents = {i["intent"] for i in pred["intents"]}
    gold_intents = {i["intent"] for i in gold["intents"]}
    strong = {i["intent"] for i in gold["intents"] if i["confidence"] in ("high", "medium")}
    record("intents", _sets(predicted_intents, gold_intents))
    record("intents_high_medium", _sets(predicted_intents, strong))
    if verbose:
        report.misses.append(
            {
                "id": gold["id"],
                "intents_missed": sorted(gold_intents - predicted_intents),
                "intents_extra": sorted(predicted_intents - gold_intents),
                "customer": [gold_org, pred_org],
            }
        )

    path = gold["customer_org"]["industry_path"]
    if path:
        report.industry_records += 1
        if _industry_hit(ontology, path, pred["customer_org"]["industry_path"]):
            report.industry_hits += 1


def _person_strings(gold_person: dict) -> list[str]:
    """A gold person's mention and aliases, and the decoded name of a person named only in
    encoded form (the gold schema's ``decoded``: the scorer reads decoded text)."""
    strings = [gold_person["mention"], *gold_person.get("aliases", [])]
    if gold_person.get("decoded"):
        strings.append(gold_person["decoded"])
    return strings


def _match_strings(text: str, predicted: Iterable[str], gold: Iterable[str]) -> Score:
    return _match_sets(text, [[p] for p in predicted], [[g] for g in gold])[0]


def _sets(predicted: set[str], gold: set[str]) -> Score:
    return Score(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted))


def _industry_hit(ontology: Ontology, gold_path: list[str], predicted_labels: list[str]) -> bool:
    """The finest gold level that names an ontology concept; a hit when the prediction reaches it or its parent."""
    index = _label_index(ontology)
    predicted = {fold(label) for label in predicted_labels}
    for label in reversed(gold_path):
        concepts = index.get(fold(label), [])
        for concept in concepts:
            chain = ontology.broader_chain(concept)
            targets = [chain[-1]] + ([chain[-2]] if len(chain) >= 2 else [])
            names = {fold(str(lbl)) for t in targets for lbl in ontology.labels(t)}
            if names & predicted:
                return True
        if concepts:
            return False
    return False


_INDEX_CACHE: dict[int, dict[str, list[URIRef]]] = {}


def _label_index(ontology: Ontology) -> dict[str, list[URIRef]]:
    key = id(ontology)
    if key not in _INDEX_CACHE:
        index: dict[str, list[URIRef]] = defaultdict(list)
        for concept in ontology.instances(SEMCRM.IndustryConcept):
            for label in ontology.labels(concept):
                index[fold(str(label))].append(concept)
        _INDEX_CACHE[key] = index
    return _INDEX_CACHE[key]
