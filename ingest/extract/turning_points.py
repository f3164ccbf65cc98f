"""Emotion turning points: where the customer's stance changes, and what caused it.

The customer's emotion is followed clause by clause (:mod:`.emotions`), over every
turn of the customer's side (and of a speaker placed on the vendor's side who is plainly
aggrieved: a mis-sided customer). A turning point
is the customer's stance turning from negative (angry, frustrated, anxious, skeptical,
disappointed) to positive or to neutral acceptance ("还差不多", "fine, that's a start"),
the triggering turn being what the other side said just before:

* the other side's turn, between the negative stance and the change, that the
  customer echoes ("免费上门三次？" picks up "…我们可以免费上门三次…"; shared Chinese
  characters and English content words, not function words), else the closest such
  turn that offers, concedes or reports a fix (``semcrm:lex-offer``: "我们可以",
  "at no cost", "已全部同步"), else the closest turn of another speaker;
* in a narrated line ("X现场试运行了…。Y表示“要是一直这样…”，态度明显缓和"), the part of
  the line before the reaction, when there is one, else the line before.

A record is usually one conversation with one decisive change, so one change is kept:
an echoed one first, then a real change before mere acceptance, then the strongest (the
negativity it ends plus the strength of the new stance), a later change winning a tie.
Neutral acceptance ("行", "fine") does not end the negative stance, so a later, plainer
relief can still be the change; bare praise ("Perfect. Lovely.")
right after a grievance is sarcasm and changes nothing. A shift from neutral to negative
is not reported: it is mostly the customer describing the problem they came with.

Labels: the stance's label is the emotion voted most in the negative run; the new label
is the clause's own positive emotion (curiosity after doubt counts as interest), or, for
neutral acceptance, what acceptance means after that stance: anger and disappointment
calm down to neutral, frustration and anxiety are relieved, doubt turns to interest.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from semcrm.ingest.extract.emotions import ANGRY, NEUTRAL, polarity
from semcrm.ingest.extract.model import VENDOR, Evidence, Signal, TurningPoint
from semcrm.ingest.model import Interaction
from semcrm.ontology.namespaces import EMOTION

EXTRACTOR = "turning-points"
#: What neutral acceptance means after each negative stance.
ACCEPTANCE = {
    str(EMOTION["angry"]): NEUTRAL,
    str(EMOTION["disappointed"]): NEUTRAL,
    str(EMOTION["frustrated"]): str(EMOTION["relieved"]),
    str(EMOTION["anxious"]): str(EMOTION["relieved"]),
    str(EMOTION["skeptical"]): str(EMOTION["interested"]),
}
CURIOUS, INTERESTED = str(EMOTION["curious"]), str(EMOTION["interested"])
#: The most a negative stance's votes add to a change's score.
MAX_NEGATIVITY = 2.0
#: Stances after which bare praise is sarcasm, and how short "bare" is (words or characters).
GRIEVANCE = frozenset({ANGRY, str(EMOTION["frustrated"])})
PRAISE = frozenset(str(EMOTION[n]) for n in ("satisfied", "enthusiastic"))
#: The least confidence of an emotion named by a cue (weaker votes are indirect signs).
EXPLICIT = 0.6
#: The shortest echo (characters of a common substring) that ties a reaction to a turn.
MIN_ECHO = 6
_NARRATOR = "\x00narrator"
#: How much of a turn the echo search reads.
ECHO_SPAN = 600
_PLACEHOLDER = re.compile(r"\[[A-Z]+-[0-9A-F]+\]")
_TOKEN = re.compile(r"[\u4e00-\u9fff]|[a-z0-9][a-z0-9'.-]*[a-z0-9]|[a-z0-9]")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "has",
        "have",
        "i",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "this",
        "to",
        "us",
        "was",
        "we",
        "what",
        "will",
        "with",
        "you",
        "your",
    ]
)


@dataclass
class _Change:
    before: str
    after: str
    signal: Signal
    score: float
    since_turn: int  # the turn of the negative stance the change ends
    trigger: Evidence | None = None
    echoed: bool = False  # the customer picked up the trigger's words


def turning_points(
    interaction: Interaction,
    sides: dict[int, str],
    signals: list[Signal],
    offers: set[int] | frozenset[int] = frozenset(),
) -> list[TurningPoint]:
    """The customer's decisive change of stance, if any (``offers``: turns holding an offer
    or a concession, :data:`semcrm:lex-offer`)."""
    emotions = sorted(
        (s for s in signals if s.kind == "emotion" and s.concept and _customer_voice(s, signals)),
        key=lambda s: (s.evidence.turn, s.evidence.start),
    )
    run: dict[str, float] = defaultdict(float)  # votes of the current negative stance
    stance: Signal | None = None
    run_turn = -1
    changes: list[_Change] = []
    for signal in emotions:
        new = polarity(signal.concept)
        if new < 0:
            run[signal.concept] += signal.confidence
            stance, run_turn = signal, signal.evidence.turn
            continue
        if stance is None:
            continue
        if new > 0 and _bare_praise_after_grievance(stance, signal):
            continue  # "Perfect. Lovely." right after a grievance is not praise
        before = max(run, key=lambda c: (run[c], c))
        after = signal.concept
        if after == CURIOUS:
            after = INTERESTED
        elif new == 0:
            after = ACCEPTANCE.get(before, NEUTRAL)
        score = (
            min(sum(run.values()), MAX_NEGATIVITY) + (1.0 if new > 0 else 0.5) * signal.confidence
        )
        change = _Change(before, after, signal, score, run_turn)
        change.trigger, change.echoed = _trigger(interaction, sides, offers, change)
        changes.append(change)
        if new > 0:  # acceptance ("行", "fine") may still give way to real relief later
            run.clear()
            stance = None
    if not changes:
        return []
    # an echoed offer, then a real (not merely accepting) change, then the strongest, later
    best = max(
        changes,
        key=lambda c: (c.echoed, polarity(c.signal.concept) > 0, c.score, c.signal.evidence.start),
    )
    trigger = best.trigger or best.signal.evidence
    return [
        TurningPoint(
            best.before,
            best.after,
            best.signal.evidence.turn,
            trigger,
            round(best.signal.confidence * 0.9, 4),
        )
    ]


def _customer_voice(signal: Signal, signals: list[Signal]) -> bool:
    """Emotions of the customer's side; and of a speaker placed on the vendor's side who is
    plainly aggrieved (vendor staff apologise, they do not say "憋着一肚子火")."""
    if signal.side != VENDOR:
        return True
    return signal.person is not None and any(
        s.kind == "emotion"
        and s.person == signal.person
        and s.concept in GRIEVANCE
        and s.confidence >= EXPLICIT
        for s in signals
    )


def _bare_praise_after_grievance(stance: Signal, signal: Signal) -> bool:
    """A clause that is nothing but praise ("Perfect.", "太好了！") while the customer is
    angry or frustrated reads as sarcasm."""
    if stance.concept not in GRIEVANCE or signal.concept not in PRAISE or not signal.cues:
        return False
    rest = signal.evidence.quote.casefold().replace(signal.cues[0].casefold(), "", 1)
    rest = re.sub(r"\b(?:oh|really|just|so|how)\b|[真太好可\W_]", "", rest)
    return not rest


def _trigger(
    interaction: Interaction,
    sides: dict[int, str],
    offers: set[int] | frozenset[int],
    change: _Change,
) -> tuple[Evidence | None, bool]:
    """The turn that caused ``change``, and whether the customer echoed it."""
    signal = change.signal
    key = _speaker(interaction, signal.evidence.turn)
    if key == _NARRATOR:
        inside = _before_reaction(interaction, change)
        if inside is not None:
            return inside, False
    response = signal.evidence.turn
    candidates = [
        index
        for index in range(response - 1, change.since_turn - 1, -1)
        if _speaker(interaction, index) != key and interaction.turns[index].text.strip()
    ]
    if not candidates:
        closest = _other_speaker_turn(interaction, response, key)
        return (_turn_evidence(interaction, closest) if closest is not None else None), False

    def echo(index: int) -> int:
        """How much of turn ``index`` the customer's reply to it, or the change, repeats."""
        reply = next(
            (i for i in range(index + 1, response + 1) if _speaker(interaction, i) == key),
            response,
        )
        said = {reply, response}
        return max(_common(interaction.turns[index].text, interaction.turns[i].text) for i in said)

    echoes = {i: echo(i) for i in candidates}
    echoed = max(candidates, key=lambda i: (echoes[i], sides.get(i) == VENDOR, i))
    if echoes[echoed] >= MIN_ECHO:
        return _turn_evidence(interaction, echoed), True
    offered = next((i for i in candidates if i in offers), candidates[0])
    return _turn_evidence(interaction, offered), False


def _before_reaction(interaction: Interaction, change: _Change) -> Evidence | None:
    """In a narrated line, the text before the reaction (and after the stance, if there)."""
    signal = change.signal
    turn = interaction.turns[signal.evidence.turn]
    start = turn.start
    end = signal.evidence.start
    text = interaction.text[start:end]
    content = sum(1 for c in text if c.isalnum())
    if content < 8:
        return None
    stripped = text.strip(" \t\n，,：:；;")
    offset = start + text.find(stripped)
    return Evidence(turn.index, offset, offset + len(stripped), stripped, EXTRACTOR, 0.6)


def _speaker(interaction: Interaction, index: int) -> str:
    return (interaction.turns[index].speaker or "").strip() or _NARRATOR


def _other_speaker_turn(interaction: Interaction, index: int, key: str) -> int | None:
    for i in range(index - 1, -1, -1):
        if _speaker(interaction, i) != key and interaction.turns[i].text.strip():
            return i if interaction.turns[i].speaker else None
    return None


def _turn_evidence(interaction: Interaction, index: int) -> Evidence:
    turn = interaction.turns[index]
    text = turn.text.strip()
    offset = turn.start + turn.text.find(text)
    return Evidence(index, offset, offset + len(text), text, EXTRACTOR, 0.6)


def _common(a: str, b: str) -> int:
    """How much ``a`` and ``b`` share: the longest common run of Chinese characters (1 each)
    and English content words (3 each), placeholders such as "[PERSON-…]" and function
    words left out, over the first ``ECHO_SPAN`` characters."""
    x, y = _tokens(a), _tokens(b)
    best = 0
    previous = [0] * (len(y) + 1)
    for tx in x:
        current = [0] * (len(y) + 1)
        for j, ty in enumerate(y, 1):
            if tx == ty:
                current[j] = previous[j - 1] + (1 if len(tx) == 1 else 3)
                best = max(best, current[j])
        previous = current
    return best


def _tokens(text: str) -> list[str]:
    text = _PLACEHOLDER.sub(" ", text[:ECHO_SPAN]).casefold()
    return [t for t in _TOKEN.findall(text) if t not in _FUNCTION_WORDS]
