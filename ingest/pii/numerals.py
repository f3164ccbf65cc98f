"""Number notations: full-width forms, other scripts' digits, look-alike letters, digit names.

Recognisers never match the raw text directly for numbers. They match a
*view* of it made by :func:`ascii_view`, which maps full-width digits,
letters and the ideographic space, and the decimal digits of every other
script (Arabic-Indic, Devanagari, mathematical bold ...), to their ASCII
forms one character for one character, so every offset in the view is an
offset in the original text. :func:`number_view` goes one step further for
the number recognisers only: inside a token that is mostly digits, the
letters that look like digits (``l``/``I``/``|`` for 1, ``O``/``o`` for 0)
count as digits, so ``l39 57l1 4286`` is read as a mobile number while
``O2O`` or ``lol`` are left alone (a token needs at least two real digits
and at most one look-alike per two digits).

Spoken numbers are recognised as runs of digit words: Chinese (幺三八…,
一三八…, 零/〇, the financial numerals 壹贰叁…), also mixed with written
digits (``一八六57131155``), and English ("one three eight",
"four-one-five", "oh", "double five"). A run of digit *names* with no
十/百/千/万 (拾/佰/仟) in it is a number read digit by digit, never a
quantity, which is what makes these runs safe to treat as phone numbers.
"""

from __future__ import annotations

import re
import unicodedata


def _digit_table() -> dict[int, int]:
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    table.update({0x3000: ord(" "), 0x00A0: ord(" "), 0x2212: ord("-")})
    table.update({code: ord("-") for code in range(0x2010, 0x2014)})
    for code in range(0x80, 0x20000):
        value = unicodedata.decimal(chr(code), None)
        if value is not None:
            table[code] = ord("0") + value
    return table


_ASCII_TABLE = _digit_table()


def ascii_view(text: str) -> str:
    """``text`` with full-width forms and other scripts' digits made ASCII; same offsets."""
    return text.translate(_ASCII_TABLE)


_LOOKALIKE_DIGITS = str.maketrans("lI|Oo", "11100")
_DIGIT_TOKEN = re.compile(r"(?<![A-Za-z0-9|])[0-9lIOo|]*[0-9][0-9lIOo|]*(?![A-Za-z0-9|])")


def number_view(view: str) -> str:
    """The :func:`ascii_view` with digit look-alikes read as digits inside mostly-digit tokens."""
    if not re.search(r"[0-9][lIOo|]|[lIOo|][0-9]", view):
        return view

    def fix(match: re.Match[str]) -> str:
        token = match.group()
        digits = sum(char.isdigit() for char in token)
        lookalikes = len(token) - digits
        if lookalikes and digits >= 2 and 2 * lookalikes <= digits:
            return token.translate(_LOOKALIKE_DIGITS)
        return token

    return _DIGIT_TOKEN.sub(fix, view)


#: Chinese digit names, as read out in phone numbers (幺 = 1, 两 = 2), and financial numerals.
ZH_DIGITS: dict[str, str] = {
    "零": "0",
    "〇": "0",
    "洞": "0",
    "幺": "1",
    "一": "1",
    "壹": "1",
    "二": "2",
    "两": "2",
    "贰": "2",
    "貳": "2",
    "三": "3",
    "叁": "3",
    "參": "3",
    "四": "4",
    "肆": "4",
    "五": "5",
    "伍": "5",
    "六": "6",
    "陆": "6",
    "陸": "6",
    "七": "7",
    "柒": "7",
    "八": "8",
    "捌": "8",
    "九": "9",
    "玖": "9",
}
_ZH_DIGIT_CLASS = "".join(ZH_DIGITS)
_QUANTITY = "十百千万亿拾佰仟萬億点點第"
#: At least five digits, at least one of them a Chinese digit name, optionally separated
#: by one comma, 、, space or hyphen; matched on the ASCII view so full-width digits count.
ZH_SPOKEN_RUN = re.compile(
    rf"(?<![{_ZH_DIGIT_CLASS}{_QUANTITY}0-9A-Za-z_])(?=[0-9，,、 \-]*[{_ZH_DIGIT_CLASS}])"
    rf"[{_ZH_DIGIT_CLASS}0-9](?:[，,、 \-]?[{_ZH_DIGIT_CLASS}0-9]){{4,}}"
    rf"(?![{_ZH_DIGIT_CLASS}{_QUANTITY}0-9])"
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
#: The same, for text already lower-cased (much faster than IGNORECASE).
EN_SPOKEN_RUN_LOWER = re.compile(
    rf"(?<![a-z-]){_EN_WORD}(?:[\s,-]{{1,3}}{_EN_WORD}){{6,}}(?![a-z])"
)


_ZH_SEGMENT = re.compile(rf"[{_ZH_DIGIT_CLASS}]+")


def trim_mixed_run(run: str) -> tuple[int, int] | None:
    """The part of a :data:`ZH_SPOKEN_RUN` match that is a number read out, or None.

    In a run mixing digit names and written digits, a lone digit name at either end
    is a quantity word next to a code (``…240311-07两位``, ``3一个``), not part of
    the number; the run is only spoken if two or more digit names stand together.
    """
    start, end = 0, len(run)
    segments = list(_ZH_SEGMENT.finditer(run))
    if re.search(r"[0-9]", run):
        if len(segments[0].group()) == 1 and segments[0].start() == 0:
            start = segments[0].end()
            segments = segments[1:]
        if segments and len(segments[-1].group()) == 1 and segments[-1].end() == len(run):
            end = segments[-1].start()
            segments = segments[:-1]
        if not any(len(segment.group()) >= 2 for segment in segments):
            return None
    while start < end and not run[start].isalnum() and run[start] not in ZH_DIGITS:
        start += 1
    while end > start and not run[end - 1].isalnum() and run[end - 1] not in ZH_DIGITS:
        end -= 1
    return (start, end) if segments else None


def spoken_zh_digits(text: str) -> str:
    """The digits of a Chinese digit-name run (``"幺八六，三四"`` -> ``"18634"``)."""
    view = ascii_view(text)
    return "".join(
        ZH_DIGITS.get(char, char) for char in view if char in ZH_DIGITS or char.isdigit()
    )


def spoken_en_digits(text: str) -> str:
    """The digits of an English digit-word run; ``double``/``triple`` repeat the next one."""
    digits: list[str] = []
    repeat = 1
    for word in re.findall(r"[A-Za-z]+|\d", text.lower()):
        if word == "double":
            repeat = 2
        elif word == "triple":
            repeat = 3
        elif word in EN_DIGITS or word.isdigit():
            digits.append(EN_DIGITS.get(word, word) * repeat)
            repeat = 1
    return "".join(digits)


def to_digits(text: str) -> str:
    """Every digit of ``text`` in any notation (ASCII, full-width, Chinese or English names)."""
    view = number_view(ascii_view(text))
    if any(char in ZH_DIGITS for char in view):
        view = "".join(ZH_DIGITS.get(char, char) for char in view)
    if re.search(_EN_WORD, view, re.IGNORECASE):
        return spoken_en_digits(view) or re.sub(r"\D", "", view)
    return re.sub(r"[^0-9]", "", view)
