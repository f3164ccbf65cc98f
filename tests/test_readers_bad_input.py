"""Bad input: each case gets a clear rejection naming the file, and the batch goes on."""

from __future__ import annotations

import base64
import gzip
import io
import random
import struct
import time
import zipfile
from pathlib import Path

import pytest

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.readers import (
    MAX_FILE_BYTES,
    iter_files,
    read_path,
    read_path_with_rejections,
)
from semcrm.ingest.readers.mime import MAX_MIME_DEPTH


def rejection(path: Path) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path: Path) -> None:
    assert rejection(write(tmp_path, "empty.txt", b"")).reason == "empty file"


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.txt", " \n\t\r\n　\n".encode())
    assert rejection(path).reason == "the file contains only white space"


def test_binary_garbage(tmp_path: Path) -> None:
    path = write(tmp_path, "garbage.txt", random.Random(3).randbytes(20_000))
    assert "unsupported format" in rejection(path).reason or "not text" in rejection(path).reason


def test_binary_garbage_without_nul_bytes_is_not_text(tmp_path: Path) -> None:
    data = bytes(b for b in random.Random(5).randbytes(20_000) if b not in (0, 10, 13))
    assert "not text" in rejection(write(tmp_path, "noise.txt", data)).reason


def test_invalid_utf8_latin1_text_is_read_by_fallback(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "Résumé of the café visit.\n\nAll fine.\n".encode("cp1252"))
    [interaction] = read_path(path)
    assert interaction.turns[0].text == "Résumé of the café visit."
    assert (interaction.source.charset, interaction.source.charset_fallback) == ("cp1252", True)


def test_invalid_utf8_that_no_charset_decodes_cleanly_is_rejected(tmp_path: Path) -> None:
    data = b"Header line\n" + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x01]) * 40 + b"\n"
    assert "not text" in rejection(write(tmp_path, "broken.txt", data)).reason


def test_truncated_email_headers_only(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.eml", b"From: a@example.test\nTo: b@example.test\nSubject: Hi\n")
    assert "truncated e-mail" in rejection(path).reason


def test_truncated_email_cut_in_the_middle_of_a_base64_part(tmp_path: Path) -> None:
    payload = base64.b64encode(random.Random(1).randbytes(3000)).decode()
    data = (
        "From: a@example.test\nSubject: Files\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nSee file.\n"
        "--B\nContent-Type: application/octet-stream\n"
        'Content-Disposition: attachment; filename="data.bin"\n'
        f"Content-Transfer-Encoding: base64\n\n{payload[:1001]}"
    )
    assert "base64" in rejection(write(tmp_path, "cut.eml", data.encode())).reason


def test_truncated_email_body_base64_cut_off(tmp_path: Path) -> None:
    body = base64.b64encode("示例正文内容，写得比较长一些。".encode()).decode()[:-3]
    data = f"From: a@example.test\nSubject: Cut\nContent-Transfer-Encoding: base64\n\n{body}\n"
    assert "truncated e-mail" in rejection(write(tmp_path, "cut.eml", data.encode())).reason


def test_fifty_megabyte_single_line_file_is_rejected_quickly(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    with path.open("wb") as stream:
        block = b"a" * (1024 * 1024)
        for _ in range(50):
            stream.write(block)
    started = time.perf_counter()
    rejected = rejection(path)
    elapsed = time.perf_counter() - started
    assert rejected.where == "line 1"
    assert "longer than 1024 KiB" in rejected.reason
    assert elapsed < 2.0


def test_file_above_the_size_limit_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written
    assert "above the 64 MB limit" in rejection(path).reason


def nested_mime(depth: int) -> bytes:
    body = 'Content-Type: text/plain; charset="utf-8"\n\nThe leaf.\n'
    for level in range(depth):
        boundary = f"L{level}"
        body = (
            f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
            f"--{boundary}\n{body}\n--{boundary}--\n"
        )
    return ("From: a@example.test\nSubject: deep\nMIME-Version: 1.0\n" + body).encode()


def test_deeply_nested_mime_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.eml", nested_mime(MAX_MIME_DEPTH + 10))
    assert f"deeper than {MAX_MIME_DEPTH}" in rejection(path).reason


def test_mime_nested_within_the_limit_is_read(tmp_path: Path) -> None:
    [interaction] = read_path(write(tmp_path, "ok.eml", nested_mime(MAX_MIME_DEPTH - 2)))
    assert interaction.turns[0].text == "The leaf."


def mail_with_attachment(name: str, ctype: str, payload: bytes) -> bytes:
    encoded = base64.encodebytes(payload).decode()
    return (
        "From: a@example.test\nSubject: Report\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain\n\n'
        f"Report attached.\n--B\nContent-Type: {ctype}\n"
        f'Content-Disposition: attachment; filename="{name}"\n'
        f"Content-Transfer-Encoding: base64\n\n{encoded}--B--\n"
    ).encode()


def zip_bytes(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


def test_zip_bomb_attachment_is_listed_never_inflated(tmp_path: Path) -> None:
    bomb = zip_bytes("zeros.bin", bytes(4 * 1024 * 1024))
    assert len(bomb) < 20_000
    path = write(tmp_path, "bomb.eml", mail_with_attachment("bomb.zip", "application/zip", bomb))
    [interaction] = read_path(path)
    assert interaction.attachments == ("bomb.zip",)
    assert "zip bomb" in interaction.metadata["notes"]
    assert [t.text for t in interaction.turns] == ["Report attached."]


def test_gzip_attachment_claiming_a_huge_size_is_skipped_with_a_reason(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b"x" * 1000))
    data[-4:] = struct.pack("<I", 4_000_000_000)
    eml = mail_with_attachment("log.txt.gz", "application/gzip", bytes(data))
    [interaction] = read_path(write(tmp_path, "gz.eml", eml))
    assert interaction.attachments == ("log.txt.gz",)
    assert "never decompressed" in interaction.metadata["notes"]


def test_a_zip_archive_file_is_unsupported(tmp_path: Path) -> None:
    path = write(tmp_path, "bundle.txt", zip_bytes("a.txt", b"hello"))
    assert "zip archive" in rejection(path).reason


def test_a_docx_that_is_a_zip_bomb_is_rejected(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    path = tmp_path / "bomb.docx"
    document = docx.Document()
    document.add_paragraph("Hello.")
    document.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", bytes(4 * 1024 * 1024))
    assert "zip bomb" in rejection(path).reason


def test_missing_file_and_folder_are_rejected(tmp_path: Path) -> None:
    assert rejection(tmp_path / "nope.txt").reason == "no such file"
    assert "folder" in rejection(tmp_path).reason


def test_a_batch_goes_on_past_bad_files(tmp_path: Path) -> None:
    write(tmp_path, "a_call.txt", b"Agent: Hello.\nCustomer: Hi.\n")
    write(tmp_path, "b_empty.txt", b"")
    write(tmp_path, "c_garbage.bin", random.Random(9).randbytes(5000))
    write(tmp_path, ".hidden.txt", b"Agent: hidden\nCustomer: file\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "config", b"[core]\n")
    write(tmp_path / "sub", "d_caps.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi.\n")
    files = list(iter_files([tmp_path]))
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "a_call.txt", "b_empty.txt", "c_garbage.bin", "sub/d_caps.vtt",
    ]  # fmt: skip
    results = [read_path_with_rejections(p) for p in files]
    assert [len(interactions) for interactions, _ in results] == [1, 0, 0, 1]
    assert [len(rejections) for _, rejections in results] == [0, 1, 1, 0]


def test_a_cut_off_pdf_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    assert "PDF" in rejection(path).reason


def test_a_multipart_message_without_a_boundary_is_rejected_not_emptied(tmp_path: Path) -> None:
    """Regression: multipart/mixed without boundary= was stored with an empty body."""
    path = tmp_path / "noboundary.eml"
    path.write_bytes(
        b"From: a@example.org\nTo: b@example.org\nSubject: quote\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nPlease send the quote.\n--x--\n"
    )
    interactions, rejections = read_path_with_rejections(path)
    assert interactions == []
    assert [r.reason for r in rejections] == [
        "a multipart/mixed part has no boundary parameter, so its parts cannot be told apart; "
        "re-export the message"
    ]


def test_a_damaged_pdf_gives_one_clear_error_and_no_pypdf_noise_on_stderr(tmp_path: Path) -> None:
    """Regression: pypdf's own warnings ("EOF marker not found") reached stderr."""
    import subprocess
    import sys

    path = write(tmp_path, "cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    result = subprocess.run(
        [sys.executable, "-m", "semcrm.api.cli", "redact", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: not a readable PDF (damaged or cut off); re-export it"
    ]
