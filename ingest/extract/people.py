"""People in an interaction: who they are (by pseudonym), which side, present or not, roles.

* **Speakers** are present. A speaker known only by a role label ("客户",
  "Customer") who names herself ("我是[PERSON-…]") becomes that person.
* **Addressees and attendees** (e-mail To/Cc, attendee lists) are present.
* **Everyone else named in the text** is mentioned, not present. A mention
  resolved by the PII stage to a known full name (钮经理 -> 钮嘉澍) is the
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
from collections.abc import Callable, Sequence

from semcrm.ingest.extract.attendees import VENDOR_TITLES, attendee_sides
from semcrm.ingest.extract.model import (
    CUSTOMER,
    THIRD_PARTY,
    UNKNOWN,
    VENDOR,
    Evidence,
    PersonFact,
    Signal,
)
from semcrm.ingest.extract.roles import SENIOR, department_role, roles_for_title
from semcrm.ingest.model import Interaction
from semcrm.ontology.namespaces import INTENT, OBJECTION, ROLE

EXTRACTOR = "people"
PSEUDONYM = re.compile(r"\[?(PERSON-[0-9A-F]{8})\]?")
# "我是[X]", "我是资产处的[X]", "我是灵匠数字的[X]", "this is [X]", "[X] here".
_SELF_NAME = re.compile(
    r"(?:我是|我叫|本人是?|this is|i'm|i am|my name is)\s*(?:[^，,。！？!?\s\[\]]{1,12}?的)?\s*"
    r"\[(?P<a>PERSON-[0-9A-F]{8})\]|^\W{0,6}\[(?P<b>PERSON-[0-9A-F]{8})\]\s+here\b",
    re.I,
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
_WRAPPED = {"webvtt", "srt"}
#: (start, end, role IRI, negated): a role cue of the ontology matched in the text.
RoleCue = tuple[int, int, str, bool]


def _addressed_labels(interaction: Interaction, speaker_sides: dict[str, str]) -> dict[str, str]:
    """Role-label speakers the other side then addresses by name ("Customer: …" answered by
    "Thanks, [X]." or "[X]您好"): the label is that person. Only a named person who never
    speaks under their own name, and only the label of the turn just before."""
    speakers = {person_key(t.speaker) for t in interaction.turns if t.speaker}
    out: dict[str, str] = {}
    previous = None
    for turn in interaction.turns:
        key = person_key(turn.speaker)
        if key is None:
            continue
        bare = _BARE_NAME.fullmatch(turn.text)
        if bare:
            # "用户：钮嘉澍。" answers "您贵姓？": the speaker names herself
            if key.startswith("label:") and bare.group(1) not in speakers:
                out.setdefault(key, bare.group(1))
        elif previous is not None and previous != key and previous.startswith("label:"):
            side = speaker_sides.get((turn.speaker or "").strip())
            before = speaker_sides.get(previous.split(":", 1)[1])
            match = _VOCATIVE.match(turn.text)
            if match and side != before and match.group(1) not in speakers:
                out.setdefault(previous, match.group(1))
        previous = key
    return out


_BARE_NAME = re.compile(r"\W*\[(PERSON-[0-9A-F]{8})\]\W*")
_VOCATIVE = re.compile(
    r"\s*(?:(?:hi|hello|hey|dear|thanks|thank you|ok|okay|sure)\s*,?\s*)?"
    r"\[(PERSON-[0-9A-F]{8})\]\s*(?:[,，.。!！:：]|您好|你好)",
    re.I,
)


def _not_a_person(interaction: Interaction, key: str) -> bool:
    """A speaker label that names no person: any label of an event log (ids, accounts,
    systems) and a redacted e-mail address standing in for a sender."""
    return interaction.kind == "event_log" or "[EMAIL-" in key


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
    role_cues: Sequence[RoleCue] = (),
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
            could not resolve to a full name but that share one surname (老钮, 钮老师).
        role_cues: (start, end, role IRI, negated) of the ontology's role cues in the text
            (``semcrm:cue`` of the decision roles: "signs off", "听他的", "go through me");
            each is credited to the person its sentence is about.
    """
    text = interaction.text
    # captions wrap sentences over lines: there a line break is a space
    flow = text.replace("\n", " ") if interaction.source.format in _WRAPPED else text
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

    aliases.update(_addressed_labels(interaction, speaker_sides))
    # Speakers, and role-label speakers who name themselves. In an event log a speaker
    # that is not a name is an account, a tenant or a system ("u_51902", "agent").
    for turn in interaction.turns:
        key = person_key(turn.speaker)
        if key is None or (key.startswith("label:") and _not_a_person(interaction, key)):
            continue
        if key.startswith("label:"):
            named = _SELF_NAME.search(turn.text)
            if named:
                aliases[key] = named.group("a") or named.group("b")
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

    # Everyone named in the text, with the titles and departments written beside the name
    # ("Ysolde Penhallow, our CEO", "our MD, Barnaby", "IT的[X]", "[X] in procurement").
    claimed: set[tuple[int, int]] = set()
    # how sure each person's side is: 3 for speakers and listed attendees, else what the
    # strongest mention says (see _mention_side)
    certainty: dict[str, int] = {
        f.key: 3 if f.speaker_labels else 2 for f in people.values() if f.side != UNKNOWN
    }
    windows: dict[str, list[tuple[int, int]]] = {}
    for start, end, pseudonym, title in person_spans:
        turn = interaction.turn_at(start)
        speaker_side = speaker_sides.get((turn.speaker or "").strip(), UNKNOWN) if turn else UNKNOWN
        side, sure = _mention_side(
            text,
            start,
            speaker_side,
            end,
            log=interaction.kind == "event_log",
            floor=turn.start if turn else 0,
        )
        if line_sides.get(start):
            side, sure = line_sides[start], 3
        fact = get(pseudonym, side, bool(line_sides.get(start)) and interaction.kind == "meeting")
        if sure > certainty.get(fact.key, -1):
            if fact.key not in certainty or certainty[fact.key] < 3:
                fact.side = side
            certainty[fact.key] = sure
        if len(fact.evidence) < 5:
            fact.evidence.append(
                Evidence(turn.index if turn else -1, start, end, text[start:end], EXTRACTOR, 0.8)
            )
        if title:
            _add_titles(fact, title, title_roles)
        window = _mention_window(flow, start, end, turn.end if turn else len(text))
        windows.setdefault(fact.key, []).append(window)
        for span, title_text in _titles_next_to(text, start, end, title_spans, window):
            claimed.add(span)
            _add_titles(fact, title_text, title_roles)
        department = department_role(text, start, end)
        if department is not None:
            _add_role(fact, ROLE[department], fact.evidence[-1])

    # Senior titles with no name beside them are people too: "最后由董事长审批", "their CEO";
    # so is any title that must approve or be consulted ("法务要看一下", "needs sign-off from
    # our controller"); not the board or a meeting ("董事会", "院长办公会") nor a table's
    # column heading.
    named = [(start, end) for start, end, _, _ in person_spans]
    shaping = {str(ROLE[n]) for n in ("economic_buyer", "hidden_influencer", "blocker")}
    for t_start, t_end in title_spans:
        phrase = text[t_start:t_end]
        consulted = (
            any(
                role in shaping
                and not negated
                and (0 <= c_start - t_end <= 6 or 0 <= t_start - c_end <= 12)
                for c_start, c_end, role, negated in role_cues
            )
            and _OWNED_OR_SUBJECT.search(text[max(0, t_start - 6) : t_start]) is not None
            and not _OUTSIDE_ROLES & set(title_roles(phrase)[1])
        )
        if (
            not (SENIOR.search(phrase) or consulted)
            or (t_start, t_end) in claimed
            or any(abs(t_end - s0) <= 2 or abs(t_start - e0) <= 3 for s0, e0 in named)
            or _organ_or_heading(text, t_start, t_end)
        ):
            continue
        turn = interaction.turn_at(t_start)
        if turn is None or (turn.speaker and phrase in turn.speaker):
            continue
        speaker_side = speaker_sides.get((turn.speaker or "").strip(), UNKNOWN)
        side, _ = _mention_side(text, t_start, speaker_side)
        fact = get(f"title:{fold_title(phrase)}", side, False)
        fact.evidence.append(Evidence(turn.index, t_start, t_end, phrase, EXTRACTOR, 0.6))
        _add_titles(fact, phrase, title_roles)
        windows.setdefault(fact.key, []).append(_mention_window(flow, t_start, t_end, turn.end))
    _merge_title_only(people, windows)

    spans_by_key = [(start, end, aliases.get(key, key)) for start, end, key, _ in person_spans]
    spans_by_key += [
        (e.start, e.end, f.key)
        for f in people.values()
        if f.key.startswith("title:")
        for e in f.evidence
    ]
    _roles_from_cues(interaction, flow, people, role_cues, spans_by_key, windows, aliases)
    deferring = _roles_from_signals(text, people, signals, spans_by_key, windows)
    for fact in people.values():
        _finish_roles(text, fact, signals, windows.get(fact.key, []))
    _decision_lies_elsewhere(people, deferring)
    if interaction.kind == "event_log":
        # a person a device or app log names (a ticket's contact, a form's applicant) uses it
        for fact in people.values():
            if fact.side == CUSTOMER and not fact.roles:
                fact.roles = [str(ROLE["end_user"])]
    _champion(interaction, people, signals)
    return list(people.values())


#: Job titles at the head of an organisation: their holders keep the economic buyer's part
#: even when someone else is said to decide.
TOP_TITLES = {
    str(ROLE[f"title-{n}"])
    for n in (
        "chairman",
        "ceo",
        "general-manager",
        "president",
        "vice-president",
        "owner",
        "founder",
        "board-member",
        "coo",
        "cfo",
    )
}


def _decision_lies_elsewhere(
    people: dict[str, PersonFact], deferring: set[str] = frozenset()
) -> None:
    """A middle-management title (主任, 总监, director) suggests the budget, but when the text
    credits someone else with the decision ("最后他签字", "needs sign-off from [X]", an absent
    decider), a present person whose only claim is such a title is not the economic buyer;
    nor is anyone, whatever the title, who says the decision is someone else's
    (``deferring``: "最后拍板还得我们董事长[X]")."""
    buyer = str(ROLE["economic_buyer"])
    deciders = {
        f.key
        for f in people.values()
        if f.side == CUSTOMER and buyer in f.roles and (not f.present or f.role_evidence.get(buyer))
    }
    for fact in people.values():
        if (
            fact.present
            and fact.side == CUSTOMER
            and buyer in fact.roles
            and not fact.role_evidence.get(buyer)
            and (fact.key in deferring or not TOP_TITLES & set(fact.titles))
            and deciders - {fact.key}
        ):
            fact.roles.remove(buyer)


def _champion(
    interaction: Interaction, people: dict[str, PersonFact], signals: list[Signal]
) -> None:
    """The customer's champion: the participant who relays the deal to an absent decider
    (:func:`_relay`); else the present customer-side person who speaks most and moves the
    purchase forward (asks for a proposal, a case, a trial or a quote), when the decision
    lies with someone else. Marked only when such a person stands out."""
    relay = _relay(interaction, people)
    if relay is not None:
        _make_champion(relay)
        return
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
    _make_champion(best)


def _make_champion(fact: PersonFact) -> None:
    if str(ROLE["champion"]) in fact.roles:
        return
    if len(fact.roles) < MAX_ROLES:
        fact.roles.insert(0, str(ROLE["champion"]))
    else:
        fact.roles[-1] = str(ROLE["champion"])


def _relay(interaction: Interaction, people: dict[str, PersonFact]) -> PersonFact | None:
    """The customer-side participant who carries the deal to an absent decider: the one who
    speaks of them ("once the trial looks good I can take it to her", "钮院长对
    实训效果特别在意") or, in minutes, is named beside them ("[X]提到“[Y]最关心…”"). Not the
    economic buyer themself; the one who relays most."""
    buyer, hidden = str(ROLE["economic_buyer"]), str(ROLE["hidden_influencer"])
    text = interaction.text
    counts: dict[str, int] = {}
    for absent in people.values():
        if absent.present or absent.side != CUSTOMER or hidden not in absent.roles:
            continue
        for e in absent.evidence:
            turn = interaction.turn_at(e.start)
            if turn is None:
                continue
            if turn.speaker:
                key = person_key(turn.speaker)
                relays = [
                    f for f in people.values() if f.key == key or turn.speaker in f.speaker_labels
                ]
            else:
                left = max(text.rfind(m, turn.start, e.start) for m in _SENTENCE_ENDS) + 1
                rights = [
                    i for i in (text.find(m, e.end, turn.end) for m in _SENTENCE_ENDS) if i != -1
                ]
                right = min(rights) if rights else turn.end
                relays = [
                    f
                    for f in people.values()
                    if f is not absent
                    and any(max(left, turn.start) <= x.start < right for x in f.evidence)
                ]
            for f in relays:
                if f.present and f.side == CUSTOMER and buyer not in f.roles:
                    counts[f.key] = counts.get(f.key, 0) + 1
    if not counts:
        return None
    return people[max(counts, key=lambda k: counts[k])]


def _titles_next_to(
    text: str,
    start: int,
    end: int,
    title_spans: Sequence[tuple[int, int]],
    window: tuple[int, int] | None = None,
) -> list[tuple[tuple[int, int], str]]:
    """Title phrases that belong to the name at ``start:end``, with their spans: written
    right before it ("客服中心主任 [PERSON-…]", the whole phrase with its department; "our MD,
    [PERSON-…]"; "Their SQE, a guy named [PERSON-…]"), right after it ("[PERSON-…], Procurement
    Manager", "[PERSON-…], our CEO,") or at the head of a following sentence about the same
    person ("He's our CEO").
    """
    out = []
    for t_start, t_end in title_spans:
        before = 0 <= start - t_end <= 16 and _BEFORE_LINK.fullmatch(text[t_end:start])
        after = (0 <= t_start - end <= 14 and _AFTER_LINK.fullmatch(text[end:t_start])) or (
            0 <= t_start - end <= 30 and _AFTER_LINK_WORDS.fullmatch(text[end:t_start])
        )
        if before:
            left = t_start
            if start - t_end <= 2:
                while left > 0 and left > t_start - 12 and text[left - 1] not in _PHRASE_STOPS:
                    left -= 1
            out.append(((t_start, t_end), text[left:t_end]))
        elif after:
            out.append(((t_start, t_end), text[t_start:t_end]))
        elif window is not None and window[0] <= t_start and t_end <= window[1]:
            head = text[text.rfind("\n", 0, t_start) + 1 : t_start]
            sentence = max(head.rfind(m) for m in (". ", "。", "！", "？", "; ")) + 1
            if _PRONOUN_TITLE.fullmatch(head[sentence:].lstrip(" .")):
                out.append(((t_start, t_end), text[t_start:t_end]))
    return out


# What may stand between a title and the name it belongs to.
_BEFORE_LINK = re.compile(
    r"(?:[\s,，、:：]|a guy|a man|a woman|someone|named|called|吧|她叫|他叫|名叫|叫)*", re.I
)
_AFTER_LINK = re.compile(
    r"(?:[\s,，、(（—-]|\b(?:is|was|who is|who's|our|their|your|the|as|started|joined|works|serves|now)\b"
    r"|是|我们的|我们|咱们)*",
    re.I,
)
# "[X], our pharmacy director": up to two words of the title's own before the matched title
_AFTER_LINK_WORDS = re.compile(
    r"[\s,，(（—-]*(?:(?:is|was|who is|who's|started as|joined as|works as|serves as|is now|as)\s+)?"
    r"(?:our|their|your|the)\s+(?:[a-z&-]+\s+){0,2}",
    re.I,
)
_PRONOUN_TITLE = re.compile(r"(?:he|she)(?:'s|’s| is| was)\s+(?:our|their|your|the)?\s*", re.I)
_PRONOUN_START = re.compile(r"\s*(?:[-—–]\s*)?(?:he|she|him|her)\b|\s*[他她](?!们)", re.I)
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]|\.(?=\s)")


def _mention_window(text: str, start: int, end: int, limit: int) -> tuple[int, int]:
    """The stretch of text about the person named at ``start:end``: the sentence of the
    mention, and the sentences after it that begin with a pronoun ("Barnaby will want that.
    He's our CEO — he won't join a vendor call"). Stops at the end of the turn (``limit``)."""
    left = max(text.rfind(mark, 0, start) for mark in ("。", "！", "？", "!", "?", "\n", ". ")) + 1
    right = end
    while right < limit:
        match = _SENTENCE_BREAK.search(text, right, limit)
        if match is None:
            return left, limit
        right = match.end()
        following = text[right:limit]
        if not _PRONOUN_START.match(following) or "[PERSON-" in following[:4]:
            return left, match.start() + 1
    return left, min(right, limit)


# A title standing for a person of its own: after "our"/"我们", or opening its clause.
_OWNED_OR_SUBJECT = re.compile(
    r"(?:\bour|\btheir|\bthe|我们的?|咱们的?|他们的?|公司的?)\s*$|(?:^|[，,。；;：:！？!?\n]\s*)$",
    re.I,
)
_OUTSIDE_ROLES = {str(ROLE["vendor_rep"]), str(ROLE["third_party"])}


def _organ_or_heading(text: str, start: int, end: int) -> bool:
    """A title that names a body or meeting ("董事会", "院长办公会", "board of directors") or
    heads a table column ("| Owner |"), not a person."""
    if text[end : end + 1] in set("会办部处室组") or re.match(
        r"\s*(?:board|office|'s office)", text[end : end + 10], re.I
    ):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    return line.count("|") >= 2 and "[PERSON-" not in line


def _merge_title_only(people: dict[str, PersonFact], windows: dict[str, list]) -> None:
    """A person known only by a title is a named person of the interaction when the title says
    so: the same title concept ("院长" and "钮院长"), or a senior title and exactly one named,
    absent customer-side person with decision authority ("我们老板" and "钮总")."""
    named = [f for f in people.values() if f.pseudonym is not None]
    for key in [k for k in people if k.startswith("title:")]:
        fact = people[key]
        same = [f for f in named if f.side == fact.side and set(f.titles) & set(fact.titles)]
        if len(same) != 1:
            same = [
                f
                for f in named
                if not f.present
                and f.side == fact.side == CUSTOMER
                and not fact.present
                and str(ROLE["economic_buyer"]) in f.roles
            ]
            if len(same) != 1 or str(ROLE["economic_buyer"]) not in fact.roles:
                continue
        target = same[0]
        target.evidence.extend(fact.evidence)
        for role in fact.roles:
            if role not in target.roles:
                target.roles.append(role)
        windows.setdefault(target.key, []).extend(windows.pop(key, []))
        del people[key]


def _roles_from_cues(
    interaction: Interaction,
    text: str,
    people: dict[str, PersonFact],
    role_cues: Sequence[RoleCue],
    spans: list[tuple[int, int, str]],
    windows: dict[str, list[tuple[int, int]]],
    aliases: dict[str, str],
) -> None:
    """Credit each role cue ("signs anything over fifty thousand", "很听他的", "go through me")
    to the person it is about: the nearest person named in its sentence, else the person a
    pronoun sentence is about, else the speaker when the cue speaks in the first person."""
    for start, end, role, negated in role_cues:
        if negated or role in (str(ROLE["vendor_rep"]),):
            continue
        turn = interaction.turn_at(start)
        if turn is None:
            continue
        left = max(text.rfind(mark, turn.start, start) for mark in _SENTENCE_ENDS) + 1
        left = max(left, turn.start)
        rights = [i for i in (text.find(m, end, turn.end) for m in _SENTENCE_ENDS) if i != -1]
        right = min(rights) if rights else turn.end
        # "潘总很听他的": a cue about "him" is not about the person just before it
        about_other = _THIRD_PERSON.search(text[start:end]) is not None
        inside = [
            (min(abs(s - end), abs(start - e)), key)
            for s, e, key in spans
            if left <= s
            and e <= right
            and key in people
            and not (about_other and 0 <= start - e <= 3)
        ]
        key = min(inside)[1] if inside else None
        # a sentence that begins with "He"/"She" is about the person of the sentence before,
        # unless someone is named ahead of the cue ("She has asked not to be copied, so keep
        # correspondence with [X]": the asking is hers)
        covering = [
            k
            for k, spans_of in windows.items()
            if any(a < left <= start and end <= b for a, b in spans_of)
        ]
        if len(covering) == 1 and not _named_ahead(spans, left, start):
            key = covering[0]
        if key is None and _FIRST_PERSON.search(text[start:end]):
            speaker = person_key(turn.speaker)
            key = aliases.get(speaker, speaker) if speaker else None
        if key is None or key not in people:
            continue
        fact = people[key]
        evidence = Evidence(turn.index, start, end, text[start:end], EXTRACTOR, 0.7)
        if role == str(ROLE["third_party"]):
            near = any(
                k == key and (0 <= s - end <= 12 or 0 <= start - e <= 12) for s, e, k in spans
            )
            if near and not fact.present and fact.side == CUSTOMER:
                fact.side = THIRD_PARTY
            continue
        _add_role(fact, role, evidence)


def _named_ahead(spans: list[tuple[int, int, str]], left: int, start: int) -> bool:
    """Someone is named in the sentence before the cue at ``start``."""
    return any(left <= s and e <= start for s, e, _ in spans)


_THIRD_PERSON = re.compile(r"[他她]|\b(?:him|her|his)\b", re.I)
_FIRST_PERSON = re.compile(r"我|\b(?:i|i'm|i'll|me|my)\b", re.I)


_PHRASE_STOPS = set("、，,：:；;（()）\n\t |｜-—。！？!?]")


def _mention_side(
    text: str,
    start: int,
    speaker_side: str,
    end: int | None = None,
    log: bool = False,
    floor: int = 0,
) -> tuple[str, int]:
    """The side of a person the speaker mentions, and how sure that is (0 a default, 2 said).

    "我是[X]" / "this is [X]", "同事[X]" / "my colleague [X]", "[X]会跟您对接" / "[X] will call
    you": the speaker's own side. "你们/贵司/your … [X]" earlier in the clause: the other side.
    "我们/our … [X]": the speaker's side. A vendor's title right before the name ("区域经理[X]")
    in the vendor's words: the vendor (1). In an event log, the field holding the name
    ("technician", "agent_name" / "contact_name"). Otherwise a person the vendor mentions is
    the customer's, and one the customer mentions is their own (0).
    """
    close = text[max(0, start - 6) : start]
    if _SELF_INTRO_BEFORE.search(close) or _COLLEAGUE_BEFORE.search(close):
        return speaker_side, 2
    if log:
        field = _LOG_FIELD.search(text[max(0, start - 40) : start])
        if field:
            return (VENDOR if _VENDOR_FIELD.search(field.group(1)) else CUSTOMER), 3
    if end is not None and _ACTS_FOR_SPEAKER.match(text[end : end + 16]):
        return speaker_side, 2
    clause_start = max(text.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1
    clause = text[clause_start:start]
    other = {CUSTOMER: VENDOR, VENDOR: CUSTOMER}.get(speaker_side, UNKNOWN)
    theirs = [m.end() for m in _THEIR_ANYWHERE.finditer(clause)]
    ours = [m.end() for m in _OUR_ANYWHERE.finditer(clause)]
    if theirs and (not ours or theirs[-1] > ours[-1]):
        return other, 2
    if ours:
        return speaker_side, 2
    if speaker_side == VENDOR and _VENDOR_TITLE_BEFORE.search(
        text[max(clause_start, floor, start - 8) : start]
    ):
        return VENDOR, 1
    return (CUSTOMER if speaker_side in (VENDOR, UNKNOWN) else speaker_side), 0


_VENDOR_TITLE_BEFORE = re.compile(f"(?:{VENDOR_TITLES.pattern})\\s*$", re.I)
_COLLEAGUE_BEFORE = re.compile(r"(同事|\bcolleagues?\b)\s*$", re.I)
_ACTS_FOR_SPEAKER = re.compile(
    r"\s*(?:会|将|亲自|主动)*(?:跟您|和您|与您|联系您|给您回|为您|帮您)"
    r"|\s*(?:will|can|is going to|'ll)\s+(?:call|contact|email|ring|reach out to|get back to|"
    r"follow up with)\s+you",
    re.I,
)
_LOG_FIELD = re.compile(r'"(\w+)"\s*:\s*"[^"]{0,20}$')
_VENDOR_FIELD = re.compile(
    r"agent|technician|engineer|staff|advisor|adviser|consultant|csm|rep\b", re.I
)
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
    windows: dict[str, list[tuple[int, int]]],
) -> set[str]:
    """Roles from what people say themselves; returns the people who, in their own words,
    give the decision to someone else ("最后拍板还得我们董事长[X]")."""
    deferring: set[str] = set()
    for signal in signals:
        if signal.person is None or signal.person not in people:
            continue
        fact = people[signal.person]
        low, high = _scope(text, signal)
        if any(key != signal.person and low <= start and end <= high for start, end, key in spans):
            if signal.kind == "decision" and not signal.negated:
                deferring.add(signal.person)
            continue  # "最后拍板还得[PERSON-…]": the sentence is about someone else
        ev = signal.evidence
        if any(
            a <= ev.start and ev.end <= b
            for key, spans_of in windows.items()
            if key != signal.person
            for a, b in spans_of
        ):
            continue  # "…a guy named [X]. … so effectively he decides": about [X]
        role = _signal_role(signal, fact.present)
        if role is not None:
            _add_role(fact, ROLE[role], signal.evidence)
    return deferring


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


def _finish_roles(
    text: str, fact: PersonFact, signals: list[Signal], windows: Sequence[tuple[int, int]] = ()
) -> None:
    if fact.side == VENDOR:
        fact.roles = [str(ROLE["vendor_rep"])]
        return
    if fact.side == THIRD_PARTY:
        shapes = not fact.present and _shapes_decision(fact)
        fact.roles = [str(ROLE["third_party"])]
        if shapes:
            fact.roles.insert(0, str(ROLE["hidden_influencer"]))
        return
    if fact.present:
        # a person plays one or two parts in a decision; titles (added first) outrank
        # what a few of their sentences suggest; a customer taking part with no other
        # part is who the product is for
        fact.roles = [r for r in fact.roles if r != str(ROLE["hidden_influencer"])][:MAX_ROLES]
        if not fact.roles and fact.side == CUSTOMER:
            fact.roles = [str(ROLE["end_user"])]
        return
    # Absent, customer side: does a sentence credit this person with the decision?
    deciding = [
        signal
        for signal in signals
        if signal.kind == "decision"
        and (
            any(
                low <= e.start and e.end <= high
                for low, high in [_scope(text, signal)]
                for e in fact.evidence
            )
            or any(a <= signal.evidence.start and signal.evidence.end <= b for a, b in windows)
        )
    ]
    # the clause that credits them is the evidence of their roles ("最后拍板还得[PERSON-…]")
    proof = deciding[0].evidence if deciding else None
    if deciding:
        _add_role(fact, ROLE["economic_buyer"], proof)
    if deciding or _shapes_decision(fact):
        _add_role(fact, ROLE["hidden_influencer"], proof)
    hidden = str(ROLE["hidden_influencer"])
    if hidden in fact.roles:
        # a hidden node and the one part they play in the decision, the deciding part first
        others = [r for r in fact.roles if r != hidden]
        others.sort(key=lambda r: _HIDDEN_PARTNER.index(r) if r in _HIDDEN_PARTNER else 9)
        blocker = str(ROLE["blocker"])
        if blocker in others and fact.role_evidence.get(blocker):
            # resisting, said in so many words ("给否的"), tells more than a title's budget
            others.remove(blocker)
            if not fact.role_evidence.get(str(ROLE["economic_buyer"])):
                others.insert(0, blocker)
        fact.roles = [hidden, *others[: MAX_ROLES - 1]]
    else:
        fact.roles = fact.roles[:MAX_ROLES]


#: For a hidden node, which of their other roles to report first.
_HIDDEN_PARTNER = [
    str(ROLE[n])
    for n in ("economic_buyer", "blocker", "technical_evaluator", "commercial_evaluator")
]


def _shapes_decision(fact: PersonFact) -> bool:
    """An absent person shapes the decision when they hold it (economic buyer), can stop it
    (blocker), or a sentence says the decision leans on them (a hidden-influencer cue:
    "很听他的", "has the ear of")."""
    return bool(
        {str(ROLE[n]) for n in ("economic_buyer", "blocker", "hidden_influencer")} & set(fact.roles)
    )


def _add_role(fact: PersonFact, role: object, evidence: Evidence | None) -> None:
    iri = str(role)
    if iri not in fact.roles:
        fact.roles.append(iri)
    if evidence is not None:
        fact.role_evidence.setdefault(iri, []).append(evidence)
