"""What every reader receives and the helpers that turn spans into turns.

A reader is a plain function ``RawFile -> list[Interaction | RejectedInput]``:
one item per record (an mbox has many), a record that cannot be read being
its :class:`RejectedInput`, so one broken message never hides the others.

Readers of plain-text formats keep the file's text as ``Interaction.text``
and describe turns as :class:`TurnDraft` spans over it; readers of rendered
formats (e-mail, captions, ASR JSON, event logs) build the text piece by
piece with :class:`TextBuilder`, which records each turn's span as it goes.
Either way :func:`finish_turns` trims whitespace at the ends of a span and
numbers the turns, so the ``text[start:end] == turn.text`` invariant of
:class:`~semcrm.ingest.model.Interaction` holds by construction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction, NameHint, Source, Turn


@dataclass(frozen=True)
class RawFile:
    """One input file after sniffing: its bytes, its detected format and, for text, its text.

    Attributes:
        path (str): the path as given, for messages and ``Source.path``.
        data (bytes): the file's bytes.
        format (str): the detected format (one of ``SUPPORTED_FORMATS``).
        text (str): the decoded, newline-normalised text ("" for binary formats).
        charset (str), charset_fallback (bool): what :func:`decode_bytes` did.
    """

    path: str
    data: bytes
    format: str
    text: str = ""
    charset: str = "utf-8"
    charset_fallback: bool = False

    def source(self, **overrides: object) -> Source:
        """The :class:`Source` of the whole file (mbox readers override hash and part)."""
        fields: dict[str, object] = {
            "path": self.path,
            "format": self.format,
            "charset": self.charset,
            "charset_fallback": self.charset_fallback,
            **overrides,
        }
        if "content_hash" not in fields:
            fields["content_hash"] = sha256(self.data)
        return Source(**fields)  # type: ignore[arg-type]

    def reject(self, reason: str, where: str | None = None) -> RejectedInput:
        """A rejection of this file (returned or raised by the caller)."""
        return RejectedInput(self.path, reason, where)


ReadItem = Interaction | RejectedInput


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the content hash of a record."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class TurnDraft:
    """A turn before numbering: a span over the interaction text plus its fields."""

    start: int
    end: int
    speaker: str | None = None
    speaker_org: str | None = None
    speaker_title: str | None = None
    timestamp: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def finish_turns(text: str, drafts: list[TurnDraft]) -> tuple[Turn, ...]:
    """Trim whitespace at both ends of each span, drop empty ones, number the rest."""
    turns: list[Turn] = []
    for draft in drafts:
        start, end = draft.start, draft.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        turns.append(
            Turn(
                index=len(turns),
                text=text[start:end],
                start=start,
                end=end,
                speaker=draft.speaker,
                speaker_org=draft.speaker_org,
                speaker_title=draft.speaker_title,
                timestamp=draft.timestamp,
                meta=dict(draft.meta),
            )
        )
    return tuple(turns)


class TextBuilder:
    """Builds a rendered text piece by piece and remembers where each turn's text went."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.drafts: list[TurnDraft] = []

    @property
    def length(self) -> int:
        """Characters written so far."""
        return self._length

    def write(self, piece: str) -> tuple[int, int]:
        """Append ``piece`` (not part of any turn unless :meth:`turn` is used); its span."""
        start = self._length
        self._parts.append(piece)
        self._length += len(piece)
        return start, self._length

    def turn(self, piece: str, **fields: object) -> TurnDraft:
        """Append ``piece`` as the text of a new turn with the given :class:`TurnDraft` fields."""
        start, end = self.write(piece)
        draft = TurnDraft(start, end, **fields)  # type: ignore[arg-type]
        self.drafts.append(draft)
        return draft

    def separate(self, separator: str = "\n\n") -> None:
        """Write ``separator`` unless nothing was written yet."""
        if self._length:
            self.write(separator)

    def text(self) -> str:
        """The text written so far."""
        return "".join(self._parts)


def dedupe_hints(hints: list[NameHint]) -> tuple[NameHint, ...]:
    """Name hints in first-seen order, each (text, origin) once, empty ones dropped."""
    seen: set[tuple[str, str]] = set()
    result: list[NameHint] = []
    for hint in hints:
        text = hint.text.strip()
        key = (text, hint.origin)
        if text and key not in seen:
            seen.add(key)
            result.append(NameHint(text, hint.origin))
    return tuple(result)


def unique(items: list[str]) -> tuple[str, ...]:
    """Strings in first-seen order, each once, empty ones dropped."""
    seen: set[str] = set()
    result: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen.add(item)
            result.append(item)
    return tuple(result)
