"""Dates as sources write them, turned into ISO 8601 for ``Interaction.occurred_at``.

Only what can be read without guessing is converted: ``2024-03-15 20:14:03``,
``2024/3/15``, ``2024年4月17日 14:00``, RFC 2822 e-mail dates, ISO 8601
itself, and English dates (``19 March 2024``, ``March 19, 2024``; the date
only). A time zone is kept when the source gives an offset (``+08:00``,
``Z``); a zone abbreviation (``BST``, ``PDT``) is dropped rather than
guessed. Anything else gives None, and the turn keeps the time as written.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

_NUMERIC = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:[ T]|\s*[（(]?周.[)）]?\s*)*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"(?:[.,](?P<f>\d{1,6}))?(?P<z>Z|[+-]\d{2}:?\d{2})?)?"
)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_ENGLISH = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)? {_MONTH},? (?P<y1>\d{{4}})"
    rf"|{_MONTH.replace('month', 'month2')} (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y2>\d{{4}}))\b"
)


def _english_date(text: str) -> str | None:
    for match in _ENGLISH.finditer(text):
        month = _MONTHS.get((match["month"] or match["month2"] or "").lower())
        day, year = match["d1"] or match["d2"], match["y1"] or match["y2"]
        if month:
            try:
                return datetime(int(year), month, int(day)).date().isoformat()
            except ValueError:
                continue
    return None


def iso_datetime(text: str | None) -> str | None:
    """The first date (and time) in ``text`` as ISO 8601, or None (see module doc)."""
    if not text:
        return None
    match = _NUMERIC.search(text)
    if match:
        try:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            date = datetime(year, month, day)
        except ValueError:
            return None
        if match["H"] is None:
            return date.date().isoformat()
        try:
            moment = date.replace(
                hour=int(match["H"]), minute=int(match["M"]), second=int(match["S"] or 0)
            )
        except ValueError:
            return date.date().isoformat()
        result = moment.isoformat()
        if match["f"]:
            result += "." + match["f"]
        zone = match["z"]
        if zone:
            result += "Z" if zone == "Z" else f"{zone[:3]}:{zone[-2:]}"
        return result
    return rfc2822_datetime(text) or _english_date(text)


def rfc2822_datetime(text: str | None) -> str | None:
    """An e-mail ``Date:`` value as ISO 8601, or None when it cannot be parsed."""
    if not text:
        return None
    try:
        return parsedate_to_datetime(text.strip()).isoformat()
    except (TypeError, ValueError, IndexError):
        return None
