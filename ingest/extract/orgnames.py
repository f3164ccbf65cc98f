"""Shapes of organisation names, in Chinese and English, and when two names are one.

A Chinese enterprise name is built, by the naming rules for enterprises
(企业名称登记管理规定), from a place, a trade name (字号), a line of business
(行业或经营特点) and a legal form (组织形式): 宁波 + 锐拓 + 精密模具 + 有限公司.
In running text the legal form is often dropped and the name is the trade
name plus the line of business (锐拓模具, 某某生物); such a name is only taken
where the sentence marks it as an organisation ("我们X", "X这边"), see
:mod:`.orgs`. English names are capitalised word runs, with a legal or
institutional suffix (Ltd, Bank, Credit Union) when found anywhere, or
without one when the context marks them ("at X", "here at X").

Person names are pseudonyms by now (``[PERSON-…]``), so a capitalised run is
rarely a person.
"""

from __future__ import annotations

import re

ZH_SUFFIX = (
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|银行|信用社|农商行|学院|大学|学校|"
    r"医院|研究院|研究所|合作社|事务所|服务中心|中心|管理局|服务局|审批局|委员会|酒店|基地|工厂|"
    r"码头|电厂|水厂|厂)"
)
ZH_SUFFIX_RE = re.compile(ZH_SUFFIX)
ZH_ORG = re.compile(rf"[\u4e00-\u9fff]{{2,}}{ZH_SUFFIX}")
# Characters that end a Chinese organisation name when reading leftwards from its suffix.
ZH_LEFT_STOP = set(
    "的是在和与跟给从到了我你他她它们请问对向被把将为于及、说找叫去来这那个过也还就又很"
)

#: Lines of business that end a trade name used without its legal form (字号 + 行业):
#: the commonest 行业或经营特点 words of enterprise names.
ZH_BUSINESS = (
    "科技|生物|医药|制药|药业|医疗|器械|农业|牧业|渔业|林业|食品|餐饮|物流|城配|快运|货运|供应链|"
    "压缩机|机械|重工|精工|电子|电气|电器|仪器|仪表|智能|软件|信息|网络|数据|通信|物联|"
    "能源|新能源|光伏|电力|燃气|水务|环保|化工|材料|新材|建材|建设|建工|工程|地产|置业|物业|"
    "家居|家具|纺织|服饰|鞋业|汽车|汽配|模具|塑业|包装|印务|传媒|文化|教育|培训|美学|美业|"
    "美容|健康|养老|酒业|茶业|乳业|零售|超市|商贸|贸易|电商|实业|控股|资本|投资|金融|保险|证券"
)
ZH_BRAND = re.compile(rf"[\u4e00-\u9fff]{{2,4}}?(?:{ZH_BUSINESS})")
# Characters that do not occur in a trade name (function words, pronouns, numbers of counting).
_NOT_IN_BRAND = set("的是在和与跟给从到了我你他她它们这那个些也都还就又很不没有要会能说请该每")

EN_SUFFIX_WORDS = [
    *[
        "Inc.",
        "Inc",
        "Ltd.",
        "Ltd",
        "Limited",
        "LLC",
        "LLP",
        "PLC",
        "plc",
        "GmbH",
        "AG",
        "S.A.",
        "Co.",
        "Corp.",
        "Corp",
        "Corporation",
    ],
    *[
        "Company",
        "Group",
        "Partners",
        "Holdings",
        "Bank",
        "University",
        "College",
        "School",
        "Hospital",
        "Hospitals",
    ],
    *[
        "Pharmacies",
        "Pharmacy",
        "Clinic",
        "Council",
        "County",
        "Authority",
        "Agency",
        "Foundation",
        "Labs",
        "Lab",
    ],
    *[
        "Systems",
        "Technologies",
        "Logistics",
        "Storage",
        "Fibre",
        "Fiber",
        "Networks",
        "Outfitters",
        "Resorts",
    ],
    *[
        "Resort",
        "Hotels",
        "Hotel",
        "Underwriters",
        "Components",
        "Packaging",
        "Airlines",
        "Insurance",
        "Trust",
    ],
    "Cooperative",
    "Credit Union",
]
_EN_SUFFIX = "|".join(
    sorted(
        {re.escape(w) for w in EN_SUFFIX_WORDS} | {re.escape(w.upper()) for w in EN_SUFFIX_WORDS},
        key=len,
        reverse=True,
    )
)
_WORD = r"(?:[A-Z][\w'’.-]*|[A-Z]{2,})"
# One to five capitalised words (with "&", "of", "and" between) before the suffix,
# on one line: "Harbor & Vale Cold Storage Ltd", "Bank of Ruritania", not a bare "LLC".
EN_ORG = re.compile(
    rf"(?<![\w&])((?:{_WORD}[ \t]+(?:(?:&|of|and|the|OF|AND)[ \t]+)?){{1,5}}(?:{_EN_SUFFIX}))(?![\w])"
)
#: A capitalised run without a suffix, for contexts that mark it as an organisation.
EN_NAME = re.compile(rf"{_WORD}(?:[ \t]+(?:&[ \t]+)?{_WORD}){{0,4}}")
#: Capitalised words that start a sentence or a phrase, never an organisation name.
EN_LEADING = {
    "All", "The", "Our", "Your", "This", "That", "These", "Those", "Every", "Each", "Any",
    "Dear", "Hi", "Hello", "Thanks", "Thank", "Yes", "No", "So", "And", "But", "Also", "We",
    "I", "At", "From", "With", "For", "On", "In", "Re", "Fwd", "Subject", "Mr", "Ms", "Mrs", "Dr",
}  # fmt: skip


def zh_organisation_spans(text: str, longest: int = 20) -> list[tuple[int, int]]:
    """Chinese organisation names: a suffix (有限公司, 集团, 银行 ...) and the name before it.

    Chinese has no word boundaries, so the name is read leftwards from the
    suffix over CJK characters, letters and digits until a function word or
    punctuation (我是X有限公司的 -> X有限公司).
    """
    spans: list[tuple[int, int]] = []
    last_end = -1
    for match in ZH_SUFFIX_RE.finditer(text):
        end = match.end()
        start = match.start()
        while start > 0 and match.end() - start < longest:
            char = text[start - 1]
            if char in ZH_LEFT_STOP or not (char.isalnum() or char in "（）()·&"):
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


def zh_brand_at(text: str, start: int) -> str | None:
    """A trade name + line of business starting at ``start`` (锐拓模具), or a suffixed name."""
    window = text[start : start + 24]
    spans = [s for s in zh_organisation_spans(window) if s[0] == 0]
    if spans:
        return window[: spans[0][1]]
    match = ZH_BRAND.match(window)
    if not match:
        return None
    name = match.group()
    # the longest business word that still ends inside the window: 澜舟生物 not 澜舟生
    longer = re.match(rf"{re.escape(name)}(?:{ZH_BUSINESS})*", window)
    name = longer.group() if longer else name
    brand = re.sub(rf"(?:{ZH_BUSINESS})+$", "", name)
    if len(brand) < 2 or set(brand) & _NOT_IN_BRAND:
        return None
    return name


def en_name_at(text: str, start: int) -> str | None:
    """A capitalised run starting at ``start`` ("Fernhill Payroll"), leading words dropped."""
    match = EN_NAME.match(text, start)
    if not match:
        return None
    words = match.group().split()
    while words and words[0] in EN_LEADING:
        words.pop(0)
    name = " ".join(words).rstrip(".'’&")
    if name.endswith(("'s", "’s")):
        name = name[:-2]
    return name if len(name) >= 3 else None


def strip_leading(name: str) -> str:
    """'All County Departments' -> 'County Departments': drop sentence-leading words."""
    words = name.split()
    while len(words) > 1 and words[0] in EN_LEADING:
        words.pop(0)
    return " ".join(words)


def same_organisation(a: str, b: str) -> bool:
    """One name is a short form of the other: same start, and the shorter's characters appear
    in order in the longer (江州审批局 ~ 江州市行政审批服务局, 鹭汀 ~ 鹭汀家居, Pinegate ~
    Pinegate Family Pharmacies)."""
    short, long_ = sorted((a, b), key=len)
    if short == long_:
        return True
    if short[0].isascii():
        first = short.split()[0].lower()
        if len(first) < 4 or long_.split()[0].lower() != first:
            return False
        words = iter(w.lower() for w in long_.split())
        return all(w.lower() in words for w in short.split())
    if len(short) < 2 or short[:2] != long_[:2]:
        return False
    chars = iter(long_)
    return all(c in chars for c in short)


def compact(name: str) -> str:
    """Lower-case letters and digits only: 'Bramble Creek CU' -> 'bramblecreekcu'."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def matches_domain(name: str, domain: str) -> bool:
    """An e-mail domain names the organisation: bramblecreekcu.org ~ Bramble Creek Community
    Credit Union (the first words run together, or the initials)."""
    label = compact(domain.lower().split("@")[-1].rsplit(".", 1)[0].split(".")[-1])
    words = [compact(w) for w in name.split() if compact(w)]
    if len(label) < 3 or not words:
        return False
    for k in range(1, len(words) + 1):
        head = "".join(words[:k])
        if len(head) >= 5 and (label.startswith(head) or head.startswith(label)):
            return True
    initials = "".join(w[0] for w in words)
    return len(initials) >= 3 and label == initials
