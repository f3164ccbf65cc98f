"""Emotion per clause: which emotion a clause shows, how strongly, with polarity kept right.

A turn can change its stance half-way ("两周？不太相信。要真能两周上线，预算我可以去争取":
doubt, then interest), and minutes narrate a whole exchange in one line
("…现场试运行了新流程。X表示“要是一直这样，我们就放心了”，态度明显缓和"), so the
emotion is scored clause by clause, in order. What a clause votes with:

* the ontology's **emotion cues** (``taxonomies.ttl``), each 1.0, a hedged one 0.6;
* praise that is **sarcastic** (quoted "真专业", "great, just great" next to a sarcasm
  marker) is doubt, not praise: it votes *skeptical*; a **negated** positive cue ("not
  impressed", "不满意") votes *skeptical* too, a negated negative one ("不着急", "not
  worried") votes nothing;
* a **complaint** or **sarcasm** marker (lexicon.ttl: "又坏了", "oh great") votes
  *frustrated*, and an objection whose cause is distrust (an earlier failure, doubt
  about claims) votes *skeptical*, each 0.5, a customer's "!!" or "？？" votes *angry*
  0.5 per run, and a short clause that only says yes ("可以。", "行", "OK") votes
  *neutral* 0.5: weaker than a named emotion.

The clause's emotion is its strongest vote (a negative one wins a tie: "fine, but…" is
not praise). Polarity is the emotion's group: negative (angry, frustrated, anxious,
skeptical, disappointed), positive (curious … enthusiastic) or neutral.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from semcrm.ingest.extract.cues import Clause, Cue, clauses
from semcrm.ingest.extract.model import VENDOR
from semcrm.ontology.namespaces import EMOTION, OBJECTION

HEDGE_FACTOR = 0.6
WEAK = 0.5
NEGATIVE_EMOTIONS = frozenset(
    str(EMOTION[n]) for n in ("angry", "frustrated", "anxious", "skeptical", "disappointed")
)
POSITIVE_EMOTIONS = frozenset(
    str(EMOTION[n]) for n in ("curious", "interested", "relieved", "satisfied", "enthusiastic")
)
NEUTRAL = str(EMOTION["neutral"])
SKEPTICAL = str(EMOTION["skeptical"])
FRUSTRATED = str(EMOTION["frustrated"])
ANGRY = str(EMOTION["angry"])
#: Objection causes that voice distrust of the vendor rather than a business constraint.
DISTRUST_CAUSES = frozenset(str(OBJECTION[n]) for n in ("past_bad_experience", "trust_reference"))
_PRESSING = re.compile(r"[!！]{2,}|[?？]{2,}")
#: A clause of at most this many characters that ends in a yes is an acceptance.
ACCEPT_MAX_CHARS = 14
SHORT_WORDS = 6
_ACCEPT = re.compile(
    r"^(?:那|那就|这样|也|就这么)?(?:可以|行|好|好的|好吧|没问题|成交)[啊吧呀的了]?$"
    r"|^.{1,10}[^不没]可以$"
    r"|^(?:ok|okay|fine|good|sure|deal|do that|sounds good|that works)(?: then)?$",
    re.I,
)


@dataclass(frozen=True)
class ClauseEmotion:
    """The emotion one clause shows."""

    concept: str  # emotion IRI
    clause: Clause
    strength: float  # the winning vote
    cue: Cue | None  # the deciding cue, None for punctuation

    @property
    def polarity(self) -> int:
        return polarity(self.concept)


def polarity(concept: str) -> int:
    """-1 for a negative emotion, +1 for a positive one, 0 for neutral."""
    if concept in NEGATIVE_EMOTIONS:
        return -1
    return 1 if concept in POSITIVE_EMOTIONS else 0


def clause_emotions(text: str, cues: list[Cue], side: str) -> list[ClauseEmotion]:
    """The emotion of every clause of a turn that shows one, in text order."""
    votes: dict[Clause, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    deciding: dict[tuple[Clause, str], Cue] = {}

    def vote(clause: Clause, concept: str, weight: float, cue: Cue | None) -> None:
        votes[clause][concept] += weight
        if cue is not None:
            deciding.setdefault((clause, concept), cue)

    for cue in cues:
        weight = HEDGE_FACTOR if cue.hedged else 1.0
        if cue.kind == "emotion":
            concept = cue.concept
            if concept == NEUTRAL and not _short(text, cue.clause):
                continue  # an acknowledgement is short: "知道了" in "要是知道了…" is not one
            if concept in POSITIVE_EMOTIONS and (cue.sarcastic or cue.negated):
                concept = SKEPTICAL
            elif cue.negated and concept in NEGATIVE_EMOTIONS:
                continue  # "不着急", "not worried": no emotion to record
            vote(cue.clause, concept, weight, cue)
        elif side != VENDOR and cue.kind == "lex" and cue.name in ("complaint", "sarcasm"):
            vote(cue.clause, FRUSTRATED, WEAK * weight, cue)
        elif (
            side != VENDOR
            and cue.kind == "objection"
            and cue.concept in DISTRUST_CAUSES
            and not cue.negated
        ):
            vote(cue.clause, SKEPTICAL, WEAK * weight, cue)
    if side != VENDOR:
        for match in _PRESSING.finditer(text):
            clause = _clause_before(cues, text, match.start())
            vote(clause, ANGRY, WEAK, None)
        for clause in clauses(text):
            if clause not in votes and _accepts(text, clause):
                vote(clause, NEUTRAL, WEAK, None)
    out: list[ClauseEmotion] = []
    for clause, tally in votes.items():
        best = max(tally, key=lambda c: (tally[c], polarity(c) < 0, c))
        out.append(ClauseEmotion(best, clause, tally[best], deciding.get((clause, best))))
    out.sort(key=lambda e: e.clause.start)
    return _merge_same_clause(out)


def _short(text: str, clause: Clause) -> bool:
    """At most ``ACCEPT_MAX_CHARS`` Chinese characters and ``SHORT_WORDS`` Latin words."""
    body = text[clause.start : clause.end]
    cjk = sum(1 for c in body if "\u4e00" <= c <= "\u9fff")
    return cjk <= ACCEPT_MAX_CHARS and len(re.findall(r"[A-Za-z']+", body)) <= SHORT_WORDS


def _accepts(text: str, clause: Clause) -> bool:
    """A short clause that only says yes ("可以。", "Field test可以", "行。", "OK", "Do that.")."""
    body = text[clause.start : clause.end].strip()
    after = text[clause.end : clause.end + 1]
    if after in ("?", "？") or len(body) > ACCEPT_MAX_CHARS:
        return False
    return bool(_ACCEPT.search(body))


def _clause_before(cues: list[Cue], text: str, position: int) -> Clause:
    """The clause a run of "!!" closes: the cue clause ending there, else the text before it."""
    for cue in cues:
        if cue.clause.end <= position and not text[cue.clause.end : position].strip():
            return cue.clause
    start = max((m.end() for m in re.finditer(r"[。！？!?；;\n]", text[:position])), default=0)
    while start < position and text[start].isspace():
        start += 1
    return Clause(start, max(position, start + 1))


def _merge_same_clause(events: list[ClauseEmotion]) -> list[ClauseEmotion]:
    """Clauses that overlap (a cue's clause stretched past a comma) keep the stronger."""
    out: list[ClauseEmotion] = []
    for event in events:
        if out and event.clause.start < out[-1].clause.end:
            if event.strength > out[-1].strength:
                out[-1] = event
            continue
        out.append(event)
    return out
