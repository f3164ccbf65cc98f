"""Interned terms and the fact indexes the joins read.

Terms are interned to small ints (:class:`TermTable`): a Python dict lookup on
an int is about twice as fast as on a pyoxigraph term, and an int triple
hashes about three times faster than a term triple. Facts inside the engine
are ``(s, p, o)`` int triples; they become terms again only in the
:class:`~semcrm.reasoning.engine.Materialization`.

:class:`FactIndex` keeps each fact twice, by predicate then subject
(``sp[p][s] -> {o}``) and by predicate then object (``op[p][o] -> {s}``), which
answers every triple pattern whose predicate is bound with at most one dict
walk; a pattern with a variable predicate loops over the predicates. The
counts kept beside the maps are what the join planner estimates sizes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode

from semcrm.reasoning.terms import Term

IntFact = tuple[int, int, int]
EMPTY_MAP: dict[int, set[int]] = {}
EMPTY_SET: frozenset[int] = frozenset()


class TermTable:
    """Interns terms: ``intern(term) -> id`` and ``terms[id] -> term``.

    ``is_literal[id]`` and ``is_iri[id]`` answer the safety checks on a head
    instantiation (no literal subject, an IRI predicate) without touching the term.
    """

    def __init__(self) -> None:
        self.ids: dict[Term, int] = {}
        self.terms: list[Term] = []
        self.is_literal = bytearray()
        self.is_iri = bytearray()

    def intern(self, term: Term) -> int:
        """The id of ``term``, assigning the next one when it is new."""
        found = self.ids.get(term)
        if found is not None:
            return found
        new = len(self.terms)
        self.ids[term] = new
        self.terms.append(term)
        self.is_literal.append(isinstance(term, Literal))
        self.is_iri.append(isinstance(term, NamedNode))
        return new

    def fact(self, fact: tuple[Term, Term, Term]) -> IntFact:
        """A term fact as an int fact."""
        intern = self.intern
        return intern(fact[0]), intern(fact[1]), intern(fact[2])

    def term_fact(self, fact: IntFact) -> tuple[Term, Term, Term]:
        """An int fact as a term fact."""
        terms = self.terms
        return terms[fact[0]], terms[fact[1]], terms[fact[2]]


class FactIndex:
    """A set of int facts indexed by (predicate, subject) and (predicate, object)."""

    def __init__(self, facts: Iterable[IntFact] = ()) -> None:
        self.facts: set[IntFact] = set()
        self.sp: dict[int, dict[int, set[int]]] = {}
        self.op: dict[int, dict[int, set[int]]] = {}
        self.counts: dict[int, int] = {}
        for fact in facts:
            self.add(fact)

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, fact: object) -> bool:
        return fact in self.facts

    def __iter__(self) -> Iterator[IntFact]:
        return iter(self.facts)

    def add(self, fact: IntFact) -> bool:
        """Add a fact; False if it was already there."""
        if fact in self.facts:
            return False
        self.facts.add(fact)
        s, p, o = fact
        self.counts[p] = self.counts.get(p, 0) + 1
        by_subject = self.sp.get(p)
        if by_subject is None:
            by_subject = self.sp[p] = {}
            self.op[p] = {}
        objects = by_subject.get(s)
        if objects is None:
            by_subject[s] = {o}
        else:
            objects.add(o)
        by_object = self.op[p]
        subjects = by_object.get(o)
        if subjects is None:
            by_object[o] = {s}
        else:
            subjects.add(s)
        return True

    def refill(self, facts: Iterable[IntFact]) -> None:
        """Hold exactly ``facts`` now, keeping every predicate's maps (emptied): plans built
        over this index look its maps up once (:mod:`semcrm.reasoning.joins`) and stay valid."""
        self.facts.clear()
        for p, by_subject in self.sp.items():
            by_subject.clear()
            self.op[p].clear()
            self.counts[p] = 0
        for fact in facts:
            self.add(fact)

    def discard(self, fact: IntFact) -> bool:
        """Remove a fact; False if it was not there. Empty index entries are dropped."""
        if fact not in self.facts:
            return False
        self.facts.discard(fact)
        s, p, o = fact
        self.counts[p] -= 1
        by_subject, by_object = self.sp[p], self.op[p]
        objects = by_subject[s]
        objects.discard(o)
        if not objects:
            del by_subject[s]
        subjects = by_object[o]
        subjects.discard(s)
        if not subjects:
            del by_object[o]
        return True

    def count(self, p: int | None) -> int:
        """How many facts have predicate ``p`` (all facts when ``p`` is None)."""
        if p is None:
            return len(self.facts)
        return self.counts.get(p, 0)

    def fan_out(self, p: int | None, bound: str) -> float:
        """Average matches of a pattern on ``p`` with its subject (``"s"``) or object bound."""
        if p is None:
            keys = sum(len(m) for m in (self.sp if bound == "s" else self.op).values())
            return len(self.facts) / keys if keys else 0.0
        table = (self.sp if bound == "s" else self.op).get(p)
        if not table:
            return 0.0
        return self.count(p) / len(table)


__all__ = ["EMPTY_MAP", "EMPTY_SET", "FactIndex", "IntFact", "TermTable"]
