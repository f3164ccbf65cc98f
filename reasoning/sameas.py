"""The bound on ``owl:sameAs`` blow-up: cliques above a size are reported, not expanded.

OWL 2 RL's equality rules (eq-sym, eq-trans, eq-rep-s/p/o) turn a connected
group of *n* ``owl:sameAs`` statements into *n²* ``owl:sameAs`` facts and copy
every statement about any member to every other member. One bad merge key
(all contacts with an empty e-mail address "the same") would multiply the
store. So, before the rules run, the asserted ``owl:sameAs`` statements are
grouped into connected components (the cliques they imply); a component of
more than ``limit`` members is **withheld**: none of its ``owl:sameAs``
statements reaches the engine, so nothing is expanded, and a
:class:`SameAsFinding` (data, not an exception) names its members and the
statements behind it, so governance can fix the merge. Smaller components are
expanded in full, with justifications, as usual.

Only asserted statements are grouped: in the shipped OWL 2 RL rules
``owl:sameAs`` is derived only by eq-sym and eq-trans (and eq-rep-* on
``owl:sameAs`` statements themselves), which never join two components, so
the asserted components are the cliques.

:class:`SameAsBound` keeps the components up to date under additions and
removals for the incremental engine: it says which statements to pass to, or
take back from, the engine, and which findings appeared or went.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from semcrm.reasoning.terms import Fact, Term

SAME_AS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")
#: The largest owl:sameAs clique that is expanded (members, not statements).
DEFAULT_SAME_AS_LIMIT = 100
#: The rule IRI findings of the bound carry.
EQ_BOUND_RULE = "https://w3id.org/semcrm/rule/owl-rl/eq-bound"


@dataclass(frozen=True)
class SameAsFinding:
    """An owl:sameAs clique too large to expand: its members and the statements behind it."""

    members: frozenset[Term]
    statements: frozenset[Fact]
    limit: int
    rule: str = EQ_BOUND_RULE

    @property
    def message(self) -> str:
        """What happened and what to do."""
        return (
            f"{len(self.members)} resources are owl:sameAs each other (more than the limit of "
            f"{self.limit}); the owl:sameAs statements were not expanded. Check the merge key "
            "that produced them, or raise the limit (same_as_limit) if the clique is real"
        )


@dataclass
class SameAsBound:
    """Asserted owl:sameAs statements grouped into components, large ones withheld."""

    limit: int = DEFAULT_SAME_AS_LIMIT
    #: member -> the asserted owl:sameAs statements it is the subject or object of
    statements_at: dict[Term, set[Fact]] = field(default_factory=dict)
    withheld: set[Fact] = field(default_factory=set)
    findings: dict[frozenset[Term], SameAsFinding] = field(default_factory=dict)
    finding_of: dict[Term, frozenset[Term]] = field(default_factory=dict)

    def split(self, facts: Iterable[Fact]) -> list[Fact]:
        """Start over from ``facts``: the facts to give the engine (large cliques withheld)."""
        self.statements_at.clear()
        self.withheld.clear()
        self.findings.clear()
        self.finding_of.clear()
        facts = list(facts)
        same = [f for f in facts if f[1] == SAME_AS]
        if not same:
            return facts
        for fact in same:
            self._link(fact)
        seen: set[Term] = set()
        for fact in same:
            if fact[0] not in seen:
                seen |= self._regroup(fact[0])
        return [f for f in facts if f not in self.withheld]

    def update(
        self, added: Iterable[Fact], removed: Iterable[Fact]
    ) -> tuple[list[Fact], list[Fact], list[SameAsFinding], list[SameAsFinding]]:
        """For an update of asserted facts: (engine add, engine remove, findings new, gone).

        ``added`` and ``removed`` are the facts whose assertion changes; the engine
        lists are those facts minus withheld ones, plus the owl:sameAs statements
        whose clique crossed the limit either way.
        """
        added, removed = list(added), list(removed)
        touched: set[Term] = set()
        for fact in removed:
            if fact[1] == SAME_AS and self._unlink(fact):
                touched.update((fact[0], fact[2]))
        for fact in added:
            if fact[1] == SAME_AS and self._link(fact):
                touched.update((fact[0], fact[2]))
        if not touched:
            return added, removed, [], []
        before_withheld = set(self.withheld)
        before_findings = dict(self.findings)
        for member in touched:
            key = self.finding_of.get(member)
            if key is not None and key in self.findings:
                gone = self.findings.pop(key)
                self.withheld -= gone.statements
                for m in key:
                    self.finding_of.pop(m, None)
        seen: set[Term] = set()
        for member in touched:
            if member not in seen:
                seen |= self._regroup(member)
        engine_add = [f for f in added if f not in self.withheld]
        engine_remove = [f for f in removed if f not in before_withheld]
        engine_add += [f for f in before_withheld - self.withheld if f not in removed]
        engine_remove += [f for f in self.withheld - before_withheld if f not in added]
        new = [f for k, f in self.findings.items() if before_findings.get(k) != f]
        gone_findings = [f for k, f in before_findings.items() if self.findings.get(k) != f]
        return engine_add, engine_remove, new, gone_findings

    def _link(self, fact: Fact) -> bool:
        if fact in self.statements_at.get(fact[0], ()):
            return False
        self.statements_at.setdefault(fact[0], set()).add(fact)
        self.statements_at.setdefault(fact[2], set()).add(fact)  # type: ignore[arg-type]
        return True

    def _unlink(self, fact: Fact) -> bool:
        if fact not in self.statements_at.get(fact[0], ()):
            return False
        self.withheld.discard(fact)
        for member in (fact[0], fact[2]):
            found = self.statements_at[member]
            found.discard(fact)
            if not found:
                del self.statements_at[member]
        return True

    def _regroup(self, start: Term) -> set[Term]:
        """Find the component of ``start``; withhold it and record a finding when too large."""
        members: set[Term] = set()
        statements: set[Fact] = set()
        work = [start]
        while work:
            node = work.pop()
            if node in members:
                continue
            members.add(node)
            for fact in self.statements_at.get(node, ()):
                statements.add(fact)
                work.append(fact[2] if fact[0] == node else fact[0])
        if len(members) > self.limit:
            key = frozenset(members)
            self.withheld |= statements
            self.findings[key] = SameAsFinding(key, frozenset(statements), self.limit)
            for member in members:
                self.finding_of[member] = key
        return members


__all__ = ["DEFAULT_SAME_AS_LIMIT", "EQ_BOUND_RULE", "SAME_AS", "SameAsBound", "SameAsFinding"]
