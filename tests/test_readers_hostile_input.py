"""Hostile input found in QA: each is rejected naming the file and the place, or read
without storing anything it should not (base64 of a body, a Python repr, NaN)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.readers import iter_files, read_path, read_path_with_rejections

BODY = "司马翠花：电话13912345678，价格太贵了。"
HEADERS = (
    "From: Buyer <buyer@example.org>\r\nTo: sales@vendor.example\r\nSubject: quote\r\n"
    "Date: Tue, 10 Feb 2026 09:41:12 +0000\r\nMessage-ID: <q1@example.org>\r\nMIME-Version: 1.0\r\n"
)


def rejection(path: Path) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert caught.value.path == str(path)
    return caught.value


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def damaged_base64() -> str:
    """Base64 of BODY with junk characters around it and one data character too many
    (a count of 4n + 1), so the ``email`` package cannot decode it and hands back the
    encoded text; the junk makes the whole length a multiple of 4, so it does not look
    cut off."""
    data = base64.b64encode(BODY.encode("utf-8")).decode().rstrip("=")
    data += "Q" * ((1 - len(data)) % 4)
    junk = "*" * ((-len(data)) % 4 or 4)
    assert len(data) % 4 == 1 and (len(data) + len(junk)) % 4 == 0
    return junk + data


def test_email_body_whose_base64_cannot_be_decoded_is_rejected_not_stored_encoded(
    tmp_path: Path,
) -> None:
    data = HEADERS + "Content-Type: text/plain; charset=utf-8\r\n"
    data += "Content-Transfer-Encoding: base64\r\n\r\n" + damaged_base64() + "\r\n"
    caught = rejection(write(tmp_path, "m.eml", data))
    assert "base64" in caught.reason and "damaged" in caught.reason


def test_email_attachment_whose_base64_cannot_be_decoded_is_skipped(tmp_path: Path) -> None:
    data = HEADERS + 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
    data += "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease see the notes.\r\n"
    data += '--B\r\nContent-Type: text/plain; name="notes.txt"\r\n'
    data += 'Content-Disposition: attachment; filename="notes.txt"\r\n'
    data += "Content-Transfer-Encoding: base64\r\n\r\n" + damaged_base64() + "\r\n--B--\r\n"
    (interaction,) = read_path(write(tmp_path, "m.eml", data))
    encoded = base64.b64encode(BODY.encode("utf-8")).decode()
    assert encoded[:40] not in interaction.text
    assert "Please see the notes." in interaction.text


def test_segments_json_with_a_number_too_long_to_read_is_rejected_with_a_reason(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "t.json", '{"segments": [{"text": "hi", "start": ' + "9" * 5000 + "}]}")
    caught = rejection(path)
    assert "4,300 digits" in caught.reason
    assert "please report" not in caught.reason


def test_event_log_line_with_a_number_too_long_to_read_names_the_line(tmp_path: Path) -> None:
    good = json.dumps({"ts": "2026-02-10T09:00:00Z", "actor": "u1", "event": "login"})
    bad = '{"ts": "2026-02-10T09:01:00Z", "actor": "u1", "event": "x", "n": ' + "9" * 5000 + "}"
    caught = rejection(write(tmp_path, "e.jsonl", f"{good}\n{good}\n{bad}\n"))
    assert caught.where == "line 3"
    assert "4,300 digits" in caught.reason


@pytest.mark.parametrize(
    ("segment", "field"),
    [
        ({"speaker": "A", "start": 0, "end": 1, "text": ["a", "list"]}, "'text' must be a string"),
        ({"speaker": "A", "start": 0, "end": 1, "text": {"an": "object"}}, "'text' must be"),
        ({"speaker": ["A"], "start": 0, "end": 1, "text": "hi"}, "'speaker' must be a string"),
        ({"speaker": "A", "start": "soon", "end": 1, "text": "hi"}, "'start' must be a finite"),
        ({"speaker": "A", "start": 0, "end": [1], "text": "hi"}, "'end' must be a finite"),
        ("just a string", "a segment must be an object"),
    ],
)
def test_segment_with_a_field_of_the_wrong_type_is_rejected_naming_the_segment(
    tmp_path: Path, segment: object, field: str
) -> None:
    good = {"speaker": "B", "start": 0, "end": 1, "text": "the price is too high"}
    path = write(tmp_path, "t.json", json.dumps({"segments": [good, segment]}))
    caught = rejection(path)
    assert caught.where == "segment 2"
    assert field in caught.reason
    assert "list" not in caught.reason or "a list" in caught.reason  # the type, not the value


def test_segment_times_that_are_not_finite_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '{"segments": [{"text": "hi", "start": NaN, "end": 1}]}')
    caught = rejection(path)
    assert caught.where == "segment 1"
    assert "'start' must be a finite number of seconds, not NaN or an infinity" in caught.reason


def test_segments_object_whose_segments_have_no_text_is_rejected_as_such(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", json.dumps({"segments": [{"speaker": "A"}, {}]}))
    assert rejection(path).reason == "the transcript has no segment with text"


def test_aws_speech_segment_of_the_wrong_shape_is_rejected_naming_it(tmp_path: Path) -> None:
    good = {"SegmentStartTime": 0.0, "SegmentEndTime": 1.0, "SegmentSpeaker": "spk_0"}
    document = {
        "ConversationAnalytics": {},
        "SpeechSegments": [
            {**good, "DisplayText": "hello"},
            {**good, "DisplayText": {"x": "y"}},
        ],
    }
    caught = rejection(write(tmp_path, "a.json", json.dumps(document)))
    assert caught.where == "speech segment 2"
    assert "'DisplayText' must be a string, not an object" in caught.reason
    document["SpeechSegments"] = [{**good, "DisplayText": "hello"}, None]
    caught = rejection(write(tmp_path, "b.json", json.dumps(document)))
    assert caught.where == "speech segment 2"
    assert "must be an object, not null" in caught.reason


SRT = "1\n00:00:01,000 --> 00:00:02,000\n第一句\n\n2\n{timing}\n第二句\n\n3\n00:00:04,000 --> 00:00:05,000\n第三句\n"


@pytest.mark.parametrize(
    ("timing", "reason"),
    [
        ("00:00:0x,000 --> 00:00:03,000", "malformed cue timing"),
        ("00:00:02,500 --> 00:00:03", "malformed cue timing"),
        ("00:61:00,000 --> 00:62:00,000", "60 or more"),
        ("00:00:03,000 --> 00:00:02,500", "ends before it starts"),
    ],
)
def test_srt_cue_with_a_bad_timing_line_is_rejected_with_its_line(
    tmp_path: Path, timing: str, reason: str
) -> None:
    caught = rejection(write(tmp_path, "c.srt", SRT.format(timing=timing)))
    assert caught.where == "line 6"
    assert reason in caught.reason


def test_webvtt_first_cue_with_a_bad_timing_line_is_rejected_not_dropped(tmp_path: Path) -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\n<v 甲>第一句\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v 乙>第二句\n"
    )
    caught = rejection(write(tmp_path, "c.vtt", text))
    assert caught.where == "line 3"
    assert "malformed cue timing" in caught.reason


def test_srt_with_good_timings_and_an_arrow_in_the_text_is_read(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nA --> B\n\n2\n00:00:02,000 --> 00:00:03,000\nok\n"
    (interaction,) = read_path(write(tmp_path, "c.srt", text))
    assert [t.text for t in interaction.turns] == ["A --> B", "ok"]


def test_a_folder_that_cannot_be_listed_is_rejected_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.txt").write_text("Alice: the price is too high.\nBob: ok.\n", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("A: x\nB: y\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)) == locked:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    files = list(iter_files([tmp_path]))
    assert files == [locked, tmp_path / "ok.txt"]
    interactions, rejections = read_path_with_rejections(locked)
    assert interactions == []
    assert rejections[0].path == str(locked)
    assert "cannot be listed (Permission denied)" in rejections[0].reason
