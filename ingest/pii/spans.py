"""The unit of de-identification: one detected piece of personal data.

A :class:`PiiSpan` is a half-open character range ``[start, end)`` over the
*original* (raw) interaction text, typed with one of :data:`PII_TYPES`. The
raw ``text`` travels with the span only inside the process that redacts it:
it is never stored, logged or put into an error message (``repr`` hides it).

:class:`Candidate` is the internal form recognisers yield before overlaps are
resolved. Besides personal data, recognisers also yield *blockers*: look-alikes
such as office landlines, corporate accounts and Message-IDs that are claimed
so that no weaker recogniser redacts part of them. Blockers never leave
:func:`semcrm.ingest.pii.detect`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The personal-data types the PII stage knows, in the order of the devset README.
PII_TYPES: tuple[str, ...] = (
    "person_name",
    "mobile_phone",
    "phone",
    "email",
    "cn_resident_id",
    "bank_card",
    "street_address",
    "licence_plate",
)

#: The prefix of each type's pseudonym, e.g. ``PERSON-1A2B3C4D``.
PSEUDONYM_PREFIXES: dict[str, str] = {
    "person_name": "PERSON",
    "mobile_phone": "MOBILE",
    "phone": "PHONE",
    "email": "EMAIL",
    "cn_resident_id": "CNID",
    "bank_card": "CARD",
    "street_address": "ADDRESS",
    "licence_plate": "PLATE",
}

#: The type of a blocker candidate: a look-alike that must survive redaction.
LOOKALIKE = "lookalike"


@dataclass(frozen=True)
class PiiSpan:
    """One occurrence of personal data in an interaction's raw text.

    Attributes:
        start (int), end (int): offsets in the original text; ``text`` is
            ``original[start:end]``.
        type (str): one of :data:`PII_TYPES`.
        text (str): the raw matched text (never stored, never logged).
        recognizer (str): the id of the recogniser that found it, e.g.
            ``"cn_mobile"``, ``"speaker_name"``, ``"surname_title"``.
        pseudonym (str): filled by :func:`~semcrm.ingest.pii.redact`.
        title (str | None): a non-identifying title kept as data (``"经理"``
            for 阚经理, ``"Dr."`` for Dr. Tolliver).
        refers_to (str | None): the pseudonym of the full-name person this
            alias was resolved to, if any.
    """

    start: int
    end: int
    type: str
    text: str = field(repr=False)
    recognizer: str
    pseudonym: str = ""
    title: str | None = None
    refers_to: str | None = None

    def __post_init__(self) -> None:
        if self.type not in PII_TYPES:
            raise ValueError(f"unknown PII type {self.type!r}; expected one of {PII_TYPES}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"empty or negative span {self.start}-{self.end}")


@dataclass(frozen=True)
class Candidate:
    """A recogniser's proposal, before overlaps are resolved.

    ``priority`` orders competing proposals for the same characters (higher
    wins, then the longer one); ``value`` is what the pseudonym is computed
    from when it differs from the matched text (a name without its title).
    """

    start: int
    end: int
    type: str
    recognizer: str
    priority: int
    value: str | None = None
    title: str | None = None

    @property
    def is_pii(self) -> bool:
        return self.type != LOOKALIKE


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep a non-overlapping subset: higher priority first, then longer, then earlier.

    One sort plus a byte per character of occupancy: O(n log n + total span
    length), so a long document with thousands of candidates stays linear.
    """
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    occupied = bytearray(max(c.end for c in candidates))
    taken: list[Candidate] = []
    for candidate in ranked:
        if 1 in occupied[candidate.start : candidate.end]:
            continue
        taken.append(candidate)
        occupied[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
    return sorted(taken, key=lambda c: c.start)
