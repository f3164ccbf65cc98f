"""Incremental maintenance: add and remove facts, and get back exactly what changed.

:class:`IncrementalEngine` keeps the state of a materialisation in memory
(interned terms, the fact index, every justification of every fact, a
reverse index from premises to the justifications citing them, confidences)
so that :meth:`~IncrementalEngine.add` and :meth:`~IncrementalEngine.remove`
do only the work the changed facts cause, and return a
:class:`~semcrm.reasoning.change.Change`: derived facts and justifications
added and removed, and confidences that moved, which is what a store needs
to update its graphs by difference.

How an update runs (docs/rules.md, "Incremental maintenance", has the long
form; :mod:`semcrm.reasoning.dred` the code):

* **Layers** (``semcrm:layer``) are brought up to date lowest first; a layer's
  input is the asserted facts plus what lower layers derive, so a lower
  layer's change becomes the next layer's input change.
* Inside a layer the rules' components are visited in evaluation order, as
  in a full run. A component only reads facts that lower components (or the
  input) produce, and those are final by the time it runs, so each component
  is brought up to date on its own, negation and aggregates included.
* **Deletion is DRed over the recorded justifications.** Justifications
  citing a fact that is gone are dropped; every fact of the component that
  lost one becomes a *suspect*, and so (transitively) does every fact of the
  component derived from a suspect. A suspect is *rederived* when one of its
  remaining justifications has only premises that are present and not
  suspect; rederivation spreads through the reverse index. Suspects left are
  gone. No rule is evaluated for a deletion: every distinct derivation is
  recorded, so the derivations that survive are exactly the recorded ones
  whose premises survive. A fact derived in several components is decided by
  the last of them.
* **Insertion is semi-naive from the delta**: each rule is evaluated once per
  body triple pattern that can match a fact new in this update, the way
  rounds after the first run in a full materialisation.
* **Negation and aggregates**: a rule with NOT EXISTS, MINUS or a sub-select
  whose negated (or aggregated) patterns can match a fact that changed is
  re-evaluated whole, and its recorded justifications are replaced by the
  new ones by difference. So an addition can remove a derived fact, and a
  removal can add one, stratum by stratum.
* **Confidences** are solved again in waves (:meth:`Update.rescore
  <semcrm.reasoning.dred.Update.rescore>`): first the facts the update
  edited, then the facts citing one whose value moved, and so on, each wave
  with every other confidence held fixed
  (:func:`~semcrm.reasoning.confidence.combine` with ``outside``), so the work
  stops where the values stop moving. With rules of weight 1 and no
  confidence expression over certain inputs every confidence is 1.0, as in
  a full run, and nothing is solved. Justification order can differ from a
  full run, so confidences agree with a full run to within floating-point
  rounding, not bit for bit.

Asserted facts that are also derivable keep their justifications internally
(a full run reports them as asserted only): they are what keeps such a fact
once its assertion is withdrawn. The reverse index is built on the first
update, so a process that only materialises never pays for it.

The state lives in memory (:class:`LayerState`); a process that starts over
a store rebuilds it with :meth:`IncrementalEngine.materialize` from the
store's asserted facts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, NamedTuple

from semcrm.reasoning.change import Change, merge
from semcrm.reasoning.confidence import combine
from semcrm.reasoning.dred import Update
from semcrm.reasoning.engine import (
    DEFAULT_MAX_ROUNDS,
    Engine,
    Justification,
    Materialization,
    Stats,
    _add_stats,
    _CompiledRule,
    _gc_paused,
    _Run,
)
from semcrm.reasoning.index import FactIndex, IntFact
from semcrm.reasoning.rules import Rule
from semcrm.reasoning.sameas import DEFAULT_SAME_AS_LIMIT, SameAsBound, SameAsFinding
from semcrm.reasoning.stratify import body_patterns
from semcrm.reasoning.syntax import Var
from semcrm.reasoning.terms import Fact

Key = tuple[int, frozenset[IntFact]]  # (rule index, premise set): one justification
Way = tuple[float, tuple[IntFact, ...]]  # (base confidence, premises in text order)


class Derivation(NamedTuple):
    """One recorded justification, as a store keeps it (:meth:`IncrementalEngine.restore`).

    ``base`` is the justification's own factor, the rule's weight times its
    confidence expression; the premises' confidences are not in it.
    """

    fact: Fact
    rule: str
    premises: tuple[Fact, ...]
    base: float


class LayerState:
    """The materialisation of one layer's rules, kept in memory for updates."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.component_of: list[int] = [0] * len(engine.rules)
        for position, component in enumerate(engine.components):
            for i in component.rules:
                self.component_of[i] = position
        self.materialize((), {})

    def materialize(self, facts: Iterable[Fact], outside: Mapping[Fact, float]) -> None:
        """Forget everything and materialise ``facts``; ``outside`` as in ``combine``."""
        run = _Run(self.engine, facts, record_asserted=True)
        for component in self.engine.components:
            run.component(component)
        self._adopt(run, run.derived, outside)
        iris = [r.iri for r in self.engine.rules]
        self.stats.firings = dict(zip(iris, run.firings, strict=True))
        self.stats.skipped = {iri: n for iri, n in zip(iris, run.skipped, strict=True) if n}

    def restore(
        self,
        facts: Iterable[Fact],
        derivations: Iterable[Derivation],
        outside: Mapping[Fact, float] | None = None,
    ) -> None:
        """Forget everything and take over a materialisation recorded elsewhere.

        ``facts`` are the asserted facts (for an upper layer: with the lower layers'
        derived facts, whose confidences are ``outside``, as in :meth:`materialize`)
        and ``derivations`` every justification this layer's rules recorded (a
        store's derived graphs hold exactly that when no justification was capped).
        No rule is evaluated. A recorded premise that is
        neither asserted nor derived, a derived fact that is also asserted, or a rule
        this layer does not have means the record is not a materialisation of these
        rules over these facts: :class:`ValueError`, and the state is unusable.

        The asserted facts that the rules could also derive have no recorded
        justifications (a full run records none for them); see
        :meth:`IncrementalEngine.restore` for what that means for updates.
        """
        run = _Run(self.engine, facts, record_asserted=True)
        number = {rule.iri: i for i, rule in enumerate(self.engine.rules)}
        intern, derived = run.terms.fact, run.derived
        for fact, rule, cited, base in derivations:
            if rule not in number:
                raise ValueError(f"a recorded justification cites the unknown rule <{rule}>")
            conclusion = intern(fact)
            if conclusion in run.asserted:
                raise ValueError(f"{fact} is recorded as derived but is asserted")
            premises = tuple(intern(p) for p in cited)
            key = (number[rule], frozenset(premises))
            derived.setdefault(conclusion, {})[key] = (base, premises)
        for conclusion in derived:
            run.index.add(conclusion)
        missing = {p for ways in derived.values() for _, ps in ways for p in ps} - run.index.facts
        if missing:
            raise ValueError(
                f"{len(missing)} recorded premises are neither asserted nor derived, e.g. "
                f"{run.terms.term_fact(next(iter(missing)))}"
            )
        self._adopt(run, derived, outside or {})
        self.unrecorded = set(self.asserted)

    def _adopt(
        self, run: _Run, justs: dict[IntFact, dict[Key, Way]], outside: Mapping[Fact, float]
    ) -> None:
        """Take ``run``'s terms and index and ``justs`` as the state, and solve confidences."""
        self.terms = run.terms
        self.index = run.index
        self.asserted: set[IntFact] = run.asserted
        #: The inputs that are asserted, the others coming from lower layers (upper layers).
        self.base: set[IntFact] = set(run.asserted)
        self.justs: dict[IntFact, dict[Key, Way]] = justs
        self.compiled: list[_CompiledRule] = run.compiled
        #: Join orders kept across updates (PlanContext.orders), planned at ``orders_size``.
        self.plan_orders: dict[tuple, Any] = {}
        #: Delta plans of rules kept across updates, by (rule, delta pattern), over the
        #: index and ``delta_index`` (refilled each round: Update.insert).
        self.plans: dict[tuple[int, int], Any] = {}
        self.delta_index = FactIndex()
        self.orders_size = len(run.index)
        self.closures = run.closures
        self.users: dict[IntFact, set[tuple[IntFact, Key]]] | None = None
        #: Asserted facts whose justifications may be unknown (see ``restore``, ``recover``).
        self.unrecorded: set[IntFact] = set()
        self._negative: dict[int, list[tuple[int | None, int | None, int | None]]] = {}
        self.by_rule: dict[int, set[tuple[IntFact, Key]]] = {
            r.index: set() for r in self.compiled if _non_monotonic(r.rule)
        }
        for fact, ways in self.justs.items():
            for key in ways:
                if key[0] in self.by_rule:
                    self.by_rule[key[0]].add((fact, key))
        self.input_confidence: dict[IntFact, float] = run.int_confidences(dict(outside))
        #: Inputs whose confidence is below 1 (kept by updates, see ``certain_rules``).
        self.uncertain_inputs: set[IntFact] = {
            f for f, v in self.input_confidence.items() if v != 1.0
        }
        #: Every rule has weight 1 and no confidence expression: with certain inputs every
        #: confidence is 1.0, as a full run reports without solving (``_Run.result``).
        self.certain_rules = all(
            r.weight == 1.0 and r.confidence is None for r in self.engine.rules
        )
        recorded = {f: list(w.values()) for f, w in self.justs.items() if f not in self.asserted}
        combined = combine(recorded, outside=self.input_confidence)
        self.confidence: dict[IntFact, float] = combined.facts
        self.scores: dict[IntFact, list[float]] = combined.justifications
        self.stats = run.stats
        self.stats.derived_facts = len(recorded)
        self.stats.confidence_unconverged = combined.unconverged

    def derived(self) -> dict[Fact, list[Justification]]:
        """The derived facts with their justifications, as a full run reports them."""
        term = self.terms.term_fact
        iris = [r.iri for r in self.engine.rules]
        out: dict[Fact, list[Justification]] = {}
        for fact in self.confidence:
            out[term(fact)] = [
                Justification(iris[key[0]], tuple(map(term, cited)), value)
                for (key, (_, cited)), value in zip(
                    self.justs[fact].items(), self.scores[fact], strict=True
                )
            ]
        return out

    def confidences(self, upper: Engine | None = None) -> dict[Fact, float]:
        """Confidence by derived fact; only the facts ``upper`` reads, when given."""
        term = self.terms.term_fact
        if upper is None or upper._predicates is None:
            return {term(f): c for f, c in self.confidence.items()}
        ids = {self.terms.ids[p] for p in upper._predicates if p in self.terms.ids}
        return {term(f): c for f, c in self.confidence.items() if f[1] in ids}

    def int_fact(self, fact: Fact) -> IntFact | None:
        ids = self.terms.ids
        found = (ids.get(fact[0]), ids.get(fact[1]), ids.get(fact[2]))
        return None if None in found else found  # type: ignore[return-value]

    def reports(self, fact: Fact) -> bool:
        """True when this layer derives ``fact`` (and it is not one of its inputs)."""
        found = self.int_fact(fact)
        return found is not None and found in self.confidence

    def update(
        self,
        add: Iterable[Fact],
        remove: Iterable[Fact],
        confidences: Mapping[Fact, float | None] | None = None,
    ) -> Change:
        """Withdraw ``remove``, assert ``add``; ``confidences`` of inputs from lower layers."""
        if self.users is None:
            self.build_users()
        size = len(self.index)
        if not self.orders_size // 2 <= size <= self.orders_size * 2:
            self.plan_orders.clear()  # planned for an index of another size
            self.plans.clear()
            self.orders_size = size
        if self.unrecorded:
            self.recover(set(remove) - set(add))
        return Update(self).run(add, remove, confidences or {})

    def recover(self, withdrawn: Iterable[Fact]) -> int:
        """Record the justifications of restored asserted facts about to be withdrawn.

        A restored state knows no justification of an asserted fact (a store
        records none), but DRed needs them when the assertion is withdrawn: such a
        fact stays, derived, when a rule still derives it. The rules whose head
        can produce one of these facts are evaluated whole, once, and what they
        derive for those facts is recorded. Returns how many rules were evaluated.
        """
        withdrawn_here = {f for f in map(self.int_fact, withdrawn) if f is not None}
        candidates = withdrawn_here & self.unrecorded
        self.unrecorded -= candidates
        heads = [t for rule in self.compiled for t in rule.templates]
        wanted = {f for f in candidates if any(_fits(t, f) for t in heads)}
        if not wanted:
            return 0
        assert self.users is not None
        update = Update(self)
        rules = [
            rule
            for rule in self.compiled
            if any(_fits(t, f) for t in rule.templates for f in wanted)
        ]
        for rule in rules:
            for (fact, key), way in update.evaluate_all(rule).items():
                if fact in wanted and key not in self.justs.setdefault(fact, {}):
                    self.justs[fact][key] = way
                    for premise in key[1]:
                        self.users.setdefault(premise, set()).add((fact, key))
                    if key[0] in self.by_rule:
                        self.by_rule[key[0]].add((fact, key))
        for fact in wanted:
            if not self.justs.get(fact):
                self.justs.pop(fact, None)
        self.stats.recovered_rules += len(rules)
        return len(rules)

    def build_users(self) -> None:
        """The reverse index: premise -> {(conclusion, justification key)}."""
        users: dict[IntFact, set[tuple[IntFact, Key]]] = {}
        for fact, ways in self.justs.items():
            for key in ways:
                link = (fact, key)
                for premise in key[1]:
                    found = users.get(premise)
                    if found is None:
                        users[premise] = {link}
                    else:
                        found.add(link)
        self.users = users

    def negative_patterns(self, rule: int) -> list[tuple[int | None, int | None, int | None]]:
        """The rule's patterns under NOT EXISTS, MINUS or a sub-select, as id triples."""
        found = self._negative.get(rule)
        if found is None:
            found = []
            for pattern, how in body_patterns(self.engine.rules[rule].body):
                if how != "positive":
                    found.append(
                        tuple(  # type: ignore[arg-type]
                            None if isinstance(n, Var) else self.terms.intern(n)
                            for n in (pattern.subject, pattern.predicate, pattern.object)
                        )
                    )
            self._negative[rule] = found
        return found


def _fits(template: tuple[tuple[bool, int], ...], fact: IntFact) -> bool:
    """Could the compiled head template produce ``fact``? (Variables fit anything.)"""
    return all(
        variable or value == term for (variable, value), term in zip(template, fact, strict=True)
    )


def _non_monotonic(rule: Rule) -> bool:
    return any(how != "positive" for _, how in body_patterns(rule.body))


class IncrementalEngine:
    """A materialisation of ``rules`` kept up to date under additions and removals."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        same_as_limit: int | None = DEFAULT_SAME_AS_LIMIT,
    ) -> None:
        self.engine = Engine(rules, max_rounds=max_rounds, same_as_limit=same_as_limit)
        self.layers = [LayerState(e) for e in (self.engine.layers or [self.engine])]
        limit = self.engine.same_as_limit
        self.same_as = SameAsBound(limit) if limit is not None else None
        self.seconds = 0.0

    def materialize(self, facts: Iterable[Fact]) -> Materialization:
        """Forget everything, materialise ``facts`` from scratch, keep the state, report it."""
        started = time.perf_counter()
        facts = self.same_as.split(facts) if self.same_as is not None else list(facts)
        with _gc_paused(freeze=True):
            below: dict[Fact, float] = {}
            for k, layer in enumerate(self.layers):
                reads = layer.engine.reads
                inputs = [f for f in chain(facts, below) if reads(f)] if k else facts
                layer.materialize(inputs, below)
                if k:
                    layer.base = {
                        f for f in (layer.int_fact(x) for x in facts if reads(x)) if f is not None
                    }
                if k + 1 < len(self.layers):
                    below.update(layer.confidences(self.layers[k + 1].engine))
        self.seconds = time.perf_counter() - started
        return self.result()

    def restore(self, facts: Iterable[Fact], derivations: Iterable[Derivation]) -> None:
        """Forget everything and take over a recorded materialisation, evaluating no rule.

        ``facts`` are the asserted facts, ``derivations`` every justification of
        every derived fact, with its base confidence (a store's derived graphs
        when no justification was capped: :mod:`semcrm.reasoning.maintain`).
        Updates then behave as after :meth:`materialize` of the same facts. The
        one thing a record lacks, the justifications of asserted facts the rules
        could also derive, is recovered when such a fact's assertion is
        withdrawn (:meth:`LayerState.recover`). Layers are restored bottom up as
        :meth:`materialize` runs them: each upper layer takes the asserted facts it
        reads plus the facts the layers below derived, with their confidences, and
        its own rules' justifications. A rule set that reads ``owl:sameAs`` cannot
        be restored (the state of the sameAs bound is not recorded):
        :class:`ValueError` then, or when the record does not fit the rules and
        facts (e.g. a justification citing a rule no layer has).
        """
        if self.same_as is not None:
            raise ValueError("a rule set that reads owl:sameAs cannot be restored")
        started = time.perf_counter()
        facts = list(facts)
        layer_of = {
            rule.iri: k for k, layer in enumerate(self.layers) for rule in layer.engine.rules
        }
        recorded: list[list[Derivation]] = [[] for _ in self.layers]
        for derivation in derivations:
            k = layer_of.get(derivation[1])
            if k is None:
                raise ValueError(
                    f"a recorded justification cites the unknown rule <{derivation[1]}>"
                )
            recorded[k].append(derivation)
        with _gc_paused(freeze=True):
            below: dict[Fact, float] = {}
            for k, layer in enumerate(self.layers):
                reads = layer.engine.reads
                inputs = [f for f in chain(facts, below) if reads(f)] if k else facts
                layer.restore(inputs, recorded[k], below)
                if k:
                    layer.base = {
                        f for f in (layer.int_fact(x) for x in facts if reads(x)) if f is not None
                    }
                if k + 1 < len(self.layers):
                    below.update(layer.confidences(self.layers[k + 1].engine))
        self.seconds = time.perf_counter() - started

    def result(self) -> Materialization:
        """The current derived facts, justifications and confidences, as a full run reports them."""
        derived: dict[Fact, list[Justification]] = {}
        confidence: dict[Fact, float] = {}
        stats = Stats()
        for layer in self.layers:
            derived.update(layer.derived())
            confidence.update(layer.confidences())
            _add_stats(stats, layer.stats)
        stats.input_facts = len(self.layers[0].base)
        stats.derived_facts = len(derived)
        stats.seconds = self.seconds
        findings = list(self.same_as.findings.values()) if self.same_as is not None else []
        return Materialization(derived, confidence, stats, findings)

    def add(self, facts: Iterable[Fact]) -> Change:
        """Assert ``facts`` (already asserted ones are ignored) and return what changed."""
        return self.update(add=facts)

    def remove(self, facts: Iterable[Fact]) -> Change:
        """Withdraw the assertion of ``facts`` (others are ignored) and return what changed.

        Pass the facts that no source asserts any more: a fact two interactions assert
        stays asserted while one of them does (the store's union graph knows which).
        """
        return self.update(remove=facts)

    def update(self, add: Iterable[Fact] = (), remove: Iterable[Fact] = ()) -> Change:
        """Withdraw ``remove``, assert ``add`` (a fact in both stays as it was), in one step."""
        started = time.perf_counter()
        add, remove = list(add), list(remove)
        new_findings: list[SameAsFinding] = []
        gone_findings: list[SameAsFinding] = []
        if self.same_as is not None:
            add, remove, new_findings, gone_findings = self.same_as.update(
                add, set(remove) - set(add)
            )
        added, removed = set(add), set(remove) - set(add)
        changes: list[Change] = []
        with _gc_paused(freeze=True):
            for k, layer in enumerate(self.layers):
                reads = layer.engine.reads
                if k == 0:
                    change = layer.update(
                        [f for f in add if reads(f)], [f for f in removed if reads(f)]
                    )
                else:
                    change = self._update_upper(k, added, removed, changes)
                changes.append(change)
        change = merge(changes)
        change.findings_added, change.findings_removed = new_findings, gone_findings
        change.seconds = time.perf_counter() - started
        return change

    def _update_upper(
        self, k: int, added: set[Fact], removed: set[Fact], below: list[Change]
    ) -> Change:
        """Layer ``k``'s input change: asserted facts and what the layers below changed."""
        layer = self.layers[k]
        reads = layer.engine.reads
        lower = self.layers[:k]
        candidates = {f for f in chain(added, removed) if reads(f)}
        for change in below:
            candidates.update(
                f for f in chain(change.added, change.removed, change.confidence) if reads(f)
            )
        add: list[Fact] = []
        remove: list[Fact] = []
        confidences: dict[Fact, float | None] = {}
        for fact in candidates:
            known = layer.int_fact(fact)
            was_base = known is not None and known in layer.base
            asserted = fact in added or (was_base and fact not in removed)
            from_below = next((low for low in lower if low.reports(fact)), None)
            now = asserted or from_below is not None
            before = known is not None and known in layer.asserted
            if now and not before:
                add.append(fact)
            elif before and not now:
                remove.append(fact)
            if now:
                confidences[fact] = (
                    None if asserted else from_below.confidence[from_below.int_fact(fact)]
                )  # type: ignore[union-attr,index]
        change = layer.update(add, remove, confidences)
        for fact in candidates:
            known = layer.int_fact(fact)
            if known is None:
                continue
            if fact in added:
                layer.base.add(known)
            elif fact in removed:
                layer.base.discard(known)
        return change


__all__ = ["Change", "Derivation", "IncrementalEngine", "LayerState"]
