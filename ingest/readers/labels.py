"""What a speaker label says: who speaks, for which organisation, in which role.

A label is the part of a line before its colon (``"祁悦（青垄农业 销售经理）"``,
``"Ben (Brightfold Support)"``, ``"岚舟-运营 滕雨萱"``, ``"客户"``). Deciding
what *is* a label matters more than parsing it, because documents are full
of ``"说明：..."``, ``"Note: ..."`` and ``"项目编号：..."`` lines. A label:

- is short: at most :data:`MAX_LABEL_CHARS` characters before an optional
  parenthetical of at most :data:`MAX_PAREN_CHARS`, and at most five words;
- has no sentence punctuation (``。，！？；!?;``, quotes, brackets, ``*#|=/@``)
  and no full stop except in abbreviations (``Dr.``, ``J.``);
- contains a letter, and a label written in Latin letters starts with a
  capital (``Customer``, ``Leila Montaro``) or is a numbered speaker
  (``spk_0``, ``Speaker 2``), so ``"so here's the thing: ..."`` is prose;
- is not a document field name from :data:`NOT_SPEAKERS` (``Note``,
  ``Subject``, ``说明``, ``电话`` ...).

Parsing then separates the affiliation from the name. A parenthetical
``(org, role)`` splits at its first comma; ``（公司 职务）`` at its last space;
one word is a role when it is a known role or ends like one (``经理``,
``Manager``), else an organisation. Before a Chinese name, the first word
is the affiliation (``"恒拓大客户 骆振华"``), split at ``-`` into organisation
and role (``"岚舟-运营"``). A Latin given name before a one- or two-character
Chinese surname stays with it (``"Wendy 宓"``, ``"Quotera-Gavin 闵"`` gives
``Gavin 闵`` of Quotera), as Chinese business chats write such names.

Role labels (``销售``, ``客户``, ``Agent``, ``Customer``) are speakers but
not names; bot personas (``(virtual assistant)``, ``机器人``) are speakers
whose names are not a natural person's, so neither becomes a name hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LABEL_CHARS = 30
MAX_PAREN_CHARS = 60
MAX_LABEL_WORDS = 5

#: Labels that name a role, not a person (compared case-insensitively).
_ROLE_WORDS = """
销售 客户 客服 用户 顾客 坐席 座席 主持人 主持 记者 主播 嘉宾 访谈人 受访者 买家 卖家 商家
患者 家属 医生 护士 司机 乘客 问 答 甲方 乙方 我 对方 系统 机器人
Agent Customer Caller Callee Client Rep Representative Sales Support Host Guest Interviewer
Interviewee Moderator Operator User Bot System Assistant Me Unknown Buyer Seller Vendor Q A
Speaker Presenter Audience Narrator
"""
ROLE_LABELS: frozenset[str] = frozenset(word.lower() for word in _ROLE_WORDS.split())

#: Field names that end in a colon in documents and chat headers but are not speakers.
_FIELD_WORDS = """
说明 备注 注 注意 提示 时间 日期 地点 地址 电话 手机 邮箱 传真 网址 主题 标题 项目编号 编号
采购人 招标人 联系人 联系方式 会话ID 渠道 产品 附件 来源 状态 结论 原因 问题 答复 回复 发件人
收件人 抄送 参会人 出席 记录人 议题 事项
Note Notes NB PS Subject Re Fw Fwd Date Time Location Venue Tel Phone Mobile Fax Email E-mail
Address URL Web Website Ticket Account Product Conversation Status From To Cc Bcc Sent
Attendees Apologies Agenda Summary Action Actions Owner Due Important Warning Caution Tip
Example Answer Question Mandatory Optional Total Source Reference Ref Price Cost Result Results
Conclusion Background Scope
会话编号 会话 工单号 工单编号 订单号 客户编号 导出时间 开始时间 结束时间 时长 通话时长 来电号码
呼叫类型 坐席工号 技能组 满意度 Session Channel Queue Duration Exported Case
"""
#: Several-word field names of call-centre and chat exports' headers.
_FIELD_PHRASES = (
    "session id", "conversation id", "call id", "case id", "ticket id", "ticket no",
    "start time", "end time", "call start", "call end", "exported at", "export time",
)  # fmt: skip
NOT_SPEAKERS: frozenset[str] = frozenset(
    [word.lower() for word in _FIELD_WORDS.split()] + list(_FIELD_PHRASES)
)

_ROLE_SUFFIXES = (
    "经理", "总监", "工程师", "主任", "主管", "专员", "顾问", "助理", "代表", "总裁", "总经理",
    "销售", "客服", "技术", "运营", "负责人",
    "manager", "director", "engineer", "officer", "lead", "consultant", "executive",
    "representative", "agent", "assistant", "specialist", "head", "ceo", "cto", "cfo",
)  # fmt: skip

_BOT_WORDS = re.compile(
    r"virtual assistant|chat ?bot|\bbot\b|\bai assistant|机器人|智能助手|智能客服|ai助手|虚拟助手",
    re.IGNORECASE,
)
_NUMBERED_SPEAKER = re.compile(
    r"^(?:spk|speaker|ch|channel|发言人|说话人|讲者|speaker\s)[ _]?\d+$", re.IGNORECASE
)
_FORBIDDEN = re.compile(r"[。，！？；!?;\"“”‘’<>\[\]{}#*|=/\\@:：,、【】《》]")
_PAREN_FORBIDDEN = re.compile(r"[。！？!?\"“”<>\[\]{}#*|=/\\@:：【】]")
_ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,3}\.")
_PAREN = re.compile(r"^(?P<head>.*?)\s*[（(](?P<paren>[^()（）]{1,60})[)）]\s*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’.-]*$")


@dataclass(frozen=True)
class Label:
    """A parsed speaker label.

    Attributes:
        speaker (str): the name or role as written (``"宫主任"``, ``"Customer"``).
        org (str | None), title (str | None): affiliation given with it.
        is_role (bool): the speaker is a role label, not a name.
        is_bot (bool): the affiliation says the speaker is a bot or virtual persona.
    """

    speaker: str
    org: str | None = None
    title: str | None = None
    is_role: bool = False
    is_bot: bool = False

    @property
    def is_person_name(self) -> bool:
        """True when the label names a natural person (a name hint)."""
        return not (self.is_role or self.is_bot)


def has_cjk(text: str) -> bool:
    """True when ``text`` contains a Chinese character."""
    return _CJK.search(text) is not None


def is_role(text: str) -> bool:
    """True for role labels (``客户``, ``Agent``) and numbered speakers (``spk_0``)."""
    text = text.strip()
    return text.lower() in ROLE_LABELS or _NUMBERED_SPEAKER.match(text) is not None


def _looks_like_role(word: str) -> bool:
    lowered = word.lower()
    return lowered in ROLE_LABELS or lowered.endswith(_ROLE_SUFFIXES)


def _split_paren(paren: str) -> tuple[str | None, str | None]:
    parts = re.split(r"[,，;；]", paren, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip() or None, parts[1].strip() or None
    words = paren.split()
    if has_cjk(paren) and len(words) >= 2:
        return " ".join(words[:-1]), words[-1]
    if _looks_like_role(paren.strip()):
        return None, paren.strip()
    return paren.strip() or None, None


def _split_affiliation(affiliation: str) -> tuple[str | None, str | None]:
    if not affiliation:
        return None, None
    if "-" in affiliation:
        org, _, title = affiliation.partition("-")
        return org.strip() or None, title.strip() or None
    if _looks_like_role(affiliation):
        return None, affiliation
    return affiliation, None


def split_name(phrase: str) -> tuple[str, str]:
    """Split ``"质检科科长 符海川"`` into ``("符海川", "质检科科长")``: (name, affiliation).

    Without Chinese characters the whole phrase is the name (``"Leila Montaro"``).
    """
    phrase = phrase.strip()
    words = phrase.split()
    if not has_cjk(phrase) or (len(words) < 2 and "-" not in phrase):
        return phrase, ""
    if len(words) == 1:  # "客服-小橙"
        affiliation, _, name = phrase.rpartition("-")
        return name, affiliation
    last = words[-1]
    rest = words[:-1]
    if has_cjk(last) and len(last) <= 2:
        previous = rest[-1]
        given = previous.rpartition("-")[2]
        if _LATIN_WORD.match(given):
            rest[-1] = previous[: len(previous) - len(given)].rstrip("-")
            if not rest[-1]:
                rest.pop()
            return f"{given} {last}", " ".join(rest)
    return last, " ".join(rest)


def parse_label(raw: str) -> Label | None:
    """The :class:`Label` for ``raw``, or None when it is not a speaker label (see module doc)."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_LABEL_CHARS + MAX_PAREN_CHARS + 3:
        return None
    head, paren = raw, None
    match = _PAREN.match(raw)
    if match:
        head, paren = match.group("head").strip(), match.group("paren").strip()
    if not head or len(head) > MAX_LABEL_CHARS or len(head.split()) > MAX_LABEL_WORDS:
        return None
    if _FORBIDDEN.search(head) or "." in _ABBREVIATION.sub("", head):
        return None
    if not any(c.isalpha() for c in head) or head.lower() in NOT_SPEAKERS:
        return None
    if not has_cjk(head) and not (head[0].isupper() or _NUMBERED_SPEAKER.match(head)):
        return None
    if paren is not None and _PAREN_FORBIDDEN.search(paren):
        return None

    name, affiliation = split_name(head)
    org, title = _split_affiliation(affiliation)
    if paren:
        paren_org, paren_title = _split_paren(paren)
        org = paren_org or org
        title = paren_title or title
    bot = bool(_BOT_WORDS.search(paren or "") or _BOT_WORDS.search(affiliation))
    return Label(speaker=name, org=org, title=title, is_role=is_role(name), is_bot=bot)


def person_in_phrase(phrase: str) -> str | None:
    """The person's name in an attendee-list item (``"华东区总经理 汪屹"``, ``"Jo Doe (Ops)"``).

    Returns None when the item does not look like one person (too long, a sentence).
    """
    phrase = re.sub(r"[（(][^()（）]*[)）]", "", phrase).strip(" \t*-•·")
    if not phrase or len(phrase) > 40 or len(phrase.split()) > 6:
        return None
    if re.search(r"[。！？；!?;\"“”<>\[\]{}#|=/\\@:：]", phrase):
        return None
    name, _ = split_name(phrase)
    if not any(c.isalpha() for c in name) or is_role(name):
        return None
    return name
