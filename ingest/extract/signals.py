"""Utterance-level signals: intents, stated needs, concerns, objections, emotions.

A signal is what one turn shows about the customer, with the clause that
shows it as evidence. The cue phrases are the ontology's (``semcrm:cue``);
this module only decides what a cue in its clause means:

* an **intent** cue gives an intent signal (kept with ``negated`` when
  denied, so rules can read "不续约" as churn risk rather than renewal);
* a **requirement** cue (需要/希望/必须, we need/must) gives a *stated need*,
  about the need topic named in the same clause when there is one;
* a **need-topic** cue in a question, a complaint or a negative clause gives
  a *concern* about that topic — repeated concerns are what the reasoner
  turns into unstated needs;
* a **pain** cue (``semcrm:painCue`` of a need: "手写出库单", "our IT team is one
  person") said by the customer gives a *pain point* about that need: a problem that
  implies the need, which the reasoner turns into an unstated need unless it is stated;
* an **objection** cue gives an objection with that cause, unless negated;
* **emotion** cues give the emotion of each clause that shows one
  (:mod:`.emotions`): sarcastic praise counts as doubt, hedged emotions are weaker.

Confidence: a cue said by the customer starts at 0.75, by an unknown side
0.5, by the vendor 0.3; a hedge multiplies by 0.6; each further cue for the
same concept in the turn adds evidence by noisy-OR, up to 0.6 when every one
of them is hedged.

The intent classifier (:mod:`semcrm.ingest.nlp.intents`) gives each sentence
a cue with a probability. Its confidence is that probability, scaled by the
side as a phrase cue's is (customer 1, unknown 2/3; the vendor's sentences
are not classified: their offers and questions are not the customer's
intents) and by the hedge factor. A classifier cue joins the phrase cues of
the same intent in the turn by noisy-OR and the signal keeps the phrase
cue's clause as evidence; alone, it gives a signal when its probability is at
least :data:`MODEL_MIN_PROBABILITY`, with the sentence as evidence. It never
overrides a denial: when every phrase cue of an intent is negated ("不续约"),
the classifier's cue for that intent is dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict

from semcrm.ingest.extract.cues import Cue, has_lex
from semcrm.ingest.extract.emotions import NEGATIVE_EMOTIONS, clause_emotions
from semcrm.ingest.extract.model import CUSTOMER, VENDOR, Evidence, Signal
from semcrm.ingest.extract.requirements import stated_needs
from semcrm.ingest.model import Turn
from semcrm.ontology.namespaces import INTENT

EXTRACTOR = "signals"
SIDE_CONFIDENCE = {CUSTOMER: 0.75, VENDOR: 0.3}
HEDGE_FACTOR = 0.6
#: Intent cues that say "no intent here" (greetings, chit-chat) train classifiers; they are
#: not evidence of a customer intent.
NO_INTENT = str(INTENT["no_known_intent"])
#: The least probability at which the classifier's cue gives an intent signal on its own.
MODEL_MIN_PROBABILITY = 0.3
#: A classifier cue's confidence is its probability times this factor of the speaker's side.
MODEL_SIDE_FACTOR = {CUSTOMER: 1.0, VENDOR: 0.0}
MODEL_UNKNOWN_SIDE_FACTOR = 2 / 3
#: A negation that voices an aversion keeps a pain a pain ("不想再重复录入", "don't want to").
_AVERSION = re.compile(
    r"(?:不想|不要|不愿|别再|别|不能再)\s*$|(?:don't|do not|never) want to\s*$", re.I
)
#: Sentence ends; a line break is one unless it breaks a sentence (captions wrap after a comma
#: or a word).
_SENTENCE_END = re.compile(r"[。！？!?；;]|(?<![,，、A-Za-z])\n|(?<=[a-z0-9])\.(?=\s|$)")


def turn_signals(
    turn: Turn, cues: list[Cue], side: str, person: str | None, extractor: str = EXTRACTOR
) -> list[Signal]:
    """All signals of one turn (offsets are made absolute with ``turn.start``)."""
    base = SIDE_CONFIDENCE.get(side, 0.5)
    grouped: dict[tuple[str, str], list[Cue]] = defaultdict(list)
    out: list[Signal] = []

    def evidence(cue: Cue, confidence: float) -> Evidence:
        start, end = cue.clause.start, cue.clause.end
        return Evidence(
            turn.index,
            turn.start + start,
            turn.start + end,
            turn.text[start:end],
            extractor,
            confidence,
        )

    for cue in cues:
        if cue.kind in ("intent", "objection") and cue.concept != NO_INTENT:
            grouped[(cue.kind, cue.concept)].append(cue)
    model_factor = MODEL_SIDE_FACTOR.get(side, MODEL_UNKNOWN_SIDE_FACTOR)
    for (kind, concept), group in grouped.items():
        phrases = [c for c in group if not c.from_model]
        models = [c for c in group if c.from_model and model_factor > 0]
        positive = [c for c in phrases if not c.negated]
        if phrases and not positive:
            chosen, negated, models = phrases, True, []  # a denial stands
        else:
            chosen, negated = positive, False
            if not chosen:
                models = [c for c in models if (c.probability or 0.0) >= MODEL_MIN_PROBABILITY]
                if not models:
                    continue
        if kind == "objection" and negated:
            continue  # "价格倒不是最担心的": no price objection at all
        confidences = [base * (HEDGE_FACTOR if c.hedged else 1.0) for c in chosen]
        confidences += [
            (c.probability or 0.0) * model_factor * (HEDGE_FACTOR if c.hedged else 1.0)
            for c in models
        ]
        hedged = all(c.hedged for c in chosen or models)
        confidence = _noisy_or(confidences)
        if hedged:  # however many hedged cues agree, a hedged intent is never a plain one
            confidence = min(confidence, HEDGE_FACTOR)
        first = chosen[0] if chosen else max(models, key=lambda c: c.probability or 0.0)
        out.append(
            Signal(
                kind,
                concept,
                evidence(first, confidence),
                side,
                round(confidence, 4),
                negated=negated,
                hedged=hedged,
                person=person,
                cues=tuple(turn.text[c.start : c.end] for c in chosen if not c.from_model),
            )
        )

    topics = [c for c in cues if c.kind == "need"]
    for cue in topics:
        question = has_lex(cues, "question", cue.clause) or turn.text[cue.clause.end :].startswith(
            ("？", "?")
        )
        complaint = has_lex(cues, "complaint", cue.clause) or has_lex(cues, "complaint")
        negative = any(
            c.kind in ("objection",) or (c.kind == "emotion" and c.concept in NEGATIVE_EMOTIONS)
            for c in cues
            if c.clause == cue.clause
        )
        if cue.negated and not complaint:
            continue
        confidence = base * (HEDGE_FACTOR if cue.hedged else 1.0)
        if question or complaint or negative or cue.negated:
            out.append(_topic_signal("concern", cue, turn, side, person, confidence, evidence))
    out += stated_needs(turn, cues, side, person, base, HEDGE_FACTOR, extractor)
    if side != VENDOR:
        out += _pain_points(cues, turn, side, person, base, extractor)

    for event in clause_emotions(turn.text, cues, side):
        confidence = min(0.9, 0.45 + 0.15 * event.strength)
        start, end = event.clause.start, event.clause.end
        ev = Evidence(
            turn.index,
            turn.start + start,
            turn.start + end,
            turn.text[start:end],
            extractor,
            confidence,
        )
        said = (turn.text[event.cue.start : event.cue.end],) if event.cue else ()
        out.append(
            Signal(
                "emotion",
                event.concept,
                ev,
                side,
                round(confidence, 4),
                person=person,
                cues=said,
            )
        )

    for cue in cues:
        if cue.kind == "lex" and cue.name == "decision-authority":
            out.append(Signal("decision", None, evidence(cue, base), side, base, person=person))
    return out


def _pain_points(cues, turn, side, person, base, extractor) -> list[Signal]:
    """One pain point per clause: a problem the customer describes that implies a need.

    The longest pain cue of a clause decides the need ("我们信息部就一个人" is staffing, not
    IT). The evidence is the sentence, because a pain is usually told over a sentence
    ("…late deliveries aren't just a nuisance, they cost us contracts"). A denied pain
    ("不是手工录的", "we don't do it by hand") is none, but an aversion still is one
    ("我们不想再重复录入", "we don't want to re-key it again"); a hedged one is weaker.
    """
    text = turn.text
    by_clause: dict[int, Cue] = {}
    for cue in cues:
        if cue.kind != "pain":
            continue
        if cue.negated and not _AVERSION.search(text[max(0, cue.start - 8) : cue.start]):
            continue
        best = by_clause.get(cue.clause.start)
        if best is None or cue.end - cue.start > best.end - best.start:
            by_clause[cue.clause.start] = cue
    out = []
    for cue in sorted(by_clause.values(), key=lambda c: c.start):
        start, end = _sentence(text, cue.clause.start, cue.clause.end)
        confidence = round(base * (HEDGE_FACTOR if cue.hedged else 1.0), 4)
        out.append(
            Signal(
                "pain",
                cue.concept,
                Evidence(
                    turn.index,
                    turn.start + start,
                    turn.start + end,
                    text[start:end],
                    extractor,
                    confidence,
                ),
                side,
                confidence,
                hedged=cue.hedged,
                about=cue.concept,
                person=person,
                cues=(text[cue.start : cue.end],),
            )
        )
    return out


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)``, whitespace-trimmed."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() + 1 for m in _SENTENCE_END.finditer(text, end)), len(text))
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _topic_signal(kind, cue, turn, side, person, confidence, evidence) -> Signal:
    return Signal(
        kind,
        cue.concept,
        evidence(cue, confidence),
        side,
        round(confidence, 4),
        negated=cue.negated,
        hedged=cue.hedged,
        about=cue.concept,
        person=person,
        cues=(turn.text[cue.start : cue.end],),
    )


def _noisy_or(values) -> float:
    remaining = 1.0
    for value in values:
        remaining *= 1.0 - max(0.0, min(1.0, value))
    return 1.0 - remaining
