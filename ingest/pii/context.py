"""Context cues: the words before a value that say what kind of value it is.

A number's shape does not always say whether it is personal: a NANP number
may be a cell phone or a clinic's front desk, a 19-digit number a debit card
or a company's bank account. The *nearest* cue word before the value, on the
same line or the line before, decides ("Direct: ... | Cell: 555-0148": the
second number's nearest cue is "Cell"). Cue tables map a compiled pattern to
a kind; :func:`nearest_cue` returns the kind of the closest match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CueTable = Sequence[tuple[re.Pattern[str], str]]

#: A cue never reaches across this character: it separates texts detected in one batch
#: (:func:`semcrm.ingest.pii.detect.detect_in_texts`), so each is read as if alone.
BARRIER = "\x1e"


def nearest_cue(text: str, position: int, table: CueTable, window: int = 40) -> str | None:
    """The kind of the cue ending closest before ``position`` within ``window`` characters."""
    start = max(0, position - window)
    snippet = text[start:position]
    barrier = snippet.rfind(BARRIER)
    if barrier != -1:
        snippet = snippet[barrier + 1 :]
    best_kind: str | None = None
    best_end = -1
    for pattern, kind in table:
        for match in pattern.finditer(snippet):
            if match.end() > best_end:
                best_end, best_kind = match.end(), kind
    return best_kind


def line_bounds(text: str, position: int) -> tuple[int, int]:
    """``(start, end)`` of the line containing ``position`` (end excludes the newline)."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end == -1 else end


def header_value_spans(text: str, names: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of the values of e-mail-style header lines whose name matches ``names``.

    A header value continues on following lines that start with whitespace
    (RFC 5322 folding), as Message-ID and References often do.
    """
    spans: list[tuple[int, int]] = []
    for match in names.finditer(text):
        end = text.find("\n", match.end())
        end = len(text) if end == -1 else end
        while end < len(text) - 1 and text[end + 1] in " \t":
            next_end = text.find("\n", end + 1)
            end = len(text) if next_end == -1 else next_end
        spans.append((match.end(), end))
    return spans
