"""Invisible characters and look-alike digits cannot hide personal data.

Two layers, both tested here: :func:`semcrm.ingest.decode.normalise_text`
cleans every decoded file (so the store and the NLP see clean text too), and
detection folds the same characters out of text that never passed the
decoder (HTML character references, file names, side fields). Values are
invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from semcrm.ingest.decode import decode_bytes, normalise_text
from semcrm.ingest.pii import Pseudonymizer, redact_text
from semcrm.ingest.readers import read_path

PSEUDONYMIZER = Pseudonymizer(b"u" * 32)
MOBILE = PSEUDONYMIZER.pseudonym("mobile_phone", "13900001234")

TRICKS = [
    "手机139\u200b0000\u200b1234",  # zero-width spaces
    "手机139\u200d0000\u200c1234",  # joiner, non-joiner
    "手机\u2066139\u20690000\u20601234",  # isolates, word joiner
    "手机139\u00ad0000\u00ad1234",  # soft hyphens
    "手机\ufeff13900001234",  # a BOM inside the text
    "手机1\u03013900001234",  # a combining mark on a digit
    "手机\u202a13900001234\u202c",  # an embedding
]


@pytest.mark.issue(3)
@pytest.mark.parametrize("text", TRICKS)
def test_invisible_characters_do_not_hide_a_number_from_detection(text: str) -> None:
    redacted, spans = redact_text(text, PSEUDONYMIZER)
    assert [span.pseudonym for span in spans] == [MOBILE]
    assert not any(char.isdigit() for char in redacted.replace(MOBILE, ""))


@pytest.mark.issue(3)
@pytest.mark.parametrize("text", TRICKS)
def test_decoded_text_has_no_invisible_characters(text: str) -> None:
    decoded, _charset, _fallback = decode_bytes(text.encode("utf-8"), None, "x.txt")
    assert decoded == "手机13900001234"


@pytest.mark.issue(3)
def test_a_name_split_by_joiners_is_one_name() -> None:
    _redacted, spans = redact_text("我是甄\u200d测\u200d明", PSEUDONYMIZER)
    assert [span.pseudonym for span in spans] == [PSEUDONYMIZER.pseudonym("person_name", "甄测明")]


@pytest.mark.issue(3)
def test_an_email_with_a_soft_hyphen_gets_the_clean_addresses_pseudonym() -> None:
    _redacted, spans = redact_text("邮箱 quill\u00adtest@example.com", PSEUDONYMIZER)
    assert [span.pseudonym for span in spans] == [
        PSEUDONYMIZER.pseudonym("email", "quilltest@example.com")
    ]


@pytest.mark.issue(3)
def test_lower_case_l_for_1_inside_a_number_is_read_as_a_digit() -> None:
    redacted, spans = redact_text("my number is l39 0000 l234, try it", PSEUDONYMIZER)
    assert [span.pseudonym for span in spans] == [MOBILE]
    assert redacted == f"my number is [{MOBILE}], try it"


@pytest.mark.parametrize("text", ["O2O and B2B", "lol 12 ok", "IO1 board", "Hello 2099"])
def test_look_alike_letters_outside_numbers_are_left_alone(text: str) -> None:
    assert redact_text(text, PSEUDONYMIZER) == (text, [])


def test_emoji_sequences_and_joining_scripts_keep_their_joiners() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert normalise_text(f"{family} {flag} {persian}") == f"{family} {flag} {persian}"


def test_decoded_text_is_nfc() -> None:
    assert normalise_text("Zoe\u0308 Testwood") == "Zoë Testwood"


def test_character_references_in_html_are_folded_by_detection(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><p>手机 139&#8203;0000&#8203;1234 联系</p></body></html>", encoding="utf-8"
    )
    [interaction] = read_path(path)
    redacted, spans = redact_text(interaction.text, PSEUDONYMIZER)
    assert [span.pseudonym for span in spans] == [MOBILE]
    assert "1234" not in redacted
