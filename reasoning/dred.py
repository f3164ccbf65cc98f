"""The update algorithm of one layer: DRed deletion, semi-naive insertion, re-scoring.

:class:`Update` brings one :class:`~semcrm.reasoning.incremental.LayerState` up
to date with a set of input facts withdrawn and a set asserted, and reports
the difference as a :class:`~semcrm.reasoning.incremental.Change`. The
algorithm is described in :mod:`semcrm.reasoning.incremental` and in
docs/rules.md ("Incremental maintenance"); this module is its bookkeeping:

* ``snapshot`` remembers, for every fact the update touches, whether it was
  reported as derived, its justifications and their scores before the first
  edit, so the report is a plain before/after comparison;
* ``was_present`` remembers the presence of every fact whose presence
  changed, which gives each component the facts that came and went below it;
* ``pending`` holds facts that lost support in one component but are also
  derived by a later one, which decides them.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from semcrm.reasoning.change import Change
from semcrm.reasoning.confidence import combine
from semcrm.reasoning.engine import Justification, _CompiledRule
from semcrm.reasoning.errors import ReasoningFailure
from semcrm.reasoning.expressions import confidence_value
from semcrm.reasoning.index import FactIndex, IntFact
from semcrm.reasoning.plan import PlanContext, compile_group, premises
from semcrm.reasoning.syntax import Bind, Filter, TriplePattern, Values, Var
from semcrm.reasoning.terms import ExprError, Fact

if TYPE_CHECKING:
    from semcrm.reasoning.incremental import Key, LayerState, Way


#: Waves of re-scoring after which the rest is solved in one go (see ``Update.rescore``).
MAX_WAVES = 64
_NO_KEYS: Any = {}.keys()


def _uniform(scores) -> float | None:
    """The one value every score in ``scores`` has, or None (also when there are none)."""
    if not scores:
        return None
    first = scores[0]
    return first if scores.count(first) == len(scores) else None


#: Deltas up to this many facts are planned with cached join orders (``Update.insert``).
SMALL_DELTA = 4096


def _delta_can_match(pattern: TriplePattern, ids: Mapping, delta: FactIndex) -> bool:
    """Could a fact of ``delta`` match ``pattern``? (Its constant predicate, subject, object.)"""
    if isinstance(pattern.predicate, Var):
        return True
    p = ids.get(pattern.predicate)
    by_subject = delta.sp.get(p) if p is not None else None
    if not by_subject:
        return False
    if not isinstance(pattern.subject, Var):
        s = ids.get(pattern.subject)
        if s is None or s not in by_subject:
            return False
    if not isinstance(pattern.object, Var):
        o = ids.get(pattern.object)
        if o is None or o not in delta.op[p]:
            return False
    return True


def _score(same: float | None, by_key: dict | None, key: Key) -> float | None:
    """A justification's score: ``same`` when every score is the same, else by key."""
    return same if by_key is None else by_key.get(key)


def _plain(body) -> bool:
    """Only triple patterns, FILTER, BIND and VALUES: a plan that reads nothing but the
    index maps it was built over (no NOT EXISTS, MINUS or sub-select tables)."""
    return all(isinstance(e, (TriplePattern, Filter, Bind, Values)) for e in body.elements)


def _planned_facts_exist(rule: _CompiledRule, ids: Mapping, index: FactIndex) -> bool:
    """Is every constant of the body a known term, and every constant predicate in use?

    A plan built otherwise has steps that match nothing (a constant no fact has, a
    predicate without facts); such a plan must not be kept for later updates."""
    for position in rule.positions:
        pattern = rule.rule.body.elements[position]
        for node in (pattern.subject, pattern.predicate, pattern.object):
            if not isinstance(node, Var) and node not in ids:
                return False
        if not isinstance(pattern.predicate, Var) and not index.sp.get(ids[pattern.predicate]):
            return False
    return True


def _matches(pattern: tuple[int | None, int | None, int | None], fact: IntFact) -> bool:
    return all(c is None or c == v for c, v in zip(pattern, fact, strict=True))


class Update:
    """The bookkeeping of one update: first-seen snapshots, presence changes, pending facts."""

    def __init__(self, engine: LayerState) -> None:
        self.e = engine
        assert engine.users is not None
        self.users = engine.users
        # fact -> (was reported as derived, its scores before the update: the one value they
        # all had, else by justification key, and its value as a premise: confidence, 1.0
        # when asserted, None when absent)
        self.snapshot: dict[
            IntFact, tuple[bool, float | None, dict[Key, float] | None, float | None]
        ] = {}
        # fact -> {justification key: its way before the update, None when it had none}: the
        # edits, so the report costs what changed, not every justification of a busy fact
        self.edits: dict[IntFact, dict[Key, Way | None]] = {}
        self.was_present: dict[IntFact, bool] = {}
        self.pending: set[IntFact] = set()
        self.change = Change()

    # -- primitive edits, each remembering the state before it -----------------------------

    def touch(self, fact: IntFact) -> None:
        if fact not in self.snapshot:
            e = self.e
            ways = e.justs.get(fact)
            reported = bool(ways) and fact not in e.asserted and fact in e.index.facts
            same, by_key = None, None
            if reported:
                scores = e.scores.get(fact) or ()
                if len(scores) == len(ways):  # type: ignore[arg-type]
                    same = _uniform(scores)
                    if same is None:
                        by_key = dict(zip(ways, scores, strict=True))  # type: ignore[arg-type]
                else:
                    by_key = dict(zip(ways, scores, strict=False))  # type: ignore[arg-type]
            self.snapshot[fact] = (reported, same, by_key, self.value(fact))

    def edit(self, fact: IntFact, key: Key, old: Way | None) -> None:
        """Remember ``key``'s way before its first edit in this update."""
        edited = self.edits.get(fact)
        if edited is None:
            self.edits[fact] = {key: old}
        elif key not in edited:
            edited[key] = old

    def value(self, fact: IntFact) -> float | None:
        """What ``fact`` weighs as a premise now: its confidence, None when absent."""
        e = self.e
        found = e.confidence.get(fact)
        if found is not None:
            return found
        if fact in e.index.facts:
            return e.input_confidence.get(fact, 1.0)
        return None

    def set_present(self, fact: IntFact, present: bool) -> None:
        self.touch(fact)
        if fact not in self.was_present:
            self.was_present[fact] = not present
        if present:
            self.e.index.add(fact)
        else:
            self.e.index.discard(fact)

    def add_way(self, fact: IntFact, key: Key, way: Way) -> bool:
        """Record a justification; True when ``fact`` was not present (not indexed) before."""
        e = self.e
        ways = e.justs.get(fact)
        if ways is None:
            self.touch(fact)
            self.edit(fact, key, None)
            e.justs[fact] = {key: way}
        elif key not in ways:
            self.touch(fact)
            self.edit(fact, key, None)
            ways[key] = way
        else:
            known = ways[key]
            if known[0] < way[0]:
                self.touch(fact)
                self.edit(fact, key, known)
                ways[key] = way
            return False
        link = (fact, key)
        users = self.users
        for premise in key[1]:
            found = users.get(premise)
            if found is None:
                users[premise] = {link}
            else:
                found.add(link)
        by_rule = e.by_rule.get(key[0])
        if by_rule is not None:
            by_rule.add(link)
        self.pending.discard(fact)
        return fact not in e.index.facts

    def remove_way(self, fact: IntFact, key: Key) -> None:
        e = self.e
        ways = e.justs.get(fact)
        if ways is None or key not in ways:
            return
        self.touch(fact)
        self.edit(fact, key, ways[key])
        del ways[key]
        if not ways:
            del e.justs[fact]
        link = (fact, key)
        for premise in key[1]:
            found = self.users.get(premise)
            if found is not None:
                found.discard(link)
        by_rule = e.by_rule.get(key[0])
        if by_rule is not None:
            by_rule.discard(link)

    # -- the update ----------------------------------------------------------------------

    def run(
        self,
        add: Iterable[Fact],
        remove: Iterable[Fact],
        confidences: Mapping[Fact, float | None],
    ) -> Change:
        """Apply the update; ``confidences`` of input facts from lower layers (None: asserted)."""
        e = self.e
        for fact, value in confidences.items():
            known = e.terms.fact(fact)
            if e.input_confidence.get(known) != value:
                self.touch(known)
                if value is None:
                    e.input_confidence.pop(known, None)
                else:
                    e.input_confidence[known] = value
                if value is None or value == 1.0:
                    e.uncertain_inputs.discard(known)
                else:
                    e.uncertain_inputs.add(known)
        ids = e.terms.ids
        withdrawn: set[IntFact] = set()
        for s, p, o in remove:
            fact = (ids.get(s), ids.get(p), ids.get(o))
            if None not in fact and fact in e.asserted:
                withdrawn.add(fact)  # type: ignore[arg-type]
        asserted_now = {e.terms.fact(f) for f in add}
        withdrawn -= asserted_now
        for fact in withdrawn:
            self.touch(fact)
            e.asserted.discard(fact)
            if e.justs.get(fact):
                self.pending.add(fact)  # decided by the components that derive it
            else:
                self.set_present(fact, False)
        for fact in asserted_now - e.asserted:
            self.touch(fact)
            e.asserted.add(fact)
            e.confidence.pop(fact, None)
            if fact not in e.index.facts:
                self.set_present(fact, True)
        for position, component in enumerate(e.engine.components):
            self.component(position, component)
        if self.pending:  # every pending fact is derived by some component, which decides it
            raise AssertionError(f"{len(self.pending)} facts left undecided")
        for fact, before in self.was_present.items():
            if before and fact not in e.index.facts:
                self.users.pop(fact, None)
        self.rescore()
        self.change.touched = len(self.snapshot)
        return self.change

    def component(self, position: int, component) -> None:
        e = self.e
        members = set(component.rules)
        facts = e.index.facts
        gone = [f for f, before in self.was_present.items() if before and f not in facts]
        came = [f for f, before in self.was_present.items() if not before and f in facts]
        candidates: set[IntFact] = set()
        delta: set[IntFact] = set(came)
        changed = gone + came
        for i in component.rules:
            negative = e.negative_patterns(i)
            if not negative or not any(_matches(n, f) for f in changed for n in negative):
                continue
            self.change.reevaluated.append(e.engine.rules[i].iri)
            found = self.evaluate_all(e.compiled[i])
            for fact, key in list(e.by_rule[i]):
                if (fact, key) not in found:
                    self.remove_way(fact, key)
                    candidates.add(fact)
            for (fact, key), way in found.items():
                if self.add_way(fact, key, way):
                    self.set_present(fact, True)
                    delta.add(fact)
        for fact in gone:
            for conclusion, key in list(self.users.get(fact, ())):
                if key[0] in members:
                    self.remove_way(conclusion, key)
                    candidates.add(conclusion)
        for fact in self.pending:
            if any(key[0] in members for key in e.justs.get(fact, ())):
                candidates.add(fact)
        if candidates:
            self.delete(position, members, candidates)
        if delta:
            self.insert(component, delta)

    def delete(self, position: int, members: set[int], candidates: set[IntFact]) -> None:
        e = self.e
        facts, users, justs, component_of = e.index.facts, self.users, e.justs, e.component_of

        def held_below(fact: IntFact) -> bool:
            if fact in e.asserted:
                return True
            if position == 0:  # no component below (a fact can have thousands of ways)
                return False
            return any(component_of[key[0]] < position for key in justs.get(fact, ()))

        suspects: set[IntFact] = set()
        work = list(candidates)
        while work:
            fact = work.pop()
            if fact in suspects or fact not in facts:
                continue
            if held_below(fact):
                self.pending.discard(fact)
                continue
            suspects.add(fact)
            work.extend(c for c, key in users.get(fact, ()) if key[0] in members)

        def sound(key: Key) -> bool:
            return key[0] in members and all(p in facts and p not in suspects for p in key[1])

        queue = [f for f in suspects if any(sound(key) for key in justs.get(f, ()))]
        while queue:
            fact = queue.pop()
            if fact not in suspects:
                continue
            suspects.discard(fact)
            self.pending.discard(fact)
            for conclusion, key in users.get(fact, ()):
                if conclusion in suspects and key in justs.get(conclusion, ()) and sound(key):
                    queue.append(conclusion)
        for fact in suspects:  # no sound justification in this component
            for key in [k for k in justs.get(fact, ()) if k[0] in members]:
                self.remove_way(fact, key)
            if justs.get(fact):
                self.pending.add(fact)  # also derived by a later component, which decides
                continue
            self.pending.discard(fact)
            self.set_present(fact, False)
        for fact in suspects:
            if fact in facts:
                continue
            for conclusion, key in list(users.get(fact, ())):
                if key[0] in members:
                    self.remove_way(conclusion, key)

    def insert(self, component, delta: set[IntFact]) -> None:
        e = self.e
        ctx = PlanContext(e.terms, e.index, closures=e.closures)
        ids = e.terms.ids
        rules = [e.compiled[i] for i in component.rules]
        rounds = 0
        while delta:
            rounds += 1
            if rounds > e.engine.max_rounds:
                raise ReasoningFailure(
                    f"no fixed point after {rounds - 1} rounds of an update; rules "
                    + ", ".join(r.rule.display for r in rules)
                    + " still derive new facts",
                    [r.rule.iri for r in rules],
                )
            # A small delta goes into the layer's delta index, which plans kept across
            # updates read (e.plans), and is planned with the orders kept (PlanContext).
            small = len(delta) <= SMALL_DELTA
            if small:
                ctx.delta = e.delta_index
                ctx.delta.refill(delta)
                ctx.orders = e.plan_orders
            else:
                ctx.delta = FactIndex(delta)
                ctx.orders = None
            ctx.tables = {}
            new: set[IntFact] = set()
            for rule in rules:
                sink = self.sink(rule, new)
                keep = small and _plain(rule.rule.body)
                for position in rule.positions:
                    pattern = rule.rule.body.elements[position]
                    assert isinstance(pattern, TriplePattern)
                    if not _delta_can_match(pattern, ids, ctx.delta):
                        continue
                    self.change.evaluations += 1
                    first = self.delta_plan(rule, position, ctx, sink, keep)
                    first([None] * len(rule.slots), [None] * rule.prem_count)
            for fact in new:
                self.set_present(fact, True)
            delta = new if component.recursive else set()
        self.change.rounds += rounds

    def delta_plan(self, rule: _CompiledRule, position: int, ctx: PlanContext, sink, keep: bool):
        """``rule``'s plan with the pattern at ``position`` on the delta, ending in ``sink``.

        With ``keep`` (a plain rule, a small delta in the layer's delta index) the plan
        is kept across updates and only its sink changes; planning and building the
        closures cost more than running them on a delta of one interaction.
        """
        e = self.e
        if keep:
            kept = e.plans.get((rule.index, position))
            if kept is not None:
                kept[1][0] = sink
                return kept[0]
            if _planned_facts_exist(rule, e.terms.ids, e.index):
                target: list[Any] = [sink]

                def last(row: list[int | None], prem: list[Any]) -> None:
                    target[0](row, prem)

                first = compile_group(rule.rule.body, rule.slots, ctx, last, delta_at=position)
                e.plans[(rule.index, position)] = (first, target)
                return first
        return compile_group(rule.rule.body, rule.slots, ctx, sink, delta_at=position)

    def sink(self, rule: _CompiledRule, new: set[IntFact] | None, found: dict | None = None):
        """A plan's last step: record each head fact (or collect it into ``found``)."""
        terms, weight, confidence, flat = self.e.terms, rule.rule.weight, rule.confidence, rule.flat
        index = rule.index
        change = self.change

        def sink(row: list[int | None], prem: list[Any]) -> None:
            change.firings += 1
            facts, _ = rule.instantiate(row, terms)
            if not facts:
                return
            cited = tuple(dict.fromkeys(prem)) if flat else premises(prem)
            base = weight
            if confidence is not None:
                try:
                    base = weight * confidence_value(confidence(row))
                except ExprError:
                    base = 0.0
            key = (index, frozenset(cited))
            for fact in facts:
                if fact in key[1]:
                    continue
                if found is not None:
                    known = found.get((fact, key))
                    if known is None or known[0] < base:
                        found[(fact, key)] = (base, cited)
                elif self.add_way(fact, key, (base, cited)) and new is not None:
                    new.add(fact)

        return sink

    def evaluate_all(self, rule: _CompiledRule) -> dict[tuple[IntFact, Key], Way]:
        """Every justification ``rule`` has on the current facts."""
        e = self.e
        found: dict[tuple[IntFact, Key], Way] = {}
        ctx = PlanContext(e.terms, e.index, closures=e.closures, orders=e.plan_orders)
        first = compile_group(rule.rule.body, rule.slots, ctx, self.sink(rule, None, found))
        self.change.evaluations += 1
        first([None] * len(rule.slots), [None] * rule.prem_count)
        return found

    # -- confidences and the report ------------------------------------------------------

    def rescore(self) -> None:
        """Solve the confidences the update can have moved, wave by wave.

        The first wave is every fact the update touched; each further wave is
        the facts citing a fact whose value (confidence, or presence) the last
        wave moved, solved with everything else held fixed. Facts citing only
        facts that kept their value keep theirs, so the waves stop where the
        change stops instead of at the end of everything derived from it. When
        every rule of the layer has weight 1 and no confidence expression and
        every input is certain, every confidence is 1.0 (as in a full run) and
        nothing is solved. A chain of waves longer than ``MAX_WAVES`` (moving
        values around a cycle) ends with one solve of everything reachable.
        """
        e = self.e
        users, snapshot = self.users, self.snapshot
        certain = e.certain_rules and not e.uncertain_inputs
        reached: set[IntFact] = set(snapshot)
        old_confidence = {f: e.confidence.get(f) for f in reached}
        old_scores = {f: e.scores.get(f) for f in reached}
        before = {f: snapshot[f][3] for f in reached}
        batch: set[IntFact] = reached
        waves = 0
        while batch:
            waves += 1
            if waves > MAX_WAVES:
                batch = self.closure(batch | reached)
                for fact in batch - reached:
                    old_confidence[fact] = e.confidence.get(fact)
                    old_scores[fact] = e.scores.get(fact)
                reached |= batch
                self.solve(batch, certain)
                break
            self.solve(batch, certain)
            value = self.value
            moved: set[IntFact] = set()
            for fact in batch:
                if value(fact) != before[fact]:
                    for conclusion, _ in users.get(fact, ()):
                        if conclusion not in batch:
                            moved.add(conclusion)
            for fact in moved - reached:
                old_confidence[fact] = e.confidence.get(fact)
                old_scores[fact] = e.scores.get(fact)
            reached |= moved
            before = {f: value(f) for f in moved}
            batch = moved
        self.change.waves = waves
        self.report(reached, old_confidence, old_scores)

    def closure(self, start: set[IntFact]) -> set[IntFact]:
        """``start`` and every fact derived from it, through the reverse index."""
        users = self.users
        reached: set[IntFact] = set()
        work = list(start)
        while work:
            fact = work.pop()
            if fact in reached:
                continue
            reached.add(fact)
            work.extend(c for c, _ in users.get(fact, ()) if c not in reached)
        return reached

    def solve(self, batch: set[IntFact], certain: bool) -> None:
        """Confidences of the facts of ``batch``, every other fact's held fixed."""
        e = self.e
        facts, asserted, justs = e.index.facts, e.asserted, e.justs
        live = [f for f in batch if f in facts and f not in asserted and justs.get(f)]
        self.change.rescored += len(live)
        for fact in batch:
            e.confidence.pop(fact, None)
            e.scores.pop(fact, None)
        if certain:
            for fact in live:
                e.confidence[fact] = 1.0
                e.scores[fact] = [1.0] * len(justs[fact])
            return
        outside = ChainMap(e.confidence, e.input_confidence) if e.input_confidence else e.confidence
        combined = combine({f: list(justs[f].values()) for f in live}, outside=outside)
        e.confidence.update(combined.facts)
        e.scores.update(combined.justifications)

    def report(self, reached: set[IntFact], old_confidence, old_scores) -> None:
        e, change, snapshot, edits = self.e, self.change, self.snapshot, self.edits
        term = e.terms.term_fact
        iris = [r.iri for r in e.engine.rules]
        removed, added = change.justifications_removed, change.justifications_added
        rescored = change.justifications_rescored

        def justification(key: Key, way: Way, score: float) -> Justification:
            return Justification(iris[key[0]], tuple(map(term, way[1])), score)

        for fact in reached:
            now = fact in e.confidence
            edited = edits.get(fact, {})
            if fact in snapshot:
                was, old_same, old_by_key, _ = snapshot[fact]
            else:  # reached by re-scoring only: same justifications, scores maybe moved
                was, old_same, old_by_key = now, None, None
                if now:
                    old_list = old_scores[fact] or ()
                    if len(old_list) == len(e.justs[fact]):
                        old_same = _uniform(old_list)
                    if old_same is None:
                        old_by_key = dict(zip(e.justs[fact], old_list, strict=False))
            conclusion = term(fact)
            if now and not was:
                change.added[conclusion] = e.confidence[fact]
            elif was and not now:
                change.removed.add(conclusion)
            elif now and old_confidence[fact] != e.confidence[fact]:
                change.confidence[conclusion] = e.confidence[fact]
            ways = e.justs.get(fact, {})
            new_list = e.scores[fact] if now else ()
            new_same = _uniform(new_list)
            new_by_key = (
                dict(zip(ways, new_list, strict=True)) if now and new_same is None else None
            )

            # Before the update the justifications were the current ones not edited and the
            # edited ones as they were; only the edited ones can have come or gone.
            if was:
                gone = [k for k, old in edited.items() if old is not None and k not in ways]
                if not now:
                    gone += [k for k in ways if k not in edited or edited[k] is not None]
                for key in gone:
                    score = _score(old_same, old_by_key, key)
                    if score is not None:
                        way = edited.get(key) or ways[key]
                        removed.append((conclusion, justification(key, way, score)))
            if not now:
                continue
            if was:
                fresh = [k for k, old in edited.items() if old is None and k in ways]
            else:
                fresh = list(ways)
            for key in fresh:
                added.append(
                    (conclusion, justification(key, ways[key], _score(new_same, new_by_key, key)))
                )
            if not was or (old_same is not None and old_same == new_same):
                continue  # every kept justification has the score it had
            for key in ways:
                if key in edited and edited[key] is None:
                    continue  # new in this update: reported above
                old = _score(old_same, old_by_key, key)
                score = _score(new_same, new_by_key, key)
                if old is None:  # not reported before (fewer scores than justifications)
                    added.append((conclusion, justification(key, ways[key], score)))
                elif old != score:
                    rescored.append((conclusion, justification(key, ways[key], score)))
