"""Phone numbers, resident IDs, bank cards and plates: exact spans, exact types.

Every number here is invented: mobiles from obviously fake ranges
(139 0000 xxxx), UK numbers from the 07700 900xxx fiction range, NANP
555-01xx, an ID and cards built only to pass their check digits.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import detect
from semcrm.ingest.pii.cards import luhn_valid
from semcrm.ingest.pii.ids import check_character, is_valid_resident_id


def found(text: str) -> list[tuple[str, str]]:
    """``(matched text, type)`` of every span detected in a one-turn interaction."""
    interaction = Interaction(Source("test.txt", "0", "transcript"), "call", text,
                              (Turn(0, text, 0, len(text)),))  # fmt: skip
    return [(span.text, span.type) for span in detect(interaction)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机139 0000 1234，随时打。", [("139 0000 1234", "mobile_phone")]),
        ("我的号码是+86 139-0000-5678。", [("+86 139-0000-5678", "mobile_phone")]),
        ("请拨0086 13900001111", [("0086 13900001111", "mobile_phone")]),
        ("手机号是１３９　００００　２２２２。", [("１３９　００００　２２２２", "mobile_phone")]),
        ("手机(+86)139 0000 3333", [("(+86)139 0000 3333", "mobile_phone")]),
        ("我手机幺三九零零零零四四四四。", [("幺三九零零零零四四四四", "mobile_phone")]),
        ("一三九，零零零零，五五五五，记一下", [("一三九，零零零零，五五五五", "mobile_phone")]),
        ("My mobile is +44 7700 900123.", [("+44 7700 900123", "mobile_phone")]),
        ("Call 07700 900 456 after six.", [("07700 900 456", "mobile_phone")]),
        ("Cell: (555) 555-0142", [("(555) 555-0142", "mobile_phone")]),
        (
            "Text me on five-five-five, five-five-five, oh-one-four-two.",
            [("five-five-five, five-five-five, oh-one-four-two", "mobile_phone")],
        ),
        ("Reach me at +33 6 12 34 56 78 tonight.", [("+33 6 12 34 56 78", "phone")]),
    ],
)
def test_phones_are_found_in_every_notation(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_a_spoken_false_start_is_redacted_with_the_corrected_number() -> None:
    text = "手机幺三九，零零零……不对，幺三九 零零零零 六六六六。"
    assert found(text) == [
        ("幺三九，零零零", "mobile_phone"),
        ("幺三九 零零零零 六六六六", "mobile_phone"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "办公室座机0571-8000 1234，找前台。",
        "总机 010-6000 0000转8021",
        "客服热线400-800-0000全天有人。",
        "Our office line (555) 555-0100 goes to reception.",
        "Direct: (555) 555-0177",
        "Switchboard 01632 960 001",
        "订单号QY2099010100001已发货",
        "工单 AZ-0101-0001 已关闭",
        "2099-01-01 10:00:00 用户：在吗",
        "server 198.51.100.7 answered",
        "掩码号码 139****1234 已验证",
        "统一社会信用代码91110000MA00000X0X",
    ],
)
def test_office_lines_hotlines_and_codes_are_not_redacted(text: str) -> None:
    assert found(text) == []


def test_resident_id_check_character_follows_gb_11643() -> None:
    assert check_character("11010519900307123") == "9"
    assert is_valid_resident_id("110105 19900307 1239")
    assert not is_valid_resident_id("110105199003071238")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("证件 110105199003071239 已核验", [("110105199003071239", "cn_resident_id")]),
        ("idno=440304 19851212 4569", [("440304 19851212 4569", "cn_resident_id")]),
        (
            "号码１１０１０５１９９００３０７１２３９",
            [("１１０１０５１９９００３０７１２３９", "cn_resident_id")],
        ),
        ("身份证号：110105199003071238（我打错了）", [("110105199003071238", "cn_resident_id")]),
    ],
)
def test_resident_ids(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_an_unlabelled_id_with_a_bad_check_character_is_left_alone() -> None:
    assert found("批次 110105199003071238 入库") == []


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund to my card 4111 1111 1111 1111 please", [("4111 1111 1111 1111", "bank_card")]),
        ("卡号6217 0000 0000 0000 004，户主本人", [("6217 0000 0000 0000 004", "bank_card")]),
        ("新卡 4111-1111-1111-1111", [("4111-1111-1111-1111", "bank_card")]),
        (
            "银行卡号 6217 0000 0000 0000 005（尾号可能有误）",
            [("6217 0000 0000 0000 005", "bank_card")],
        ),
    ],
)
def test_bank_cards(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "开户行：示例银行城东支行　账号：6217 0000 0000 0000 004",
        "Account no. 4111 1111 1111 1111 (company)",
        "the card ending 1111 was cancelled",
        "订单号 2099010112345678 待支付",
    ],
)
def test_corporate_accounts_masked_cards_and_order_numbers_survive(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("车牌浙A·12345，到门口报号", [("浙A·12345", "licence_plate")]),
        ("新能源车粤B·D12345进场", [("粤B·D12345", "licence_plate")]),
        ("车是沪C 6Z9Z9，白色", [("沪C 6Z9Z9", "licence_plate")]),
        ("京N12345F停在地库", [("京N12345F", "licence_plate")]),
    ],
)
def test_licence_plates(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_plate_like_words_without_digits_are_not_plates() -> None:
    assert found("苏E·ABCDE 是一个型号名") == []
