"""Emotion turning points: where the customer's stance changes, and what caused it.

The customer's emotion is followed turn by turn (turns without an emotion
keep the previous one). A turning point is a change between the negative
group (angry, frustrated, anxious, skeptical, disappointed) and the rest, or
from neutral to negative; the trigger is what the vendor said just before
the change (the closest earlier vendor turn), or the customer's own clause
when no vendor turn precedes it (a document, a monologue).
"""

from __future__ import annotations

from semcrm.ingest.extract.model import CUSTOMER, VENDOR, Evidence, Signal, TurningPoint
from semcrm.ingest.extract.signals import NEGATIVE_EMOTIONS, NEUTRAL
from semcrm.ingest.model import Interaction

EXTRACTOR = "turning-points"


def _group(emotion: str) -> str:
    if emotion in NEGATIVE_EMOTIONS:
        return "negative"
    return "neutral" if emotion == NEUTRAL else "positive"


def turning_points(
    interaction: Interaction, sides: dict[int, str], signals: list[Signal]
) -> list[TurningPoint]:
    emotions = {s.evidence.turn: s for s in signals if s.kind == "emotion" and s.side != VENDOR}
    points: list[TurningPoint] = []
    current = NEUTRAL
    current_turn = -1
    spoke = False  # a customer's first utterance sets the stance; it is not a turn
    for turn in interaction.turns:
        customer_turn = sides.get(turn.index) != VENDOR
        signal = emotions.get(turn.index)
        if signal is None or signal.concept is None or not customer_turn:
            # a preamble (session id, channel, headers) has no speaker and is nobody's stance
            spoke = spoke or (sides.get(turn.index) == CUSTOMER and turn.speaker is not None)
            continue
        new = signal.concept
        if not spoke:
            spoke = True
            current, current_turn = new, turn.index
            continue
        changed = _group(new) != _group(current) and not (
            _group(current) == "positive" and _group(new) == "neutral"
        )
        if changed:
            trigger = _trigger(interaction, sides, turn.index, current_turn) or signal.evidence
            points.append(
                TurningPoint(current, new, turn.index, trigger, round(signal.confidence * 0.9, 4))
            )
        current, current_turn = new, turn.index
    return points


def _trigger(
    interaction: Interaction, sides: dict[int, str], turn_index: int, since: int
) -> Evidence | None:
    """The vendor turn closest before ``turn_index`` (and after ``since``)."""
    for index in range(turn_index - 1, since, -1):
        if sides.get(index) == VENDOR:
            turn = interaction.turns[index]
            text = turn.text.strip()
            offset = turn.text.find(text)
            return Evidence(
                index, turn.start + offset, turn.start + offset + len(text), text, EXTRACTOR, 0.6
            )
        if sides.get(index) == CUSTOMER:
            continue
    return None
