"""Split an e-mail body into the new message and the earlier messages it quotes.

Mailers mark earlier messages in a handful of ways, all recognised here:

- a separator line: ``-----Original Message-----``, ``-----原始邮件-----``,
  ``---------- Forwarded message ---------``, ``---------- 转发的邮件 ----------``,
  Lotus Notes' ``----- Forwarded by Name/ORG on 11/27/2000 04:49 PM -----``;
- a header block with no separator: a ``From:``/``发件人：`` line followed
  within a few lines by ``Sent:``/``Date:``/``日期：``/``To:``/``收件人：``/
  ``Subject:``/``主题：`` lines (Outlook; often after a line of underscores);
- an attribution line, ``On <date>, <name> wrote:`` or
  ``在 <date>，<name> 写道：``, before ``>``-quoted lines;
- ``>``-quoted lines on their own.

Each earlier message becomes a segment whose span is its body (its header
block or attribution line is not part of the turn, but stays in the text);
its sender (``speaker``) and date (``timestamp``) come from that header or
attribution when it gives them. Lotus blocks give the sender and date as
the first two lines of the indented block. A display name with an
organisation in front of a Chinese name (``澜石建工集团 质量部 尚莉莉``)
gives the name as speaker and the rest as ``speaker_org``.

``>``-quoted blocks keep their ``>`` marks in the text (the text is the
decoded body, so quotes stay substrings of it); nested quoting is one
segment. Text after a quoted block (an inline reply) is the new message's
author again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from semcrm.ingest.readers.labels import has_cjk, split_name

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?P<what>Original Message|原始邮件|Forwarded message|转发的邮件|"
    r"Forwarded by (?P<by>.+?)|Reply message|回复的邮件)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FIELD = re.compile(
    r"^\s*(?P<key>From|发件人|Sent|Date|日期|发送时间|时间|To|收件人|Cc|CC|抄送|Subject|主题)"
    r"\s*[:：]\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+")
_RULE = re.compile(r"^\s*_{5,}\s*$")
_ATTRIBUTION_EN = re.compile(r"^\s*On (?P<rest>.+?)\s+wrote:\s*$")
_ATTRIBUTION_ZH = re.compile(r"^\s*在\s*(?P<date>.+?)[，,]\s*(?P<who>.+?)\s*写道[：:]\s*$")
_KEYS = {
    "from": "from", "发件人": "from", "sent": "date", "date": "date", "日期": "date",
    "发送时间": "date", "时间": "date", "to": "to", "收件人": "to", "cc": "cc", "抄送": "cc",
    "subject": "subject", "主题": "subject",
}  # fmt: skip


@dataclass
class Segment:
    """One message in a body: its span (relative to the body) and what is known of it."""

    start: int
    end: int
    quoted: bool
    sender: str | None = None
    sender_org: str | None = None
    sender_email: str | None = None
    date: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    angle: bool = False  # the segment is a block of ">" lines


@dataclass
class _Line:
    start: int
    end: int
    text: str


def person(display: str) -> tuple[str | None, str | None, str | None]:
    """``(name, organisation, address)`` of ``"Org Dept 尚莉莉 <x@y>"`` or ``"Jo/HOU@ENRON"``."""
    display = display.strip()
    if "<" in display:
        name, address = parseaddr(display)
    elif _ADDRESS.fullmatch(display):
        name, address = "", display
    else:
        name, address = display, ""
    name = name.strip().strip('"').strip()
    name = re.sub(r"(/[A-Za-z .]+)*@[A-Za-z .]+$", "", name).strip()  # Lotus "Jim/HOU/ECT@ENRON"
    if not name:
        return (address or None), None, address or None
    words = name.split()
    if has_cjk(name) and len(words) >= 2 and has_cjk(words[-1]):
        given, org = split_name(name)
        return given, org or None, address or None
    return name, None, address or None


def _header_block(lines: list[_Line], at: int, lotus: bool) -> tuple[int, dict[str, str]]:
    """Read a header block starting at ``lines[at]``: (index after it, fields)."""
    fields: dict[str, str] = {}
    index = at
    plain: list[str] = []
    while index < len(lines) and not lines[index].text.strip():
        index += 1
    while index < len(lines):
        text = lines[index].text
        match = _FIELD.match(text)
        if match:
            key = _KEYS[match["key"].lower()]
            fields.setdefault(key, match["value"].strip())
            index += 1
            continue
        if not text.strip():
            if fields:
                break
            index += 1
            continue
        if lotus and not fields and len(plain) < 2:
            plain.append(text.strip())
            index += 1
            continue
        if lotus and fields and "subject" not in fields:  # Lotus wraps To:/cc: at column 0
            index += 1
            continue
        break
    if plain:
        fields.setdefault("from", plain[0])
        if len(plain) > 1:
            fields.setdefault("date", plain[1])
    return index, fields


def _is_header_start(lines: list[_Line], at: int) -> bool:
    match = _FIELD.match(lines[at].text)
    if not match or _KEYS[match["key"].lower()] != "from":
        return False
    following = [line.text for line in lines[at + 1 : at + 6]]
    return any(
        (m := _FIELD.match(t)) and _KEYS[m["key"].lower()] in ("date", "to", "subject")
        for t in following
    )


def _segment_from(fields: dict[str, str], start: int, end: int) -> Segment:
    sender, org, address = person(fields["from"]) if fields.get("from") else (None, None, None)
    meta = {k: v for k, v in fields.items() if k in ("to", "cc", "subject") and v}
    return Segment(start, end, True, sender, org, address, fields.get("date") or None, meta)


def split_replies(body: str) -> list[Segment]:
    """The segments of ``body`` in order: the new message first, then quoted ones (module doc)."""
    lines: list[_Line] = []
    offset = 0
    for text in body.split("\n"):
        lines.append(_Line(offset, offset + len(text), text))
        offset += len(text) + 1
    segments: list[Segment] = [Segment(0, 0, False)]
    index = 0
    while index < len(lines):
        line = lines[index]
        separator = _SEPARATOR.match(line.text)
        if (
            separator
            or _is_header_start(lines, index)
            or (
                _RULE.match(line.text)
                and index + 1 < len(lines)
                and _is_header_start(lines, index + 1)
            )
        ):
            lotus = bool(separator and separator["by"])
            first_field = index if _FIELD.match(line.text) else index + 1
            after, fields = _header_block(lines, first_field, lotus)
            start = lines[after].start if after < len(lines) else len(body)
            segment = _segment_from(fields, start, start)
            if lotus and separator:
                segment.meta["forwarded_by"] = separator["by"].strip()
            segments.append(segment)
            index = after
            continue
        attribution = _ATTRIBUTION_EN.match(line.text) or _ATTRIBUTION_ZH.match(line.text)
        next_quoted = next(
            (ln.text.startswith(">") for ln in lines[index + 1 :] if ln.text.strip()), False
        )
        if attribution and next_quoted:
            groups = attribution.groupdict()
            if "rest" in groups:
                date, _, who = groups["rest"].rpartition(",")
                fields = {"from": who.strip(), "date": date.strip()}
            else:
                fields = {"from": groups["who"], "date": groups["date"]}
            start = lines[index + 1].start if index + 1 < len(lines) else len(body)
            segments.append(_segment_from(fields, start, start))
            index += 1
            continue
        current = segments[-1]
        if line.text.startswith(">"):
            if not current.angle and (current.end > current.start or not current.quoted):
                current = Segment(line.start, line.end, True)
                segments.append(current)
            current.angle = True
            current.end = line.end
        elif line.text.strip():
            if current.angle:
                current = Segment(line.start, line.end, False)  # an inline reply
                segments.append(current)
            current.end = line.end
        index += 1
    return [s for s in segments if s.end > s.start or not s.quoted]
