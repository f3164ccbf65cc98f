"""Speech-recognition output as JSON: AWS Transcribe Call Analytics and plain segment lists.

Two shapes are recognised (:func:`asr_shape`); any other JSON is rejected
by the detector as unsupported, never guessed at.

**AWS Transcribe Call Analytics, as parsed by Post Call Analytics** (the
``ConversationAnalytics`` + ``SpeechSegments`` object): each speech segment
is a turn. ``SegmentSpeaker`` (``spk_0``, ``spk_1``, or a channel label
``ch_0``) maps through ``ConversationAnalytics.SpeakerLabels`` to
``Agent``/``Customer``; unmapped labels stay as they are. The text is
``DisplayText`` (else ``OriginalText``) with redaction tokens such as
``[PII]`` kept verbatim: they mark where the vendor removed something and
are not ours to rewrite. Segments are put in time order (start, then end);
a segment that starts before the previous one ends is an interruption and
is marked ``overlaps_previous``. Turn meta keeps the segment's start and
end (seconds, as written), the speaker label, the interruption flag, the
sentiment score when present, and a summary of ``WordConfidence``:
word count, mean and minimum confidence, and the number of words below
:data:`LOW_CONFIDENCE`.

**Generic segments**: an object with a ``"segments"`` list, or a bare list,
of objects with ``text`` and optionally ``speaker``, ``start``, ``end``.

The rendering is one ``Speaker: text`` line per segment (the turn spans the
text only), so quotes are substrings of the interaction text.
"""

from __future__ import annotations

import math
from typing import Any

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction, NameHint
from semcrm.ingest.readers.base import RawFile, ReadItem, TextBuilder, dedupe_hints, finish_turns
from semcrm.ingest.readers.dates import iso_datetime
from semcrm.ingest.readers.labels import is_role

LOW_CONFIDENCE = 0.5


def asr_shape(document: Any) -> str | None:
    """``"asr_json"`` (AWS call analytics), ``"segments_json"`` or None for other JSON.

    An object with a ``"segments"`` list is a segments transcript whatever its
    items hold, so that a wrong or missing field is rejected by the reader with
    the segment it is in (:func:`segment_problem`) rather than as "not a
    transcript"; a bare list must be a list of objects with a text each.
    """
    if isinstance(document, dict) and isinstance(document.get("SpeechSegments"), list):
        return "asr_json"
    if isinstance(document, dict) and isinstance(document.get("segments"), list):
        return "segments_json"
    segments = document
    if (
        isinstance(segments, list)
        and segments
        and all(isinstance(s, dict) and isinstance(s.get("text"), str) for s in segments)
    ):
        return "segments_json"
    return None


def _is_time(value: Any) -> bool:
    """None, or a finite number of seconds (a JSON number or a numeric string)."""
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    number = _number(value)
    return number is not None and math.isfinite(number)


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages (never the value: it may be personal)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN or an infinity"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "an object", list: "a list", str: "a string", type(None): "null"}.get(
        type(value), "a value"
    )


#: The fields each shape's reader uses: text fields, speaker field, time fields.
SEGMENT_FIELDS = (("text",), "speaker", ("start", "end"))
AWS_FIELDS = (
    ("DisplayText", "OriginalText"),
    "SegmentSpeaker",
    ("SegmentStartTime", "SegmentEndTime"),
)


def segment_problem(item: Any, fields: tuple[tuple[str, ...], str, tuple[str, ...]]) -> str | None:
    """What is wrong with one segment, or None.

    The fields a reader uses must have their types (texts a string or null, the
    speaker a string or number, times finite seconds): a list or an object would
    otherwise be stored as its Python repr, and NaN as a timestamp. Messages name
    the field and its type, never the value (it may be personal data).
    """
    text_keys, speaker_key, time_keys = fields
    if not isinstance(item, dict):
        return f"a segment must be an object, not {_kind(item)}"
    for key in text_keys:
        if item.get(key) is not None and not isinstance(item[key], str):
            return f"'{key}' must be a string, not {_kind(item[key])}"
    speaker = item.get(speaker_key)
    if speaker is not None and (isinstance(speaker, bool) or not isinstance(speaker, str | int)):
        return f"'{speaker_key}' must be a string, not {_kind(speaker)}"
    for key in time_keys:
        if not _is_time(item.get(key)):
            return f"'{key}' must be a finite number of seconds, not {_kind(item.get(key))}"
    return None


def _problem_rejection(
    raw: RawFile, items: list[Any], fields: tuple[tuple[str, ...], str, tuple[str, ...]], what: str
) -> RejectedInput | None:
    """The rejection of the first bad segment (1-based, as ``where``), or None."""
    for number, item in enumerate(items, start=1):
        if problem := segment_problem(item, fields):
            return raw.reject(
                f"{problem}; the whole transcript is rejected so that it is never stored "
                "with holes: fix or remove the segment",
                where=f"{what} {number}",
            )
    return None


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _confidence_meta(words: Any) -> dict[str, str]:
    if not isinstance(words, list):
        return {}
    scores = [
        score
        for word in words
        if isinstance(word, dict) and (score := _number(word.get("Confidence"))) is not None
    ]
    if not scores:
        return {}
    return {
        "word_count": str(len(scores)),
        "confidence_mean": f"{sum(scores) / len(scores):.3f}",
        "confidence_min": f"{min(scores):.3f}",
        "low_confidence_words": str(sum(1 for s in scores if s < LOW_CONFIDENCE)),
    }


def _write_segments(segments: list[dict[str, Any]]) -> tuple[str, TextBuilder, list[NameHint]]:
    ordered = sorted(
        enumerate(segments),
        key=lambda item: (
            _number(item[1].get("start")) or 0.0,
            _number(item[1].get("end")) or 0.0,
            item[0],
        ),
    )
    builder = TextBuilder()
    hints: list[NameHint] = []
    previous_end: float | None = None
    for _, segment in ordered:
        text = str(segment.get("text") or "").strip()
        if not text:
            continue
        speaker = segment.get("speaker")
        meta = {k: str(v) for k, v in segment.get("meta", {}).items()}
        start, end = _number(segment.get("start")), _number(segment.get("end"))
        if start is not None:
            meta["start"] = str(segment["start"])
        if end is not None:
            meta["end"] = str(segment["end"])
        if previous_end is not None and start is not None and start < previous_end:
            meta["overlaps_previous"] = "true"
        if end is not None:
            previous_end = max(previous_end or end, end)
        builder.separate("\n")
        if speaker:
            builder.write(f"{speaker}: ")
            if not is_role(str(speaker)) and not segment.get("role"):
                hints.append(NameHint(str(speaker), "speaker"))
        builder.turn(
            text,
            speaker=str(speaker) if speaker else None,
            timestamp=meta.get("start"),
            meta=meta,
        )
    return builder.text(), builder, hints


def read_aws_call_analytics(raw: RawFile, document: dict[str, Any]) -> list[ReadItem]:
    """Read the PCA/Transcribe Call Analytics object (module doc) into a ``call``."""
    analytics = document.get("ConversationAnalytics") or {}
    labels = {
        str(item.get("Speaker")): str(item.get("DisplayText"))
        for item in analytics.get("SpeakerLabels") or []
        if isinstance(item, dict) and item.get("Speaker") and item.get("DisplayText")
    }
    items = document["SpeechSegments"]
    if rejection := _problem_rejection(raw, items, AWS_FIELDS, "speech segment"):
        return [rejection]
    segments: list[dict[str, Any]] = []
    for item in items:
        label = str(item.get("SegmentSpeaker") or "")
        meta: dict[str, str] = {"speaker_label": label} if label else {}
        if "SegmentInterruption" in item:
            meta["interruption"] = str(bool(item["SegmentInterruption"])).lower()
        if (sentiment := _number(item.get("SentimentScore"))) is not None:
            meta["sentiment_score"] = f"{sentiment:g}"
        meta.update(_confidence_meta(item.get("WordConfidence")))
        segments.append(
            {
                "text": item.get("DisplayText") or item.get("OriginalText") or "",
                "speaker": labels.get(label, label or None),
                "role": label in labels,
                "start": item.get("SegmentStartTime"),
                "end": item.get("SegmentEndTime"),
                "meta": meta,
            }
        )
    text, builder, hints = _write_segments(segments)
    if not builder.drafts:
        return [raw.reject("the transcript has no speech segment with text")]
    agent = analytics.get("Agent")
    if isinstance(agent, str) and agent.strip() and agent.strip() != "None":
        hints.append(NameHint(agent.strip(), "speaker"))
    metadata = {
        key: str(analytics[key])
        for key in ("LanguageCode", "Duration", "ConversationLocation")
        if analytics.get(key) not in (None, "", "None")
    }
    for info in analytics.get("SourceInformation") or []:
        job = info.get("TranscribeJobInfo") if isinstance(info, dict) else None
        if isinstance(job, dict):
            for key in ("TranscriptionJobName", "AverageWordConfidence", "MediaFormat"):
                if job.get(key) is not None:
                    metadata[key] = str(job[key])
    language = str(analytics.get("LanguageCode") or "")[:2] or None
    return [
        Interaction(
            source=raw.source(),
            kind="call",
            text=text,
            turns=finish_turns(text, builder.drafts),
            title=metadata.get("TranscriptionJobName"),
            occurred_at=iso_datetime(str(analytics.get("ConversationTime") or "")),
            language=language if language in ("zh", "en") else None,
            name_hints=dedupe_hints(hints),
            metadata=metadata,
        )
    ]


def read_segments(raw: RawFile, document: Any) -> list[ReadItem]:
    """Read a generic ``{"segments": [{speaker, start, end, text}]}`` (or bare list) document."""
    items = document.get("segments") if isinstance(document, dict) else document
    if rejection := _problem_rejection(raw, items, SEGMENT_FIELDS, "segment"):
        return [rejection]
    segments = [
        {
            "text": item.get("text", ""),
            "speaker": item.get("speaker"),
            "start": item.get("start"),
            "end": item.get("end"),
        }
        for item in items
    ]
    text, builder, hints = _write_segments(segments)
    if not builder.drafts:
        return [raw.reject("the transcript has no segment with text")]
    title = document.get("title") if isinstance(document, dict) else None
    return [
        Interaction(
            source=raw.source(),
            kind="call",
            text=text,
            turns=finish_turns(text, builder.drafts),
            title=str(title) if title else None,
            name_hints=dedupe_hints(hints),
        )
    ]
