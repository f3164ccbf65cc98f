"""Pseudonyms: typed, stable across notations and runs, different under another secret."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from semcrm.ingest.pii import Pseudonymizer, SecretKeyError, load_or_create_secret, normalise

SECRET = b"s" * 32
OTHER = b"o" * 32


@pytest.mark.parametrize(
    ("pii_type", "one", "other"),
    [
        ("mobile_phone", "+86 139-0000-1234", "１３９　００００　１２３４"),
        ("mobile_phone", "13900001234", "幺三九零零零零一二三四"),
        ("mobile_phone", "0086 139 0000 1234", "一三九，零零零零，一二三四"),
        ("mobile_phone", "+44 (0)7700 900123", "07700 900 123"),
        ("mobile_phone", "+1 (555) 555-0142", "five-five-five, five-five-five, oh-one-four-two"),
        ("email", "Octavia.Brenwick@Example.com", "octavia dot brenwick at example dot com"),
        ("email", "yuezx@163.com", "yuezx 艾特 163 点 com"),
        ("email", "yuezx@163.com", "yuezx＠163.com"),
        ("cn_resident_id", "110105199003071239", "110105 19900307 1239"),
        ("cn_resident_id", "11010519900307123X", "１１０１０５１９９００３０７１２３ｘ"),
        ("bank_card", "4111 1111 1111 1111", "4111-1111-1111-1111"),
        ("licence_plate", "浙A·12345", "浙A 12345"),
        ("person_name", "Octavia  Brenwick", "octavia brenwick"),
        ("person_name", "Dr. Ottoline Brack", "Ottoline Brack"),
    ],
)
def test_the_same_value_in_two_notations_gets_the_same_pseudonym(
    pii_type: str, one: str, other: str
) -> None:
    pseudonymizer = Pseudonymizer(SECRET)
    assert pseudonymizer.pseudonym(pii_type, one) == pseudonymizer.pseudonym(pii_type, other)


def test_pseudonym_format_and_prefixes() -> None:
    pseudonymizer = Pseudonymizer(SECRET)
    prefixes = {
        "person_name": "PERSON", "mobile_phone": "MOBILE", "phone": "PHONE", "email": "EMAIL",
        "cn_resident_id": "CNID", "bank_card": "CARD", "street_address": "ADDRESS",
        "licence_plate": "PLATE",
    }  # fmt: skip
    for pii_type, prefix in prefixes.items():
        pseudonym = pseudonymizer.pseudonym(pii_type, "value 1")
        head, tag = pseudonym.split("-")
        assert head == prefix
        assert len(tag) == 8 and tag == tag.upper() and int(tag, 16) >= 0


def test_different_secret_or_value_gives_a_different_pseudonym() -> None:
    one, other = Pseudonymizer(SECRET), Pseudonymizer(OTHER)
    assert one.pseudonym("email", "a@example.com") != other.pseudonym("email", "a@example.com")
    assert one.pseudonym("email", "a@example.com") != one.pseudonym("email", "b@example.com")
    assert one.pseudonym("phone", "(555) 555-0142") != one.pseudonym("mobile_phone", "5555550142")


def test_pseudonyms_are_stable_across_instances() -> None:
    assert Pseudonymizer(SECRET).pseudonym("person_name", "岳知行") == Pseudonymizer(
        SECRET
    ).pseudonym("person_name", "岳知行")


def test_normalised_forms() -> None:
    assert normalise("mobile_phone", "+86 139-0000-1234") == "13900001234"
    assert normalise("mobile_phone", "+44 7700 900123") == "07700900123"
    assert normalise("email", "Yuezx 艾特 163 点 COM") == "yuezx@163.com"
    assert normalise("cn_resident_id", "11010519900307123x") == "11010519900307123X"
    assert normalise("person_name", "Dr. Ottoline   Brack") == "ottoline brack"


def test_secret_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    data = tmp_path / "data"
    secret = load_or_create_secret(data)
    assert len(secret) == 32
    assert stat.S_IMODE(os.stat(data / "secret.key").st_mode) == 0o600
    assert load_or_create_secret(data) == secret


def test_a_malformed_secret_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_bytes(b"short")
    with pytest.raises(SecretKeyError) as error:
        load_or_create_secret(tmp_path)
    assert str(tmp_path / "secret.key") in str(error.value)
    assert "5 bytes" in str(error.value)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        Pseudonymizer(b"tiny")
