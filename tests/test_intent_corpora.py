"""Readers of the labelled intent corpora: the real ones as published, broken ones named.

The real corpora are read from ``../shared/corpora`` (``$SEMCRM_SHARED/corpora``)
and these tests skip only when that folder is absent. Broken files are
written here, by hand, and each error names the file and the line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from semcrm.ingest.classify.bench import _hold_out
from semcrm.ingest.classify.corpora import CLINC_REJECT, Split, load_corpus
from semcrm.ingest.classify.errors import TrainingDataError

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEMCRM_SHARED") or REPO.parent / "shared")
CORPORA = SHARED / "corpora"

real = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no shared corpora at {CORPORA}")


@real
def test_banking77_as_published():
    corpus = load_corpus("banking77", CORPORA)
    assert (len(corpus.train), len(corpus.test)) == (10003, 3080)
    assert corpus.validation is None and corpus.reject_label is None
    assert len(set(corpus.train.labels)) == len(set(corpus.test.labels)) == 77
    assert all(t.strip() == t and t for t in corpus.train.texts)


@real
def test_clinc150_as_published_with_out_of_scope_under_the_reject_label():
    corpus = load_corpus("clinc150", CORPORA)
    assert (len(corpus.train), len(corpus.validation), len(corpus.test)) == (15100, 3100, 5500)
    assert corpus.reject_label == CLINC_REJECT
    assert corpus.train.labels.count(CLINC_REJECT) == 100
    assert corpus.test.labels.count(CLINC_REJECT) == 1000
    assert len(set(corpus.train.labels)) == 151


@real
def test_smp2017_as_published_bom_and_crlf_removed():
    corpus = load_corpus("smp2017", CORPORA)
    assert (len(corpus.train), len(corpus.validation), len(corpus.test)) == (2299, 770, 667)
    assert len(set(corpus.train.labels)) == 31 and "chat" in corpus.train.labels
    texts = corpus.train.texts + corpus.test.texts
    assert not any(t.startswith("\ufeff") or "\r" in t for t in texts)


def test_an_unknown_corpus_lists_the_known_ones(tmp_path):
    with pytest.raises(TrainingDataError, match="banking77, clinc150, smp2017"):
        load_corpus("snips", tmp_path)


def test_a_missing_corpus_folder_says_which_option_points_to_it(tmp_path):
    with pytest.raises(TrainingDataError, match="--corpora") as caught:
        load_corpus("smp2017", tmp_path)
    assert caught.value.source == str(tmp_path / "smp2017-ecdt")


def _banking(tmp_path: Path, train: bytes) -> Path:
    folder = tmp_path / "banking77"
    folder.mkdir()
    (folder / "train.csv").write_bytes(train)
    (folder / "test.csv").write_bytes(b"text,category\nhi,greeting\n")
    return folder / "train.csv"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"sentence,label\nhi,greeting\n", "line 1: expected the header text,category"),
        (b"text,category\nhi,greeting\nno label here,\n", "line 3: a row without text"),
        (b"text,category\nhi,greeting\nhi, there,greeting\n", "line 3: more fields"),
        (b"text,category\nhi,greeting\nok,fine\n\xff\xfe,bad\n", "line 4: not UTF-8"),
        (b'text,category\n"an open quote,greeting\n', "line 2: "),
    ],
    ids=["header", "empty-field", "extra-field", "not-utf8", "open-quote"],
)
def test_a_broken_banking_csv_names_file_and_line(tmp_path, content, message):
    path = _banking(tmp_path, content)
    with pytest.raises(TrainingDataError, match=message) as caught:
        load_corpus("banking77", tmp_path)
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)


def test_a_missing_banking_file_is_named(tmp_path):
    path = _banking(tmp_path, b"text,category\nhi,greeting\n")
    (path.parent / "test.csv").unlink()
    with pytest.raises(TrainingDataError, match="file not found") as caught:
        load_corpus("banking77", tmp_path)
    assert caught.value.source == str(path.parent / "test.csv")


def _clinc(tmp_path: Path, content: str) -> Path:
    (tmp_path / "clinc150").mkdir()
    path = tmp_path / "clinc150" / "data_full.json"
    path.write_text(content, encoding="utf-8")
    return path


def _clinc_data(**override) -> dict:
    data = {key: [["hello", "greeting"]] for key in ("train", "val", "test")}
    data.update({f"oos_{key}": [["what is love", "oos"]] for key in ("train", "val", "test")})
    data.update(override)
    return data


def test_clinc_json_that_does_not_parse_names_the_line(tmp_path):
    path = _clinc(tmp_path, '{\n  "train": [\n    ["hi", "greeting"],\n  ]\n}')
    with pytest.raises(TrainingDataError, match="line 4: not JSON") as caught:
        load_corpus("clinc150", tmp_path)
    assert caught.value.source == str(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _clinc_data(val=[["hello", "greeting"], ["only text"]]),
            r"val\[1\] is not \[text, label\]",
        ),
        (_clinc_data(test=[["", "greeting"]]), r"test\[0\] is not \[text, label\]"),
        ({"train": []}, "no 'oos_train' list"),
        ([["hello", "greeting"]], "expected a JSON object"),
    ],
    ids=["short-pair", "empty-text", "missing-split", "not-an-object"],
)
def test_clinc_items_that_are_not_pairs_are_named(tmp_path, data, message):
    path = _clinc(tmp_path, json.dumps(data))
    with pytest.raises(TrainingDataError, match=message) as caught:
        load_corpus("clinc150", tmp_path)
    assert caught.value.source == str(path)


def _smp(tmp_path: Path) -> Path:
    root = tmp_path / "smp2017-ecdt" / "Task1data"
    for split in ("train", "develop", "test"):
        (root / split).mkdir(parents=True)
        (root / split / f"{split}_weather.txt").write_bytes("\ufeff明天天气\r\n\r\n".encode())
        (root / split / f"{split}_chat.txt").write_bytes("你好\r\n".encode())
    return root


def test_smp_labels_come_from_file_names(tmp_path):
    _smp(tmp_path)
    corpus = load_corpus("smp2017", tmp_path)
    assert list(zip(corpus.train.texts, corpus.train.labels, strict=True)) == [
        ("你好", "chat"),
        ("明天天气", "weather"),
    ]


def test_smp_text_that_is_not_utf8_names_file_and_line(tmp_path):
    root = _smp(tmp_path)
    bad = root / "develop" / "develop_chat.txt"
    bad.write_bytes("你好\r\n再见\r\n".encode() + "天气".encode("gbk") + b"\r\n")
    with pytest.raises(TrainingDataError, match="line 3: not UTF-8") as caught:
        load_corpus("smp2017", tmp_path)
    assert caught.value.source == str(bad)


def test_an_smp_split_without_files_is_named(tmp_path):
    root = _smp(tmp_path)
    for path in (root / "test").iterdir():
        path.unlink()
    with pytest.raises(TrainingDataError, match=r"no test_<label>\.txt files") as caught:
        load_corpus("smp2017", tmp_path)
    assert caught.value.source == str(root / "test")


def test_a_corpus_without_validation_holds_out_every_tenth_example_of_each_label():
    split = Split([f"a{i}" for i in range(20)] + ["b1", "b2"], ["a"] * 20 + ["b", "b"])
    kept, held = _hold_out(split)
    assert held.texts == ["a9", "a19"]
    assert len(kept) == 20 and not set(kept.texts) & set(held.texts)
