"""E-mails, licence plates and addresses in the forms an adversarial review tried (issue 3).

Each case was left readable (or, for company addresses, wrongly redacted)
before; values are invented.
"""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import Pseudonymizer, detect, redact

PSEUDONYMIZER = Pseudonymizer(b"c" * 32)


def interaction(text: str) -> Interaction:
    return Interaction(Source("test.txt", "0", "transcript"), "call", text,
                       (Turn(0, text, 0, len(text)),))  # fmt: skip


def found(text: str) -> list[tuple[str, str]]:
    """``(matched text, type)`` of every span that is not a person's name."""
    return [(s.text, s.type) for s in detect(interaction(text)) if s.type != "person_name"]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "address", "normalised"),
    [
        ("邮箱 quill.test＠example。com 收", "quill.test＠example。com", "quill.test@example.com"),
        ("邮箱 quilltest 爱特 163 点 com", "quilltest 爱特 163 点 com", "quilltest@163.com"),
        ("邮箱是甄测明@示例.中国，谢谢", "甄测明@示例.中国", "甄测明@示例.中国"),
        ("mail 甄测明@example.com ok", "甄测明@example.com", "甄测明@example.com"),
    ],
)
def test_full_width_spelled_and_international_addresses(
    text: str, address: str, normalised: str
) -> None:
    assert found(text) == [(address, "email")]
    [span] = redact(interaction(text), PSEUDONYMIZER).spans
    assert span.pseudonym == PSEUDONYMIZER.pseudonym("email", normalised)


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("车牌浙a12345，白色", "浙a12345"),
        ("警车苏E1234警在门口", "苏E1234警"),
        ("教练车京B1234学", "京B1234学"),
        ("挂车鲁C1234挂", "鲁C1234挂"),
        ("粤Z1234港过关", "粤Z1234港"),
        ("领馆车沪A1234领", "沪A1234领"),
        ("使馆车使014578", "使014578"),
        ("我的车是浙江A牌照D12345", "浙江A牌照D12345"),
    ],
)
def test_special_plates_lower_case_and_split_forms(text: str, plate: str) -> None:
    assert found(text) == [(plate, "licence_plate")]


def test_a_split_plate_gets_the_pseudonym_of_the_plate() -> None:
    [split] = redact(interaction("我的车是浙江A牌照D12345"), PSEUDONYMIZER).spans
    [plain] = redact(interaction("车牌浙A·D12345"), PSEUDONYMIZER).spans
    assert split.pseudonym == plain.pseudonym


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("我家在翠柳小区12幢301，晚上在", "翠柳小区12幢301"),
        ("寄到示例省示例市示例县示例镇王家村3组15号", "示例省示例市示例县示例镇王家村3组15号"),
        (
            "Mail it to PO Box 1234, Springfield TX 78701 please",
            "PO Box 1234, Springfield TX 78701",
        ),
        ("Customer: 55 oak avenue is where I live", "55 oak avenue"),
    ],
)
def test_compounds_villages_po_boxes_and_lower_case_streets(text: str, address: str) -> None:
    assert found(text) == [(address, "street_address")]


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    "text",
    [
        # regression: a company address after 我们公司在 was redacted
        "我们公司在示例市示例区文华路90号东部软件园",
        "贵司地址是示例市示例区文华路90号吗",
        "办公室在示例市示例区文华路90号3楼",
        "Our office is at 55 Oak Avenue, Springfield.",
        "HQ: 12 Harbour Street, Lowbridge",
    ],
)
def test_company_addresses_stay(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "社区5号开会",
        "I live 5 minutes drive away",
        "walk 3 blocks down the road",
        "这里5楼有会议室",
    ],
)
def test_dates_and_distances_are_not_addresses(text: str) -> None:
    assert found(text) == []
