"""Call transcripts and chat exports: one ``[time] Speaker: text`` line starts a turn.

Both formats are lines that begin with an optional time, a speaker label
(see :mod:`.labels`) and an ASCII or full-width colon. What separates them
is the time:

- a **call transcript** has no times, or elapsed times from the start of
  the recording: ``[00:01:15]``, ``[01:15]``, ``(01:15)``;
- a **chat export** has wall-clock times: a date (``2024-03-15 20:14:03``,
  ``[2024-09-10 14:02:11 BST]``), a bare ``18:41`` before the name, or a
  bracketed ``[09:12:40]`` whose first value is not near zero.

A file is a conversation when at least two lines, and at least
:data:`MIN_SPEAKER_SHARE` of its non-blank lines, are speaker lines; a
document with a few ``说明：...`` lines stays a document.

A line without a speaker prefix continues the previous turn (its span then
covers both lines, newline included; blank lines in between are kept).
Lines before the first speaker line (a chat's session id, channel or group
name, a transcript's title; in a chat whose messages are timed, also an
untimed ``客户：...`` header line) form one preamble turn with no speaker, and
their ``key: value`` fields (split at ``|`` and wide spaces) go to
``Interaction.metadata``.

The interaction text is the file's text, so every quote is a substring of
the file; turn spans exclude the time and the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from semcrm.ingest.model import Interaction, NameHint
from semcrm.ingest.readers.base import RawFile, ReadItem, TurnDraft, dedupe_hints, finish_turns
from semcrm.ingest.readers.dates import iso_datetime
from semcrm.ingest.readers.labels import Label, parse_label

MIN_SPEAKER_SHARE = 0.4

_ZONES = (
    r"UTC|GMT|BST|CET|CEST|EET|EEST|WET|EST|EDT|CST|CDT|MST|MDT|PST|PDT|JST|KST|IST|HKT|SGT"
    r"|AEST|AEDT"
)
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_DATE = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日"
_STAMP = rf"(?:(?:{_DATE})[ T])?{_TIME}(?:\s?(?:{_ZONES}|UTC[+-]\d{{1,2}})|[+-]\d{{2}}:?\d{{2}}|Z)?"
_LINE = re.compile(
    rf"^[ \t]*(?:\[(?P<bracket>{_STAMP})\]|\((?P<paren>{_STAMP})\)|(?P<bare>{_STAMP}))?[ \t]*"
    r"(?P<label>[^:：\n]{1,96}?)[ \t]*[:：][ \t]*(?P<body>.*)$"
)
_HAS_DATE = re.compile(_DATE)


@dataclass(frozen=True)
class SpeakerLine:
    """A line that starts a turn: its label, time and where its text begins."""

    label: Label
    stamp: str | None
    stamp_style: str | None  # "bracket", "paren", "bare"
    body_start: int  # offset of the text after the colon, within the file


@dataclass(frozen=True)
class Line:
    """One line of the file with its offsets and, for speaker lines, what starts it."""

    start: int
    end: int  # exclusive, before the newline
    text: str
    speaker: SpeakerLine | None


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` with offsets and its parsed speaker prefix, if any."""
    lines: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        lines.append(Line(offset, offset + len(raw), raw, _speaker_line(raw, offset)))
        offset += len(raw) + 1
    return lines


def _speaker_line(raw: str, offset: int) -> SpeakerLine | None:
    match = _LINE.match(raw)
    if not match or match["body"].startswith("//"):
        return None
    if match["label"][-1:].isdigit() and re.match(r"\d{2}(?!\d)", match["body"]):
        return None  # the colon of a time of day ("导出时间 2026-11-03 10:02"), not a speaker's
    label = parse_label(match["label"])
    if label is None:
        return None
    style = next((s for s in ("bracket", "paren", "bare") if match[s]), None)
    stamp = match[style] if style else None
    if style == "bare" and stamp is not None and ":" not in stamp:
        return None
    return SpeakerLine(label, stamp, style, offset + match.start("body"))


def _is_elapsed(stamp: str, style: str | None) -> bool:
    parts = re.split(r"[:.,]", stamp.strip())
    if style == "bare" or _HAS_DATE.search(stamp):
        return False
    if len(parts) >= 3 and re.fullmatch(r"\d{1,2}:\d{2}:\d{2}.*", stamp.strip()):
        return int(parts[0]) == 0
    return True


def conversation_kind(text: str, lines: list[Line] | None = None) -> str | None:
    """``"chat"``, ``"transcript"`` or None when ``text`` is not a conversation (module doc)."""
    lines = lines if lines is not None else split_lines(text)
    nonblank = [line for line in lines if line.text.strip()]
    speaking = [line.speaker for line in nonblank if line.speaker is not None]
    if len(speaking) < 2 or len(speaking) < MIN_SPEAKER_SHARE * len(nonblank):
        return None
    stamped = [s for s in speaking if s.stamp]
    if not stamped:
        return "transcript"
    first = stamped[0]
    if any(_HAS_DATE.search(s.stamp or "") for s in stamped):
        return "chat"
    if not _is_elapsed(first.stamp or "", first.stamp_style):
        return "chat"
    return "transcript"


def _preamble_metadata(lines: list[Line]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for line in lines:
        for field in re.split(r"\s+\|\s+|[　]{1,}|\t+", line.text.strip()):
            parts = re.split(r"(?<!\d)[:：]|[:：](?!\d)", field, maxsplit=1)
            key, value = (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else ("", "")
            if key and value and len(key) <= 30:
                metadata[key] = value
    return metadata


def read_conversation(raw: RawFile, kind: str) -> list[ReadItem]:
    """Read a transcript (``kind="call"``) or a chat export (``kind="chat"``)."""
    text = raw.text
    lines = split_lines(text)
    drafts: list[TurnDraft] = []
    preamble: list[Line] = []
    hints: list[NameHint] = []
    current: TurnDraft | None = None
    speaking = [line.speaker for line in lines if line.speaker is not None]
    # In a timed export, an untimed "客户：..." line is a header field or a continuation.
    timed = kind == "chat" and sum(1 for s in speaking if s.stamp) > 0.5 * len(speaking)
    for line in lines:
        speaker = line.speaker
        if timed and speaker is not None and speaker.stamp is None:
            speaker = None
        if speaker is not None:
            label = speaker.label
            current = TurnDraft(
                start=speaker.body_start,
                end=line.end,
                speaker=label.speaker,
                speaker_org=label.org,
                speaker_title=label.title,
                timestamp=speaker.stamp,
            )
            drafts.append(current)
            if label.is_person_name:
                hints.append(NameHint(label.speaker, "speaker"))
        elif line.text.strip():
            if current is None:
                preamble.append(line)
            else:
                current.end = line.end
    if preamble:
        drafts.insert(0, TurnDraft(preamble[0].start, preamble[-1].end, meta={"preamble": "true"}))

    stamps = [d.timestamp for d in drafts if d.timestamp]
    occurred = next((iso for s in stamps if (iso := iso_datetime(s)) and "-" in iso), None)
    if occurred is None and preamble:
        occurred = iso_datetime(" ".join(line.text for line in preamble))
    interaction = Interaction(
        source=raw.source(),
        kind=kind,
        text=text,
        turns=finish_turns(text, drafts),
        title=preamble[0].text.strip() if preamble else None,
        occurred_at=occurred,
        name_hints=dedupe_hints(hints),
        metadata=_preamble_metadata(preamble),
    )
    return [interaction]
