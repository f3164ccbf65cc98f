"""Parsing terms and expressions: the half of the rule parser that bodies, heads and
confidence expressions share.

:class:`TermParser` holds the token cursor (``peek``/``next`` and the
``expect_*`` helpers that build "expected X, found Y" messages) and one
method per production of the expression grammar in docs/rules.md, from
``expression`` (``||``) down to ``primary``. :class:`~semcrm.reasoning.parser.Parser`
adds the graph-pattern productions on top.

Functions are checked here, when the rule is loaded: an unknown name, an
unknown IRI function or a wrong number of arguments is a load error at the
call's position, so no rule reaches the engine with a call it cannot run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pyoxigraph import Literal, NamedNode

from semcrm.reasoning.lexer import SyntaxProblem, Token, tokenize
from semcrm.reasoning.syntax import Aggregate, Call, Const, Expr, Var
from semcrm.reasoning.terms import (
    XSD,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_INTEGER,
    Term,
    boolean_literal,
    canonical,
)

SEMCRM_NS = "https://w3id.org/semcrm/ns#"

#: Built-in functions: upper-case name -> (fewest, most) arguments (None: any number).
BUILTINS: dict[str, tuple[int, int | None]] = {
    "BOUND": (1, 1),
    "STR": (1, 1),
    "LANG": (1, 1),
    "LANGMATCHES": (2, 2),
    "DATATYPE": (1, 1),
    "IRI": (1, 1),
    "URI": (1, 1),
    "CONCAT": (0, None),
    "STRLEN": (1, 1),
    "LCASE": (1, 1),
    "UCASE": (1, 1),
    "CONTAINS": (2, 2),
    "STRSTARTS": (2, 2),
    "STRENDS": (2, 2),
    "REGEX": (2, 3),
    "ISIRI": (1, 1),
    "ISURI": (1, 1),
    "ISLITERAL": (1, 1),
    "ISBLANK": (1, 1),
    "ISNUMERIC": (1, 1),
    "ABS": (1, 1),
    "ROUND": (1, 1),
    "CEIL": (1, 1),
    "FLOOR": (1, 1),
    "IF": (3, 3),
    "COALESCE": (1, None),
    "SAMETERM": (2, 2),
}

#: Functions named by IRI: full IRI -> canonical op name. All take exactly one
#: argument except semcrm:skolem, which takes one or more.
IRI_FUNCTIONS: dict[str, str] = {
    XSD + "integer": "xsd:integer",
    XSD + "decimal": "xsd:decimal",
    XSD + "double": "xsd:double",
    XSD + "float": "xsd:double",
    XSD + "string": "xsd:string",
    XSD + "boolean": "xsd:boolean",
    SEMCRM_NS + "skolem": "semcrm:skolem",
}

AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG")
_RELATIONAL = ("=", "!=", "<", ">", "<=", ">=")


class TermParser:
    """A token cursor over one piece of rule text, with the term and expression productions."""

    def __init__(self, text: str, prefixes: Mapping[str, str], end_name: str = "text") -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.prefixes = prefixes
        self.end_name = end_name
        self.aggregates_allowed = False

    # -- token helpers ---------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def fail(self, expected: str, token: Token | None = None) -> SyntaxProblem:
        token = token or self.peek()
        found = token.shown(self.end_name)
        return SyntaxProblem(f"expected {expected}, found {found}", token.line, token.column)

    def problem(self, message: str, token: Token) -> SyntaxProblem:
        return SyntaxProblem(message, token.line, token.column)

    def expect_op(self, text: str, context: str = "") -> Token:
        if not self.peek().is_op(text):
            raise self.fail(f"'{text}'{context}")
        return self.next()

    def expect_word(self, word: str, context: str = "") -> Token:
        if not self.peek().is_word(word):
            raise self.fail(f"'{word}'{context}")
        return self.next()

    def expect_end(self) -> None:
        if self.peek().kind != "EOF":
            raise self.fail(f"end of {self.end_name}")

    def term_or_none(self) -> Term | None:
        """An IRI, prefixed name or literal at the cursor, consumed; None if there is none."""
        token = self.peek()
        if token.kind in ("IRI", "PNAME"):
            self.next()
            return self.iri(token)
        if token.kind == "STRING":
            self.next()
            return self.literal_rest(token)
        if token.kind in ("INTEGER", "DECIMAL", "DOUBLE"):
            self.next()
            return self.number(token, "")
        if token.is_op("-", "+") and self.peek(1).kind in ("INTEGER", "DECIMAL", "DOUBLE"):
            number = self.peek(1)
            if number.start == token.end:
                self.next()
                self.next()
                return self.number(number, token.text)
        if token.is_word("TRUE", "FALSE"):
            self.next()
            return boolean_literal(token.text.upper() == "TRUE")
        return None

    def iri(self, token: Token) -> NamedNode:
        if token.kind == "PNAME":
            prefix, local = token.value
            if prefix not in self.prefixes:
                raise self.problem(
                    f"unknown prefix '{prefix}:'; declare it with @prefix in the rule file",
                    token,
                )
            text = self.prefixes[prefix] + local
        else:
            text = str(token.value)
        try:
            return NamedNode(text)
        except ValueError as exc:
            raise self.problem(f"bad IRI <{text}> ({exc}); write a full IRI", token) from None

    def literal_rest(self, token: Token) -> Literal:
        after = self.peek()
        try:
            if after.kind == "LANGTAG" and after.start == token.end:
                self.next()
                return Literal(str(token.value), language=str(after.value))
            if after.is_op("^^"):
                self.next()
                dt_token = self.next()
                if dt_token.kind not in ("IRI", "PNAME"):
                    raise self.fail("a datatype IRI after '^^'", dt_token)
                lit = Literal(str(token.value), datatype=self.iri(dt_token))
                return canonical(lit)  # type: ignore[return-value]
        except ValueError as exc:
            raise self.problem(f"bad literal ({exc})", after) from None
        return Literal(str(token.value))

    def number(self, token: Token, sign: str) -> Term:
        datatype = {"INTEGER": XSD_INTEGER, "DECIMAL": XSD_DECIMAL, "DOUBLE": XSD_DOUBLE}
        lex = ("-" if sign == "-" else "") + token.text
        return canonical(Literal(lex, datatype=datatype[token.kind]))

    def var(self, expected: str) -> Var:
        token = self.peek()
        if token.kind != "VAR":
            raise self.fail(expected)
        self.next()
        return Var(str(token.value), token.line, token.column)

    # -- expressions -----------------------------------------------------------

    def bracketted(self) -> Expr:
        self.expect_op("(")
        expr = self.expression()
        self.expect_op(")", " to close the expression")
        return expr

    def expression(self) -> Expr:
        return self._binary(self.and_expression, ("||",))

    def and_expression(self) -> Expr:
        return self._binary(self.relational, ("&&",))

    def _binary(self, operand: Callable[[], Expr], ops: tuple[str, ...]) -> Expr:
        left = operand()
        while self.peek().is_op(*ops):
            token = self.next()
            left = Call(token.text, (left, operand()), token.line, token.column)
        return left

    def relational(self) -> Expr:
        left = self.additive()
        token = self.peek()
        if token.is_op(*_RELATIONAL):
            self.next()
            return Call(token.text, (left, self.additive()), token.line, token.column)
        if token.is_word("IN"):
            self.next()
            return Call("IN", (left, *self.expression_list()), token.line, token.column)
        if token.is_word("NOT") and self.peek(1).is_word("IN"):
            self.next()
            self.next()
            return Call("NOT IN", (left, *self.expression_list()), token.line, token.column)
        return left

    def expression_list(self) -> list[Expr]:
        self.expect_op("(")
        items: list[Expr] = []
        while not self.peek().is_op(")"):
            if items:
                self.expect_op(",", " between list items")
            items.append(self.expression())
        self.next()
        return items

    def additive(self) -> Expr:
        return self._binary(self.multiplicative, ("+", "-"))

    def multiplicative(self) -> Expr:
        return self._binary(self.unary, ("*", "/"))

    def unary(self) -> Expr:
        token = self.peek()
        if token.is_op("!", "-", "+"):
            self.next()
            op = {"!": "!", "-": "NEG", "+": "POS"}[token.text]
            return Call(op, (self.primary(),), token.line, token.column)
        return self.primary()

    def primary(self) -> Expr:
        token = self.peek()
        if token.is_op("("):
            return self.bracketted()
        if token.kind == "VAR":
            return self.var("a variable")
        if token.kind in ("IRI", "PNAME"):
            self.next()
            iri = self.iri(token)
            if not self.peek().is_op("("):
                return Const(iri)
            op = IRI_FUNCTIONS.get(iri.value)
            if op is None:
                raise self.problem(f"unsupported function {token.text}", token)
            args = self.arguments()
            most = None if op == "semcrm:skolem" else 1
            self.check_arity(token, op, len(args), 1, most)
            return Call(op, tuple(args), token.line, token.column)
        if token.kind == "NAME" and token.text.upper() in AGGREGATES:
            return self.aggregate()
        if token.kind == "NAME" and self.peek(1).is_op("("):
            name = token.text.upper()
            if name == "NOT" or name == "EXISTS":
                raise self.problem("NOT EXISTS is only supported right after FILTER", token)
            if name not in BUILTINS:
                raise self.problem(f"unsupported function '{token.text}'", token)
            self.next()
            args = self.arguments()
            self.check_arity(token, name, len(args), *BUILTINS[name])
            if name == "BOUND" and not isinstance(args[0], Var):
                raise self.problem("BOUND takes a variable", token)
            return Call(name, tuple(args), token.line, token.column)
        term = self.term_or_none()
        if term is not None:
            return Const(term)
        raise self.fail("an expression")

    def arguments(self) -> list[Expr]:
        return self.expression_list()

    def check_arity(self, token: Token, name: str, count: int, least: int, most: int | None):
        if count < least or (most is not None and count > most):
            wanted = str(least) if least == most else f"at least {least}"
            if most is not None and most != least:
                wanted = f"{least} to {most}"
            raise self.problem(f"{token.text} takes {wanted} argument(s), got {count}", token)

    def aggregate(self) -> Aggregate:
        token = self.next()
        name = token.text.upper()
        if not self.aggregates_allowed:
            raise self.problem(
                f"aggregate {name} is only allowed in a sub-select's SELECT list or HAVING", token
            )
        self.expect_op("(", f" after {name}")
        distinct = self.peek().is_word("DISTINCT")
        if distinct:
            self.next()
        arg: Expr | None
        if name == "COUNT" and self.peek().is_op("*"):
            self.next()
            arg = None
        else:
            self.aggregates_allowed = False
            arg = self.expression()
            self.aggregates_allowed = True
        self.expect_op(")", f" to close {name}")
        return Aggregate(name, arg, distinct)


__all__ = ["AGGREGATES", "BUILTINS", "IRI_FUNCTIONS", "SEMCRM_NS", "TermParser"]
