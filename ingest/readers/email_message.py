"""One e-mail message (an .eml file, or one message of an mbox) as an ``email`` interaction.

The interaction text is a rendering, in this order:

1. the decoded ``From``, ``To``, ``Cc``, ``Date`` and ``Subject`` header
   lines (other headers, ``Received``, ``Message-ID`` and the like, are
   transport detail, not content, and are left out);
2. a blank line and the decoded body (see :mod:`.mime`), split into the
   new message and the earlier messages it quotes (see :mod:`.replies`),
   one turn each;
3. for each text-like attachment, a ``[Attachment: name]`` line and its
   decoded text as one more turn with meta ``{"attachment": name}``.

The new message's turn has the sender as speaker (the display name, else
the ``X-From`` name Enron-style exports add, else the address) and the
``Date`` header as timestamp. Every display name of ``From``/``To``/``Cc``
and every quoted sender is a name hint (origin ``"email-header"``);
``To``/``Cc`` names (or addresses, when there is no name) are the
participants.

A message is rejected when it is truncated (the file ends inside the
header block, or a base64 part is cut off), nested too deep, or has
neither body text nor attachments.
"""

from __future__ import annotations

import email
from email import policy
from email.message import Message

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.model import Interaction, NameHint, Source
from semcrm.ingest.readers.base import (
    TextBuilder,
    TurnDraft,
    dedupe_hints,
    finish_turns,
    unique,
)
from semcrm.ingest.readers.dates import iso_datetime, rfc2822_datetime
from semcrm.ingest.readers.mime import decode_addresses, decode_header_value, walk
from semcrm.ingest.readers.replies import person, split_replies

RENDERED_HEADERS = ("From", "To", "Cc", "Date", "Subject")


def _has_header_end(data: bytes) -> bool:
    return b"\n\n" in data or b"\r\n\r\n" in data


def parse_message(data: bytes, path: str, where: str | None) -> Message:
    """Parse RFC 822 bytes, rejecting truncated or pathological input."""
    if not _has_header_end(data.lstrip(b"\r\n")):
        raise RejectedInput(
            path, "truncated e-mail: the file ends inside the header block (no body)", where
        )
    try:
        return email.message_from_bytes(data, policy=policy.compat32)
    except RecursionError:
        raise RejectedInput(
            path, "MIME parts are nested too deeply to parse; refused", where
        ) from None


def header(message: Message, name: str) -> str | None:
    """The raw value of a header (8-bit bytes still surrogate-escaped), or None.

    ``Message.get`` under compat32 turns 8-bit header bytes into replacement
    characters; the raw value lets :func:`decode_header_value` decode them.
    """
    wanted = name.lower()
    return next((value for key, value in message.raw_items() if key.lower() == wanted), None)


def _names(pairs: list[tuple[str, str]]) -> list[str]:
    return [name or address for name, address in pairs]


def _x_names(value: str) -> list[str]:
    """Display names of an Enron-style ``X-To``/``X-cc`` header."""
    names = []
    for item in value.split(","):
        name, _, _ = person(item.strip())
        if name and "@" not in name:
            names.append(name)
    return names


def read_message(data: bytes, source: Source, where: str | None = None) -> Interaction:
    """Read one message (module doc); raises RejectedInput when it cannot be read."""
    path = source.path
    message = parse_message(data, path, where)
    content = walk(message, path, where)
    body = content.body
    if not body.strip() and not content.attachments:
        raise RejectedInput(path, "the e-mail has neither body text nor attachments", where)

    fallback = content.fallback
    headers: dict[str, str] = {}
    for name in RENDERED_HEADERS:
        if header(message, name) is not None:
            decoded = decode_header_value(header(message, name), path)
            headers[name] = decoded.text
            fallback = fallback or decoded.fallback
    senders = decode_addresses(header(message, "From"), path)
    recipients = decode_addresses(header(message, "To"), path) + decode_addresses(
        header(message, "Cc"), path
    )
    x_from = decode_header_value(header(message, "X-From"), path).text
    sender_name, sender_email = senders[0] if senders else ("", "")
    if not sender_name and x_from and "@" not in x_from:
        sender_name = person(x_from)[0] or ""
    participants = _names(recipients)
    if not any(name for name, _ in recipients):
        x_to = decode_header_value(header(message, "X-To"), path).text
        x_cc = decode_header_value(header(message, "X-cc"), path).text
        participants = _x_names(x_to) + _x_names(x_cc) or participants

    builder = TextBuilder()
    for name, value in headers.items():
        builder.write(f"{name}: {value}\n")
    builder.write("\n")
    body_offset = builder.length
    builder.write(body)
    date = headers.get("Date")
    hints = [NameHint(n, "email-header") for n, _ in senders + recipients if n]
    if sender_name:
        hints.append(NameHint(sender_name, "email-header"))
    for segment in split_replies(body):
        meta: dict[str, str] = dict(segment.meta)
        if segment.quoted:
            meta["quoted"] = "true"
            if segment.sender_email:
                meta["sender_email"] = segment.sender_email
            if segment.date and (iso := iso_datetime(segment.date)):
                meta["date_iso"] = iso
            if segment.sender:
                hints.append(NameHint(segment.sender, "email-header"))
            speaker, org, stamp = segment.sender, segment.sender_org, segment.date
        else:
            if sender_email:
                meta["sender_email"] = sender_email
            speaker, org, stamp = sender_name or sender_email or None, None, date
        builder.drafts.append(
            TurnDraft(
                body_offset + segment.start,
                body_offset + segment.end,
                speaker=speaker,
                speaker_org=org,
                timestamp=stamp,
                meta=meta,
            )
        )
    for name, text in content.text_attachments:
        builder.separate()
        builder.write(f"[Attachment: {name}]\n")
        builder.turn(text.strip("\n"), meta={"attachment": name})
    text = builder.text()

    metadata: dict[str, str] = {}
    if sender_email:
        metadata["from_address"] = sender_email
    if content.notes:
        metadata["notes"] = "; ".join(content.notes)
    if header(message, "Message-ID"):
        metadata["message_id"] = str(header(message, "Message-ID")).strip()
    charset = content.charsets[0] if content.charsets else source.charset
    return Interaction(
        source=Source(
            path=source.path,
            content_hash=source.content_hash,
            format=source.format,
            charset=charset,
            charset_fallback=fallback,
            part=source.part,
        ),
        kind="email",
        text=text,
        turns=finish_turns(text, builder.drafts),
        title=headers.get("Subject") or None,
        occurred_at=rfc2822_datetime(date),
        name_hints=dedupe_hints(hints),
        participants=unique(participants),
        attachments=tuple(content.attachments),
        metadata=metadata,
    )
