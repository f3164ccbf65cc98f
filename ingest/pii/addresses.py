"""Street addresses of private persons (company addresses are look-alikes).

Chinese, two shapes:

* a run of characters and digits with an administrative part (省/市/区/县/镇/
  乡), a street part (路/街/道/巷/弄/胡同) and a building or door part (号/栋/
  幢/单元/室/楼 or a trailing door number);
* a locality without a street: optional administrative parts, then a
  residential compound or village (小区/花园/家园/公寓/新村/社区/苑/村) and
  at least one numbered part (幢/栋/单元/号楼/组/号 ...), as in
  ``翠苑小区12幢301`` or a rural ``…镇王庄村3组15号``.

English: a house number, one to three words and a street suffix (Row, Ave,
Street ...), optionally an apartment, a town and a state + ZIP or a UK
postcode; the words may be lower case (``55 oak avenue``) when none of them
is a function word or a unit (``5 minutes drive`` is not an address). A PO
box with its town and ZIP is an address too.

Whether the address is a home or a company's decides whether it is personal.
The nearest cue before it decides first: home cues (我家/住在/寄到/收货地址/
home/ship it to) make it personal; company cues (我们公司/我司/贵司/公司地址/
办公室/厂址/总部/our office/HQ/registered office, or a signature-block
``地址：``) make it a look-alike. Without a cue, office markers in or right
after the address (大厦/写字楼/园区/软件园/公司, Business Park, Suite,
Floor) make it a look-alike; otherwise it is treated as personal.
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
ZH_LOCALITY = re.compile(
    rf"(?:[{_CJK}]{{1,12}}?(?:省|自治区))?(?:[{_CJK}]{{1,6}}?市)?(?:[{_CJK}]{{1,6}}?(?:区|县|旗))?"
    rf"(?:[{_CJK}]{{1,6}}?(?:镇|乡|街道))?[{_CJK}]{{1,8}}?(?:小区|花园|家园|公寓|新村|社区|苑|村)"
    rf"(?:[{_CJK}]{{0,4}}?[0-9]+(?:组|队|号楼|号院|号|栋|幢|座|单元|室|楼|层|排|弄)){{1,5}}"
    rf"(?:[0-9]{{2,4}}(?![0-9]))?"
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
_LOWER_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|dr|court|ct|terrace|"
    r"crescent|highway|hwy|parkway|pkwy)"
)
EN_ADDRESS_ANY_CASE = re.compile(
    rf"(?<![A-Za-z0-9:.\-])\d{{1,5}}[A-Za-z]? (?P<words>(?:[A-Za-z]{{2,15}} ){{1,2}}){_LOWER_SUFFIX}"
    r"\.?(?![A-Za-z])",
    re.IGNORECASE,
)
#: Words that make "number + words + suffix" a quantity, not an address ("5 minutes drive").
_NOT_STREET_WORDS = frozenset(
    """the a an of to in on at by for from with and or but my your our his her their its this
    that these those some any more less few many much next last first other another each every
    all both half per about around over under into up down out off near far away back just only
    very also still even then than there here what which who is are was were be been have has
    had do does did will would can could should may might must not no yes minute minutes min
    mins hour hours hr hrs day days week weeks month months year years mile miles km metres
    meters block blocks time times people items units pieces percent dollars pounds euros yuan
    kg lbs steps floors stops lanes roads streets cars trucks new old big small long short
    good bad best worst same different test tests""".split()  # noqa: SIM905
)
EN_PO_BOX = re.compile(
    r"(?<![A-Za-z0-9])(?i:p\.? ?o\.? ?box|post office box) ?\d{1,6}"
    r"(?:,? (?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+)?(?:,? [A-Z]{2} \d{5}(?:-\d{4})?)?"
)
_HOME_MARKERS = re.compile(r"小区|苑|花园|家园|公寓|新村|幢|单元|室|\bApt\b|Apartment|\bFlat\b")
_OFFICE_MARKERS = re.compile(
    r"大厦|大楼|写字楼|园区|产业园|工业园|科技园|软件园|创业园|孵化器|开发区|工业区|办公楼|商务楼|"
    r"厂区|厂房|公司|集团|中心|广场|Business Park|Industrial|"
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
            r"地址[:：]|公司地址|办公地址|注册地址|我们公司|我司|本公司|贵司|贵公司|公司在|公司位于|"
            r"办公室|厂址|工厂|总部|门店|Address:|Registered office|Head office|our office|"
            r"our offices|\bHQ\b|headquarters|office is|offices are",
            re.I,
        ),
        OFFICE,
    ),
)


_LEAD_STOP = re.compile(r"[在是到于的址给往为我你他她们家住寄送说发]")
_ADMIN = re.compile(r"省|自治区|市|区|县|镇|乡|旗|小区|花园|家园|公寓|新村|社区|苑|村")


def _trim_lead(view: str, start: int, end: int) -> int:
    """Move ``start`` past words before the first place name (收货地址是|北京市...)."""
    value = view[start:end]
    first_unit = _ADMIN.search(value)
    if first_unit is None:
        return start
    stops = list(_LEAD_STOP.finditer(value, 0, first_unit.start()))
    return start + stops[-1].end() if stops else start


def _classify(text: str, value: str, start: int, end: int) -> str:
    cue = nearest_cue(text, start, CUES, window=50)
    after = re.split(r"[，,。；;！!？?\n]", text[end : end + 16], maxsplit=1)[0]
    office = _OFFICE_MARKERS.search(value) or _OFFICE_MARKERS.search(after)
    if cue is not None:
        if cue == OFFICE and _HOME_MARKERS.search(value) and not office:
            return HOME
        return cue
    return OFFICE if office else HOME


_PARTS = re.compile(r"[0-9]+(组|队|号楼|号院|号|栋|幢|座|单元|室|楼|层|排|弄)?")


def _numbered_enough(value: str) -> bool:
    """A locality names a dwelling, not a date: ``12幢301``, ``3组15号``, ``…镇王庄村15号``.

    One bare ``N号`` after a compound (``社区5号``) is as often the 5th of the month.
    """
    parts = _PARTS.findall(value)
    building = any(unit not in ("", "号", "楼", "层") for unit in parts)
    return (
        len(parts) >= 2 or building or re.search(r"[省市县镇乡旗]|(?<![小社])区", value) is not None
    )


#: Cheap tests for what each Chinese shape cannot do without (its marker, then a digit).
_PREFILTERS = {
    "zh_address": re.compile(rf"(?:路|街|道|巷|弄|胡同)[{_CJK}0-9A-Za-z\-]{{0,24}}?[0-9]"),
    "zh_locality": re.compile(rf"(?:小区|花园|家园|公寓|新村|社区|苑|村)[{_CJK}]{{0,4}}[0-9]"),
}


def find_addresses(text: str, view: str) -> Iterator[Candidate]:
    """Home addresses (PII) and company addresses (look-alikes)."""
    patterns = (
        (ZH_ADDRESS, "zh_address"),
        (ZH_LOCALITY, "zh_locality"),
        (EN_ADDRESS, "en_address"),
        (EN_ADDRESS_ANY_CASE, "en_address"),
        (EN_PO_BOX, "en_po_box"),
    )
    for pattern, recognizer in patterns:
        prefilter = _PREFILTERS.get(recognizer)
        if prefilter is not None and prefilter.search(view) is None:
            continue
        for match in pattern.finditer(view):
            start, end = match.span()
            if recognizer.startswith("zh"):
                start = _trim_lead(view, start, end)
            if pattern is ZH_LOCALITY and not _numbered_enough(view[start:end]):
                continue
            if pattern is EN_ADDRESS_ANY_CASE and any(
                word.lower() in _NOT_STREET_WORDS for word in match.group("words").split()
            ):
                continue
            value = view[start:end]
            if _classify(view, value, start, end) == HOME:
                yield Candidate(start, end, "street_address", recognizer, PRIORITY)
            else:
                yield Candidate(start, end, LOOKALIKE, f"{recognizer}_office", PRIORITY)
