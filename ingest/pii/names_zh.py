"""Chinese person names: what a name looks like, and the contexts that reveal one.

A surname alone says little (车, 金, 房 are also words), so a Chinese name
is only ever proposed in a context that says "a person is named here":

* surname + title (王总, 李工, 张经理, 薛先生) and 小/老 + surname (小滕, 老蒯),
  vetoed when jieba knows the pair as an ordinary word (施工, 小时, 老师) or
  when a one-character title starts a word (车工业, 方总部);
* a full name (surname + one or two characters) after 我是/我叫/叫/这是…的,
  before a verb of speech (说, 提到, 指出 ...), before a contact word
  (手机, 电话, 邮箱, 身份证) or an address, or after a role word and a space
  in attendee lists (``质检科科长 符海川、``);
* a partially masked name (宓*萍);
* a Latin given name followed by a surname (Wendy 宓, Gavin 闵);
* a full name right before a title of address (林嘉豪先生, 陈静怡女士) or
  right before a phone number, ID or e-mail address (``张伟国 139…``, as in
  a document title or a contact line);
* a compound surname (司马, 欧阳, 诸葛 ...) with one or two given characters
  anywhere: compound surnames are rarely ordinary words, except the few that
  are (东方, 百里, 第五, 西门 ...), which need a context like any surname.

Weak contexts also veto a guess whose given-name part is a frequent word
(高质量 is not 高 + 质量). Strong contexts (speaker labels, voice tags, e-mail
display names) are handled in :mod:`semcrm.ingest.pii.names` and only need
:func:`split_zh_name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from semcrm.ingest.pii.lexicon import (
    COMPOUND_SURNAMES,
    NOT_IN_GIVEN_NAMES,
    SINGLE_SURNAMES,
    SURNAME,
    SURNAME_CLASS,
    TITLE,
    TITLE_WORD_CONTINUATIONS,
    TITLES,
    is_common_word,
    is_frequent_word,
    is_name_word,
    latin_given_names,
)
from semcrm.ingest.pii.spans import Candidate

PRIORITY = 30
CJK = "\u4e00-\u9fff"


@dataclass(frozen=True)
class ZhName:
    """A Chinese name form: ``kind`` is ``full``, ``title`` or ``nick``."""

    surname: str
    kind: str
    title: str | None = None


def surname_of(text: str) -> str | None:
    """The surname ``text`` starts with (compound surnames first), or None."""
    for compound in COMPOUND_SURNAMES:
        if text.startswith(compound):
            return compound
    return text[0] if text and text[0] in SINGLE_SURNAMES else None


def split_zh_name(text: str, strict: bool = True) -> ZhName | None:
    """Parse ``text`` as a whole Chinese name form, or None.

    ``strict`` (weak contexts) also vetoes full names whose given-name part
    is a frequent ordinary word and any form jieba knows as a word.
    """
    if not 2 <= len(text) <= 5 or not re.fullmatch(f"[{CJK}]+", text):
        return None
    if text[0] in "小老" and len(text) == 2 and text[1] in SINGLE_SURNAMES:
        return None if is_common_word(text) else ZhName(text[1], "nick")
    surname = surname_of(text)
    if surname is None:
        return None
    rest = text[len(surname) :]
    for title in TITLES:
        if rest == title:
            if len(title) == 1 and is_common_word(text):
                return None
            return ZhName(surname, "title", title)
    if not 1 <= len(rest) <= 2 or any(char in NOT_IN_GIVEN_NAMES for char in rest):
        return None
    if rest == surname:
        return None
    if strict and (is_common_word(text) or (len(rest) == 2 and is_frequent_word(rest))):
        return None
    if not strict and (
        is_common_word(text, min_freq=50) or (len(rest) == 2 and is_frequent_word(rest, 1000))
    ):
        return None
    return ZhName(surname, "full")


TITLE_FORM = re.compile(rf"(?<![小老])({SURNAME})({TITLE})")
MASKED = re.compile(rf"(?<![*＊])({SURNAME})[*＊×]{{1,2}}[{CJK}]{{1,2}}")
INTRO = re.compile(
    rf"(?:我是|我叫|叫做|名叫|叫|这是|这位是|这位|姓名[：:]?|联系人[：:]|接送人[：:]|负责人[：:]|"
    rf"记录人[：:]|经办人[：:]|申请人[：:]|收件人[：:]|开户人[：:])[ \u3000]*"
    rf"(?:[^，。！？\s：:]{{0,16}}?的)?(?:[A-Za-z]{{2,8}})?([{CJK}]{{2,4}})"
)
_ROLE_SUFFIX = (
    r"(?:经理|总监|主任|顾问|工程师|专员|主管|助理|秘书|代表|联系人|负责人|记录人|经办人|"
    r"司索工|[总工长师员科处部办组]|中心|运营|销售|客服|技术|支持|成功|财务|采购|会计|律师|医生|"
    r"护士|老师|司机|[：:])"
)
#: A role word, a space, then a name: ``质检科科长 符海川、`` in attendee lists.
ROLE_SPACE = re.compile(rf"{_ROLE_SUFFIX}[ \u3000]+([{CJK}]{{2,4}})(?=[、，,；;。（(\s]|$)")
VERB_FOLLOW = re.compile(
    rf"(?<=[{CJK}])(?=说|提到|表示|指出|补充|汇报|认为|反馈|提出|确认|透露|询问|牵头|负责|拍板|签字|同意|"
    r"建议|介绍|回复|发言|主持|强调|要求)"
)
HAS_CJK = re.compile(f"[{CJK}]")
#: Titles of address after a full name: 林嘉豪先生, 陈静怡女士.
FULL_NAME_TITLE = re.compile(r"先生|女士|小姐|太太|夫人|同学|老师|师傅|医生|律师|教授|博士")
#: Compound surnames that are also ordinary words (east, a hundred li, fifth, west gate,
#: 上官网 "go to the official site" ...)
#: and those that are also city names (濮阳市, 南宫市).
_WORDLIKE_COMPOUNDS = frozenset(
    ["东方", "百里", "第五", "西门", "长孙", "独孤", "公羊", "司空", "上官", "濮阳", "南宫"]
)
_PLACE_SUFFIXES = frozenset("省市县区镇乡村路街道")
COMPOUND_NAME = re.compile(
    "(?:"
    + "|".join(c for c in COMPOUND_SURNAMES if c not in _WORDLIKE_COMPOUNDS)
    + f")[{CJK}]{{1,2}}"
)
_SPEECH_START = re.compile(
    r"说|讲|道|问|答|称|表示|提到|认为|指出|来|去|在|是|和|与|也|都|就|发|打|给|找|叫|让|请|带|送|帮"
)
#: A verb that takes a person as its object, then the name and a clause boundary.
VERB_BEFORE = re.compile(
    rf"(?:联系|找|问问|问|通知|抄送|转给|交给|发给|告诉|交由|由|跟|和|同|与|请|让|叫上|@)(?:一下)?"
    rf"[ \u3000]?([{CJK}]{{2,4}}?)(?=[，。、；！？,.;!?\s]|$)"
)
CONTACT_FOLLOW = re.compile(
    rf"(?<=[{CJK}])(?=[，,]?[ \u3000]*(?:手机|电话|联系电话|邮箱|微信|身份证|[A-Za-z0-9._\-]+@))"
)
LATIN_GIVEN_SURNAME = re.compile(
    rf"(?<![A-Za-z])([A-Z][a-z]{{1,12}})[ \u3000]?({SURNAME_CLASS})(?![{CJK}])"
)


def _accept_title_form(text: str, match: re.Match[str]) -> bool:
    surname, title = match.group(1), match.group(2)
    if len(title) == 1:
        following = text[match.end() : match.end() + 1]
        if following and following in TITLE_WORD_CONTINUATIONS.get(title, ""):
            return False
        if is_common_word(surname + title):
            return False
    preceding = text[match.start() - 1 : match.start()]
    if _AFTER_ROLE.search(text[max(0, match.start() - 6) : match.start()]):
        return True  # "董事长葛总": 长葛 is a place name, but after a role word this is 葛总
    return not (preceding and is_common_word(preceding + surname))


#: Role words a name follows directly in apposition ("董事长葛总", "我们经理王工").
_AFTER_ROLE = re.compile(
    r"(?:董事长|总经理|副总|经理|主任|局长|院长|厂长|场长|校长|科长|处长|部长|所长|站长|行长|总监|"
    r"老板|领导|老师|医生|律师|顾问|秘书|助理|专员|主管|组长|班长|队长)$"
)


def find_title_forms(text: str) -> Iterator[Candidate]:
    """Surname + title (王总, 苗总监, 薛先生) and 小/老 + surname (小滕, 老蒯)."""
    for match in TITLE_FORM.finditer(text):
        if _accept_title_form(text, match):
            yield Candidate(
                match.start(), match.end(), "person_name", "surname_title", PRIORITY,
                value=match.group(), title=match.group(2),
            )  # fmt: skip
    for match in re.finditer(rf"[小老]{SURNAME_CLASS}", text):
        word = match.group()
        following = text[match.end() : match.end() + 1]
        if is_common_word(word) or (following and is_common_word(word + following)):
            continue
        if following and re.match(f"[{CJK}]", following) and is_common_word(word[1] + following):
            continue
        yield Candidate(match.start(), match.end(), "person_name", "nickname", PRIORITY, value=word)
    for match in MASKED.finditer(text):
        yield Candidate(match.start(), match.end(), "person_name", "masked_name", PRIORITY)


def _name_ending_at(text: str, end: int, strict: bool = True) -> tuple[int, ZhName] | None:
    """The longest full name ending at ``end`` (3, 4 then 2 characters)."""
    for length in (3, 4, 2):
        start = end - length
        if start < 0:
            continue
        parsed = split_zh_name(text[start:end], strict=strict)
        if parsed is not None and parsed.kind == "full":
            return start, parsed
    return None


def _name_starting_at(text: str, start: int, stop: int) -> int | None:
    """End of the full name that starts at ``start`` and ends at a boundary before ``stop``."""
    for length in (3, 2, 4):
        end = start + length
        if end > stop:
            continue
        following = text[end : end + 1]
        if following and re.match(f"[{CJK}]", following) and end != stop:
            continue
        parsed = split_zh_name(text[start:end])
        if parsed is not None and parsed.kind == "full":
            return end
    return None


#: A speaker label inside a line: after a time stamp, a closing bracket or a sentence's end.
INLINE_LABEL = re.compile(
    rf"(?:\[\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]|\(\d{{1,2}}:\d{{2}}(?::\d{{2}})?\)|[。！？!?])"
    rf"[ \t\u3000]*([{CJK}]{{2,4}})(?=[:：])"
)


def find_context_names(text: str) -> Iterator[Candidate]:
    """Full names revealed by an introduction, a verb, a contact word, a role + space, or
    a speaker label inside a line (``[00:00:05] 顾文博：`` in a transcript flattened to one line)."""
    for match in INLINE_LABEL.finditer(text):
        found = _name_ending_at(text, match.end(1))
        if found is not None and found[0] >= match.start(1):
            yield Candidate(found[0], match.end(1), "person_name", "zh_inline_label", PRIORITY)
    for match in INTRO.finditer(text):
        end = _name_starting_at(text, match.start(1), match.end(1))
        if end is not None:
            yield Candidate(match.start(1), end, "person_name", "zh_intro", PRIORITY)
    for match in VERB_BEFORE.finditer(text):
        parsed = split_zh_name(match.group(1))
        if parsed is not None and parsed.kind == "full":
            yield Candidate(match.start(1), match.end(1), "person_name", "zh_object", PRIORITY)
    for match in ROLE_SPACE.finditer(text):
        parsed = split_zh_name(match.group(1))
        if parsed is not None and parsed.kind == "full":
            yield Candidate(match.start(1), match.end(1), "person_name", "zh_role_space", PRIORITY)
    for pattern, recognizer in ((VERB_FOLLOW, "zh_verb"), (CONTACT_FOLLOW, "zh_contact")):
        for match in pattern.finditer(text):
            found = _name_ending_at(text, match.start())
            if found is not None:
                start, _parsed = found
                yield Candidate(start, match.start(), "person_name", recognizer, PRIORITY)
    given_names = latin_given_names()
    for match in LATIN_GIVEN_SURNAME.finditer(text):
        if match.group(1) in given_names:
            yield Candidate(
                match.start(), match.end(), "person_name", "latin_given_zh_surname", PRIORITY
            )


def _compound_names(text: str) -> Iterator[Candidate]:
    """Compound surname + one or two given characters, anywhere (司马相如, 欧阳娜娜)."""
    for match in COMPOUND_NAME.finditer(text):
        start = match.start()
        surname = surname_of(match.group()) or ""
        for length in (4, 3) if len(match.group()) == 4 else (3,):
            candidate = text[start : start + len(surname) + length - 2]
            given = candidate[len(surname) :]
            if is_name_word(candidate):  # 司马相如: the dictionary knows this person
                yield Candidate(start, start + len(candidate), "person_name", "compound_surname",
                                PRIORITY)  # fmt: skip
                break
            if any(char in NOT_IN_GIVEN_NAMES or char in _PLACE_SUFFIXES for char in given):
                continue
            if any(given.startswith(title) for title in TITLES):
                break  # 欧阳总: a title form, found by find_title_forms
            if is_common_word(surname[-1] + given[0]):
                break  # 上官网: 上 + 官网 (the official website)
            if (
                length == 4
                and not is_name_word(candidate)
                and (is_name_word(candidate[:3]) or _SPEECH_START.match(given[1:]))
            ):
                continue  # 诸葛亮说: 说 starts the next word
            yield Candidate(start, start + len(candidate), "person_name", "compound_surname",
                            PRIORITY)  # fmt: skip
            break


def _full_name_before(text: str, end: int) -> int | None:
    """Start of the full name that ends at ``end``, or None; vetoes the parses that split a
    word (主任张翔: 张翔, not 任张翔) or that a title form explains better (感谢李教授)."""
    found = _name_ending_at(text, end)
    if found is None:
        return None
    start, parsed = found
    name = text[start:end]
    if len(name) == 3 and start > 0 and is_common_word(text[start - 1 : start + 1]):
        shorter = split_zh_name(name[1:])
        if shorter is None or shorter.kind != "full":
            return None
        start, name, parsed = start + 1, name[1:], shorter
    if len(name) == 3 and is_common_word(name[:2]):
        return None  # 谢谢金老师 is 谢谢 + 金老师
    if name[-1] in SINGLE_SURNAMES and (len(name) == 2 or name[-1] == parsed.surname):
        return None  # 王鑫王老师 is 王鑫 + 王老师, 谢李教授 is 谢 + 李教授
    return start


def find_titled_names(text: str) -> Iterator[Candidate]:
    """A full name before a title of address (林嘉豪先生), and compound-surname names."""
    for match in FULL_NAME_TITLE.finditer(text):
        start = _full_name_before(text, match.start())
        if start is not None:
            yield Candidate(start, match.start(), "person_name", "zh_name_title", PRIORITY)
    yield from _compound_names(text)


_BEFORE_VALUE = re.compile(r"[ \t\u3000:：,，、/|（(\-]{0,2}$")


def find_names_before_values(text: str, starts: list[int]) -> Iterator[Candidate]:
    """A full name right before a phone, ID or e-mail (``张伟国 13957114286 价格太高``)."""
    for position in starts:
        gap = _BEFORE_VALUE.search(text, max(0, position - 2), position)
        end = gap.start() if gap else position
        start = _full_name_before(text, end)
        if start is not None:
            yield Candidate(start, end, "person_name", "zh_before_contact", PRIORITY)
