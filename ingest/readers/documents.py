"""Documents (plain text, markdown, and the text of HTML, docx and PDF) as structured turns.

A document has no speakers, so its turns are its blocks, in order:

- a heading (``# ...``, ``第三章 ...``, ``一、...``), meta ``{"block": "heading"}``;
- a list item, or a numbered clause (``3.2.1　...``, ``★3.2.1 ...``,
  ``1. ...``) with meta ``{"clause": "3.2.1"}``; a clause containing ``★``
  anywhere (before its number, after it, or before a sub-requirement)
  also gets ``{"mandatory": "true"}``, since tender documents mark
  substantive requirements that way;
- a table row (``| a | b |``; separator rows are skipped), the cells as written;
- a paragraph: in markdown, consecutive lines; in plain text, a line joined
  with the next only while it does not end a sentence and the next is not
  structure or a ``字段：值`` line, so hard-wrapped prose stays one turn.

Every turn carries ``{"section": <nearest heading>}`` when there is one.
Turn spans exclude the markup prefix (``- ``, ``## ``, the clause number)
but the interaction text is the document's text.

The kind is decided from the words and the structure:

- ``tender`` when a tender word (:data:`TENDER_WORDS`: 招标, 采购需求,
  竞争性磋商, Tender, RFP, Request for Proposals ...) occurs and at least
  three blocks are multi-level clauses or ★ clauses;
- ``meeting`` when a minutes word (:data:`MINUTES_WORDS`: 会议纪要, 参会人,
  与会, Attendees, Minutes ...) occurs; attendees are then read by
  :mod:`.minutes`;
- ``document`` otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from semcrm.ingest.model import Interaction
from semcrm.ingest.readers.base import RawFile, ReadItem, TurnDraft, dedupe_hints, finish_turns
from semcrm.ingest.readers.dates import iso_datetime
from semcrm.ingest.readers.minutes import read_attendees

TENDER_WORDS = re.compile(
    r"招标|采购需求|采购项目|采购文件|竞争性磋商|磋商文件|询价文件|比选|投标|"
    r"\bTender\b|\bRFP\b|Request for Proposals?|Invitation to [Tt]ender|Invitation for [Bb]ids|"
    r"Request for Quotations?|\bRFQ\b",
    re.IGNORECASE,
)
MINUTES_WORDS = re.compile(
    r"会议纪要|纪要|参会人|与会人|与会者|出席人员|Attendees|\bMinutes\b|Meeting [Nn]otes"
)

_HEADING_MD = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t#]*$")
_HEADING_ZH = re.compile(
    r"^[ \t　]*(?:第[一二三四五六七八九十百零〇\d]+[章节部分篇条]|[一二三四五六七八九十]+、)"
)
_TABLE = re.compile(r"^[ \t]*\|(?P<cells>.*)\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t:|-]+\|?[ \t]*$")
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$")
_CLAUSE = re.compile(
    r"^(?P<indent>[ \t　]*)(?P<star>★[ \t　]*)?(?P<num>\d{1,3}(?:\.\d{1,3})+|\d{1,3}(?=[.．、)）]))"
    r"[.．、)）]?[ \t　]+(?P<star2>★[ \t　]*)?"
)
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[-*+•·])[ \t]+")
_FIELD = re.compile(r"^[^\s:：]{1,12}[：:]")
_SENTENCE_END = re.compile(r"[。！？.!?；;：:」”\"）)]\s*$")


@dataclass
class Block:
    """A structural block of a document before it becomes a turn."""

    kind: str  # heading, clause, list_item, table_row, paragraph
    start: int
    end: int
    indent: int = 0
    meta: dict[str, str] = field(default_factory=dict)


def _line_block(line: str, offset: int, markdown: bool) -> Block | None:
    """The block a line starts, or None for a plain line (paragraph text) or a rule."""
    end = offset + len(line)
    if markdown and (match := _HEADING_MD.match(line)):
        meta = {"block": "heading", "level": str(len(match["hashes"]))}
        return Block("heading", offset + match.start("text"), offset + match.end("text"), meta=meta)
    if match := _TABLE.match(line):
        if _TABLE_RULE.match(line):
            return Block("rule", offset, offset)
        start, stop = offset + match.start("cells"), offset + match.end("cells")
        return Block("table_row", start, stop, meta={"block": "table_row"})
    if _RULE.match(line):
        return Block("rule", offset, offset)
    if match := _CLAUSE.match(line):
        meta = {"block": "clause", "clause": match["num"]}
        if "★" in line:
            meta["mandatory"] = "true"
        indent = len(match["indent"])
        return Block("clause", offset + indent, end, indent, meta)
    if match := _BULLET.match(line):
        meta = {"block": "list_item"}
        if "★" in line:
            meta["mandatory"] = "true"
        return Block("list_item", offset + match.end(), end, len(match["indent"]), meta)
    if _HEADING_ZH.match(line):
        return Block("heading", offset, end, meta={"block": "heading"})
    return None


def document_blocks(text: str, markdown: bool) -> list[Block]:
    """The blocks of ``text`` in order (see module doc for the joining rules)."""
    blocks: list[Block] = []
    current: Block | None = None
    previous_line = ""
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        if not line.strip():
            current, previous_line = None, ""
            continue
        block = _line_block(line, start, markdown)
        if block is not None:
            if block.kind != "rule":
                blocks.append(block)
            current = block if block.kind in ("clause", "list_item") else None
            previous_line = line
            continue
        indent = len(line) - len(line.lstrip(" \t　"))
        if current is None:
            joins = False
        elif current.kind == "paragraph":
            joins = markdown or _continues(previous_line, line)
        else:  # a clause or list item: indented lines in markdown, unfinished ones in text
            joins = indent > current.indent if markdown else _continues(previous_line, line)
        if joins and current is not None:
            current.end = start + len(line)
            if "★" in line and current.kind != "paragraph":
                current.meta["mandatory"] = "true"
        else:
            current = Block("paragraph", start, start + len(line), indent, {"block": "paragraph"})
            blocks.append(current)
        previous_line = line
    return blocks


def _continues(previous: str, line: str) -> bool:
    return bool(previous) and not _SENTENCE_END.search(previous) and not _FIELD.match(line.strip())


def document_kind(text: str, blocks: list[Block]) -> str:
    """``"tender"``, ``"meeting"`` or ``"document"`` (see module doc)."""
    clauses = sum(
        1
        for b in blocks
        if b.kind == "clause" and ("." in b.meta.get("clause", "") or "mandatory" in b.meta)
    )
    if TENDER_WORDS.search(text) and clauses >= 3:
        return "tender"
    if MINUTES_WORDS.search(text):
        return "meeting"
    return "document"


def read_document(
    raw: RawFile,
    markdown: bool,
    text: str | None = None,
    title: str | None = None,
    page_starts: list[int] | None = None,
) -> list[ReadItem]:
    """Read a document into one interaction; ``text`` overrides ``raw.text`` (HTML, docx, PDF)."""
    text = raw.text if text is None else text
    blocks = document_blocks(text, markdown)
    if not blocks:
        return [raw.reject("the document has no text")]
    kind = document_kind(text, blocks)
    drafts: list[TurnDraft] = []
    section: str | None = None
    for block in blocks:
        meta = dict(block.meta)
        if block.kind == "heading":
            section = text[block.start : block.end].strip()
        elif section:
            meta["section"] = section
        if page_starts:
            meta["page"] = str(sum(1 for p in page_starts if p <= block.start))
        drafts.append(TurnDraft(block.start, block.end, meta=meta))
    turns = finish_turns(text, drafts)
    if not turns:
        return [raw.reject("the document has no text")]
    if title is None:
        headings = (t for t in turns if t.meta.get("block") == "heading" and markdown)
        title = next(headings, turns[0]).text.split("\n")[0].strip()[:200]
    participants: tuple[str, ...] = ()
    hints = ()
    metadata: dict[str, str] = {}
    if kind == "meeting":
        attendees = read_attendees(text)
        participants = attendees.participants
        hints = dedupe_hints(attendees.hints)
        metadata.update(attendees.metadata)
    head = "\n".join(text.split("\n")[:12])
    return [
        Interaction(
            source=raw.source(),
            kind=kind,
            text=text,
            turns=turns,
            title=title,
            occurred_at=iso_datetime(head) if kind == "meeting" else None,
            name_hints=hints,
            participants=participants,
            metadata=metadata,
        )
    ]
