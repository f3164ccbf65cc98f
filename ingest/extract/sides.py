"""Which side each speaker is on: the customer's, the vendor's, or a third party.

Everything downstream depends on this: an intent cue said by the customer is
a signal, the same words said by the vendor's salesperson are not. The
evidence, strongest first:

1. the vendor curated in the ontology (a ``semcrm:Vendor`` whose label is the
   speaker's organisation, or appears in a self-introduction);
2. the speaker label itself: role labels (客户/用户/Customer/Caller vs
   销售/客服/Agent/Support/Sales/virtual assistant) and the organisation or
   title given with it (``"Ben (Brightloom Support)"``, ``"客服-小暖"``);
3. a self-introduction ("我是X的…", "this is … from X", "这里是X客服");
4. the shape of the conversation: the first speaker of an outbound call who
   introduces herself is the vendor; with two sides, the other speakers are
   the customer.

The result is a score per speaker; a speaker with no evidence takes the
side opposite to the one identified vendor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from semcrm.ingest.extract.model import CUSTOMER, THIRD_PARTY, UNKNOWN, VENDOR
from semcrm.ingest.model import Interaction, Turn
from semcrm.ingest.nlp.tokenizer import fold

_CUSTOMER_LABEL = re.compile(
    r"^(客户|用户|顾客|买家|来电人|访客|customer|client|caller|user|buyer|guest|member)\b", re.I
)
_VENDOR_LABEL = re.compile(
    r"(销售|客服|售前|售后|坐席|客户经理|客户成功|技术支持|工程师|"
    r"\bagent\b|\bsupport\b|\bsales\b|\brep\b|account manager|customer success|"
    r"virtual assistant|\bbot\b|assistant\)|helpdesk|service desk)",
    re.I,
)
# A self-introduction names the speaker's organisation and then the speaker (or a
# service role): "我是光栈科技的[PERSON-…]", "这里是X客服", "this is [PERSON-…] from X".
# A description such as "我们是做光伏EPC的" is not one.
_PERSON = r"\[PERSON-[0-9A-F]{8}\]"
_SELF_INTRO = re.compile(
    rf"(我是|这里是|这边是)(?P<org>[^，,。！!？?\s]{{2,24}}?)(的{_PERSON}|的?(客服|销售|售后|技术支持|客户经理))"
    rf"|\b(this is|i'm|i am|it's)\s+{_PERSON}\s+(from|with|at|of)\s+"
    r"(?P<org_en>[A-Z][\w&' .-]{1,40})",
    re.I,
)


# "我是零售业务部的[X]" introduces a department of the speaker's own organisation, which says
# nothing about the side.
_DEPARTMENT = re.compile(r"(部|处|科|室|组|中心|办公室|事业部|department|team|office)$", re.I)
# A speaker introducing a colleague: "[X]'s joining from our applications lab", "今天我们的
# solution architect [X]也在线", "my colleague [X]".
_COLLEAGUE_BEFORE = re.compile(
    r"(?:我们的|我们|我司的?|我同事|同事|\bour\b|\bmy colleague\b|\bmy colleagues\b)"
    r"[^，,。！？!?；;\[\]]{0,30}$",
    re.I,
)
_COLLEAGUE_AFTER = re.compile(
    r"^(?:'s|’s| is)?\s*(?:joining|here|on the line|with us)?\s*(?:from|with|of) our\b", re.I
)
# "[X], can you send [Y] the beta steps?": the speaker hands a task to a colleague.
_ASKED_TO_SEND = re.compile(
    r"\s*[,，]\s*(?:can|could|would) you (?:send|share|forward|email|give)\s+\[PERSON-", re.I
)
_NOT_COLLEAGUE = re.compile(r"客户|用户|customer|client|user|guest", re.I)


# "我是技术支持[X]", "I'm your account manager": a service role of the vendor's.
_ROLE_INTRO = re.compile(
    r"(?:我是|这里是|这边是)(?:技术支持|客服|销售|售后|售前|客户经理|客户成功)"
    r"|\b(?:i'm|i am|this is)\s+(?:your|the)\s+(?:account manager|support engineer|"
    r"customer success manager|sales rep)",
    re.I,
)
# Apologising for the product or the service is what the vendor does.
_APOLOGY = re.compile(
    r"实在抱歉|非常抱歉|十分抱歉|给您带来不便|深表歉意|\b(?:we|i) apologi[sz]e\b|"
    r"(?:really|so|very) sorry (?:for|about) the",
    re.I,
)


def _colleagues(interaction: Interaction, sides: dict[str, str], scores: dict[str, float]) -> None:
    """A speaker whom a speaker of the other side introduces as "our …" ("[X]'s joining from
    our applications lab") is on the introducer's side, unless their own label says otherwise."""
    moved: dict[str, str] = {}
    for turn in interaction.turns:
        key = speaker_key(turn)
        side = sides.get(key or "")
        if key is None or side not in (VENDOR, CUSTOMER):
            continue
        for match in re.finditer(r"\[(PERSON-[0-9A-F]{8})\]", turn.text):
            other = match.group(1)
            if (
                other == key
                or other not in sides
                or sides[other] == side
                or abs(scores[other]) >= 3
            ):
                continue
            before = turn.text[max(0, match.start() - 40) : match.start()]
            before = re.split(r"[。！？!?；;]|\.\s", before)[-1]
            after = turn.text[match.end() : match.end() + 40]
            colleague = (
                _COLLEAGUE_BEFORE.search(before)
                or _COLLEAGUE_AFTER.search(after)
                or _ASKED_TO_SEND.match(after)
            )
            if colleague and not _NOT_COLLEAGUE.search(colleague.group(0)):
                moved.setdefault(other, side)
    sides.update(moved)


def _same_org(a: str, b: str) -> bool:
    """Two folded organisation names that may be one (one contains the other, or they share
    their first two characters: "星联物联" / "星联")."""
    return a in b or b in a or a[:2] == b[:2]


def _org_stem(org: str) -> str:
    """An organisation label without the service team it names ("衡川客服" and "衡川技术" are
    one company's staff)."""
    stem = _TEAM_SUFFIX.sub("", fold(org)).strip()
    return stem if len(stem) >= 2 else fold(org)


_TEAM_SUFFIX = re.compile(
    r"(客服|技术支持|技术|销售|售后|售前|运营|support|sales|service|account management)$", re.I
)


def speaker_key(turn: Turn) -> str | None:
    return turn.speaker.strip() if turn.speaker else None


def assign_sides(
    interaction: Interaction, vendor_names: Iterable[str] = (), first_turns: int = 3
) -> dict[str, str]:
    """Map each speaker label (as written in the de-identified turns) to a side."""
    vendor_keys = {fold(n) for n in vendor_names if n}
    scores: dict[str, float] = defaultdict(float)
    orgs: dict[str, str] = {}
    speakers: list[str] = []
    first_intro: str | None = None
    for turn in interaction.turns:
        key = speaker_key(turn)
        if key is None:
            continue
        if key not in speakers:
            speakers.append(key)
        label = " ".join(filter(None, [turn.speaker, turn.speaker_org, turn.speaker_title]))
        if turn.speaker_org:
            orgs[key] = turn.speaker_org
            if fold(turn.speaker_org) in vendor_keys or any(
                v in fold(turn.speaker_org) for v in vendor_keys
            ):
                scores[key] += 5
        if _CUSTOMER_LABEL.search(turn.speaker or ""):
            scores[key] -= 4
        if _VENDOR_LABEL.search(label) or _ROLE_INTRO.search(turn.text):
            scores[key] += 3
        if _APOLOGY.search(turn.text):
            scores[key] += 1
        if turn.index < first_turns + len(speakers):
            intro = _SELF_INTRO.search(turn.text)
            if intro and not _DEPARTMENT.search(intro.group("org") or intro.group("org_en") or ""):
                org = (intro.group("org") or intro.group("org_en") or "").strip(" .")
                if first_intro is None:
                    first_intro = fold(org)
                if org and not _same_org(first_intro, fold(org)):
                    # a second organisation introducing itself answers the first: "我是星联
                    # 物联的[X]" ... "我是骏澜研发的[Y]" — the vendor spoke first
                    scores[key] -= 2.5
                else:
                    scores[key] += 2.5 if turn.index <= first_turns else 1
                if org and any(v in fold(org) for v in vendor_keys):
                    scores[key] += 5
                if org:
                    orgs.setdefault(key, org)
    if not speakers:
        return {}
    # Speakers from the same organisation share a side.
    by_org: dict[str, list[str]] = defaultdict(list)
    for key, org in orgs.items():
        by_org[_org_stem(org)].append(key)
    for members in by_org.values():
        if len(members) > 1:
            total = sum(scores[m] for m in members)
            for m in members:
                scores[m] = total
    sides: dict[str, str] = {}
    vendor_found = any(scores[k] > 0 for k in speakers)
    customer_found = any(scores[k] < 0 for k in speakers)
    for key in speakers:
        if scores[key] > 0:
            sides[key] = VENDOR
        elif scores[key] < 0 or vendor_found:
            sides[key] = CUSTOMER
        elif customer_found:
            sides[key] = VENDOR
        else:
            sides[key] = UNKNOWN
    if all(side == UNKNOWN for side in sides.values()) and len(speakers) >= 2:
        # No evidence at all. In an outbound call the first speaker is usually the
        # vendor; in the vendor's mailbox the newest message is usually the customer's.
        first, rest = (CUSTOMER, VENDOR) if interaction.kind == "email" else (VENDOR, CUSTOMER)
        sides[speakers[0]] = first
        for key in speakers[1:]:
            sides[key] = rest
    elif interaction.kind == "email" and len(speakers) == 1 and sides[speakers[0]] == UNKNOWN:
        sides[speakers[0]] = CUSTOMER
    _colleagues(interaction, sides, scores)
    _third_parties(interaction, sides, orgs)
    return sides


def _third_parties(interaction: Interaction, sides: dict[str, str], orgs: dict[str, str]) -> None:
    """With three or more organisations, speakers of a minor one are third parties."""
    org_sides: dict[str, set[str]] = defaultdict(set)
    for key, org in orgs.items():
        org_sides[fold(org)].add(sides.get(key, UNKNOWN))
    if len(org_sides) < 3:
        return
    counts: dict[str, int] = defaultdict(int)
    for turn in interaction.turns:
        key = speaker_key(turn)
        if key and key in orgs:
            counts[fold(orgs[key])] += 1
    ranked = sorted(counts, key=lambda o: -counts[o])
    vendor_words = {
        fold(orgs[k]).split()[0] for k in orgs if sides.get(k) == VENDOR and fold(orgs[k]).split()
    }
    for key, org in orgs.items():
        if fold(org) in ranked[:2] or sides.get(key) == VENDOR:
            continue
        words = fold(org).split()
        if words and len(words[0]) >= 4 and words[0] in vendor_words:
            sides[key] = VENDOR  # "Brightloom Account Management" beside "Brightloom Support"
        else:
            sides[key] = THIRD_PARTY


def self_introduced_organisation(
    interaction: Interaction, speaker_sides: dict[str, str], side: str = VENDOR
) -> tuple[str, int] | None:
    """The organisation a speaker of ``side`` names in a self-introduction, and its offset."""
    for turn in interaction.turns:
        if speaker_sides.get(speaker_key(turn) or "") != side:
            continue
        match = _SELF_INTRO.search(turn.text)
        if match:
            group = "org" if match.group("org") else "org_en"
            name = match.group(group).strip(" .")
            return name, turn.start + match.start(group)
    return None


def turn_sides(interaction: Interaction, speaker_sides: dict[str, str]) -> dict[int, str]:
    """Side of each turn; turns without a speaker (documents, logs) are the customer's."""
    out: dict[int, str] = {}
    for turn in interaction.turns:
        key = speaker_key(turn)
        if key is None:
            out[turn.index] = CUSTOMER if interaction.kind != "email" else UNKNOWN
        else:
            out[turn.index] = speaker_sides.get(key, UNKNOWN)
    return out
