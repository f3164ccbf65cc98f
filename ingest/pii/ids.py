"""Chinese resident identity numbers (GB 11643-1999).

An 18-character number: a 6-digit region code whose first two digits are a
province code, an 8-digit birth date, a 3-digit sequence and a check
character (0-9 or X), written with or without spaces between the groups, in
half- or full-width digits. A number whose check character is right is an ID
wherever it appears. One whose check character is wrong is still an ID when
a label (身份证, 证件号, ID number, idno ...) appears shortly before it:
people mistype their ID, and the mistyped value is still personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.spans import Candidate

PRIORITY = 80

RESIDENT_ID = re.compile(
    r"(?<![A-Za-z0-9_\-])[1-8]\d{5} ?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r" ?\d{3} ?[\dXx](?![A-Za-z0-9_])"
)
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
        "91",
    ]
)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
LABELS = (
    (
        re.compile(r"身份证|证件号|公民身份|id ?(?:card|no|number)|idno|id_card|identity", re.I),
        "label",
    ),
)


def check_character(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """True when an 18-character ID (spaces ignored) has the right check character."""
    compact = value.replace(" ", "").upper()
    return (
        len(compact) == 18
        and compact[:17].isdigit()
        and check_character(compact[:17]) == compact[17]
    )


def find_resident_ids(text: str, view: str) -> Iterator[Candidate]:
    """Resident ID numbers; a bad check character needs a label within 160 characters before."""
    for match in RESIDENT_ID.finditer(view):
        raw = match.group()
        if raw[:2] not in PROVINCES:
            continue
        if is_valid_resident_id(raw):
            yield Candidate(
                match.start(), match.end(), "cn_resident_id", "cn_resident_id", PRIORITY
            )
        elif nearest_cue(view, match.start(), LABELS, window=160):
            yield Candidate(
                match.start(), match.end(), "cn_resident_id", "cn_resident_id_labelled", PRIORITY
            )
