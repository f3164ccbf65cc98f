"""Products and competitors that the ontology does not (yet) know.

A deployment curates its own products and its known competitors in the
ontology (labels become mentions, see :mod:`semcrm.ingest.nlp.lexicon`). But
customers name other offerings all the time — a competitor's product, the
incumbent system, a new model — so this module also finds names by their
*shape* and their *context*:

* **Coined product names**: CamelCase or capitalised invented words
  (``FertiMax``, ``RxCentral``), with a model or version after them
  (``Corvane AOI-7``, ``InsureCore 4``, ``康迅HIS 6.0``), model codes
  (``EV80``, ``SM-C2``, ``VM-215``), and Chinese names ending in a product word
  (…系统, …平台, …云, …网关, …模块, …版, …一体机, …传感器, …小程序 …) after an
  offering cue (我们的, 你们的, 那套, 这款, 试过, 上了, 用的是 …).
* **Competitors**: brand-like names (a coined Latin word, a short Chinese
  name) in a competitive context — comparing prices or terms (X那边, 比X,
  X的报价, X报过来, an offer from X, X told us, switch to X, ran X) — that are
  neither the customer, the vendor, nor a person.

The results are :class:`~semcrm.ingest.extract.model.Mention` objects of kind
``product`` or ``competitor`` with no concept IRI (a later curation step can
link them); curated mentions of the same span win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from semcrm.ingest.extract.model import Evidence, Mention
from semcrm.ingest.model import Interaction

EXTRACTOR = "products"

# -- shapes -------------------------------------------------------------------------

_CAMEL = r"[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+"  # FertiMax, RxCentral, PawLedger
_CODE = r"[A-Z]{1,4}-?[0-9]{1,4}[A-Z]?(?:-[0-9A-Z]{1,4})?"  # EV80, AOI-7, SM-C2, VM-215, XR-3D
_VERSION = r"(?:[ ]?(?:[0-9]{1,2}(?:\.[0-9]{1,2})?|[A-Z]{1,3}-?[0-9]{1,3}|Pro|Plus|Max|Lite|Cloud|Hub|Core|Suite|Observe|Pay))"
_LATIN_PRODUCT = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_CAMEL}|[A-Z][a-z]{{3,}}(?= (?:[0-9]|{_CODE}|Pro|Plus|Cloud|Hub|Core|Suite|Pay|LIMS|VMS|GIS)))"
    rf"(?:{_VERSION}){{0,2}}(?: (?:LIMS|VMS|GIS|HIS|EMR|ERP|CRM|MES|SCM|ESL))?(?![A-Za-z0-9])"
)
_MODEL_CODE = re.compile(rf"(?<![A-Za-z0-9\-]){_CODE}(?:[ ]?(?:Pro|Plus|Max))?(?![A-Za-z0-9\-])")
#: A model code counts only after a cue that it names an offering ("他们的EV80", "model XR-3D").
_MODEL_CUE = re.compile(
    r"(我们的|你们的|他们的|的|型号|机型|新款|老款|这款|那款|升级到|换成|换|买|上|"
    r"model|version|the|our|your|their|new|old|upgrade to|switch to)\s*$",
    re.I,
)
#: Codes that are identifiers, periods or sizes rather than models.
_ID_LIKE = re.compile(r"Q[1-4]|H[12]|FY\d+|V\d+|[A-Z]{1,2}-\d{3,}|DN\d+|[A-Z]+\d{4,}")
_ZH_PRODUCT_WORD = (
    r"(?:系统|平台|网关|云|模块|版|一体机|传感器|摄像头|主机|终端|小程序|App|APP|芯片|模组|"
    r"管理平台|解决方案|套餐|资源包|短信包|流量包|控制器|采集器|设备|仪|表|机器人|软件|大屏)"
)
_ZH_PRODUCT = re.compile(
    rf"(?:[A-Za-z][A-Za-z0-9\-]{{1,15}}|[\u4e00-\u9fff]{{1,6}}|[A-Za-z0-9\-]+[\u4e00-\u9fff]{{1,6}})"
    rf"{_ZH_PRODUCT_WORD}(?:[ ]?V?[0-9]+(?:\.[0-9]+)?)?"
)
_OFFERING_CUE = re.compile(
    r"(我们的|你们的|贵司的|他们的|那套|这套|这款|那款|一套|试过|上了|用的是|用了|买了|采购|部署|推荐|"
    r"现在用|原来的|现有的|升级到|换成|our |your |their |the new |upgrade to |switch to |moved to |"
    r"running |runs |ran |using |trial of |demo of |bought |license for )\s*$",
    re.I,
)
_STOP_PRODUCT = {
    "系统",
    "平台",
    "这个系统",
    "那个系统",
    "整个系统",
    "管理系统",
    "业务系统",
    "操作系统",
    "我们的系统",
    "这个平台",
    "设备",
    "软件",
    "版本",
    "新版",
    "老版",
    "云",
    "终端",
    "模块",
    "方案",
    "解决方案",
}

# -- competitive contexts -----------------------------------------------------------

_ZH_BRAND = r"[\u4e00-\u9fff]{2,4}?"
_ZH_COMPETITOR = re.compile(
    rf"(?:比|试过|在看|考虑|换成|对比了|对比|和|跟)({_ZH_BRAND})"
    rf"(?=那边|家|的报价|的单价|的方案|报过来|报价|给到|给的|便宜|贵|更)"
    rf"|({_ZH_BRAND})(?=那边|报过来|的报价|的单价|给到|说他们|的补贴)"
)
_EN_COMPETITOR = re.compile(
    r"(?:offer from|quote from|proposal from|switch(?:ing)? to|moving to|move to|looking at|"
    r"evaluating|compared? (?:to|with)|cheaper than|ran|run|trialled|tried|vs\.?|versus)\s+"
    r"((?:[A-Z][A-Za-z0-9]+)(?: [A-Z][A-Za-z0-9]+)?)"
    r"|((?:[A-Z][A-Za-z0-9]+)(?: [A-Z][a-z]+)?) (?=(?:told us|offered|quoted|is cheaper|came in|"
    r"wants|charges|gives|throws in|has offered|'s price|’s price))"
)
_NOT_BRANDS = {
    "我们",
    "你们",
    "他们",
    "贵司",
    "公司",
    "厂家",
    "别家",
    "另一家",
    "那家",
    "这家",
    "对方",
    "客户",
    "其他",
    "同行",
    "隔壁",
    "老板",
    "领导",
    "上次",
    "去年",
    "之前",
    "现在",
    "价格",
    "报价",
    "一家",
    "The",
    "This",
    "That",
    "Our",
    "Your",
    "Their",
    "We",
    "They",
    "It",
    "He",
    "She",
    "I",
    "You",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


#: Characters that do not occur in product names: a match containing them ran into the sentence.
_FUNCTION_CHARS = re.compile(r"[都是的了和与在有就也还要会能说这那们我你他她]")


def _coined(word: str) -> bool:
    """A coined name rather than an English word: CamelCase, or rare in English."""
    from wordfreq import zipf_frequency

    if re.fullmatch(_CAMEL, word):
        return True
    return zipf_frequency(word, "en") < 1.5


def _brand_like(name: str) -> bool:
    """A Latin name that is not an everyday word, or a short Chinese name that is not a
    dictionary word and holds no function character."""
    from semcrm.ingest.pii.lexicon import is_common_word

    if re.search(r"[\u4e00-\u9fff]", name):
        return (
            not _FUNCTION_CHARS.search(name)
            and not is_common_word(name)
            and not name.endswith(("总", "工", "处", "部", "厂", "队", "局"))
        )
    from wordfreq import zipf_frequency

    first = name.split()[0]
    return re.fullmatch(_CAMEL, first) is not None or zipf_frequency(first, "en") < 3.0


def find_products(
    interaction: Interaction,
    taken: Iterable[tuple[int, int]],
    parties: Iterable[str],
) -> list[Mention]:
    """Product and competitor mentions by shape and context.

    Args:
        interaction: the de-identified interaction.
        taken: spans already mentioned as curated products/competitors (they win).
        parties: names of the customer and the vendor (never competitors).
    """
    text = interaction.text
    occupied = list(taken)
    excluded = {p.casefold() for p in parties if p}
    out: list[Mention] = []

    def add(kind: str, start: int, end: int) -> None:
        quote = text[start:end].strip()
        if not quote or "[" in quote or any(start < e and s < end for s, e in occupied):
            return
        if quote.casefold() in excluded or quote in _NOT_BRANDS or quote in _STOP_PRODUCT:
            return
        if any(quote.casefold() in party or party in quote.casefold() for party in excluded):
            return
        turn = interaction.turn_at(start)
        if turn is None:
            return
        occupied.append((start, end))
        out.append(
            Mention(kind, None, quote, Evidence(turn.index, start, end, quote, EXTRACTOR, 0.6))
        )

    for turn in interaction.turns:
        base = turn.start
        sentence = turn.text
        for pattern in (_ZH_COMPETITOR, _EN_COMPETITOR):
            for match in pattern.finditer(sentence):
                group = 1 if match.group(1) else 2
                if _brand_like(match.group(group)):
                    add("competitor", base + match.start(group), base + match.end(group))
        for match in _LATIN_PRODUCT.finditer(sentence):
            if _coined(match.group().split()[0]):
                add("product", base + match.start(), base + match.end())
        for match in _ZH_PRODUCT.finditer(sentence):
            before = sentence[max(0, match.start() - 8) : match.start()]
            latin_start = re.match(r"[A-Za-z]", match.group())
            if _FUNCTION_CHARS.search(re.sub(r"[A-Za-z0-9\- .]", "", match.group())):
                continue
            if _OFFERING_CUE.search(before) or latin_start:
                start = match.start()
                # read no function words into the name: "那套驰湃云" -> "驰湃云"
                while start < match.end() and sentence[start] in "的了是个套款":
                    start += 1
                add("product", base + start, base + match.end())
        for match in _MODEL_CODE.finditer(sentence):
            before = sentence[max(0, match.start() - 10) : match.start()]
            if _MODEL_CUE.search(before) and not _ID_LIKE.fullmatch(match.group()):
                add("product", base + match.start(), base + match.end())
    return out
