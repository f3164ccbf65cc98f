"""De-identification on the shared devset: the recall and over-redaction targets.

The devset README defines the scoring (units of merged occurrences, look-alike
over-redactions as a share of all redactions). The product target is recall
>= 99%; this test fails below 98% so that noise on a small set does not make
it flaky, and fails when look-alikes exceed 3% of redactions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from semcrm.ingest.pii import Pseudonymizer, redact
from semcrm.ingest.pii.scoring import devset_records, evaluate_devset, load_gold, read_record

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(devset_dir: Path):
    return evaluate_devset(devset_dir)[0]


def test_recall_of_pii_units_is_at_least_98_percent(report) -> None:
    assert report.units > 700
    assert report.recall >= 0.98, report.as_dict()


def test_look_alikes_are_at_most_3_percent_of_redactions(report) -> None:
    assert report.redactions > 0
    assert report.lookalike_share <= 0.03, report.as_dict()


def test_every_gold_string_is_located_in_the_text_the_detector_saw(report) -> None:
    assert report.as_dict()["unlocated_gold_strings"] == 0


def test_no_gold_pii_string_survives_redaction(devset_dir: Path) -> None:
    pseudonymizer = Pseudonymizer(b"t" * 32)
    survivors = []
    for path in devset_records(devset_dir):
        gold = load_gold(path)
        strings = {item.get("decoded") or item["text"] for item in gold["pii"]}
        for interaction in read_record(path):
            redacted = redact(interaction, pseudonymizer).interaction
            redacted.check()
            visible = [redacted.text, *(t.speaker or "" for t in redacted.turns)]
            visible += [hint.text for hint in redacted.name_hints] + list(redacted.participants)
            survivors += [
                (path.stem, len(s)) for s in strings if any(s in part for part in visible)
            ]
    assert survivors == []
