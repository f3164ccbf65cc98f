"""Cypher confined to what a caller may read: every node and relationship it matches must be
of a readable tier.

The projection gives every node and relationship ``_sensitivity``, the strictest tier of the
graphs its facts come from (for derived facts, of the interactions behind them), and
``_protectedTier`` when it holds a protected field (:mod:`.projection`). :func:`confine`
rewrites a read-only query so that each node pattern and each relationship pattern of its
``MATCH`` clauses carries an inline ``WHERE`` on those properties::

    MATCH (o:semcrm__Organization)-[r]->(i) RETURN o, i
    MATCH (o:semcrm__Organization WHERE <guard o>)-[r WHERE <guard r>]->(i WHERE <guard i>)
    RETURN o, i

with ``<guard x>`` = ``x._sensitivity IN $__semcrm_tiers AND (x._protectedTier IS NULL OR
x._protectedTier IN $__semcrm_fields)``. Nodes that only carry ``uri`` (no tier) and the
bookkeeping nodes are never matched.

Patterns can hide elsewhere in Cypher (pattern predicates and comprehensions, ``EXISTS``/
``COUNT``/``COLLECT`` subqueries, ``CALL``, ``shortestPath``, quantified and
variable-length paths), so the rewrite **fails closed**: anything outside the subset it
understands is refused with :class:`CypherRefused` naming the construct, rather than run
unguarded. The subset: ``MATCH``/``OPTIONAL MATCH`` with node and fixed-length relationship
patterns (labels, property maps, inline ``WHERE``), ``WHERE``, ``WITH``, ``UNWIND``,
``RETURN``, ``ORDER BY``, ``SKIP``, ``LIMIT``, ``UNION`` and any expression without a
pattern in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from semcrm.ontology.neo4j.errors import CypherRefused

PREFIX = "__semcrm"
TIERS_PARAM = f"{PREFIX}_tiers"
FIELDS_PARAM = f"{PREFIX}_fields"

_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<comment>//[^\n]*|/\*[\s\S]*?\*/)"
    r"|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<name>`(?:[^`]|``)*`)|(?P<param>\$(?:[A-Za-z_]\w*|`(?:[^`]|``)*`|\d+))"
    r"|(?P<word>[A-Za-z_]\w*)|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<punct>.)",
    re.S,
)
#: clause keywords that end a MATCH clause's pattern
_CLAUSES = frozenset(
    [
        "WHERE",
        "WITH",
        "RETURN",
        "UNWIND",
        "ORDER",
        "SKIP",
        "LIMIT",
        "UNION",
        "MATCH",
        "OPTIONAL",
        "CALL",
        "USING",
    ]
)
_REFUSED_WORDS = {
    "CALL": "CALL (procedures and subqueries)",
    "SHORTESTPATH": "shortestPath",
    "ALLSHORTESTPATHS": "allShortestPaths",
    "SHOW": "SHOW",
    "FOREACH": "FOREACH",
    "LOAD": "LOAD CSV",
    "USE": "USE",
    "ANY": None,  # ANY SHORTEST is refused below; any(x IN ...) is a function
    "SHORTEST": "SHORTEST paths",
    "REPEATABLE": "REPEATABLE ELEMENTS",
    "DIFFERENT": "DIFFERENT RELATIONSHIPS",
}
_SUBQUERY_WORDS = frozenset({"EXISTS", "COUNT", "COLLECT"})


@dataclass
class _Tok:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _tokens(query: str) -> list[_Tok]:
    return [_Tok(m.lastgroup or "punct", m.group()) for m in _TOKEN.finditer(query)]


def guard(variable: str) -> str:
    """The predicate a matched node or relationship must satisfy."""
    return (
        f"{variable}._sensitivity IN ${TIERS_PARAM} AND ({variable}._protectedTier IS NULL "
        f"OR {variable}._protectedTier IN ${FIELDS_PARAM})"
    )


def confine(
    query: str, tiers: list[str], fields: list[str], parameters: dict | None = None
) -> tuple[str, dict]:
    """``query`` rewritten to match only nodes and relationships whose tier is in ``tiers``
    and whose protected fields (if any) are of a tier in ``fields``, with the parameters to
    send (module docstring).

    Raises:
        CypherRefused: the query uses a construct outside the understood subset, or names
            a parameter or variable starting with ``__semcrm``.
    """
    params = dict(parameters or {})
    if any(str(k).startswith(PREFIX) for k in params):
        raise CypherRefused(f"parameter names starting with {PREFIX} are reserved")
    return _Rewriter(_tokens(query)).run(), {
        **params,
        TIERS_PARAM: list(tiers),
        FIELDS_PARAM: list(fields),
    }


class _Rewriter:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.toks = tokens
        self.i = 0
        self.out: list[str] = []
        self.fresh = 0

    # -- helpers ----------------------------------------------------------------------

    def _peek(self, skip: int = 0) -> _Tok | None:
        """The ``skip``-th significant token from the current position."""
        j, seen = self.i, 0
        while j < len(self.toks):
            if self.toks[j].kind not in ("space", "comment"):
                if seen == skip:
                    return self.toks[j]
                seen += 1
            j += 1
        return None

    def _take(self) -> _Tok:
        """Copy whitespace and comments, then return (and copy) the next significant token."""
        while self.toks[self.i].kind in ("space", "comment"):
            self.out.append(self.toks[self.i].text)
            self.i += 1
        tok = self.toks[self.i]
        self.i += 1
        self.out.append(tok.text)
        return tok

    def _name(self, prefix: str) -> str:
        self.fresh += 1
        return f"{PREFIX}_{prefix}{self.fresh}"

    @staticmethod
    def _refuse(what: str) -> CypherRefused:
        return CypherRefused(
            f"{what} is not available to callers below full clearance: their Cypher is "
            "confined to the tiers they may read, and this construct cannot be confined "
            "(use MATCH patterns, or SPARQL, which is confined to the same tiers)"
        )

    def _check(self, tok: _Tok, previous: _Tok | None, following: _Tok | None) -> None:
        """Refusals that apply everywhere (outside patterns too)."""
        word = tok.upper
        if tok.kind in ("word", "name") and tok.text.strip("`").startswith(PREFIX):
            raise CypherRefused(f"names starting with {PREFIX} are reserved")
        if (previous is not None and previous.text in (".", ":")) or (
            following is not None and following.text == ":"
        ):
            return  # a property key, a label or a map key, not a keyword
        if _REFUSED_WORDS.get(word):
            raise self._refuse(_REFUSED_WORDS[word])
        if word in _SUBQUERY_WORDS and following is not None and following.text == "{":
            raise self._refuse(f"{word} {{ ... }} subqueries")
        if word == "ANY" and following is not None and following.upper == "SHORTEST":
            raise self._refuse("ANY SHORTEST paths")

    # -- the walk ---------------------------------------------------------------------

    def run(self) -> str:
        previous: _Tok | None = None
        depth = 0
        while self._peek() is not None:
            tok = self._peek()
            self._check(tok, previous, self._peek(1))
            if depth == 0 and tok.upper == "MATCH" and (previous is None or previous.text != "."):
                self._take()
                self._pattern()
                previous = None
                continue
            # outside patterns: no pattern may appear in an expression
            if previous is not None and _opens_pattern(previous, tok):
                raise self._refuse(
                    "a pattern inside an expression (pattern predicate or comprehension)"
                )
            if tok.text in "([{":
                depth += 1
            elif tok.text in ")]}":
                depth -= 1
            previous = self._take()
        return "".join(self.out)

    def _pattern(self) -> None:
        """A MATCH clause's comma-separated path patterns, up to the next clause."""
        while True:
            tok = self._peek()
            if tok is None or tok.upper in _CLAUSES or tok.text == ";":
                return
            if tok.kind in ("word", "name"):  # a path variable: p = (...)
                self._check(tok, None, self._peek(1))
                nxt = self._peek(1)
                if nxt is None or nxt.text != "=":
                    raise self._refuse(f"{tok.text!r} where a pattern was expected")
                self._take()
                self._take()
                continue
            if tok.text == ",":
                self._take()
                continue
            if tok.text != "(":
                raise self._refuse(f"{tok.text!r} in a MATCH pattern")
            self._node()
            while self._relationship():
                nxt = self._peek()
                if nxt is None or nxt.text != "(":
                    raise self._refuse("a relationship not followed by a node")
                self._node()
            after = self._peek()
            if after is not None and after.text in ("{", "+", "*"):
                raise self._refuse("quantified path patterns")

    def _node(self) -> None:
        self._take()  # (
        first = self._peek()
        if first is not None and first.text == "(":
            raise self._refuse("parenthesised (quantified) path patterns")
        if first is not None and first.kind in ("word", "name") and first.upper != "WHERE":
            self._check(first, None, self._peek(1))
            variable = self._take().text
        else:
            variable = self._name("n")
            self.out.append(variable)
        self._inner(")", variable)

    def _relationship(self) -> bool:
        """A relationship pattern, if one comes next: ``-[...]->``, ``<-[...]-``, ``--``, ``-->``,
        ``<--``; rewritten to a bracketed one with its guard."""
        tok = self._peek()
        if tok is None or tok.text not in ("-", "<"):
            return False
        if tok.text == "<":
            self._take()
            if (nxt := self._peek()) is None or nxt.text != "-":
                raise self._refuse("'<' in a MATCH pattern")
        self._take()  # -
        nxt = self._peek()
        if nxt is not None and nxt.text == "[":
            self._take()
            first = self._peek()
            if first is not None and first.kind in ("word", "name") and first.upper != "WHERE":
                self._check(first, None, self._peek(1))
                variable = self._take().text
            else:
                variable = self._name("r")
                self.out.append(variable)
            self._inner("]", variable)
            if (dash := self._peek()) is None or dash.text != "-":
                raise self._refuse("a relationship pattern without its closing '-'")
            self._take()
        elif nxt is not None and nxt.text == "-":
            self.i_skip_to(nxt)
            self.out.append(f"[{(v := self._name('r'))} WHERE {guard(v)}]-")
        else:
            raise self._refuse("a relationship pattern Cypher does not have")
        if (arrow := self._peek()) is not None and arrow.text == ">":
            self._take()
        return True

    def i_skip_to(self, tok: _Tok) -> None:
        """Drop the next significant token (``tok``), keeping whitespace before it."""
        while self.toks[self.i] is not tok:
            self.out.append(self.toks[self.i].text)
            self.i += 1
        self.i += 1

    def _inner(self, close: str, variable: str) -> None:
        """The rest of a node or relationship pattern after its variable, with the guard:
        labels or types, a property map, an inline WHERE, up to ``close``."""
        depth = 0
        where = False
        previous: _Tok | None = None
        while True:
            tok = self._peek()
            if tok is None:
                raise self._refuse("an unclosed pattern")
            if depth == 0 and tok.text == close:
                if where:
                    self.out.append(f") AND ({guard(variable)})")
                else:
                    self.out.append(f" WHERE {guard(variable)}")
                self._take()
                return
            self._check(tok, previous, self._peek(1))
            if close == "]" and depth == 0 and tok.text == "*":
                raise self._refuse("variable-length relationships")
            if previous is not None and _opens_pattern(previous, tok):
                raise self._refuse("a pattern inside an expression")
            if depth == 0 and tok.upper == "WHERE":
                self._take()
                self.out.append(" (")
                where = True
                previous = None
                continue
            if tok.text in "([{":
                depth += 1
            elif tok.text in ")]}":
                depth -= 1
            previous = self._take()


def _opens_pattern(previous: _Tok, tok: _Tok) -> bool:
    """Two significant tokens that can only (or most likely) be part of a pattern:
    ``)-``, ``)<``, ``-(``, ``>(``, ``-[``, ``]-``, ``]<``; refusing the arithmetic ones
    among them (``(a)-1``) is the price of failing closed."""
    pair = previous.text + tok.text
    return (
        previous.kind == "punct"
        and tok.kind == "punct"
        and pair
        in {
            ")-",
            ")<",
            "-(",
            ">(",
            "-[",
            "]-",
            "]<",
        }
    )


__all__ = ["FIELDS_PARAM", "TIERS_PARAM", "confine", "guard"]
