"""Scoring de-identification against gold annotations (the devset's conventions).

The devset README defines the scoring this module implements:

* **PII recall is per occurrence.** Every occurrence of every gold ``pii``
  string is located in the interaction's text; overlapping or nested
  occurrences ("Ravindra" inside "Ravindra Thorsen") merge into one *unit*. A
  unit is *recalled* when every character is covered by redaction spans,
  a *leak* when only part of it is. Type accuracy is scored on recalled units.
* **Over-redaction**: each occurrence of a ``non_pii_lookalikes`` string that
  overlaps a redaction span counts once; its share is taken over all
  redaction spans.
* Redactions touching neither a unit nor a look-alike are *unlisted*: reported
  for review, not counted as errors.

Gold strings are located in the text the detector saw. For e-mails that is
the decoded message, so a string that occurs only encoded (an RFC 2047 word,
a quoted-printable fragment) is looked up by its ``decoded`` form instead.
A gold string found in neither form is reported as *unlocated*.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from semcrm.ingest.model import Interaction
from semcrm.ingest.pii.spans import PiiSpan


@dataclass
class Unit:
    """One merged gold PII unit in one record."""

    record: str
    start: int
    end: int
    types: set[str]
    strings: set[str]


@dataclass
class RecordScore:
    """The outcome for one record (every list holds gold units or occurrences)."""

    record: str
    units: list[Unit] = field(default_factory=list)
    recalled: list[Unit] = field(default_factory=list)
    leaks: list[Unit] = field(default_factory=list)
    missed: list[Unit] = field(default_factory=list)
    type_correct: int = 0
    over_redactions: list[str] = field(default_factory=list)
    redactions: int = 0
    unlisted: int = 0
    unlocated: list[str] = field(default_factory=list)


def _occurrences(text: str, needle: str) -> Iterable[tuple[int, int]]:
    start = text.find(needle)
    while needle and start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def _locate(text: str, item: dict[str, str]) -> list[tuple[int, int]]:
    found = list(_occurrences(text, item["text"]))
    if not found and item.get("decoded"):
        found = list(_occurrences(text, item["decoded"]))
    return found


def _covered(start: int, end: int, spans: list[PiiSpan]) -> int:
    """How many characters of ``[start, end)`` the spans cover."""
    covered = 0
    position = start
    for span in sorted(spans, key=lambda s: s.start):
        if span.end <= position or span.start >= end:
            continue
        covered += min(span.end, end) - max(span.start, position)
        position = min(span.end, end)
        if position >= end:
            break
    return covered


def score_record(record: str, text: str, gold: dict, spans: list[PiiSpan]) -> RecordScore:
    """Score one record's spans (offsets into ``text``) against its gold annotation."""
    score = RecordScore(record, redactions=len(spans))
    intervals: list[tuple[int, int, str, str]] = []
    for item in gold.get("pii", []):
        located = _locate(text, item)
        if not located:
            score.unlocated.append(item["text"])
        intervals.extend((start, end, item["type"], item["text"]) for start, end in located)
    intervals.sort()
    for start, end, pii_type, string in intervals:
        if score.units and start < score.units[-1].end:
            unit = score.units[-1]
            unit.end = max(unit.end, end)
            unit.types.add(pii_type)
            unit.strings.add(string)
        else:
            score.units.append(Unit(record, start, end, {pii_type}, {string}))
    for unit in score.units:
        covered = _covered(unit.start, unit.end, spans)
        if covered == unit.end - unit.start:
            score.recalled.append(unit)
            predicted = {s.type for s in spans if s.start < unit.end and unit.start < s.end}
            score.type_correct += predicted <= unit.types
        elif covered:
            score.leaks.append(unit)
        else:
            score.missed.append(unit)
    lookalike_spans: list[tuple[int, int]] = []
    for item in gold.get("non_pii_lookalikes", []):
        for start, end in _locate(text, item):
            lookalike_spans.append((start, end))
            if any(s.start < end and start < s.end for s in spans):
                score.over_redactions.append(item["text"])
    listed = [(u.start, u.end) for u in score.units] + lookalike_spans
    score.unlisted = sum(
        1 for s in spans if not any(s.start < end and start < s.end for start, end in listed)
    )
    return score


@dataclass
class Report:
    """Totals over records, as printed by ``bench/pii_eval.py``."""

    records: list[RecordScore]

    def _total(self, attribute: str) -> int:
        return sum(len(getattr(r, attribute)) for r in self.records)

    @property
    def units(self) -> int:
        return self._total("units")

    @property
    def recalled(self) -> int:
        return self._total("recalled")

    @property
    def leaks(self) -> int:
        return self._total("leaks")

    @property
    def missed(self) -> int:
        return self._total("missed")

    @property
    def recall(self) -> float:
        return self.recalled / self.units if self.units else 1.0

    @property
    def type_accuracy(self) -> float:
        return sum(r.type_correct for r in self.records) / self.recalled if self.recalled else 1.0

    @property
    def redactions(self) -> int:
        return sum(r.redactions for r in self.records)

    @property
    def over_redactions(self) -> int:
        return self._total("over_redactions")

    @property
    def lookalike_share(self) -> float:
        return self.over_redactions / self.redactions if self.redactions else 0.0

    @property
    def unlisted(self) -> int:
        return sum(r.unlisted for r in self.records)

    def per_type(self) -> dict[str, dict[str, float]]:
        """Units, recalled and recall for each gold type (a unit counts for each of its types)."""
        units: Counter[str] = Counter()
        recalled: Counter[str] = Counter()
        for record in self.records:
            for unit in record.units:
                units.update(unit.types)
            for unit in record.recalled:
                recalled.update(unit.types)
        return {
            pii_type: {
                "units": units[pii_type],
                "recalled": recalled[pii_type],
                "recall": recalled[pii_type] / units[pii_type],
            }
            for pii_type in sorted(units)
        }

    def as_dict(self) -> dict[str, object]:
        """The figures (no PII strings) as plain data for ``--json``."""
        return {
            "records": len(self.records),
            "units": self.units,
            "recalled": self.recalled,
            "leaks": self.leaks,
            "missed": self.missed,
            "recall": round(self.recall, 4),
            "type_accuracy": round(self.type_accuracy, 4),
            "per_type": self.per_type(),
            "redactions": self.redactions,
            "lookalike_over_redactions": self.over_redactions,
            "lookalike_share": round(self.lookalike_share, 4),
            "unlisted_redactions": self.unlisted,
            "unlocated_gold_strings": self._total("unlocated"),
        }


RECORD_SUFFIXES = (".txt", ".md", ".eml", ".vtt", ".srt", ".jsonl")


def devset_records(devset: Path) -> list[Path]:
    """The record files of a devset folder that have a gold file beside them."""
    return sorted(
        path
        for path in devset.iterdir()
        if path.suffix in RECORD_SUFFIXES and path.with_name(path.stem + ".gold.json").exists()
    )


def read_record(path: Path) -> list[Interaction]:
    """The interactions of one record, through the product's readers (e-mails decoded)."""
    from semcrm.ingest.readers import read_path

    return read_path(path)


def evaluate_devset(devset: Path) -> tuple[Report, float, int]:
    """Detect and score every record: ``(report, seconds spent detecting, characters)``."""
    from semcrm.ingest.pii.detect import detect

    scores = []
    seconds = 0.0
    characters = 0
    for path in devset_records(devset):
        texts: list[str] = []
        spans: list[PiiSpan] = []
        offset = 0
        for interaction in read_record(path):
            began = time.perf_counter()
            found = detect(interaction)
            seconds += time.perf_counter() - began
            characters += len(interaction.text)
            spans.extend(replace(s, start=s.start + offset, end=s.end + offset) for s in found)
            texts.append(interaction.text)
            offset += len(interaction.text) + 1
        scores.append(score_record(path.stem, "\n".join(texts), load_gold(path), spans))
    return Report(scores), seconds, characters


def load_gold(path: Path) -> dict:
    """The gold annotation beside a devset record (``D01.txt`` -> ``D01.gold.json``)."""
    return json.loads(path.with_name(path.stem + ".gold.json").read_text("utf-8"))
