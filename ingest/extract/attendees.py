"""Sides from attendee lists: which organisation each attendee of a meeting belongs to.

Minutes list their attendees by organisation::

    - 屿城燃气：钮副总（分管运营）、管网所所长 [PERSON-…]、客服中心主任 [PERSON-…]
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
    r"参会|出席|与会|attendees|participants|时间|地点|date|time|location|主持|"
    r"联系人|联系方式|contacts?\b|负责人|owner|action|缺席|请假|apologies|absent|"
    r"抄送|\bcc\b|\bto\b|\bfrom\b",
    re.I,
)
# "Minutes by [PERSON-…]" written in a sentence rather than as a "label: name" line.
_TAKER_PHRASE = re.compile(
    r"(?:记录人|会议记录|纪要整理|整理人|minutes (?:taken )?by|note ?taker|recorded by)"
    r"\W{0,4}\[(PERSON-[0-9A-F]{8})\]",
    re.I,
)
#: Titles only the vendor's own staff carry in a customer meeting: an organisation whose
#: listed attendees all carry one is the vendor when no note taker says so.
VENDOR_TITLES = re.compile(
    r"销售|客户经理|客户成功|解决方案|售前|售后|商务经理|区域经理|大客户|"
    r"sales|account (?:manager|executive|director)|customer success|\bCSM\b|\bCSE\b|"
    r"solutions? (?:architect|engineer|consultant|manager)|pre-?sales",
    re.I,
)


def attendee_sides(
    text: str, person_spans: list[tuple[int, int, str]]
) -> tuple[dict[int, str], str | None]:
    """Person-span start -> side for attendees listed under an organisation, and the name of
    the vendor's organisation as the list writes it (None when the list does not say)."""
    by_org: dict[str, list[tuple[int, str]]] = {}
    takers: set[str] = {m.group(1) for m in _TAKER_PHRASE.finditer(text)}
    titled: dict[str, list[bool]] = {}
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
        # "测渊智能联系人：…" after "测渊智能：…" is the same organisation
        label = next((org for org in by_org if label.startswith(org)), label)
        by_org.setdefault(label, []).extend(inside)
        titled.setdefault(label, []).extend(
            bool(VENDOR_TITLES.search(_beside(text, s, line_start, line_end))) for s, _ in inside
        )
    if len(by_org) < 2:
        return {}, None
    vendor_orgs = {org for org, people in by_org.items() if takers & {key for _, key in people}}
    if not takers:
        vendor_orgs = {org for org, flags in titled.items() if flags and all(flags)}
    if len(vendor_orgs) != 1:
        return {}, None
    sides: dict[int, str] = {}
    for org, people in by_org.items():
        side = VENDOR if org in vendor_orgs else CUSTOMER
        for start, _ in people:
            sides[start] = side
    return sides, next(iter(vendor_orgs))


def _beside(text: str, start: int, line_start: int, line_end: int) -> str:
    """The words written with one attendee: from the previous list separator to the next."""
    left = max(text.rfind(mark, line_start, start) for mark in "、,，;；") + 1
    left = max(left, line_start)
    rights = [i for i in (text.find(mark, start, line_end) for mark in "、,，;；") if i != -1]
    return text[left : min(rights) if rights else line_end]
