"""Products and competitors that the ontology does not (yet) know.

A deployment curates its own products and its known competitors in the
ontology (labels become mentions, see :mod:`semcrm.ingest.nlp.lexicon`). But
customers name other offerings all the time — a competitor's product, the
incumbent system, a new model — so this module also finds names by their
*shape* and their *context*. The vocabulary it reads is the ontology's
(:class:`ProductLexicon`, from ``lexicon.ttl``): curating a head noun, a
category, an edition or a competitor cue changes extraction with no code
change. The recognisers:

* **Latin names**: runs of capitalised words that hold a coined word
  (``Quenbrook QS-5``, ``Marlow Pay``, ``Ostrava Trail 2``), or end in a
  product head noun (``Harwick Digital Lending``); a coined word alone is a
  product after an offering cue (``our``, ``This is``, ``into``) or when it is
  CamelCase (``TallyNest``); ``… add-on``/``module`` after a capitalised name.
* **Model codes** (``KX90``, ``QP-D4``, ``ZR-B2``) after a model cue, before a
  product head, or sharing the prefix of an accepted code (``QP-D3`` → ``QP-D4``).
* **Chinese names**: a product head (…系统, …平台, …云, …模组, …燃气表 …) with
  the name before it, read back to a word boundary (jieba) and cut at function
  words, so ``我们的RiverPoint采集网关`` gives ``RiverPoint采集网关``.
* **Categories and editions** that name an offering on their own (MES, ESL,
  RFID芯片, 标准版, Professional tier).
* **Lower-case feature names** after an offering cue (``our EDI bridge``,
  ``we have a route-aware model``).
* **Structured logs**: the values of ``model=``, ``plan=``, ``feature=`` ….
* **Competitors**: a brand-like name (a coined Latin word, a short Chinese
  name that is no dictionary compound) right after or before a competitive
  context (``offer from X``, ``X told us``, ``试过X``, ``X那边``, ``现在用的X``);
  the brand of a product named in such a context (试过澜杉云 → 澜杉); the
  customer, the vendor and people are never competitors.

Type constraints settle what a name is: a name found as a competitor is not
also a product (unless it carries a product head: 澜杉云 is the product of
澜杉), an organisation's name is a product only as the brand of a product
found in the same record (``Brenmoor`` beside ``Brenmoor LIMS``), and a short
form (a product's brand, a model code without its brand) is reported only
where it also stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from semcrm.ingest.extract.model import Evidence, Mention
from semcrm.ingest.model import Interaction
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import SEMCRM

EXTRACTOR = "products"

# -- the vocabulary, from the ontology -----------------------------------------------


@dataclass(frozen=True)
class ProductLexicon:
    """The ontology's product vocabulary (lexicon entries ``lex-product-*`` and
    ``lex-competitor-*``), per language."""

    heads_zh: tuple[str, ...] = ()
    heads_en: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    @classmethod
    def from_ontology(cls, ontology: Ontology) -> ProductLexicon:
        graph = ontology.graph

        def cues(name: str, lang: str | None = None) -> tuple[str, ...]:
            values = {
                str(v).strip()
                for v in graph.objects(SEMCRM[f"lex-{name}"], SEMCRM.cue)
                if lang is None or getattr(v, "language", None) == lang
            }
            return tuple(sorted((v for v in values if v), key=lambda v: (-len(v), v)))

        return cls(
            heads_zh=cues("product-head", "zh"),
            heads_en=cues("product-head", "en"),
            categories=cues("product-category"),
            editions=cues("product-edition"),
            before=cues("competitor-before"),
            after=cues("competitor-after"),
        )

    @property
    def patterns(self) -> _Patterns:
        return _compile(self)


def _alternation(values: Iterable[str]) -> str:
    """A regex alternation of cue phrases; a "…" in a cue stands for up to three words."""
    gap = r"\s*(?:\S+\s+){0,3}?"
    parts = [gap.join(re.escape(p.strip()) for p in v.split("…")) for v in values]
    return "|".join(parts) or r"(?!x)x"


@dataclass(frozen=True)
class _Patterns:
    zh_head: re.Pattern[str]
    en_run: re.Pattern[str]
    en_heads: frozenset[str]
    en_feature: re.Pattern[str]
    category: re.Pattern[str]
    edition: re.Pattern[str]
    before_en: re.Pattern[str]
    after_en: re.Pattern[str]
    before_zh: re.Pattern[str]
    after_zh: re.Pattern[str]
    after_latin_zh: re.Pattern[str]
    zh_after_cues: tuple[str, ...]


@lru_cache(maxsize=8)
def _compile(lex: ProductLexicon) -> _Patterns:
    zh_before = [c for c in lex.before if _has_cjk(c)]
    en_before = [c for c in lex.before if not _has_cjk(c)]
    zh_after = [c for c in lex.after if _has_cjk(c)]
    en_after = [c for c in lex.after if not _has_cjk(c)]
    lower_heads = [h for h in lex.heads_en if not h[0].isupper() or h.isupper()]
    heads_and_categories = [*lex.heads_zh, *(c for c in lex.categories if c.isascii())]
    return _Patterns(
        zh_head=re.compile(
            _alternation(sorted(heads_and_categories, key=len, reverse=True)) + r"(?![A-Za-z0-9])"
        ),
        en_run=re.compile(
            rf"(?<![A-Za-z0-9\-_/.]){_CAP}(?: (?:{_CAP}|{_NUMBER}))*(?![A-Za-z0-9\-_])"
        ),
        en_heads=frozenset([*lex.heads_en, *(c for c in lex.categories if c.isascii())]),
        en_feature=re.compile(
            rf"(?:\b(?i:our|your|their|we have an?|we run an?|we offer an?|we also have an?|"
            rf"a certified|an optional|the legacy|our legacy|our current|our existing)\s+|"
            rf"(?:我们的|你们的|我们有|我们也有|的))"
            rf"((?:[A-Za-z0-9][A-Za-z0-9\-]*\s+){{1,2}}(?:{_alternation(lower_heads)}))(?![A-Za-z0-9\-])",
        ),
        category=re.compile(
            rf"(?:(?<![A-Za-z0-9\-])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff]))"
            rf"(?:{_alternation(sorted(lex.categories, key=len, reverse=True))})(?![A-Za-z0-9\-])"
        ),
        edition=re.compile(
            rf"(?<![A-Za-z0-9]){_alternation(sorted(lex.editions, key=len, reverse=True))}"
        ),
        before_en=re.compile(rf"\b(?i:{_alternation(en_before)})\s+((?:{_CAP})(?: {_CAP}){{0,2}})"),
        after_en=re.compile(
            rf"((?:{_CAP})(?: {_CAP}){{0,2}})\s+(?:(?:has|have|had|also|already|been|just)\s+){{0,2}}"
            rf"(?:{_alternation(en_after)})\b"
        ),
        before_zh=re.compile(
            rf"(?:{_alternation(zh_before)})\s*({_ZH_NAME})"
            rf"(?=\s*(?:{_alternation([*zh_after, *heads_and_categories])}|{_ZH_STOP}))"
        ),
        after_zh=re.compile(rf"({_ZH_NAME})\s*(?:{_TIME})?(?:{_alternation(zh_after)})"),
        zh_after_cues=tuple(zh_after),
        after_latin_zh=re.compile(
            rf"(?<![A-Za-z0-9\-])({_CAP})\s*(?:{_TIME})?(?:{_alternation(zh_after)})"
        ),
    )


# -- shapes -------------------------------------------------------------------------

#: A capitalised word: Quenbrook, TallyNest, T-Line, QS-5, Wi-Fi.
_CAP = r"(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)"
_NUMBER = r"(?:[0-9]{1,2}(?:\.[0-9]{1,2})?(?![0-9]))"
_CAMEL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+")
#: A model code: letters and digits, at least one digit (KX90, QP-D3, ZR-B2, QS-5).
_CODE = re.compile(
    r"(?<![A-Za-z0-9\-_/.#])(?=[A-Z0-9\-]*[0-9])[A-Z][A-Z0-9]{0,3}(?:-[A-Z0-9]{1,4}){0,2}"
    r"(?:[ ]?(?:Pro|Plus|Max))?(?![A-Za-z0-9\-_])"
)
_MODEL_CUE = re.compile(
    r"(我们的|你们的|他们的|那个|这个|的|型号|机型|新款|老款|新一代|这款|那款|升级到|换成|换|买|用|"
    r"model|version|the|our|your|their|new|old|upgrade to|switch to)\s*$",
    re.I,
)
#: Cues that make even a two-character code a model ("2019款的E6", "新款E6 Pro").
_STRONG_MODEL_CUE = re.compile(r"(款的?|型号|机型|新款|老款|新一代|model|version)\s*$", re.I)
#: Codes that are identifiers, periods, sizes or standards rather than models.
_ID_LIKE = re.compile(
    r"Q[1-4]|H[12]|FY\d+|V\d+(?:\.\d+)?|[A-Z]{1,2}-\d{3,}|DN\d+|[A-Z]+\d{4,}|[A-Z]\d|"
    r"\d+[A-Z]?|ISO\d*|GB\d*|P\d|B2B|B2C|A\d|T\d|L\d|KPI\d*|CFR|SLA\d*|IP\d+|SA\d*|COVID-19"
)
_ZH_NAME = r"[\u4e00-\u9fff]{2,4}?(?:[A-Z][A-Za-z]{1,5})?"
_ZH_STOP = r"[的那家贵更好差也都，。、；？！,.;?!\s）)]|$"
_TIME = r"上个月|上周|上次|之前|去年|前年|刚|也|都|已经|早就"
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Characters that do not occur in product names: a match containing them ran into the sentence.
_FUNCTION_CHARS = (
    "都是的了和与在有就也还要会能说这那们我你他她把被给对从向以及或并很更最再又让个吗呢吧啊"
)
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9\-.·]")
#: Generic modifiers: with a head they name a kind of thing, not an offering.
_GENERIC = {
    "整个",
    "管理",
    "业务",
    "操作",
    "信息",
    "公有",
    "私有",
    "混合",
    "现有",
    "原有",
    "新的",
    "老的",
    "这套",
    "那套",
    "一套",
    "一个",
    "整套",
    "内部",
    "后台",
    "前端",
    "第三方",
    "其他",
    "其它",
    "线上",
    "线下",
    "自己",
    "相关",
    "同一",
    "同一个",
    "所有",
    "各个",
    "多个",
    "智能",
    "数字化",
}
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
}
_EN_STOP = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "our",
    "your",
    "their",
    "we",
    "they",
    "it",
    "he",
    "she",
    "i",
    "you",
    "a",
    "an",
    "and",
    "but",
    "or",
    "so",
    "if",
    "hi",
    "hello",
    "dear",
    "thanks",
    "yes",
    "no",
    "ok",
    "okay",
    "re",
    "fw",
    "fwd",
    "subject",
    "from",
    "to",
    "cc",
    "date",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}
_ROLE_ACRONYMS = {
    "CEO", "CTO", "CFO", "COO", "CIO", "CISO", "CSM", "VP", "PM", "KAM", "SDR", "AE", "HR", "QA",
}  # fmt: skip
_PLACE_WORDS = {
    "Park", "Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Way", "Quay", "Tower",
    "Building", "House", "Estate", "Square", "Plaza", "Drive", "Court", "Bay", "Hall",
    "County", "City", "Valley", "Business", "Help", "Support", "Team", "Desk",
}  # fmt: skip
#: Company-name endings: "Wexmoor Diagnostics" is the company, "Wexmoor" its brand.
_ORG_SUFFIX = re.compile(
    r"(?:\s+(?:Diagnostics|Systems|Labs|Technologies|Technology|Software|Solutions|Group|"
    r"Inc\.?|Ltd\.?|LLC|GmbH|Corp\.?|Co\.?)|科技|通信|信息|软件|智能|电子|网络|集团|股份)$"
)
#: Keys of structured log lines whose values are offerings.
_LOG_FIELD = re.compile(
    r"\b(?:model|product|products|plan|plans|feature|module|sku|tier|edition|package|"
    r"service_plan|addon|add_on|subscription)=(\[[^\]]*\]|\"[^\"]*\"|[^\s,;}\]]+(?: (?![a-z_]+=)[^\s,;}\]=]+)*)"
)
_LOG_NONE = {"none", "null", "n/a", "na", "true", "false", "-", ""}


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def _coined(word: str) -> bool:
    """A coined name rather than an English word: CamelCase, or rare in English."""
    if _CAMEL.fullmatch(word):
        return True
    if re.fullmatch(r"[A-Z]{1,2}-[A-Z][a-z]+", word):
        return True  # T-Log, E-Pro: a letter code before a word
    if "-" in word:
        return any(_coined(part) for part in word.split("-") if len(part) > 2)
    return len(word) > 3 and word.isalpha() and not word.isupper() and _zipf(word) < 2.0


def _latin_brand_like(name: str) -> bool:
    words = name.split()
    if not words or words[0].lower() in _EN_STOP:
        return False
    first = words[0]
    return _CAMEL.fullmatch(first) is not None or (first.isalpha() and _zipf(first) < 3.0)


def _zh_brand_like(name: str) -> bool:
    """A short Chinese name that is neither a dictionary word nor a compound of them, holds no
    function character and is not a place, a title or a department."""
    import jieba.posseg

    from semcrm.ingest.pii.lexicon import is_common_word

    core = re.sub(r"[A-Za-z]+$", "", name)
    if len(core) < 2 or core in _NOT_BRANDS or any(c in _FUNCTION_CHARS for c in core):
        return False
    if is_common_word(core, 50) or core.endswith(("总", "工", "处", "部", "厂", "队", "局", "办")):
        return False
    pairs = [(w, f) for w, f in jieba.posseg.lcut(core, HMM=False)]
    if pairs and pairs[0][1].startswith("ns") and len(pairs[0][0]) >= 2:
        return False
    if any(len(w) == 1 and f.startswith(("d", "p", "c", "u", "r", "m", "q")) for w, f in pairs):
        return False  # 较多, 周内: an adverb or a number, not a brand
    return not (len(pairs) >= 2 and all(len(w) >= 2 and is_common_word(w) for w, _ in pairs))


def _common(word: str) -> bool:
    from semcrm.ingest.pii.lexicon import is_common_word

    return is_common_word(word, 50)


def _skip_leading_words(sentence: str, start: int, end: int) -> int:
    """Skip dictionary words at the start of a name candidate ("开始试用奥锶" -> "奥锶")."""
    import jieba

    from semcrm.ingest.pii.lexicon import is_common_word

    for word in jieba.lcut(sentence[start:end], HMM=False):
        if len(word) >= 2 and (is_common_word(word, 50) or word in _LEADING) and end - start > 2:
            start += len(word)
        else:
            break
    return start


def _boundaries(text: str) -> set[int]:
    """Word boundaries of a turn (jieba for Chinese; every non-CJK position counts)."""
    import jieba

    out, pos = {0, len(text)}, 0
    for token in jieba.cut(text, HMM=True):
        pos += len(token)
        out.add(pos)
    return out


# -- the recognisers --------------------------------------------------------------


@dataclass
class _Found:
    kind: str  # "product" or "competitor"
    start: int  # offsets in the turn
    end: int
    head: int = -1  # for a Chinese name, where its head noun starts


def _latin_names(sentence: str, pats: _Patterns, brands: set[str]) -> list[_Found]:
    out: list[_Found] = []
    for match in pats.en_run.finditer(sentence):
        words = [(m.start() + match.start(), m.group()) for m in re.finditer(r"\S+", match.group())]
        # drop sentence-initial function words ("The", "Our", "This is")
        while words and words[0][1].lower() in _EN_STOP:
            words.pop(0)
        if not words:
            continue
        coined = [i for i, (_, w) in enumerate(words) if _coined(w)]
        start_i = None
        if coined:
            start_i = coined[0]
        elif (len(words) >= 2 and words[-1][1] in pats.en_heads) or (
            len(words) >= 2 and words[0][1] in brands
        ):
            start_i = 0
        if start_i is None:
            continue
        words = words[start_i:]
        if len(words) > 1 and words[-1][1] in _ROLE_ACRONYMS:
            continue  # "Wexmoor CSM": a person's role at the brand, not a product
        if words[-1][1] in _PLACE_WORDS or (len(words) > 1 and words[1][1] in _PLACE_WORDS):
            continue  # Alderbank Business Park: an address, not an offering
        start = words[0][0]
        end = words[-1][0] + len(words[-1][1])
        single = len(words) == 1
        word = words[0][1]
        if single:
            before = sentence[max(0, start - 14) : start]
            after = sentence[end : end + 10]
            cue = re.search(
                r"(?:\b(?:our|your|their|is|into|in|from|with|using|use|run|runs|on|of)\s+|"
                r"(?:我们的|你们的|用的是|用了|上了|的))$",
                before,
                re.I,
            ) or re.match(r"\s*(?:add-on|module|plug-?in|licen[cs]e|subscription)\b", after)
            if not (_CAMEL.fullmatch(word) or (cue and _coined(word)) or word in brands):
                continue
            if re.match(r"\s*(?:add-on|module)\b", after):
                end += len(re.match(r"\s*(?:add-on|module)", after).group())
        out.append(_Found("product", start, end))
    # "the Torque Audit add-on": a capitalised name before an add-on word
    for match in re.finditer(
        rf"\b(?:the|our|an?)\s+({_CAP}(?: {_CAP}){{0,2}})\s+(?:add-on|module|plug-?in)\b",
        sentence,
    ):
        out.append(_Found("product", match.start(1), match.end(1)))
    return out


def _model_codes(sentence: str, accepted_prefixes: set[str]) -> list[_Found]:
    out: list[_Found] = []
    for match in _CODE.finditer(sentence):
        code = match.group()
        before = sentence[max(0, match.start() - 10) : match.start()]
        if _ID_LIKE.fullmatch(code.split()[0]) and not (
            re.fullmatch(r"[A-Z][0-9]", code.split()[0])
            and (_STRONG_MODEL_CUE.search(before) or " " in code)
        ):
            continue
        after = sentence[match.end() : match.end() + 8]
        prefix = _code_prefix(code)
        if (
            _MODEL_CUE.search(before)
            or re.match(
                r"\s?[\u4e00-\u9fff]{0,4}(?:摄像头|模组|主机|终端|网关|传感器|旧车|车)", after
            )
            or re.match(r"\s?(?:model|series|unit|units|camera|module|logger|loggers)\b", after)
            or (prefix and prefix in accepted_prefixes)
        ):
            out.append(_Found("product", match.start(), match.end()))
    return out


def _code_prefix(code: str) -> str:
    """``QP-D3`` -> ``QP-D``: codes sharing it are one product line."""
    head = re.sub(r"[0-9]+[A-Z]?$", "", code.split()[0])
    return head if len(head) >= 2 else ""


#: Parts of speech (jieba) that end a Chinese name read leftwards from its head.
_STOP_POS = ("d", "p", "c", "u", "r", "t", "f", "y", "e", "o", "z")
#: Verbs and quantities that come before a name rather than in it.
_LEADING = {
    "配套", "建议", "建议用", "推荐", "上线", "采购", "部署", "现有", "原有", "新一代", "新款",
    "老款", "试用", "使用", "安装", "用", "上", "买", "装", "接", "做", "新增", "同步", "希望",
    "要", "想", "需要", "提供", "配", "选", "换", "升级", "对接", "是", "有", "在", "去",
    "曾", "一套", "一个", "一款", "一台", "一只", "已达", "达到", "当前", "目前", "开通", "提出",
    "演示", "兼容", "支持", "包括", "包含", "通过", "进驻", "预埋", "贴", "接入", "试过", "试了",
    "用过", "上过", "套", "个", "款", "台", "只", "家", "堆", "批", "种", "院内", "境内", "国内",
    "加", "几家", "那几家", "哪家",
}  # fmt: skip


def _zh_names(sentence: str, pats: _Patterns, bounds: set[int]) -> list[_Found]:
    import jieba.posseg

    out: list[_Found] = []
    for match in pats.zh_head.finditer(sentence):
        h0, h1 = match.span()
        if (
            h1 < len(sentence)
            and _has_cjk(sentence[h1])
            and (_common(sentence[h0 : h1 + 1]) or _common(sentence[h0 : h1 + 2]))
        ):
            continue  # 终端用户, 系统性: the head is part of a longer word
        start = h0
        while start > 0 and h0 - start < 16 and _NAME_CHARS.match(sentence[start - 1]):
            start -= 1
        # spaces inside Latin parts ("ZR-B2 Cat.4模组", "4G LTE专网")
        while (
            start > 1
            and sentence[start - 1] == " "
            and re.match(r"[A-Za-z0-9.]", sentence[start - 2])
            and h0 - start < 20
        ):
            s = start - 1
            while s > 0 and re.match(r"[A-Za-z0-9.\-]", sentence[s - 1]):
                s -= 1
            start = s
        # a quoted brand written onto the name: “澄湾”计费系统
        quoted = re.search(
            r"[“\"「][\u4e00-\u9fffA-Za-z0-9]{1,8}[”\"」]$", sentence[max(0, start - 10) : start]
        )
        expansion_start = start
        # read the name back from the head, word by word, up to a stop word
        words = jieba.posseg.lcut(sentence[start:h0], HMM=True)
        kept = 0
        for word, flag in reversed(words):
            latin_next = re.match(r"[A-Za-z]", sentence[h0 - kept : h0 - kept + 1] or "-")
            if (
                word in _LEADING
                or word in _FUNCTION_CHARS
                or "不" in word
                or "没" in word
                or (flag.startswith(_STOP_POS) and not re.search(r"[A-Za-z]", word))
                or (flag.startswith("m") and (_has_cjk(word) or len(word) >= 3) and not latin_next)
            ):
                break
            kept += len(word)
        start = h0 - kept
        if quoted and start == expansion_start:
            start -= len(quoted.group())
        modifier = sentence[start:h0].strip(" .-")
        if len(modifier) < 2 or modifier in _GENERIC or modifier.isdigit():
            continue
        if modifier.endswith(("私有", "公有", "混合", "政务")):
            continue  # 私有云, 政务云: a kind of deployment, not an offering
        if not _has_cjk(modifier) and not _has_cjk(match.group()):
            continue  # Latin words before a Latin category are the Latin recogniser's
        end = h1
        version = re.match(r"\s?(?:[（(]\s*)?V?[0-9]+(?:\.[0-9]+)*(?:\s*[）)])?", sentence[h1:])
        if version and re.search(r"[0-9]", version.group()):
            end += len(version.group())
        out.append(_Found("product", sentence.index(modifier, start), end, h0))
    return out


#: Before a generic name: the vendor's offering when the vendor says it ...
_VENDOR_OFFER = re.compile(
    r"(?:我们的|我们有|我们也有|我们还有|我们这套|我们这个|配套的|可以提供|推荐)"
)
#: ... or the customer does, about the vendor ...
_CUSTOMER_ASKS = re.compile(r"(?:你们的|你们那个|你们这个|你们那套|贵司的|你们有没有)")
#: ... or a purchase either side speaks of; other generic names are the customer's own systems.
_BUYING = re.compile(r"(?:一套|采购|购买|配套|上线|上一套|新上|报价|买)\s*$")
#: The customer's own systems ("我们现有的DCS", "院内LIS").
_OWN = re.compile(r"(?:现有的?|原有的?|院内|我们的|我们|自己的)\s*(?:[A-Za-z]{2,6}[和及、/])?\s*$")


def _generic(modifier: str) -> bool:
    """True when a Chinese modifier is made of dictionary words only (能耗监测, 核心), no brand:
    no Latin, no digit and no run of single characters jieba could not place in a word."""
    import jieba

    from semcrm.ingest.pii.lexicon import is_common_word

    if re.fullmatch(r"[A-Z]{2,5}", modifier):
        return True  # GIS平台, ERP系统: a category written before a head
    if re.search(r"[A-Za-z0-9“”\"「」]", modifier):
        return False
    singles = 0
    for word in jieba.lcut(modifier, HMM=False):
        if len(word) == 1:
            singles += 1
            if singles >= 2:
                return False  # 澜杉, 汐岚: an unknown word, a brand
        else:
            singles = 0
            if not is_common_word(word):
                return False
    return True


def _in_play(sentence: str, found: _Found, side: str) -> bool:
    """A branded Chinese name always counts; a generic one (能耗监测云, 库存预警模块) only as an
    offering: the vendor's "our …", the customer's "your …", or a purchase."""
    name = sentence[found.start : found.end]
    opened = (found.start > 0 and sentence[found.start - 1] in "“「《") or name[:1] in "“「《"
    if opened and re.search(r"[”」》]", sentence[found.end : found.end + 1] + name):
        return True  # written in quotation marks: a name
    if not _generic(sentence[found.start : found.head]):
        return True
    before = sentence[max(0, found.start - 14) : found.start]
    if side != "vendor" and _OWN.search(before):
        return False  # "集团现有的DCS和OA平台": the customer's own systems
    # the offer or the question may be a few words back in its clause ("你们那个…的AR教室")
    clause = re.split(r"[，。；！？,.;!?：:\s]", before)[-1]
    if side == "vendor" and (
        _VENDOR_OFFER.search(clause) or (not clause and sentence[found.end : found.end + 1] == "是")
    ):
        return True  # "我们的X", or an answer that opens with it: "X是买断的"
    if side != "vendor" and _CUSTOMER_ASKS.search(clause):
        return True
    return _BUYING.search(before) is not None


def _log_values(sentence: str) -> list[_Found]:
    out: list[_Found] = []
    for match in _LOG_FIELD.finditer(sentence):
        value, base = match.group(1), match.start(1)
        items = (
            [(m.start(1), m.group(1)) for m in re.finditer(r"\"([^\"]+)\"", value)]
            if value.startswith(("[", '"'))
            else [(0, value)]
        )
        for offset, item in items:
            if item.strip().lower() in _LOG_NONE or re.fullmatch(r"[0-9.\-_:]+", item):
                continue
            out.append(_Found("product", base + offset, base + offset + len(item)))
    return out


def _competitors(sentence: str, pats: _Patterns, bounds: set[int]) -> list[_Found]:
    out: list[_Found] = []
    for pattern in (pats.before_en, pats.after_en):
        for match in pattern.finditer(sentence):
            name = match.group(1)
            words = name.split()
            while words and words[0].lower() in _EN_STOP:
                words = words[1:]
            if not words:
                continue
            start = match.start(1) + name.index(words[0])
            name = " ".join(words)
            if _latin_brand_like(name):
                out.append(_Found("competitor", start, start + len(name)))
    for pattern in (pats.before_zh, pats.after_zh):
        for match in pattern.finditer(sentence):
            start, end = match.span(1)
            if pattern is pats.before_zh and (
                match.start() not in bounds
                or _common(sentence[match.start() : match.start(1) + 1])
                or _common(sentence[match.start() : match.start(1) + 2])
            ):
                continue  # 比较, 对比度: the cue is part of a longer word
            while start < end and sentence[start] in _FUNCTION_CHARS + "跟比和":
                start += 1
            start = _skip_leading_words(sentence, start, end)
            if start not in bounds and pattern is pats.after_zh:
                continue
            name = sentence[start:end]
            if any(cue in name for cue in pats.zh_after_cues):
                continue  # "报过来的单价": the context itself, not a name
            if re.fullmatch(r"[A-Za-z].*", name):
                if _latin_brand_like(name):
                    out.append(_Found("competitor", start, end))
            elif _zh_brand_like(name):
                out.append(_Found("competitor", start, end))
    # Latin brands inside Chinese text: "Plovdane报过来的单价"
    for match in pats.after_latin_zh.finditer(sentence):
        if _latin_brand_like(match.group(1)):
            out.append(_Found("competitor", match.start(1), match.end(1)))
    return out


# -- putting it together ----------------------------------------------------------


def find_products(
    interaction: Interaction,
    taken: Iterable[tuple[int, int]],
    parties: Iterable[str],
    lexicon: ProductLexicon | None = None,
    organisations: Iterable[str] = (),
    sides: dict[int, str] | None = None,
) -> list[Mention]:
    """Product and competitor mentions by shape and context.

    Args:
        interaction: the de-identified interaction.
        taken: spans already mentioned as curated products/competitors (they win).
        parties: names of the customer and the vendor (never competitors).
        lexicon: the ontology's product vocabulary (:meth:`ProductLexicon.from_ontology`).
        organisations: names of every organisation found (a product only as a product's brand).
        sides: the side of each turn (``"customer"``, ``"vendor"`` ...): a generic name is an
            offering when the vendor says "our …" or the customer "your …", and the customer's
            "our …" is its own infrastructure.
    """
    lexicon = lexicon or ProductLexicon()
    pats = lexicon.patterns
    text = interaction.text
    excluded = {p.casefold() for p in parties if p}
    org_names = {o.casefold() for o in organisations if o} | excluded

    found: list[tuple[_Found, int]] = []  # (found, turn start)
    competitor_names: set[str] = set()
    turn_bounds = {
        turn.index: _boundaries(turn.text) if _has_cjk(turn.text) else set()
        for turn in interaction.turns
    }
    for turn in interaction.turns:
        for f in _competitors(turn.text, pats, turn_bounds[turn.index]):
            name = turn.text[f.start : f.end]
            if name.casefold() in excluded or any(
                name.casefold() in p or p in name.casefold() for p in excluded
            ):
                continue
            competitor_names.add(name)
            found.append((f, turn.start))

    products: list[tuple[_Found, int]] = []
    for turn in interaction.turns:
        sentence = turn.text
        bounds = turn_bounds[turn.index]
        local: list[_Found] = []
        local += _latin_names(sentence, pats, set())
        side = (sides or {}).get(turn.index, "unknown")
        local += [
            f
            for f in (_zh_names(sentence, pats, bounds) if bounds else [])
            if _in_play(sentence, f, side)
        ]
        for m in pats.category.finditer(sentence):
            if side != "vendor" and _OWN.search(sentence[max(0, m.start() - 6) : m.start()]):
                continue  # "集团现有的DCS": the customer's own infrastructure
            start = m.start()
            if _has_cjk(m.group()[:1]):  # "AI人脸识别": a Latin code written onto it
                while start > 0 and re.match(r"[A-Za-z0-9\-]", sentence[start - 1]):
                    start -= 1
            local.append(_Found("product", start, m.end()))
        local += [_Found("product", m.start(), m.end()) for m in pats.edition.finditer(sentence)]
        local += [
            _Found("product", m.start(1), m.end(1)) for m in pats.en_feature.finditer(sentence)
        ]
        local += _log_values(sentence)
        products += [(f, turn.start) for f in local]

    # second pass: product lines (brands and code prefixes of what was found)
    names = [text[b + f.start : b + f.end] for f, b in products]
    brands = {
        n.split()[0]
        for n in names
        if " " in n
        and n.split()[0][:1].isupper()
        and n.split()[0].isalpha()
        and (_coined(n.split()[0]) or _zipf(n.split()[0]) < 3.5)
    }
    prefixes = {_code_prefix(m.group()) for n in names for m in _CODE.finditer(n)} - {""}
    for turn in interaction.turns:
        extra = _latin_names(turn.text, pats, brands) + _model_codes(turn.text, prefixes)
        products += [(f, turn.start) for f in extra]

    return _resolve(
        interaction,
        found,
        products,
        taken,
        excluded,
        org_names,
        competitor_names,
        lexicon.heads_zh,
        lexicon.categories,
    )


def _resolve(
    interaction: Interaction,
    competitors: list[tuple[_Found, int]],
    products: list[tuple[_Found, int]],
    taken: Iterable[tuple[int, int]],
    excluded: set[str],
    org_names: set[str],
    competitor_names: set[str],
    heads_zh: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> list[Mention]:
    text = interaction.text
    curated = list(taken)
    occupied: dict[str, list[tuple[int, int]]] = {"product": [], "competitor": []}
    out: list[Mention] = []

    def clean(start: int, end: int) -> tuple[int, int]:
        pairs = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」"}
        while start < end and text[start] in " “”\"'（(《「":
            closing = pairs.get(text[start])
            if closing and closing in text[start + 1 : end]:
                break  # “澄湾”计费系统: a quoted brand that is part of the name
            start += 1
        while end > start and text[end - 1] in " ”\"'，,。.:：；;":
            end -= 1
        return start, end

    def add(kind: str, start: int, end: int, confidence: float) -> bool:
        start, end = clean(start, end)
        quote = text[start:end]
        if not quote or "[" in quote or "]" in quote or len(quote) > 40:
            return False
        if any(start < e and s < end for s, e in curated + occupied[kind]):
            return False
        if quote in _NOT_BRANDS or quote.lower() in _EN_STOP:
            return False
        turn = interaction.turn_at(start)
        if turn is None:
            return False
        occupied[kind].append((start, end))
        out.append(
            Mention(
                kind, None, quote, Evidence(turn.index, start, end, quote, EXTRACTOR, confidence)
            )
        )
        return True

    # competitors first: type constraint, a competitor's name is not a product
    for f, base in sorted(competitors, key=lambda x: (-(x[0].end - x[0].start), x[1] + x[0].start)):
        add("competitor", base + f.start, base + f.end, 0.6)
    # the brand of a competitor named with its company ending or category (岱溪科技 -> 岱溪)
    for name in sorted(competitor_names):
        short = _ORG_SUFFIX.sub("", name)
        short = re.sub(r"(?<=[\u4e00-\u9fff])[A-Z]{2,5}$", "", short)
        if short != name and len(short) >= 2:
            for s, e in _standalone(text, short, curated + occupied["competitor"]):
                if add("competitor", s, e, 0.5):
                    break  # one standalone occurrence is evidence enough

    # products, longest first; a name that is a competitor's or an organisation's is not one
    ordered = sorted(products, key=lambda x: (-(x[0].end - x[0].start), x[1] + x[0].start))
    product_names = []
    candidates = {text[b + f.start : b + f.end].strip() for f, b in ordered}
    for f, base in ordered:
        start, end = clean(base + f.start, base + f.end)
        quote = text[start:end]
        folded = quote.casefold()
        if quote in categories and any(c != quote and c.endswith(quote) for c in candidates):
            continue  # "ERP" beside "启澜ERP": the bare category refers to the named one
        product_shaped = _has_cjk(quote) and quote.endswith(heads_zh)
        if quote in competitor_names or (
            (folded in excluded or folded in org_names) and not product_shaped
        ):
            continue  # an organisation, unless its name is a product's (澜杉云)
        if not product_shaped and any(
            folded == o or (len(o) > 3 and o.startswith(folded + " ")) for o in org_names
        ):
            continue
        if any(
            quote.startswith(c + " ") and quote[len(c) + 1 :][:1].islower()
            for c in competitor_names
        ):
            continue  # "Wexmoor contract": the competitor's terms, not an offering
        before = len(out)
        add("product", start, end, 0.6)
        if len(out) > before:
            product_names.append(quote)
    # short forms where they stand alone: a product's brand ("Brenmoor" beside "Brenmoor LIMS")
    everywhere = [m.span() for name in product_names for m in re.finditer(re.escape(name), text)]
    for name in product_names:
        first = name.split()[0] if " " in name else None
        if (
            first
            and len(first) > 2
            and first[0].isupper()
            and first not in competitor_names
            and (_coined(first) or _zipf(first) < 3.5)
            and not any(
                o == first.casefold() or o.startswith(first.casefold() + " ") for o in org_names
            )
        ):  # alone, an organisation's name is the organisation ("Quenbrook committed to …")
            for s, e in _standalone(text, first, curated + occupied["product"] + everywhere):
                if add("product", s, e, 0.5):
                    break
    # a bare tier beside a named one: "in both Professional and Enterprise"
    tiers = {
        n.split()[0] for n in product_names if re.fullmatch(r"[A-Z][a-z]+ (?:tier|plan|edition)", n)
    }
    if tiers:
        words = "|".join(_TIER_WORDS)
        for match in re.finditer(rf"\b({words})(?:,| and| or| &| /)\s+({words})\b", text):
            for group in (1, 2):
                if match.group(group) not in tiers:
                    add("product", match.start(group), match.end(group), 0.5)
    return out


_TIER_WORDS = ("Standard", "Professional", "Enterprise", "Premium", "Basic", "Business", "Starter")


def _standalone(text: str, name: str, occupied: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Occurrences of ``name`` as a word of its own, outside every span taken so far."""
    out = []
    for match in re.finditer(re.escape(name), text):
        s, e = match.span()
        if any(s < oe and os < e for os, oe in occupied):
            continue
        if name.isascii() and (
            (s > 0 and re.match(r"[A-Za-z0-9\-_@./]", text[s - 1]))
            or (e < len(text) and re.match(r"[A-Za-z0-9\-_@]|\.[a-z]", text[e : e + 2]))
            or re.match(r" [A-Z&]", text[e : e + 2])
            or re.search(r"[A-Z][a-z]+ $", text[max(0, s - 20) : s])
        ):
            continue  # part of a longer name, an address or a file name
        out.append((s, e))
    return out
