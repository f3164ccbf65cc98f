"""Phone numbers: personal mobiles are PII; office lines and hotlines are look-alikes.

The number's *shape* decides where it can: a Chinese 1[3-9]x 11-digit number
and a UK 07xxx / +44 7xxx number are mobiles; Chinese 0xxx-xxxxxxx numbers,
UK 01/02/03 numbers and 400/800 numbers are landlines or hotlines and are
claimed as look-alikes, so nothing else redacts them. Where the shape is
ambiguous (NANP, other international numbers) the nearest cue word decides:
mobile/cell/text me/手机/微信 make it ``mobile_phone``; office/direct/line/
front desk/座机/热线 make it a look-alike; with no cue it is redacted as
``phone``, since a number we cannot place is safer redacted.

Numbers are matched on the :func:`~semcrm.ingest.pii.numerals.number_view`
(full-width digits and spaces made ASCII, ``l39`` read as ``139``). The notations:
groups joined by spaces or hyphens, with or without a country code (``+86``,
``0086``, ``(86)``, ``86-``) or NANP trunk prefix (``1-415-…``); groups joined by
dots or slashes (``139.5711.8037``, ``415.555.0163``); digits typed one by one
(``1 3 9 5 …``). A CN mobile inside a handle (``wxid_13957114286``,
``bao13957114286``) makes the whole handle personal. Digit names read out one by
one are numbers too (:mod:`semcrm.ingest.pii.spoken`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.spans import LOOKALIKE, Candidate

PRIORITY = 70
#: A CN mobile inside an alphanumeric handle outranks the plain number recogniser.
HANDLE_PRIORITY = 72

_GROUP = r"(?:\(0\)|\(\+?\d{1,4}\)|\d{1,5})"
NUMBER_LIKE = re.compile(
    r"(?<![A-Za-z0-9_@#/.+*])(?<![A-Za-z0-9]-)(?:\+ ?)?"
    + _GROUP
    + r"(?:(?: ?- ?| {1,2})?"
    + _GROUP
    + r"){1,6}"
    r"(?:转\d{1,5})?(?![A-Za-z0-9_@*]|[.\-]\d)"
)
#: Groups joined by dots or slashes, the same separator throughout: ``139.5711.8037``,
#: ``139/5711/4286``, ``415.555.0163``, ``+1.415.555.0163`` (three groups, so no IP address,
#: date or version number has this shape).
DELIMITED = re.compile(
    r"(?<![A-Za-z0-9_@#/.+*\-])(?:\+?\d{1,3}([./]))?\d{3}([./])\d{3,4}\2\d{4}"
    r"(?![A-Za-z0-9_@*]|[./\-]\d)"
)
#: Digits spoken or typed one by one with spaces: ``1 3 9 5 7 1 1 4 2 8 6``.
SPACED_DIGITS = re.compile(r"(?<![A-Za-z0-9_.\-])\d(?:[ \-]\d){6,14}(?![A-Za-z0-9_]|[ \-]\d)")
_GROUPS = re.compile(r"\d+")
CN_MOBILE = re.compile(r"1[3-9]\d{9}")

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


def number_shape(raw: str) -> tuple[str | None, str]:
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
    elif len(national) == 13 and national.startswith("86") and CN_MOBILE.fullmatch(national[2:]):
        # a country code written without "+": 8613957114286, (86)139…, 86-139-…
        national = national[2:]
        rest_groups = groups[1:] if groups[0] == "86" else groups
    elif len(national) == 11 and groups[0] == "1" and len(groups) > 1:
        national = national[1:]  # NANP with its trunk prefix: 1-415-555-0163
        rest_groups = groups[1:]
    if CN_MOBILE.fullmatch(national) and all(len(g) >= 3 for g in rest_groups):
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
    if re.fullmatch(r"[48]00\d{7}|8(?:88|77|66|55|44|33)\d{7}", national):
        return "hotline", national
    lengths = [len(g) for g in rest_groups]
    nanp_grouping = lengths in ([3, 3, 4], [3, 7]) or (lengths == [10] and international)
    if re.fullmatch(r"[2-9]\d{9}", national) and nanp_grouping:
        return "nanp", national
    return None, digits


def _classified(view: str, start: int, end: int, kind: str) -> Candidate:
    """The candidate for a number of a known shape; the cue decides where the shape cannot."""
    if kind in ("cn_mobile", "uk_mobile"):
        return Candidate(start, end, "mobile_phone", kind, PRIORITY)
    if kind in ("uk_landline", "cn_landline", "hotline"):
        return Candidate(start, end, LOOKALIKE, kind, PRIORITY)
    cue = nearest_cue(view, start, CUES)
    if cue == MOBILE:
        return Candidate(start, end, "mobile_phone", kind, PRIORITY)
    if cue == LANDLINE:
        return Candidate(start, end, LOOKALIKE, f"{kind}_landline", PRIORITY)
    return Candidate(start, end, "phone", kind, PRIORITY)


_HANDLE_CHAR = re.compile(r"[A-Za-z0-9_\-]")


def _token_bounds(view: str, start: int, end: int) -> tuple[int, int]:
    """The alphanumeric token (letters, digits, ``_``, ``-``) around ``[start, end)``."""
    while start > 0 and _HANDLE_CHAR.match(view[start - 1]):
        start -= 1
    while end < len(view) and _HANDLE_CHAR.match(view[end]):
        end += 1
    return start, end


def find_handles(view: str) -> Iterator[Candidate]:
    """CN mobiles inside handles (``wxid_13957114286``) or URL values (``?tel=139…``).

    The whole handle is redacted, typed ``mobile_phone`` with the mobile's digits as the
    value, so it gets the same pseudonym as the number written on its own.
    """
    for match in re.finditer(r"(?<![0-9])1[3-9]\d{9}(?![0-9])", view):
        start, end = _token_bounds(view, match.start(), match.end())
        token = view[start:end]
        if re.search(r"[A-Za-z]", token) and len(token) <= 48:
            yield Candidate(start, end, "mobile_phone", "mobile_in_handle", HANDLE_PRIORITY,
                            value=match.group())  # fmt: skip
        elif token == match.group() and view[start - 1 : start] in ("/", "="):
            yield Candidate(start, end, "mobile_phone", "mobile_in_url", HANDLE_PRIORITY)


def find_phones(text: str, view: str) -> Iterator[Candidate]:
    """Phone numbers in ``text`` (matched on ``view``): mobiles, other phones and look-alikes.

    ``view`` is the :func:`~semcrm.ingest.pii.numerals.number_view`; spoken numbers are
    found by :mod:`semcrm.ingest.pii.spoken`.
    """
    for match in NUMBER_LIKE.finditer(view):
        raw = match.group()
        if "*" in view[max(0, match.start() - 1) : match.end() + 1]:
            continue
        kind, _digits = number_shape(raw)
        if kind is not None:
            yield _classified(view, match.start(), match.end(), kind)
    for match in DELIMITED.finditer(view):
        kind, _digits = number_shape(re.sub(r"[./]", " ", match.group()))
        if kind is not None:
            yield _classified(view, match.start(), match.end(), kind)
    for match in SPACED_DIGITS.finditer(view):
        kind, _digits = number_shape(re.sub(r"\D", "", match.group()))
        if kind is not None:
            yield _classified(view, match.start(), match.end(), kind)
    yield from find_handles(view)
