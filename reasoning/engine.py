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

import time
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from semcrm.reasoning.confidence import Recorded, combine
from semcrm.reasoning.errors import ReasoningFailure, RuleLoadError
from semcrm.reasoning.expressions import compile_expr, confidence_value
from semcrm.reasoning.gcpause import gc_paused as _gc_paused
from semcrm.reasoning.index import FactIndex, IntFact, TermTable
from semcrm.reasoning.plan import (
    PlanContext,
    assign_slots,
    compile_group,
    premise_elements,
    premises,
)
from semcrm.reasoning.rules import Rule
from semcrm.reasoning.sameas import DEFAULT_SAME_AS_LIMIT, SAME_AS, SameAsBound, SameAsFinding
from semcrm.reasoning.stratify import Component, body_patterns, stratify
from semcrm.reasoning.syntax import TriplePattern, Var
from semcrm.reasoning.terms import ExprError, Fact
from semcrm.reasoning.views import ConfidenceView, DerivedView

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
    number of rounds over all components; ``evaluations`` counts rule plans run
    (one per rule per round, one per delta pattern in later rounds);
    ``recovered_rules`` counts rules a restored incremental state evaluated to
    recover justifications (:meth:`~semcrm.reasoning.incremental.LayerState.recover`).
    """

    rounds: int = 0
    evaluations: int = 0
    recovered_rules: int = 0
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

    derived: Mapping[Fact, list[Justification]]
    confidence: Mapping[Fact, float]
    stats: Stats
    #: owl:sameAs cliques too large to expand (semcrm.reasoning.sameas)
    findings: list[SameAsFinding] = field(default_factory=list)


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

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        same_as_limit: int | None = DEFAULT_SAME_AS_LIMIT,
    ) -> None:
        seen: set[str] = set()
        for rule in rules:
            if rule.iri in seen:
                raise RuleLoadError(rule.iri, "is defined twice", display=rule.display)
            seen.add(rule.iri)
        self.rules = list(rules)
        self.max_rounds = max_rounds
        #: owl:sameAs cliques above this size are withheld (semcrm.reasoning.sameas);
        #: None, or rules that never read owl:sameAs, turn the bound off.
        self.same_as_limit = same_as_limit if _reads_same_as(self.rules) else None
        levels = sorted({rule.layer for rule in self.rules})
        #: One engine per layer when the rules have several (see the module docstring).
        self.layers: list[Engine] = []
        self.components: list[Component] = []
        if len(levels) > 1:
            self.layers = [
                Engine(
                    [r for r in self.rules if r.layer == level],
                    max_rounds=max_rounds,
                    same_as_limit=None,
                )
                for level in levels
            ]
        else:
            self.components = stratify(self.rules)

    def reads(self, fact: Fact) -> bool:
        """Could this layer's rules read ``fact`` or derive it? (Its input filter.)"""
        predicates = self._predicates
        return predicates is None or fact[1] in predicates

    @property
    def read_predicates(self) -> set | None:
        """The predicates the rules read or derive; None when a rule's predicate is a
        variable (any fact may matter)."""
        return self._predicates

    @property
    def _predicates(self) -> set | None:
        found = self.__dict__.get("_predicate_set", False)
        if found is False:
            found = set()
            for rule in self.rules:
                patterns = [p for p, _ in body_patterns(rule.body)] + list(rule.head)
                for pattern in patterns:
                    if isinstance(pattern.predicate, Var):
                        found = None
                        break
                    found.add(pattern.predicate)
                if found is None:
                    break
            self.__dict__["_predicate_set"] = found
        return found

    @property
    def strata(self) -> list[list[str]]:
        """Rule IRIs by stratum: stratum 0 first (layer by layer)."""
        if self.layers:
            return [stratum for layer in self.layers for stratum in layer.strata]
        out: list[list[str]] = []
        for component in self.components:
            while len(out) <= component.stratum:
                out.append([])
            out[component.stratum].extend(self.rules[i].iri for i in component.rules)
        return out

    def step(self, facts: Iterable[Fact]) -> set[Fact]:
        """One application of every rule to exactly ``facts`` (no recursion, no strata)."""
        if self.layers:
            facts = list(facts)
            return set().union(*(layer.step(facts) for layer in self.layers))
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
        findings: list[SameAsFinding] = []
        with _gc_paused(freeze=True):
            if self.same_as_limit is not None:
                bound = SameAsBound(self.same_as_limit)
                facts = bound.split(facts)
                findings = list(bound.findings.values())
            result = self._layered(facts) if self.layers else self._run(facts, {})
        result.findings = findings
        result.stats.seconds = time.perf_counter() - started
        return result

    def _run(self, facts: Iterable[Fact], outside: dict[Fact, float]) -> Materialization:
        run = _Run(self, facts)
        for component in self.components:
            run.component(component)
        return run.result(outside)

    def _layered(self, facts: Iterable[Fact]) -> Materialization:
        """Each layer over the asserted facts and what the layers below derived."""
        facts = list(facts)
        derived: ChainMap[Fact, list[Justification]] = ChainMap()
        confidence: ChainMap[Fact, float] = ChainMap()
        stats = Stats()
        below: list[Materialization] = []
        for layer in self.layers:
            inputs = [f for f in facts if layer.reads(f)]
            for lower in below:
                inputs += lower.derived.facts_with(layer._predicates)  # type: ignore[attr-defined]
            result = layer._run(inputs, confidence)
            derived.maps.append(result.derived)  # type: ignore[arg-type]
            confidence.maps.append(result.confidence)  # type: ignore[arg-type]
            below.append(result)
            _add_stats(stats, result.stats)
        stats.input_facts = len(set(facts))
        stats.derived_facts = sum(len(r.derived) for r in below)  # layers derive disjoint facts
        return Materialization(derived, confidence, stats)


def _reads_same_as(rules: Sequence[Rule]) -> bool:
    return any(
        pattern.predicate == SAME_AS for rule in rules for pattern, _ in body_patterns(rule.body)
    )


def _add_stats(total: Stats, part: Stats) -> None:
    total.rounds += part.rounds
    total.evaluations += part.evaluations
    total.recovered_rules += part.recovered_rules
    total.firings.update(part.firings)
    total.skipped.update(part.skipped)
    total.self_supporting += part.self_supporting
    total.confidence_errors += part.confidence_errors
    total.confidence_unconverged += part.confidence_unconverged


class _Run:
    """The state of one materialisation."""

    def __init__(
        self, engine: Engine, facts: Iterable[Fact], record_asserted: bool = False
    ) -> None:
        self.engine = engine
        # The incremental engine keeps the justifications of asserted facts too (never
        # reported): they are what keeps a fact once its assertion is withdrawn.
        self.record_asserted = record_asserted
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
        record_asserted = self.record_asserted

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
                if fact in asserted and not record_asserted:
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
        self.stats.evaluations += 1
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

    def result(self, outside: Mapping[Fact, float] | None = None) -> Materialization:
        """The run's result as views that convert int facts to terms when read.

        ``outside`` gives the confidence of input facts that a lower layer derived.
        When every rule has weight 1 and no confidence expression and every such
        input is certain, every confidence is exactly 1.0 (each derived fact has a
        well-founded justification of certain premises), so nothing is solved.
        """
        if self.record_asserted:
            self.derived = {f: w for f, w in self.derived.items() if f not in self.asserted}
        iris = [r.iri for r in self.engine.rules]
        inputs = self.int_confidences(outside)
        certain = all(r.weight == 1.0 and r.confidence is None for r in self.engine.rules) and all(
            v == 1.0 for v in inputs.values()
        )
        stats = self.stats
        if certain:
            derived = DerivedView(self.terms, self.derived, None, iris)
            confidence = ConfidenceView(self.terms, self.derived, None)
        else:
            recorded = {fact: list(ways.values()) for fact, ways in self.derived.items()}
            combined = combine(recorded, outside=inputs)
            derived = DerivedView(self.terms, self.derived, combined.justifications, iris)
            confidence = ConfidenceView(self.terms, self.derived, combined.facts)
            stats.confidence_unconverged = combined.unconverged
        stats.firings = dict(zip(iris, self.firings, strict=True))
        stats.skipped = {iri: n for iri, n in zip(iris, self.skipped, strict=True) if n}
        stats.derived_facts = len(derived)
        return Materialization(derived, confidence, stats)

    def int_confidences(self, outside: Mapping[Fact, float] | None) -> dict[IntFact, float]:
        """``outside`` keyed by int facts, for the input facts of this run that it names."""
        if not outside:
            return {}
        ids = self.terms.ids
        out: dict[IntFact, float] = {}
        for (s, p, o), value in outside.items():
            fact = (ids.get(s), ids.get(p), ids.get(o))
            if fact in self.asserted:
                out[fact] = value  # type: ignore[index]
        return out


__all__ = ["DEFAULT_MAX_ROUNDS", "Engine", "Justification", "Materialization", "Stats"]
