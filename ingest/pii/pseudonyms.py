"""Typed, stable pseudonyms keyed with a per-installation secret.

``pseudonym(type, value)`` is ``PREFIX-`` plus the first 8 hex digits (upper
case) of ``HMAC-SHA256(secret, type + ":" + normalise(type, value))``. So:

* the same value gets the same pseudonym in every document and every run of
  one installation, which lets the graph link "the same customer phone"
  across interactions without holding the number;
* without the secret (``<data>/secret.key``) a pseudonym cannot be reversed
  by hashing guessed phone numbers or names;
* a value written in another notation gets the same pseudonym, because the
  value is normalised first (see :func:`normalise`), and so is its type: a
  number whose digits are a mobile is hashed as a mobile whichever recogniser
  found it (see :func:`canonical_type`);
* invisible characters (zero-width spaces, soft hyphens, bidi controls) are
  not part of any value: they are removed before normalising.

32 bits of tag make a collision between two values of one type in one
installation unlikely at CRM scale (about 1 in 10^5 at ten thousand values
of a type); the prefix keeps types apart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from pathlib import Path

from semcrm.ingest.errors import IngestError
from semcrm.ingest.pii.invisible import IGNORABLE
from semcrm.ingest.pii.numerals import ascii_view, to_digits
from semcrm.ingest.pii.plates import canonical_plate
from semcrm.ingest.pii.spans import PSEUDONYM_PREFIXES

SECRET_FILE = "secret.key"
SECRET_BYTES = 32

_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame)\.?\s+", re.IGNORECASE)
_AT = re.compile(r"\s*(?:＠|@|艾特|爱特|\(at\)|\[at\]|\bat\b)\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*(?:点|\(dot\)|\[dot\]|\bdot\b|\.)\s*", re.IGNORECASE)


class SecretKeyError(IngestError):
    """The installation's pseudonym secret cannot be read or is malformed."""


def _normalise_phone(value: str) -> str:
    digits = to_digits(value)
    international = value.lstrip().startswith(("+", "＋")) or digits.startswith("00")
    digits = digits[2:] if digits.startswith("00") else digits
    if international:
        if digits.startswith("86"):
            return digits[2:]
        if digits.startswith("44"):
            rest = digits[2:]
            return rest if rest.startswith("0") else "0" + rest
        if digits.startswith("1") and len(digits) == 11:
            return digits[1:]
    elif len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


def _normalise_email(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).replace("。", ".")
    text = re.sub(r"\s+", " ", text).strip().lower()
    parts = _AT.split(text, maxsplit=1)
    if len(parts) != 2:
        return text.replace(" ", "")
    local, domain = (_DOT.sub(".", part).replace(" ", "") for part in parts)
    return f"{local}@{domain}"


_MOBILE_DIGITS = re.compile(r"1[3-9]\d{9}|07\d{9}")


def canonical_type(pii_type: str, value: str) -> str:
    """The type the value's own digits give it, where they decide it.

    A number whose normalised digits are a CN mobile (1[3-9] + 9 digits) or a UK
    mobile (07 + 9 digits) is ``mobile_phone`` however it was written or found;
    any other phone keeps the type its context gave it.
    """
    if pii_type == "phone" and _MOBILE_DIGITS.fullmatch(_normalise_phone(value)):
        return "mobile_phone"
    return pii_type


def normalise(pii_type: str, value: str) -> str:
    """The canonical form a pseudonym is computed from.

    phones: digits only, without a +86/0086 prefix (+44 becomes the national
    0, +1 is dropped), full-width and spoken digits made ASCII; emails:
    lower-case with ＠/艾特/" at "/点/" dot " spelled forms made ``@`` and
    ``.``; resident IDs and plates: upper-case, no spaces or separators; cards:
    digits only; names: NFKC, honorific dropped, whitespace collapsed,
    case-folded (which leaves Chinese unchanged); addresses: NFKC,
    whitespace collapsed, case-folded.
    """
    value = IGNORABLE.sub("", value)
    if pii_type in ("mobile_phone", "phone"):
        return _normalise_phone(value)
    if pii_type == "email":
        return _normalise_email(value)
    if pii_type == "bank_card":
        return to_digits(value)
    if pii_type == "licence_plate":
        return canonical_plate(ascii_view(value))
    if pii_type == "cn_resident_id":
        compact = re.sub(r"[\s·・•.\-]", "", ascii_view(value)).upper()
        if not re.fullmatch(r"[0-9]{14}(?:[0-9]|[0-9]{3}|[0-9]{2}X)", compact):
            compact = to_digits(compact) + ("X" if re.search(r"[Xx叉]$", compact) else "")
        return compact
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()
    if pii_type == "person_name":
        text = _HONORIFIC.sub("", text)
    return text.casefold()


class Pseudonymizer:
    """Computes ``PREFIX-XXXXXXXX`` pseudonyms with one installation's secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError(
                f"the pseudonym secret has {len(secret)} bytes; use at least 16 "
                "(load_or_create_secret makes 32)"
            )
        self._secret = bytes(secret)

    def __repr__(self) -> str:
        return "Pseudonymizer(secret=<hidden>)"

    def pseudonym(self, pii_type: str, value: str) -> str:
        """The stable pseudonym of ``value`` as a ``pii_type``, e.g. ``"MOBILE-1A2B3C4D"``.

        The type is made canonical first (:func:`canonical_type`), so a CN mobile
        passed as ``phone`` gets the same ``MOBILE-`` pseudonym as when passed as
        ``mobile_phone``.
        """
        pii_type = canonical_type(pii_type, value)
        prefix = PSEUDONYM_PREFIXES[pii_type]
        message = f"{pii_type}:{normalise(pii_type, value)}".encode()
        tag = hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:8].upper()
        return f"{prefix}-{tag}"


def load_or_create_secret(data_dir: Path) -> bytes:
    """The installation's secret: ``data_dir/secret.key``, made (32 random bytes, 0600) if missing.

    Losing or replacing the file changes every pseudonym, so an existing file
    that is not exactly 32 bytes is an error, never silently replaced.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(os.urandom(SECRET_BYTES))
    try:
        secret = path.read_bytes()
    except OSError as error:
        raise SecretKeyError(
            str(path), f"cannot read the pseudonym secret ({error.strerror}); check its permissions"
        ) from error
    if len(secret) != SECRET_BYTES:
        raise SecretKeyError(
            str(path),
            f"the pseudonym secret has {len(secret)} bytes, expected {SECRET_BYTES}; restore it "
            "from a backup (deleting it makes a new one and changes every pseudonym)",
        )
    return secret
