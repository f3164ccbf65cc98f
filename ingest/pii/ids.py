"""Chinese resident identity numbers (GB 11643-1999, and the older 15-digit form).

An 18-character number: a 6-digit region code whose first two digits are a
province code, an 8-digit birth date, a 3-digit sequence and a check
character (0-9 or X), in half- or full-width digits, contiguous or with a
space or hyphen between any of its groups (``510107 19780923 4613``,
``510107 1978 0923 4613``, ``510107-19780923-4613``). A number whose check
character is right is an ID wherever it appears. One whose check character
is wrong is still an ID when a label (身份证, 证件号, ID number, idno ...)
appears shortly before it: people mistype their ID, and the mistyped value
is still personal data.

The 15-digit form issued before 1999 (region, ``YYMMDD``, 3-digit sequence)
has no check character, so it needs a real region (a province code and
non-zero city and county digits) and a real 19YY birth date, and no card or
account cue nearer than an ID label (a 15-digit number after 卡号 is a card).
Numbers read out digit by digit are typed here too (:mod:`.spoken`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.spans import Candidate

PRIORITY = 80

_S = r"[ \-]?"
RESIDENT_ID = re.compile(
    rf"(?<![A-Za-z0-9_\-])[1-8]\d{{5}}{_S}(?:18|19|20)\d{{2}}{_S}(?:0[1-9]|1[0-2])"
    rf"(?:0[1-9]|[12]\d|3[01]){_S}\d{{3}}{_S}[\dXx](?![A-Za-z0-9_]|[ \-]\d)"
)
OLD_RESIDENT_ID = re.compile(
    rf"(?<![A-Za-z0-9_\-])[1-8]\d{{5}}{_S}\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    rf"{_S}\d{{3}}(?![A-Za-z0-9_]|[ \-]\d)"
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
#: Cues that make a 15-digit number a card or an account rather than an old ID.
_CARD_CUES = (
    (re.compile(r"卡号|银行卡|信用卡|账号|帐号|账户|card|account|订单|单号|order", re.I), "card"),
    *LABELS,
)


def check_character(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_valid_resident_id(value: str) -> bool:
    """True when an 18-character ID (spaces, hyphens ignored) has the right check character."""
    compact = re.sub(r"[ \-]", "", value).upper()
    return (
        len(compact) == 18
        and compact[:17].isdigit()
        and check_character(compact[:17]) == compact[17]
    )


def has_id_structure(compact: str) -> bool:
    """True when 15 or 18 characters have a province code and a real birth date."""
    if compact[:2] not in PROVINCES:
        return False
    if len(compact) == 18 and compact[:17].isdigit() and compact[17] in "0123456789Xx":
        return _real_date(int(compact[6:10]), int(compact[10:12]), int(compact[12:14]))
    if len(compact) == 15 and compact.isdigit() and compact[2:4] != "00" and compact[4:6] != "00":
        return _real_date(1900 + int(compact[6:8]), int(compact[8:10]), int(compact[10:12]))
    return False


def is_labelled(view: str, start: int) -> bool:
    """True when an ID label (身份证, ID number ...) appears within 160 characters before."""
    return nearest_cue(view, start, LABELS, window=160) is not None


def find_resident_ids(text: str, view: str) -> Iterator[Candidate]:
    """Resident ID numbers; a bad check character needs a label within 160 characters before."""
    for match in RESIDENT_ID.finditer(view):
        compact = re.sub(r"[ \-]", "", match.group())
        if compact[:2] not in PROVINCES:
            continue
        if is_valid_resident_id(compact) and has_id_structure(compact):
            yield Candidate(
                match.start(), match.end(), "cn_resident_id", "cn_resident_id", PRIORITY
            )
        elif is_labelled(view, match.start()):
            yield Candidate(
                match.start(), match.end(), "cn_resident_id", "cn_resident_id_labelled", PRIORITY
            )
    for match in OLD_RESIDENT_ID.finditer(view):
        compact = re.sub(r"[ \-]", "", match.group())
        if has_id_structure(compact) and nearest_cue(view, match.start(), _CARD_CUES, 60) in (
            None,
            "label",
        ):
            yield Candidate(
                match.start(), match.end(), "cn_resident_id", "cn_resident_id_15", PRIORITY
            )
