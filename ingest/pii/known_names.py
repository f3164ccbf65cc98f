"""Once a name is known in an interaction, every occurrence of it is redacted.

The recognisers find a name where its context reveals it (a speaker label,
"我是…", "Hi Imogen"); the same person is usually named again where the
context says nothing ("…发阚立新", "Imogen will"). So the names found are
collected into a per-interaction lexicon and searched for everywhere, with
one compiled alternation (longest first), Chinese anywhere and Latin names
only at Latin-letter boundaries.

Also added to the lexicon, per interaction only:

* the given name of a known Latin full name (Ravindra of Ravindra Thorsen),
  unless it is an everyday word;
* the given name of a known three-character Chinese name (振宇 of 詹振宇)
  when it occurs at least once as a form of address (``振宇、淑兰：``,
  ``收到思琪，``); a two-character given name is often an ordinary word
  (建国, 春风), and the address form is what shows it is used as a name.

:func:`resolve_aliases` then links aliases to the full name they refer to:
阚经理 to 阚立新 when exactly one known full name has the surname 阚, Ms. Chen
to Lily Chen when exactly one known Latin full name ends in Chen, 振宇 to
詹振宇. An alias gets its full name's pseudonym and ``refers_to``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from semcrm.ingest.pii.lexicon import COMMON_WORD_NAMES, HONORIFICS, ORG_WORDS
from semcrm.ingest.pii.names_zh import CJK, split_zh_name
from semcrm.ingest.pii.spans import Candidate

PRIORITY = 30
_HONORIFIC_PREFIX = re.compile(rf"^{HONORIFICS}\.?\s+")
_LATIN = re.compile(r"[A-Za-z]")


def name_value(candidate: Candidate, text: str) -> str:
    """The name a person candidate stands for, without honorific (``Maren Tolliver``)."""
    if candidate.value:
        return candidate.value
    return _HONORIFIC_PREFIX.sub("", text[candidate.start : candidate.end]).strip()


def _address_forms(text: str, given: str) -> bool:
    before = r"(?:^|[\s、，,：:@]|收到|谢谢|好的|你好|嗨|亲爱的)"
    pattern = rf"{before}{re.escape(given)}(?=[、，,：:！!]|你|您)"
    return re.search(pattern, text, re.MULTILINE) is not None


def build_lexicon(text: str, names: Iterable[tuple[str, str]], personas: set[str]) -> set[str]:
    """Every surface form to search for: the ``(surface, value)`` names found plus given names."""
    surfaces: set[str] = set()
    for surface, value in names:
        if surface in personas or len(surface) < 2:
            continue
        surfaces.add(surface)
        surfaces.add(value)
        if _LATIN.search(value):
            tokens = value.split()
            given = tokens[0]
            if (
                len(tokens) >= 2
                and re.fullmatch(r"[A-Z][a-z\u00df-\u017f'’-]{2,}", given)
                and given not in COMMON_WORD_NAMES
                and given not in ORG_WORDS
            ):
                surfaces.add(given)
        elif len(value) == 3:
            parsed = split_zh_name(value, strict=False)
            if parsed and parsed.kind == "full" and len(parsed.surname) == 1:
                given = value[1:]
                if _address_forms(text, given):
                    surfaces.add(given)
    return {surface for surface in surfaces if surface and surface not in personas}


_LATIN_EDGE = re.compile("[A-Za-z\u00c0-\u017f]")


def find_known(text: str, surfaces: set[str]) -> list[Candidate]:
    """Every occurrence of every surface form (CJK anywhere; Latin at letter boundaries).

    A ``str.find`` loop per surface: an interaction has tens of names, and
    this avoids compiling a fresh alternation for every interaction.
    """
    found: list[Candidate] = []
    for surface in surfaces:
        latin_start = _LATIN.match(surface[0]) is not None
        latin_end = _LATIN.match(surface[-1]) is not None
        position = text.find(surface)
        while position != -1:
            end = position + len(surface)
            before_ok = not (latin_start and position and _LATIN_EDGE.match(text[position - 1]))
            after_ok = not (latin_end and end < len(text) and _LATIN_EDGE.match(text[end]))
            if before_ok and after_ok:
                found.append(Candidate(position, end, "person_name", "known_name", PRIORITY))
            position = text.find(surface, position + 1)
    return found


def resolve_aliases(text: str, names: list[Candidate]) -> dict[int, str]:
    """Map the index of each alias candidate in ``names`` to the full name it refers to."""
    full_zh: dict[str, set[str]] = {}
    full_latin_last: dict[str, set[str]] = {}
    full_latin_first: dict[str, set[str]] = {}
    for candidate in names:
        value = name_value(candidate, text)
        if _LATIN.search(value):
            tokens = value.split()
            if len(tokens) >= 2:
                full_latin_last.setdefault(tokens[-1], set()).add(value)
                full_latin_first.setdefault(tokens[0], set()).add(value)
        else:
            parsed = split_zh_name(value, strict=False)
            if parsed and parsed.kind == "full" and len(value) >= 3:
                full_zh.setdefault(parsed.surname, set()).add(value)
    resolved: dict[int, str] = {}
    for index, candidate in enumerate(names):
        value = name_value(candidate, text)
        surface = text[candidate.start : candidate.end]
        targets: set[str] = set()
        if _LATIN.search(value):
            tokens = value.split()
            if len(tokens) == 1:
                honorific = _HONORIFIC_PREFIX.match(surface) is not None or candidate.title
                targets = (full_latin_last if honorific else full_latin_first).get(tokens[0], set())
        elif re.fullmatch(f"[{CJK}]+", value):
            parsed = split_zh_name(value, strict=False)
            if parsed and parsed.kind in ("title", "nick"):
                targets = full_zh.get(parsed.surname, set())
            elif len(value) == 2:
                targets = {
                    full for fulls in full_zh.values() for full in fulls if full[1:] == value
                }
        if len(targets) == 1:
            (target,) = targets
            if target != value:
                resolved[index] = target
    return resolved
