"""The parts of one e-mail message: decoded headers, the body to read, the attachments.

**Headers.** Folded lines are unfolded, RFC 2047 encoded words decoded in
whatever charset they name (adjacent encoded words join without the space
between them, as the RFC says), each through :func:`decode_bytes`, so a
``gb2312`` word written in GBK, or an unknown charset, never crashes.
Raw 8-bit header bytes are decoded the same way. Addresses are split
before their display names are decoded, so a decoded comma cannot break
an address list.

**Body.** The MIME tree is walked to at most :data:`MAX_MIME_DEPTH` levels
(deeper is rejected: no real mailer nests that far, an attacker does). In
``multipart/alternative`` the ``text/plain`` part wins, else ``text/html``
converted to text. Inline text parts of ``multipart/mixed`` are read in
order. A base64 part whose data stops mid-quantum means the file was cut
off: the message is rejected when it is the body or when the message also
lacks its closing boundary; a broken attachment alone is skipped with a
note.

**Attachments** are all listed by name. Text-like ones (``text/plain``,
``text/csv``, ``text/markdown``, or named ``.txt``/``.csv``/``.md``) are
decoded and returned for ingestion as their own turns. Nothing is ever
decompressed: a zip or gzip attachment is listed, and if its directory (or
gzip trailer) claims an inflated size beyond the zip-bomb limits of
:mod:`.office`, a note says it was skipped and why. A text-like attachment
whose bytes are compressed is skipped with a note too.
"""

from __future__ import annotations

import binascii
import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses

from semcrm.ingest.decode import decode_bytes, normalise_newlines
from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.readers.html_text import html_to_text
from semcrm.ingest.readers.office import MAX_UNZIPPED_BYTES, zip_bomb_reason

MAX_MIME_DEPTH = 20
TEXT_ATTACHMENT_TYPES = frozenset({"text/plain", "text/csv", "text/markdown", "text/x-markdown"})
TEXT_ATTACHMENT_SUFFIXES = (".txt", ".csv", ".md", ".markdown")
_ENCODED_WORD = re.compile(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=")


@dataclass
class HeaderText:
    """A decoded header value and whether any fallback decoding was needed."""

    text: str
    fallback: bool = False


def _decode_chunk(chunk: bytes, charset: str | None, path: str) -> tuple[str, bool]:
    try:
        text, _, fallback = decode_bytes(chunk, charset, path)
        return text, fallback
    except RejectedInput:
        return chunk.decode("utf-8", errors="replace"), True


def decode_header_value(value: object, path: str) -> HeaderText:
    """Decode one header value (module doc); never raises for bad input."""
    if value is None:
        return HeaderText("")
    text = str(value)
    text = re.sub(r"\r?\n[ \t]+", " ", text)
    fallback = False
    if any("\udc80" <= c <= "\udcff" for c in text):
        text, fallback = _decode_chunk(text.encode("utf-8", "surrogateescape"), None, path)
    if not _ENCODED_WORD.search(text):
        return HeaderText(text.strip(), fallback)
    try:
        parts = decode_header(text)
    except (ValueError, binascii.Error, AssertionError):
        return HeaderText(text.strip(), True)
    pieces: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            pieces.append(chunk)
            continue
        decoded, used_fallback = _decode_chunk(chunk, charset, path)
        fallback = fallback or used_fallback
        pieces.append(decoded)
    return HeaderText("".join(pieces).strip(), fallback)


def decode_addresses(value: object, path: str) -> list[tuple[str, str]]:
    """``[(display name, address)]`` of an address header, names decoded."""
    if value is None:
        return []
    raw = re.sub(r"\r?\n[ \t]+", " ", str(value))
    result: list[tuple[str, str]] = []
    for name, address in getaddresses([raw]):
        decoded = decode_header_value(name, path).text.strip().strip('"').strip()
        if decoded or address:
            result.append((decoded, address.strip()))
    return result


@dataclass
class MimeContent:
    """What the MIME walk found in one message."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)
    fallback: bool = False
    attachments: list[str] = field(default_factory=list)
    text_attachments: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The body to read: the plain text parts, else the HTML parts as text."""
        if len(self.plain) == 1:
            return self.plain[0]
        if self.plain:
            return "\n\n".join(part.strip("\n") for part in self.plain)
        return "\n\n".join(html_to_text(part)[0].strip("\n") for part in self.html)


def _base64_is_cut(part: Message) -> bool:
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() != "base64":
        return False
    payload = part.get_payload()
    if not isinstance(payload, str):
        return False
    data = re.sub(r"\s+", "", payload)
    return len(data) % 4 != 0


def _base64_is_damaged(part: Message) -> bool:
    """True when the base64 data cannot be decoded at all.

    The ``email`` package then returns the *encoded* text as the payload
    (with an ``InvalidBase64LengthDefect``), and reading that as the body would
    store the base64 of the text, personal data included, where no recogniser
    can see it.
    """
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() != "base64":
        return False
    part.get_payload(decode=True)
    return any(type(d).__name__ == "InvalidBase64LengthDefect" for d in part.defects)


def _filename(part: Message, path: str) -> str | None:
    name = part.get_filename()
    return decode_header_value(name, path).text if name else None


def _decode_part(part: Message, path: str, content: MimeContent) -> str | None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    try:
        text, charset, fallback = decode_bytes(payload, part.get_content_charset(), path)
    except RejectedInput:
        return None
    content.charsets.append(charset)
    content.fallback = content.fallback or fallback
    return normalise_newlines(text)


def _archive_note(name: str, payload: bytes) -> str | None:
    if payload[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                reason = zip_bomb_reason(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return f"attachment {name!r}: not a readable zip; listed only"
        return f"attachment {name!r}: {reason}" if reason else None
    if payload[:2] == b"\x1f\x8b" and len(payload) >= 4:
        claimed = struct.unpack("<I", payload[-4:])[0]
        ratio = claimed / max(len(payload), 1)
        if claimed > MAX_UNZIPPED_BYTES or ratio > 200:
            return (
                f"attachment {name!r}: gzip data claims {claimed // (1024 * 1024)} MB inflated "
                f"({ratio:.0f}-fold, a zip bomb?); listed, never decompressed"
            )
    return None


def _attachment(part: Message, name: str, path: str, content: MimeContent, cut: bool) -> None:
    content.attachments.append(name)
    if cut:
        content.notes.append(f"attachment {name!r}: base64 data is cut off; skipped")
        return
    if _base64_is_damaged(part):
        content.notes.append(f"attachment {name!r}: base64 data is damaged; skipped")
        return
    payload = part.get_payload(decode=True)
    payload = payload if isinstance(payload, bytes) else b""
    if note := _archive_note(name, payload):
        content.notes.append(note)
        return
    ctype = part.get_content_type()
    if ctype in TEXT_ATTACHMENT_TYPES or name.lower().endswith(TEXT_ATTACHMENT_SUFFIXES):
        if payload[:2] == b"\x1f\x8b" or payload[:4] == b"PK\x03\x04":
            content.notes.append(f"attachment {name!r}: compressed data in a text attachment")
            return
        text = _decode_part(part, path, content)
        if text is None:
            content.notes.append(f"attachment {name!r}: not decodable as text; listed only")
        elif text.strip():
            content.text_attachments.append((name, text))


def walk(message: Message, path: str, where: str | None) -> MimeContent:
    """Walk the MIME tree of ``message`` (module doc) and return what it holds."""
    content = MimeContent()
    truncated = any("CloseBoundaryNotFound" in type(d).__name__ for d in message.defects)
    _walk(message, 0, path, where, content, truncated)
    return content


def _walk(
    part: Message, depth: int, path: str, where: str | None, content: MimeContent, truncated: bool
) -> None:
    if depth > MAX_MIME_DEPTH:
        raise RejectedInput(
            path, f"MIME parts are nested deeper than {MAX_MIME_DEPTH} levels; refused", where
        )
    ctype = part.get_content_type()
    if part.is_multipart():
        subparts = [p for p in part.get_payload() if isinstance(p, Message)]
        if ctype == "multipart/alternative" and subparts:
            chosen = next((p for p in subparts if p.get_content_type() == "text/plain"), None)
            chosen = chosen or next(
                (p for p in subparts if p.get_content_type() == "text/html"), subparts[-1]
            )
            subparts = [chosen]
        for sub in subparts:
            _walk(sub, depth + 1, path, where, content, truncated)
        return
    if ctype.startswith("multipart/"):  # is_multipart() is False: the boundary is missing
        raise RejectedInput(
            path,
            f"a {ctype} part has no boundary parameter, so its parts cannot be told apart; "
            "re-export the message",
            where,
        )
    if ctype == "message/rfc822":
        content.attachments.append(_filename(part, path) or "attached message")
        return
    cut = _base64_is_cut(part)
    name = _filename(part, path)
    disposition = part.get_content_disposition()
    if disposition == "attachment" or name or ctype not in ("text/plain", "text/html"):
        if cut and truncated:
            raise RejectedInput(
                path, "truncated e-mail: cut off in the middle of a base64 part", where
            )
        _attachment(part, name or f"unnamed {ctype} part", path, content, cut)
        return
    if cut:
        raise RejectedInput(
            path, "truncated e-mail: the body's base64 data stops mid-way (cut off?)", where
        )
    if _base64_is_damaged(part):
        raise RejectedInput(
            path,
            "the e-mail body's base64 data is damaged (cannot be decoded); re-export it",
            where,
        )
    text = _decode_part(part, path, content)
    if text is None:
        raise RejectedInput(
            path, "the e-mail body is not text in its declared charset or any fallback", where
        )
    (content.plain if ctype == "text/plain" else content.html).append(text)
