"""Extraction on small records written for these tests: sides, customers, signals, people.

Each record goes through the real readers, the real de-identification and the
real spaCy pipelines built from the shipped ontology.
"""

from __future__ import annotations

from semcrm.ontology.loader import local_name


def kinds(extraction, kind: str, side: str | None = None) -> set[str]:
    return {
        local_name(s.concept)
        for s in extraction.signals
        if s.kind == kind and s.concept and (side is None or s.side == side)
    }


CALL = """\
[00:00:01] 宋嘉禾：邵总您好，我是云衡软件的宋嘉禾，想跟您约个时间介绍一下我们的排产系统。
[00:00:08] 邵远舟：你好。我们现在用的是表格排产，问题挺多的。
[00:00:15] 邵远舟：价格我们倒不是最担心的，关键是能不能和现在的ERP对接。
[00:00:24] 宋嘉禾：可以对接，我们有标准接口。
[00:00:30] 邵远舟：你们先出一个改造方案，报个价。最后拍板还得我们董事长葛总。
"""


def test_extract_sides_the_self_introducing_caller_is_the_vendor(extract):
    extraction = extract(CALL)
    assert [extraction.sides[i] for i in range(5)] == [
        "vendor",
        "customer",
        "customer",
        "vendor",
        "customer",
    ]


def test_extract_negated_price_concern_is_not_a_price_objection(extract):
    """ "价格我们倒不是最担心的": price is explicitly not the concern."""
    extraction = extract(CALL)
    assert "price_budget" not in kinds(extraction, "objection")


def test_extract_customer_asks_for_a_solution_and_a_quote(extract):
    extraction = extract(CALL)
    intents = kinds(extraction, "intent", "customer")
    assert {"evaluate_purchase", "request_information"} <= intents


def test_extract_absent_decision_maker_is_a_hidden_influencer(extract):
    extraction = extract(CALL)
    absent = [p for p in extraction.people if not p.present]
    assert len(absent) == 1
    roles = {local_name(r) for r in absent[0].roles}
    assert roles == {"economic_buyer", "hidden_influencer"}
    speakers = [p for p in extraction.people if p.present]
    assert {p.side for p in speakers} == {"vendor", "customer"}
    # the customer who defers to the chairman is not credited with the decision himself
    customer = next(p for p in speakers if p.side == "customer")
    assert "https://w3id.org/semcrm/role/economic_buyer" not in customer.roles


def test_extract_vendor_is_the_self_introduced_organisation(extract):
    extraction = extract(CALL)
    assert extraction.vendor is not None and extraction.vendor.name == "云衡软件"


EMAIL = """\
From: Orla Brennick <orla.brennick@lakemere-foods.example>
To: Sam Okafor <sam.okafor@vendor.example>
Subject: Contract renewal
Date: Mon, 02 Mar 2026 10:00:00 +0000
Content-Type: text/plain; charset=utf-8

Hi Sam,

We are not worried about the installation. We might be interested in renewing,
but your quote is too expensive and our budget is limited this year.

Best regards,
Orla Brennick
Compliance Manager | Lakemere Foods Ltd
"""


def test_extract_english_negation_hedge_and_objection(extract):
    extraction = extract(EMAIL, "renewal.eml")
    assert extraction.customer is not None and extraction.customer.name == "Lakemere Foods Ltd"
    assert "price_budget" in kinds(extraction, "objection")
    renewal = [
        s for s in extraction.signals if s.kind == "intent" and s.concept.endswith("/renewal")
    ]
    assert renewal and all(s.hedged for s in renewal)
    assert all(s.confidence < 0.75 for s in renewal)


def test_extract_signature_words_are_not_signals(extract):
    """ "Compliance Manager" in the signature is a title, not a compliance objection."""
    extraction = extract(EMAIL, "renewal.eml")
    assert "compliance_security" not in kinds(extraction, "objection")


SARCASM = """\
客服：您好，请问有什么可以帮您？
客户：你们那个系统可“太好用了”，天天卡死。
客服：非常抱歉，我们马上安排工程师上门处理，今天下午就到。
客户：那行，今天能修好就放心了。
"""


def test_extract_sarcastic_praise_is_negative_and_the_turn_is_found(extract):
    extraction = extract(SARCASM)
    emotions = {
        s.evidence.turn: local_name(s.concept) for s in extraction.signals if s.kind == "emotion"
    }
    assert emotions.get(1) in {"disappointed", "frustrated", "angry", "skeptical"}
    points = extraction.turning_points
    assert points and local_name(points[0].before) in {
        "disappointed",
        "frustrated",
        "angry",
        "skeptical",
    }
    assert points[0].trigger.turn == 2


def test_extract_evidence_quotes_are_the_text_at_their_offsets(extract):
    for text, name in ((CALL, "call.txt"), (EMAIL, "renewal.eml"), (SARCASM, "chat.txt")):
        extraction = extract(text, name)
        stored = extraction.interaction.text
        for signal in extraction.signals:
            evidence = signal.evidence
            assert stored[evidence.start : evidence.end] == evidence.quote
        for person in extraction.people:
            for evidence in person.evidence:
                assert stored[evidence.start : evidence.end] == evidence.quote


DEFERRING = """\
From: Orla Brennick <orla.brennick@lakemere-foods.example>
To: Sam Okafor <sam.okafor@vendor.example>
Subject: Proposal
Date: Mon, 02 Mar 2026 10:00:00 +0000
Content-Type: text/plain; charset=utf-8

Hi Sam,

Our managing director, Barnaby Quillfeather, has the final say on this, so please send
the revised proposal to me and I will take it to him.

Orla
"""


def test_extract_the_decider_named_a_clause_earlier_gets_the_decision(extract):
    """ "Our director, X, has the final say": X (absent) decides, not the writer who defers to X."""
    extraction = extract(DEFERRING, "proposal.eml")
    absent = [p for p in extraction.people if not p.present]
    assert [sorted(local_name(r) for r in p.roles) for p in absent] == [
        ["economic_buyer", "hidden_influencer"]
    ]
    writer = next(p for p in extraction.people if p.present and p.side == "customer")
    assert "https://w3id.org/semcrm/role/economic_buyer" not in writer.roles


EXPORTED_CHAT = """\
会话编号：CS-20261103-0042
导出时间 2026-11-03 10:02
客户：你们那个系统可“太好用了”，天天卡死。
客服：非常抱歉，我们马上安排工程师上门处理，今天下午就到。
客户：那行，今天能修好就放心了。
"""


def test_extract_an_export_header_is_nobodys_stance(extract):
    """Regression: the header of an exported chat counted as the customer having spoken, so
    the customer's first, already negative, sentence became a turning point from neutral."""
    extraction = extract(EXPORTED_CHAT, "chat.txt")
    points = [
        (local_name(p.before), local_name(p.after), p.turn) for p in extraction.turning_points
    ]
    assert len(points) == 1
    before, after, turn = points[0]
    assert before in {"disappointed", "frustrated", "angry", "skeptical"} and turn == 3
    assert after not in {"disappointed", "frustrated", "angry", "skeptical", "anxious"}
