"""The string, term and cast functions of rule expressions, and ``semcrm:skolem``.

Each function takes terms and returns a term, or raises
:class:`~semcrm.reasoning.terms.ExprError` where SPARQL 1.1 says the call is
an error (for instance ``STRLEN`` of an IRI, or ``CONTAINS`` of two strings
with different language tags). :data:`STRING_FUNCTIONS` maps the upper-case
built-in names of :mod:`semcrm.reasoning.parser` to them.

Decision: REGEX takes the XPath pattern as a Python regular expression. The
two agree on everything rules are likely to use (classes, anchors,
quantifiers, alternation); flags ``i``, ``s``, ``m``, ``x`` and ``q`` are
supported. Compiled patterns are cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import BlankNode, Literal, NamedNode

from semcrm.reasoning.terms import (
    BOOLEAN,
    DECIMAL,
    DOUBLE,
    INTEGER,
    LANG_STRING,
    STRING,
    ExprError,
    Term,
    boolean_literal,
    integer_literal,
    literal_value,
    numeric_literal,
    skolem_iri,
)

_INTEGER_LEX = re.compile(r"[+-]?\d+")
_DECIMAL_LEX = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE_LEX = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|NaN)")


def _string(term: Term) -> tuple[str, str | None]:
    """The text and language of a string literal (simple, xsd:string or language-tagged)."""
    if isinstance(term, Literal):
        kind = literal_value(term)[0]
        if kind == STRING:
            return term.value, None
        if kind == LANG_STRING:
            return term.value, term.language
    raise ExprError("not a string literal")


def _like(text: str, language: str | None) -> Literal:
    return Literal(text, language=language) if language else Literal(text)


def _compatible(a: Term, b: Term) -> tuple[str, str]:
    """Arguments of CONTAINS/STRSTARTS/STRENDS: compatible strings (SPARQL 17.4.3.1.4)."""
    text_a, lang_a = _string(a)
    text_b, lang_b = _string(b)
    if lang_b is not None and lang_a != lang_b:
        raise ExprError("incompatible string arguments")
    return text_a, text_b


def fn_str(term: Term) -> Term:
    if isinstance(term, NamedNode):
        return Literal(term.value)
    if isinstance(term, Literal):
        return Literal(term.value)
    raise ExprError("STR of a blank node")


def fn_lang(term: Term) -> Term:
    if isinstance(term, Literal):
        return Literal(term.language or "")
    raise ExprError("LANG of a non-literal")


def fn_langmatches(tag: Term, pattern: Term) -> Term:
    text, _ = _string(tag)
    wanted, _ = _string(pattern)
    if wanted == "*":
        return boolean_literal(text != "")
    text, wanted = text.lower(), wanted.lower()
    return boolean_literal(text == wanted or text.startswith(wanted + "-"))


def fn_datatype(term: Term) -> Term:
    if isinstance(term, Literal):
        return term.datatype
    raise ExprError("DATATYPE of a non-literal")


def fn_iri(term: Term) -> Term:
    if isinstance(term, NamedNode):
        return term
    text, language = _string(term)
    if language is not None:
        raise ExprError("IRI of a language-tagged string")
    try:
        return NamedNode(text)
    except ValueError:
        raise ExprError("not an absolute IRI") from None


def fn_concat(*terms: Term) -> Term:
    parts = [_string(term) for term in terms]
    languages = {language for _, language in parts}
    language = languages.pop() if len(languages) == 1 else None
    return _like("".join(text for text, _ in parts), language)


def fn_strlen(term: Term) -> Term:
    return integer_literal(len(_string(term)[0]))


def fn_lcase(term: Term) -> Term:
    text, language = _string(term)
    return _like(text.lower(), language)


def fn_ucase(term: Term) -> Term:
    text, language = _string(term)
    return _like(text.upper(), language)


def fn_contains(a: Term, b: Term) -> Term:
    text, part = _compatible(a, b)
    return boolean_literal(part in text)


def fn_strstarts(a: Term, b: Term) -> Term:
    text, part = _compatible(a, b)
    return boolean_literal(text.startswith(part))


def fn_strends(a: Term, b: Term) -> Term:
    text, part = _compatible(a, b)
    return boolean_literal(text.endswith(part))


@lru_cache(maxsize=1024)
def _pattern(pattern: str, flags: str) -> re.Pattern[str]:
    value = 0
    for flag in flags:
        if flag == "q":
            pattern = re.escape(pattern)
            continue
        if flag not in "ismx":
            raise ExprError(f"unknown REGEX flag {flag!r}")
        value |= {"i": re.I, "s": re.S, "m": re.M, "x": re.X}[flag]
    try:
        return re.compile(pattern, value)
    except re.error:
        raise ExprError("bad regular expression") from None


def fn_regex(text: Term, pattern: Term, flags: Term | None = None) -> Term:
    value, _ = _string(text)
    source, language = _string(pattern)
    flag_text = _string(flags)[0] if flags is not None else ""
    if language is not None:
        raise ExprError("REGEX pattern must be a simple literal")
    return boolean_literal(_pattern(source, flag_text).search(value) is not None)


STRING_FUNCTIONS: dict[str, Callable[..., Term]] = {
    "STR": fn_str,
    "LANG": fn_lang,
    "LANGMATCHES": fn_langmatches,
    "DATATYPE": fn_datatype,
    "IRI": fn_iri,
    "URI": fn_iri,
    "CONCAT": fn_concat,
    "STRLEN": fn_strlen,
    "LCASE": fn_lcase,
    "UCASE": fn_ucase,
    "CONTAINS": fn_contains,
    "STRSTARTS": fn_strstarts,
    "STRENDS": fn_strends,
    "REGEX": fn_regex,
}


def cast(op: str, term: Term) -> Term:
    """The XSD constructor functions ``xsd:integer(...)`` etc. (SPARQL 17.5)."""
    if isinstance(term, BlankNode):
        raise ExprError("cannot cast a blank node")
    if op == "xsd:string":
        return Literal(term.value)
    if isinstance(term, NamedNode):
        raise ExprError("cannot cast an IRI to a number or boolean")
    kind, value = literal_value(term)
    if kind == STRING:
        return _from_string(op, value)
    if kind == BOOLEAN:
        value = int(value)
        kind = INTEGER
    if kind not in (INTEGER, DECIMAL, DOUBLE):
        raise ExprError("cannot cast this literal")
    if op == "xsd:boolean":
        return boolean_literal(value == value and value != 0)
    if op == "xsd:integer":
        if kind == DOUBLE and (value != value or value in (float("inf"), float("-inf"))):
            raise ExprError("cannot cast INF or NaN to an integer")
        return integer_literal(int(value))
    if op == "xsd:decimal":
        if kind == DOUBLE and (value != value or value in (float("inf"), float("-inf"))):
            raise ExprError("cannot cast INF or NaN to a decimal")
        return numeric_literal(DECIMAL, Decimal(repr(value)) if kind == DOUBLE else value)
    return numeric_literal(DOUBLE, float(value))


def _from_string(op: str, text: str) -> Term:
    if op == "xsd:integer" and _INTEGER_LEX.fullmatch(text):
        return integer_literal(int(text))
    if op == "xsd:decimal" and _DECIMAL_LEX.fullmatch(text):
        return numeric_literal(DECIMAL, Decimal(text))
    if op == "xsd:double" and _DOUBLE_LEX.fullmatch(text):
        return numeric_literal(DOUBLE, float(text.replace("INF", "inf")))
    if op == "xsd:boolean" and text in ("true", "false", "1", "0"):
        return boolean_literal(text in ("true", "1"))
    raise ExprError(f"'{text}' is not a valid lexical form for {op}")


def skolem(args: Sequence[Term]) -> Term:
    """``semcrm:skolem(...)``: the deterministic IRI of its arguments (terms.skolem_iri)."""
    return skolem_iri(args)


__all__ = ["STRING_FUNCTIONS", "cast", "skolem"]
