"""decode_bytes: BOMs, UTF-8 first, lying and unknown charsets, and never crashing."""

from __future__ import annotations

import random

import pytest

from semcrm.ingest.decode import decode_bytes, normalise_newlines
from semcrm.ingest.errors import RejectedInput


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
