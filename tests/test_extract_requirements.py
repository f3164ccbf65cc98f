"""Stated needs clause by clause, and objections phrased as constraints or doubts.

Each record is written for these tests and goes through the real readers, the
real de-identification and the real spaCy pipelines built from the shipped
ontology (ingest/extract/requirements.py, lexicon.ttl, taxonomies.ttl).
"""

from __future__ import annotations

from semcrm.ontology.loader import local_name


def need_quotes(extraction) -> list[str]:
    return [s.evidence.quote for s in extraction.signals if s.kind == "need" and s.side != "vendor"]


def objection_causes(extraction) -> set[str]:
    return {
        local_name(s.concept)
        for s in extraction.signals
        if s.kind == "objection" and s.side != "vendor" and s.concept
    }


def _call(*customer_lines: str, lang: str = "zh") -> str:
    if lang == "zh":
        head = "[00:00:01] 宋嘉禾：您好，我是云衡软件的宋嘉禾，想介绍一下我们的排产系统。\n"
        turns = [f"[00:00:{10 + i:02d}] 邵远舟：{line}" for i, line in enumerate(customer_lines)]
    else:
        head = "[00:00:01] Dana: Hi, this is Dana from Cloudhold Software, calling about the scheduler.\n"
        turns = [f"[00:00:{10 + i:02d}] Priya: {line}" for i, line in enumerate(customer_lines)]
    return head + "\n".join(turns) + "\n"


def test_every_requirement_clause_of_a_turn_is_its_own_stated_need(extract):
    x = extract(_call("接口必须开放，报表要能导出Excel，另外你们先出一个方案发过来。"))
    quotes = need_quotes(x)
    assert "接口必须开放" in quotes
    assert "报表要能导出Excel" in quotes
    assert "另外你们先出一个方案发过来" in quotes


def test_a_constraint_worded_negatively_is_a_stated_need(extract):
    x = extract(_call("客户资料不能离开我们的机房。"))
    assert need_quotes(x) == ["客户资料不能离开我们的机房"]


def test_a_denied_requirement_is_not_a_stated_need(extract):
    x = extract(_call("我们不需要新的财务模块。"))
    assert need_quotes(x) == []
    x = extract(_call("We don't need a new billing module.", lang="en"))
    assert need_quotes(x) == []


def test_english_requirements_and_requests_are_stated_needs(extract):
    x = extract(
        _call(
            "Exports should run every night, and please send the security questionnaire.",
            lang="en",
        )
    )
    quotes = need_quotes(x)
    assert any(q.startswith("Exports should run every night") for q in quotes)
    assert any("please send the security questionnaire" in q for q in quotes)


def test_hedged_requirement_keeps_the_need_with_lower_confidence(extract):
    plain = extract(_call("报表必须每天自动生成。"))
    hedged = extract(_call("报表可能必须每天自动生成。"))
    [p] = [s for s in plain.signals if s.kind == "need"]
    [h] = [s for s in hedged.signals if s.kind == "need"]
    assert h.hedged and not p.hedged
    assert h.confidence < p.confidence


def test_dei_as_a_complement_or_a_to_do_is_not_a_requirement(extract):
    x = extract(_call("上次演示做得好。", "这个我得回去问问领导。"))
    assert need_quotes(x) == []
    x = extract(_call("价格你们得再让一点。"))
    assert need_quotes(x) == ["价格你们得再让一点"]


def test_a_heading_or_a_quoted_mandatory_mark_is_not_a_need(extract):
    text = "3.2 技术要求\n标注“★”的条款为实质性条款。\n★3.2.1 平台须支持统一身份认证。\n"
    x = extract(text, name="tender.txt")
    quotes = need_quotes(x)
    assert not any(q.split()[-1] == "技术要求" for q in quotes)
    assert not any("标注" in q for q in quotes)
    assert any("平台须支持统一身份认证" in q for q in quotes)


def test_evidence_of_a_stated_need_is_the_exact_text_at_its_offsets(extract):
    x = extract(_call("数据必须存放在境内，日志至少保留一年。"))
    text = x.interaction.text
    needs = [s for s in x.signals if s.kind == "need"]
    assert len(needs) == 2
    for s in needs:
        assert text[s.evidence.start : s.evidence.end] == s.evidence.quote


def test_vendor_requirements_are_not_the_customers_stated_needs(extract):
    x = extract(_call("好的，你说。") + "[00:00:30] 宋嘉禾：那贵司必须先签保密协议。\n")
    assert x.sides[2] == "vendor"
    assert need_quotes(x) == []


def test_doubt_about_claims_is_a_trust_objection(extract):
    x = extract(_call("这些指标大家都这么说，谁也没见过现场数据。"))
    assert "trust_reference" in objection_causes(x)
    x = extract(_call("Honestly, everyone says that about their accuracy.", lang="en"))
    assert "trust_reference" in objection_causes(x)


def test_a_tight_budget_or_cash_flow_is_an_objection(extract):
    x = extract(_call("今年没有预算再上一个系统。"))
    assert "price_budget" in objection_causes(x)
    x = extract(_call("We have no budget left this year.", lang="en"))
    assert "price_budget" in objection_causes(x)


def test_negated_price_worry_is_still_not_a_price_objection(extract):
    x = extract(_call("价格我们倒不是最担心的，关键是交付周期。"))
    assert "price_budget" not in objection_causes(x)
