"""What an update changed: the :class:`Change` record and how layers' changes combine.

A :class:`Change` is what a store needs to bring its derived graphs up to
date by difference: the derived facts that appeared and went, the
justifications that appeared and went, and the confidences that moved. The
incremental engine returns one per update (:mod:`semcrm.reasoning.incremental`).

With several rule layers, each layer reports its own change, and a fact can
move between layers in one update (derived by the OWL 2 RL layer before,
only by a business rule after): :func:`merge` reports such a fact as derived
before and after, with its new confidence, and keeps both layers'
justification edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from semcrm.reasoning.engine import Justification
from semcrm.reasoning.sameas import SameAsFinding
from semcrm.reasoning.terms import Fact


@dataclass
class Change:
    """What an update changed in the derived facts, for updating a store by difference.

    ``added``: derived facts that are new, with their confidence (their
    justifications are in ``justifications_added``). ``removed``: derived facts
    that are gone (asserted now, or without support); their justifications are
    in ``justifications_removed``, with the confidence they had.
    ``confidence``: facts derived before and after whose confidence moved.
    ``justifications_rescored``: justifications kept whose confidence moved,
    with the new confidence.
    """

    added: dict[Fact, float] = field(default_factory=dict)
    removed: set[Fact] = field(default_factory=set)
    confidence: dict[Fact, float] = field(default_factory=dict)
    justifications_added: list[tuple[Fact, Justification]] = field(default_factory=list)
    justifications_removed: list[tuple[Fact, Justification]] = field(default_factory=list)
    justifications_rescored: list[tuple[Fact, Justification]] = field(default_factory=list)
    #: owl:sameAs cliques that crossed the limit (semcrm.reasoning.sameas), either way
    findings_added: list[SameAsFinding] = field(default_factory=list)
    findings_removed: list[SameAsFinding] = field(default_factory=list)
    seconds: float = 0.0
    rounds: int = 0
    reevaluated: list[str] = field(default_factory=list)
    #: the work done: rule plans run, body solutions found, facts whose state was edited,
    #: facts whose confidence was solved again, and the waves that solving took
    evaluations: int = 0
    firings: int = 0
    touched: int = 0
    rescored: int = 0
    waves: int = 0

    def __bool__(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.confidence
            or self.justifications_added
            or self.justifications_removed
            or self.justifications_rescored
            or self.findings_added
            or self.findings_removed
        )


def merge(changes: Sequence[Change]) -> Change:
    """One change for an update that each layer reported separately, lowest layer first."""
    if len(changes) == 1:
        return changes[0]
    out = Change()
    for change in changes:
        for fact in change.removed:
            if fact in out.added:  # moved down a layer: still derived
                out.confidence[fact] = out.added.pop(fact)
            else:
                out.removed.add(fact)
        for fact, confidence in change.added.items():
            if fact in out.removed:
                out.removed.discard(fact)  # moved between layers: still derived
                out.confidence[fact] = confidence
            else:
                out.added[fact] = confidence
        out.confidence.update(change.confidence)
        out.justifications_added += change.justifications_added
        out.justifications_removed += change.justifications_removed
        out.justifications_rescored += change.justifications_rescored
        out.seconds += change.seconds
        out.rounds += change.rounds
        out.evaluations += change.evaluations
        out.firings += change.firings
        out.touched += change.touched
        out.rescored += change.rescored
        out.waves += change.waves
        out.reevaluated += change.reevaluated
    return out


__all__ = ["Change", "merge"]
