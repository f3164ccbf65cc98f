"""People in an interaction: who they are (by pseudonym), which side, present or not, roles.

* **Speakers** are present. A speaker known only by a role label ("客户",
  "Customer") who names herself ("我是[PERSON-…]") becomes that person.
* **Addressees and attendees** (e-mail To/Cc, attendee lists) are present.
* **Everyone else named in the text** is mentioned, not present. A mention
  resolved by the PII stage to a known full name (蒋经理 -> 蒋立群) is the
  same person (same pseudonym), so simple coreference comes for free.
* **Roles** come from the side (vendor staff are ``vendor_rep``, outsiders
  ``third_party``), from job titles (the ontology's ``semcrm:suggestsRole``),
  and from what the person says or is said to do: decision authority
  (拍板, signs off) suggests ``economic_buyer``; price and payment objections
  ``commercial_evaluator``; technical objections ``technical_evaluator``. A
  customer-side person who is absent but shapes the decision (decision
  authority, an authority title, or deferred to) is a ``hidden_influencer``:
  a hidden decision-chain node.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from semcrm.ingest.extract.model import (
    CUSTOMER,
    THIRD_PARTY,
    UNKNOWN,
    VENDOR,
    Evidence,
    PersonFact,
    Signal,
)
from semcrm.ingest.model import Interaction
from semcrm.ontology.namespaces import OBJECTION, ROLE

EXTRACTOR = "people"
PSEUDONYM = re.compile(r"\[?(PERSON-[0-9A-F]{8})\]?")
_SELF_NAME = re.compile(
    r"(我是|我叫|本人|this is|i'm|i am|my name is)\s*\[(PERSON-[0-9A-F]{8})\]", re.I
)
_THEIR = re.compile(r"(你们|贵司|贵公司|your|you guys')\s*$", re.I)
_OUR = re.compile(r"(我们|咱们|我司|our|my)\s*$", re.I)

COMMERCIAL_CAUSES = {
    str(OBJECTION[n])
    for n in ("price_budget", "payment_terms", "contract_terms", "competitive_alternative")
}
TECHNICAL_CAUSES = {
    str(OBJECTION[n])
    for n in ("integration_compatibility", "capability_gap", "compliance_security")
}
AUTHORITY_ROLES = {str(ROLE["economic_buyer"])}
MAX_ROLES = 2


def person_key(speaker: str | None) -> str | None:
    if not speaker:
        return None
    match = PSEUDONYM.fullmatch(speaker.strip())
    return match.group(1) if match else f"label:{speaker.strip()}"


def find_people(
    interaction: Interaction,
    speaker_sides: dict[str, str],
    person_spans: list[tuple[int, int, str, str | None]],
    signals: list[Signal],
    title_roles: Callable[[str], tuple[list[str], list[str]]],
    title_spans: list[tuple[int, int]] = (),
) -> list[PersonFact]:
    """Build one :class:`PersonFact` per person.

    Args:
        interaction: the de-identified interaction.
        speaker_sides: speaker label -> side.
        person_spans: (start, end, pseudonym, title) of each person-name
            replacement in the de-identified text (the pseudonym is the
            resolved full name's where the PII stage resolved an alias).
        signals: the interaction's signals (for roles from what people say).
        title_roles: title text -> (job-title concept IRIs, role IRIs).
        title_spans: (start, end) of job-title mentions in the text; a title right before
            a name ("技术负责人[PERSON-…]", "副总经理 [PERSON-…]") or right after it
            ("[PERSON-…], Procurement Manager") is that person's.
    """
    text = interaction.text
    people: dict[str, PersonFact] = {}
    aliases: dict[str, str] = {}

    def get(key: str, side: str, present: bool) -> PersonFact:
        key = aliases.get(key, key)
        fact = people.get(key)
        if fact is None:
            fact = people[key] = PersonFact(key, side, present)
        else:
            fact.present = fact.present or present
            if fact.side in (UNKNOWN, "") and side not in (UNKNOWN, ""):
                fact.side = side
        return fact

    # Speakers, and role-label speakers who name themselves.
    for turn in interaction.turns:
        key = person_key(turn.speaker)
        if key is None:
            continue
        if key.startswith("label:"):
            named = _SELF_NAME.search(turn.text)
            if named:
                aliases[key] = named.group(2)
        side = speaker_sides.get((turn.speaker or "").strip(), UNKNOWN)
        fact = get(key, side, True)
        if turn.speaker and turn.speaker not in fact.speaker_labels:
            fact.speaker_labels.append(turn.speaker)
        label_at = text.rfind(turn.speaker or "", 0, turn.start + 1) if turn.speaker else -1
        if label_at >= 0 and len(fact.evidence) < 3:
            label = turn.speaker or ""
            fact.evidence.append(
                Evidence(turn.index, label_at, label_at + len(label), label, EXTRACTOR, 0.9)
            )
        if turn.speaker_title:
            _add_titles(fact, turn.speaker_title, title_roles)

    first_side = next(
        (
            speaker_sides.get((t.speaker or "").strip(), UNKNOWN)
            for t in interaction.turns
            if t.speaker
        ),
        UNKNOWN,
    )
    for participant in interaction.participants:
        key = person_key(participant)
        if key and not key.startswith("label:"):
            opposite = {CUSTOMER: VENDOR, VENDOR: CUSTOMER}.get(first_side, UNKNOWN)
            get(key, opposite if interaction.kind == "email" else UNKNOWN, True)

    # Everyone named in the text.
    for start, end, pseudonym, title in person_spans:
        turn = interaction.turn_at(start)
        speaker_side = speaker_sides.get((turn.speaker or "").strip(), UNKNOWN) if turn else UNKNOWN
        side = _mention_side(text, start, speaker_side)
        fact = get(pseudonym, side, False)
        if len(fact.evidence) < 5:
            fact.evidence.append(
                Evidence(turn.index if turn else -1, start, end, text[start:end], EXTRACTOR, 0.8)
            )
        if title:
            _add_titles(fact, title, title_roles)
        for title_text in _titles_next_to(text, start, end, title_spans):
            _add_titles(fact, title_text, title_roles)

    spans_by_key = [(start, end, aliases.get(key, key)) for start, end, key, _ in person_spans]
    _roles_from_signals(text, people, signals, spans_by_key)
    for fact in people.values():
        _finish_roles(text, fact, signals)
    return list(people.values())


def _titles_next_to(
    text: str, start: int, end: int, title_spans: list[tuple[int, int]]
) -> list[str]:
    out = []
    for t_start, t_end in title_spans:
        before = 0 <= start - t_end <= 2 and text[t_end:start].strip(" \u3000") == ""
        after = 0 <= t_start - end <= 3 and text[end:t_start].strip(" \u3000,，(（") == ""
        if before or after:
            out.append(text[t_start:t_end])
    return out


def _mention_side(text: str, start: int, speaker_side: str) -> str:
    before = text[max(0, start - 6) : start]
    if _THEIR.search(before):
        return {CUSTOMER: VENDOR, VENDOR: CUSTOMER}.get(speaker_side, UNKNOWN)
    if _OUR.search(before):
        return speaker_side
    return CUSTOMER if speaker_side in (VENDOR, UNKNOWN) else speaker_side


def _add_titles(
    fact: PersonFact, title: str, title_roles: Callable[[str], tuple[list[str], list[str]]]
) -> None:
    titles, roles = title_roles(title)
    for iri in titles:
        if iri not in fact.titles:
            fact.titles.append(iri)
    for role in roles:
        if role not in fact.roles:
            fact.roles.append(role)


def _scope(text: str, signal: Signal) -> tuple[int, int]:
    """Where a signal's subject may be: its clause, or for a decision its whole sentence
    ("Our director, [PERSON-…], has the final say" names the decider a clause earlier)."""
    start, end = signal.evidence.start, signal.evidence.end
    if signal.kind != "decision":
        return start, end
    left = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    rights = [i for i in (text.find(mark, end) for mark in _SENTENCE_ENDS) if i != -1]
    return left, min(rights) if rights else len(text)


_SENTENCE_ENDS = ("。", "！", "？", "!", "?", ". ", "\n")


def _roles_from_signals(
    text: str,
    people: dict[str, PersonFact],
    signals: list[Signal],
    spans: list[tuple[int, int, str]],
) -> None:
    for signal in signals:
        if signal.person is None or signal.person not in people:
            continue
        fact = people[signal.person]
        low, high = _scope(text, signal)
        if any(key != signal.person and low <= start and end <= high for start, end, key in spans):
            continue  # "最后拍板还得[PERSON-…]": the sentence is about someone else
        if signal.kind == "objection" and signal.concept in COMMERCIAL_CAUSES:
            _add_role(fact, ROLE["commercial_evaluator"], signal.evidence)
        elif signal.kind == "objection" and signal.concept in TECHNICAL_CAUSES:
            _add_role(fact, ROLE["technical_evaluator"], signal.evidence)
        elif signal.kind == "decision" and fact.present:
            _add_role(fact, ROLE["economic_buyer"], signal.evidence)


def _finish_roles(text: str, fact: PersonFact, signals: list[Signal]) -> None:
    if fact.side == VENDOR:
        fact.roles = [str(ROLE["vendor_rep"])]
        return
    if fact.side == THIRD_PARTY:
        fact.roles = [str(ROLE["third_party"])]
        return
    if fact.present:
        # a person plays one or two parts in a decision; titles (added first) outrank
        # what a few of their sentences suggest
        fact.roles = fact.roles[:MAX_ROLES]
        return
    # Absent, customer side: does a sentence credit this person with the decision?
    deciding = [
        signal
        for signal in signals
        if signal.kind == "decision"
        and any(
            low <= e.start and e.end <= high
            for low, high in [_scope(text, signal)]
            for e in fact.evidence
        )
    ]
    # the clause that credits them is the evidence of their roles ("最后拍板还得[PERSON-…]")
    proof = deciding[0].evidence if deciding else None
    if deciding:
        _add_role(fact, ROLE["economic_buyer"], proof)
    if deciding or AUTHORITY_ROLES.intersection(fact.roles):
        _add_role(fact, ROLE["hidden_influencer"], proof)


def _add_role(fact: PersonFact, role: object, evidence: Evidence | None) -> None:
    iri = str(role)
    if iri not in fact.roles:
        fact.roles.append(iri)
    if evidence is not None:
        fact.role_evidence.setdefault(iri, []).append(evidence)
