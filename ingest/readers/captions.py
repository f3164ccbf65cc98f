"""WebVTT and SRT captions: one turn per cue, over a rendering of the cue texts.

The interaction text is not the caption file (timing lines and tags are not
something anyone said) but a faithful rendering of it: the cue texts in
order, one cue per paragraph (cues separated by a blank line), each cue
keeping its own line breaks, so a quote within one caption line is a
substring of both the file and the rendering.

WebVTT (W3C WebVTT, with the liberties real files take):

- the ``WEBVTT`` line may carry text (kept as the title) and be followed
  by header fields (``Kind:``, ``Language:``) that go to metadata;
- ``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped, however many lines;
- a cue is an optional identifier line, a timing line whose hours may be
  missing or a single digit (``00:01.000``, ``0:00:08.640``) and may be
  followed by cue settings (``align:start position:10%``), then text;
- ``<v Name>`` and ``<v.loud Name>`` give the speaker (the closing ``</v>``
  is optional); the rendering starts such a cue with ``Name: ``, the turn
  text without it; other tags (``<i>``, ``<c.yellow>``, ``<00:00:01.500>``)
  are removed and entities (``&amp;``, ``&lt;``) decoded;
- a block with no timing line right after a cue continues that cue (the
  specification would drop it; dropping what someone said is worse).

SRT: cues are an index line and a timing line (``00:00:01,200 --> ...``);
a new index+timing pair starts a new cue even without a blank line before
it, and a blank line inside a cue's text is kept with the cue when the next
non-blank line is not an index+timing pair. Only the usual styling tags
(``<i>``, ``<b>``, ``<u>``, ``<font>``) and ``{\\an8}`` codes are removed, so a
literal ``<`` in an SRT text survives.

In both, a cue without a voice whose first line starts with a speaker
label (``柯场长：...``, see :mod:`.labels`) takes that speaker; the label
stays in the rendering (it is the cue's own text), the turn starts after it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction, NameHint
from semcrm.ingest.readers.base import RawFile, ReadItem, TextBuilder, dedupe_hints, finish_turns
from semcrm.ingest.readers.labels import parse_label

_CLOCK = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_CLOCK})\s*-->\s*(?P<end>{_CLOCK})(?P<settings>.*)$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)*[ \t]+(?P<name>[^>]+)>")
_VTT_TAG = re.compile(r"<[^>\n]*>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|s|font)\b[^>\n]*>|\{\\[^}\n]*\}", re.IGNORECASE)
_LABEL_PREFIX = re.compile(r"^(?P<label>[^:：\n]{1,96}?)[ \t]*[:：][ \t]*")


@dataclass
class Cue:
    """A caption cue: its timing, identifier, settings and text lines (tags still in)."""

    start: str
    end: str
    identifier: str | None = None
    settings: str = ""
    lines: list[str] = field(default_factory=list)


def seconds(clock: str) -> float:
    """``"01:02.500"`` or ``"1:01:02,5"`` in seconds."""
    parts = clock.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.lower()
    return "zh" if code.startswith("zh") else "en" if code.startswith("en") else None


def parse_webvtt(text: str) -> tuple[list[Cue], dict[str, str], str | None]:
    """Cues, header metadata and header title of a WebVTT text (BOM already removed)."""
    lines = text.split("\n")
    title = lines[0][len("WEBVTT") :].strip(" \t-") or None
    metadata: dict[str, str] = {}
    index = 1
    while index < len(lines) and lines[index].strip() and "-->" not in lines[index]:
        key, sep, value = lines[index].partition(":")
        if sep:
            metadata[key.strip()] = value.strip()
        index += 1
    cues: list[Cue] = []
    block: list[str] = []
    for line in [*lines[index:], ""]:
        if line.strip():
            block.append(line.rstrip())
            continue
        if block:
            _vtt_block(block, cues)
            block = []
    return cues, metadata, title


def _vtt_block(block: list[str], cues: list[Cue]) -> None:
    first = block[0].strip()
    if re.match(r"^(NOTE|STYLE|REGION)(\s|$)", first):
        return
    for position in (0, 1):
        if position < len(block) and (match := _TIMING.match(block[position])):
            identifier = block[0].strip() if position == 1 else None
            cues.append(
                Cue(
                    match["start"],
                    match["end"],
                    identifier,
                    match["settings"].strip(),
                    block[position + 1 :],
                )
            )
            return
    if cues:
        cues[-1].lines.extend(["", *block])


def parse_srt(text: str) -> list[Cue]:
    """Cues of an SRT text, tolerant of missing and extra blank lines (module doc)."""
    lines = text.split("\n")
    starts: list[int] = []  # index of each cue's timing line
    for number, line in enumerate(lines):
        if _TIMING.match(line):
            starts.append(number)
    cues: list[Cue] = []
    for position, timing_at in enumerate(starts):
        match = _TIMING.match(lines[timing_at])
        assert match is not None
        stop = starts[position + 1] if position + 1 < len(starts) else len(lines)
        if position + 1 < len(starts) and lines[stop - 1].strip().isdigit():
            stop -= 1  # the next cue's index line
        body = lines[timing_at + 1 : stop]
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        previous = lines[timing_at - 1].strip() if timing_at else ""
        identifier = previous if previous.isdigit() else None
        cues.append(Cue(match["start"], match["end"], identifier, match["settings"].strip(), body))
    return cues


#: A line that means to be a timing line: a token with a digit, then ``-->``.
_TIMING_ATTEMPT = re.compile(r"^\s*\S*\d\S*\s*-->")


def timing_problem(text: str) -> tuple[int, str] | None:
    """``(line, reason)`` of the first timing line that cannot be read, or None.

    A timing line that does not parse (``00:00:0x,000 --> ...``), has minutes or
    seconds of 60 or more, or ends before it starts would otherwise be taken as
    cue text (its cue merged into the one before, timing and index included) or,
    before the first cue, dropped with what was said in it. Lines are 1-based, as
    in the file. The reason never quotes the line.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not _TIMING_ATTEMPT.match(line):
            continue
        match = _TIMING.match(line)
        if match is None:
            return number, "malformed cue timing (expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm')"
        for clock in (match["start"], match["end"]):
            if any(
                int(part) >= 60 for part in clock.replace(",", ".").split(".")[0].split(":")[-2:]
            ):
                return number, "cue timing with minutes or seconds of 60 or more"
        if seconds(match["end"]) < seconds(match["start"]):
            return number, "cue ends before it starts"
    return None


def _timing_rejection(raw: RawFile) -> RejectedInput | None:
    problem = timing_problem(raw.text)
    if problem is None:
        return None
    line, reason = problem
    return raw.reject(
        f"{reason}; the whole file is rejected so that no cue is lost or merged into "
        "another: fix the timing line",
        where=f"line {line}",
    )


def _clean(line: str, tag: re.Pattern[str], entities: bool) -> str:
    line = tag.sub("", line)
    return html.unescape(line) if entities else line


def _render(cues: list[Cue], webvtt: bool) -> tuple[str, TextBuilder, list[NameHint]]:
    builder = TextBuilder()
    hints: list[NameHint] = []
    tag = _VTT_TAG if webvtt else _SRT_TAG
    for cue in cues:
        joined = "\n".join(cue.lines)
        voice = _VOICE.search(joined) if webvtt else None
        cleaned = "\n".join(_clean(line, tag, webvtt).rstrip() for line in cue.lines).strip()
        if not cleaned:
            continue
        meta = {"start": cue.start, "end": cue.end}
        if cue.identifier:
            meta["cue"] = cue.identifier
        if cue.settings:
            meta["settings"] = cue.settings
        builder.separate()
        fields: dict[str, object] = {"timestamp": cue.start, "meta": meta}
        if voice:
            name = html.unescape(voice["name"].strip())
            builder.write(f"{name}: ")
            hints.append(NameHint(name, "voice-tag"))
            builder.turn(cleaned, speaker=name, **fields)
            continue
        prefix = _LABEL_PREFIX.match(cleaned)
        label = parse_label(prefix["label"]) if prefix else None
        if prefix and label and prefix.end() < len(cleaned):
            builder.write(cleaned[: prefix.end()])
            if label.is_person_name:
                hints.append(NameHint(label.speaker, "speaker"))
            builder.turn(
                cleaned[prefix.end() :],
                speaker=label.speaker,
                speaker_org=label.org,
                speaker_title=label.title,
                **fields,
            )
        else:
            builder.turn(cleaned, **fields)
    return builder.text(), builder, hints


def read_webvtt(raw: RawFile) -> list[ReadItem]:
    """Read a WebVTT file into one ``call`` interaction."""
    if rejection := _timing_rejection(raw):
        return [rejection]
    cues, metadata, title = parse_webvtt(raw.text)
    if not cues:
        return [raw.reject("WebVTT file has no cues (no 'start --> end' timing line)")]
    text, builder, hints = _render(cues, webvtt=True)
    metadata["cues"] = str(len(cues))
    return [
        Interaction(
            source=raw.source(),
            kind="call",
            text=text,
            turns=finish_turns(text, builder.drafts),
            title=title,
            language=_language(metadata.get("Language")),
            name_hints=dedupe_hints(hints),
            metadata=metadata,
        )
    ]


def read_srt(raw: RawFile) -> list[ReadItem]:
    """Read an SRT file into one ``call`` interaction."""
    if rejection := _timing_rejection(raw):
        return [rejection]
    cues = parse_srt(raw.text)
    if not cues:
        return [raw.reject("SRT file has no cues (no 'start --> end' timing line)")]
    text, builder, hints = _render(cues, webvtt=False)
    return [
        Interaction(
            source=raw.source(),
            kind="call",
            text=text,
            turns=finish_turns(text, builder.drafts),
            name_hints=dedupe_hints(hints),
            metadata={"cues": str(len(cues))},
        )
    ]
