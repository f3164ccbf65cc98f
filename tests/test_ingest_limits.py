"""Inputs that are valid but pathological: they are processed in bounded time, or refused."""

from __future__ import annotations

import time

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.nlp.pipeline import defuse
from semcrm.ingest.pipeline import MAX_TEXT, Processor
from semcrm.ingest.readers import read_path


@pytest.fixture(scope="module")
def processor(ontology):
    return Processor(ontology, b"l" * 32)


def test_limits_long_punctuation_runs_are_blanked_for_the_tokenizer_with_offsets_kept():
    text = "Customer: why" + ")" * 40 + " ok"
    assert defuse(text) == "Customer: why" + " " * 40 + " ok"
    assert defuse("a.b!?") == "a.b!?"


@pytest.mark.parametrize("run", [")" * 16000, "[" * 8000 + "]" * 8000, "])" * 8000])
def test_limits_a_line_of_closing_brackets_is_processed_in_seconds(processor, tmp_path, run):
    """Regression: spaCy's tokenizer took a minute on 16,000 ")" (quadratic suffix splitting)."""
    path = tmp_path / "brackets.txt"
    path.write_text(f"Customer: a{run}\nAgent: ok\n", encoding="utf-8")
    started = time.perf_counter()
    processed = processor.process(read_path(path)[0])
    assert time.perf_counter() - started < 10
    assert processed.triples


def test_limits_an_interaction_too_large_to_hold_is_refused_with_the_limit(processor, tmp_path):
    """Regression: a 30 MB transcript of short turns grew past 24 GB and was killed by the OS."""
    line = "[00:00:01] 客户：我们想了解一下价格。\n"
    path = tmp_path / "huge.txt"
    path.write_text(line * (MAX_TEXT // len(line) + 10), encoding="utf-8")
    with pytest.raises(RejectedInput, match="split the file"):
        processor.process(read_path(path)[0])
