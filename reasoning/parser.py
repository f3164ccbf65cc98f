"""The recursive-descent parser of rule bodies and heads.

The grammar (docs/rules.md) is a subset of SPARQL 1.1 chosen so that every
rule is also valid SPARQL as ``CONSTRUCT { head } WHERE { body }``. One method
per grammar production, named after it; each consumes tokens from
:func:`~semcrm.reasoning.lexer.tokenize` and returns IR from
:mod:`semcrm.reasoning.syntax`. The graph-pattern productions are here; the
term and expression productions, shared with confidence expressions, are in
:mod:`semcrm.reasoning.expression_parser`.

Design decisions:

* Problems raise :class:`~semcrm.reasoning.lexer.SyntaxProblem` with the
  line and column of the offending token and say what was expected and what
  was found; :mod:`semcrm.reasoning.rules` adds the rule IRI and the part.
* Anything outside the subset (OPTIONAL, UNION, blank nodes, EXISTS, ORDER BY)
  is rejected by name with the reason and what to write instead, rather than
  with a generic "unexpected token".
* Numeric and boolean constants are canonicalised as Oxigraph does, so ``1.50``
  in a rule is the term ``"1.5"^^xsd:decimal`` the store holds.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyoxigraph import Literal

from semcrm.reasoning.expression_parser import TermParser
from semcrm.reasoning.lexer import SyntaxProblem, Token
from semcrm.reasoning.syntax import (
    Bind,
    Element,
    Expr,
    Filter,
    Group,
    Minus,
    Node,
    NotExists,
    Projection,
    SubSelect,
    TriplePattern,
    Values,
    Var,
)
from semcrm.reasoning.terms import RDF_TYPE, Term

_UNSUPPORTED = {
    "OPTIONAL": "OPTIONAL is not supported in rules; write a second rule for the optional part",
    "UNION": "UNION is not supported in rules; write one rule per alternative",
    "GRAPH": "GRAPH is not supported in rules; rules see the union of all graphs",
    "SERVICE": "SERVICE is not supported in rules",
}


class Parser(TermParser):
    """Parses one body or head; ``end_name`` names the end of the text in messages."""

    # -- groups ----------------------------------------------------------------

    def group_body(self, closed: bool) -> Group:
        """GroupGraphPatternSub: elements up to ``}`` (``closed``) or the end of text."""
        elements: list[Element] = []
        while True:
            token = self.peek()
            if (token.kind == "EOF" and not closed) or (closed and token.is_op("}")):
                return Group(tuple(elements))
            if token.kind == "EOF":
                raise self.fail("'}' to close the group", token)
            if token.is_op("."):
                self.next()
            elif token.is_word("FILTER"):
                elements.append(self.filter())
            elif token.is_word("BIND"):
                elements.append(self.bind())
            elif token.is_word("VALUES"):
                elements.append(self.values())
            elif token.is_word("MINUS"):
                self.next()
                self.expect_op("{", " after MINUS")
                inner = self.group_body(closed=True)
                self.expect_op("}")
                elements.append(Minus(inner))
            elif token.is_op("{"):
                elements.append(self.sub_select())
            elif token.kind == "NAME" and token.text.upper() in _UNSUPPORTED:
                raise self.problem(_UNSUPPORTED[token.text.upper()], token)
            else:
                self.triples_same_subject(elements)
                if self.peek().is_op("."):
                    self.next()
                elif not self._ends_triples_block(self.peek()):
                    raise self.fail("'.' or ';' after object")

    def _ends_triples_block(self, token: Token) -> bool:
        return (
            token.kind == "EOF"
            or token.is_op("}", "{")
            or token.is_word("FILTER", "BIND", "VALUES", "MINUS", *_UNSUPPORTED)
        )

    def head(self) -> tuple[TriplePattern, ...]:
        """TriplesTemplate: triple templates separated by '.'."""
        patterns: list[Element] = []
        while self.peek().kind != "EOF":
            subject = self.peek()
            before = len(patterns)
            self.triples_same_subject(patterns)
            first = patterns[before]
            if isinstance(first, TriplePattern) and isinstance(first.subject, Literal):
                raise self.problem("a literal cannot be the subject of a head triple", subject)
            if self.peek().is_op("."):
                self.next()
            elif self.peek().kind != "EOF":
                raise self.fail("'.' or ';' after object")
        return tuple(p for p in patterns if isinstance(p, TriplePattern))

    # -- triples ---------------------------------------------------------------

    def triples_same_subject(self, out: list[Element]) -> None:
        subject = self.node("a subject (a variable, an IRI or a prefixed name)")
        while True:
            predicate = self.verb()
            if self.peek().is_op("/", "|", "+", "*"):
                raise self.problem(
                    "property paths are not supported in rules; write each step as its own "
                    "pattern (and '+' or '*' as a recursive rule)",
                    self.peek(),
                )
            while True:
                obj = self.node("an object (a variable, an IRI, a prefixed name or a literal)")
                out.append(TriplePattern(subject, predicate, obj))
                if not self.peek().is_op(","):
                    break
                self.next()
            if not self.peek().is_op(";"):
                return
            while self.peek().is_op(";"):
                self.next()
            token = self.peek()
            if not (token.kind in ("VAR", "IRI", "PNAME") or token.is_word("A")):
                return

    def verb(self) -> Node:
        token = self.peek()
        if token.kind == "NAME" and token.text == "a":
            self.next()
            return RDF_TYPE
        if token.kind in ("VAR", "IRI", "PNAME"):
            return self.node("a predicate")
        raise self.fail("a predicate (an IRI, a prefixed name, 'a' or a variable)")

    def node(self, expected: str) -> Node:
        """VarOrTerm: a variable, an IRI, a prefixed name or a literal."""
        token = self.peek()
        if token.kind == "VAR":
            self.next()
            return Var(str(token.value), token.line, token.column)
        if token.kind == "BNODE" or token.is_op("["):
            raise self.problem(
                "blank nodes are not supported in rules; use a variable in a body "
                "and semcrm:skolem(...) to mint a node in a head",
                token,
            )
        if token.is_op("("):
            raise self.problem("RDF collections '( ... )' are not supported in rules", token)
        term = self.term_or_none()
        if term is None:
            raise self.fail(expected)
        return term

    # -- graph patterns that are not triples -------------------------------------

    def filter(self) -> Element:
        self.next()
        token = self.peek()
        if token.is_word("NOT") and self.peek(1).is_word("EXISTS"):
            self.next()
            self.next()
            self.expect_op("{", " after NOT EXISTS")
            inner = self.group_body(closed=True)
            self.expect_op("}")
            return NotExists(inner)
        if token.is_word("EXISTS"):
            raise self.problem(
                "FILTER EXISTS is not supported; write its patterns in the body itself", token
            )
        if token.is_op("("):
            return Filter(self.bracketted())
        if token.kind in ("NAME", "IRI", "PNAME"):
            return Filter(self.primary())
        raise self.fail("'(' or NOT EXISTS after FILTER")

    def bind(self) -> Bind:
        self.next()
        self.expect_op("(", " after BIND")
        expr = self.expression()
        self.expect_word("AS", " in BIND")
        var = self.var("a variable after AS")
        self.expect_op(")", " to close BIND")
        return Bind(expr, var)

    def values(self) -> Values:
        self.next()
        multi = self.peek().is_op("(")
        if multi:
            self.next()
            names: list[Var] = []
            while not self.peek().is_op(")"):
                names.append(self.var("a variable or ')' in VALUES"))
            self.next()
        else:
            names = [self.var("a variable or '(' after VALUES")]
        self.expect_op("{", " to open the VALUES data")
        rows: list[tuple[Term | None, ...]] = []
        while not self.peek().is_op("}"):
            start = self.peek()
            if multi:
                self.expect_op("(", " to open a VALUES row")
                row = []
                while not self.peek().is_op(")"):
                    row.append(self.data_value())
                self.next()
            else:
                row = [self.data_value()]
            if len(row) != len(names):
                raise self.problem(
                    f"VALUES row has {len(row)} values for {len(names)} variables", start
                )
            rows.append(tuple(row))
        self.next()
        return Values(tuple(names), tuple(rows))

    def data_value(self) -> Term | None:
        if self.peek().is_word("UNDEF"):
            self.next()
            return None
        term = self.term_or_none()
        if term is None:
            raise self.fail("an IRI, a literal or UNDEF in VALUES")
        return term

    def sub_select(self) -> SubSelect:
        self.next()
        token = self.peek()
        if not token.is_word("SELECT"):
            raise self.problem(
                "a nested group must be a sub-select '{ SELECT ... WHERE { ... } }'; "
                "write the patterns in the body itself",
                token,
            )
        self.next()
        distinct = self.peek().is_word("DISTINCT")
        if distinct:
            self.next()
        projection: list[Projection] = []
        self.aggregates_allowed = True
        while self.peek().kind == "VAR" or self.peek().is_op("("):
            if self.peek().kind == "VAR":
                projection.append(Projection(self.var("a variable")))
                continue
            self.next()
            expr = self.expression()
            self.expect_word("AS", " in the SELECT list")
            projection.append(Projection(self.var("a variable after AS"), expr))
            self.expect_op(")", " to close '(expression AS ?var)'")
        self.aggregates_allowed = False
        if not projection:
            raise self.fail("a variable or '(expression AS ?var)' after SELECT")
        if self.peek().is_word("WHERE"):
            self.next()
        self.expect_op("{", " to open the sub-select's WHERE")
        where = self.group_body(closed=True)
        self.expect_op("}")
        group_by: list[Var] = []
        if self.peek().is_word("GROUP"):
            self.next()
            self.expect_word("BY", " after GROUP")
            group_by.append(self.var("a variable after GROUP BY"))
            while self.peek().kind == "VAR":
                group_by.append(self.var("a variable"))
        having: list[Expr] = []
        if self.peek().is_word("HAVING"):
            self.next()
            self.aggregates_allowed = True
            having.append(self.bracketted())
            while self.peek().is_op("("):
                having.append(self.bracketted())
            self.aggregates_allowed = False
        token = self.peek()
        if token.is_word("ORDER", "LIMIT", "OFFSET"):
            raise self.problem(f"{token.text.upper()} has no meaning in a rule's sub-select", token)
        self.expect_op("}", " to close the sub-select")
        return SubSelect(tuple(projection), where, tuple(group_by), tuple(having), distinct)


def parse_body(text: str, prefixes: Mapping[str, str]) -> Group:
    """Parse a rule body (a group graph pattern without its braces)."""
    parser = Parser(text, prefixes, "body")
    return parser.group_body(closed=False)


def parse_head(text: str, prefixes: Mapping[str, str]) -> tuple[TriplePattern, ...]:
    """Parse a rule head (triple templates)."""
    parser = Parser(text, prefixes, "head")
    return parser.head()


def parse_expression(text: str, prefixes: Mapping[str, str], end_name: str = "expression") -> Expr:
    """Parse one expression (a confidence expression, a filter's inside)."""
    parser = Parser(text, prefixes, end_name)
    expr = parser.expression()
    parser.expect_end()
    return expr


__all__ = ["Parser", "SyntaxProblem", "parse_body", "parse_expression", "parse_head"]
