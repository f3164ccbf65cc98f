"""Aggregates in sub-selects: per-group COUNT/SUM/AVG/MIN/MAX, HAVING, and their premises.

The running example is issue 5's: "at least 3 questions about the same
concept in one customer's interactions". Customers, questions and numbers are
invented.
"""

from __future__ import annotations

import pyoxigraph as ox

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/crm/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX, "rule": RULE}


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def facts(turtle: str) -> list[tuple]:
    quads = ox.parse((f"@prefix ex: <{EX}> .\n" + turtle).encode(), ox.RdfFormat.TURTLE)
    return [(q.subject, q.predicate, q.object) for q in quads]


QUESTIONS = """
ex:call1 ex:customer ex:acme . ex:call2 ex:customer ex:acme . ex:call3 ex:customer ex:globex .
ex:q1 ex:in ex:call1 ; ex:about ex:pricing ; ex:seconds 40 .
ex:q2 ex:in ex:call1 ; ex:about ex:pricing ; ex:seconds 25 .
ex:q3 ex:in ex:call2 ; ex:about ex:pricing ; ex:seconds 31 .
ex:q4 ex:in ex:call2 ; ex:about ex:delivery ; ex:seconds 12 .
ex:q5 ex:in ex:call3 ; ex:about ex:pricing ; ex:seconds 50 .
ex:q6 ex:in ex:call3 ; ex:about ex:pricing ; ex:seconds 9.5 .
"""

PER_CUSTOMER_TOPIC = """
    { SELECT ?c ?topic (COUNT(DISTINCT ?q) AS ?n) (SUM(?s) AS ?total) (AVG(?s) AS ?mean)
             (MIN(?s) AS ?lo) (MAX(?s) AS ?hi)
      WHERE { ?q ex:in ?call ; ex:about ?topic ; ex:seconds ?s . ?call ex:customer ?c . }
      GROUP BY ?c ?topic }
"""


def run(body: str, head: str, data: str = QUESTIONS):
    return Engine([parse_rule(RULE + "agg", body, head, PREFIXES)]).materialize(facts(data))


def test_count_at_least_three_per_group_derives_only_that_group():
    """If a customer asked 3 questions on one topic, it has a repeated concern; 2 are not enough."""
    result = run(PER_CUSTOMER_TOPIC + "FILTER (?n >= 3)", "?c ex:repeatedConcern ?topic .")
    assert set(result.derived) == {(ex("acme"), ex("repeatedConcern"), ex("pricing"))}


def test_aggregate_premises_are_every_fact_the_group_matched():
    """If a group of 3 questions fires the rule, its justification cites all 3 with their calls."""
    result = run(PER_CUSTOMER_TOPIC + "FILTER (?n >= 3)", "?c ex:repeatedConcern ?topic .")
    (justification,) = result.derived[(ex("acme"), ex("repeatedConcern"), ex("pricing"))]
    cited = set(justification.premises)
    for q, call, seconds in (("q1", "call1", "40"), ("q2", "call1", "25"), ("q3", "call2", "31")):
        assert (ex(q), ex("about"), ex("pricing")) in cited
        assert (ex(q), ex("in"), ex(call)) in cited
        assert (ex(q), ex("seconds"), typed(seconds, "integer")) in cited
    assert (ex("call1"), ex("customer"), ex("acme")) in cited
    assert len(justification.premises) == len(cited) == 3 * 3 + 2  # call1 cited once


def test_sum_avg_min_max_per_group():
    """If question lengths are aggregated per customer and topic, the values are exact."""
    result = run(
        PER_CUSTOMER_TOPIC,
        "?c ex:n ?n ; ex:total ?total ; ex:mean ?mean ; ex:lo ?lo ; ex:hi ?hi .",
        QUESTIONS.replace("ex:q4 ex:in ex:call2 ; ex:about ex:delivery ; ex:seconds 12 .", ""),
    )
    values = {(f[0], f[1]): f[2] for f in result.derived}
    assert values[(ex("acme"), ex("n"))] == typed("3", "integer")
    assert values[(ex("acme"), ex("total"))] == typed("96", "integer")
    assert values[(ex("acme"), ex("mean"))] == typed("32", "decimal")
    assert values[(ex("acme"), ex("lo"))] == typed("25", "integer")
    assert values[(ex("acme"), ex("hi"))] == typed("40", "integer")
    assert values[(ex("globex"), ex("total"))] == typed("59.5", "decimal")
    assert values[(ex("globex"), ex("mean"))] == typed("29.75", "decimal")
    assert values[(ex("globex"), ex("lo"))] == typed("9.5", "decimal")


def test_having_filters_groups_inside_the_sub_select():
    """If HAVING keeps groups whose total exceeds 90 seconds, only acme/pricing remains."""
    result = run(
        """
        { SELECT ?c WHERE { ?q ex:in ?call ; ex:seconds ?s . ?call ex:customer ?c }
          GROUP BY ?c HAVING (SUM(?s) > 90 && COUNT(*) >= 3) }
        """,
        "?c a ex:Talkative .",
    )
    assert {f[0] for f in result.derived} == {ex("acme")}


def test_count_without_group_by_counts_zero_on_no_input():
    """If nothing matches an ungrouped COUNT, there is still one row, with 0."""
    result = run(
        "{ SELECT (COUNT(?q) AS ?n) WHERE { ?q ex:about ex:warranty } } ex:acme ex:in ?x .",
        "ex:acme ex:warrantyQuestions ?n .",
        "ex:acme ex:in ex:call1 .",
    )
    assert set(result.derived) == {(ex("acme"), ex("warrantyQuestions"), typed("0", "integer"))}


def test_aggregate_over_a_derived_predicate_runs_after_it():
    """If a count reads facts another rule derives, that rule finishes first."""
    tag = parse_rule(RULE + "tag", "?q ex:about ex:pricing .", "?q a ex:PriceQuestion .", PREFIXES)
    count = parse_rule(
        RULE + "count",
        "{ SELECT (COUNT(?q) AS ?n) WHERE { ?q a ex:PriceQuestion } } ex:acme ex:in ?x .",
        "ex:acme ex:priceQuestions ?n .",
        PREFIXES,
    )
    result = Engine([count, tag]).materialize(facts(QUESTIONS + "ex:acme ex:in ex:call1 ."))
    assert (ex("acme"), ex("priceQuestions"), typed("5", "integer")) in result.derived


def test_sum_of_a_non_number_leaves_the_variable_unbound():
    """If SUM meets a string, the aggregate is an error and the head template is skipped."""
    result = run(
        "{ SELECT ?c (SUM(?v) AS ?total) WHERE { ?c ex:v ?v } GROUP BY ?c }",
        "?c ex:total ?total .",
        'ex:a ex:v 1 , "two" . ex:b ex:v 2 , 3 .',
    )
    assert set(result.derived) == {(ex("b"), ex("total"), typed("5", "integer"))}
    assert result.stats.skipped == {RULE + "agg": 1}
