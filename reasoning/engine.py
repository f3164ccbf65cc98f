"""The forward-chaining engine: stratified, semi-naive, with justifications.

``Engine(rules).materialize(facts)`` computes every fact the rules derive from
``facts`` and, for each derived fact, every distinct way it was derived
(:class:`Justification`: the rule and the instantiated premises) and a
confidence (:mod:`semcrm.reasoning.confidence`).

How it runs:

1. At construction the rules are stratified (:mod:`semcrm.reasoning.stratify`):
   components of mutually recursive rules, dependencies first; a cycle through
   NOT EXISTS, MINUS or an aggregate is a load error.
2. Per component, round 1 evaluates every rule on all facts so far. A
   non-recursive component is then done. A recursive one continues
   semi-naively: in round k+1 each rule is evaluated once per body triple
   pattern that can match a fact new in round k, with that pattern reading
   only the new facts (the *delta*) and the patterns before it (in text
   order) reading only older facts, so every solution is found exactly once.
   It stops when a round derives nothing new; after ``max_rounds`` rounds in
   one component it raises :class:`~semcrm.reasoning.errors.ReasoningFailure`.
3. New facts are buffered during a round and indexed after it, so a round
   reads a fixed snapshot.

Safety: a head instantiation whose subject is a literal, whose predicate is
not an IRI, or which has an unbound variable (a BIND that failed) is skipped
and counted in ``Stats.skipped``; it never reaches the output. A fact both
asserted and derivable is reported as asserted only, and a justification
whose premises include its own conclusion (which proves nothing) is not
recorded (counted in ``Stats.self_supporting``).

:meth:`Engine.step` is one application of every rule to exactly the given
facts: what ``CONSTRUCT { head } WHERE { body }`` returns, minus unsafe triples.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from semcrm.reasoning.confidence import Recorded, combine
from semcrm.reasoning.errors import ReasoningFailure, RuleLoadError
from semcrm.reasoning.expressions import compile_expr, confidence_value
from semcrm.reasoning.index import FactIndex, IntFact, TermTable
from semcrm.reasoning.plan import (
    PlanContext,
    assign_slots,
    compile_group,
    premise_elements,
    premises,
)
from semcrm.reasoning.rules import Rule
from semcrm.reasoning.stratify import Component, stratify
from semcrm.reasoning.syntax import TriplePattern, Var
from semcrm.reasoning.terms import ExprError, Fact

DEFAULT_MAX_ROUNDS = 10_000


class Justification(NamedTuple):
    """One derivation of a fact: the rule's IRI, its premises, and its confidence.

    A named tuple rather than a dataclass: a materialisation creates one per
    derivation (hundreds of thousands), and tuples are built several times faster.
    """

    rule: str
    premises: tuple[Fact, ...]
    confidence: float


@dataclass
class Stats:
    """What a materialisation cost and did.

    ``firings`` counts body solutions per rule IRI; ``skipped`` counts head
    instantiations dropped as unsafe per rule IRI; ``rounds`` is the total
    number of rounds over all components.
    """

    rounds: int = 0
    firings: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    self_supporting: int = 0
    confidence_errors: int = 0
    confidence_unconverged: int = 0
    input_facts: int = 0
    derived_facts: int = 0
    seconds: float = 0.0


@dataclass
class Materialization:
    """The result: derived facts with their justifications and confidences, and stats."""

    derived: dict[Fact, list[Justification]]
    confidence: dict[Fact, float]
    stats: Stats


class _CompiledRule:
    """A rule bound to a term table: head templates and confidence as ids and closures."""

    def __init__(self, index: int, rule: Rule, terms: TermTable) -> None:
        self.index = index
        self.rule = rule
        self.slots = assign_slots(rule.body)
        self.prem_count = len(premise_elements(rule.body))
        self.positions = [
            i for i, e in enumerate(rule.body.elements) if isinstance(e, TriplePattern)
        ]
        # Without a sub-select every premise slot holds one fact: dedupe in C.
        self.flat = len(self.positions) == self.prem_count
        self.templates = [self._template(t, terms) for t in rule.head]
        self.confidence = (
            compile_expr(rule.confidence, self.slots, terms.terms)
            if rule.confidence is not None
            else None
        )

    def _template(self, pattern: TriplePattern, terms: TermTable) -> tuple[tuple[bool, int], ...]:
        return tuple(
            (True, self.slots[n.name]) if isinstance(n, Var) else (False, terms.intern(n))
            for n in (pattern.subject, pattern.predicate, pattern.object)
        )

    def instantiate(self, row: list[int | None], terms: TermTable):
        """The head's facts for a solution, and how many were unsafe."""
        out: list[IntFact] = []
        unsafe = 0
        for (sv, s), (pv, p), (ov, o) in self.templates:
            subject = row[s] if sv else s
            predicate = row[p] if pv else p
            obj = row[o] if ov else o
            if (
                subject is None
                or predicate is None
                or obj is None
                or terms.is_literal[subject]
                or not terms.is_iri[predicate]
            ):
                unsafe += 1
                continue
            out.append((subject, predicate, obj))
        return out, unsafe


class Engine:
    """Stratified semi-naive evaluation of a rule set (see the module docstring)."""

    def __init__(self, rules: Sequence[Rule], *, max_rounds: int = DEFAULT_MAX_ROUNDS) -> None:
        seen: set[str] = set()
        for rule in rules:
            if rule.iri in seen:
                raise RuleLoadError(rule.iri, "is defined twice", display=rule.display)
            seen.add(rule.iri)
        self.rules = list(rules)
        self.max_rounds = max_rounds
        self.components: list[Component] = stratify(self.rules)

    @property
    def strata(self) -> list[list[str]]:
        """Rule IRIs by stratum: stratum 0 first."""
        out: list[list[str]] = []
        for component in self.components:
            while len(out) <= component.stratum:
                out.append([])
            out[component.stratum].extend(self.rules[i].iri for i in component.rules)
        return out

    def step(self, facts: Iterable[Fact]) -> set[Fact]:
        """One application of every rule to exactly ``facts`` (no recursion, no strata)."""
        terms = TermTable()
        index = FactIndex(terms.fact(f) for f in facts)
        compiled = [_CompiledRule(i, rule, terms) for i, rule in enumerate(self.rules)]
        out: set[IntFact] = set()
        for rule in compiled:
            ctx = PlanContext(terms, index)

            def sink(row: list[int | None], prem: list[Any], rule: _CompiledRule = rule) -> None:
                out.update(rule.instantiate(row, terms)[0])

            first = compile_group(rule.rule.body, rule.slots, ctx, sink)
            first([None] * len(rule.slots), [None] * rule.prem_count)
        return {terms.term_fact(f) for f in out}

    def materialize(self, facts: Iterable[Fact]) -> Materialization:
        """Every fact derivable from ``facts``, with justifications and confidences."""
        started = time.perf_counter()
        with _gc_paused():
            run = _Run(self, facts)
            for component in self.components:
                run.component(component)
            result = run.result()
        result.stats.seconds = time.perf_counter() - started
        return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the engine allocates.

    A materialisation allocates millions of small tuples, sets and dicts, none
    of them in reference cycles; the cyclic collector would scan the growing
    heap again and again for nothing (measured: 40% of the run time at 100k
    facts). Reference counting still frees everything. The previous state is
    restored on exit, also when the run fails.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Run:
    """The state of one materialisation."""

    def __init__(self, engine: Engine, facts: Iterable[Fact]) -> None:
        self.engine = engine
        self.terms = TermTable()
        self.index = FactIndex(self.terms.fact(f) for f in facts)
        self.asserted = set(self.index.facts)
        self.compiled = [_CompiledRule(i, r, self.terms) for i, r in enumerate(engine.rules)]
        # derived fact -> {(rule index, premise set): (premises in order, base confidence)}
        self.derived: dict[IntFact, dict[tuple[int, frozenset[IntFact]], Recorded]] = {}
        self.stats = Stats(input_facts=len(self.asserted))
        self.closures: dict[int, Any] = {}  # compiled expressions, shared by all components
        self.firings = [0] * len(engine.rules)
        self.skipped = [0] * len(engine.rules)

    def _sink(self, rule: _CompiledRule, new: set[IntFact]):
        derived, asserted, terms = self.derived, self.asserted, self.terms
        index_facts = self.index.facts
        key_rule = rule.index
        weight = rule.rule.weight
        confidence = rule.confidence
        flat = rule.flat

        def sink(row: list[int | None], prem: list[Any]) -> None:
            self.firings[key_rule] += 1
            facts, unsafe = rule.instantiate(row, terms)
            if unsafe:
                self.skipped[key_rule] += unsafe
            if not facts:
                return
            cited = tuple(dict.fromkeys(prem)) if flat else premises(prem)
            base = weight
            if confidence is not None:
                try:
                    base = weight * confidence_value(confidence(row))
                except ExprError:
                    base = 0.0
                    self.stats.confidence_errors += 1
            key = (key_rule, frozenset(cited))
            for fact in facts:
                if fact in asserted:
                    continue
                if fact in key[1]:
                    self.stats.self_supporting += 1
                    continue
                known = derived.get(fact)
                if known is None:
                    derived[fact] = {key: (base, cited)}
                    if fact not in index_facts:
                        new.add(fact)
                elif key not in known or known[key][0] < base:
                    known[key] = (base, cited)

        return sink

    def _evaluate(self, rule: _CompiledRule, ctx: PlanContext, new: set, delta_at: int | None):
        first = compile_group(
            rule.rule.body, rule.slots, ctx, self._sink(rule, new), delta_at=delta_at
        )
        first([None] * len(rule.slots), [None] * rule.prem_count)

    def component(self, component: Component) -> None:
        """Run one component of rules to its fixed point."""
        ctx = PlanContext(self.terms, self.index, closures=self.closures)
        rules = [self.compiled[i] for i in component.rules]
        new: set[IntFact] = set()
        for rule in rules:
            self._evaluate(rule, ctx, new, None)
        rounds = 1
        while True:
            for fact in new:
                self.index.add(fact)
            if not component.recursive or not new:
                break
            if rounds >= self.engine.max_rounds:
                raise ReasoningFailure(
                    f"no fixed point after {rounds} rounds; rules "
                    + ", ".join(r.rule.display for r in rules)
                    + " still derive new facts (raise max_rounds, or look for a rule that "
                    "mints new nodes without end, e.g. semcrm:skolem in a recursive rule)",
                    [r.rule.iri for r in rules],
                )
            ctx.delta = FactIndex(new)
            new = set()
            rounds += 1
            delta_predicates = ctx.delta.sp
            for rule in rules:
                for position in rule.positions:
                    pattern = rule.rule.body.elements[position]
                    assert isinstance(pattern, TriplePattern)
                    predicate = pattern.predicate
                    if not isinstance(predicate, Var):
                        p = self.terms.ids.get(predicate)
                        if p is None or p not in delta_predicates:
                            continue
                    self._evaluate(rule, ctx, new, position)
        self.stats.rounds += rounds

    def result(self) -> Materialization:
        """Convert the run's int facts back to terms and combine confidences."""
        recorded = {fact: list(ways.values()) for fact, ways in self.derived.items()}
        combined = combine(recorded)
        terms = self.terms.terms
        as_terms: dict[IntFact, Fact] = {}

        def term_fact(fact: IntFact) -> Fact:
            found = as_terms.get(fact)
            if found is None:
                found = as_terms[fact] = (terms[fact[0]], terms[fact[1]], terms[fact[2]])
            return found

        iris = [r.iri for r in self.engine.rules]
        derived: dict[Fact, list[Justification]] = {}
        confidence: dict[Fact, float] = {}
        for fact, ways in self.derived.items():
            scores = combined.justifications[fact]
            conclusion = term_fact(fact)
            derived[conclusion] = [
                Justification(iris[rule], tuple(map(term_fact, cited)), score)
                for ((rule, _), (_, cited)), score in zip(ways.items(), scores, strict=True)
            ]
            confidence[conclusion] = combined.facts[fact]
        stats = self.stats
        stats.firings = dict(zip(iris, self.firings, strict=True))
        stats.skipped = {iri: n for iri, n in zip(iris, self.skipped, strict=True) if n}
        stats.derived_facts = len(derived)
        stats.confidence_unconverged = combined.unconverged
        return Materialization(derived, confidence, stats)


__all__ = ["DEFAULT_MAX_ROUNDS", "Engine", "Justification", "Materialization", "Stats"]
