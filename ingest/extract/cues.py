"""Cue matches in one turn, with the clause they sit in and their polarity.

The span ruler (:mod:`semcrm.ingest.nlp.pipeline`) marks every ontology
phrase in a turn. This module groups those spans into clauses and decides,
for each cue, whether it is **negated** ("价格我们倒不是最担心的", "we are not
worried about the price"), **hedged** ("可能", "might") or **sarcastic**
(praise in quotation marks: 这系统可“真专业”, "great, just great"), so that
a negation, a hedge or sarcasm never flips a meaning. The scopes are
deliberately local (the cue's own clause) because CRM utterances are short
and a wider scope negates cues that were never denied.

The intent classifier's answers (``doc._.intents``, see
:mod:`semcrm.ingest.nlp.intents`) become cues too: kind ``intent``, the
sentence as their clause, and the classifier's ``probability`` (a phrase cue
has none). A sentence's hedge words hedge them; negation is left to the
classifier, which has seen denied intents among its examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from semcrm.ingest.nlp.pipeline import SPANS_KEY
from semcrm.ontology.loader import local_name

# Clause boundaries: sentence punctuation, commas, colons, line breaks.
_CLAUSE_END = re.compile(r"[。！？!?；;，,：:\n]+|(?<=[a-z0-9])\.(?=\s|$)|\s-\s|——")
# Negation words must be this close before the cue (in characters) to negate it.
NEGATION_WINDOW = 8
_QUOTES = ("“”", '""', "「」", "『』", "‘’")
#: Characters a pair of scare quotes may hold besides the praise they mark.
SCARE_QUOTE_SLACK = 4


@dataclass(frozen=True)
class Clause:
    start: int  # offsets within the turn text
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Cue:
    kind: str  # span label: "intent", "need", "objection", "emotion", "role", "lex", ...
    concept: str  # IRI
    start: int  # offsets within the turn text
    end: int
    clause: Clause
    negated: bool
    hedged: bool
    sarcastic: bool
    probability: float | None = None  # set for a classifier's cue, None for a phrase cue

    @property
    def from_model(self) -> bool:
        """True for a cue the intent classifier gave (its clause is a whole sentence)."""
        return self.probability is not None

    @property
    def name(self) -> str:
        return local_name(self.concept).removeprefix("lex-")


def clauses(text: str) -> list[Clause]:
    """Split a turn into clauses (non-empty, whitespace-trimmed spans)."""
    out: list[Clause] = []
    position = 0
    for match in _CLAUSE_END.finditer(text):
        _append(out, text, position, match.start())
        position = match.end()
    _append(out, text, position, len(text))
    return out


def _append(out: list[Clause], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Clause(start, end))


def turn_cues(doc: Doc, text: str) -> list[Cue]:
    """Every cue span of the turn, resolved for polarity.

    ``doc`` is the folded turn text processed by the pipeline, ``text`` the
    original turn text (same length).
    """
    spans: list[Span] = list(doc.spans.get(SPANS_KEY, []))
    parts = clauses(text)
    lex = [s for s in spans if s.label_ == "lex"]
    out: list[Cue] = []
    for span in spans:
        start, end = span.start_char, span.end_char
        clause = _clause_of(parts, start, end)
        if span.label_ == "lex":
            out.append(Cue("lex", span.id_, start, end, clause, False, False, False))
            continue
        negated = _negated(lex, text, clause, start, end)
        hedged = any(
            _lex_name(s) == "hedge" and clause.contains(s.start_char, s.end_char) for s in lex
        )
        sarcastic = _quoted(text, start, end) or any(
            _lex_name(s) == "sarcasm" and clause.contains(s.start_char, s.end_char) for s in lex
        )
        out.append(Cue(span.label_, span.id_, start, end, clause, negated, hedged, sarcastic))
    for tagged in doc._.intents or ():
        sentence = Clause(tagged.start, tagged.end)
        hedged = any(
            _lex_name(s) == "hedge" and sentence.contains(s.start_char, s.end_char) for s in lex
        )
        prediction = tagged.prediction
        out.append(
            Cue(
                "intent",
                prediction.label,
                tagged.start,
                tagged.end,
                sentence,
                False,
                hedged,
                False,
                prediction.probability,
            )
        )
    return out


def has_lex(cues: list[Cue], name: str, clause: Clause | None = None) -> bool:
    """True when a lexicon cue ``name`` (e.g. "question") occurs, optionally in ``clause``."""
    return any(
        c.kind == "lex" and c.name == name and (clause is None or clause.contains(c.start, c.end))
        for c in cues
    )


def _lex_name(span: Span) -> str:
    return local_name(span.id_).removeprefix("lex-")


def _clause_of(parts: list[Clause], start: int, end: int) -> Clause:
    for clause in parts:
        if clause.start <= start < clause.end:
            return Clause(clause.start, max(clause.end, end))
    return Clause(start, end)


def _negated(lex: list[Span], text: str, clause: Clause, start: int, end: int) -> bool:
    for span in lex:
        name = _lex_name(span)
        if not clause.contains(span.start_char, span.end_char):
            continue
        if name == "negated-concern":
            return True  # "…不是最担心的" / "not our main concern" denies the clause's concerns
        if (
            name == "negation"
            and span.end_char <= start
            and start - span.end_char <= NEGATION_WINDOW
        ):
            # a negation word directly before the cue ("不需要", "not interested")
            between = text[span.end_char : start]
            if not re.search(r"[但却可是]|but|though", between):
                return True
    return False


def _quoted(text: str, start: int, end: int) -> bool:
    """True when the cue lies inside a pair of quotation marks in its sentence."""
    for pair in _QUOTES:
        opening, closing = pair[0], pair[1]
        left = text.rfind(opening, 0, start)
        if left == -1:
            continue
        right = text.find(closing, end)
        if right != -1 and "\n" not in text[left:right] and right - left <= 40:
            if opening == closing and text[left + 1 : start].count(opening) % 2:
                continue
            # scare quotes hold little but the praise (可“真专业”, “靠谱”); a longer
            # quotation is reported speech (X表示“这个方案可以，比想象的好”), not sarcasm
            outside = (right - left - 1) - (end - start)
            return outside <= SCARE_QUOTE_SLACK
    return False
