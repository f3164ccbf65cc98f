"""decode_bytes: BOMs, UTF-8 first, lying and unknown charsets, and never crashing."""

from __future__ import annotations

import logging
import random

import pytest

from semcrm.ingest.decode import decode_bytes, first_invalid_utf8, normalise_newlines
from semcrm.ingest.errors import RejectedInput, logged_name
from semcrm.ingest.readers import read_path


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        ("\ufeff示例科技 hello".encode(), "utf-8"),
        ("\ufeff示例科技 hello".encode("utf-16-le"), "utf-16"),
        ("\ufeff示例科技 hello".encode("utf-16-be"), "utf-16"),
        ("\ufeff示例科技 hello".encode("utf-32-le"), "utf-32"),
    ],
)
def test_decode_bom_names_the_encoding_and_is_removed(data: bytes, charset: str) -> None:
    text, used, fallback = decode_bytes(data, None, "bom.txt")
    assert text == "示例科技 hello"
    assert used == charset
    assert fallback is False


def test_decode_utf8_wins_over_a_wrong_latin1_declaration() -> None:
    text, used, fallback = decode_bytes("Zoë Testwood".encode(), "iso-8859-1", "x.eml")
    assert (text, used, fallback) == ("Zoë Testwood", "utf-8", True)


def test_decode_ascii_declared_and_written_needs_no_fallback() -> None:
    assert decode_bytes(b"plain words", "us-ascii", "x") == ("plain words", "ascii", False)


def test_decode_gb2312_declared_and_written_is_read_without_fallback() -> None:
    assert decode_bytes("贾演示".encode("gb2312"), "gb2312", "x") == ("贾演示", "gb18030", False)


def test_decode_gb2312_declared_but_gbk_written_is_read_as_gb18030_with_fallback() -> None:
    data = "贾喆".encode("gbk")  # 喆 exists in GBK, not in GB2312
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    assert decode_bytes(data, "gb2312", "x") == ("贾喆", "gb18030", True)


def test_decode_unknown_charset_falls_back_to_gb18030_for_chinese_bytes() -> None:
    data = "示例数据，测试用".encode("gbk")
    assert decode_bytes(data, "x-no-such-charset", "x") == ("示例数据，测试用", "gb18030", True)


def test_decode_missing_charset_on_latin1_bytes_falls_back_to_cp1252() -> None:
    data = "Café Testwood, Zürich".encode("cp1252")
    assert decode_bytes(data, None, "x") == ("Café Testwood, Zürich", "cp1252", True)


def test_decode_declared_charset_is_used_when_utf8_fails() -> None:
    data = "Привет".encode("koi8-r")
    assert decode_bytes(data, "koi8-r", "x") == ("Привет", "koi8-r", False)


def test_decode_rejects_bytes_that_are_text_in_no_charset() -> None:
    data = random.Random(7).randbytes(4000)
    with pytest.raises(RejectedInput) as caught:
        decode_bytes(data, None, "garbage.bin")
    assert caught.value.path == "garbage.bin"
    assert "not text" in caught.value.reason


def test_decode_rejects_valid_utf8_made_of_control_characters() -> None:
    with pytest.raises(RejectedInput):
        decode_bytes(b"\x01\x02\x03\x04" * 50, None, "controls.txt")


def test_normalise_newlines_turns_crlf_and_cr_into_lf() -> None:
    assert normalise_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_first_invalid_utf8_gives_the_line_and_byte_offset() -> None:
    # lines end with LF, CRLF and a lone CR; the bad byte 0xFF is the 27th byte
    data = b"Header line\nsecond\r\nthird\r" + b"\xff rest\n"
    assert first_invalid_utf8(data) == (4, 26)
    assert first_invalid_utf8("示例 fine".encode()) is None


@pytest.mark.issue(3)
def test_invalid_utf8_rejection_names_the_file_line_and_byte(tmp_path) -> None:
    # regression: the rejection named the file but not where the bytes stopped being UTF-8
    path = tmp_path / "broken.txt"
    path.write_bytes(
        b"Header line\nsecond line\n" + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x01]) * 40
    )
    with pytest.raises(RejectedInput) as caught:
        read_path(path)
    assert caught.value.path == str(path)
    assert caught.value.where == "line 3, byte 24"
    assert "not UTF-8 is at line 3, byte 24" in caught.value.reason
    assert str(caught.value).startswith(f"{path}, line 3, byte 24: not text")


@pytest.mark.issue(3)
def test_a_fallback_decoding_logs_the_file_by_hash_and_where_utf8_broke(caplog) -> None:
    data = "Line one\nCafé Testwood\n".encode("cp1252")  # é (0xE9) is byte 12, line 2
    with caplog.at_level(logging.WARNING, logger="semcrm.ingest.decode"):
        assert decode_bytes(data, None, "notes/Testwood.txt")[1:] == ("cp1252", True)
    [record] = caplog.records
    message = record.getMessage()
    assert logged_name("notes/Testwood.txt") in message
    assert "line 2, byte 12" in message and "cp1252" in message
    assert "Testwood" not in message


def test_a_declared_non_utf8_charset_is_not_a_utf8_failure(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="semcrm.ingest.decode"):
        assert decode_bytes("Привет".encode("koi8-r"), "koi8-r", "x")[1] == "koi8-r"
    assert caplog.records == []


def test_a_utf8_bom_with_bad_bytes_is_a_lossy_decoding_with_its_place(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="semcrm.ingest.decode"):
        assert decode_bytes(b"\xef\xbb\xbfab\n\xff", None, "x") == ("ab\n\ufffd", "utf-8", True)
    assert "line 2, byte 6" in caplog.records[0].getMessage()
