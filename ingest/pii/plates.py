"""Chinese vehicle licence plates (all plates count as personal data).

The shapes, matched on the ASCII view (full-width letters count) and with
the letters in either case (people type ``浙a12345``):

* ordinary and new-energy plates: a province character, an
  issuing-authority letter, an optional separator (·, ・, space or -) and
  five (ordinary) or six (new-energy) letters and digits; plates never use I
  or O, and the tail has at least one digit;
* special plates ending in a character: police 警, driving school 学, trailer
  挂, Hong Kong and Macau cross-border 港/澳, consulate 领, after four letters
  and digits (``苏E1234警``, ``粤Z1234港``); embassy plates ``使014578``;
* a plate split by words (decided here, since people say it that way): the
  province by abbreviation or full name, the letter, a plate word (牌照, 车牌,
  牌号, 号牌, 牌) and the tail, as in ``浙江A牌照D56172``. The whole phrase
  is one span, so neither half stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.spans import Candidate

PRIORITY = 60

_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PROVINCE_NAMES = (
    "北京|天津|上海|重庆|河北|河南|云南|辽宁|黑龙江|湖南|安徽|山东|新疆|江苏|浙江|江西|湖北|"
    "广西|甘肃|山西|内蒙古|陕西|吉林|福建|贵州|广东|青海|西藏|四川|宁夏|海南"
)
_LETTER = "[A-HJ-NP-Za-hj-np-z]"
_TAIL_CHAR = "[A-HJ-NP-Za-hj-np-z0-9]"
PLATE = re.compile(
    rf"(?<![A-Za-z0-9])[{_ABBREVIATIONS}]{_LETTER}[·・•\- ]?"
    rf"(?:(?=[A-Za-z]*\d){_TAIL_CHAR}{{5,6}}(?![A-Za-z0-9])|{_TAIL_CHAR}{{4}}[警学挂港澳领])"
)
EMBASSY_PLATE = re.compile(r"(?<![A-Za-z0-9])使[·・\- ]?\d{3}[·・\- ]?\d{3}(?![0-9])")
SPLIT_PLATE = re.compile(
    rf"(?:[{_ABBREVIATIONS}]|{_PROVINCE_NAMES})(?:省|市|自治区)?{_LETTER}"
    rf"(?:的)?(?:牌照|车牌|牌号|号牌|牌)(?:号)?(?:是|为|[:：])?[ ]?"
    rf"(?=[A-Za-z]*\d){_TAIL_CHAR}{{5,6}}(?![A-Za-z0-9])"
)


def find_plates(text: str, view: str) -> Iterator[Candidate]:
    """Licence plates, matched on the ASCII view (full-width letters count)."""
    for pattern, recognizer in (
        (PLATE, "cn_plate"),
        (EMBASSY_PLATE, "cn_plate_embassy"),
        (SPLIT_PLATE, "cn_plate_split"),
    ):
        if pattern is SPLIT_PLATE and "牌" not in view:
            continue
        for match in pattern.finditer(view):
            yield Candidate(match.start(), match.end(), "licence_plate", recognizer, PRIORITY)


_NAME_TO_ABBREVIATION = dict(zip(_PROVINCE_NAMES.split("|"), _ABBREVIATIONS, strict=True))
_PLATE_WORDS = re.compile(r"(?:省|市|自治区)|的|牌照|车牌|牌号|号牌|牌|号|是|为|[:：\s·・•.\-]")


def canonical_plate(value: str) -> str:
    """A plate in one notation: ``山东B牌照k47305`` and ``鲁B·K47305`` are both ``鲁BK47305``."""
    head = value[:3]
    for name, abbreviation in _NAME_TO_ABBREVIATION.items():
        if head.startswith(name):
            value = abbreviation + value[len(name) :]
            break
    return value[:1] + _PLATE_WORDS.sub("", value[1:]).upper()
