"""E-mail addresses: personal mailboxes are PII; role mailboxes and Message-IDs are not.

Matched on the ASCII view, so ``＠`` counts as ``@``. Spelled-out forms are
matched too: ``x dot y at z dot com``, ``x 艾特 163 点 com``, ``x(at)y.com``
(at least one part spelled out, ending in a known top-level domain).

Not personal, claimed as look-alikes:

* role or department mailboxes: a local part such as orders, support, ops,
  info, sales, noreply (also ``sales-cn``, ``support.eu``), or a mailbox the
  text itself calls shared (公共邮箱, 部门邮箱, shared/department mailbox);
* Message-IDs: the values of Message-ID / In-Reply-To / References headers,
  and ``<...@...>`` tokens whose local part is machine-made (long digit or
  hex runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.context import header_value_spans, nearest_cue
from semcrm.ingest.pii.spans import LOOKALIKE, Candidate

PRIORITY = 90
HEADER_PRIORITY = 100

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_])?"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+"
)
_TLD = r"(?:com|cn|net|org|io|co|uk|edu|gov|info|biz|me|de|fr|jp|hk|tw|sg|us|ca|au)"
_AT = r"(?:\s*(?:@|艾特|\(at\)|\[at\])\s*|\s+at\s+)"
_DOT = r"(?:\s*(?:点|\(dot\)|\[dot\])\s*|\s+dot\s+|\.)"
_WORD = r"[A-Za-z0-9][A-Za-z0-9_\-]*"
SPELLED_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9]){_WORD}(?:{_DOT}{_WORD})*{_AT}{_WORD}(?:{_DOT}{_WORD})*{_DOT}{_TLD}(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_SPELLED_STOPWORDS = frozenset(
    """look looking it is me us him her them you we i be am are was were here there home work
    least all once arrive arrived meet met the a an my our your this that its his their noon
    night time end first last best see dot at""".split()  # noqa: SIM905
)
_SPELLED_PART = re.compile(r"艾特|点|\(at\)|\[at\]|\(dot\)|\[dot\]|\sat\s|\sdot\s", re.IGNORECASE)

ROLE_LOCAL_PARTS = frozenset(
    """orders order support ops info sales noreply no-reply donotreply do-not-reply admin
    service services help helpdesk contact contacts hr billing accounts accounting office
    enquiries inquiries enquiry marketing press media team hello postmaster webmaster abuse
    security it finance procurement purchasing reception careers jobs recruit recruiting
    feedback customerservice cs kefu service-desk servicedesk mail news newsletter
    notifications notify alerts system root legal compliance privacy dpo invoices invoice ap
    ar payments payroll bookings booking reservations shop store returns tender tenders bid
    bids""".split()  # noqa: SIM905
)
SHARED_MAILBOX_CUES = (
    (
        re.compile(
            r"公共邮箱|部门邮箱|共享邮箱|shared mailbox|department mailbox|role mailbox", re.I
        ),
        "x",
    ),
)
HEADERS = re.compile(r"(?im)^(?:message[-_]id|in[-_]reply[-_]to|references|x-message-id)[ \t]*:")
_MACHINE_LOCAL = re.compile(r"\d{8,}|[0-9a-f]{12,}|[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE)


def is_role_mailbox(address: str) -> bool:
    """True for a role or department mailbox such as ``orders@`` or ``support.eu@``."""
    local = address.split("@", 1)[0].lower()
    head = re.split(r"[.\-_+]", local, maxsplit=1)[0]
    return local in ROLE_LOCAL_PARTS or (head in ROLE_LOCAL_PARTS and not re.search(r"\d", local))


def find_emails(text: str, view: str) -> Iterator[Candidate]:
    """E-mail addresses (written or spelled out), role mailboxes and Message-IDs."""
    for start, end in header_value_spans(view, HEADERS):
        if end > start:
            yield Candidate(start, end, LOOKALIKE, "message_id_header", HEADER_PRIORITY)
    for match in EMAIL.finditer(view):
        start, end = match.span()
        address = match.group()
        local = address.split("@", 1)[0]
        bracketed = view[start - 1 : start] == "<" and view[end : end + 1] == ">"
        if bracketed and _MACHINE_LOCAL.search(local):
            yield Candidate(start, end, LOOKALIKE, "message_id", HEADER_PRIORITY)
        elif is_role_mailbox(address) or nearest_cue(view, start, SHARED_MAILBOX_CUES, window=12):
            yield Candidate(start, end, LOOKALIKE, "role_mailbox", PRIORITY)
        else:
            yield Candidate(start, end, "email", "email", PRIORITY)
    for match in SPELLED_EMAIL.finditer(view):
        if "@" in match.group() and not _SPELLED_PART.search(match.group()):
            continue
        spelled = match.group().lower()
        if re.search(r"\sat\s", spelled) and not re.search(r"\sdot\s|点|\(dot\)|\[dot\]", spelled):
            continue
        if view[match.end() : match.end() + 1] == "/":
            continue
        words = re.findall(r"[A-Za-z0-9_\-]+", match.group().lower())
        if any(word in _SPELLED_STOPWORDS for word in words[:-1] if word not in ("at", "dot")):
            continue
        if is_role_mailbox(re.split(_AT, match.group(), maxsplit=1)[0] + "@x"):
            yield Candidate(match.start(), match.end(), LOOKALIKE, "role_mailbox", PRIORITY)
        else:
            yield Candidate(match.start(), match.end(), "email", "email_spelled", PRIORITY - 1)
