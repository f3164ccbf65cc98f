"""Chinese vehicle licence plates (all plates count as personal data).

A province character, an issuing-authority letter, an optional separator
(·, ・, space or -) and five (ordinary) or six (new-energy) letters and
digits; plates never use I or O, and the tail has at least one digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.spans import Candidate

PRIORITY = 60

PLATE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][·・•\- ]?(?=[A-HJ-NP-Z]*\d)[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])"
)


def find_plates(text: str, view: str) -> Iterator[Candidate]:
    """Licence plates, matched on the ASCII view (full-width letters count)."""
    for match in PLATE.finditer(view):
        yield Candidate(match.start(), match.end(), "licence_plate", "cn_plate", PRIORITY)
