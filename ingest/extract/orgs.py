"""Organisations in an interaction, and which one is the customer.

Candidates come from four places: organisations given with speakers
(``"Name (Org, role):"``, ``"Org-运营 Name："``), the ontology (curated
vendors, competitors), the text (names ending in a legal or institutional
suffix: 有限公司, 集团, 银行, 学院, Ltd, Inc, LLC, Group, Partners, Bank ...),
and header lines (``Account: …``, ``客户：…``, ``采购人：…``, ``Customer: …``).
The customer is the candidate most tied to the customer side (its speakers,
an address such as "请问是X…吗", a header naming the account), and never the
vendor. Competitors are organisations the ontology types as
``semcrm:Competitor``; the rest are "other".
"""

from __future__ import annotations

import re
from collections import defaultdict

from semcrm.ingest.extract.model import CUSTOMER, VENDOR, Evidence, OrgFact
from semcrm.ingest.model import Interaction
from semcrm.ingest.nlp.tokenizer import fold
from semcrm.ontology.iris import normalise_name

EXTRACTOR = "orgs"

_ZH_SUFFIX = (
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|银行|信用社|农商行|学院|大学|学校|"
    r"医院|研究院|研究所|合作社|事务所|服务中心|中心|管理局|服务局|审批局|委员会|酒店|基地|工厂|厂)"
)
_ZH_SUFFIX_RE = re.compile(_ZH_SUFFIX)
_ZH_ORG = re.compile(rf"[\u4e00-\u9fff]{{2,}}{_ZH_SUFFIX}")
# Characters that end a Chinese organisation name when reading leftwards from its suffix.
_ZH_LEFT_STOP = set("的是在和与跟给从到了我你他她它请问对向被把将为于及、说找叫去来")
_EN_SUFFIX = (
    r"(?:Inc\.?|Ltd\.?|Limited|LLC|LLP|PLC|plc|GmbH|AG|S\.A\.|Co\.|Corp\.?|Corporation|Company|"
    r"Group|Partners|Holdings|Bank|Credit Union|University|College|School|Hospital|Hospitals|"
    r"Pharmacies|Pharmacy|Clinic|Council|County|Authority|Agency|Foundation|Labs?|Systems|"
    r"Technologies|Logistics|Storage|Fibre|Fiber|Networks|Outfitters|Resorts?|Hotels?)"
)
# One to five capitalised words (with "&", "of", "and" between) before the suffix,
# on one line: "Harbor & Vale Cold Storage Ltd", "Bank of Ruritania", not a bare "LLC".
_EN_ORG = re.compile(
    rf"(?<![\w&])((?:[A-Z][\w'’.-]*[ \t]+(?:(?:&|of|and|the)[ \t]+)?){{1,5}}{_EN_SUFFIX})(?![\w])"
)
_HEADER_ORG = re.compile(
    r"^(?:客户|客户名称|采购人|招标人|甲方|单位|Account|Customer|Client|Company|Buyer|Purchaser)"
    r"\s*[:：]\s*(?P<org>[^\n|｜;；,，]{2,40})",
    re.M,
)
_ADDRESSED = re.compile(
    r"(请问是|请问您是|是不是|这里是|您是)(?P<org>[^，,。？?！!]{2,30}?)(的|吗|吧)"
)
_STOP_STARTS = (
    "我们",
    "你们",
    "他们",
    "咱们",
    "贵",
    "本",
    "这家",
    "那家",
    "一家",
    "The ",
    "the ",
    "Our ",
    "our ",
)
_GENERIC = {"公司", "集团", "银行", "学院", "中心", "工厂", "the company", "group", "company"}


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
    score: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    roles: dict[str, str] = {}

    def add(name: str, start: int, weight: float, side: str | None = None) -> None:
        name = _clean(name)
        if not _plausible(name):
            return
        key = normalise_name(name)
        names.setdefault(key, name)
        if side == VENDOR:
            roles[key] = VENDOR
        score[key] += weight if side != VENDOR else 0
        if side == CUSTOMER:
            score[key] += 3 * weight
        turn = interaction.turn_at(start)
        if start >= 0 and text[start : start + len(name)] == name:
            evidence[key].append(
                Evidence(turn.index if turn else -1, start, start + len(name), name, EXTRACTOR, 0.8)
            )

    for turn in interaction.turns:
        if turn.speaker_org:
            side = sides.get((turn.speaker or "").strip())
            add(turn.speaker_org, text.rfind(turn.speaker_org, 0, turn.start + 1), 1.0, side)
    for match in _HEADER_ORG.finditer(text):
        start, name = _core_name(match.group("org"), match.start("org"))
        add(name, start, 4.0, CUSTOMER)
    for match in _ADDRESSED.finditer(text):
        if _ZH_ORG.search(match.group("org")) or _EN_ORG.search(match.group("org")):
            start, name = _core_name(match.group("org"), match.start("org"))
            add(name, start, 3.0, CUSTOMER)
    for start, end in zh_organisation_spans(text):
        add(text[start:end], start, 1.0)
    for match in _EN_ORG.finditer(text):
        add(match.group(1), match.start(1), 1.0)
    folded = fold(text)
    for folded_name, (_iri, role) in known.items():
        position = folded.find(folded_name)
        if position >= 0:
            add(
                text[position : position + len(folded_name)],
                position,
                1.0,
                VENDOR if role == VENDOR else None,
            )

    facts: list[OrgFact] = []
    for key, name in names.items():
        role = roles.get(key, "other")
        curated = known.get(fold(name))
        if curated:
            role = curated[1]
        facts.append(OrgFact(name, role, evidence[key][:5], curated[0] if curated else None))
    candidates = [f for f in facts if f.role not in (VENDOR, "competitor")]
    if candidates:
        best = max(candidates, key=lambda f: (score[normalise_name(f.name)], -_first(f)))
        if score[normalise_name(best.name)] > 0:
            best.role = CUSTOMER
    return facts


def _core_name(captured: str, offset: int) -> tuple[int, str]:
    """The organisation inside a captured phrase: "X有限公司设备部" -> "X有限公司"."""
    spans = zh_organisation_spans(captured)
    if spans:
        start, end = max(spans, key=lambda span: span[1] - span[0])
        return offset + start, captured[start:end]
    english = _EN_ORG.search(captured)
    if english:
        return offset + english.start(1), english.group(1)
    return offset, captured


def zh_organisation_spans(text: str, longest: int = 20) -> list[tuple[int, int]]:
    """Chinese organisation names: a suffix (有限公司, 集团, 银行 ...) and the name before it.

    Chinese has no word boundaries, so the name is read leftwards from the
    suffix over CJK characters, letters and digits until a function word or
    punctuation (我是X有限公司的 -> X有限公司).
    """
    spans: list[tuple[int, int]] = []
    last_end = -1
    for match in _ZH_SUFFIX_RE.finditer(text):
        end = match.end()
        start = match.start()
        while start > 0 and match.end() - start < longest:
            char = text[start - 1]
            if char in _ZH_LEFT_STOP or not (char.isalnum() or char in "（）()·&"):
                break
            start -= 1
        if match.start() - start < 2:
            continue
        if spans and start <= spans[-1][0] < end:
            spans[-1] = (start, end)  # 集团 + 有限公司: the longer name wins
        elif start >= last_end:
            spans.append((start, end))
        last_end = end
    return spans


def _first(fact: OrgFact) -> int:
    return fact.evidence[0].start if fact.evidence else 10**9


def _clean(name: str) -> str:
    name = name.strip(" \t\n:：,，。.;；()（）[]【】\"“”'")
    for prefix in ("我是", "这里是", "我们是", "来自", "在", "和", "与", "跟", "给"):
        if name.startswith(prefix) and len(name) > len(prefix) + 3:
            name = name[len(prefix) :]
    return name


def _plausible(name: str) -> bool:
    if len(name) < 2 or name in _GENERIC or name.lower() in _GENERIC:
        return False
    if name.startswith(_STOP_STARTS):
        return False
    if (
        "[" in name or "]" in name
    ):  # contains a pseudonym placeholder: a person, not an organisation
        return False
    return not re.fullmatch(r"[\d\W_]+", name)
