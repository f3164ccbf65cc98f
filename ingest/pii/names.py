"""Person names the *format* reveals: speaker labels, voice tags, headers, signatures.

These are the strongest signals a record has. A transcript line
``[00:01] 恒拓大客户 骆振华：``, a WebVTT ``<v Maud Ellery>``, an e-mail
``From: 贺嘉诚 Jiacheng He <…>``, a JSON event's ``"contact_name": "…"`` and a
signature line under "Regards," all say "this is a person's name" whatever
the name is. :func:`parse_label` finds the name inside such a label (after an
organisation or role prefix, before a parenthesised organisation or title),
and rejects role labels (客户, Customer, 销售) and bot or persona labels
(``Pixie (virtual assistant)``, ``客服-小橙``); persona names are returned
separately so that no other recogniser redacts them either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from semcrm.ingest.pii.lexicon import (
    BOT_MARKERS,
    HONORIFICS,
    ORG_SUFFIX,
    ORG_WORDS,
    ROLE_LABELS,
    SURNAME_CLASS,
    latin_given_names,
)
from semcrm.ingest.pii.names_en import CAP
from semcrm.ingest.pii.names_zh import CJK, split_zh_name
from semcrm.ingest.pii.spans import Candidate

PRIORITY = 35


@dataclass(frozen=True)
class LabelName:
    """A name found inside a label: offsets relative to the label, and its title."""

    start: int
    end: int
    title: str | None = None
    value: str | None = None


_LATIN_TAIL = re.compile(rf"(?:({HONORIFICS})\.? )?((?:{CAP} ){{0,3}}{CAP})$")
_GIVEN_ZH_TAIL = re.compile(rf"([A-Z][a-z]{{1,12}})[ \u3000]?({SURNAME_CLASS})$")
_CJK_TAIL = re.compile(rf"([{CJK}]{{2,5}})$")
_CJK_THEN_LATIN = re.compile(rf"([{CJK}]{{2,4}})[ \u3000]+((?:{CAP} ){{0,2}}{CAP})$")
_PAREN = re.compile(r"[(（][^)）]*[)）]")


def parse_label(label: str, strong: bool = True) -> tuple[LabelName | None, bool]:
    """Find the person name in a speaker-style label: ``(name or None, is_persona)``.

    ``label`` may carry an organisation or role before the name (``销售 秦书瑶``,
    ``Quotera-Sales Neil 湛``) and a parenthesised part after it
    (``Miles Farrant (Quillmark Systems, Account Executive)``).
    """
    paren = _PAREN.search(label)
    head = label[: paren.start()] if paren else label
    extra = paren.group() if paren else ""
    head_stripped = head.rstrip(" \u3000*")
    if not head_stripped:
        return None, False
    persona = bool(BOT_MARKERS.search(label))
    if head_stripped.strip("*# -").lower() in ROLE_LABELS:
        return None, False
    if persona:
        tail = re.search(rf"(?:{CAP} )*{CAP}$|[{CJK}]{{2,4}}$", head_stripped)
        return (LabelName(tail.start(), tail.end()) if tail else None), True
    for pattern in (_GIVEN_ZH_TAIL, _CJK_THEN_LATIN):
        match = pattern.search(head_stripped)
        if match and (pattern is _CJK_THEN_LATIN and split_zh_name(match.group(1), strict=False)):
            return LabelName(match.start(), match.end()), persona
        if match and pattern is _GIVEN_ZH_TAIL and match.group(1) in latin_given_names():
            return LabelName(match.start(), match.end()), persona
    match = _CJK_TAIL.search(head_stripped)
    if match:
        token = re.split(r"[-－—_·\s]", head_stripped)[-1]
        if token and token == match.group(1):
            parsed = split_zh_name(token, strict=not strong)
            if parsed is None and len(token) > 3:
                parsed = split_zh_name(token[-3:], strict=True)
                token = token[-3:] if parsed else token
            if parsed is not None:
                start = len(head_stripped) - len(token)
                return LabelName(start, len(head_stripped), title=parsed.title), persona
        return None, persona
    match = _LATIN_TAIL.search(head_stripped)
    if match:
        tokens = match.group(2).split()
        if any(token in ORG_WORDS or ORG_SUFFIX.search(token) for token in tokens):
            return None, persona
        if match.group(2).lower() in ROLE_LABELS or tokens[-1] in ("Message", "Messages"):
            return None, persona
        if len(tokens) >= 3 and not match.group(1) and tokens[0] not in latin_given_names():
            return None, persona
        if len(tokens) == 1 and not match.group(1):
            single_ok = tokens[0] in latin_given_names() or (strong and extra and not persona)
            if not single_ok:
                return None, persona or bool(extra)
        title = None
        if match.group(1):
            title = match.group(1) + (
                "." if "." in match.group()[: len(match.group(1)) + 1] else ""
            )
        return LabelName(match.start(), match.end(), title=title, value=match.group(2)), persona
    return None, persona


SPEAKER_LINE = re.compile(
    r"(?m)^[ \t]*(?:>[ \t]*)*(?:(?:\[[^\]\n]{1,40}\]|\(\d{1,2}:\d{2}(?::\d{2})?\)|"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}:\d{2}(?::\d{2})?)[ \t]*)*"
    r"(?P<label>[^\n:：|]{1,100}?)[ \t]*[:：](?!//|\d)"
)
VOICE_TAG = re.compile(r"<v(?:\.[^ >]+)? +([^>\n]{1,60})>")
JSON_NAME = re.compile(
    r'"(?:contact_name|contact|author_name|agent_name|user_name|username|display_name|'
    r"technician|assignee|owner_name|requester|reporter|employee|driver|customer_name|"
    r'sender_name|recipient_name|full_name|first_name|last_name|person|name)"\s*:\s*"([^"\n]{1,60})"'
)
DISPLAY_NAME = re.compile(
    r"(?:^|(?<=[:：,，;；\n]))[ \t]*\"?([^\n<>:：,，;；\"]{1,60}?)\"?[ \t]*<[^<>@\s]+@[^<>\s]+>"
)
_LABEL_VETO = re.compile(r"[，。！？,!?;；\"“”=<>@/\\]|\d{2,}|https?")


def _label_candidates(
    text: str, label_start: int, label: str, recognizer: str, strong: bool = True
) -> tuple[list[Candidate], set[str]]:
    name, persona = parse_label(label, strong=strong)
    personas: set[str] = set()
    paren = _PAREN.search(label)
    if paren:
        organisation = re.split(r"[,，]", paren.group()[1:-1])[0].strip()
        if organisation:
            personas.add(organisation)
    if name is None:
        return [], personas
    start, end = label_start + name.start, label_start + name.end
    if persona:
        personas.add(text[start:end])
        return [], personas
    candidate = Candidate(
        start, end, "person_name", recognizer, PRIORITY, value=name.value, title=name.title
    )
    return [candidate], personas


def find_format_names(text: str) -> tuple[list[Candidate], set[str]]:
    """Names from speaker labels, voice tags, JSON fields and e-mail display names.

    Returns the candidates and the set of persona (bot) names to protect.
    """
    candidates: list[Candidate] = []
    personas: set[str] = set()
    for label_start, label, _end in speaker_lines(text):
        head = _PAREN.sub("", label)
        if _LABEL_VETO.search(head) or len(head.split()) > 6 or len(head) > 40:
            continue
        found, protected = _label_candidates(text, label_start, label, "speaker_name")
        candidates.extend(found)
        personas |= protected
    sources: list[tuple[re.Pattern[str], str, str]] = [
        (VOICE_TAG, "1", "voice_tag"),
        (JSON_NAME, "1", "json_name"),
        (DISPLAY_NAME, "1", "display_name"),
    ]
    for pattern, group, recognizer in sources:
        key: int | str = int(group) if group.isdigit() else group
        if pattern is DISPLAY_NAME and "@" not in text:
            continue
        for match in pattern.finditer(text):
            label = match.group(key)
            found, protected = _label_candidates(text, match.start(key), label, recognizer)
            candidates.extend(found)
            personas |= protected
    return candidates, personas


_CLOSING = re.compile(
    r"(?im)^[> \t]*(?:best regards|kind regards|warm regards|regards|best wishes|best|thanks|"
    r"thank you|many thanks|cheers|sincerely|yours(?: sincerely| truly)?|br|顺祝商祺|顺颂商祺|"
    r"此致|敬礼|祝好|谢谢|此致敬礼)[,，!！.。]?[ \t]*$"
)
_TITLE_LINE = re.compile(
    r"经理|总监|总经理|主任|主管|工程师|顾问|专员|助理|秘书|董事|总裁|部|公司|集团|有限|"
    r"Manager|Director|Engineer|Officer|Lead|Head|President|Consultant|Specialist|Analyst|"
    r"Coordinator|Assistant|Ltd|Inc|LLC|GmbH|Group|University|School|\|"
)
_NAME_LINE = re.compile(
    rf"(?m)^(?P<prefix>[> \t]*)(?P<name>(?:[{CJK}]{{2,4}}(?:[ \u3000]+(?:{CAP} ){{0,2}}{CAP})?)|"
    rf"(?:{CAP} ){{1,2}}{CAP}|{CAP})[ \t]*$"
)
#: A closing and a name on one line: "谢谢，程晓峰", "Best regards, Hannah Adewole".
_INLINE_CLOSING = re.compile(
    r"(?im)^[> \t]*(?:best regards|kind regards|warm regards|regards|best wishes|many thanks|thanks|"
    r"thank you|cheers|sincerely|yours(?: sincerely| truly)?|顺祝商祺|顺颂商祺|此致敬礼|此致|"
    r"敬礼|祝好|谢谢)[,，!！.。 \t—–-]{1,4}"
    rf"(?P<name>[{CJK}]{{2,4}}|(?:{CAP} ){{0,2}}{CAP})[ \t。.!！]*$"
)
_SALUTATION = re.compile(rf"(?m)^[ \t]*(?P<name>(?:{CAP} )?{CAP})[ \t]*,[ \t]*$")


def _next_line(text: str, end: int) -> str:
    rest = text[end + 1 :]
    for line in rest.split("\n", 3)[:3]:
        if line.strip(" >\t"):
            return line
    return ""


def _previous_line(text: str, start: int) -> str:
    before = text[: max(0, start - 1)].rsplit("\n", 3)
    for line in reversed(before[-3:]):
        if line.strip(" >\t"):
            return line
    return ""


def _ends_a_block(text: str, start: int, end: int) -> bool:
    """True when the line ``[start, end)`` is the last one of a ``>`` quoted block, or of
    the text, or comes before two blank lines: where a reply's or a message's signature
    stands."""
    line_start = text.rfind("\n", 0, start) + 1
    quoted = text[line_start:start].lstrip(" \t").startswith(">")
    rest = text[end:].lstrip(" \t\n")
    if not rest or re.match(r"[ \t]*\n[ \t]*\n[ \t]*\n", text[end:]):
        return True  # the end of the text, or a gap of blank lines after the line
    next_line = text[end:].lstrip("\n").split("\n", 1)[0].lstrip(" \t")
    return quoted and not next_line.startswith(">")


def find_line_names(text: str) -> Iterator[Candidate]:
    """Names standing alone on a line: signatures, salutations and one-word replies."""
    given = latin_given_names()
    for match in _NAME_LINE.finditer(text):
        name = match.group("name")
        cjk = re.match(f"[{CJK}]+", name)
        if cjk:
            if split_zh_name(cjk.group()) is None:
                continue
        elif (len(name.split()) == 1 and name not in given) or any(
            token in ORG_WORDS for token in name.split()
        ):
            continue
        previous = _previous_line(text, match.start())
        signature = (
            _TITLE_LINE.search(_next_line(text, match.end()))
            or _CLOSING.match(previous)
            or (cjk and _ends_a_block(text, match.start("name"), match.end("name")))
            or (
                not cjk
                and len(name.split()) >= 2
                and name.split()[0] in given
                and _ends_a_block(text, match.start(), match.end())
            )
        )
        if signature:
            yield Candidate(
                match.start("name"), match.end("name"), "person_name", "signature", PRIORITY
            )
    for match in _INLINE_CLOSING.finditer(text):
        name = match.group("name")
        cjk_name = re.fullmatch(f"[{CJK}]+", name)
        if (cjk_name and split_zh_name(name) is not None) or (
            not cjk_name
            and name.split()[0] in given
            and not any(t in ORG_WORDS for t in name.split())
        ):
            yield Candidate(
                match.start("name"), match.end("name"), "person_name", "signature", PRIORITY
            )
    for match in _SALUTATION.finditer(text):
        tokens = match.group("name").split()
        if tokens[0] in given and not any(token in ORG_WORDS for token in tokens):
            yield Candidate(
                match.start("name"), match.end("name"), "person_name", "salutation", PRIORITY
            )


#: A short turn ending like this is a greeting ("王总好", "李工早"), not a bare name.
_GREETING_ENDINGS = ("好", "早", "您好", "你好", "们好", "早上好", "辛苦", "再见", "谢谢")


def find_reply_names(text: str, starts: list[int], ends: list[int]) -> Iterator[Candidate]:
    """A turn or labelled line whose whole content is a Chinese name (``用户：薛润泽。``)."""
    for start, end in zip(starts, ends, strict=True):
        content = text[start:end].strip()
        core = content.rstrip("。.！!～~")
        if core.endswith(_GREETING_ENDINGS):
            continue  # "龚工好。" greets 龚工 (found as a title form), it is not a name
        if 2 <= len(core) <= 4 and split_zh_name(core) is not None:
            offset = text.index(core, start)
            yield Candidate(offset, offset + len(core), "person_name", "reply_name", PRIORITY)


def labelled_content_spans(text: str) -> tuple[list[int], list[int]]:
    """``(starts, ends)`` of the content after each speaker label, for :func:`find_reply_names`."""
    starts: list[int] = []
    ends: list[int] = []
    for _label_start, _label, label_end in speaker_lines(text):
        end = text.find("\n", label_end)
        starts.append(label_end)
        ends.append(len(text) if end == -1 else end)
    return starts, ends


@lru_cache(maxsize=4)
def speaker_lines(text: str) -> tuple[tuple[int, str, int], ...]:
    """``(label start, label, end of the label and its colon)`` of every SPEAKER_LINE match;
    cached, because :func:`find_format_names` and :func:`labelled_content_spans` both need
    them for the same text."""
    return tuple((m.start("label"), m.group("label"), m.end()) for m in SPEAKER_LINE.finditer(text))
