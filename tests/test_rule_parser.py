"""The rule language: what parses to what, and what a bad rule is told.

Each good-rule test states the construct and the IR it becomes; each bad-rule
test pins the whole message, because the message (rule, part, line, column,
what was expected, what was found) is the interface a governance lead sees.
All names and values here are invented.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from semcrm.reasoning.engine import Engine
from semcrm.reasoning.errors import RuleLoadError
from semcrm.reasoning.rules import load_rules, parse_rule
from semcrm.reasoning.syntax import (
    Aggregate,
    Bind,
    Call,
    Const,
    Filter,
    Minus,
    NotExists,
    Projection,
    SubSelect,
    TriplePattern,
    Values,
    Var,
)

EX = "http://example.org/crm/"
RULE = "https://w3id.org/semcrm/rule/"
PREFIXES = {"ex": EX, "rule": RULE}
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def rule(body: str, head: str = "?x ex:flag ex:on .", **kw):
    return parse_rule(RULE + "x", body, head, PREFIXES, **kw)


def load_error(body: str, head: str = "?x ex:flag ex:on .", **kw) -> str:
    with pytest.raises(RuleLoadError) as caught:
        rule(body, head, **kw)
    return str(caught.value)


# -- good rules ------------------------------------------------------------------


def test_predicate_and_object_lists_expand_to_one_pattern_each():
    """If a body uses ';' and ',' lists and 'a', then each (s, p, o) is its own pattern."""
    parsed = rule("?x a ex:Lead ; ex:owner ?o , ?p .")
    x, o, p = Var("x"), Var("o"), Var("p")
    assert parsed.body.elements == (
        TriplePattern(x, RDF_TYPE, ex("Lead")),
        TriplePattern(x, ex("owner"), o),
        TriplePattern(x, ex("owner"), p),
    )


def test_literals_keep_language_and_datatype_and_numbers_are_canonical():
    """If a body has tagged, typed and numeric literals, they become Oxigraph's terms."""
    parsed = rule(
        '?x ex:name "王小明"@ZH , "Wang"^^xsd:string , 1.50 , -7 , 2.5E0 , true , '
        '"007"^^xsd:integer .'
    )
    objects = [e.object for e in parsed.body.elements]
    assert objects == [
        ox.Literal("王小明", language="zh"),
        ox.Literal("Wang"),
        ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("2.5", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")),
    ]


def test_full_iris_comments_and_long_strings_parse():
    """If a body has a full IRI, a comment and a triple-quoted string, they are read as such."""
    parsed = rule('?x <http://example.org/crm/note> """two\nlines""" . # a comment\n')
    assert parsed.body.elements == (TriplePattern(Var("x"), ex("note"), ox.Literal("two\nlines")),)


def test_filter_expression_follows_sparql_precedence():
    """If a FILTER mixes || && and arithmetic, && binds tighter than || and * than +."""
    parsed = rule("?x ex:n ?n . FILTER (?n > 1 + 2 * 3 || ?n < 0 && !BOUND(?n))")
    (_, filt) = parsed.body.elements
    assert isinstance(filt, Filter)
    one, two, three, zero = (
        Const(ox.Literal(v, datatype=ox.NamedNode(XSD + "integer"))) for v in "1230"
    )
    n = Var("n")
    assert filt.expr == Call(
        "||",
        (
            Call(">", (n, Call("+", (one, Call("*", (two, three)))))),
            Call("&&", (Call("<", (n, zero)), Call("!", (Call("BOUND", (n,)),)))),
        ),
    )


def test_not_exists_minus_bind_values_and_in_parse_to_their_elements():
    """If a body uses NOT EXISTS, MINUS, BIND, VALUES and IN, each becomes its IR element."""
    parsed = parse_rule(
        RULE + "x",
        """
        ?x ex:stage ?s .
        VALUES (?s ?w) { (ex:won 1) (ex:lost UNDEF) }
        FILTER NOT EXISTS { ?x ex:archived true }
        MINUS { ?x ex:owner ex:nobody }
        BIND (semcrm:skolem(?x, ?s) AS ?k)
        FILTER (?s NOT IN (ex:open))
        """,
        "?k ex:of ?x .",
        {**PREFIXES, "semcrm": "https://w3id.org/semcrm/ns#"},
    )
    kinds = [type(e) for e in parsed.body.elements]
    assert kinds == [TriplePattern, Values, NotExists, Minus, Bind, Filter]
    values = parsed.body.elements[1]
    assert values.rows[1] == (ex("lost"), None)
    bind = parsed.body.elements[4]
    assert bind.expr.op == "semcrm:skolem" and bind.var == Var("k")
    assert parsed.body.elements[5].expr.op == "NOT IN"


def test_aggregate_sub_select_parses_with_group_by_and_having():
    """If a body has { SELECT ... COUNT ... GROUP BY ... HAVING }, it becomes a SubSelect."""
    parsed = rule(
        """
        { SELECT ?x (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q ex:about ?x } GROUP BY ?x
          HAVING (COUNT(*) >= 3) }
        FILTER (?n >= 3)
        """
    )
    sub = parsed.body.elements[0]
    assert isinstance(sub, SubSelect)
    assert sub.projection == (
        Projection(Var("x")),
        Projection(Var("n"), Aggregate("COUNT", Var("q"), distinct=True)),
    )
    assert sub.group_by == (Var("x"),)
    assert sub.having[0].args[0] == Aggregate("COUNT", None)


def test_every_good_rule_is_valid_sparql_as_construct():
    """If a rule loads, its CONSTRUCT form is accepted by Oxigraph's SPARQL parser."""
    parsed = parse_rule(
        RULE + "x",
        """
        ?x a ex:Lead ; ex:score ?s .
        FILTER (?s >= 0.5 && REGEX(STR(?x), "lead", "i"))
        BIND (xsd:integer(?s * 100) AS ?pct)
        { SELECT ?x (SUM(?v) AS ?total) WHERE { ?x ex:deal ?d . ?d ex:value ?v } GROUP BY ?x }
        """,
        "?x ex:pct ?pct ; ex:total ?total .",
        PREFIXES,
    )
    result = ox.Store().query(parsed.to_sparql())
    assert list(result) == []


def test_load_rules_reads_every_field_from_turtle():
    """If a Turtle file declares a semcrm:Rule, load_rules returns it with its metadata."""
    graph = rdflib.Graph()
    graph.parse(
        data="""
        @prefix semcrm: <https://w3id.org/semcrm/ns#> .
        @prefix rule: <https://w3id.org/semcrm/rule/> .
        @prefix ex: <http://example.org/crm/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        rule:warm-lead a semcrm:Rule ;
            rdfs:label "Warm lead"@en , "热线索"@zh ;
            semcrm:zone semcrm:yellow ;
            semcrm:owner "sales governance" ;
            owl:versionInfo "3" ;
            semcrm:weight 0.7 ;
            semcrm:priority 5 ;
            semcrm:confidenceExpression "?c" ;
            semcrm:body "?x ex:score ?c . FILTER (?c > 0.5)" ;
            semcrm:head "?x a ex:WarmLead ." .
        """,
        format="turtle",
    )
    (loaded,) = load_rules(graph)
    assert (loaded.iri, loaded.zone, loaded.owner, loaded.version) == (
        RULE + "warm-lead",
        "yellow",
        "sales governance",
        "3",
    )
    assert (loaded.weight, loaded.priority, loaded.confidence) == (0.7, 5, Var("c"))
    assert loaded.label == {"en": "Warm lead", "zh": "热线索"}
    assert loaded.head == (TriplePattern(Var("x"), RDF_TYPE, ex("WarmLead")),)
    assert loaded.display == "rule:warm-lead"


# -- bad rules: the exact message ------------------------------------------------


def test_head_with_a_filter_names_place_and_what_was_expected():
    """If a head continues after an object with FILTER, the error names line, column and token."""
    message = load_error("?x ex:p ?y .", "?x ex:q ?y\n    FILTER (?y)")
    assert message == (
        "rule:x head line 2, column 5: expected '.' or ';' after object, found 'FILTER'"
    )


def test_body_with_a_missing_dot_names_the_next_subject():
    """If two triples in a body lack the '.' between them, the error points at the second."""
    message = load_error("\n  ?x ex:p ?y\n  ?y ex:q ?z .")
    assert message == "rule:x body line 3, column 3: expected '.' or ';' after object, found '?y'"


def test_unknown_prefix_is_a_load_error():
    """If a body uses an undeclared prefix, the error says to declare it."""
    message = load_error("?x foo:p ?y .")
    assert message == (
        "rule:x body line 1, column 4: unknown prefix 'foo:'; "
        "declare it with @prefix in the rule file"
    )


def test_unbound_head_variable_is_a_load_error():
    """If a head variable is not bound by the body, the error names the variable and its place."""
    message = load_error("?x ex:p ?y .", "?x ex:q ?z .")
    assert message == (
        "rule:x head line 1, column 9: head variable ?z is not bound by the body; "
        "bind it in a body triple pattern, BIND or VALUES"
    )


def test_variable_bound_only_inside_not_exists_does_not_bind_the_head():
    """If a head variable occurs only inside NOT EXISTS, it is unbound: a load error."""
    message = load_error("?x ex:p ?y . FILTER NOT EXISTS { ?x ex:q ?z }", "?x ex:r ?z .")
    assert message.startswith("rule:x head line 1, column 9: head variable ?z is not bound")


def test_unsupported_function_is_a_load_error():
    """If a FILTER calls a function outside the language, the error names it."""
    message = load_error("?x ex:p ?y . FILTER (levenshtein(?y, 'a') < 2)")
    assert message == "rule:x body line 1, column 22: unsupported function 'levenshtein'"


def test_unsupported_iri_function_is_a_load_error():
    """If an expression calls an unknown IRI function, the error names it as written."""
    message = load_error("?x ex:p ?y . BIND (ex:score(?y) AS ?s)")
    assert message == "rule:x body line 1, column 20: unsupported function ex:score"


def test_literal_subject_in_head_is_a_load_error():
    """If a head template has a literal subject, loading fails at that literal."""
    message = load_error("?x ex:p ?y .", '"张三" ex:knows ?x .')
    assert (
        message == "rule:x head line 1, column 1: a literal cannot be the subject of a head triple"
    )


def test_head_predicate_variable_that_could_hold_a_literal_is_a_load_error():
    """If a head predicate is a variable bound in object position, it could be a literal."""
    message = load_error("?x ex:p ?v .", "?x ?v ex:o .")
    assert message == (
        "rule:x head line 1, column 4: head predicate ?v could bind a literal; "
        "use it as a predicate in the body, bind it with IRI(...) or add FILTER (isIRI(?v))"
    )


def test_head_predicate_variable_tested_with_isiri_is_accepted():
    """If a FILTER requires the head predicate variable to be an IRI, the rule loads."""
    loaded = rule("?p rdfs:subPropertyOf ?q . ?x ?p ?y . FILTER (isIRI(?q))", "?x ?q ?y .")
    assert loaded.head[0].predicate == Var("q")


def test_head_predicate_variable_bound_as_a_predicate_is_accepted():
    """If a head predicate variable is a predicate in the body, it can only be an IRI."""
    assert rule("?x ?p ?y .", "?y ?p ?x .").head[0].predicate == Var("p")


def test_optional_is_rejected_with_the_alternative():
    """If a body uses OPTIONAL, the error says what to write instead."""
    message = load_error("?x ex:p ?y . OPTIONAL { ?x ex:q ?z }")
    assert message == (
        "rule:x body line 1, column 14: OPTIONAL is not supported in rules; "
        "write a second rule for the optional part"
    )


def test_unclosed_group_reports_the_end_of_the_body():
    """If a NOT EXISTS group is never closed, the error says '}' was expected at the end."""
    message = load_error("?x ex:p ?y .\nFILTER NOT EXISTS { ?x ex:q ?y ")
    assert (
        message
        == "rule:x body line 2, column 32: expected '}' to close the group, found end of body"
    )


def test_filter_on_a_variable_the_body_never_binds_is_a_load_error():
    """If a FILTER reads a variable no pattern binds (a typo), the error names it."""
    message = load_error("?x ex:score ?score . FILTER (?scroe > 1)")
    assert (
        message == "rule:x body line 1, column 30: FILTER uses ?scroe, which the body never binds"
    )


def test_bind_before_the_pattern_that_binds_its_input_is_a_load_error():
    """If a BIND reads a variable bound only after it, the error says to move the BIND."""
    message = load_error("BIND (?y + 1 AS ?z) ?x ex:p ?y .", "?x ex:q ?z .")
    assert message == (
        "rule:x body line 1, column 7: BIND uses ?y, which is not bound before the BIND; "
        "move the BIND after the patterns that bind ?y"
    )


def test_aggregate_outside_a_sub_select_is_a_load_error():
    """If a FILTER uses COUNT directly, the error says where aggregates may go."""
    message = load_error("?x ex:p ?y . FILTER (COUNT(?y) > 2)")
    assert message == (
        "rule:x body line 1, column 22: aggregate COUNT is only allowed "
        "in a sub-select's SELECT list or HAVING"
    )


def test_ungrouped_projection_in_an_aggregate_sub_select_is_a_load_error():
    """If a sub-select projects a variable it does not group by, SPARQL forbids it."""
    message = load_error("{ SELECT ?x ?y (COUNT(?y) AS ?n) WHERE { ?x ex:p ?y } GROUP BY ?x }")
    assert message == (
        "rule:x body line 1, column 13: ?y is projected but not grouped; add it to GROUP BY"
    )


def test_bad_confidence_expression_is_located_in_its_own_part():
    """If the confidence expression is malformed, the error names that part."""
    message = load_error("?x ex:score ?c .", confidence="?c *")
    assert message == (
        "rule:x confidenceExpression line 1, column 5: "
        "expected an expression, found end of confidence expression"
    )


def test_weight_outside_the_unit_interval_is_a_load_error():
    """If a rule's weight is not in (0, 1], loading fails."""
    assert load_error("?x ex:p ?y .", weight=1.5) == "rule:x: weight 1.5 is outside (0, 1]"


def _turtle_rule(extra: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(
        data=f"""
        @prefix semcrm: <https://w3id.org/semcrm/ns#> .
        @prefix rule: <https://w3id.org/semcrm/rule/> .
        @prefix ex: <http://example.org/crm/> .
        rule:broken a semcrm:Rule ; {extra} .
        """,
        format="turtle",
    )
    return graph


def test_rule_without_a_body_is_a_load_error():
    """If a semcrm:Rule has no semcrm:body, load_rules names the rule and the missing part."""
    graph = _turtle_rule('semcrm:zone semcrm:green ; semcrm:head "?x ex:p ?y ."')
    with pytest.raises(RuleLoadError) as caught:
        load_rules(graph)
    assert str(caught.value) == (
        "rule:broken: has no semcrm:body; give the IF part as a SPARQL group pattern"
    )


def test_rule_without_a_head_is_a_load_error():
    """If a semcrm:Rule has no semcrm:head, load_rules says so."""
    graph = _turtle_rule('semcrm:zone semcrm:green ; semcrm:body "?x ex:p ?y ."')
    with pytest.raises(RuleLoadError, match="has no semcrm:head"):
        load_rules(graph)


def test_rule_with_an_unknown_zone_is_a_load_error():
    """If a rule's zone is not green, yellow or red, load_rules lists the allowed zones."""
    graph = _turtle_rule(
        'semcrm:zone semcrm:blue ; semcrm:body "?x ex:p ?y ." ; semcrm:head "?x ex:q ?y ."'
    )
    with pytest.raises(RuleLoadError) as caught:
        load_rules(graph)
    assert str(caught.value) == (
        "rule:broken: unknown zone <https://w3id.org/semcrm/ns#blue>; "
        "use semcrm:green, semcrm:yellow or semcrm:red"
    )


def test_cycle_through_negation_names_every_rule_in_it():
    """If two rules negate each other's conclusions, Engine() refuses them, naming both."""
    a = parse_rule(
        RULE + "a", "?x a ex:Lead . FILTER NOT EXISTS { ?x a ex:Cold }", "?x a ex:Warm .", PREFIXES
    )
    b = parse_rule(
        RULE + "b", "?x a ex:Lead . FILTER NOT EXISTS { ?x a ex:Warm }", "?x a ex:Cold .", PREFIXES
    )
    with pytest.raises(RuleLoadError) as caught:
        Engine([a, b])
    assert str(caught.value) == (
        "rule:a: rules rule:a, rule:b depend on each other through NOT EXISTS; negation and "
        "aggregates may only read facts of lower strata (see docs/rules.md, 'Stratification')"
    )
    assert set(caught.value.rules) == {RULE + "a", RULE + "b"}


def test_cycle_through_an_aggregate_is_a_load_error():
    """If a rule counts facts of its own head predicate, it is an aggregate cycle."""
    counting = parse_rule(
        RULE + "count",
        "{ SELECT ?x (COUNT(?y) AS ?n) WHERE { ?x ex:link ?y } GROUP BY ?x } ?x ex:link ?z .",
        "?z ex:link ?x .",
        PREFIXES,
    )
    with pytest.raises(RuleLoadError, match="depend on each other through an aggregate"):
        Engine([counting])


def test_duplicate_rule_iris_are_a_load_error():
    """If two rules share an IRI, Engine() refuses them."""
    with pytest.raises(RuleLoadError, match="is defined twice"):
        Engine([rule("?x ex:p ?y ."), rule("?x ex:q ?y .")])


def test_property_path_is_rejected_with_the_alternative():
    """If a body uses a property path, the error says to write the steps or a recursive rule."""
    message = load_error("?x ex:partOf+ ?y .")
    assert message == (
        "rule:x body line 1, column 13: property paths are not supported in rules; write each "
        "step as its own pattern (and '+' or '*' as a recursive rule)"
    )
