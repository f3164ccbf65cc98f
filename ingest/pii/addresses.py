"""Street addresses of private persons (company addresses are look-alikes).

Chinese: a run of characters and digits with an administrative part
(省/市/区/县/镇/乡), a street part (路/街/道/巷/弄/胡同) and a building or door
part (号/栋/幢/单元/室/楼 or a trailing door number). English: a house number,
one to three capitalised words and a street suffix (Row, Ave, Street ...),
optionally an apartment, a town and a state + ZIP or a UK postcode.

Whether the address is a home or a company's decides whether it is personal.
Home markers (小区/苑/花园/幢/单元/室, "Apt", a cue such as 我家/寄到/home/
ship it to) make it personal; office markers (大厦/写字楼/园区/公司, Business
Park, Suite, Floor) or a signature-block label (地址：after a company name)
make it a look-alike. With neither, a Chinese address with a door number is
treated as personal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.spans import LOOKALIKE, Candidate

PRIORITY = 50

_CJK = r"\u4e00-\u9fff"
ZH_ADDRESS = re.compile(
    rf"(?:[{_CJK}]{{1,12}}?(?:省|自治区))?(?:[{_CJK}]{{1,6}}市)?"
    rf"[{_CJK}]{{1,6}}(?:区|县|镇|乡|旗)[{_CJK}0-9]{{0,10}}?(?:路|街|大道|道|巷|弄|胡同)"
    rf"[{_CJK}0-9A-Za-z\-]{{0,24}}?(?:[0-9]+(?:号|栋|幢|单元|室|楼|层)|[0-9]{{3,4}}(?![0-9]))"
    rf"(?:[{_CJK}0-9A-Za-z\-]{{0,6}}?(?:[0-9]+(?:号|栋|幢|单元|室|楼|层)?))*"
)
_STREET_SUFFIX = (
    r"(?:Row|Ave|Avenue|St|Street|Rd|Road|Ln|Lane|Dr|Drive|Ct|Court|Way|Pl|Place|Close|Crescent|"
    r"Terrace|Blvd|Boulevard|Sq|Square|Gardens|Mews|Grove|Parade|Walk|Hwy|Highway|Pkwy|Parkway)"
    r"(?![A-Za-z])"
)
_CAP = r"[A-Z][a-z]+"
EN_ADDRESS = re.compile(
    rf"(?<![A-Za-z0-9:.\-])\d{{1,5}}[A-Za-z]? (?:{_CAP} ){{1,3}}{_STREET_SUFFIX}\.?"
    rf"(?:, (?:Apt|Apartment|Unit|Flat|Suite|#) ?[A-Za-z0-9\-]+)?"
    rf"(?:, (?:{_CAP} ){{0,2}}{_CAP})?"
    rf"(?:,? (?:[A-Z]{{2}} \d{{5}}(?:-\d{{4}})?|[A-Z]{{1,2}}\d[A-Z\d]? \d[A-Z]{{2}}))?"
)
_HOME_MARKERS = re.compile(r"小区|苑|花园|家园|公寓|新村|幢|单元|室|\bApt\b|Apartment|\bFlat\b")
_OFFICE_MARKERS = re.compile(
    r"大厦|大楼|写字楼|园区|产业园|工业园|科技园|公司|集团|中心|广场|Business Park|Industrial|"
    r"Suite|Floor|Tower|House\b|Centre|Center|Plaza"
)
HOME, OFFICE = "home", "office"
CUES = (
    (
        re.compile(
            r"我家|家里|住在|住址|家庭住址|收货地址|寄到|送到|寄给|home|ship it to|deliver", re.I
        ),
        HOME,
    ),
    (
        re.compile(
            r"地址[:：]|公司地址|办公地址|注册地址|Address:|Registered office|Head office", re.I
        ),
        OFFICE,
    ),
)


_LEAD_STOP = re.compile(r"[在是到于的址给往为我你他她们家住寄送说发]")
_ADMIN = re.compile(r"省|自治区|市|区|县|镇|乡|旗")


def _trim_lead(view: str, start: int, end: int) -> int:
    """Move ``start`` past words before the first place name (收货地址是|北京市...)."""
    value = view[start:end]
    first_unit = _ADMIN.search(value)
    if first_unit is None:
        return start
    stops = list(_LEAD_STOP.finditer(value, 0, first_unit.start()))
    return start + stops[-1].end() if stops else start


def _classify(text: str, value: str, start: int) -> str:
    cue = nearest_cue(text, start, CUES, window=50)
    if cue is not None:
        if cue == OFFICE and _HOME_MARKERS.search(value) and not _OFFICE_MARKERS.search(value):
            return HOME
        return cue
    if _OFFICE_MARKERS.search(value):
        return OFFICE
    return HOME


def find_addresses(text: str, view: str) -> Iterator[Candidate]:
    """Home addresses (PII) and company addresses (look-alikes)."""
    for pattern, recognizer in ((ZH_ADDRESS, "zh_address"), (EN_ADDRESS, "en_address")):
        for match in pattern.finditer(view):
            start, end = match.span()
            if pattern is ZH_ADDRESS:
                start = _trim_lead(view, start, end)
            value = view[start:end]
            if _classify(view, value, start) == HOME:
                yield Candidate(start, end, "street_address", recognizer, PRIORITY)
            else:
                yield Candidate(start, end, LOOKALIKE, f"{recognizer}_office", PRIORITY)
