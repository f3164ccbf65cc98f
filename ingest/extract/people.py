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

from semcrm.ingest.extract.attendees import attendee_sides
from semcrm.ingest.extract.model import (
    CUSTOMER,
    THIRD_PARTY,
    UNKNOWN,
    VENDOR,
    Evidence,
    PersonFact,
    Signal,
)
from semcrm.ingest.extract.roles import SENIOR, roles_for_title
from semcrm.ingest.model import Interaction
from semcrm.ontology.namespaces import INTENT, OBJECTION, ROLE

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
TECHNICAL_INTENTS = {str(INTENT["request_technical_solution"])}
COMMERCIAL_INTENTS = {str(INTENT["price_negotiation"]), str(INTENT["formal_procurement"])}
AUTHORITY_ROLES = {str(ROLE["economic_buyer"])}
MAX_ROLES = 2


def fold_title(title: str) -> str:
    return re.sub(r"\s+", " ", title.strip()).casefold()


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
    merged: dict[str, str] | None = None,
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
            ("[PERSON-…], Procurement Manager") is that person's. A senior title with
            no name next to it ("我们董事长", "their CEO") is a person of its own.
        merged: pseudonym -> pseudonym of the same person, for alias forms the PII stage
            could not resolve to a full name but that share one surname (老葛, 葛老师).
    """
    text = interaction.text
    people: dict[str, PersonFact] = {}
    aliases: dict[str, str] = dict(merged or {})
    line_sides, _ = attendee_sides(text, [(s, e, k) for s, e, k, _ in person_spans])

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
        side = line_sides.get(start) or _mention_side(text, start, speaker_side)
        fact = get(pseudonym, side, bool(line_sides.get(start)) and interaction.kind == "meeting")
        if line_sides.get(start) and fact.side != line_sides[start]:
            fact.side = line_sides[start]
        if len(fact.evidence) < 5:
            fact.evidence.append(
                Evidence(turn.index if turn else -1, start, end, text[start:end], EXTRACTOR, 0.8)
            )
        if title:
            _add_titles(fact, title, title_roles)
        for title_text in _titles_next_to(text, start, end, title_spans):
            _add_titles(fact, title_text, title_roles)

    # Senior titles with no name beside them are people too: "最后由董事长审批", "their CEO".
    named = [(start, end) for start, end, _, _ in person_spans]
    for t_start, t_end in title_spans:
        phrase = text[t_start:t_end]
        if not SENIOR.search(phrase) or any(
            abs(t_end - s0) <= 2 or abs(t_start - e0) <= 3 for s0, e0 in named
        ):
            continue
        turn = interaction.turn_at(t_start)
        if turn is None or (turn.speaker and phrase in turn.speaker):
            continue
        speaker_side = speaker_sides.get((turn.speaker or "").strip(), UNKNOWN)
        fact = get(f"title:{fold_title(phrase)}", _mention_side(text, t_start, speaker_side), False)
        fact.evidence.append(Evidence(turn.index, t_start, t_end, phrase, EXTRACTOR, 0.6))
        _add_titles(fact, phrase, title_roles)

    spans_by_key = [(start, end, aliases.get(key, key)) for start, end, key, _ in person_spans]
    _roles_from_signals(text, people, signals, spans_by_key)
    for fact in people.values():
        _finish_roles(text, fact, signals)
    _champion(interaction, people, signals)
    return list(people.values())


def _champion(
    interaction: Interaction, people: dict[str, PersonFact], signals: list[Signal]
) -> None:
    """The customer's champion: the present customer-side person who speaks most and moves
    the purchase forward (asks for a proposal, a case, a trial or a quote), when the decision
    lies with someone else. Marked only when such a person stands out."""
    moving = {
        str(INTENT[n])
        for n in ("evaluate_purchase", "request_information", "request_technical_solution")
    }
    turns: dict[str, int] = {}
    for turn in interaction.turns:
        key = person_key(turn.speaker)
        if key in people:
            turns[key] = turns.get(key, 0) + 1
    asks = {
        s.person
        for s in signals
        if s.kind == "intent" and s.concept in moving and not s.negated and s.side == CUSTOMER
    }
    candidates = [
        f
        for f in people.values()
        if f.present
        and f.side == CUSTOMER
        and f.key in asks
        and str(ROLE["economic_buyer"]) not in f.roles
    ]
    someone_else_decides = any(
        str(ROLE["economic_buyer"]) in f.roles and f.key not in {c.key for c in candidates}
        for f in people.values()
        if f.side == CUSTOMER
    )
    if not candidates or not someone_else_decides:
        return
    best = max(candidates, key=lambda f: turns.get(f.key, 0))
    if len(best.roles) < MAX_ROLES:
        best.roles.insert(0, str(ROLE["champion"]))
    else:
        best.roles[-1] = str(ROLE["champion"])


def _titles_next_to(
    text: str, start: int, end: int, title_spans: list[tuple[int, int]]
) -> list[str]:
    """Title phrases written right before a name ("客服中心主任 [PERSON-…]", the whole phrase
    with its department) or right after it ("[PERSON-…], Procurement Manager")."""
    out = []
    for t_start, t_end in title_spans:
        before = 0 <= start - t_end <= 2 and text[t_end:start].strip(" \u3000") == ""
        after = 0 <= t_start - end <= 3 and text[end:t_start].strip(" \u3000,，(（") == ""
        if before:
            left = t_start
            while left > 0 and left > t_start - 12 and text[left - 1] not in _PHRASE_STOPS:
                left -= 1
            out.append(text[left:t_end])
        elif after:
            out.append(text[t_start:t_end])
    return out


_PHRASE_STOPS = set("、，,：:；;（()）\n\t |｜-—。！？!?]")


def _mention_side(text: str, start: int, speaker_side: str) -> str:
    """The side of a person the speaker mentions.

    "我是[X]" / "this is [X]": the speaker's own side. "你们/贵司/your … [X]" earlier in
    the clause: the other side. "我们/our … [X]": the speaker's side. Otherwise a person
    the vendor mentions is the customer's, and one the customer mentions is their own.
    """
    close = text[max(0, start - 6) : start]
    if _SELF_INTRO_BEFORE.search(close):
        return speaker_side
    clause_start = max(text.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1
    clause = text[clause_start:start]
    other = {CUSTOMER: VENDOR, VENDOR: CUSTOMER}.get(speaker_side, UNKNOWN)
    theirs = [m.end() for m in _THEIR_ANYWHERE.finditer(clause)]
    ours = [m.end() for m in _OUR_ANYWHERE.finditer(clause)]
    if theirs and (not ours or theirs[-1] > ours[-1]):
        return other
    if ours:
        return speaker_side
    return CUSTOMER if speaker_side in (VENDOR, UNKNOWN) else speaker_side


_SELF_INTRO_BEFORE = re.compile(
    r"(我是|我叫|本人是?|this is|i'm|i am|my name is)[^，,。]{0,14}$", re.I
)
_THEIR_ANYWHERE = re.compile(r"你们|贵司|贵公司|贵方|\byour\b", re.I)
_OUR_ANYWHERE = re.compile(r"我们|咱们|我司|\bour\b|\bmy\b", re.I)
_CLAUSE_MARKS = ("。", "！", "？", "!", "?", "\n", "；", ";")


def _add_titles(
    fact: PersonFact, title: str, ontology_roles: Callable[[str], tuple[list[str], list[str]]]
) -> None:
    titles, roles = roles_for_title(title, ontology_roles)
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
        role = _signal_role(signal, fact.present)
        if role is not None:
            _add_role(fact, ROLE[role], signal.evidence)


def _signal_role(signal: Signal, present: bool) -> str | None:
    """The role a person's own signal suggests: price and terms -> commercial evaluation,
    technical questions and objections -> technical evaluation, deciding -> economic buyer."""
    if signal.negated:
        return None
    if signal.kind == "objection":
        if signal.concept in COMMERCIAL_CAUSES:
            return "commercial_evaluator"
        if signal.concept in TECHNICAL_CAUSES:
            return "technical_evaluator"
    if signal.kind == "intent":
        if signal.concept in TECHNICAL_INTENTS:
            return "technical_evaluator"
        if signal.concept in COMMERCIAL_INTENTS:
            return "commercial_evaluator"
    if signal.kind == "decision" and present:
        return "economic_buyer"
    return None


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
