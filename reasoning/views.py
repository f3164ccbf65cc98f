"""Read-only views of a run's results in terms, converted from int facts when read.

A materialisation of a million facts records several million justifications
as tuples of interned ids. Turning every one of them into a tuple of
pyoxigraph terms up front costs as much as the joins did, and a caller that
wants the derived triples (a SPARQL answer, a count, one explanation) never
reads most of them. So :class:`~semcrm.reasoning.engine.Materialization`
holds these views: ``derived[fact]`` converts one fact's justifications when
it is read, iteration converts facts (not justifications) as it goes, and
the conversions are cached, with the cyclic garbage collector paused while
millions of tuples are made (see :mod:`semcrm.reasoning.gcpause`). Both behave as the plain dicts they replace
(``Mapping``: ``in``, ``len``, ``items()``, ``==`` with a dict).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from semcrm.reasoning.gcpause import gc_paused
from semcrm.reasoning.index import IntFact, TermTable
from semcrm.reasoning.terms import Fact

if TYPE_CHECKING:
    from semcrm.reasoning.engine import Justification


class _Keys:
    """Term facts for int facts, converted once each."""

    def __init__(self, terms: TermTable, facts: Mapping[IntFact, object]) -> None:
        self.terms = terms
        self.facts = facts
        self.cached: list[Fact] | None = None

    def all(self) -> list[Fact]:
        if self.cached is None:
            t = self.terms.terms
            with gc_paused():
                self.cached = [(t[s], t[p], t[o]) for s, p, o in self.facts]
        return self.cached

    def find(self, fact: object) -> IntFact | None:
        if not isinstance(fact, tuple) or len(fact) != 3:
            return None
        ids = self.terms.ids
        try:
            found = (ids.get(fact[0]), ids.get(fact[1]), ids.get(fact[2]))
        except TypeError:  # unhashable parts: not a fact
            return None
        return found if None not in found and found in self.facts else None  # type: ignore[return-value]


class DerivedView(Mapping[Fact, "list[Justification]"]):
    """derived fact -> its justifications, built from the run's int facts when read."""

    def __init__(
        self,
        terms: TermTable,
        ways: Mapping[IntFact, Mapping[tuple[int, frozenset[IntFact]], tuple[float, tuple]]],
        scores: Mapping[IntFact, Sequence[float]] | None,
        iris: Sequence[str],
    ) -> None:
        self._keys = _Keys(terms, ways)
        self._ways = ways
        self._scores = scores
        self._iris = iris
        self._cache: dict[IntFact, list[Justification]] = {}
        self._premises: dict[IntFact, Fact] = {}  # premise term facts, shared

    def __len__(self) -> int:
        return len(self._ways)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._keys.all())

    def __contains__(self, fact: object) -> bool:
        return self._keys.find(fact) is not None

    def __getitem__(self, fact: Fact) -> list[Justification]:
        found = self._keys.find(fact)
        if found is None:
            raise KeyError(fact)
        return self.justifications(found)

    def justifications(self, fact: IntFact) -> list[Justification]:
        """The justifications of an int fact, as terms."""
        from semcrm.reasoning.engine import Justification

        cached = self._cache.get(fact)
        if cached is None:
            t = self._keys.terms.terms
            shared = self._premises
            ways = self._ways[fact]
            scores = self._scores[fact] if self._scores is not None else [1.0] * len(ways)
            made = []
            for (key, (_, cited)), score in zip(ways.items(), scores, strict=True):
                premises = []
                for premise in cited:
                    term_fact = shared.get(premise)
                    if term_fact is None:
                        s, p, o = premise
                        term_fact = shared[premise] = (t[s], t[p], t[o])
                    premises.append(term_fact)
                # tuple.__new__: a NamedTuple's own constructor is several times slower
                made.append(
                    tuple.__new__(Justification, (self._iris[key[0]], tuple(premises), score))
                )
            cached = self._cache[fact] = made
        return cached

    def bases(self, fact: Fact) -> list[float]:
        """The base confidence (weight × confidence expression) of each of ``fact``'s
        justifications, in the order of ``self[fact]``."""
        found = self._keys.find(fact)
        if found is None:
            raise KeyError(fact)
        return [way[0] for way in self._ways[found].values()]

    @property
    def justification_count(self) -> int:
        """How many justifications the facts have, without converting any."""
        return sum(len(ways) for ways in self._ways.values())

    def facts_with(self, predicates: set | None) -> list[Fact]:
        """The derived facts whose predicate is one of ``predicates`` (all when None)."""
        if predicates is None:
            return list(self._keys.all())
        ids = self._keys.terms.ids
        wanted = {ids[p] for p in predicates if p in ids}
        t = self._keys.terms.terms
        with gc_paused():
            return [(t[s], t[p], t[o]) for s, p, o in self._ways if p in wanted]

    def items(self):  # type: ignore[override]
        """(fact, justifications) pairs, in the run's order."""
        return _Items(self)


class _Items:
    def __init__(self, view: DerivedView) -> None:
        self.view = view

    def __len__(self) -> int:
        return len(self.view)

    def __iter__(self):
        view = self.view
        with gc_paused():
            for term_fact, fact in zip(view._keys.all(), view._ways, strict=True):
                yield term_fact, view.justifications(fact)


class ConfidenceView(Mapping[Fact, float]):
    """derived fact -> confidence; ``values`` None means every confidence is 1.0."""

    def __init__(
        self,
        terms: TermTable,
        facts: Mapping[IntFact, object],
        values: Mapping[IntFact, float] | None,
    ) -> None:
        self._keys = _Keys(terms, facts)
        self._values = values

    def __len__(self) -> int:
        return len(self._keys.facts)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._keys.all())

    def __contains__(self, fact: object) -> bool:
        return self._keys.find(fact) is not None

    def __getitem__(self, fact: Fact) -> float:
        found = self._keys.find(fact)
        if found is None:
            raise KeyError(fact)
        return 1.0 if self._values is None else self._values[found]

    def get(self, fact, default=None):  # type: ignore[override]
        found = self._keys.find(fact)
        if found is None:
            return default
        return 1.0 if self._values is None else self._values[found]


__all__ = ["ConfidenceView", "DerivedView"]
