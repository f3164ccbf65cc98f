"""Property: the incremental state always equals a from-scratch materialisation.

Random "interactions" (small sets of facts over an invented vocabulary, some
facts shared between interactions) are inserted and erased in random order;
after every step the incremental engine's derived facts, their justifications
and the confidences of both must equal what :class:`Engine` computes from
scratch on what remains asserted, and the :class:`Change` it returned, applied
to the previous state, must give the new one. The rule set has recursion, a
cycle of weighted rules (confidence fixed point), NOT EXISTS over a derived
predicate, MINUS and an aggregate, so additions also remove derived facts and
removals also add them. Seeds are fixed, so a failure replays.
"""

from __future__ import annotations

import dataclasses
import random

import pyoxigraph as ox
import pytest

from semcrm.reasoning.engine import Engine, Materialization
from semcrm.reasoning.incremental import Change, IncrementalEngine
from semcrm.reasoning.rules import parse_rule

EX = "http://example.org/inc/"
RULE = "https://w3id.org/semcrm/rule/test/"
PREFIXES = {"ex": EX}
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TOLERANCE = 1e-9


def ex(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def rule(name: str, body: str, head: str, **options):
    return parse_rule(RULE + name, body, head, PREFIXES, **options)


RULES = [
    rule("link", "?a ex:e ?b . ?b ex:e ?c .", "?a ex:e ?c ."),
    rule("sub", "?x ex:in ?c . ?c ex:sub ?d .", "?x ex:in ?d ."),
    rule("sub-trans", "?c ex:sub ?d . ?d ex:sub ?f .", "?c ex:sub ?f ."),
    rule(
        "lead",
        "?x ex:signal ?c .",
        "?x a ex:Lead .",
        weight=0.8,
        confidence="?c",
    ),
    rule("near", "?a ex:e ?b .", "?a ex:near ?b .", weight=0.9),
    rule("near-back", "?a ex:near ?b .", "?b ex:near ?a .", weight=0.5),
    rule(
        "cold",
        "?x a ex:Lead . FILTER NOT EXISTS { ?x ex:e ex:n0 }",
        "?x a ex:Cold .",
        weight=0.7,
    ),
    rule(
        "hub",
        "{ SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?x ex:e ?y } GROUP BY ?x } "
        "FILTER (?n >= 3)",
        "?x a ex:Hub .",
    ),
    rule("warm-hub", "?x a ex:Hub . MINUS { ?x a ex:Cold }", "?x a ex:WarmHub ."),
    rule("cold-contact", "?x a ex:Cold . ?x ex:e ?y .", "?y a ex:Lead .", weight=0.6),
]


def interaction(rng: random.Random) -> list[tuple]:
    """A few random facts: edges, types, class links, signals with a confidence."""
    nodes = [ex(f"n{i}") for i in range(7)]
    classes = [ex(f"C{i}") for i in range(4)]
    out: set[tuple] = set()
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        if kind < 0.45:
            out.add((rng.choice(nodes), ex("e"), rng.choice(nodes)))
        elif kind < 0.6:
            out.add((rng.choice(nodes), ex("in"), rng.choice(classes)))
        elif kind < 0.7:
            out.add((rng.choice(classes), ex("sub"), rng.choice(classes)))
        else:
            value = ox.Literal(
                str(rng.choice([0.2, 0.5, 0.9])),
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"),
            )
            out.add((rng.choice(nodes), ex("signal"), value))
    return sorted(out, key=str)


def canonical(result: Materialization) -> dict:
    """fact -> (confidence, {(rule, premise set): justification confidence})."""
    return {
        fact: (
            result.confidence[fact],
            {(j.rule, frozenset(j.premises)): j.confidence for j in justifications},
        )
        for fact, justifications in result.derived.items()
    }


def assert_same(got: dict, expected: dict) -> None:
    assert set(got) == set(expected)
    for fact, (confidence, ways) in expected.items():
        got_confidence, got_ways = got[fact]
        assert set(got_ways) == set(ways), fact
        assert abs(got_confidence - confidence) <= TOLERANCE, fact
        for key, value in ways.items():
            assert abs(got_ways[key] - value) <= TOLERANCE, (fact, key)


def apply(before: dict, change: Change) -> dict:
    """The previous state with a change applied, as a store applying it would."""
    after = {fact: (c, dict(ways)) for fact, (c, ways) in before.items()}
    for fact in change.removed:
        del after[fact]
    for fact, confidence in change.added.items():
        after[fact] = (confidence, {})
    for fact, confidence in change.confidence.items():
        after[fact] = (confidence, after[fact][1])
    for fact, j in change.justifications_removed:
        if fact in after:
            del after[fact][1][(j.rule, frozenset(j.premises))]
    for fact, j in change.justifications_added + change.justifications_rescored:
        after[fact][1][(j.rule, frozenset(j.premises))] = j.confidence
    return after


#: The same rules in two layers: the recursive ones below, the rest reading their closure.
LAYERED = [
    rule("link", "?a ex:e ?b . ?b ex:e ?c .", "?a ex:e ?c .", layer=0),
    rule("sub", "?x ex:in ?c . ?c ex:sub ?d .", "?x ex:in ?d .", layer=0),
    rule("sub-trans", "?c ex:sub ?d . ?d ex:sub ?f .", "?c ex:sub ?f .", layer=0),
    rule("near", "?a ex:e ?b .", "?a ex:near ?b .", weight=0.9, layer=0),
    rule("near-back", "?a ex:near ?b .", "?b ex:near ?a .", weight=0.5, layer=0),
    *(
        r
        for r in RULES
        if r.iri.rsplit("/", 1)[1] not in {"link", "sub", "sub-trans", "near", "near-back"}
    ),
    rule("near-lead", "?x ex:near ?y . ?y ex:in ex:C1 .", "?x a ex:Lead .", weight=0.4),
]


def certain(rules):
    """The same rules with weight 1 and no confidence expression (every confidence 1.0)."""
    return [dataclasses.replace(r, weight=1.0, confidence=None) for r in rules]


#: Rule sets: weighted, certain (re-scoring sets 1.0 without solving), and certain rules
#: over a weighted layer (certain rules, uncertain inputs: solved).
RULE_SETS = {
    "weighted": RULES,
    "layered": LAYERED,
    "certain": certain(RULES),
    "certain-over-weighted": [r for r in LAYERED if r.layer == 0]
    + certain([r for r in LAYERED if r.layer != 0]),
}


@pytest.mark.parametrize("rule_set", list(RULE_SETS))
@pytest.mark.parametrize("seed", range(20))
def test_incremental_state_equals_materialisation_of_what_remains(seed: int, rule_set: str):
    """If interactions come and go in random order, every step equals a fresh full run."""
    rng = random.Random(seed)
    interactions = [interaction(rng) for _ in range(8)]
    rules = RULE_SETS[rule_set]
    engine = IncrementalEngine(rules)
    state = canonical(engine.result())
    present: list[int] = []
    for _ in range(24):
        absent = [i for i in range(len(interactions)) if i not in present]
        if present and (not absent or rng.random() < 0.45):
            gone = present.pop(rng.randrange(len(present)))
            still = {f for i in present for f in interactions[i]}
            change = engine.remove([f for f in interactions[gone] if f not in still])
        else:
            new = rng.choice(absent)
            present.append(new)
            change = engine.add(interactions[new])
        remaining = sorted({f for i in present for f in interactions[i]}, key=str)
        expected = canonical(Engine(rules).materialize(remaining))
        got = canonical(engine.result())
        assert_same(got, expected)
        assert_same(apply(state, change), expected)
        state = got


def test_adding_a_fact_removes_what_its_absence_derived():
    """If a NOT EXISTS becomes false because of an addition, the derived fact is removed."""
    engine = IncrementalEngine(RULES)
    engine.add([(ex("n1"), ex("signal"), ox.Literal("0.5", datatype=_DECIMAL))])
    assert (ex("n1"), A, ex("Cold")) in engine.result().derived
    change = engine.add([(ex("n1"), ex("e"), ex("n0"))])
    assert (ex("n1"), A, ex("Cold")) in change.removed
    assert (ex("n1"), A, ex("Cold")) not in engine.result().derived
    removed_rules = {j.rule for f, j in change.justifications_removed if f[2] == ex("Cold")}
    assert removed_rules == {RULE + "cold"}


def test_removing_a_fact_adds_what_its_absence_derives():
    """If a removal makes a NOT EXISTS true again, the derived fact comes back."""
    engine = IncrementalEngine(RULES)
    edge = (ex("n1"), ex("e"), ex("n0"))
    engine.add([(ex("n1"), ex("signal"), ox.Literal("0.5", datatype=_DECIMAL)), edge])
    assert (ex("n1"), A, ex("Cold")) not in engine.result().derived
    change = engine.remove([edge])
    assert change.added[(ex("n1"), A, ex("Cold"))] == pytest.approx(0.7 * 0.8 * 0.5)


def test_an_aggregate_threshold_crossed_both_ways():
    """If a third edge makes a hub and its removal unmakes it, both changes are reported."""
    engine = IncrementalEngine(RULES)
    engine.add([(ex("n1"), ex("e"), ex("n2")), (ex("n1"), ex("e"), ex("n3"))])
    third = (ex("n1"), ex("e"), ex("n4"))
    added = engine.add([third])
    assert (ex("n1"), A, ex("Hub")) in added.added
    assert (ex("n1"), A, ex("WarmHub")) in added.added
    removed = engine.remove([third])
    assert {(ex("n1"), A, ex("Hub")), (ex("n1"), A, ex("WarmHub"))} <= removed.removed


def test_a_cycle_of_derived_facts_is_retracted_when_its_base_goes():
    """If two derived facts support each other and their only base goes, both go (DRed)."""
    engine = IncrementalEngine(RULES)
    edge = (ex("n5"), ex("e"), ex("n6"))
    engine.add([edge])
    derived = engine.result().derived
    assert (ex("n5"), ex("near"), ex("n6")) in derived
    assert (ex("n6"), ex("near"), ex("n5")) in derived
    change = engine.remove([edge])
    assert change.removed == {
        (ex("n5"), ex("near"), ex("n6")),
        (ex("n6"), ex("near"), ex("n5")),
    }
    assert engine.result().derived == {}


def test_an_asserted_fact_that_is_also_derivable_becomes_derived_when_withdrawn():
    """If an asserted fact is derivable too, withdrawing its assertion reports it as derived."""
    engine = IncrementalEngine(RULES)
    shortcut = (ex("n1"), ex("e"), ex("n3"))
    engine.add([(ex("n1"), ex("e"), ex("n2")), (ex("n2"), ex("e"), ex("n3")), shortcut])
    assert shortcut not in engine.result().derived
    change = engine.remove([shortcut])
    assert shortcut in change.added
    assert [j.rule for f, j in change.justifications_added if f == shortcut] == [RULE + "link"]


_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


# -- re-scoring stops where the values stop moving (issue 5) ---------------------------------

CHAIN = 30


def _class_chain() -> list[tuple]:
    """n1 in C0, and C0 sub C1 sub ... sub C{CHAIN}: n1 is in every class of the chain."""
    out = [(ex("n1"), ex("in"), ex("C0"))]
    out += [(ex(f"C{i}"), ex("sub"), ex(f"C{i + 1}")) for i in range(CHAIN)]
    return out


def test_a_new_reason_for_a_certain_fact_rescores_only_that_fact():
    """If certain rules derive n1 in C1 a second way, nothing derived from it is solved again.

    Regression for issue 5: re-scoring used to solve every fact derived from a
    touched fact (here the whole chain) on every update, which dominated an
    update at 1M triples.
    """
    rules = [rule("sub", "?x ex:in ?c . ?c ex:sub ?d .", "?x ex:in ?d .")]
    engine = IncrementalEngine(rules)
    engine.add(_class_chain())
    second = [(ex("n1"), ex("in"), ex("D")), (ex("D"), ex("sub"), ex("C1"))]
    change = engine.add(second)
    assert (ex("n1"), ex("in"), ex("C1")) not in change.added  # derived before, kept
    assert change.justifications_added  # its new justification is reported
    assert change.rescored == 1  # n1 in C1; not the CHAIN - 1 classes above it
    assert change.waves == 1
    remaining = _class_chain() + second
    assert_same(canonical(engine.result()), canonical(Engine(rules).materialize(remaining)))


def test_a_weighted_new_reason_rescores_everything_it_moves():
    """If weighted rules derive n1 in C1 a second way, its confidence rises, and so do
    the confidences of the classes above it: every one is solved again and equals a full run."""
    rules = [rule("sub", "?x ex:in ?c . ?c ex:sub ?d .", "?x ex:in ?d .", weight=0.5)]
    engine = IncrementalEngine(rules)
    engine.add(_class_chain())
    before = engine.result().confidence
    second = [(ex("n1"), ex("in"), ex("D")), (ex("D"), ex("sub"), ex("C1"))]
    change = engine.add(second)
    moved = {f for f in change.confidence if f[1] == ex("in")}
    assert moved == {(ex("n1"), ex("in"), ex(f"C{i}")) for i in range(1, CHAIN + 1)}
    assert all(change.confidence[f] > before[f] for f in moved)
    assert change.waves > 1
    remaining = _class_chain() + second
    assert_same(canonical(engine.result()), canonical(Engine(rules).materialize(remaining)))


def test_a_confidence_moving_along_a_chain_longer_than_the_wave_limit():
    """If a seed's confidence changes at the head of a chain longer than MAX_WAVES, the
    re-scoring finishes in one solve of the rest and still equals a full run."""
    from semcrm.reasoning.dred import MAX_WAVES

    rules = [
        rule("seed", "?a ex:seed ?c .", "?a ex:r ex:x .", confidence="?c"),
        rule("step", "?a ex:r ?x . ?a ex:e ?b .", "?b ex:r ?x .", weight=0.99),
    ]
    length = 2 * MAX_WAVES
    chain = [(ex(f"n{i}"), ex("e"), ex(f"n{i + 1}")) for i in range(length)]
    low = (ex("n0"), ex("seed"), ox.Literal("0.5", datatype=_DECIMAL))
    high = (ex("n0"), ex("seed"), ox.Literal("0.9", datatype=_DECIMAL))
    engine = IncrementalEngine(rules)
    engine.add([*chain, low])
    change = engine.update(add=[high], remove=[low])
    assert change.waves == MAX_WAVES + 1
    assert len(change.confidence) == length + 1
    expected = canonical(Engine(rules).materialize([*chain, high]))
    assert_same(canonical(engine.result()), expected)


def test_a_kept_plan_sees_a_predicate_that_emptied_and_filled_again():
    """If a rule's constant is unknown at first, and a predicate it reads loses every fact
    and gets new ones, each update still equals a full run (plans kept across updates
    are built only once every constant and predicate of the rule is in use; issue 5)."""
    rules = [rule("typed", "?x ex:in ex:C1 . ?x ex:e ?y .", "?y a ex:Lead .")]
    steps = [
        ("add", [(ex("n1"), ex("e"), ex("n2"))]),  # ex:C1 unknown: planned afresh
        ("add", [(ex("n1"), ex("in"), ex("C1"))]),  # now kept
        ("remove", [(ex("n1"), ex("in"), ex("C1"))]),  # ex:in has no fact left
        ("add", [(ex("n3"), ex("in"), ex("C1")), (ex("n3"), ex("e"), ex("n4"))]),
        ("add", [(ex("n3"), ex("e"), ex("n5"))]),
        ("remove", [(ex("n3"), ex("e"), ex("n4"))]),
    ]
    # Unrelated facts, so the index stays about the same size and no plan is dropped for it.
    present = {(ex(f"m{i}"), ex("other"), ex(f"m{i + 1}")) for i in range(20)}
    engine = IncrementalEngine(rules)
    engine.materialize(sorted(present, key=str))
    for kind, facts in steps:
        if kind == "add":
            engine.add(facts)
            present |= set(facts)
        else:
            engine.remove(facts)
            present -= set(facts)
        expected = canonical(Engine(rules).materialize(sorted(present, key=str)))
        assert_same(canonical(engine.result()), expected)
    assert set(engine.result().derived) == {(ex("n5"), A, ex("Lead"))}
    assert engine.layers[0].plans  # the updates did run kept plans


@pytest.mark.parametrize("seed", range(6))
def test_a_layered_state_restored_from_its_record_updates_like_a_full_run(seed: int):
    """Regression: restore took one layer only, so with the customer rules in layers 2-3
    every ingest and erasure in the store fell back to a full run. The record (facts
    and every justification with its base) of a full run of layered rules seeds a new
    engine, which then follows random additions and removals exactly."""
    from semcrm.reasoning.incremental import Derivation
    from semcrm.reasoning.materialize import _bases

    rng = random.Random(seed)
    interactions = [interaction(rng) for _ in range(8)]
    present = list(range(4))
    facts = sorted({f for i in present for f in interactions[i]}, key=str)
    full = Engine(LAYERED).materialize(facts)
    record = [
        Derivation(fact, j.rule, j.premises, base)
        for fact, justifications in full.derived.items()
        for j, base in zip(justifications, _bases(full.derived, fact), strict=True)
    ]
    engine = IncrementalEngine(LAYERED)
    assert len(engine.layers) > 1
    engine.restore(facts, record)
    assert_same(canonical(engine.result()), canonical(full))
    for _ in range(10):
        absent = [i for i in range(len(interactions)) if i not in present]
        if present and (not absent or rng.random() < 0.5):
            gone = present.pop(rng.randrange(len(present)))
            still = {f for i in present for f in interactions[i]}
            engine.remove([f for f in interactions[gone] if f not in still])
        else:
            new = rng.choice(absent)
            present.append(new)
            engine.add(interactions[new])
        remaining = sorted({f for i in present for f in interactions[i]}, key=str)
        assert_same(canonical(engine.result()), canonical(Engine(LAYERED).materialize(remaining)))
