"""The interaction model every reader yields and every later stage consumes.

An :class:`Interaction` is one source record (a call transcript, a chat, an
e-mail, a meeting minute, a document, an event log) as ordered
:class:`Turn` objects over one normalised text. The invariant every reader
guarantees, and :meth:`Interaction.check` verifies, is::

    interaction.text[turn.start:turn.end] == turn.text

so that an evidence span is always ``(interaction, turn, start, end)`` over
``interaction.text`` and its quote can be checked character for character.

Readers produce interactions with *raw* text. The PII stage
(:mod:`semcrm.ingest.pii`) returns a new interaction whose text, turns and
speaker labels are de-identified; only that one is ever stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

#: The kinds of interaction the core ontology knows (``semcrm:Call`` ...).
Kind = Literal["call", "chat", "email", "meeting", "document", "tender", "event_log"]
KINDS: tuple[str, ...] = ("call", "chat", "email", "meeting", "document", "tender", "event_log")


@dataclass(frozen=True)
class Source:
    """Where an interaction came from.

    Attributes:
        path (str): the path as given by the user; used in messages, never stored.
        content_hash (str): SHA-256 hex digest of the bytes of this record (for
            one message of an mbox, of that message's bytes).
        format (str): the detected format, e.g. ``"transcript"``, ``"webvtt"``,
            ``"email"``, ``"mbox"``, ``"markdown"``.
        charset (str): the charset actually used to decode the bytes.
        charset_fallback (bool): True when the declared or default charset
            failed and a fallback decoding was used.
        part (str | None): the record's place inside a container file, e.g.
            ``"message 12"`` for an mbox; None for single-record files.
    """

    path: str
    content_hash: str
    format: str
    charset: str = "utf-8"
    charset_fallback: bool = False
    part: str | None = None

    @property
    def where(self) -> str:
        """``path`` plus ``part``, for messages: ``inbox.mbox (message 12)``."""
        return f"{self.path} ({self.part})" if self.part else self.path


@dataclass(frozen=True)
class Turn:
    """One utterance, message, caption cue, clause or event, in order.

    Attributes:
        index (int): 0-based position in the interaction.
        text (str): the turn's own text (no speaker prefix, no timestamp).
        start (int), end (int): ``text`` is ``interaction.text[start:end]``.
        speaker (str | None): the speaker's name as written (``"阚立新"``,
            ``"Imogen Adair"``), or a role label (``"客户"``, ``"Customer"``),
            or None when the format has none. De-identified after the PII stage.
        speaker_org (str | None): the organisation given with the speaker,
            e.g. from ``"祁悦（青垄农业 销售经理）："`` or ``"Ben (Brightfold Support):"``.
        speaker_title (str | None): the title or role given with the speaker.
        timestamp (str | None): the time as written in the source
            (``"00:01:15"``, ``"2024-03-15 20:14:03"``, ISO 8601 ...).
        meta (dict[str, str]): format-specific fields (an event's fields, an
            e-mail's sender address and date, a clause number, ``"mandatory": "true"``).
    """

    index: int
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_org: str | None = None
    speaker_title: str | None = None
    timestamp: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NameHint:
    """A string a reader knows to be a natural person's name.

    Speaker labels, e-mail display names, WebVTT voice tags and attendee
    lists tell the reader, from the format itself, that a string names a
    person; the PII stage redacts every occurrence of it.
    """

    text: str
    origin: str  # "speaker", "email-header", "voice-tag", "attendee", "signature"


@dataclass(frozen=True)
class Interaction:
    """One source record as ordered turns over one normalised text.

    Attributes:
        source (Source): provenance of the record.
        kind (str): one of :data:`KINDS`.
        text (str): the normalised text (decoded, BOM removed, ``\\n`` line
            ends). For plain-text formats this is the file's text; for e-mail
            and captions a faithful rendering (decoded headers and body; cue
            texts without timing lines or tags).
        turns (tuple[Turn, ...]): the turns, in order, non-overlapping.
        title (str | None): subject line or document title.
        occurred_at (str | None): when it happened (ISO 8601 when known).
        language (str | None): ``"zh"``, ``"en"`` or ``"mixed"``; set by the
            pipeline from the text when the reader does not know.
        name_hints (tuple[NameHint, ...]): person names known from the format.
        participants (tuple[str, ...]): people addressed or attending who may
            not speak (e-mail To/Cc display names, attendee lists), as written.
        attachments (tuple[str, ...]): names of attachments, where present.
        metadata (dict[str, str]): further format-specific metadata.
    """

    source: Source
    kind: str
    text: str
    turns: tuple[Turn, ...]
    title: str | None = None
    occurred_at: str | None = None
    language: str | None = None
    name_hints: tuple[NameHint, ...] = ()
    participants: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Raise ``ValueError`` unless the turns index ``text`` exactly and in order."""
        previous_end = 0
        for position, turn in enumerate(self.turns):
            if turn.index != position:
                raise ValueError(f"{self.source.where}: turn {position} has index {turn.index}")
            if not 0 <= turn.start <= turn.end <= len(self.text):
                raise ValueError(
                    f"{self.source.where}: turn {position} span {turn.start}-{turn.end} "
                    f"is outside the text (length {len(self.text)})"
                )
            if turn.start < previous_end:
                raise ValueError(f"{self.source.where}: turn {position} overlaps the previous turn")
            if self.text[turn.start : turn.end] != turn.text:
                raise ValueError(
                    f"{self.source.where}: turn {position} text does not match "
                    f"text[{turn.start}:{turn.end}]"
                )
            previous_end = turn.end
        if self.kind not in KINDS:
            raise ValueError(f"{self.source.where}: unknown interaction kind {self.kind!r}")

    def with_changes(self, **changes: object) -> Interaction:
        """A copy with some fields replaced (interactions are immutable)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def turn_at(self, offset: int) -> Turn | None:
        """The turn whose span contains ``offset``, or None."""
        for turn in self.turns:
            if turn.start <= offset < turn.end:
                return turn
        return None
