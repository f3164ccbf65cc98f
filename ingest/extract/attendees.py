"""Sides from attendee lists: which organisation each attendee of a meeting belongs to.

Minutes list their attendees by organisation::

    - 屿城燃气：张副总（分管运营）、管网所所长 [PERSON-…]、客服中心主任 [PERSON-…]
    - 测渊智能：华东区总经理 [PERSON-…]、解决方案经理 [PERSON-…]
    - 记录人：[PERSON-…]

The vendor writes the minutes, so the organisation of the note taker
(记录人, 会议记录, Minutes by, Note taker, Recorder) is the vendor's and the
other organisations' attendees are on the customer's side. Without a note
taker the list says nothing about sides and no side is assigned.
"""

from __future__ import annotations

import re

from semcrm.ingest.extract.model import CUSTOMER, VENDOR

_ORG_LINE = re.compile(
    r"^[ \t]*(?:[-*•]\s*)?(?:\*\*)?(?P<org>[^：:\n\[\]*]{2,30}?)(?:\*\*)?[：:](?P<rest>.*)$", re.M
)
_NOTE_TAKER = re.compile(
    r"(记录人|会议记录|纪要整理|整理人|记录|minutes by|minutes taken by|note ?taker|recorder|recorded by)",
    re.I,
)
_NOT_ORGS = re.compile(
    r"参会|出席|与会|attendees|participants|时间|地点|date|time|location|主持", re.I
)


def attendee_sides(
    text: str, person_spans: list[tuple[int, int, str]]
) -> tuple[dict[int, str], str | None]:
    """Person-span start -> side for attendees listed under an organisation, and the name of
    the vendor's organisation as the list writes it (None when the list does not say)."""
    by_org: dict[str, list[tuple[int, str]]] = {}
    takers: set[str] = set()
    for match in _ORG_LINE.finditer(text):
        label, rest = match.group("org").strip(), match.group("rest")
        line_start, line_end = match.start("rest"), match.end("rest")
        inside = [(s, key) for s, e, key in person_spans if line_start <= s < line_end]
        if not inside:
            continue
        if _NOTE_TAKER.search(label):
            takers.update(key for _, key in inside)
            continue
        if _NOT_ORGS.search(label) or rest.count("[PERSON-") < 1:
            continue
        by_org.setdefault(label, []).extend(inside)
    if len(by_org) < 2 or not takers:
        return {}, None
    vendor_orgs = {org for org, people in by_org.items() if takers & {key for _, key in people}}
    if len(vendor_orgs) != 1:
        return {}, None
    sides: dict[int, str] = {}
    for org, people in by_org.items():
        side = VENDOR if org in vendor_orgs else CUSTOMER
        for start, _ in people:
            sides[start] = side
    return sides, next(iter(vendor_orgs))
