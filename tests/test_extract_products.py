"""Products and competitors by shape, context and the ontology's product vocabulary (issue 4).

The sentences are written for these tests (invented brands); the vocabulary is the
shipped ontology's (``lex-product-*`` and ``lex-competitor-*`` in lexicon.ttl), so
a test also fails when a curated entry it relies on disappears.
"""

from __future__ import annotations

import pytest
from rdflib import Literal

from semcrm.ingest.extract.products import ProductLexicon, find_products
from semcrm.ingest.model import Interaction, Source, Turn
from semcrm.ontology.loader import load_ontology
from semcrm.ontology.namespaces import SEMCRM


@pytest.fixture(scope="module")
def shipped():
    return load_ontology([])


@pytest.fixture(scope="module")
def lexicon(shipped) -> ProductLexicon:
    return ProductLexicon.from_ontology(shipped)


def interaction(*turns: str) -> Interaction:
    parts, offset, text = [], 0, ""
    for index, turn in enumerate(turns):
        parts.append(Turn(index, turn, offset, offset + len(turn)))
        text += turn + "\n"
        offset = len(text)
    return Interaction(Source("t.txt", "0", "transcript"), "call", text, tuple(parts))


def found(lexicon, *turns, parties=(), organisations=()):
    mentions = find_products(interaction(*turns), [], parties, lexicon, organisations)
    return (
        {m.text for m in mentions if m.kind == "product"},
        {m.text for m in mentions if m.kind == "competitor"},
    )


def test_latin_brand_with_model_and_its_short_form(lexicon):
    products, _ = found(
        lexicon,
        "Our Quenbrook QS-5 reads every parcel label.",
        "We still run Quenbrook on the old line, and the QS-6 is next year.",
    )
    assert "Quenbrook QS-5" in products
    assert "Quenbrook" in products  # the brand, alone in the second turn
    assert "QS-6" in products  # same product line as QS-5


def test_capitalised_name_ending_in_a_product_head(lexicon):
    products, _ = found(lexicon, "The bundle is Brisket Claims Cloud plus onboarding.")
    assert "Brisket Claims Cloud" in products


def test_lower_case_feature_after_an_offering_cue(lexicon):
    products, _ = found(lexicon, "We have a route-aware model and our EDI bridge for that.")
    assert {"route-aware model", "EDI bridge"} <= products


def test_chinese_name_read_back_from_its_head_to_a_word_boundary(lexicon):
    products, _ = found(lexicon, "我们的汐岚巡检平台可以直接对接，另外你们那个能耗监测模块也能用。")
    assert "汐岚巡检平台" in products
    assert "能耗监测模块" in products
    assert not any(p.startswith(("我们", "你们", "那个")) for p in products)


def test_generic_heads_alone_are_not_products(lexicon):
    products, _ = found(lexicon, "这个系统太慢了，整个平台都要重做。")
    assert products == set()


def test_model_codes_need_a_cue_and_identifiers_are_not_models(lexicon):
    products, _ = found(lexicon, "新款QX-30的续航更长，订单号QZ2031060500417已经登记，Q3交付。")
    assert "QX-30" in products
    assert not {"QZ2031060500417", "Q3"} & products


def test_categories_and_editions_from_the_ontology(lexicon):
    products, _ = found(lexicon, "我们现在用的MES不支持，想从标准版升级到旗舰版。")
    assert {"MES", "标准版", "旗舰版"} <= products


def test_structured_log_values(lexicon):
    products, _ = found(
        lexicon, 'ts=1 event=plan_compare plans=["基础版", "尊享版"] feature=库存预警'
    )
    assert {"基础版", "尊享版", "库存预警"} <= products


def test_competitor_contexts_en(lexicon):
    products, competitors = found(
        lexicon,
        "We had an offer from Wexmoor last week.",
        "Plovdane told us they would match it.",
    )
    assert {"Wexmoor", "Plovdane"} <= competitors
    assert not {"Wexmoor", "Plovdane"} & products  # type constraint: an organisation


def test_competitor_contexts_zh_and_their_short_forms(lexicon):
    _, competitors = found(
        lexicon,
        "说实话，你们比岱溪科技贵了不少。",
        "岱溪那边还送两年维保。",
    )
    assert "岱溪科技" in competitors
    assert "岱溪" in competitors


def test_a_competitors_product_gives_the_brand(lexicon):
    products, competitors = found(lexicon, "我们去年试过澜杉云那套，效果一般。")
    assert "澜杉云" in products
    assert "澜杉" in competitors


def test_dictionary_words_after_a_cue_are_not_competitors(lexicon):
    _, competitors = found(lexicon, "这个方案比较保守，对比了一下也差不多。")
    assert competitors == set()


def test_customer_and_vendor_are_never_competitors(lexicon):
    _, competitors = found(
        lexicon, "We had an offer from Wexmoor and from Tarnbay.", parties=["Tarnbay"]
    )
    assert competitors == {"Wexmoor"}


def test_curating_a_head_noun_changes_extraction_without_code(shipped):
    text = "我们的岚拓巡检舱很好用。"
    before, _ = found(ProductLexicon.from_ontology(shipped), text)
    assert not any(p.endswith("巡检舱") for p in before)
    graph = shipped.graph
    added = (SEMCRM["lex-product-head"], SEMCRM.cue, Literal("巡检舱", lang="zh"))
    graph.add(added)
    try:
        after, _ = found(ProductLexicon.from_ontology(shipped), text)
    finally:
        graph.remove(added)
    assert "岚拓巡检舱" in after


def sided(lexicon, *turns_and_sides):
    turns = [t for t, _ in turns_and_sides]
    sides = {i: side for i, (_, side) in enumerate(turns_and_sides)}
    mentions = find_products(interaction(*turns), [], [], lexicon, [], sides)
    return {m.text for m in mentions if m.kind == "product"}


def test_a_generic_name_is_an_offering_only_when_offered_or_asked_for(lexicon):
    """Type constraint by side: the vendor's "our …" and the customer's "your …" are offerings;
    the customer's own systems named generically are not."""
    products = sided(
        lexicon,
        ("我们的仓储管理平台可以直接对接。", "vendor"),
        ("你们那个库存预警模块怎么收费？", "customer"),
        ("数据要能从我们的财务系统里取，还要对接现有的核心系统。", "customer"),
    )
    assert {"仓储管理平台", "库存预警模块"} <= products
    assert not {"财务系统", "核心系统"} & products


def test_a_quoted_brand_belongs_to_the_name(lexicon):
    products = sided(
        lexicon, ("平台须兼容采购人现有“澄湾”计费系统（V2.1），提供接口。", "customer")
    )
    assert "“澄湾”计费系统（V2.1）" in products


def test_an_organisations_name_alone_is_the_organisation_not_its_product(lexicon):
    products, _ = found(
        lexicon,
        "Quenbrook Sort Cloud is live in both bays.",
        "Quenbrook committed to a second kiosk.",
        organisations=["Quenbrook"],
    )
    assert "Quenbrook Sort Cloud" in products
    assert "Quenbrook" not in products


def test_a_role_after_a_brand_is_a_person_not_a_product(lexicon):
    products, _ = found(lexicon, "Note from the Wexmoor CSM: the customer asked for pricing.")
    assert not any(p.startswith("Wexmoor") for p in products)


def test_a_gap_in_a_competitor_cue_covers_a_few_words(lexicon):
    """ "source … from" in lexicon.ttl: the "…" stands for up to three words."""
    _, competitors = found(
        lexicon, "We may have to source the remaining units from Tarnquill Metals."
    )
    assert competitors == {"Tarnquill Metals"}


def test_the_vendors_answer_that_opens_with_a_generic_name_is_an_offering(lexicon):
    products = sided(
        lexicon,
        ("软件是按年收费吗？", "customer"),
        ("数据平台是买断的，内容升级另算。", "vendor"),
    )
    assert "数据平台" in products
