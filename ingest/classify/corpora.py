"""Readers for the labelled intent corpora the benchmark uses, each into train/validation/test.

Each corpus is read exactly as published (see each folder's ``SOURCE.md``):

* ``banking77``: ``train.csv`` and ``test.csv`` with a ``text,category`` header;
  no validation split (the benchmark holds out part of train);
* ``clinc150``: ``data_full.json`` with ``train``/``val``/``test`` and
  ``oos_train``/``oos_val``/``oos_test`` lists of ``[text, label]``; the
  out-of-scope lists join their split under the reject label ``oos``;
* ``smp2017``: SMP2017-ECDT task 1, ``Task1data/{train,develop,test}/<split>_<label>.txt``,
  one query a line, UTF-8 with a byte-order mark and CRLF line ends;
  ``develop`` is the validation split.

A missing or malformed file is a :class:`TrainingDataError` naming the file
(and the line) and saying where the corpus is expected.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from semcrm.ingest.classify.errors import TrainingDataError

CORPORA = ("banking77", "clinc150", "smp2017")
#: Folder of each corpus inside the corpora folder.
FOLDERS = {"banking77": "banking77", "clinc150": "clinc150", "smp2017": "smp2017-ecdt"}
CLINC_REJECT = "oos"


@dataclass(frozen=True)
class Split:
    """Parallel texts and labels of one split."""

    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def sample(self, per_label: int) -> Split:
        """The first ``per_label`` texts of each label, in file order (a fast, stable slice)."""
        seen: dict[str, int] = defaultdict(int)
        texts, labels = [], []
        for text, label in zip(self.texts, self.labels, strict=True):
            if seen[label] < per_label:
                seen[label] += 1
                texts.append(text)
                labels.append(label)
        return Split(texts, labels)


@dataclass(frozen=True)
class Corpus:
    """A labelled corpus: train, an optional validation split, test, and its reject label."""

    name: str
    train: Split
    validation: Split | None
    test: Split
    reject_label: str | None = None

    def sample(self, per_label: int) -> Corpus:
        validation = self.validation.sample(per_label) if self.validation else None
        return Corpus(
            self.name,
            self.train.sample(per_label),
            validation,
            self.test.sample(per_label),
            self.reject_label,
        )


def load_corpus(name: str, corpora_dir: Path) -> Corpus:
    """Read corpus ``name`` (one of :data:`CORPORA`) from its folder under ``corpora_dir``."""
    if name not in CORPORA:
        raise TrainingDataError(name, f"unknown corpus; choose one of {', '.join(CORPORA)}")
    folder = corpora_dir / FOLDERS[name]
    if not folder.is_dir():
        raise TrainingDataError(
            str(folder),
            f"the {name} corpus is not here; pass --corpora with the folder that holds "
            f"{FOLDERS[name]}/",
        )
    if name == "banking77":
        return Corpus(name, _banking(folder / "train.csv"), None, _banking(folder / "test.csv"))
    if name == "clinc150":
        return _clinc(folder / "data_full.json")
    return Corpus(
        name,
        _smp(folder / "Task1data", "train"),
        _smp(folder / "Task1data", "develop"),
        _smp(folder / "Task1data", "test"),
    )


def _banking(path: Path) -> Split:
    texts, labels = [], []
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    try:
        if reader.fieldnames is None or not {"text", "category"} <= set(reader.fieldnames):
            raise TrainingDataError(str(path), "line 1: expected the header text,category")
        for row in reader:
            if None in row:
                raise TrainingDataError(
                    str(path),
                    f"line {reader.line_num}: more fields than the header names; "
                    "quote a text that holds a comma",
                )
            text, label = (row.get("text") or "").strip(), (row.get("category") or "").strip()
            if not text or not label:
                raise TrainingDataError(
                    str(path), f"line {reader.line_num}: a row without text or category"
                )
            texts.append(text)
            labels.append(label)
    except csv.Error as exc:
        raise TrainingDataError(str(path), f"line {reader.line_num}: {exc}") from exc
    return Split(texts, labels)


def _clinc(path: Path) -> Corpus:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise TrainingDataError(str(path), f"line {exc.lineno}: not JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise TrainingDataError(str(path), "line 1: expected a JSON object of splits")

    def split(*keys: str) -> Split:
        texts, labels = [], []
        for key in keys:
            if key not in data:
                raise TrainingDataError(str(path), f"no {key!r} list; is this data_full.json?")
            for index, pair in enumerate(data[key]):
                if not (
                    isinstance(pair, list)
                    and len(pair) == 2
                    and all(isinstance(x, str) and x.strip() for x in pair)
                ):
                    raise TrainingDataError(
                        str(path), f"{key}[{index}] is not [text, label] (two non-empty strings)"
                    )
                texts.append(str(pair[0]))
                labels.append(str(pair[1]))
        return Split(texts, labels)

    return Corpus(
        "clinc150",
        split("train", "oos_train"),
        split("val", "oos_val"),
        split("test", "oos_test"),
        CLINC_REJECT,
    )


def _smp(root: Path, split: str) -> Split:
    files = sorted((root / split).glob(f"{split}_*.txt"))
    if not files:
        raise TrainingDataError(str(root / split), f"no {split}_<label>.txt files here")
    texts, labels = [], []
    for path in files:
        label = path.stem.removeprefix(f"{split}_")
        # utf-8-sig drops the byte-order mark; splitlines() handles the CRLF line ends
        for line in _read_text(path, "utf-8-sig").splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(label)
    return Split(texts, labels)


def _read_text(path: Path, encoding: str = "utf-8") -> str:
    """The decoded file; a missing file or a byte that is not UTF-8 names the file (and line)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise TrainingDataError(str(path), "file not found") from exc
    except OSError as exc:
        raise TrainingDataError(str(path), f"cannot be read ({exc.strerror})") from exc
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TrainingDataError(str(path), f"line {line}: not UTF-8 text") from exc
