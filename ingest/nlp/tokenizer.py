"""A tokenizer for Chinese, English and the mix of both that real CRM text is.

spaCy's Chinese ``char`` segmenter splits every character, Latin letters
included ("EdgeBox" becomes seven tokens), and a word segmenter (jieba,
pkuseg) splits the same phrase differently in different contexts, so an
ontology label and its occurrence in text can tokenise differently and the
PhraseMatcher misses it. This tokenizer is deterministic and context-free:

* each CJK character is a token (a label matches wherever its characters occur);
* a run of Latin letters and digits (with inner ``. - _ ' &``) is a token;
* a pseudonym placeholder such as ``[PERSON-1A2B3C4D]`` is one token;
* every other non-space character is a token of its own.

Matching works on a *folded* copy of the text: each character is mapped to
its NFKC, case-folded form when that form is a single character, so full-
and half-width, upper and lower case all match, and offsets stay those of
the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.tokens import Doc
from spacy.vocab import Vocab

_PIECE = re.compile(
    r"\s+"
    r"|(?i:\[(?:PERSON|MOBILE|PHONE|EMAIL|CNID|CARD|ADDRESS|PLATE)-[0-9A-F]{8}\])"  # pseudonym
    r"|[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F]|[.\-_'&](?=[A-Za-z0-9\u00C0-\u024F]))*"
    r"|\S",
)


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).casefold()
    return folded if len(folded) == 1 else char


def fold(text: str) -> str:
    """Width- and case-folded text with the same length (and offsets) as ``text``."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
    )


class MixedScriptTokenizer:
    """Callable spaCy tokenizer (text -> Doc) following the rules in the module docstring.

    It does not fold: callers tokenise ``fold(text)`` so that token texts are
    folded and character offsets are the original text's.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for match in _PIECE.finditer(text):
            piece = match.group()
            if piece.isspace():
                if words and piece[0] == " " and not spaces[-1]:
                    spaces[-1] = True
                    piece = piece[1:]
                if not piece:
                    continue
            words.append(piece)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy serialises tokenizers with the pipeline; this one has no state.
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **__: object) -> MixedScriptTokenizer:
        return self

    def to_disk(self, _path: object, **__: object) -> None:
        return None

    def from_disk(self, _path: object, **__: object) -> MixedScriptTokenizer:
        return self
