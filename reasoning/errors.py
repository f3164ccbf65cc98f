"""The reasoner's exceptions.

::

    SemcrmError                      (semcrm.ontology.errors)
     └── RuleError                   something about rules or their evaluation went wrong
          ├── RuleLoadError          a rule cannot be read or checked (rule IRI, part, line, column)
          └── ReasoningFailure       the engine cannot finish (iteration cap reached)

Three outcomes are kept apart (docs/STYLE.md, item 6): a bad rule is a
*load error*, raised when the rules are loaded and before any fact is read;
an engine that cannot finish raises a *failure*; what a rule derives, or
fails to derive, is data in the :class:`~semcrm.reasoning.engine.Materialization`
and never an exception.

A load error carries its subject the way a compiler error does: the rule's
IRI, the part of the rule (``body``, ``head``, ``confidenceExpression``) and
the line and column inside that part, counted from 1 at the first character
of the literal's text (the newline right after an opening ``\"\"\"`` ends line 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from semcrm.ontology.errors import SemcrmError

#: Where a rule author finds the grammar and the safety rules.
RULES_DOC = "docs/rules.md"


class RuleError(SemcrmError):
    """Base class of the reasoner's errors."""


class RuleLoadError(RuleError):
    """A rule cannot be loaded: bad syntax, an unsafe head, a cycle through negation.

    ``rule_iri`` is the rule's full IRI; ``display`` is how the message names it
    (a prefixed name such as ``rule:x`` when the rule file declares the prefix).
    ``part``, ``line`` and ``column`` locate the problem inside the rule when it
    has a place; ``rules`` lists every rule involved when more than one is
    (a stratification cycle).
    """

    def __init__(
        self,
        rule_iri: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        part: str | None = None,
        display: str | None = None,
        rules: Sequence[str] = (),
    ) -> None:
        self.rule_iri = rule_iri
        self.message = message
        self.line = line
        self.column = column
        self.part = part
        self.display = display or f"<{rule_iri}>"
        self.rules = tuple(rules) or (rule_iri,)
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.display
        if self.part:
            where += f" {self.part}"
        if self.line is not None:
            where += f" line {self.line}, column {self.column}"
        return f"{where}: {self.message}"


class ReasoningFailure(RuleError):
    """The engine could not reach a fixed point (or another hard limit) and stopped.

    Nothing partial is returned: a caller that catches this must not write
    any derived fact. ``rules`` names the rules still deriving new facts when
    the engine gave up.
    """

    def __init__(self, message: str, rules: Sequence[str] = ()) -> None:
        self.rules = tuple(rules)
        super().__init__(message)


__all__ = ["RULES_DOC", "ReasoningFailure", "RuleError", "RuleLoadError"]
