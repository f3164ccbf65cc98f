"""Redaction: the de-identified copy of an interaction, and maps between the two texts.

Each detected span is replaced by ``"[" + pseudonym + "]"``. Everything
derived from the text is carried over consistently:

* turns are re-offset so that :meth:`Interaction.check` holds on the copy
  (detection cuts spans at turn boundaries, so a boundary never falls inside
  a replacement);
* a speaker label that is a person's name becomes that person's pseudonym
  (the same one the name gets in the text, alias resolution included); role
  labels (客户, Customer) and persona names (Pixie, 小橙) stay as they are;
* name hints and participants become pseudonyms; the title, metadata values,
  turn metadata values and attachment names are redacted as text. A
  metadata value is redacted with its key in front (``message_id: <…>``), so
  the key gives the value the context a header line would. All side fields
  of one interaction are detected in one batched pass
  (:func:`~semcrm.ingest.pii.detect.detect_in_texts`), not one pass each.

:class:`Redaction` keeps the replacement segments so that evidence offsets
can move between the texts: :meth:`Redaction.to_redacted` and
:meth:`Redaction.to_original` (a span inside a replacement maps to the whole
original PII span).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from semcrm.ingest.model import Interaction, NameHint, Turn
from semcrm.ingest.pii.categories import categories_of
from semcrm.ingest.pii.detect import (
    Detection,
    detect_in_text,
    detect_in_texts,
    detect_interaction,
    interaction_hints,
    known_name_surfaces,
)
from semcrm.ingest.pii.pseudonyms import Pseudonymizer
from semcrm.ingest.pii.spans import PiiSpan

Segment = tuple[int, int, int, int]  # original start, end; redacted start, end


def apply_detection(
    text: str, detection: Detection, pseudonymizer: Pseudonymizer
) -> tuple[str, tuple[PiiSpan, ...], tuple[Segment, ...]]:
    """Replace every span of ``detection`` in ``text``; fill pseudonyms and ``refers_to``.

    Returns the redacted text, the spans (with pseudonyms) and the replacement segments.
    """
    pieces: list[str] = []
    spans: list[PiiSpan] = []
    segments: list[Segment] = []
    position = 0
    length = 0
    for index, span in enumerate(detection.spans):
        target = detection.aliases.get(index)
        if target is not None:
            pseudonym = pseudonymizer.pseudonym("person_name", target)
            refers_to: str | None = pseudonym
        else:
            pseudonym = pseudonymizer.pseudonym(span.type, detection.values[index])
            refers_to = None
        pieces.append(text[position : span.start])
        length += span.start - position
        token = f"[{pseudonym}]"
        segments.append((span.start, span.end, length, length + len(token)))
        pieces.append(token)
        length += len(token)
        position = span.end
        spans.append(replace(span, pseudonym=pseudonym, refers_to=refers_to))
    pieces.append(text[position:])
    return "".join(pieces), tuple(spans), tuple(segments)


def _map(position: int, segments: Sequence[Segment], side: str, forward: bool) -> int:
    """Map one offset between the texts; ``side`` is ``"start"`` or ``"end"`` of a range."""
    source_starts = [s[0] if forward else s[2] for s in segments]
    index = bisect_right(source_starts, position) - 1
    if index < 0:
        return position
    o_start, o_end, r_start, r_end = segments[index]
    src_start, src_end, dst_start, dst_end = (
        (o_start, o_end, r_start, r_end) if forward else (r_start, r_end, o_start, o_end)
    )
    if position >= src_end:
        return position - src_end + dst_end
    if position == src_start:
        return dst_start
    return dst_start if side == "start" else dst_end


@dataclass(frozen=True)
class Redaction:
    """The de-identified copy of an interaction and the spans that were replaced.

    Attributes:
        interaction (Interaction): the copy; only this one is ever stored.
        spans (tuple[PiiSpan, ...]): with pseudonyms filled; ORIGINAL offsets.
    """

    interaction: Interaction
    spans: tuple[PiiSpan, ...]
    segments: tuple[Segment, ...] = ()

    def to_redacted(self, start: int, end: int) -> tuple[int, int]:
        """Map an original span to the redacted text (a PII span maps to its replacement)."""
        return _map(start, self.segments, "start", True), _map(end, self.segments, "end", True)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a redacted span back; a span inside a replacement maps to the whole PII span."""
        return _map(start, self.segments, "start", False), _map(end, self.segments, "end", False)

    def redacted_spans(self) -> list[tuple[int, int, PiiSpan]]:
        """``(start, end, span)`` of each replacement in the redacted text."""
        return [(seg[2], seg[3], span) for seg, span in zip(self.segments, self.spans, strict=True)]

    def categories(self) -> set[str]:
        """The DPV-PD category IRIs of the removed values."""
        return categories_of(span.type for span in self.spans)


def redact_text(
    text: str, pseudonymizer: Pseudonymizer, name_hints: Sequence[str] = ()
) -> tuple[str, list[PiiSpan]]:
    """Redact a free-standing text (a file name, a subject, a metadata value)."""
    redacted, spans, _segments = apply_detection(
        text, detect_in_text(text, name_hints), pseudonymizer
    )
    return redacted, list(spans)


class _Context:
    """What redacting one interaction's side fields needs: its known names and pseudonyms."""

    def __init__(
        self, pseudonymizer: Pseudonymizer, known: frozenset[str], spans: Sequence[PiiSpan]
    ) -> None:
        self.pseudonymizer = pseudonymizer
        self.known = known
        self.by_surface = {
            span.text: span.pseudonym for span in spans if span.type == "person_name"
        }
        self._done: dict[str, tuple[str, list[PiiSpan]]] = {}

    def prepare(self, values: Sequence[str | None]) -> None:
        """Detect the side fields not yet done in one pass (:func:`detect_in_texts`)."""
        todo = list(dict.fromkeys(v for v in values if v and v not in self._done))
        for value, detection in zip(todo, detect_in_texts(todo, self.known), strict=True):
            redacted, spans, _segments = apply_detection(value, detection, self.pseudonymizer)
            self._done[value] = (redacted, list(spans))

    def _redact(self, value: str) -> tuple[str, list[PiiSpan]]:
        """Redact a side field with the interaction's known names, once per distinct value."""
        if value not in self._done:
            self.prepare([value])
        return self._done[value]

    def needs(self, value: str | None) -> bool:
        """True when :meth:`name` would have to detect in ``value``."""
        return bool(value) and value.strip() not in self.by_surface

    def keyed_needs(self, key: str, value: str) -> list[str]:
        """What :meth:`keyed` detects in: the keyed value, and the bare value when the key
        itself was redacted (known only once the keyed value is done)."""
        prefixed = f"{key}: {value}"
        if prefixed not in self._done:
            return [prefixed]
        spans = self._done[prefixed][1]
        return [value] if any(span.start < len(key) + 2 for span in spans) else []

    def text(self, value: str | None) -> str | None:
        return self._redact(value)[0] if value else value

    def name(self, value: str | None) -> str | None:
        """A label or name: the pseudonym when it is a whole name, else the redacted text."""
        if not value:
            return value
        stripped = value.strip()
        if stripped in self.by_surface:
            return self.by_surface[stripped]
        redacted, spans = self._redact(value)
        if len(spans) == 1 and spans[0].type == "person_name" and spans[0].text == stripped:
            return spans[0].pseudonym
        return redacted

    def keyed(self, key: str, value: str) -> str:
        """A metadata value, redacted with its key in front as context."""
        prefix = f"{key}: "
        redacted, spans = self._redact(prefix + value)
        if any(span.start < len(prefix) for span in spans):
            return self._redact(value)[0]
        return redacted[len(prefix) :]


def _prepare_side_fields(context: _Context, interaction: Interaction) -> None:
    """Detect in every side field of ``interaction`` in two batched passes, not one each."""
    plain = [interaction.title, *interaction.attachments]
    named = [hint.text for hint in interaction.name_hints] + list(interaction.participants)
    keyed = list(interaction.metadata.items())
    for turn in interaction.turns:
        plain += [turn.speaker_org, turn.speaker_title]
        named.append(turn.speaker)
        keyed += turn.meta.items()
    for _ in range(2):  # the second pass: bare values whose key was redacted
        wanted = [value for value in plain + named if context.needs(value)]
        wanted += [need for key, value in keyed for need in context.keyed_needs(key, value)]
        context.prepare(wanted)
        plain, named = [], []


def redact(interaction: Interaction, pseudonymizer: Pseudonymizer) -> Redaction:
    """The de-identified copy of ``interaction`` (text, turns, labels, hints, metadata)."""
    detection = detect_interaction(interaction)
    text, spans, segments = apply_detection(interaction.text, detection, pseudonymizer)
    known = known_name_surfaces(interaction.text, detection, interaction_hints(interaction))
    context = _Context(pseudonymizer, known, spans)
    _prepare_side_fields(context, interaction)
    turns = []
    for turn in interaction.turns:
        start = _map(turn.start, segments, "start", True)
        end = _map(turn.end, segments, "end", True)
        turns.append(
            Turn(
                index=turn.index,
                text=text[start:end],
                start=start,
                end=end,
                speaker=context.name(turn.speaker),
                speaker_org=context.text(turn.speaker_org),
                speaker_title=context.text(turn.speaker_title),
                timestamp=turn.timestamp,
                meta={key: context.keyed(key, value) for key, value in turn.meta.items()},
            )
        )
    redacted = interaction.with_changes(
        text=text,
        turns=tuple(turns),
        title=context.text(interaction.title),
        name_hints=tuple(
            NameHint(context.name(hint.text) or "", hint.origin) for hint in interaction.name_hints
        ),
        participants=tuple(context.name(p) or "" for p in interaction.participants),
        attachments=tuple(context.text(a) or "" for a in interaction.attachments),
        metadata={key: context.keyed(key, value) for key, value in interaction.metadata.items()},
    )
    return Redaction(redacted, spans, segments)
