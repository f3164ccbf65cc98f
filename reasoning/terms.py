"""RDF terms as the engine sees them: pyoxigraph terms, their values and their forms.

A fact is a ``(subject, predicate, object)`` tuple of pyoxigraph terms; terms
are hashable and compare by value, so facts go straight into sets and dicts.

Design decisions:

* **Oxigraph's forms are the reference.** The lead stores facts in Oxigraph,
  which canonicalises numeric and boolean literals when it stores them
  (``"1.50"^^xsd:decimal`` becomes ``"1.5"``, ``"007"^^xsd:integer`` becomes
  ``"7"``). Constants in rules are canonicalised the same way
  (:func:`canonical`) and computed values are written the way Oxigraph writes
  them (:func:`decimal_literal`, :func:`double_literal`), so a rule's
  conclusion is the very term a SPARQL ``CONSTRUCT`` over the store returns.
  Input facts are taken as given: feed the store's canonical forms.
* **Values are parsed once.** :func:`literal_value` is memoised, because a
  filter such as ``?c >= 0.3`` sees the same few literals again and again.
* **Decimals are fixed-point with 18 fractional digits** and results are
  truncated towards zero, as in Oxigraph (``2/3`` is ``0.666666666666666666``).
* **Skolem IRIs** are ``https://w3id.org/semcrm/id/skolem/`` followed by the
  first 16 hex digits of the SHA-256 of the arguments' N-Triples forms joined
  by single spaces. N-Triples forms are self-delimiting, so the join is
  unambiguous; the same arguments always mint the same IRI.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any, TypeAlias

from pyoxigraph import BlankNode, Literal, NamedNode

Term: TypeAlias = NamedNode | BlankNode | Literal
Fact: TypeAlias = tuple[Term, Term, Term]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOLEM_BASE = "https://w3id.org/semcrm/id/skolem/"

XSD_STRING = NamedNode(XSD + "string")
XSD_BOOLEAN = NamedNode(XSD + "boolean")
XSD_INTEGER = NamedNode(XSD + "integer")
XSD_DECIMAL = NamedNode(XSD + "decimal")
XSD_DOUBLE = NamedNode(XSD + "double")
XSD_DATE = NamedNode(XSD + "date")
XSD_DATETIME = NamedNode(XSD + "dateTime")
RDF_LANGSTRING = NamedNode(RDF + "langString")
RDF_TYPE = NamedNode(RDF + "type")

#: Datatypes whose values are integers (the xsd:integer family).
INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)

# Kinds of literal value, as returned by literal_value().
INTEGER, DECIMAL, DOUBLE = 0, 1, 2  # numeric kinds, in promotion order
STRING, LANG_STRING, BOOLEAN, DATETIME, DATE, OTHER, INVALID = 3, 4, 5, 6, 7, 8, 9
NUMERIC_KINDS = (INTEGER, DECIMAL, DOUBLE)

_DECIMAL_QUANTUM = Decimal(1).scaleb(-18)
_DATETIME_RE = re.compile(
    r"(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)
_DATE_RE = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?")
_INTEGER_RE = re.compile(r"[+-]?\d+")
_DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE_RE = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|NaN)")


class ExprError(Exception):
    """A SPARQL expression error (type error, unbound variable): not a user-facing error.

    It never leaves the engine: a FILTER that raises it rejects the solution,
    a BIND that raises it leaves its variable unbound, as SPARQL says.
    """


def is_literal(term: Term) -> bool:
    """True for literals (the terms that may never be a subject or a predicate)."""
    return isinstance(term, Literal)


@lru_cache(maxsize=65536)
def literal_value(lit: Literal) -> tuple[int, Any]:
    """The kind and Python value of a literal: ``(INTEGER, 3)``, ``(STRING, "x")`` ...

    Ill-typed literals (``"abc"^^xsd:integer``) are ``(INVALID, None)``;
    literals of other datatypes are ``(OTHER, lexical form)``.
    """
    dt = lit.datatype.value
    lex = lit.value
    try:
        if dt == XSD + "string":
            return STRING, lex
        if dt == RDF + "langString":
            return LANG_STRING, lex
        if dt in INTEGER_TYPES:
            return (INTEGER, int(lex)) if _INTEGER_RE.fullmatch(lex) else (INVALID, None)
        if dt == XSD + "decimal":
            return (DECIMAL, Decimal(lex)) if _DECIMAL_RE.fullmatch(lex) else (INVALID, None)
        if dt in (XSD + "double", XSD + "float"):
            if not _DOUBLE_RE.fullmatch(lex):
                return INVALID, None
            return DOUBLE, float(lex.replace("INF", "inf"))
        if dt == XSD + "boolean":
            if lex in ("true", "1"):
                return BOOLEAN, True
            if lex in ("false", "0"):
                return BOOLEAN, False
            return INVALID, None
        if dt == XSD + "dateTime":
            value = _parse_datetime(lex)
            return (DATETIME, value) if value is not None else (INVALID, None)
        if dt == XSD + "date":
            value = _parse_date(lex)
            return (DATE, value) if value is not None else (INVALID, None)
    except (ValueError, InvalidOperation):
        return INVALID, None
    return OTHER, lex


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def _parse_datetime(lex: str) -> datetime | None:
    match = _DATETIME_RE.fullmatch(lex)
    if not match:
        return None
    year, month, day, hour, minute, second, frac, tz = match.groups()
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    extra = timedelta(0)
    if hour == "24":  # 24:00:00 is midnight of the next day
        hour, extra = "00", timedelta(days=1)
    value = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, _tz(tz)
    )
    return value + extra


def _parse_date(lex: str) -> datetime | None:
    match = _DATE_RE.fullmatch(lex)
    if not match:
        return None
    year, month, day, tz = match.groups()
    return datetime(int(year), int(month), int(day), tzinfo=_tz(tz))


def numeric(term: Term | None) -> tuple[int, int | Decimal | float]:
    """The numeric kind and value of a term, or ExprError if it is not a valid number."""
    if isinstance(term, Literal):
        kind, value = literal_value(term)
        if kind <= DOUBLE:
            return kind, value
    raise ExprError("not a number")


def truncate_decimal(value: Decimal) -> Decimal:
    """``value`` truncated to Oxigraph's 18 fractional digits."""
    with localcontext() as ctx:
        ctx.prec = 80
        return value.quantize(_DECIMAL_QUANTUM, rounding=ROUND_DOWN)


def format_decimal(value: Decimal) -> str:
    """Oxigraph's form of a decimal: positional, no trailing zeros, ``3`` not ``3.0``."""
    text = format(truncate_decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_double(value: float) -> str:
    """Oxigraph's form of a double: the shortest round-trip digits, positional."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def integer_literal(value: int) -> Literal:
    """An xsd:integer literal."""
    return Literal(str(value), datatype=XSD_INTEGER)


def decimal_literal(value: Decimal) -> Literal:
    """An xsd:decimal literal in Oxigraph's form."""
    return Literal(format_decimal(value), datatype=XSD_DECIMAL)


def double_literal(value: float) -> Literal:
    """An xsd:double literal in Oxigraph's form."""
    return Literal(format_double(value), datatype=XSD_DOUBLE)


def boolean_literal(value: bool) -> Literal:
    """An xsd:boolean literal."""
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def numeric_literal(kind: int, value: int | Decimal | float) -> Literal:
    """A literal of numeric kind ``kind`` holding ``value``."""
    if kind == INTEGER:
        return integer_literal(int(value))
    if kind == DECIMAL:
        return decimal_literal(Decimal(value))
    return double_literal(float(value))


def canonical(term: Term) -> Term:
    """The term as Oxigraph stores it: valid numeric and boolean literals rewritten."""
    if not isinstance(term, Literal):
        return term
    kind, value = literal_value(term)
    dt = term.datatype.value
    if kind == INTEGER and dt == XSD + "integer":
        return integer_literal(value)
    if kind == DECIMAL:
        return decimal_literal(value)
    if kind == DOUBLE and dt == XSD + "double":
        return double_literal(value)
    if kind == BOOLEAN:
        return boolean_literal(value)
    return term


def skolem_iri(args: Sequence[Term]) -> NamedNode:
    """The deterministic IRI ``semcrm:skolem(args...)`` mints."""
    digest = hashlib.sha256(" ".join(str(arg) for arg in args).encode("utf-8")).hexdigest()
    return NamedNode(SKOLEM_BASE + digest[:16])


def order_key(term: Term | None) -> tuple[Any, ...]:
    """A sort key in SPARQL ORDER BY order (used by MIN and MAX).

    Unbound < blank nodes < IRIs < literals; numbers compare by value, strings
    by code point, other literals by datatype then lexical form.
    """
    if term is None:
        return (0,)
    if isinstance(term, BlankNode):
        return (1, term.value)
    if isinstance(term, NamedNode):
        return (2, term.value)
    kind, value = literal_value(term)
    if kind in NUMERIC_KINDS and value == value:
        return (3, 0, value)
    if kind == STRING:
        return (3, 1, value)
    return (3, 2, term.datatype.value, term.language or "", term.value)


__all__ = [
    "BOOLEAN",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "DOUBLE",
    "INTEGER",
    "INVALID",
    "LANG_STRING",
    "NUMERIC_KINDS",
    "OTHER",
    "RDF_LANGSTRING",
    "RDF_TYPE",
    "SKOLEM_BASE",
    "STRING",
    "XSD",
    "XSD_BOOLEAN",
    "XSD_DATE",
    "XSD_DATETIME",
    "XSD_DECIMAL",
    "XSD_DOUBLE",
    "XSD_INTEGER",
    "XSD_STRING",
    "ExprError",
    "Fact",
    "Term",
    "boolean_literal",
    "canonical",
    "decimal_literal",
    "double_literal",
    "format_decimal",
    "format_double",
    "integer_literal",
    "is_literal",
    "literal_value",
    "numeric",
    "numeric_literal",
    "order_key",
    "skolem_iri",
    "truncate_decimal",
]
