"""Joins, filters, BIND, VALUES and skolem IRIs: what the engine derives, value by value.

Every test builds a few invented facts in Turtle, runs one rule through
``Engine.materialize`` and checks the derived facts and their premises.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/crm/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {
    "ex": EX,
    "semcrm": "https://w3id.org/semcrm/ns#",
    "rule": "https://w3id.org/semcrm/rule/",
}
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def facts(turtle: str) -> list[tuple]:
    header = "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items())
    header += f"@prefix xsd: <{XSD}> .\n"
    quads = ox.parse((header + turtle).encode(), ox.RdfFormat.TURTLE)
    return [(q.subject, q.predicate, q.object) for q in quads]


def derive(body: str, head: str, data: str, **kw):
    rule = parse_rule(PREFIXES["rule"] + "r", body, head, PREFIXES, **kw)
    return Engine([rule]).materialize(facts(data))


def test_join_derives_one_fact_per_solution_with_its_premises():
    """If a contact works for a customer, then the contact is a customer contact."""
    result = derive(
        "?p ex:worksFor ?c . ?c a ex:Customer .",
        "?p ex:customerContact ?c .",
        "ex:zhang ex:worksFor ex:acme . ex:acme a ex:Customer . ex:li ex:worksFor ex:shell .",
    )
    conclusion = (ex("zhang"), ex("customerContact"), ex("acme"))
    assert set(result.derived) == {conclusion}
    (justification,) = result.derived[conclusion]
    assert justification.rule == PREFIXES["rule"] + "r"
    assert justification.premises == (
        (ex("zhang"), ex("worksFor"), ex("acme")),
        (ex("acme"), A, ex("Customer")),
    )


def test_premises_follow_text_order_whatever_the_join_order():
    """If the selective pattern comes last in the text, premises are still listed in text order."""
    many = " ".join(f"ex:p{i} ex:worksFor ex:org{i % 7} ." for i in range(60))
    result = derive(
        "?p ex:worksFor ?c . ?c ex:flagged true .",
        "?p a ex:Flagged .",
        many + " ex:org3 ex:flagged true .",
    )
    assert len(result.derived) == len([i for i in range(60) if i % 7 == 3])
    for justification in (j for js in result.derived.values() for j in js):
        assert justification.premises[0][1] == ex("worksFor")
        assert justification.premises[1] == (
            ex("org3"),
            ex("flagged"),
            ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        )


def test_repeated_variable_in_one_pattern_matches_only_equal_terms():
    """If a pattern is ?x ex:knows ?x, only self-loops match."""
    result = derive(
        "?x ex:knows ?x .",
        "?x a ex:SelfAware .",
        "ex:a ex:knows ex:a . ex:a ex:knows ex:b . ex:b ex:knows ex:c .",
    )
    assert set(result.derived) == {(ex("a"), A, ex("SelfAware"))}


def test_filter_compares_integers_decimals_and_doubles_by_value():
    """If revenue is compared with 1000, integer, decimal and double values compare numerically."""
    result = derive(
        "?c ex:revenue ?r . FILTER (?r >= 1000)",
        "?c a ex:Large .",
        """
        ex:a ex:revenue 1000 .
        ex:b ex:revenue 999.99 .
        ex:c ex:revenue 1.5e3 .
        ex:d ex:revenue "1000.0"^^xsd:decimal .
        ex:e ex:revenue "1000" .
        """,
    )
    assert {f[0] for f in result.derived} == {ex("a"), ex("c"), ex("d")}


def test_filter_arithmetic_promotes_integer_division_to_decimal():
    """If 7 / 2 is compared with 3.5, integer division gives the decimal 3.5, so they are equal."""
    result = derive(
        "?c ex:n ?n ; ex:d ?d . FILTER (?n / ?d = 3.5 && ?n - ?d * 3 = 1)",
        "?c a ex:Match .",
        "ex:a ex:n 7 ; ex:d 2 . ex:b ex:n 8 ; ex:d 2 .",
    )
    assert set(result.derived) == {(ex("a"), A, ex("Match"))}


def test_filter_compares_dates_and_rejects_a_date_against_a_string():
    """If contract dates are compared with a date, dates compare by value; a string is an error."""
    result = derive(
        '?c ex:renewal ?d . FILTER (?d < "2031-01-01"^^xsd:date)',
        "?c a ex:DueSoon .",
        """
        ex:a ex:renewal "2030-12-31"^^xsd:date .
        ex:b ex:renewal "2031-06-30"^^xsd:date .
        ex:c ex:renewal "2030-01-01" .
        """,
    )
    assert set(result.derived) == {(ex("a"), A, ex("DueSoon"))}


def test_filter_compares_datetimes_across_timezones():
    """If two dateTimes have different offsets, they are compared as instants."""
    result = derive(
        '?m ex:at ?t . FILTER (?t > "2030-05-01T08:00:00Z"^^xsd:dateTime)',
        "?m a ex:Late .",
        """
        ex:m1 ex:at "2030-05-01T09:30:00+02:00"^^xsd:dateTime .
        ex:m2 ex:at "2030-05-01T10:30:00+02:00"^^xsd:dateTime .
        """,
    )
    assert set(result.derived) == {(ex("m2"), A, ex("Late"))}


def test_filter_on_a_chinese_label_uses_string_functions():
    """If a label contains 储能 (energy storage), the customer is tagged; other labels are not."""
    result = derive(
        '?c ex:label ?l . FILTER (CONTAINS(?l, "储能") && STRSTARTS(?l, "示例"))',
        "?c a ex:StorageCustomer .",
        'ex:a ex:label "示例光伏储能公司"@zh . ex:b ex:label "示例光伏公司"@zh .',
    )
    assert set(result.derived) == {(ex("a"), A, ex("StorageCustomer"))}


def test_bind_computes_a_value_the_head_uses():
    """If a deal has a value and a discount, the net value is value * (1 - discount)."""
    result = derive(
        "?d ex:value ?v ; ex:discount ?x . BIND (?v * (1 - ?x) AS ?net)",
        "?d ex:net ?net .",
        "ex:deal1 ex:value 2000 ; ex:discount 0.15 .",
    )
    net = ox.Literal("1700", datatype=ox.NamedNode(XSD + "decimal"))
    assert set(result.derived) == {(ex("deal1"), ex("net"), net)}


def test_bind_error_leaves_the_variable_unbound_and_its_template_unemitted():
    """If a BIND divides by zero, the head templates using its variable are skipped."""
    result = derive(
        "?d ex:value ?v ; ex:count ?n . BIND (?v / ?n AS ?each)",
        "?d ex:each ?each . ?d a ex:Seen .",
        "ex:deal1 ex:value 10 ; ex:count 0 .",
    )
    assert set(result.derived) == {(ex("deal1"), A, ex("Seen"))}
    assert result.stats.skipped == {PREFIXES["rule"] + "r": 1}


def test_bind_target_used_by_a_later_pattern_joins_on_it():
    """If BIND builds an IRI that a later pattern reads, the join uses the built IRI."""
    result = derive(
        '?c ex:code ?k . BIND (IRI(CONCAT("http://example.org/crm/region-", ?k)) AS ?r) '
        "?r ex:name ?n .",
        "?c ex:regionName ?n .",
        'ex:a ex:code "north" . ex:b ex:code "south" . ex:region-north ex:name "北区" .',
    )
    assert set(result.derived) == {(ex("a"), ex("regionName"), ox.Literal("北区"))}


def test_values_restricts_and_binds():
    """If VALUES lists roles with a weight each, only those roles match and the weight is bound."""
    result = derive(
        "VALUES (?role ?w) { (ex:buyer 3) (ex:champion 2) } ?p ex:role ?role .",
        "?p ex:influence ?w .",
        "ex:zhang ex:role ex:buyer . ex:li ex:role ex:champion . ex:wang ex:role ex:user .",
    )
    two, three = (ox.Literal(v, datatype=ox.NamedNode(XSD + "integer")) for v in "23")
    assert set(result.derived) == {
        (ex("zhang"), ex("influence"), three),
        (ex("li"), ex("influence"), two),
    }


def test_skolem_mints_the_same_iri_for_the_same_arguments():
    """If two runs mint a node for (person, org), both get the documented SHA-256 IRI."""
    body = "?p ex:worksFor ?c . BIND (semcrm:skolem(?p, ?c) AS ?m)"
    head = "?m ex:person ?p ."
    data = "ex:zhang ex:worksFor ex:acme ."
    first = derive(body, head, data)
    second = derive(body, head, data)
    digest = hashlib.sha256(f"<{EX}zhang> <{EX}acme>".encode()).hexdigest()[:16]
    minted = ox.NamedNode("https://w3id.org/semcrm/id/skolem/" + digest)
    assert set(first.derived) == set(second.derived) == {(minted, ex("person"), ex("zhang"))}


def test_skolem_distinguishes_argument_order_and_literal_types():
    """If the arguments differ in order or in datatype, the minted IRIs differ."""
    result = derive(
        "?x ex:a ?a ; ex:b ?b . "
        "BIND (semcrm:skolem(?a, ?b) AS ?m) BIND (semcrm:skolem(?b, ?a) AS ?n)",
        "?x ex:m ?m ; ex:n ?n .",
        'ex:x ex:a "1" ; ex:b 1 .',
    )
    minted = {f[2] for f in result.derived}
    assert len(minted) == 2


def test_firings_count_body_solutions_per_rule():
    """If a rule's body has three solutions, stats report three firings for it."""
    result = derive(
        "?p ex:worksFor ?c .",
        "?c ex:hasStaff ?p .",
        "ex:a ex:worksFor ex:o . ex:b ex:worksFor ex:o . ex:c ex:worksFor ex:q .",
    )
    assert result.stats.firings == {PREFIXES["rule"] + "r": 3}
    assert result.stats.derived_facts == 3
