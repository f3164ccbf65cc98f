"""Numbers in the notations people really use, typed by their digits, one pseudonym per value.

Regression tests for the faults an adversarial review found (issue 3): each
notation below was left readable or typed by the notation instead of the
value. Every number is invented: CN mobiles in 139 0000 xxxx / 186 0000 xxxx,
NANP 555-01xx, IDs and cards built only to pass their checks.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import Pseudonymizer, detect, redact

PSEUDONYMIZER = Pseudonymizer(b"n" * 32)
#: 139 0000 1234 as the pseudonym every notation of it must get.
MOBILE = PSEUDONYMIZER.pseudonym("mobile_phone", "13900001234")
#: An invented resident ID with the right check character (GB 11643).
RESIDENT_ID = "510107197809234613"


def interaction(text: str) -> Interaction:
    return Interaction(Source("test.txt", "0", "transcript"), "call", text,
                       (Turn(0, text, 0, len(text)),))  # fmt: skip


def found(text: str) -> list[tuple[str, str]]:
    """``(matched text, type)`` of every span detected in a one-turn interaction."""
    return [(span.text, span.type) for span in detect(interaction(text))]


def pseudonyms(text: str) -> list[str]:
    return [span.pseudonym for span in redact(interaction(text), PSEUDONYMIZER).spans]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("手机139.0000.1234，随时打", "139.0000.1234"),
        ("客户：(86)13900001234", "(86)13900001234"),
        ("客户：86-139-0000-1234", "86-139-0000-1234"),
        ("客户：139/0000/1234", "139/0000/1234"),
        ("my cell is 1 3 9 0 0 0 0 1 2 3 4 ok", "1 3 9 0 0 0 0 1 2 3 4"),
        ("手机一三九00001234", "一三九00001234"),
        ("手机壹叁玖零零零零壹贰叁肆", "壹叁玖零零零零壹贰叁肆"),
        ("手机幺三九〇〇〇〇一二三四", "幺三九〇〇〇〇一二三四"),
        ("it's double-oh eight six, one three nine, oh oh oh oh, one two three four",
         "double-oh eight six, one three nine, oh oh oh oh, one two three four"),
    ],
)  # fmt: skip
def test_every_notation_of_a_mobile_is_that_mobile(text: str, number: str) -> None:
    assert found(text) == [(number, "mobile_phone")]
    assert pseudonyms(text) == [MOBILE]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    "handle", ["wxid_13900001234", "qtest13900001234", "13900001234abc", "u-13900001234-x"]
)
def test_a_mobile_inside_a_handle_makes_the_handle_personal(handle: str) -> None:
    assert found(f"加我微信 {handle} 吧") == [(handle, "mobile_phone")]
    assert pseudonyms(f"加我微信 {handle} 吧") == [MOBILE]


@pytest.mark.parametrize(
    ("text", "number"),
    [("Mine is 555.555.0163.", "555.555.0163"), ("call (555) 555-0163 now", "(555) 555-0163")],
)
def test_nanp_numbers_with_dots_or_brackets(text: str, number: str) -> None:
    assert found(text) == [(number, "phone")]


@pytest.mark.parametrize(
    "text",
    [
        "订单号 20990311000456789 已发货",
        "座机 0571-8000 1234",
        "Tel: 021-6000 0000",
        "热线 400-800-0000",
        "客服 95588",
        "手机 139****1234",
        "server 198.51.100.23 is up",
        "型号 ST-13900001",
        "2099.03.11 开会",
        "版本 v1.139.0000",
        "报价单HM-QT-209903-07两位都看过",
        "Call 1-800-555-0199 toll-free",
    ],
)
def test_look_alikes_of_the_new_notations_stay(text: str) -> None:
    assert found(text) == []


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    "notation",
    [
        "510107 1978 0923 4613",
        "510107-19780923-4613",
        "510107 19780923 4613",
        "五一零一零七一九七八零九二三四六一三",
    ],
)
def test_resident_ids_in_every_grouping_and_spoken_are_ids(notation: str) -> None:
    assert found(f"身份证 {notation}") == [(notation, "cn_resident_id")]
    assert pseudonyms(f"身份证 {notation}") == [
        PSEUDONYMIZER.pseudonym("cn_resident_id", RESIDENT_ID)
    ]


@pytest.mark.issue(3)
def test_the_old_15_digit_id_needs_a_real_region_and_birth_date() -> None:
    assert found("老身份证号 110105900307123") == [("110105900307123", "cn_resident_id")]
    assert found("批次 110105901307123 入库") == []  # month 13
    assert found("批次 990105900307123 入库") == []  # no province 99
    assert found("卡号 110105900307123") == [("110105900307123", "bank_card")]


@pytest.mark.issue(3)
def test_a_card_in_an_irregular_grouping_is_one_span() -> None:
    # regression: "卡号 621700 0000000000004" left the first group visible
    assert found("卡号 621700 0000000000004") == [("621700 0000000000004", "bank_card")]
    assert pseudonyms("卡号 621700 0000000000004") == [
        PSEUDONYMIZER.pseudonym("bank_card", "6217000000000000004")
    ]


def test_an_irregular_grouping_without_a_card_cue_is_not_a_card() -> None:
    assert found("批次 621700 0000000000004 入库") == []


@pytest.mark.issue(3)
def test_a_number_read_out_gets_the_type_its_digits_give_it() -> None:
    # regression: a spoken CN mobile became PHONE-… while the written one was MOBILE-…
    spoken = "我念一下，一三九，零零零零，一二三四"
    assert found(spoken) == [("一三九，零零零零，一二三四", "mobile_phone")]
    assert pseudonyms(spoken) == pseudonyms("我念一下，13900001234") == [MOBILE]


@pytest.mark.issue(3)
def test_a_cn_mobile_passed_as_phone_is_hashed_as_a_mobile() -> None:
    assert PSEUDONYMIZER.pseudonym("phone", "139 0000 1234") == MOBILE
    assert PSEUDONYMIZER.pseudonym("phone", "(555) 555-0142").startswith("PHONE-")


def test_a_card_number_read_out_on_a_call_is_a_card() -> None:
    text = "my card number is four one one one, one one one one, one one one one, one one one one"
    assert [pii_type for _, pii_type in found(text)] == ["bank_card"]
