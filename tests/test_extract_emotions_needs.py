"""Issue 4: emotions clause by clause, turning points with their trigger, pain points and the
unstated needs the rules derive from them.

Every record is written for these tests and goes through the real readers, de-identification,
spaCy pipelines built from the shipped ontology and, for derived needs, the real rules over an
in-memory store (the dry run of ``semcrm extract``).
"""

from __future__ import annotations

import pytest

from semcrm.ontology.loader import local_name

NEGATIVE = {"angry", "frustrated", "anxious", "skeptical", "disappointed"}


def emotions(extraction) -> list[tuple[int, str, str]]:
    return [
        (s.evidence.turn, local_name(s.concept), s.evidence.quote)
        for s in extraction.signals
        if s.kind == "emotion"
    ]


def pains(extraction) -> dict[str, list]:
    out: dict[str, list] = {}
    for s in extraction.signals:
        if s.kind == "pain":
            out.setdefault(local_name(s.concept), []).append(s)
    return out


def points(extraction) -> list[tuple[str, str, int, int]]:
    return [
        (local_name(p.before), local_name(p.after), p.turn, p.trigger.turn)
        for p in extraction.turning_points
    ]


# -- emotions -------------------------------------------------------------------------------

MIXED_TURN = """\
销售：我们的部署包通常两周就能上线。
客户：两周？不太相信。要真能两周上线，预算我可以去争取。
"""


def test_emotions_a_turn_that_changes_its_mind_has_both_emotions_in_order(extract):
    """Doubt ("不太相信") and then interest ("要真能…") in one turn are two clause emotions."""
    found = [(turn, emotion) for turn, emotion, _ in emotions(extract(MIXED_TURN))]
    assert found == [(1, "skeptical"), (1, "interested")]


REPORTED_SPEECH = """\
# 试点复盘会 纪要

客户采购经理看完试运行的周报之后，表示“这个方案可以，比我预想的好”。

仓库说系统很“好用”，结果月底把包装箱订了五倍的量。
"""


def test_emotions_quoted_praise_is_sarcasm_only_in_scare_quotes(extract):
    """A quotation is reported speech; scare quotes around bare praise ("很“好用”") are sarcasm."""
    found = {(emotion, quote) for _, emotion, quote in emotions(extract(REPORTED_SPEECH, "m.md"))}
    assert ("satisfied", "比我预想的好”") in found
    assert any(emotion == "skeptical" and "好用" in quote for emotion, quote in found)


NEGATED_AND_HEDGED = """\
Agent: How are things with the new scheduler?
Customer: We are not worried about the rollout. I'm not impressed with the reports, though.
"""


def test_emotions_negation_removes_a_worry_and_turns_praise_into_doubt(extract):
    """ "not worried" records no anxiety; "not impressed" is doubt, not satisfaction."""
    found = [(emotion, quote) for _, emotion, quote in emotions(extract(NEGATED_AND_HEDGED))]
    assert [e for e, _ in found] == ["skeptical"]
    assert "impressed" in found[0][1]


# -- turning points -------------------------------------------------------------------------

OFFER_ECHOED = """\
销售：您好，上周的方案您看过了吧？
客户：看了。说实话，这些指标我见过好几家了，都说自己好。
销售：我们可以先装一套备用机，另外第一年免费上门保养三次，坏了我们负责换件。
客户：免费上门保养三次？能写进协议吗？
销售：可以写进协议。
客户：那还行，这个比多送半年保修实在。
"""


def test_turning_point_trigger_is_the_offer_the_customer_echoes(extract):
    """Doubt turns to acceptance at "那还行"; the trigger is the offer the customer repeated
    ("免费上门保养三次？"), not the confirmation just before."""
    assert points(extract(OFFER_ECHOED)) == [("skeptical", "interested", 5, 2)]


ANGRY_CHAT = """\
Customer: You charged me twice for the same booking!! This is outrageous.
Agent: I'm sorry. Let me look at the booking.
Customer: Perfect. Lovely.
Agent: I can refund the duplicate today at no cost, and I've added a credit to your account.
Agent: The refund will show in three to five days.
Customer: Fine. It's a start.
"""


def test_turning_point_bare_praise_after_anger_is_sarcasm_and_the_offer_triggers(extract):
    """ "Perfect. Lovely." right after anger changes nothing; the customer calms down at
    "It's a start", and the trigger is the offer ("I can refund … at no cost"), not the
    follow-up that merely reports a date."""
    found = points(extract(ANGRY_CHAT))
    assert found == [("angry", "neutral", 5, 3)]


NO_CHANGE = """\
客户：你们的系统又坏了，太差了。
客服：非常抱歉，我们马上处理。
客户：处理完告诉我。
"""


def test_turning_point_none_when_the_customer_never_comes_round(extract):
    assert extract(NO_CHANGE).turning_points == []


# -- pain points and unstated needs ---------------------------------------------------------

PAINS_ZH = """\
销售：现在出库是怎么记录的？
客户：仓管员手写出库单，晚上再录到Excel里。我们信息部就两个人，根本顾不过来。
客户：上个月冷库断电半天没人发现，客户每年还要来审两次。
"""


def test_pain_points_name_the_need_each_problem_implies(extract):
    """Paperwork by hand, a team of two, a fault nobody noticed, an audit twice a year."""
    found = pains(extract(PAINS_ZH))
    assert {"automation", "managed-service", "proactive-monitoring", "audit-trail"} <= set(found)
    # the longest cue of a clause decides: "就两个人" is about people, and the evidence is the
    # sentence the problem is told in
    staffing = found["managed-service"][0]
    assert staffing.evidence.quote.startswith("我们信息部就两个人")
    assert all(s.side == "customer" for group in found.values() for s in group)


DENIED_AND_AVERSE = """\
销售：数据现在是怎么进系统的？
客户：入库单不是手写的，早就扫码了。
客户：但是财务系统里的订单，仓库那边不想再录一遍了。
"""


def test_pain_points_a_denied_pain_is_none_an_aversion_is_one(extract):
    """ "不是手写的" denies the paperwork; "不想再录一遍了" still voices the double entry."""
    found = pains(extract(DENIED_AND_AVERSE))
    assert "automation" not in found
    assert "single-source-of-truth" in found


PAINS_EN = """\
Agent: How do results get into the record today?
Customer: Honestly, our techs type them in manually. Our IT team is two people.
Agent: We do that for you.
Customer: The auditors might ask about it next spring.
"""


def test_pain_points_english_and_hedged(extract):
    """English pain cues, the vendor's turns give none, and a hedged pain is weaker."""
    extraction = extract(PAINS_EN)
    found = pains(extraction)
    assert {"automation", "managed-service", "audit-trail"} <= set(found)
    assert all(extraction.sides[s.evidence.turn] != "vendor" for g in found.values() for s in g)
    audit, manual = found["audit-trail"][0], found["automation"][0]
    assert audit.hedged and audit.confidence < manual.confidence


@pytest.fixture
def dry_run(extract_processor, ontology, tmp_path):
    """``dry_run(text)``: the gold-shape dry run of one record (rules over a real store)."""
    from semcrm.api.goldshape import extract_interaction
    from semcrm.ingest.readers import read_path

    def run(text: str, name: str = "record.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return extract_interaction(read_path(path)[0], ontology, extract_processor)

    return run


def test_unstated_needs_come_from_pain_points_with_their_evidence(dry_run):
    """The rules turn each pain point into an unstated need whose evidence is the quoted
    sentence; a price the customer says is not the worry is no objection."""
    record = dry_run(PAINS_ZH + "客户：价格我们倒不是最担心的。\n")
    needs = {n["iri"].rsplit("/", 1)[-1]: n for n in record["unstated_needs"]}
    assert len(needs) == len(record["unstated_needs"])
    found = {n["need"]: n["evidence"] for n in record["unstated_needs"]}
    assert any("手写出库单" in e for evidence in found.values() for e in evidence)
    assert any("信息部就两个人" in e for evidence in found.values() for e in evidence)
    assert len(found) >= 4
    assert not [o for o in record["objections"] if o["cause"] == "price_budget"]


def test_pain_cues_point_at_one_need_each_and_name_problems_in_both_languages(ontology):
    """Curation check: a pain cue names one need (it decides the need of its clause), and every
    need with pain cues has them in Chinese and English."""
    from rdflib import Literal

    from semcrm.ontology.namespaces import SEMCRM

    owner: dict[tuple[str, str], object] = {}
    languages: dict[object, set[str]] = {}
    for need, cue in ontology.graph.subject_objects(SEMCRM.painCue):
        assert isinstance(cue, Literal) and cue.language in {"zh", "en"}, (need, cue)
        key = (str(cue).casefold(), cue.language)
        assert owner.setdefault(key, need) == need, f"{cue!r} is a pain cue of two needs"
        languages.setdefault(need, set()).add(cue.language)
    assert len(languages) >= 20
    assert all(found == {"zh", "en"} for found in languages.values()), languages
