"""File names: de-identified more aggressively than running text.

A file name has no sentence around it to say "a person is named here", and
it travels further than the text (``semcrm:sourceName``, the ``source`` of
every evidence item in an API answer), so leaking one costs a lot and
over-redacting one costs little. :func:`redact_file_name` therefore runs the
text recognisers (with the interaction's known names as hints) and adds
three file-name rules:

* **Numbers across separators.** ``_ - . + /``, brackets and letter/digit
  boundaries separate groups (``张伟国_13912345678_通话记录``,
  ``call13912345678``, ``139-1234-5678``); every run of digit groups is tried
  whole and in sub-runs, and the longest that is a mobile or other phone, a
  resident ID (a province code and a real birth date; no checksum needed) or
  a Luhn-valid card is
  redacted. Dates and sequence numbers fit none of these.
* **Chinese names without context.** Each run of Chinese characters is
  segmented by dynamic programming into dictionary words (jieba's), single
  characters and *name hypotheses* (a surname and one or two given
  characters, or a surname and a title, that is not itself an ordinary
  word); the cheapest segmentation wins, and its names are redacted. So
  ``李红梅通话录音`` is 李红梅 | 通话 | 录音, ``与张伟国的通话`` is 与 | 张伟国 |
  的 | 通话, and ``周报汇总`` (周 is a surname) is 周报 | 汇总: no name.
* **Latin names across separators and case.** Tokens split at ``_ - .``,
  spaces and camel-case boundaries (``JohnSmith``, ``john_smith``); two
  adjacent tokens are a name when the first is a known given name and the
  second a known surname or a rare English word (wordfreq), or the second a
  known surname and the first a rare word (``call_with_John_Smith``,
  ``Hi_Margaret_Thornbury``), or when they are a pinyin name (``zhang_wei``);
  a known given name alone is a name too unless English uses it often as a
  word. Acronyms (CEM, TOS) and file words (call, notes, price) never are.
  The span covers both tokens and the separator, and its value is the two
  tokens joined by a space, so ``John_Smith`` gets the pseudonym John Smith
  gets in the text.

The extension (``.txt``, ``.eml``) is kept as it is.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Sequence

from wordfreq import zipf_frequency

from semcrm.ingest.pii import cards, ids, phones
from semcrm.ingest.pii.detect import Detection, detect_in_text, parse_hints
from semcrm.ingest.pii.invisible import fold
from semcrm.ingest.pii.lexicon import (
    COMMON_WORD_NAMES,
    NOT_IN_GIVEN_NAMES,
    common_english_words,
    is_common_word,
    latin_given_names,
    latin_surnames,
    word_entry,
)
from semcrm.ingest.pii.names_pinyin import is_pinyin_name
from semcrm.ingest.pii.names_zh import CJK, split_zh_name
from semcrm.ingest.pii.numerals import ascii_view, number_view
from semcrm.ingest.pii.pseudonyms import Pseudonymizer, canonical_type
from semcrm.ingest.pii.redact import apply_detection
from semcrm.ingest.pii.spans import Candidate, PiiSpan, resolve_overlaps

_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")
_DIGIT_RUN = re.compile(r"\+?\(?\d+\)?(?:[ _.\-+/()]{1,2}\d+)*(?:[Xx](?![A-Za-z]))?")
_CJK_RUN = re.compile(f"[{CJK}]+")
_LATIN_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_TOKEN_JOINS = frozenset(["", "_", "-", ".", " "])
#: Words common in file names that are also given names or surnames somewhere.
FILE_WORDS = frozenset(
    """call calls recording record audio video transcript notes note meeting minutes report
    summary draft final copy scan quote quotation price prices list order orders invoice
    contract proposal offer sales service support customer client chat log export data file
    doc docx pdf txt eml mail email message re fw fwd with and for from to the of new old
    update version review plan budget agenda follow up internal external team project demo
    test sample template form request response reply voice memo phone mobile wechat""".split()  # noqa: SIM905
)
STRUCTURED_PRIORITY = 90
NUMBER_PRIORITY = 80
NAME_PRIORITY = 50
#: Below this Zipf frequency (wordfreq) an English word is rare enough to be a surname.
RARE_ZIPF = 3.5
#: Below this Zipf frequency a capitalised given name alone is a name (Margaret, not John).
LONE_ZIPF = 4.5
#: A given name + surname pair outranks the text recognisers' single-token names inside it.
PAIR_PRIORITY = 55


def _number_kind(groups: list[str], plus: bool) -> str | None:
    """The PII type of digit groups read as one number, or None."""
    digits = "".join(groups)
    compact = digits.upper()
    if len(compact) in (15, 18) and ids.has_id_structure(
        compact
    ):  # no checksum needed here: over-redacting a file name costs little
        return "cn_resident_id"
    if not digits.isdigit():
        return None
    if 13 <= len(digits) <= 19 and cards.luhn_valid(digits) and digits[0] in "23456":
        return "bank_card"
    kind, _ = phones.number_shape(("+" if plus else "") + " ".join(groups))
    if kind in ("cn_mobile", "uk_mobile"):
        return "mobile_phone"
    if kind in ("nanp", "intl"):
        return "phone"
    return None


def _numbers(view: str) -> Iterator[Candidate]:
    """The longest PII number in every run of digit groups (see the module doc)."""
    for run in _DIGIT_RUN.finditer(view):
        groups = list(re.finditer(r"\d+(?:[Xx](?![A-Za-z]))?", run.group()))
        plus = run.group().startswith("+")
        taken: list[tuple[int, int]] = []
        windows = [(i, j) for i in range(len(groups)) for j in range(i, len(groups))]
        windows.sort(key=lambda w: -sum(len(g.group()) for g in groups[w[0] : w[1] + 1]))
        for i, j in windows:
            if any(i <= b and a <= j for a, b in taken):
                continue
            kind = _number_kind([g.group() for g in groups[i : j + 1]], plus and i == 0)
            if kind is None:
                continue
            taken.append((i, j))
            start = run.start() + (0 if plus and i == 0 else groups[i].start())
            yield Candidate(start, run.start() + groups[j].end(), kind, "file_name_number",
                            NUMBER_PRIORITY)  # fmt: skip


def _name_cost(word: str) -> float | None:
    """The segmentation cost of ``word`` as a name, or None when it cannot be one."""
    parsed = split_zh_name(word, strict=False)
    if parsed is None:
        return None
    entry = word_entry(word)
    if entry is not None and not (entry[1].startswith("nr") and entry[0] < 1000):
        return None  # an ordinary word (高峰 and 雷达 are tagged nr but used as words)
    return 1.5


def _cjk_names(run: str, offset: int) -> Iterator[Candidate]:
    """The names of the cheapest segmentation of a run of Chinese characters."""
    size = len(run)
    best = [math.inf] * (size + 1)
    back: list[tuple[int, bool]] = [(0, False)] * (size + 1)
    best[0] = 0.0
    for i in range(size):
        if best[i] == math.inf:
            continue
        options = [(i + 1, 1.0 if run[i] in NOT_IN_GIVEN_NAMES else 2.0, False)]
        for length in (2, 3, 4, 5):
            if i + length > size:
                break
            word = run[i : i + length]
            if length <= 4 and is_common_word(word):
                options.append((i + length, 1.0, False))
            cost = _name_cost(word)
            if cost is not None:
                options.append((i + length, cost, True))
        for end, cost, is_name in options:
            if best[i] + cost < best[end]:
                best[end] = best[i] + cost
                back[end] = (i, is_name)
    position = size
    while position > 0:
        start, is_name = back[position]
        if is_name:
            yield Candidate(offset + start, offset + position, "person_name", "file_name_zh",
                            NAME_PRIORITY)  # fmt: skip
        position = start


def _given(token: str) -> bool:
    """A known given name that is not an everyday word (nor an acronym: CEM, TOS)."""
    capital = token.capitalize()
    return (
        len(token) >= 3
        and not token.isupper()
        and capital in latin_given_names()
        and capital not in COMMON_WORD_NAMES
        and capital not in common_english_words()
        and token.lower() not in FILE_WORDS
    )


def _surname(token: str) -> bool:
    return (
        len(token) >= 2
        and not token.isupper()
        and token.capitalize() in latin_surnames()
        and token.lower() not in FILE_WORDS
        and token.capitalize() not in common_english_words()
    )


def _rare_word(token: str) -> bool:
    """A word English rarely uses (a surname such as Thornbury), but not an unknown token
    shorter than five letters (an abbreviation such as pipl or voc)."""
    frequency = zipf_frequency(token.lower(), "en")
    return (
        len(token) >= 3
        and not token.isupper()
        and token.lower() not in FILE_WORDS
        and frequency < RARE_ZIPF
        and (frequency > 0 or len(token) >= 5)
    )


def _lone_name(token: str) -> bool:
    """A given name standing alone: English uses it rarely as a word (``Margaret``), or,
    written in lower case (no capital to say "name"), very rarely (``orla``, not ``valid``)."""
    frequency = zipf_frequency(token.lower(), "en")
    if token[0].isupper():
        return frequency < LONE_ZIPF
    return len(token) >= 4 and frequency < RARE_ZIPF


def _latin_names(stem: str) -> Iterator[Candidate]:
    """Given name + surname pairs and lone given names across separators and case."""
    tokens = list(_LATIN_TOKEN.finditer(stem))
    used: set[int] = set()
    for index in range(len(tokens) - 1):
        first, second = tokens[index], tokens[index + 1]
        if stem[first.end() : second.start()] not in _TOKEN_JOINS:
            continue
        a, b = first.group(), second.group()
        pair = (_given(a) and (_surname(b) or _rare_word(b))) or (_surname(b) and _rare_word(a))
        if pair or is_pinyin_name(a.capitalize(), b.capitalize()):
            used.update((index, index + 1))
            yield Candidate(first.start(), second.end(), "person_name", "file_name_latin",
                            PAIR_PRIORITY, value=f"{a} {b}")  # fmt: skip
    for index, token in enumerate(tokens):
        word = token.group()
        if index not in used and _given(word) and _lone_name(word):
            yield Candidate(token.start(), token.end(), "person_name", "file_name_latin",
                            NAME_PRIORITY)  # fmt: skip


def _hint_tokens(stem: str, hints: Sequence[str]) -> Iterator[Candidate]:
    """Every token of a known Latin name, in any case, at token boundaries.

    Only the names the hints carry count (``Pavel Petrov`` of ``Pavel Petrov (Acme, CFO)``);
    role labels and personas (``Agent``, ``Support Bot``) are not names.
    """
    lowered = stem.lower()
    for hint in dict.fromkeys(value for _surface, value in parse_hints(tuple(hints))[0]):
        for token in re.findall(r"[A-Za-z]{3,}", hint):
            if token.lower() in FILE_WORDS or token.capitalize() in common_english_words():
                continue
            for match in re.finditer(re.escape(token.lower()), lowered):
                before = stem[match.start() - 1 : match.start()]
                after = stem[match.end() : match.end() + 1]
                if not (before.islower() and before.isalpha()) and not (
                    after.islower() and after.isalpha()
                ):
                    yield Candidate(match.start(), match.end(), "person_name", "file_name_hint",
                                    NAME_PRIORITY)  # fmt: skip


#: Text recognisers whose span is a whole handle around a mobile (``wxid_139…``): in a
#: file name ``_`` and ``-`` separate words, so the digit rule's tighter span wins.
_HANDLE_RECOGNIZERS = frozenset(["mobile_in_handle", "mobile_in_url"])


def _base_priority(span: PiiSpan) -> int:
    if span.type == "person_name":
        return NAME_PRIORITY + 2
    if span.recognizer in _HANDLE_RECOGNIZERS:
        return NUMBER_PRIORITY - 1
    return STRUCTURED_PRIORITY


def detect_file_name(name: str, name_hints: Sequence[str] = ()) -> Detection:
    """Personal data in a file's base name (see the module doc); the extension is kept."""
    extension = _EXTENSION.search(name)
    if extension and "@" in name and name.rsplit("@", 1)[1].count(".") < 2:
        extension = None  # "ann@example.com" is an address, not a file "ann@example" + ".com"
    stem = name[: extension.start()] if extension and extension.start() > 0 else name
    base = detect_in_text(stem, name_hints)
    candidates = [
        Candidate(span.start, span.end, span.type, span.recognizer, _base_priority(span),
                  value=value, title=span.title)
        for span, value in zip(base.spans, base.values, strict=True)
    ]  # fmt: skip
    folded = fold(stem)
    found = [*_numbers(number_view(ascii_view(folded.text))), *_latin_names(folded.text)]
    found += _hint_tokens(folded.text, name_hints)
    for run in _CJK_RUN.finditer(folded.text):
        found.extend(_cjk_names(run.group(), run.start()))
    for candidate in found:
        start, end = folded.span_to_original(candidate.start, candidate.end)
        value = candidate.value or folded.text[candidate.start : candidate.end]
        candidates.append(
            Candidate(start, end, candidate.type, candidate.recognizer, candidate.priority, value)
        )
    spans: list[PiiSpan] = []
    values: list[str] = []
    for candidate in resolve_overlaps(candidates):
        value = candidate.value or stem[candidate.start : candidate.end]
        pii_type = canonical_type(candidate.type, value)
        spans.append(PiiSpan(candidate.start, candidate.end, pii_type,
                             stem[candidate.start : candidate.end], candidate.recognizer,
                             title=candidate.title))  # fmt: skip
        values.append(value)
    return Detection(spans, values, {})


def redact_file_name(
    name: str, pseudonymizer: Pseudonymizer, name_hints: Sequence[str] = ()
) -> tuple[str, list[PiiSpan]]:
    """The de-identified base name of a file and the spans replaced (offsets into ``name``).

    ``name_hints`` are the person names the interaction is known to mention (its
    speakers, participants, hints); they are found in the name in any case.
    """
    name = os.path.basename(name)
    redacted, spans, _segments = apply_detection(name, detect_file_name(name, name_hints),
                                                 pseudonymizer)  # fmt: skip
    return redacted, list(spans)
