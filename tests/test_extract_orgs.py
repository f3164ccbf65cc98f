"""Which organisation is the customer (ingest/extract/orgs.py, orgnames.py).

Records are written here by hand (every name invented) and go through the real
reader, de-identification and extractor (the ``extract`` fixture).
"""

from __future__ import annotations

import pytest

from semcrm.ingest.extract.orgnames import matches_domain, same_organisation, zh_brand_at


def _customer(extraction) -> str | None:
    return extraction.customer.name if extraction.customer else None


def test_orgs_header_line_is_the_customer_but_a_speaker_label_is_not(extract):
    """``客户：X`` at the head of a ticket names the customer; ``客户：`` before a turn is a
    speaker label, and what follows it is speech, not an organisation."""
    x = extract(
        "客户：江州市行政审批服务局　　产品：预约平台\n"
        "[09:12:40] 江州审批局 王主任：排队机今天上午打不出票。\n"
        "[09:13:02] 客服：您好，我马上查一下。\n",
        "ticket.txt",
    )
    # the short form the speakers use and the header's full form are one organisation,
    # shown by its full form
    assert _customer(x) == "江州市行政审批服务局"
    assert x.customer.evidence[0].quote == "江州市行政审批服务局"

    y = extract(
        "销售：请问是北岭应用技术学院汽车系吗？我是数联科技的小周。\n"
        "客户：是的，我们想了解一下焊接实训室的方案。\n",
        "call.txt",
    )
    assert _customer(y) == "北岭应用技术学院"


def test_orgs_trade_name_with_line_of_business_said_by_the_customer(extract):
    """我们X: a trade name plus a line of business (字号 + 行业) without its legal form."""
    x = extract(
        "[00:00:02] 远航汽车 张敏：刘总您好，我是远航汽车的张敏，跟您约的回访。\n"
        "[00:00:07] 刘强：好的。我们青禾城配这边今年要再加二十台冷藏车。\n"
        "[00:00:15] 张敏：明白，我这边把配置单发您。\n",
        "call.txt",
    )
    assert _customer(x) == "青禾城配"
    assert x.vendor is not None and x.vendor.name.startswith("远航汽车")


def test_orgs_asked_by_the_vendor(extract):
    """是X…吧？, asked by the vendor's engineer, names the customer's organisation."""
    x = extract(
        "1\n00:00:01,200 --> 00:00:05,600\n场长：设备又报警了，你们得给个说法。\n\n"
        "2\n00:00:06,000 --> 00:00:11,400\n云瞳售后 周工：场长您好，是岭北牧业三号猪舍的温控报警吧？\n\n"
        "3\n00:00:11,800 --> 00:00:18,900\n场长：对，一晚上报了十几次。\n\n"
        "4\n00:00:19,300 --> 00:00:25,700\n云瞳售后 周工：抱歉给您添麻烦了，我们远程看一下传感器。\n",
        "call.srt",
    )
    assert _customer(x) == "岭北牧业"


def test_orgs_host_of_a_meeting_is_the_customer(extract):
    """ "thanks for having us at X", said by the vendor, names the customer."""
    x = extract(
        "Lena Fox (Orbitline Sales): Thanks for having us at Ferncastle Marine Supply today.\n"
        "Tom Reed: Sure. Our problem is stock accuracy in the two warehouses.\n"
        "Lena Fox (Orbitline Sales): Let's start with the scanners then.\n",
        "call.txt",
    )
    assert _customer(x) == "Ferncastle Marine Supply"


def test_orgs_support_desk_of_the_vendor_is_not_the_customer(extract):
    """A consumer chat with the shop's help desk: the shop is the vendor (its support speaker
    shares the first word), and there is no customer organisation."""
    x = extract(
        "Support chat log, Oakhollow Outfitters Help Center\n"
        "18:48 Dana: Hi, the tent I bought has a broken pole.\n"
        "18:49 Mara (Oakhollow Support): Hello Dana, Mara here. Which tent model is it?\n"
        "18:50 Dana: The two-person dome.\n",
        "chat.txt",
    )
    assert _customer(x) is None
    names = {o.name: o.role for o in x.organisations}
    assert names.get("Oakhollow Outfitters") == "vendor"


def test_orgs_email_signature_and_sending_domain_of_the_author(extract):
    """The customer writes: its signature and its Message-ID's domain name its organisation,
    though the vendor's name comes first in the body."""
    x = extract(
        "From: Ray Holt <r.holt@bramblecreekcu.org>\n"
        "To: Ana Marsh <ana.marsh@ledgerline.example>\n"
        "Subject: Questions before our board meeting\n"
        "Message-ID: <a1b2c3@bramblecreekcu.org>\n"
        "Date: Tue, 03 Sep 2024 09:14:00 -0500\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Ana,\n\nLedgerline Systems is one of three vendors we are still talking to. "
        "Could you send pricing for the card module?\n\n"
        "Best regards,\nRay Holt\nCIO\nBramble Creek Community Credit Union\n",
        "mail.eml",
    )
    assert _customer(x) == "Bramble Creek Community Credit Union"


def test_orgs_event_log_account_field(extract):
    """An event log's tenant name is the account the events belong to."""
    x = extract(
        '{"ts": "2024-09-02T10:15:22+08:00", "tenant_id": "T-1", "tenant_name": "悦澜美学", '
        '"user_id": "u_1", "event": "login"}\n'
        '{"ts": "2024-09-02T10:16:05+08:00", "tenant_id": "T-1", "user_id": "u_1", '
        '"event": "export", "feature": "报表导出"}\n',
        "events.jsonl",
    )
    assert _customer(x) == "悦澜美学"


def test_orgs_tender_issuer(extract):
    """The issuer of a tender: ``X（以下简称“采购人”）``."""
    x = extract(
        "招标公告\n\n"
        "东川县人民医院（以下简称“采购人”）就信息化改造项目进行公开招标。\n"
        "★1. 投标人须具备相关资质。\n",
        "tender.txt",
    )
    assert _customer(x) == "东川县人民医院"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("鹭汀", "鹭汀家居", True),
        ("江州审批局", "江州市行政审批服务局", True),
        ("中国银行", "中国移动", False),
        ("Pinegate", "Pinegate Family Pharmacies", True),
        ("Pinegate Support", "Pinegate Family Pharmacies", False),
    ],
)
def test_orgs_short_and_long_forms(a, b, same):
    assert same_organisation(a, b) is same


@pytest.mark.parametrize(
    ("name", "domain", "match"),
    [
        ("Bramble Creek Community Credit Union", "bramblecreekcu.org", True),
        ("Ledgerline Systems", "ledgerline.example", True),
        ("Bramble Creek Community Credit Union", "ledgerline.example", False),
    ],
)
def test_orgs_domain_names_the_organisation(name, domain, match):
    assert matches_domain(name, domain) is match


@pytest.mark.parametrize(
    ("text", "name"),
    [("澜舟生物QA的同事", "澜舟生物"), ("现在有以旧换新政策", None), ("这边物流很慢", None)],
)
def test_orgs_trade_name_shape(text, name):
    assert zh_brand_at(text, 0) == name
