"""E-mail addresses and street addresses: personal ones redacted, role and company ones kept."""

from __future__ import annotations

import pytest

from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ingest.pii import detect


def found(text: str) -> list[tuple[str, str]]:
    interaction = Interaction(Source("test.txt", "0", "email"), "email", text,
                              (Turn(0, text, 0, len(text)),))  # fmt: skip
    return [(span.text, span.type) for span in detect(interaction) if span.type != "person_name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("方案发我邮箱 lan.ruoxi@example.cn 就行", [("lan.ruoxi@example.cn", "email")]),
        ("邮箱 yue_zx2099＠example.com 收", [("yue_zx2099＠example.com", "email")]),
        ("发到 yuezx 艾特 163 点 com 吧", [("yuezx 艾特 163 点 com", "email")]),
        (
            "Send it to octavia dot brenwick at example dot com, thanks.",
            [("octavia dot brenwick at example dot com", "email")],
        ),
        ("Contact: q.farthing(at)example.org", [("q.farthing(at)example.org", "email")]),
    ],
)
def test_personal_emails_in_every_notation(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cc: orders@example.co.uk, support@example.com",
        "请通过公共邮箱 xxzb@example.com.cn 联系",
        "Customer ops mailbox ops@example.com asked for pricing",
        "Message-ID: <CAx9q2.7781.bob@mail.example.com>\nIn-Reply-To: <20990101.1200@example.cn>",
        "see <5e0c1b7a-2a44-4f0e-9c1d-7f3b2d9e8a11@example.com> for the thread",
        "start a return at example.com/returns today",
        "look at the dot com bubble",
    ],
)
def test_role_mailboxes_message_ids_and_urls_are_not_redacted(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "车在我家小区，杭州市滨江区示例路澜苑3幢1单元802，来这。",
            [("杭州市滨江区示例路澜苑3幢1单元802", "street_address")],
        ),
        (
            "收货地址是北京市朝阳区样板路12号院5号楼2单元301室。",
            [("北京市朝阳区样板路12号院5号楼2单元301室", "street_address")],
        ),
        (
            "please post it to my home: 27 Wrenfield Row, Lowbridge LB4 7QX.",
            [("27 Wrenfield Row, Lowbridge LB4 7QX", "street_address")],
        ),
        (
            "ship it to 4410 Marlowe Ave, Apt 2C, Springvale, CA 90000",
            [("4410 Marlowe Ave, Apt 2C, Springvale, CA 90000", "street_address")],
        ),
    ],
)
def test_home_addresses(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "地址：江苏省苏州市工业园区示例大道88号星桥大厦12楼",
        "Unit 9, Harrow Business Park, Lowbridge LB1 2AA",
        "2099-01-01T02:00:00Z Northfield Storage Partners weekly summary",
    ],
)
def test_company_addresses_are_look_alikes(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "> [mailto:IMCEANOTES-+22Oakes+2C+20Tamsin+22+20+3CTamsin+5FOakes+40example+2Ecom\n> +3E+40CORP@CORP.com]",
        'X-From: "Vo, Linh" <IMCEANOTES-+22Vo+2C+20Linh+22+20+3Clinh+2Evo+40example+2Eorg+3E+40CORP@CORP.com>',
    ],
)
def test_exchange_encapsulated_addresses_are_redacted_whole(text: str) -> None:
    """Regression: an IMCEA-encoded address kept the person's name and mailbox in the store."""
    spans = [(s, t) for s, t in found(text) if t == "email"]
    assert any("IMCEANOTES-" in s and ("+40example" in s) for s, _ in spans)
