"""Who attended a meeting, read from the attendee lines of its minutes.

Minutes name their people in a few recognisable places (:data:`ROLES`):
an attendee field (``参会人``, ``出席``, ``Attendees``), a note-taker field
(``记录人``, ``Note taker``) and an absence field (``Apologies``, ``缺席``).
The field's value is either on the same line after the colon, or in the
list items that follow it (more indented than the field when the field is
itself a list item). Each item may start with an organisation and a colon
(``澄湾水务：...``, ``Parcelgrove: ...``); the rest is split at ``、 , ， ; ；``
outside parentheses, and each piece gives one person through
:func:`~.labels.person_in_phrase` (``"华东区总经理 汪屹"`` gives ``汪屹``,
``"Greta MacAulay (Operations Director)"`` gives ``Greta MacAulay``,
``"CEO Tracy 晏"`` gives ``Tracy 晏``).

Attendees and note takers are participants; everyone found (absent people
too) is a name hint with origin ``"attendee"``. The organisations in front
of the items go to metadata as ``attendee_orgs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from semcrm.ingest.model import NameHint
from semcrm.ingest.readers.labels import person_in_phrase

#: Field names and what they say about the people listed.
ROLES: dict[str, str] = {
    "参会人": "attendee", "参会人员": "attendee", "与会人": "attendee", "与会人员": "attendee",
    "与会者": "attendee", "出席": "attendee", "出席人": "attendee", "出席人员": "attendee",
    "参加人员": "attendee", "attendees": "attendee", "participants": "attendee",
    "present": "attendee", "记录人": "note_taker", "记录": "note_taker",
    "note taker": "note_taker", "minute taker": "note_taker", "缺席": "absent",
    "请假": "absent", "apologies": "absent", "absent": "absent",
}  # fmt: skip

_FIELD = re.compile(
    r"^(?P<indent>[ \t]*)(?:[-*+][ \t]+)?\**(?P<key>[^*:：\n]{1,20}?)\**[ \t]*"
    r"(?:[:：][ \t]*\**[ \t]*(?P<value>.*)|\**)$"
)
_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+•·][ \t]+(?P<text>.*)$")


@dataclass
class Attendees:
    """People found in the attendee lines of minutes."""

    participants: tuple[str, ...] = ()
    hints: list[NameHint] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def _split_outside_parens(text: str) -> list[str]:
    pieces: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and char in "、,，;；":
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def _people(item: str, orgs: list[str]) -> list[str]:
    item = item.replace("**", "").strip()
    parts = re.split(r"[:：]", item, maxsplit=1)
    if len(parts) == 2:
        orgs.append(parts[0].strip())
        item = parts[1]
    return [name for piece in _split_outside_parens(item) if (name := person_in_phrase(piece))]


def read_attendees(text: str) -> Attendees:
    """Attendees, note takers and apologies of the minutes in ``text`` (module doc)."""
    lines = text.split("\n")
    found: dict[str, list[str]] = {"attendee": [], "note_taker": [], "absent": []}
    orgs: list[str] = []
    for number, line in enumerate(lines):
        match = _FIELD.match(line)
        if not match or match["key"].strip().lower() not in ROLES:
            continue
        role = ROLES[match["key"].strip().lower()]
        value = (match["value"] or "").strip()
        if value:
            found[role].extend(_people(value, orgs))
            continue
        field_is_item = bool(_ITEM.match(line))
        for following in lines[number + 1 :]:
            item = _ITEM.match(following)
            if not item or (field_is_item and len(item["indent"]) <= len(match["indent"])):
                break
            found[role].extend(_people(item["text"], orgs))
    result = Attendees()
    people = found["attendee"] + found["note_taker"]
    result.participants = tuple(dict.fromkeys(people))
    result.hints = [NameHint(name, "attendee") for name in people + found["absent"]]
    if orgs:
        result.metadata["attendee_orgs"] = "; ".join(dict.fromkeys(o for o in orgs if o))
    if found["absent"]:
        result.metadata["absent"] = "; ".join(dict.fromkeys(found["absent"]))
    return result
