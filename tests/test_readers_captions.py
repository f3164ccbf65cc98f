"""WebVTT and SRT captions: every quirk real caption files have, one test each."""

from __future__ import annotations

from pathlib import Path

from semcrm.ingest.model import Interaction
from semcrm.ingest.readers import read_path


def read_bytes(tmp_path: Path, data: bytes, name: str = "captions.vtt") -> Interaction:
    path = tmp_path / name
    path.write_bytes(data)
    [interaction] = read_path(path)
    interaction.check()
    return interaction


def read_text(tmp_path: Path, text: str, name: str = "captions.vtt") -> Interaction:
    return read_bytes(tmp_path, text.encode("utf-8"), name)


def test_webvtt_bom_header_text_and_metadata(tmp_path: Path) -> None:
    data = "\ufeffWEBVTT - Sample demo call\nKind: captions\nLanguage: en\n\n"
    data += "00:00:01.000 --> 00:00:02.000\nHello.\n"
    interaction = read_bytes(tmp_path, data.encode())
    assert interaction.source.format == "webvtt"
    assert interaction.kind == "call"
    assert interaction.title == "Sample demo call"
    assert interaction.metadata["Kind"] == "captions"
    assert interaction.language == "en"
    assert [t.text for t in interaction.turns] == ["Hello."]


def test_webvtt_note_blocks_are_skipped_even_when_multi_line(tmp_path: Path) -> None:
    text = (
        "WEBVTT\n\nNOTE\nRecorded by the host.\nParticipants: two.\n\n"
        "NOTE one-line note\n\n00:01.000 --> 00:02.000\nFirst cue.\n"
    )
    interaction = read_text(tmp_path, text)
    assert [t.text for t in interaction.turns] == ["First cue."]
    assert "Participants" not in interaction.text


def test_webvtt_cue_identifiers_settings_and_missing_or_single_digit_hours(tmp_path: Path) -> None:
    text = (
        "WEBVTT\n\nslide-1\n00:01.000 --> 00:02.500 align:start position:10%\nShort clock.\n\n"
        "7\n0:00:08.640 --> 0:00:09.473\nSingle-digit hour.\n"
    )
    first, second = read_text(tmp_path, text).turns
    assert first.meta == {
        "start": "00:01.000", "end": "00:02.500", "cue": "slide-1",
        "settings": "align:start position:10%",
    }  # fmt: skip
    assert first.timestamp == "00:01.000"
    assert (second.timestamp, second.meta["cue"], second.text) == (
        "0:00:08.640", "7", "Single-digit hour.",
    )  # fmt: skip


def test_webvtt_voice_spans_give_the_speaker_and_a_name_prefix(tmp_path: Path) -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Mira Testwood>Okay, sharing my screen.\n"
        "Can everyone see it?\n\n00:02.500 --> 00:04.000\n<v.loud 贾演示>看得到。</v>\n"
    )
    interaction = read_text(tmp_path, text)
    first, second = interaction.turns
    assert (first.speaker, first.text) == (
        "Mira Testwood", "Okay, sharing my screen.\nCan everyone see it?",
    )  # fmt: skip
    assert (second.speaker, second.text) == ("贾演示", "看得到。")
    assert interaction.text == (
        "Mira Testwood: Okay, sharing my screen.\nCan everyone see it?\n\n贾演示: 看得到。"
    )
    assert [(h.text, h.origin) for h in interaction.name_hints] == [
        ("Mira Testwood", "voice-tag"), ("贾演示", "voice-tag"),
    ]  # fmt: skip


def test_webvtt_styling_tags_and_inline_timestamps_are_removed_entities_decoded(
    tmp_path: Path,
) -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:03.000\n"
        "<i>Parts</i> &amp; <b>labour</b> <c.yellow>cost</c> &lt;5%<00:00:01.500> of it.\n"
    )
    [turn] = read_text(tmp_path, text).turns
    assert turn.text == "Parts & labour cost <5% of it."


def test_webvtt_block_without_timing_continues_the_previous_cue(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nFirst part\n\nsecond part after a blank.\n"
    [turn] = read_text(tmp_path, text).turns
    assert turn.text == "First part\n\nsecond part after a blank."


def test_webvtt_speaker_label_inside_a_cue_without_voice(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n甄测试：今天先讲背景。\n"
    interaction = read_text(tmp_path, text)
    [turn] = interaction.turns
    assert (turn.speaker, turn.text) == ("甄测试", "今天先讲背景。")
    assert interaction.text == "甄测试：今天先讲背景。"


def test_srt_bom_and_crlf(tmp_path: Path) -> None:
    data = "\ufeff1\r\n00:00:01,200 --> 00:00:05,600\r\nHello there.\r\n\r\n"
    data += "2\r\n00:00:06,000 --> 00:00:07,000\r\nSecond cue.\r\n"
    interaction = read_bytes(tmp_path, data.encode(), "captions.srt")
    assert interaction.source.format == "srt"
    assert [(t.timestamp, t.text) for t in interaction.turns] == [
        ("00:00:01,200", "Hello there."), ("00:00:06,000", "Second cue."),
    ]  # fmt: skip
    assert "\r" not in interaction.text


def test_srt_missing_blank_line_between_cues(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nFirst cue.\n"
        "2\n00:00:02,500 --> 00:00:03,000\nSecond cue.\n"
    )
    turns = read_text(tmp_path, text, "captions.srt").turns
    assert [t.text for t in turns] == ["First cue.", "Second cue."]
    assert [t.meta["cue"] for t in turns] == ["1", "2"]


def test_srt_blank_line_inside_a_cue_stays_with_the_cue(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nFirst line.\n\nStill the first cue.\n\n"
        "2\n00:00:02,500 --> 00:00:03,000\nSecond cue.\n"
    )
    turns = read_text(tmp_path, text, "captions.srt").turns
    assert [t.text for t in turns] == ["First line.\n\nStill the first cue.", "Second cue."]


def test_srt_speaker_prefix_and_multi_line_text(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,200 --> 00:00:05,600\n贾场长：人都到齐了，\n今天先把数据对一对。\n\n"
        "2\n00:00:06,000 --> 00:00:08,000\n示例 濮工：好的，贾场长。\n"
    )
    interaction = read_text(tmp_path, text, "captions.srt")
    first, second = interaction.turns
    assert (first.speaker, first.text) == ("贾场长", "人都到齐了，\n今天先把数据对一对。")
    assert (second.speaker, second.speaker_org, second.text) == ("濮工", "示例", "好的，贾场长。")
    assert "今天先把数据对一对" in interaction.text


def test_srt_styling_tags_are_removed_but_a_literal_angle_bracket_stays(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n<i>Margin</i> is < 5 percent.\n"
    [turn] = read_text(tmp_path, text, "captions.srt").turns
    assert turn.text == "Margin is < 5 percent."
