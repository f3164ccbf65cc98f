"""Numbers read out digit by digit: typed by their digits, like the same number written.

A run of digit names (幺三九…, 壹叁玖…, ``一八六57131155``, "double-oh eight
six …"; see :mod:`.numerals`) is turned into its digits, and the *digits*
decide its type, the same way they do for a written number, so a value gets
the same type (and the same pseudonym) in every notation:

* 18 characters with a province code, a real birth date and the right check
  character (or an ID label before it) are a resident ID; 15 digits with the
  old ID structure and a label too. A trailing ``X``/``叉`` after 17 spoken
  digits is the check character.
* 13-19 digits after a card or account cue (卡号, 账号, card, account) are
  ``bank_card``, and so are 16-19 digits that pass Luhn. Unlike a written
  account number (a company's, on an invoice: a look-alike), a number read
  out on a call is the caller's own.
* Otherwise it is a phone: an international prefix (``0086``, ``86``,
  ``0044``, ``001``) is dropped first; a CN mobile shape is a mobile even when
  short right after a mobile cue (speakers correct themselves mid-number:
  "幺八六，三四零二……不对", and the false start is still personal); a
  leading 0 without a mobile cue is an office landline (a look-alike).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii import cards, ids, phones
from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.numerals import (
    EN_SPOKEN_RUN,
    EN_SPOKEN_RUN_LOWER,
    ZH_SPOKEN_RUN,
    spoken_en_digits,
    spoken_zh_digits,
    trim_mixed_run,
)
from semcrm.ingest.pii.spans import LOOKALIKE, Candidate

PRIORITY = phones.PRIORITY
_CHECK_X = ("X", "x", "叉")


def _national(digits: str) -> str:
    """``digits`` without an international prefix a speaker read out."""
    if digits.startswith("0086") or (
        digits.startswith("86") and phones.CN_MOBILE.fullmatch(digits[2:])
    ):
        return digits[4:] if digits.startswith("00") else digits[2:]
    if digits.startswith("0044"):
        return "0" + digits[4:]
    if digits.startswith("001") and len(digits) == 13:
        return digits[3:]
    return digits


def _classify(view: str, start: int, end: int, digits: str, recognizer: str) -> Iterator[Candidate]:
    if len(digits) < 5:
        return
    if (
        len(digits) in (15, 18)
        and ids.has_id_structure(digits)
        and (ids.is_valid_resident_id(digits) or ids.is_labelled(view, start))
    ):
        yield Candidate(start, end, "cn_resident_id", f"{recognizer}_id", ids.PRIORITY)
        return
    if 13 <= len(digits) <= 19 and digits.isdigit():
        cue = nearest_cue(view, start, cards.CUES, window=60)
        if cue is not None or (len(digits) >= 16 and cards.luhn_valid(digits)):
            yield Candidate(start, end, "bank_card", f"{recognizer}_card", cards.PRIORITY)
            return
    yield from _phone(view, start, end, _national(digits), recognizer)


def _phone(view: str, start: int, end: int, digits: str, recognizer: str) -> Iterator[Candidate]:
    if len(digits) < 7:
        # a short run is a false start only right after a mobile cue: 手机幺三九，零零……
        if re.match(r"1[3-9]", digits) and nearest_cue(view, start, phones.CUES, 12) == "mobile":
            yield Candidate(start, end, "mobile_phone", recognizer, PRIORITY)
        return
    if re.match(r"1[3-9]", digits) and len(digits) <= 11:
        yield Candidate(start, end, "mobile_phone", recognizer, PRIORITY)
        return
    cue = nearest_cue(view, start, phones.CUES, window=60)
    uk_mobile = re.fullmatch(r"07\d{9}", digits) is not None  # read out, still a mobile
    if not uk_mobile and (
        cue == phones.LANDLINE or (digits.startswith("0") and cue != phones.MOBILE)
    ):
        yield Candidate(start, end, LOOKALIKE, f"{recognizer}_landline", PRIORITY)
        return
    if cue == phones.MOBILE or recognizer == "en_spoken" or uk_mobile:
        yield Candidate(start, end, "mobile_phone", recognizer, PRIORITY)
    else:
        yield Candidate(start, end, "phone", recognizer, PRIORITY)


def find_spoken_numbers(text: str, view: str) -> Iterator[Candidate]:
    """Phone numbers, IDs and cards read out digit by digit (matched on the ASCII view)."""
    for match in ZH_SPOKEN_RUN.finditer(view):
        trimmed = trim_mixed_run(match.group())
        if trimmed is None:
            continue
        start, end = match.start() + trimmed[0], match.start() + trimmed[1]
        digits = spoken_zh_digits(view[start:end])
        if len(digits) == 17 and view[end : end + 1] in _CHECK_X:
            digits, end = digits + "X", end + 1
        yield from _classify(view, start, end, digits, "zh_spoken")
    lowered = view.lower()
    spoken_runs = EN_SPOKEN_RUN_LOWER if len(lowered) == len(view) else EN_SPOKEN_RUN
    for match in spoken_runs.finditer(lowered if len(lowered) == len(view) else view):
        digits = spoken_en_digits(match.group())
        yield from _classify(view, match.start(), match.end(), digits, "en_spoken")
