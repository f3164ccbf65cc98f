"""E-mail files: a single RFC 822 message (.eml) or an mbox of many.

An mbox is split at its ``From `` separator lines ourselves rather than
with :mod:`mailbox`, because each message needs its own bytes (for its
content hash) and its own fate: a line starting with ``From `` is a
separator when it is the first line, follows a blank line, or has the
``From sender date`` shape that mbox writers produce (``From MAILER-DAEMON
Mon Apr 18 14:26:11 2022``). Body lines escaped as ``>From `` are left as
they are (the export's text, unchanged).

Each message is read by :func:`.email_message.read_message` with
``Source.part = "message N"`` (1-based) and the hash of its own bytes
(without the separator line). A message that cannot be read is returned as
its own :class:`RejectedInput` (``where="message N"``), so the others of
the file are unaffected.
"""

from __future__ import annotations

import re

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.readers.base import RawFile, ReadItem, sha256
from semcrm.ingest.readers.email_message import read_message

_FROM_LINE = re.compile(rb"^From \S+.*\d{1,2}:\d{2}(?::\d{2})?.*\d{4}\s*$")


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox, each without its separator line."""
    messages: list[bytes] = []
    current: list[bytes] | None = None
    previous_blank = True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and (previous_blank or _FROM_LINE.match(line.rstrip())):
            if current is not None:
                messages.append(b"".join(current))
            current = []
        elif current is not None:
            current.append(line)
        previous_blank = not line.strip()
    if current is not None:
        messages.append(b"".join(current))
    return messages


def read_eml(raw: RawFile) -> list[ReadItem]:
    """Read a single-message e-mail file."""
    try:
        return [read_message(raw.data, raw.source())]
    except RejectedInput as rejection:
        return [rejection]


def read_mbox(raw: RawFile) -> list[ReadItem]:
    """Read every message of an mbox; a broken one is its own rejection."""
    items: list[ReadItem] = []
    for number, message in enumerate(split_mbox(raw.data), start=1):
        part = f"message {number}"
        source = raw.source(content_hash=sha256(message), part=part)
        if not message.strip():
            items.append(RejectedInput(raw.path, "empty message", part))
            continue
        try:
            items.append(read_message(message, source, where=part))
        except RejectedInput as rejection:
            items.append(rejection)
    if not items:
        items.append(raw.reject("the mbox file has no messages"))
    return items
