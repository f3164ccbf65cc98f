"""Stated needs, clause by clause: requirements, requests and constraints.

A customer states a need in three shapes, each a lexicon entry of the
ontology (``lexicon.ttl``):

* a **requirement** ("必须行内部署", "we need", "shall conform", "不少于3次");
* a **request** to the vendor ("报价单发过来", "please send", "can you refund");
* a **constraint**, worded negatively but still a need ("数据不能出厂",
  "must not leave the site"): its negation is part of the need, not a denial.

Every clause of a customer's (or an unattributed) turn that holds one of
these markers is one stated need, with the clause as its evidence and the
need topic named in the clause (a ``need`` cue) as what it is about. What
keeps this from reading needs where none are stated:

* a requirement or request right after a negation is denied ("不需要", "we
  don't need", "not asking for") and gives nothing;
* the modal 得 (děi, "have to") counts only after a subject or an adverb
  that makes it one ("你们得", "也得", "还是得"), not in "做得好" or the
  speaker's own to-do "我得回去问问";
* ★ marks a mandatory clause only at the clause's start, not when quoted
  ("标注“★”的条款") or mentioned mid-sentence;
* a clause that is little more than the marker (a heading such as
  "3.2 技术要求") is not a need;
* a hedged marker ("可能需要", "might need") keeps the need with a lower
  confidence.
"""

from __future__ import annotations

import re

from semcrm.ingest.extract.cues import Clause, Cue
from semcrm.ingest.extract.model import VENDOR, Evidence, Signal
from semcrm.ingest.model import Turn

MARKERS = ("requirement", "request", "constraint")
#: The least number of content characters (letters, digits, CJK) a clause needs beyond
#: its marker to be a need rather than a heading.
MIN_CONTENT = 3
#: Characters before the modal 得 that make it "have to" (and not a complement particle).
_DEI_BEFORE = ("们", "也", "都", "你", "您", "还是", "必", "总")
_NEGATED_BEFORE = re.compile(
    r"(?:[不没无别]|不是|并不|无需|不用)$|(?:\bnot|n't|\bno|\bnever)\s*$", re.I
)
_CONTENT = re.compile(r"[A-Za-z\u4e00-\u9fff]")
_NUMBERING = re.compile(r"^[\s\d.．、()（）一二三四五六七八九十]*")


def stated_needs(
    turn: Turn,
    cues: list[Cue],
    side: str,
    person: str | None,
    base: float,
    hedge_factor: float,
    extractor: str,
) -> list[Signal]:
    """One stated-need signal per clause of ``turn`` that states a requirement."""
    if side == VENDOR:
        return []
    text = turn.text
    by_clause: dict[Clause, list[Cue]] = {}
    for cue in cues:
        if cue.kind == "lex" and cue.name in MARKERS and _counts(text, cue):
            by_clause.setdefault(cue.clause, []).append(cue)
    out: list[Signal] = []
    for clause, markers in sorted(by_clause.items(), key=lambda item: item[0].start):
        if not _has_content(text, clause, markers):
            continue
        hedged = any(
            c.kind == "lex" and c.name == "hedge" and clause.contains(c.start, c.end) for c in cues
        )
        topics = [c for c in cues if c.kind == "need" and clause.contains(c.start, c.end)]
        topic = next((c for c in topics if not c.negated), topics[0] if topics else None)
        confidence = round(base * (hedge_factor if hedged else 1.0), 4)
        evidence = Evidence(
            turn.index,
            turn.start + clause.start,
            turn.start + clause.end,
            text[clause.start : clause.end],
            extractor,
            confidence,
        )
        out.append(
            Signal(
                "need",
                topic.concept if topic else None,
                evidence,
                side,
                confidence,
                hedged=hedged,
                about=topic.concept if topic else None,
                person=person,
                cues=tuple(text[c.start : c.end] for c in markers),
            )
        )
    return out


def _counts(text: str, cue: Cue) -> bool:
    """Whether a marker cue, in its context, marks a requirement."""
    phrase = text[cue.start : cue.end]
    before = text[max(cue.clause.start, cue.start - 6) : cue.start]
    if phrase == "得":
        return before.endswith(_DEI_BEFORE)
    if phrase == "★":
        head = _NUMBERING.sub("", text[cue.clause.start : cue.start])
        return not head
    # "不需要", "we don't need": a denied requirement (a constraint's negation is its own)
    return cue.name == "constraint" or not _NEGATED_BEFORE.search(before)


def _has_content(text: str, clause: Clause, markers: list[Cue]) -> bool:
    """A clause that says more than its marker (not a heading such as "3.2 技术要求")."""
    chars = [
        i
        for i in range(clause.start, clause.end)
        if _CONTENT.match(text[i]) and not any(m.start <= i < m.end for m in markers)
    ]
    if len(chars) < MIN_CONTENT:
        return False
    body = _NUMBERING.sub("", text[clause.start : clause.end])
    return not re.fullmatch(r"[\w\s]{0,3}(?:要求|requirements?)", body, re.I)
