"""Formats are detected from content: the file name and extension are never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from semcrm.ingest.detect import detect_text_format, sniff_email
from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.readers import SUPPORTED_FORMATS, read_path

SAMPLES = {
    "transcript": "甄测试：您好，我是示例科技的甄测试。\n贾演示：你好，请讲。\n",
    "chat": "2030-01-02 09:00:01 用户：在吗\n2030-01-02 09:00:09 客服-小样：您好\n",
    "webvtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Mira Testwood>Hello there.\n",
    "srt": "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n",
    "segments_json": '{"segments": [{"speaker": "A", "start": 0, "end": 1, "text": "Hi"}]}',
    "jsonl": '{"ts": "2030-01-01T00:00:00Z", "event": "login", "user_id": "u_1"}\n'
    '{"ts": "2030-01-01T00:01:00Z", "event": "logout", "user_id": "u_1"}\n',
    "markdown": "# 示例会议\n\n- 事项一\n- 事项二\n",
    "html": "<!DOCTYPE html><html><body><p>Hello there.</p></body></html>",
    "text": "这是一份说明文档。\n\n第二段内容。\n",
}


@pytest.mark.parametrize(("expected", "content"), SAMPLES.items())
def test_detect_text_format_from_content(expected: str, content: str) -> None:
    assert detect_text_format(content, "x") == expected


@pytest.mark.parametrize(("expected", "content"), SAMPLES.items())
def test_detect_ignores_a_lying_extension(tmp_path: Path, expected: str, content: str) -> None:
    path = tmp_path / "misnamed.eml"
    path.write_text(content, encoding="utf-8")
    [interaction] = read_path(path)
    assert interaction.source.format == expected


def test_detect_an_email_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(
        b"From: Mira Testwood <mira@example.test>\nTo: ops@example.test\n"
        b"Subject: Hello\n\nBody text.\n"
    )
    [interaction] = read_path(path)
    assert (interaction.source.format, interaction.kind) == ("email", "email")


def test_detect_speaker_lines_are_not_mail_headers() -> None:
    assert sniff_email(b"Agent: hello\nCustomer: hi there\n") is None


def test_detect_a_document_with_a_few_field_lines_is_not_a_transcript() -> None:
    text = (
        "示例项目说明\n说明：带星号的为实质性条款。\n本项目共分三期实施，第一期于明年开始。\n"
        "各期的范围见附表，附表另行提供。\n联系人：甄测试\n"
    )
    assert detect_text_format(text, "x") == "text"


def test_detect_rejects_json_that_is_not_a_transcript() -> None:
    with pytest.raises(RejectedInput) as caught:
        detect_text_format('{"id": "X01", "people": []}', "gold.json")
    assert "unsupported format: JSON document that is neither" in caught.value.reason


def test_detect_rejects_program_source() -> None:
    source = "#!/usr/bin/env python3\nimport sys\n\ndef main():\n    return 0\n"
    with pytest.raises(RejectedInput) as caught:
        detect_text_format(source, "tool.py")
    assert "source code" in caught.value.reason


def test_supported_formats_name_every_reader() -> None:
    assert set(SUPPORTED_FORMATS) >= {
        "transcript", "chat", "webvtt", "srt", "asr_json", "segments_json", "jsonl",
        "email", "mbox", "markdown", "text", "html", "docx", "pdf",
    }  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "# a catalogue\n@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\n",
        "PREFIX ex: <https://example.org/>\nex:a ex:b ex:c .\n",
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    ],
)
def test_detect_rejects_rdf_files_and_points_to_the_ontology_option(text):
    with pytest.raises(RejectedInput, match="--ontology"):
        detect_text_format(text, "catalog.ttl")
