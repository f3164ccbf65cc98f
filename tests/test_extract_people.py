"""People and the decision chain (issue 4) on small records written for these tests.

Each record goes through the real readers, the real de-identification and the
real spaCy pipelines built from the shipped ontology. Every person and company
here is invented for the test.
"""

from __future__ import annotations

import json

import pytest

from semcrm.ontology.loader import local_name


def roles(person) -> set[str]:
    return {local_name(r) for r in person.roles}


def by_quote(extraction, quote: str):
    """The person one of whose evidence quotes is ``quote`` (a pseudonym or a title)."""
    text = extraction.interaction.text
    found = [
        p
        for p in extraction.people
        if any(text[e.start : e.end] == quote or e.quote == quote for e in p.evidence)
    ]
    assert len(found) == 1, (quote, [(p.key, [e.quote for e in p.evidence]) for p in found])
    return found[0]


def customers(extraction, present: bool | None = None):
    return [
        p
        for p in extraction.people
        if p.side == "customer" and (present is None or p.present == present)
    ]


TITLE_FORM = """\
[00:00:01] 宋嘉禾：您好，我是云衡软件的宋嘉禾，想跟您约个时间介绍一下排产系统。
[00:00:07] 韩立新：你好，我是采购部的韩立新。价格方面你们先报一个。
[00:00:14] 宋嘉禾：好的韩经理，报价明天发您邮箱。
"""


def test_people_a_title_form_is_the_one_named_person_with_that_surname(extract):
    """韩经理 and 韩立新 are one person (one full name with the surname in the record); a
    department in her self-introduction (我是采购部的…) says nothing about her side, and makes
    her a commercial evaluator."""
    extraction = extract(TITLE_FORM)
    people = customers(extraction)
    assert len(people) == 1
    person = people[0]
    assert person.present
    assert "commercial_evaluator" in roles(person)
    vendor = [p for p in extraction.people if p.side == "vendor"]
    assert len(vendor) == 1 and roles(vendor[0]) == {"vendor_rep"}


APPOSITION = """\
[00:00:01] Dana Whitcombe: Thanks for making time. This is Dana from Corvel Systems.
[00:00:05] Priya Lindqvist: Happy to. One thing up front: Tobias Renner will want the numbers. He's our CFO, and nothing over fifty thousand happens without him.
[00:00:12] Dana Whitcombe: Understood, I'll put a cost view in the proposal.
"""


def test_people_apposition_and_a_pronoun_sentence_make_an_absent_decider(extract):
    """ "He's our CFO" in the sentence after the name is Tobias's title, and the sign-off cue
    of that sentence is his: an absent economic buyer, a hidden decision-chain node. The
    title is his, so it is not a person of its own."""
    extraction = extract(APPOSITION)
    absent = customers(extraction, present=False)
    assert len(absent) == 1
    assert roles(absent[0]) == {"hidden_influencer", "economic_buyer"}
    assert not any(p.key.startswith("title:") for p in extraction.people)
    speaker = customers(extraction, present=True)
    assert len(speaker) == 1
    assert "economic_buyer" not in roles(speaker[0])


CONSULTED = """\
[00:00:01] 宋嘉禾：您好，我是云衡软件的宋嘉禾。
[00:00:06] 韩立新：方案我们看过了，挺好。不过要跟我们老板汇报，法务也要看一下合同。
"""


def test_people_titles_that_must_approve_are_hidden_nodes(extract):
    """ "要跟我们老板汇报" and "法务要看一下": the owner and the legal counsel are absent people
    the decision goes through, known only by their titles."""
    extraction = extract(CONSULTED)
    boss = next(p for p in extraction.people if p.key == "title:老板")
    legal = next(p for p in extraction.people if p.key == "title:法务")
    for person in (boss, legal):
        assert not person.present and person.side == "customer"
        assert "hidden_influencer" in roles(person)
    assert "economic_buyer" in roles(boss)
    assert "commercial_evaluator" in roles(legal)


SELF_NAMED = """\
销售：您好，请问是北辰物流的韩主任吗？我是云衡软件的宋嘉禾。
客户：对，我是韩立新。你们的排产系统能接我们的ERP吗？
客户2：我插一句，我是财务处的严梓涵。付款能不能分三期？
销售：可以分期，合同里写清楚。
"""


def test_people_role_label_speakers_who_name_themselves_are_those_people(extract):
    """ "销售：…我是云衡软件的[X]": the 销售 speaker is X, one vendor person; 客户2 who says
    "我是财务处的[Y]" is Y. No role label is left over as a person of its own."""
    extraction = extract(SELF_NAMED)
    assert all(p.pseudonym for p in extraction.people), [p.key for p in extraction.people]
    vendor = [p for p in extraction.people if p.side == "vendor"]
    assert len(vendor) == 1 and vendor[0].present and "销售" in vendor[0].speaker_labels
    present = customers(extraction, present=True)
    assert len(present) == 2


def test_people_event_log_accounts_are_not_people(extract):
    """In an app log, user ids, tenants and 'agent' are accounts; the people are the names in
    its fields: a technician is the vendor's, a ticket's contact the customer's user."""
    lines = [
        {
            "ts": "2024-05-02T08:00:00Z",
            "event": "login",
            "user_id": "u_7731",
            "tenant_id": "T-5501",
        },
        {
            "ts": "2024-05-02T09:00:00Z",
            "event": "ticket_opened",
            "user_id": "u_7731",
            "contact_name": "Marisa Tolland",
            "msg": "The gateway keeps dropping offline.",
        },
        {
            "ts": "2024-05-03T10:00:00Z",
            "event": "field_visit",
            "technician": "Gareth Pryce",
            "msg": "Replaced the modem.",
        },
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n"
    extraction = extract(text, "events.jsonl")
    assert all(p.pseudonym for p in extraction.people), [p.key for p in extraction.people]
    assert len(extraction.people) == 2
    sides = sorted(p.side for p in extraction.people)
    assert sides == ["customer", "vendor"]
    contact = next(p for p in extraction.people if p.side == "customer")
    assert not contact.present and roles(contact) == {"end_user"}


MINUTES = """\
# 北辰物流 × 云衡软件 排产系统沟通会 纪要

**时间**：2024年6月3日 10:00–11:00

**参会人**：

- 北辰物流：运营总监 韩立新、信息部经理 严梓涵
- 云衡软件：客户经理 宋嘉禾、解决方案经理 乔一鸣

1. 严梓涵提出：系统须接入现有ERP。
2. 宋嘉禾表示可以提供标准接口。
"""


def test_people_minutes_without_a_note_taker_find_the_vendor_by_its_titles(extract):
    """No note taker, but one organisation's attendees all carry the vendor's own titles
    (客户经理, 解决方案经理): they are the vendor's staff, the others the customer's."""
    extraction = extract(MINUTES, "minutes.md")
    vendor = [p for p in extraction.people if p.side == "vendor"]
    customer = customers(extraction)
    assert len(vendor) == 2 and all(roles(p) == {"vendor_rep"} for p in vendor)
    assert len(customer) == 2 and all(p.present for p in customer)
    it = next(p for p in customer if "technical_evaluator" in roles(p))
    assert it not in vendor


COLLEAGUE = """\
[00:00:01] Dana Whitcombe: Morning, Priya. Omar Haddad is joining from our solutions team.
[00:00:05] Priya Lindqvist: Great. Omar, can it read orders from our ERP directly?
[00:00:09] Omar Haddad: It can, through the standard connector, every fifteen minutes.
[00:00:14] Priya Lindqvist: Good. Send the details to me.
"""


def test_people_a_colleague_introduced_as_ours_is_on_the_introducers_side(extract):
    """ "[X] is joining from our solutions team", said by the vendor: X is the vendor's, so
    what X says is not the customer's."""
    extraction = extract(COLLEAGUE)
    assert [extraction.sides[i] for i in range(4)] == ["vendor", "customer", "vendor", "customer"]
    assert sorted(p.side for p in extraction.people) == ["customer", "vendor", "vendor"]


BOARD = """\
[00:00:01] 宋嘉禾：您好，我是云衡软件的宋嘉禾。
[00:00:06] 韩立新：这事最后还得董事会过，下周院长办公会也要讨论。
"""


def test_people_a_board_or_a_meeting_is_not_a_person(extract):
    """ "董事会" (the board) and "院长办公会" (a meeting) contain titles but name no person."""
    extraction = extract(BOARD)
    assert not any(p.key.startswith("title:") for p in extraction.people)


CHAT = """\
10:02:11 Customer: my heater stopped working two days after delivery
10:02:30 Lena (Brightfold Support): Sorry to hear that. Could I have the order number and the name on the order?
10:02:52 Customer: BF-40219, the name is Odile Marchand.
10:03:05 Lena (Brightfold Support): Thanks, Odile. I can see the order and I'll book a replacement.
"""


def test_people_a_role_label_speaker_addressed_by_name_is_that_person(extract):
    """ "Customer: …" answered by "Thanks, [X]." is X: one present customer, not a role label
    beside an absent X."""
    extraction = extract(CHAT, "chat.txt")
    people = customers(extraction)
    assert len(people) == 1
    assert people[0].present and people[0].pseudonym is not None
    assert "Customer" in people[0].speaker_labels


@pytest.mark.slow
@pytest.mark.issue(4)
def test_people_devset_roles_and_hidden_nodes(devset_dir):
    """Regression on the devset (read from ../shared at run time): role credit, hidden
    decision-chain recall and people precision stay near what issue 4 reached (0.78, 0.96,
    0.97 when written; the floors leave room for changes in the signals roles read)."""
    from semcrm.api.evaluate import EVAL_KEY, evaluate
    from semcrm.ingest.pipeline import Processor
    from semcrm.ontology.loader import load_ontology

    ontology = load_ontology([])
    report = evaluate(devset_dir, ontology, Processor(ontology, EVAL_KEY))
    assert report.accuracies["people_roles"].value >= 0.72
    assert report.accuracies["people_present"].value >= 0.93
    assert report.scores["hidden_decision_chain"].recall >= 0.85
    assert report.scores["hidden_decision_chain"].precision >= 0.8
    assert report.scores["people"].precision >= 0.93
