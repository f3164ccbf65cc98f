"""Phone numbers: personal mobiles are PII; office lines and hotlines are look-alikes.

The number's *shape* decides where it can: a Chinese 1[3-9]x 11-digit number
and a UK 07xxx / +44 7xxx number are mobiles; Chinese 0xxx-xxxxxxx numbers,
UK 01/02/03 numbers and 400/800 numbers are landlines or hotlines and are
claimed as look-alikes, so nothing else redacts them. Where the shape is
ambiguous (NANP, other international numbers) the nearest cue word decides:
mobile/cell/text me/手机/微信 make it ``mobile_phone``; office/direct/line/
front desk/座机/热线 make it a look-alike; with no cue it is redacted as
``phone``, since a number we cannot place is safer redacted.

Numbers are matched on the :func:`~semcrm.ingest.pii.numerals.ascii_view`
(full-width digits and spaces made ASCII). Digit names read out one by one
(幺三九…, "four-one-five…") are numbers too; a run that starts like a CN
mobile counts even when it is short, because speakers correct themselves
mid-number ("幺三九，零七五一……不对") and the false start is still personal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.numerals import (
    EN_SPOKEN_RUN,
    ZH_SPOKEN_RUN,
    spoken_en_digits,
    spoken_zh_digits,
)
from semcrm.ingest.pii.spans import LOOKALIKE, Candidate

PRIORITY = 70

_GROUP = r"(?:\(0\)|\(\+?\d{1,4}\)|\d{1,5})"
NUMBER_LIKE = re.compile(
    r"(?<![A-Za-z0-9_@#/.+*])(?<![A-Za-z0-9]-)(?:\+ ?)?"
    + _GROUP
    + r"(?:(?: ?- ?| {1,2})?"
    + _GROUP
    + r"){1,6}"
    r"(?:转\d{1,5})?(?![A-Za-z0-9_@*]|[.\-]\d)"
)
_GROUPS = re.compile(r"\d+")

MOBILE, LANDLINE = "mobile", "landline"
CUES = (
    (
        re.compile(
            r"mobile|cell|text me|texts?\b|whatsapp|wechat|signal|手机|微信|移动电话|"
            r"\bM(?:ob)?\s*[:：]",
            re.IGNORECASE,
        ),
        MOBILE,
    ),
    (
        re.compile(
            r"office|direct|\bline\b|desk|reception|switchboard|\btel\b|telephone|fax|hotline|"
            r"main number|座机|办公室|总机|热线|传真|前台|客服电话|服务电话|\bT\s*[:：]|转",
            re.IGNORECASE,
        ),
        LANDLINE,
    ),
)


def _shape(raw: str) -> tuple[str | None, str]:
    """Classify a matched number by shape: ``(kind, digits)``; kind None means "not a phone"."""
    groups = _GROUPS.findall(raw.split("转")[0])
    digits = "".join(groups)
    international = (
        raw.startswith(("+", "(+")) or re.fullmatch(r"00[1-9]\d{0,2}", groups[0]) is not None
    )
    national = digits[2:] if digits.startswith("00") else digits
    rest_groups = groups
    if international:
        for code in ("86", "44", "1"):
            if national.startswith(code):
                national = national[len(code) :]
                rest_groups = groups[1:] if groups and groups[0].lstrip("0") == code else groups
                if code == "44" and not national.startswith("0"):
                    national = "0" + national
                if code == "1" and not re.fullmatch(r"[2-9]\d{9}", national):
                    return ("intl", digits) if 8 <= len(digits) <= 15 else (None, digits)
                break
        else:
            return ("intl", digits) if 8 <= len(digits) <= 15 else (None, digits)
    elif len(national) == 13 and national.startswith("861"):
        national = national[2:]
    if re.fullmatch(r"1[3-9]\d{9}", national) and all(len(g) >= 3 for g in rest_groups):
        return "cn_mobile", national
    if re.fullmatch(r"07\d{9}", national):
        return "uk_mobile", national
    if re.fullmatch(r"0[1-3]\d{8,9}", national) and not re.fullmatch(r"0\d{2,3}", groups[0]):
        return "uk_landline", national
    if (
        re.fullmatch(r"0[1-9]\d{1,2}", rest_groups[0] if rest_groups else "")
        and 10 <= len(national) <= 12
    ):
        return "cn_landline", national
    if re.fullmatch(r"[48]00\d{7}", national):
        return "hotline", national
    lengths = [len(g) for g in rest_groups]
    nanp_grouping = lengths in ([3, 3, 4], [3, 7]) or (lengths == [10] and international)
    if re.fullmatch(r"[2-9]\d{9}", national) and nanp_grouping:
        return "nanp", national
    return None, digits


def find_phones(text: str, view: str) -> Iterator[Candidate]:
    """Phone numbers in ``text`` (matched on ``view``): mobiles, other phones and look-alikes."""
    for match in NUMBER_LIKE.finditer(view):
        raw = match.group()
        if "*" in view[max(0, match.start() - 1) : match.end() + 1]:
            continue
        kind, _digits = _shape(raw)
        if kind is None:
            continue
        start, end = match.span()
        if kind in ("cn_mobile", "uk_mobile"):
            yield Candidate(start, end, "mobile_phone", kind, PRIORITY)
        elif kind in ("uk_landline", "cn_landline", "hotline"):
            yield Candidate(start, end, LOOKALIKE, kind, PRIORITY)
        else:
            cue = nearest_cue(view, start, CUES)
            if cue == MOBILE:
                yield Candidate(start, end, "mobile_phone", kind, PRIORITY)
            elif cue == LANDLINE:
                yield Candidate(start, end, LOOKALIKE, f"{kind}_landline", PRIORITY)
            else:
                yield Candidate(start, end, "phone", kind, PRIORITY)
    yield from _spoken(text)


def _spoken(text: str) -> Iterator[Candidate]:
    for match in ZH_SPOKEN_RUN.finditer(text):
        digits = spoken_zh_digits(match.group())
        yield from _spoken_candidate(text, match.start(), match.end(), digits, "zh_spoken")
    for match in EN_SPOKEN_RUN.finditer(text):
        digits = spoken_en_digits(match.group())
        yield from _spoken_candidate(text, match.start(), match.end(), digits, "en_spoken")


def _spoken_candidate(
    text: str, start: int, end: int, digits: str, recognizer: str
) -> Iterator[Candidate]:
    if len(digits) < 5:
        return
    if len(digits) < 7:
        # a short run is a false start only right after a mobile cue: 手机幺三九，零零……
        if re.match(r"1[3-9]", digits) and nearest_cue(text, start, CUES, window=12) == MOBILE:
            yield Candidate(start, end, "mobile_phone", recognizer, PRIORITY)
        return
    if re.match(r"1[3-9]", digits) and len(digits) <= 11:
        yield Candidate(start, end, "mobile_phone", recognizer, PRIORITY)
        return
    cue = nearest_cue(text, start, CUES, window=60)
    if cue == LANDLINE or (digits.startswith("0") and cue != MOBILE):
        yield Candidate(start, end, LOOKALIKE, f"{recognizer}_landline", PRIORITY)
    elif cue == MOBILE or recognizer == "en_spoken":
        yield Candidate(start, end, "mobile_phone", recognizer, PRIORITY)
    else:
        yield Candidate(start, end, "phone", recognizer, PRIORITY)
