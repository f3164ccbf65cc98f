"""Text features for the linear backend: words and character n-grams, Chinese and English alike.

Short customer utterances carry their intent in a few words, often
misspelt, abbreviated or mixed across scripts, so a text is seen two ways
and both are TF-IDF weighted (sublinear term frequency, each block
L2-normalised) and concatenated:

* **words**: Chinese runs are segmented with jieba, Latin runs are lower-cased,
  contractions expanded ("don't" -> do not, so negation is a feature) and
  lightly stemmed ("charged", "charges" -> charg); word n-grams of
  ``word_ngrams`` lengths, except that an n-gram longer than one word is
  built only from Latin words;
* **characters**: n-grams inside each script run (a run of Chinese
  characters, or a whitespace-free chunk of anything else) padded with a
  space, as scikit-learn's ``char_wb``: up to ``char_ngrams[1]`` characters
  for Latin runs and up to ``cjk_char_max`` for Chinese ones. Chinese
  character n-grams make up for segmentation errors.

The script-dependent limits were measured on SMP2017's develop and test
splits and on CLINC150/Banking77: a Chinese character carries about a
syllable, so 4-grams and jieba word bigrams are rare features that the
regression over-fits (SMP2017 test accuracy fell by one to three points),
while English 4-grams are sub-word pieces that generalise.

Both views run on the width- and case-folded text
(:func:`semcrm.ingest.nlp.tokenizer.fold`), and pseudonym placeholders
(``[PERSON-1A2B3C4D]``) become their type word, so de-identified text and
the curated examples look alike. The analyzers are plain functions of a
:class:`FeatureConfig`, so a saved model stores only the config and the
vocabularies; :data:`FEATURES_VERSION` changes whenever the analyzers do,
and a model saved with another version is refused rather than silently
mis-read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import jieba

from semcrm.ingest.nlp.tokenizer import fold

#: Bumped whenever the analyzers below produce different features for the same text.
FEATURES_VERSION = 2

jieba.setLogLevel(logging.WARNING)

_PLACEHOLDER = re.compile(r"\[(person|mobile|phone|email|cnid|card|address|plate)-[0-9a-f]{8}\]")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9\u00c0-\u024f]+(?:['’][a-z]+)?|[?？!！]")
_CJK_RUN = re.compile(rf"[{_CJK}]")
_SCRIPT_RUN = re.compile(rf"[{_CJK}]+|[^{_CJK}]+")
_CONTRACTIONS = (
    ("n't", " not"),
    ("n’t", " not"),
    ("'re", " are"),
    ("'m", " am"),
    ("'ll", " will"),
    ("'ve", " have"),
    ("'d", " would"),
    ("'s", ""),
    ("’s", ""),
)
_SUFFIXES = ("ing", "edly", "ed", "ies", "es", "s", "ly")


@dataclass(frozen=True)
class FeatureConfig:
    """Which n-grams the two views produce (inclusive length ranges)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 4)
    cjk_char_max: int = 3

    def to_dict(self) -> dict[str, list[int] | int]:
        return {
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
            "cjk_char_max": self.cjk_char_max,
        }

    @classmethod
    def from_dict(cls, data: dict) -> FeatureConfig:
        lo, hi = data["word_ngrams"]
        clo, chi = data["char_ngrams"]
        return cls((int(lo), int(hi)), (int(clo), int(chi)), int(data["cjk_char_max"]))


def normalise(text: str) -> str:
    """Folded text with placeholders replaced by their type word and spaces collapsed."""
    folded = _PLACEHOLDER.sub(lambda m: f" {m.group(1)} ", fold(text))
    return " ".join(folded.split())


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (see the module docstring)."""
    out: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        token = match.group()
        if _CJK_RUN.match(token):
            out.extend(w for w in jieba.lcut(token) if w.strip())
            continue
        for old, new in _CONTRACTIONS:
            if token.endswith(old):
                token = token[: -len(old)] + new
                break
        out.extend(_stem(part) for part in token.split())
    return out


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def word_analyzer(config: FeatureConfig) -> Callable[[str], list[str]]:
    """An analyzer (text -> feature strings) for word n-grams."""
    lo, hi = config.word_ngrams

    def analyze(text: str) -> list[str]:
        tokens = words(text)
        grams: list[str] = tokens[:] if lo <= 1 else []
        latin = [not _CJK_RUN.match(t) for t in tokens]
        for n in range(max(lo, 2), hi + 1):
            grams.extend(
                " ".join(tokens[i : i + n])
                for i in range(len(tokens) - n + 1)
                if all(latin[i : i + n])
            )
        return grams

    return analyze


def char_analyzer(config: FeatureConfig) -> Callable[[str], list[str]]:
    """An analyzer for character n-grams within space-padded chunks."""
    lo, hi = config.char_ngrams

    def analyze(text: str) -> list[str]:
        grams: list[str] = []
        for chunk in normalise(text).split():
            for run in _SCRIPT_RUN.findall(chunk):
                top = min(hi, config.cjk_char_max) if _CJK_RUN.match(run) else hi
                padded = f" {run} "
                for n in range(lo, min(top, len(padded)) + 1):
                    grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams

    return analyze
