"""The tokenizer of the rule language (the SPARQL 1.1 terminals rules use).

One regular expression per terminal, tried in a fixed order at each position;
every token keeps its line and column (1-based, inside the text given) so the
parser's messages can point at it. Whitespace and ``#`` comments separate
tokens and are dropped.

Two SPARQL ambiguities are settled here, as the SPARQL grammar does: ``<``
starts an IRI only when a whole IRI reference follows (``?a < ?b`` is a
comparison), and a number never carries its sign (the parser joins ``-`` and
a number in term position, and treats it as subtraction in expressions, which
gives the same value).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = r"(?:[^\W\d_](?:[\w\-.]*[\w\-])?)?"
_PN_LOCAL = rf"(?:(?:[\w:]|{_PLX})(?:(?:[\w\-.:]|{_PLX})*(?:[\w\-:]|{_PLX}))?)?"

# (kind, pattern) in the order they are tried.
_TERMINALS: list[tuple[str, re.Pattern[str]]] = [
    ("IRI", re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")),
    ("STRING", re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S)),
    ("STRING", re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S)),
    ("STRING", re.compile(r'"(?:[^"\\\n\r]|\\.)*"')),
    ("STRING", re.compile(r"'(?:[^'\\\n\r]|\\.)*'")),
    ("VAR", re.compile(r"[?$]([\w]+)")),
    ("LANGTAG", re.compile(r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)")),
    ("DOUBLE", re.compile(r"(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)")),
    ("DECIMAL", re.compile(r"\d*\.\d+")),
    ("INTEGER", re.compile(r"\d+")),
    ("PNAME", re.compile(rf"({_PN_PREFIX}):({_PN_LOCAL})")),
    ("BNODE", re.compile(r"_:[\w\-.]*")),
    ("NAME", re.compile(r"[A-Za-z_][A-Za-z0-9_]*")),
    ("OP", re.compile(r"\|\||&&|!=|<=|>=|\^\^|[{}()\[\].;,=<>!+\-*/]")),
]
_SPACE = re.compile(r"(?:\s+|#[^\n]*)+")


class SyntaxProblem(Exception):
    """A problem at a place in the text; the parser turns it into a RuleLoadError."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"line {line}, column {column}: {message}")


@dataclass(frozen=True)
class Token:
    """One terminal: its kind, its source text, its decoded value and its place."""

    kind: str  # IRI STRING VAR LANGTAG DOUBLE DECIMAL INTEGER PNAME BNODE NAME OP EOF
    text: str
    value: str | tuple[str, str]
    line: int
    column: int
    end: int  # offset just after the token, to tell "-5" from "- 5"
    start: int

    def is_op(self, *texts: str) -> bool:
        """True when the token is one of the punctuation/operator ``texts``."""
        return self.kind == "OP" and self.text in texts

    def is_word(self, *words: str) -> bool:
        """True when the token is one of the (case-insensitive) keywords ``words``."""
        return self.kind == "NAME" and self.text.upper() in words

    def shown(self, end_name: str) -> str:
        """How a message quotes the token (``'FILTER'``, or "end of body")."""
        if self.kind == "EOF":
            return f"end of {end_name}"
        text = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return f"'{text}'"


def _unescape(body: str, line: int, column: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in ("u", "U"):
            width = 4 if nxt == "u" else 8
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                raise SyntaxProblem(f"bad \\{nxt} escape in string", line, column)
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            raise SyntaxProblem(f"unknown escape '\\{nxt}' in string", line, column)
    return "".join(out)


def _match_terminal(text: str, pos: int) -> tuple[str, re.Match[str] | None]:
    for kind, pattern in _TERMINALS:
        match = pattern.match(text, pos)
        if match:
            return kind, match
    return "", None


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an EOF token; SyntaxProblem on a bad character."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def place(offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(newlines, offset)
        start = newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    tokens: list[Token] = []
    pos = 0
    while True:
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
        if pos >= len(text):
            line, column = place(pos)
            tokens.append(Token("EOF", "", "", line, column, pos, pos))
            return tokens
        line, column = place(pos)
        kind, match = _match_terminal(text, pos)
        if match is None:
            raise SyntaxProblem(f"unexpected character '{text[pos]}'", line, column)
        raw = match.group(0)
        value: str | tuple[str, str] = raw
        if kind == "IRI":
            value = match.group(1)
        elif kind == "STRING":
            quote = 3 if raw[:3] in ('"""', "'''") else 1
            value = _unescape(raw[quote:-quote], line, column)
        elif kind in ("VAR", "LANGTAG"):
            value = match.group(1)
        elif kind == "PNAME":
            value = (match.group(1), re.sub(r"\\(.)", r"\1", match.group(2)))
        tokens.append(Token(kind, raw, value, line, column, match.end(), pos))
        pos = match.end()


__all__ = ["SyntaxProblem", "Token", "tokenize"]
