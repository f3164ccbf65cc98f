"""The projection as a pure function: RDF quads in, n10s-style nodes and relationships out.

Inputs are a few hand-written N-Quads, parsed by pyoxigraph leniently where
an IRI is one the strict parser refuses (a space, a bare ``%``, brackets), as
data from other systems often is. Every person and company here is invented.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from neo4j.time import Date, DateTime, Duration

from semcrm.ontology.iris import statement
from semcrm.ontology.neo4j.naming import Vocabulary, split_iri
from semcrm.ontology.neo4j.projection import (
    Context,
    Derivation,
    ProjectionConfig,
    project,
    strictest,
)
from semcrm.ontology.neo4j.values import literal_value

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
INFERRED = "https://w3id.org/semcrm/graph/inferred"


def quads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS, lenient=True))


def context(config: ProjectionConfig | None = None, **kwargs) -> Context:
    config = config or ProjectionConfig()
    return Context(
        config=config,
        vocabulary=Vocabulary(config.vocab),
        inferred=INFERRED,
        system_graphs=frozenset({INFERRED}),
        **kwargs,
    )


def lit(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype or XSD + "string"))


# -- literals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        (lit("42", XSD + "integer"), 42),
        (lit("-7", XSD + "int"), -7),
        (lit("2.50", XSD + "decimal"), 2.5),
        (lit("1.5E3", XSD + "double"), 1500.0),
        (lit("true", XSD + "boolean"), True),
        (lit("0", XSD + "boolean"), False),
        (lit("2031-02-28", XSD + "date"), Date(2031, 2, 28)),
        (lit("P1DT2H", XSD + "duration"), Duration(days=1, hours=2)),
        (lit("plain text"), "plain text"),
        (lit("报价单", language="zh"), "报价单@zh"),
        # invalid lexical forms stay as written instead of failing the sync
        (lit("forty-two", XSD + "integer"), "forty-two"),
        (lit("99999999999999999999", XSD + "integer"), "99999999999999999999"),
        (lit("2031-13-40", XSD + "date"), "2031-13-40"),
        (lit("soon", XSD + "dateTime"), "soon"),
        (lit("4.7", "https://example.org/unit#kilogram"), "4.7"),
    ],
)
def test_neo4j_literal_values_are_typed_as_n10s_types_them(literal, expected):
    value = literal_value(literal)
    assert value == expected
    assert type(value) is type(expected)


def test_neo4j_langstring_without_a_tag_is_its_plain_value():
    """rdf:langString with no language tag (invalid RDF that real exports contain): the value
    alone, not "value@" or "value@None"."""
    untagged = ox.Literal("无标签的备注", datatype=ox.NamedNode(RDF + "langString"))
    assert untagged.language is None
    assert literal_value(untagged) == "无标签的备注"
    assert literal_value(untagged, keep_lang_tag=False) == "无标签的备注"


def test_neo4j_lang_tag_is_dropped_when_not_kept_as_n10s_does_by_default():
    assert literal_value(lit("quotation", language="en"), keep_lang_tag=False) == "quotation"


def test_neo4j_datetimes_keep_their_zone_and_the_same_instant_stays_equal_as_an_instant():
    east = literal_value(lit("2031-05-06T18:30:00+08:00", XSD + "dateTime"))
    utc = literal_value(lit("2031-05-06T10:30:00Z", XSD + "dateTime"))
    assert isinstance(east, DateTime) and isinstance(utc, DateTime)
    assert east.utcoffset() == dt.timedelta(hours=8)
    assert utc.utcoffset() == dt.timedelta(0)
    assert east.to_native() == utc.to_native()  # the same instant
    assert (east.hour, utc.hour) == (18, 10)  # as written


def test_neo4j_datetime_without_a_zone_is_local_and_keeps_nanoseconds():
    value = literal_value(lit("2031-05-06T18:30:00.123456789", XSD + "dateTime"))
    assert value.tzinfo is None
    assert value.nanosecond == 123456789


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iri", "namespace", "local"),
    [
        ("https://w3id.org/semcrm/ns#Customer", "https://w3id.org/semcrm/ns#", "Customer"),
        ("https://example.org/类型/重要客户", "https://example.org/类型/", "重要客户"),
        ("urn:example:thing", "urn:example:", "thing"),
        ("https://example.org/rate/50%", "https://example.org/rate/", "50%"),
    ],
)
def test_neo4j_iris_split_where_n10s_splits_them(iri, namespace, local):
    assert split_iri(iri) == (namespace, local)


def test_neo4j_vocabulary_shortens_known_namespaces_and_numbers_new_ones_in_order():
    vocabulary = Vocabulary("SHORTEN")
    assert vocabulary.name("https://w3id.org/semcrm/ns#Customer") == "semcrm__Customer"
    assert vocabulary.name("https://example.org/类型/重要客户") == "ns0__重要客户"
    assert vocabulary.name("https://example.net/x#Y") == "ns1__Y"
    assert vocabulary.name("https://example.org/类型/普通客户") == "ns0__普通客户"
    assert vocabulary.added == {"https://example.org/类型/": "ns0", "https://example.net/x#": "ns1"}


def test_neo4j_vocabulary_continues_a_stored_prefix_table():
    vocabulary = Vocabulary.from_table("SHORTEN", {"https://example.org/a/": "ns0"})
    assert vocabulary.name("https://example.org/b/C") == "ns1__C"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("IGNORE", "Customer"), ("KEEP", "https://w3id.org/semcrm/ns#Customer")],
)
def test_neo4j_vocabulary_ignore_and_keep_modes(mode, expected):
    assert Vocabulary(mode).name("https://w3id.org/semcrm/ns#Customer") == expected


# -- nodes and relationships -----------------------------------------------------------------

ODD = """
<https://example.org/客户/张三丰> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/类型/重要客户> <https://example.org/graph/call-1> .
<https://example.org/客户/张三丰> <https://example.org/关系/认识> <https://example.org/people/Jane Q Doe> <https://example.org/graph/call-1> .
<https://example.org/客户/张三丰> <https://example.org/关系/认识> <https://example.org/items[1]> <https://example.org/graph/call-1> .
<https://example.org/items[1]> <https://example.org/p/price> "12"^^<http://www.w3.org/2001/XMLSchema#integer> <https://example.org/graph/call-1> .
<https://example.org/discount/50%> <https://example.org/p/label> "半价"@zh <https://example.org/graph/call-1> .
<https://example.org/discount/50%> <https://example.org/p/label> "half price"@en <https://example.org/graph/call-1> .
"""


def name(ctx: Context, namespace: str, local: str) -> str:
    """The expected SHORTEN name: the prefix the projection assigned, then the local name."""
    return f"{ctx.vocabulary.prefixes[namespace]}__{local}"


def test_neo4j_projection_keeps_cjk_bracket_percent_and_space_iris_as_written():
    ctx = context()
    result = project(quads(ODD), ctx)
    assert set(result.nodes) == {
        "https://example.org/客户/张三丰",
        "https://example.org/people/Jane Q Doe",
        "https://example.org/items[1]",
        "https://example.org/discount/50%",
    }
    zhang = result.nodes["https://example.org/客户/张三丰"]
    assert zhang.labels == [name(ctx, "https://example.org/类型/", "重要客户")]
    assert zhang.props["uri"] == "https://example.org/客户/张三丰"
    edges = {(e.source, e.type, e.target) for e in result.edges}
    knows = name(ctx, "https://example.org/关系/", "认识")
    assert edges == {
        ("https://example.org/客户/张三丰", knows, "https://example.org/people/Jane Q Doe"),
        ("https://example.org/客户/张三丰", knows, "https://example.org/items[1]"),
    }
    # a resource that is only an object gets a bare node, as in n10s
    assert result.nodes["https://example.org/people/Jane Q Doe"].props == {
        "uri": "https://example.org/people/Jane Q Doe"
    }
    price = name(ctx, "https://example.org/p/", "price")
    assert result.nodes["https://example.org/items[1]"].props[price] == 12


def test_neo4j_projection_multivalued_literals_are_a_sorted_list_and_single_ones_a_scalar():
    ctx = context()
    result = project(quads(ODD), ctx)
    discount = result.nodes["https://example.org/discount/50%"].props
    assert discount[name(ctx, "https://example.org/p/", "label")] == ["half price@en", "半价@zh"]
    ctx = context(ProjectionConfig(multival="ARRAY"))
    arrays = project(quads(ODD), ctx)
    price = name(ctx, "https://example.org/p/", "price")
    assert arrays.nodes["https://example.org/items[1]"].props[price] == [12]


def test_neo4j_projection_mixed_kinds_in_one_property_become_their_texts():
    mixed = quads(
        '<https://example.org/o/1> <https://example.org/p/size> "12"^^<http://www.w3.org/2001/XMLSchema#integer> <https://example.org/g/1> .\n'
        '<https://example.org/o/1> <https://example.org/p/size> "large" <https://example.org/g/1> .\n'
    )
    ctx = context()
    props = project(mixed, ctx).nodes["https://example.org/o/1"].props
    assert props[name(ctx, "https://example.org/p/", "size")] == ["12", "large"]


def test_neo4j_projection_records_graphs_sources_and_the_strictest_tier():
    two = quads(
        '<https://example.org/org/zeta> <https://example.org/p/name> "Zeta Fictional Ltd" <https://example.org/g/a> .\n'
        '<https://example.org/org/zeta> <https://example.org/p/name> "Zeta Fictional Ltd" <https://example.org/g/b> .\n'
    )
    tiers = {"https://example.org/g/b": "confidential"}
    ctx = context(tiers=tiers)
    props = project(two, ctx).nodes["https://example.org/org/zeta"].props
    # one value, stated by two graphs
    assert props[name(ctx, "https://example.org/p/", "name")] == "Zeta Fictional Ltd"
    assert props["_graphs"] == ["https://example.org/g/a", "https://example.org/g/b"]
    assert props["_sources"] == ["https://example.org/g/a", "https://example.org/g/b"]
    assert props["_sensitivity"] == "confidential"
    assert props["_asserted"] is True and props["_derived"] is False


def test_neo4j_projection_derived_relationships_carry_rules_confidence_and_sources():
    derived = quads(
        f"<https://example.org/org/zeta> <https://w3id.org/semcrm/ns#hasIntent> <https://w3id.org/semcrm/intent/renewal> <{INFERRED}> .\n"
    )
    derivation = Derivation(
        rules=("https://w3id.org/semcrm/rule/r1",),
        confidence=0.8,
        sources=("https://example.org/g/a",),
    )
    quad = derived[0]
    key = statement(quad.subject, quad.predicate, quad.object).value
    ctx = context(derivations={key: derivation}, statement_iri=statement)
    (edge,) = project(derived, ctx).edges
    assert edge.type == "semcrm__hasIntent"
    assert edge.props["_derived"] is True and edge.props["_asserted"] is False
    assert edge.props["_rules"] == ["https://w3id.org/semcrm/rule/r1"]
    assert edge.props["_confidence"] == 0.8
    assert edge.props["_sources"] == ["https://example.org/g/a"]
    assert edge.props["_graphs"] == [INFERRED]


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        (["internal", "public"], "internal"),
        (["confidential", "restricted", "internal"], "restricted"),
        (["public", "top-secret-ish"], "top-secret-ish"),  # unknown outranks known
        ([], "internal"),
    ],
)
def test_neo4j_strictest_tier(tiers, expected):
    assert strictest(tiers) == expected
