"""Payment card numbers: PII; corporate bank accounts: look-alikes.

A card number is 13-19 digits, contiguous or in groups of four (the last
group may be shorter), starting like a card (2-6), passing the Luhn check.
Irregular groupings (``622848 0012345678901``, 6 + 13 as some banks print
them) count only after a card cue, and then the whole grouped number is one
span: no group of it is left visible.
The nearest cue decides between the two things such numbers are: 卡号/银行卡/
card/Visa make it a card even with a bad Luhn digit (a mistyped card is still
personal); 账号/账户/开户行/对公/account make it a corporate account, which is
claimed as a look-alike even when it happens to pass Luhn. A 20xxxxxx… run
that starts with a date is an order or transaction number, not a card,
unless a card cue says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from semcrm.ingest.pii.context import nearest_cue
from semcrm.ingest.pii.spans import LOOKALIKE, Candidate

PRIORITY = 80

CARD_LIKE = re.compile(
    r"(?<![A-Za-z0-9_*])(?<![A-Za-z0-9]-)"
    r"(?:\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?|\d{13,19}|(?P<irregular>\d{3,6}(?:[ -]\d{3,13}){1,3}))"
    r"(?![A-Za-z0-9_*]|[.\-]\d)"
)
CARD, ACCOUNT = "card", "account"
CUES = (
    (
        re.compile(
            r"卡号|银行卡|借记卡|信用卡|储蓄卡|银联|收款卡|card|visa|mastercard|amex|debit|credit",
            re.IGNORECASE,
        ),
        CARD,
    ),
    (
        re.compile(
            r"账号|帐号|账户|帐户|开户行|开户银行|对公|户名|account|acct|a/c|iban|sort code",
            re.IGNORECASE,
        ),
        ACCOUNT,
    ),
)
_DATE_START = re.compile(r"20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn (mod 10) check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def find_cards(text: str, view: str) -> Iterator[Candidate]:
    """Card numbers and the corporate account numbers that look like them."""
    for match in CARD_LIKE.finditer(view):
        digits = re.sub(r"\D", "", match.group())
        if not 13 <= len(digits) <= 19:
            continue
        cue = nearest_cue(view, match.start(), CUES, window=60)
        start, end = match.span()
        if cue == ACCOUNT:
            yield Candidate(start, end, LOOKALIKE, "corporate_account", PRIORITY)
        elif cue == CARD:
            yield Candidate(start, end, "bank_card", "bank_card_labelled", PRIORITY)
        elif match.group("irregular"):
            continue  # "622848 0012345678901" is a card only after a card cue
        elif luhn_valid(digits) and digits[0] in "23456" and not _DATE_START.match(digits):
            yield Candidate(start, end, "bank_card", "bank_card", PRIORITY)
