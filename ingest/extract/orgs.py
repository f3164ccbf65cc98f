"""Organisations in an interaction, and which one is the customer.

Candidates and the side they are tied to come from, strongest first:

* header and issuer lines: ``客户：X``, ``Account: X``, the tender issuer
  (``采购人：X``, ``招标人：X``, ``X（以下简称“采购人”）``, ``issued by X``), a
  participants line (``Participants: V (vendor) and X``) — the customer;
* e-mail: the organisation in the signature of a message, and the one the
  sending domain names (the Message-ID's or a role mailbox's domain, which
  de-identification keeps), on the side of the message's author;
* self-reference by a speaker: ``我们X``, ``咱们X``, ``我是X研发的…``, ``X这边``,
  ``here at X``, ``we at X``, ``on behalf of X`` — the speaker's side;
  an address such as ``请问是X…吗``, ``thanks for having us at X`` — the other side;
* organisations given with speakers (``"Name (Org, role):"``), the speaker's side;
* names with a legal or institutional suffix anywhere (有限公司, 集团, Ltd, Bank …);
* organisations curated in the ontology (the vendor, competitors).

Short and long forms of one name (鹭汀 / 鹭汀家居) are one organisation,
shown by its longest form. An organisation that shares its first word with a
vendor speaker's organisation ("Oakhollow Support") is the vendor's. The
customer is the best-scored remaining candidate tied to the customer side or
named more than once; competitors are those the ontology types as
``semcrm:Competitor``; the rest are "other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from semcrm.ingest.extract.layout import signature_start
from semcrm.ingest.extract.model import CUSTOMER, VENDOR, Evidence, OrgFact
from semcrm.ingest.extract.orgnames import (
    EN_ORG,
    ZH_ORG,
    en_name_at,
    matches_domain,
    same_organisation,
    strip_leading,
    zh_brand_at,
    zh_organisation_spans,
)
from semcrm.ingest.model import Interaction
from semcrm.ingest.nlp.tokenizer import fold

EXTRACTOR = "orgs"

_HEADER_ORG = re.compile(
    r"^[ \t#*>-]*(?:客户|客户名称|客户单位|用户单位|采购人|采购单位|招标人|招标单位|建设单位|业主单位|甲方|"
    r"单位|Account|Customer|Client|Company|Buyer|Purchaser|Contracting authority|Issuer)"
    r"(?:名称)?\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(?P<org>[^\n|｜;；,，。]{2,40})",
    re.M | re.I,
)
_ISSUER = re.compile(
    r"(?P<org>[^\s，,。：:（(]{4,40})[（(]\s*(?:以下简称|下称)\s*[“\"「]?(?:采购人|招标人|甲方|买方|采购方)"
    r"|(?P<org_en>[A-Z][^\n()]{3,60}?)\s*\((?:the\s+)?[\"“]?(?:Purchaser|Buyer|Client|Customer|"
    r"Contracting Authority|Authority|Issuer)[\"”]?\)"
    r"|\b(?:issued by)\s+(?:the\s+)?(?P<by>[A-Z])",
)
_PARTICIPANTS = re.compile(r"(?:Participants|参与方|参会方|参会单位)\s*[:：](?P<rest>[^\n]+)", re.I)
_ADDRESSED = re.compile(
    r"(请问是|请问您是|是不是|这里是|您是)(?P<org>[^，,。？?！!]{2,30}?)(的|吗|吧)"
)
# "我们X", "咱们X", "我是X研发的"; X is read by zh_brand_at.
_ZH_SELF = re.compile(r"(?:我们|咱们|我们是|我是|我们这是|本公司)(?=[\u4e00-\u9fff])")
# "你们X" names the other side's organisation; "是X…吗/吧", asked by the vendor, the customer's.
_ZH_YOU = re.compile(r"(?:你们|您们)(?=[\u4e00-\u9fff])")
_ZH_ASKED = re.compile(r"是(?=[\u4e00-\u9fff])(?=[^，,。！!？?\n]*(?:吗|吧|[？?]))")
_ZH_HERE = re.compile(r"(?P<org>[\u4e00-\u9fff]{2,8})(?:这边|方面)")
_EN_SELF = re.compile(r"\b(?:here at|we at|we're at|team at|folks at|on behalf of)\s+", re.I)
_EN_POSSESSIVE = re.compile(r"(?<![\w&])([A-Z][\w-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][\w-]*){0,4})['’]s\b")
_LEGAL_FORM = re.compile(
    r"(?:有限公司|有限责任公司|股份公司|\b(?:Ltd|Limited|Inc|LLC|LLP|PLC|GmbH|Corp)\b)"
)
_EN_HOST = re.compile(r"\b(?:having us at|visit(?:ing)? you at|season at)\s+", re.I)
#: Event fields naming the account the events belong to (first the strongest).
_ACCOUNT_FIELDS = {
    "tenant_name": 3.0, "account_name": 3.0, "customer_name": 3.0, "customer": 3.0,
    "organization": 2.0, "organisation": 2.0, "org_name": 2.0, "company": 1.0,
}  # fmt: skip
_DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{2}(?:中心|部|处|科|室)$")
_MAILBOX = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_STOP_STARTS = (
    "我们", "你们", "他们", "咱们", "贵", "本", "这家", "那家", "一家", "个", "们",
    "The ", "the ", "Our ", "our ",
)  # fmt: skip
_GENERIC = {"公司", "集团", "银行", "学院", "中心", "工厂", "the company", "group", "company"}
_GENERIC_HEADS = re.compile(
    r"^(?:供电|电力|燃气|自来水|物业|快递|保险|银行|运营商|总|分|子|母|合作|外包|代理|同类|"
    r"客服|售后|服务|主机|整车|工)(?:公司|中心|厂|集团|银行)$"
)


@dataclass
class _Candidate:
    name: str
    score: float = 0.0
    sided: bool = False  # tied to a side by context, not only named
    vendor: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    forms: set[str] = field(default_factory=set)


class _Candidates:
    def __init__(self, interaction: Interaction) -> None:
        self.interaction = interaction
        self.items: list[_Candidate] = []

    def add(self, name: str, start: int, weight: float, side: str | None = None) -> None:
        name = _clean(name)
        if not _plausible(name):
            return
        text = self.interaction.text
        found = next((c for c in self.items if same_organisation(c.name, name)), None)
        if found is None:
            found = _Candidate(name)
            self.items.append(found)
        elif len(name) > len(found.name):
            found.name = name
        found.forms.add(name)
        if side == VENDOR:
            found.vendor = True
        elif side == CUSTOMER:
            found.score += 4 * weight
            found.sided = True
        else:
            found.score += weight
        new_form = all(e.quote != name for e in found.evidence)
        if (
            start >= 0
            and text[start : start + len(name)] == name
            and (len(found.evidence) < 8 or new_form)
        ):
            turn = self.interaction.turn_at(start)
            found.evidence.append(
                Evidence(turn.index if turn else -1, start, start + len(name), name, EXTRACTOR, 0.8)
            )


def find_organisations(
    interaction: Interaction,
    sides: dict[str, str],
    known: dict[str, tuple[str, str]],
) -> list[OrgFact]:
    """All organisation candidates with their role.

    Args:
        interaction: the de-identified interaction.
        sides: speaker label -> side (from :func:`semcrm.ingest.extract.sides.assign_sides`).
        known: folded name -> (IRI, role) for organisations curated in the ontology.
    """
    text = interaction.text
    found = _Candidates(interaction)
    vendor_heads: set[str] = set()

    def side_of(start: int) -> str | None:
        turn = interaction.turn_at(start)
        return sides.get((turn.speaker or "").strip()) if turn and turn.speaker else None

    for turn in interaction.turns:
        if turn.speaker_org:
            side = sides.get((turn.speaker or "").strip())
            found.add(turn.speaker_org, text.rfind(turn.speaker_org, 0, turn.start + 1), 1.0, side)
            if side == VENDOR:
                vendor_heads.add(_head(turn.speaker_org))
    _explicit(found, interaction)
    _email(found, interaction, sides)
    _self_reference(found, interaction, side_of)
    for start, end in zh_organisation_spans(text):
        name = text[start:end]
        found.add(name, start, 2.0 if _LEGAL_FORM.search(name) else 1.0)
    for match in EN_ORG.finditer(text):
        name = strip_leading(match.group(1))
        if " " in name:
            found.add(name, match.end(1) - len(name), 2.0 if _LEGAL_FORM.search(name) else 1.0)
    folded = fold(text)
    for folded_name, (_iri, role) in known.items():
        position = folded.find(folded_name)
        if position >= 0:
            name = text[position : position + len(folded_name)]
            found.add(name, position, 1.0, VENDOR if role == VENDOR else None)

    facts: list[OrgFact] = []
    best: tuple[float, int] | None = None
    customer: OrgFact | None = None
    for candidate in found.items:
        curated = next((known[fold(f)] for f in candidate.forms if fold(f) in known), None)
        vendor = candidate.vendor or _head(candidate.name) in vendor_heads
        role = curated[1] if curated else (VENDOR if vendor else "other")
        # the longest form first (the gold shape shows the first quote), then in text order
        evidence = sorted(candidate.evidence, key=lambda e: (-(e.end - e.start), e.start))
        fact = OrgFact(candidate.name, role, evidence[:5], curated[0] if curated else None)
        facts.append(fact)
        if role in (VENDOR, "competitor"):
            continue
        if not (candidate.sided or candidate.score >= 2):
            continue
        rank = (candidate.score, -_first(candidate.evidence))
        if best is None or rank > best:
            best, customer = rank, fact
    if customer is not None:
        customer.role = CUSTOMER
    return facts


def _explicit(found: _Candidates, interaction: Interaction) -> None:
    """Header lines, tender issuers and participants lines: the customer, by what they say."""
    text = interaction.text
    for match in _HEADER_ORG.finditer(text):
        turn = interaction.turn_at(match.start("org"))
        if turn is not None and turn.speaker and turn.start == match.start("org"):
            continue  # "客户：…" is a speaker label here, not a header
        start, name = _core_name(match.group("org"), match.start("org"))
        found.add(name, start, 3.0, CUSTOMER)
    for match in _ISSUER.finditer(text):
        if match.group("org") or match.group("org_en"):
            group = "org" if match.group("org") else "org_en"
            start, name = _core_name(match.group(group), match.start(group))
        else:
            start = match.start("by")
            name = en_name_at(text, start) or ""
        found.add(name, start, 3.0, CUSTOMER)
    if interaction.kind in ("tender", "document"):
        # the issuer heads a tender or a formal document: its first line
        line = text[: text.find("\n")] if "\n" in text else text
        heading = line.strip(" #*")
        if heading and (EN_ORG.fullmatch(heading) or ZH_ORG.fullmatch(heading)):
            found.add(heading, text.find(heading), 3.0, CUSTOMER)
    if interaction.kind == "event_log":
        for turn in interaction.turns:
            for key, weight in _ACCOUNT_FIELDS.items():
                value = turn.meta.get(key, "").strip()
                if value and not re.fullmatch(r"[\w-]*\d[\w-]*", value):  # not an id
                    at = turn.text.find(value)
                    found.add(value, turn.start + at if at >= 0 else -1, weight, CUSTOMER)
    for match in _PARTICIPANTS.finditer(text):
        for part in re.split(r"\s*(?:,|，|、|;|；|\band\b|和|与)\s*", match.group("rest")):
            part = part.strip(" .。")
            if not part:
                continue
            vendor = re.search(r"[(（]\s*(?:vendor|supplier|供应商|厂商|乙方)\s*[)）]", part, re.I)
            name = re.sub(r"\s*[(（][^)）]*[)）]", "", part).strip()
            start = text.find(name, match.start("rest"))
            found.add(name, start, 2.0, VENDOR if vendor else CUSTOMER)


def _email(found: _Candidates, interaction: Interaction, sides: dict[str, str]) -> None:
    """The organisation in a message's signature, and the one its sending domain names, on the
    side of the message's author."""
    if interaction.kind != "email":
        return
    text = interaction.text
    for turn in interaction.turns:
        side = sides.get((turn.speaker or "").strip())
        cut = signature_start(turn.text)
        if cut is None or side is None:
            continue
        block = turn.text[cut:]
        weight = 2.0 if turn.index == 0 else 0.5  # the newest message speaks for the record
        for start, end in zh_organisation_spans(block):
            found.add(block[start:end], turn.start + cut + start, weight, side)
        for match in EN_ORG.finditer(block):
            name = strip_leading(match.group(1))
            found.add(name, turn.start + cut + match.end(1) - len(name), weight, side)
    domains = [interaction.metadata.get("message_id", "")]
    domains += _MAILBOX.findall(text[: interaction.turns[0].start] if interaction.turns else "")
    author = interaction.turns[0].speaker if interaction.turns else None
    side = sides.get((author or "").strip())
    for domain in filter(None, domains):
        domain = domain.strip("<>").split("@")[-1]
        for candidate in list(found.items):
            if matches_domain(candidate.name, domain):
                found.add(candidate.name, -1, 2.0, side)
                break


def _self_reference(found: _Candidates, interaction: Interaction, side_of) -> None:
    """我们X / X这边 / here at X by a speaker: the speaker's side; 你们X / 是X…吗 (asked by the
    vendor) / 请问是X吗 / having us at X: the other side."""
    text = interaction.text
    other = {CUSTOMER: VENDOR, VENDOR: CUSTOMER}
    for match in _ZH_SELF.finditer(text):
        side = side_of(match.start())
        name = zh_brand_at(text, match.end())
        if name and side in other:
            found.add(name, match.end(), 1.0, side)
    for pattern, asked in ((_ZH_YOU, False), (_ZH_ASKED, True)):
        for match in pattern.finditer(text):
            side = side_of(match.start())
            name = zh_brand_at(text, match.end())
            if name and side in other and (side == VENDOR or not asked):
                found.add(name, match.end(), 0.75, other[side])
    for match in _ZH_HERE.finditer(text):
        side = side_of(match.start())
        for offset in range(len(match.group("org")) - 1):
            name = zh_brand_at(text, match.start("org") + offset)
            if name and match.start("org") + offset + len(name) == match.end("org"):
                if side in other:
                    found.add(name, match.start("org") + offset, 1.0, side)
                break
    for pattern, flip in ((_EN_SELF, False), (_EN_HOST, True)):
        for match in pattern.finditer(text):
            side = side_of(match.start())
            name = en_name_at(text, match.end())
            if name and side in other:
                found.add(name, match.end(), 1.0, other[side] if flip else side)
    for match in _EN_POSSESSIVE.finditer(text):
        name = strip_leading(match.group(1))
        # "Harrow & Finch's guests": a firm-like name (a person's two-word name is not one)
        if side_of(match.start()) == CUSTOMER and ("&" in name or name.count(" ") >= 2):
            found.add(name, match.end(1) - len(name), 0.5, CUSTOMER)
    for match in _ADDRESSED.finditer(text):
        if ZH_ORG.search(match.group("org")) or EN_ORG.search(match.group("org")):
            start, name = _core_name(match.group("org"), match.start("org"))
            found.add(name, start, 0.75, CUSTOMER)


def _core_name(captured: str, offset: int) -> tuple[int, str]:
    """The organisation inside a captured phrase: "X有限公司设备部" -> "X有限公司"."""
    spans = zh_organisation_spans(captured)
    if spans:
        start, end = max(spans, key=lambda span: span[1] - span[0])
        return offset + start, captured[start:end]
    english = EN_ORG.search(captured)
    if english:
        return offset + english.start(1), english.group(1)
    return offset, captured.strip()


def _head(name: str) -> str:
    """The first word of a Latin name, the first two characters of a Chinese one."""
    name = name.strip()
    if not name:
        return ""
    return name.split()[0].lower() if name[0].isascii() else name[:2]


def _first(evidence: list[Evidence]) -> int:
    return min((e.start for e in evidence), default=10**9)


def _clean(name: str) -> str:
    name = name.strip(" \t\n:：,，。.;；()（）[]【】\"“”'*")
    for prefix in ("我是", "这里是", "我们是", "来自", "在", "和", "与", "跟", "给"):
        if name.startswith(prefix) and len(name) > len(prefix) + 3:
            name = name[len(prefix) :]
    return name


def _plausible(name: str) -> bool:
    if len(name) < 2 or name in _GENERIC or name.lower() in _GENERIC:
        return False
    if name.startswith(_STOP_STARTS) or _GENERIC_HEADS.match(name) or _DEPARTMENT.match(name):
        return False
    if "[" in name or "]" in name:  # a pseudonym placeholder: a person, not an organisation
        return False
    return not re.fullmatch(r"[\d\W_]+", name)
