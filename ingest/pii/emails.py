"""E-mail addresses: personal mailboxes are PII; role mailboxes and Message-IDs are not.

Matched on the ASCII view, so ``＠`` and ``．`` count as ``@`` and ``.``, and
the ideographic full stop ``。`` counts as a dot inside an address
(``zhang.wei＠qq。com``). Spelled-out forms are matched too: ``x dot y at z
dot com``, ``x 艾特 163 点 com`` (also 爱特), ``x(at)y.com`` (at least one part
spelled out, ending in a known top-level domain). Internationalised
addresses (``张伟@公司.中国``) have letters of any script in the local part
and the domain; in Chinese text, where no space ends the word before an
address, the local part starts after the last cue word (邮箱, 是, ：).

Not personal, claimed as look-alikes:

* role or department mailboxes: a local part such as orders, support, ops,
  info, sales, noreply (also ``sales-cn``, ``support.eu``), or a mailbox the
  text itself calls shared (公共邮箱, 部门邮箱, shared/department mailbox);
* Exchange-encapsulated addresses (``IMCEANOTES-...+40bmc+2Ecom``) are personal: the
  whole token is one e-mail address, name included.
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
_AT = r"(?:\s*(?:@|艾特|爱特|\(at\)|\[at\])\s*|\s+at\s+)"
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
_SPELLED_PART = re.compile(
    r"艾特|爱特|点|\(at\)|\[at\]|\(dot\)|\[dot\]|\sat\s|\sdot\s", re.IGNORECASE
)

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
#: Exchange's IMCEA encapsulation of a foreign address: ``IMCEANOTES-+22Rob+22+20+3Crob+40x+2Ecom``
#: ("+XX" is a hex-escaped character). The whole token names a person and their address.
IMCEA = re.compile(r"IMCEA[A-Z]+-[A-Za-z0-9+_.\-=]*(?:\+40|@)?[A-Za-z0-9+_.\-=]*")
_IDN_TLD = (
    r"(?:中国|中國|公司|网络|網絡|在线|集团|香港|台湾|台灣|澳门|澳門|新加坡|商城|网店|网址|网站|"
    r"手机|信息|企业|游戏|娱乐|购物|移动|联通|新闻|时尚|健康|世界|广东|佛山|政务|公益|我爱你|"
    r"中文网|商标)"
)
IDN_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]{1,64}@(?:[\w\-]{1,63}\.)+"
    rf"(?:{_IDN_TLD}|xn--[A-Za-z0-9\-]+|[A-Za-z]{{2,24}})(?![A-Za-z0-9\-])"
)
_LOCAL_LEAD = re.compile(r"^.*(?:邮箱|邮件|地址|信箱|是|为|到|给|至|[：:，,；;（(])")
HEADERS = re.compile(r"(?im)^(?:message[-_]id|in[-_]reply[-_]to|references|x-message-id)[ \t]*:")
_MACHINE_LOCAL = re.compile(r"\d{8,}|[0-9a-f]{12,}|[0-9a-f]{8}-[0-9a-f]{4}-", re.IGNORECASE)


def is_role_mailbox(address: str) -> bool:
    """True for a role or department mailbox such as ``orders@`` or ``support.eu@``."""
    local = address.split("@", 1)[0].lower()
    head = re.split(r"[.\-_+]", local, maxsplit=1)[0]
    return local in ROLE_LOCAL_PARTS or (head in ROLE_LOCAL_PARTS and not re.search(r"\d", local))


#: A spelled address ends in a dot and a top-level domain; SPELLED_EMAIL is tried only in
#: the 200 characters before each such ending (trying it at every word start is slow).
#: Matched on the lower-cased view (case-insensitive alternations are slow).
_SPELLED_END = re.compile(rf"(?:(?:点|\(dot\)|\[dot\])\s*|\sdot\s+|\.){_TLD}(?![a-z0-9])")


def _spelled_matches(view: str) -> Iterator[re.Match[str]]:
    seen: set[tuple[int, int]] = set()
    lowered = view.lower()
    if len(lowered) != len(view):
        yield from SPELLED_EMAIL.finditer(view)
        return
    for end in _SPELLED_END.finditer(lowered):
        for match in SPELLED_EMAIL.finditer(view, max(0, end.start() - 200), end.end() + 1):
            if match.end() == end.end() and match.span() not in seen:
                seen.add(match.span())
                yield match


def find_emails(text: str, view: str) -> Iterator[Candidate]:
    """E-mail addresses (written or spelled out), role mailboxes and Message-IDs."""
    for start, end in header_value_spans(view, HEADERS):
        if end > start:
            yield Candidate(start, end, LOOKALIKE, "message_id_header", HEADER_PRIORITY)
    view = view.replace("。", ".")
    has_at = "@" in view
    for match in EMAIL.finditer(view) if has_at else ():
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
    for match in IDN_EMAIL.finditer(view) if has_at and not view.isascii() else ():
        if match.group().isascii():
            continue  # plain addresses are EMAIL's
        local = match.group().split("@", 1)[0]
        lead = _LOCAL_LEAD.match(local)
        start = match.start() + (lead.end() if lead else 0)
        if start < match.end() and view[start] != "@":
            yield Candidate(start, match.end(), "email", "idn_email", PRIORITY)
    for match in IMCEA.finditer(view):
        if re.search(r"\+40|@", match.group()) or re.search(r"\+3C", match.group()):
            yield Candidate(match.start(), match.end(), "email", "imcea_address", PRIORITY + 5)
    for match in _spelled_matches(view):
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
