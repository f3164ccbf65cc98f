"""Invisible characters: detection sees the text without them, spans cover them.

Zero-width spaces and joiners, bidi controls, soft hyphens, the BOM and
combining marks on ASCII letters and digits do not change what a reader
sees, so ``139\\u200b5711\\u200b4286`` or ``1\\u0301 39…`` is still a phone
number to a human and must be one to the recognisers.

:func:`semcrm.ingest.decode.normalise_text` already removes them from every
decoded file, so most interactions arrive clean. Text that did not pass
through the decoder does not: a character reference in HTML (``&#8203;``),
a docx or PDF text layer, a file name from the file system, a metadata value
set by a caller. Detection therefore folds them out once more, here, on the
text it is given: :func:`fold` returns the text without them and a map from
each folded offset back to the original one. Recognisers work on the folded
text; every span is mapped back so that it covers the invisible characters
inside it, and the pseudonym is computed from the folded (visible) value, so
the same number with and without a zero-width space gets the same pseudonym.

When a text has none of these characters (nearly always), :func:`fold`
costs one regex search and returns the text itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

#: Default-ignorable format characters (Cf and friends) and combining marks on ASCII.
IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000e0000-\U000e0fff]"
    "|(?<=[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])"
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


@dataclass(frozen=True)
class Folded:
    """A text without invisible characters, and where each of its characters came from.

    ``kept[i]`` is the original offset of folded character ``i``; an empty ``kept``
    means nothing was removed (the folded text is the original).
    """

    text: str
    original: str
    kept: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.kept) or len(self.text) != len(self.original)

    def to_folded(self, position: int) -> int:
        """The folded offset of an original offset (the next kept character's)."""
        return bisect_left(self.kept, position) if self.changed else position

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original range of folded ``[start, end)``, with the removed characters inside."""
        if not self.changed:
            return start, end
        return self.kept[start], self.kept[end - 1] + 1

    def bounds_to_folded(self, bounds: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Turn boundaries ``(start, end)`` in folded offsets."""
        return [(self.to_folded(start), self.to_folded(end)) for start, end in bounds]


def fold(text: str) -> Folded:
    """``text`` without invisible characters, with the offset map back (see module doc)."""
    if IGNORABLE.search(text) is None:
        return Folded(text, text)
    kept: list[int] = []
    position = 0
    for match in IGNORABLE.finditer(text):
        kept.extend(range(position, match.start()))
        position = match.end()
    kept.extend(range(position, len(text)))
    return Folded("".join(text[i] for i in kept), text, tuple(kept))
