"""Vendor ASR JSON: the AWS call-analytics shape and generic segment lists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import read_path


def read_json(tmp_path: Path, document: Any) -> Interaction:
    path = tmp_path / "asr.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    [interaction] = read_path(path)
    interaction.check()
    return interaction


def segment(start: float, end: float, speaker: str, text: str, words: list[float]) -> dict:
    return {
        "SegmentStartTime": start,
        "SegmentEndTime": end,
        "SegmentSpeaker": speaker,
        "SegmentInterruption": False,
        "OriginalText": text,
        "DisplayText": text,
        "SentimentScore": 0.5,
        "WordConfidence": [
            {"Text": f" w{i}", "Confidence": c, "StartTime": start, "EndTime": end}
            for i, c in enumerate(words)
        ],
    }


AWS = {
    "ConversationAnalytics": {
        "ConversationTime": "2030-01-02 10:00:00.000001",
        "LanguageCode": "en-US",
        "Duration": "12.5",
        "Agent": "None",
        "SpeakerLabels": [
            {"Speaker": "spk_0", "DisplayText": "Agent"},
            {"Speaker": "spk_1", "DisplayText": "Customer"},
        ],
        "SourceInformation": [{"TranscribeJobInfo": {"TranscriptionJobName": "demo_call.wav"}}],
    },
    "SpeechSegments": [
        segment(4.0, 6.0, "spk_1", "This is [PII] speaking.", [0.99, 0.98, 0.97]),
        segment(0.5, 4.5, "spk_0", "Thank you for calling Examplecorp.", [0.9, 0.3, 0.8]),
        segment(6.5, 7.0, "ch_2", "Hello?", [0.6]),
    ],
}


def test_aws_segments_become_turns_in_time_order_with_mapped_speakers(tmp_path: Path) -> None:
    interaction = read_json(tmp_path, AWS)
    assert interaction.source.format == "asr_json"
    assert interaction.kind == "call"
    assert [(t.speaker, t.text) for t in interaction.turns] == [
        ("Agent", "Thank you for calling Examplecorp."),
        ("Customer", "This is [PII] speaking."),
        ("ch_2", "Hello?"),
    ]
    assert interaction.text.splitlines()[0] == "Agent: Thank you for calling Examplecorp."
    assert interaction.name_hints == ()


def test_aws_overlapping_segment_is_marked_and_times_kept(tmp_path: Path) -> None:
    agent, customer, _ = read_json(tmp_path, AWS).turns
    assert (agent.meta["start"], agent.meta["end"], agent.meta["speaker_label"]) == (
        "0.5", "4.5", "spk_0",
    )  # fmt: skip
    assert customer.meta["overlaps_previous"] == "true"
    assert "overlaps_previous" not in agent.meta
    assert customer.timestamp == "4.0"


def test_aws_word_confidences_are_summarised(tmp_path: Path) -> None:
    agent = read_json(tmp_path, AWS).turns[0]
    assert agent.meta["word_count"] == "3"
    assert agent.meta["confidence_mean"] == "0.667"
    assert agent.meta["confidence_min"] == "0.300"
    assert agent.meta["low_confidence_words"] == "1"


def test_aws_conversation_metadata(tmp_path: Path) -> None:
    interaction = read_json(tmp_path, AWS)
    assert interaction.occurred_at == "2030-01-02T10:00:00.000001"
    assert interaction.language == "en"
    assert interaction.title == "demo_call.wav"
    assert interaction.metadata["Duration"] == "12.5"


def test_generic_segments_object(tmp_path: Path) -> None:
    document = {
        "segments": [
            {"speaker": "甄测试", "start": 0.0, "end": 2.0, "text": "您好，我是甄测试。"},
            {"speaker": "Customer", "start": 2.1, "end": 3.0, "text": "你好。"},
        ]
    }
    interaction = read_json(tmp_path, document)
    assert interaction.source.format == "segments_json"
    assert [(t.speaker, t.text, t.meta["start"]) for t in interaction.turns] == [
        ("甄测试", "您好，我是甄测试。", "0.0"),
        ("Customer", "你好。", "2.1"),
    ]
    assert [h.text for h in interaction.name_hints] == ["甄测试"]


def test_generic_bare_list_of_segments(tmp_path: Path) -> None:
    interaction = read_json(tmp_path, [{"text": "Only text here."}, {"text": "And more."}])
    assert [t.text for t in interaction.turns] == ["Only text here.", "And more."]
    assert all(t.speaker is None for t in interaction.turns)


def test_json_of_another_shape_is_rejected_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text(json.dumps({"id": "X1", "pii": [{"text": "x"}]}), encoding="utf-8")
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert caught.value.path == str(path)
    assert "neither an ASR transcript nor a segments list" in caught.value.reason.replace(
        " (AWS call analytics 'SpeechSegments')", ""
    )
