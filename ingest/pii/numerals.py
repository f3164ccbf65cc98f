"""Number notations: full-width forms and digits read out one by one.

Recognisers never match the raw text directly for numbers. They match a
*view* of it made by :func:`ascii_view`, which maps full-width digits,
letters and the ideographic space to their ASCII forms one character for one
character, so every offset in the view is an offset in the original text.

Spoken numbers are recognised as runs of digit words: Chinese
(幺三八…, 一三八…, 零/〇) and English ("one three eight", "four-one-five",
"oh", "double five"). A run of digit *names* with no 十/百/千/万 in it is a
number read digit by digit, never a quantity, which is what makes these runs
safe to treat as phone numbers.
"""

from __future__ import annotations

import re

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = ord(" ")
_FULL_WIDTH[0x00A0] = ord(" ")
_FULL_WIDTH[0x2010] = ord("-")
_FULL_WIDTH[0x2011] = ord("-")
_FULL_WIDTH[0x2012] = ord("-")
_FULL_WIDTH[0x2013] = ord("-")
_FULL_WIDTH[0x2212] = ord("-")


def ascii_view(text: str) -> str:
    """``text`` with full-width forms made ASCII; same length, same offsets."""
    return text.translate(_FULL_WIDTH)


#: Chinese digit names, as read out in phone numbers (幺 = 1, 两 = 2).
ZH_DIGITS: dict[str, str] = {
    "零": "0",
    "〇": "0",
    "洞": "0",
    "幺": "1",
    "一": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_ZH_DIGIT_CLASS = "零〇幺一二两三四五六七八九"
#: At least five digit names, optionally separated by one comma, 、 or space.
ZH_SPOKEN_RUN = re.compile(
    rf"(?<![{_ZH_DIGIT_CLASS}十百千万亿点第])[{_ZH_DIGIT_CLASS}]"
    rf"(?:[，,、 \u3000]?[{_ZH_DIGIT_CLASS}]){{4,}}(?![{_ZH_DIGIT_CLASS}十百千万亿点])"
)

EN_DIGITS: dict[str, str] = {
    "zero": "0",
    "oh": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_EN_WORD = r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|double|triple)"
#: At least seven English digit words joined by hyphens, commas or spaces.
EN_SPOKEN_RUN = re.compile(
    rf"(?<![A-Za-z-]){_EN_WORD}(?:[\s,-]{{1,3}}{_EN_WORD}){{6,}}(?![A-Za-z])", re.IGNORECASE
)


def spoken_zh_digits(text: str) -> str:
    """The digits of a Chinese digit-name run (``"幺三九，零七"`` -> ``"13907"``)."""
    return "".join(ZH_DIGITS[char] for char in text if char in ZH_DIGITS)


def spoken_en_digits(text: str) -> str:
    """The digits of an English digit-word run; ``double``/``triple`` repeat the next one."""
    digits: list[str] = []
    repeat = 1
    for word in re.findall(r"[A-Za-z]+", text.lower()):
        if word == "double":
            repeat = 2
        elif word == "triple":
            repeat = 3
        elif word in EN_DIGITS:
            digits.append(EN_DIGITS[word] * repeat)
            repeat = 1
    return "".join(digits)


def to_digits(text: str) -> str:
    """Every digit of ``text`` in any notation (ASCII, full-width, Chinese or English names)."""
    view = ascii_view(text)
    if any(char in ZH_DIGITS for char in view):
        view = "".join(ZH_DIGITS.get(char, char) for char in view)
    if re.search(_EN_WORD, view, re.IGNORECASE):
        return spoken_en_digits(view) or re.sub(r"\D", "", view)
    return re.sub(r"\D", "", view)
