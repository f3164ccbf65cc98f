"""API keys: generated once, stored only as salted hashes, scoped, revocable.

A key reads ``semcrm_<id>_<secret>``: ``id`` (12 hex digits) names the record, ``secret``
is 32 random bytes from :mod:`secrets` (URL-safe base64). ``<data>/access/keys.json``
keeps, per key, the id, role, principal IRI, scopes, creation and revocation times, a
16-byte salt and SHA-256(salt + secret) — never the key. A slow hash (scrypt) adds
nothing against guessing a 256-bit random secret, and SHA-256 keeps each request's check
in microseconds. The file is rewritten atomically (a temporary file in the same folder,
``fsync``, ``os.replace``) with mode 0600, in a 0700 folder.

Verification (:meth:`KeyStore.verify`) compares hashes with :func:`hmac.compare_digest`
and re-reads the file when it changed on disk, so ``semcrm keys revoke`` takes effect on
a running server at its next request.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from semcrm.api.access.errors import AuthenticationRequired
from semcrm.api.access.policy import PRINCIPAL
from semcrm.ontology.errors import SemcrmError

PREFIX = "semcrm_"
_KEY = re.compile(r"^semcrm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
VERSION = 1


class KeyFileError(SemcrmError):
    """The key file cannot be read or written, or names no such key."""


class InvalidKey(AuthenticationRequired):
    """A presented API key is malformed, unknown or revoked."""


@dataclass
class KeyRecord:
    id: str
    role: str
    principal: str
    scopes: list[str]
    created: str
    revoked: str | None = None
    salt: str = field(default="", repr=False)
    hash: str = field(default="", repr=False)

    def public(self) -> dict:
        """The record without its salt and hash (what `keys list` prints)."""
        return {
            "id": self.id,
            "role": self.role,
            "principal": self.principal,
            "scopes": self.scopes,
            "created": self.created,
            "revoked": self.revoked,
        }


def _digest(salt: bytes, secret: str) -> str:
    return hashlib.sha256(salt + secret.encode("ascii")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class KeyStore:
    """The keys of one data folder (``<data>/access/keys.json``)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / "access" / "keys.json"
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._records: dict[str, KeyRecord] = {}

    # -- reading -----------------------------------------------------------------------

    def records(self) -> list[KeyRecord]:
        with self._lock:
            self._reload()
            return sorted(self._records.values(), key=lambda r: (r.created, r.id))

    def _reload(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._records = None, {}
            return
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp == self._stamp:
            return
        try:
            data = json.loads(self.path.read_text("utf-8"))
            records = {r["id"]: KeyRecord(**r) for r in data.get("keys", [])}
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise KeyFileError(
                f"{self.path}: not a semcrm key file ({type(exc).__name__}); "
                "restore it from a backup or remove it and create new keys"
            ) from exc
        self._stamp, self._records = stamp, records

    def verify(self, key: str) -> KeyRecord:
        """The record of a valid, unrevoked key.

        Raises:
            InvalidKey: the key is malformed, unknown or revoked (the message says which,
                never echoing the key).
        """
        match = _KEY.match(key.strip())
        if not match:
            raise InvalidKey("the API key is not a semcrm key (semcrm_<id>_<secret>)")
        key_id, secret = match.groups()
        with self._lock:
            self._reload()
            record = self._records.get(key_id)
        if record is None:
            # same work as for a known id, so timing does not tell ids apart
            hmac.compare_digest(_digest(b"\0" * 16, secret), "0" * 64)
            raise InvalidKey("the API key is not valid")
        if not hmac.compare_digest(_digest(bytes.fromhex(record.salt), secret), record.hash):
            raise InvalidKey("the API key is not valid")
        if record.revoked:
            raise InvalidKey(f"the API key {record.id} was revoked on {record.revoked}")
        return record

    # -- writing -----------------------------------------------------------------------

    def create(
        self, role: str, principal: str | None = None, scopes: list[str] | None = None
    ) -> tuple[str, KeyRecord]:
        """A new key (returned once, never stored) and its record."""
        with self._lock:
            self._reload()
            key_id = secrets.token_hex(6)
            while key_id in self._records:
                key_id = secrets.token_hex(6)
            secret = secrets.token_urlsafe(32)
            salt = secrets.token_bytes(16)
            record = KeyRecord(
                id=key_id,
                role=role,
                principal=principal or f"{PRINCIPAL}key-{key_id}",
                scopes=list(scopes or ["*"]),
                created=_now(),
                salt=salt.hex(),
                hash=_digest(salt, secret),
            )
            self._write({**self._records, key_id: record})
        return f"{PREFIX}{key_id}_{secret}", record

    def revoke(self, key_id: str) -> KeyRecord:
        with self._lock:
            self._reload()
            record = self._records.get(key_id)
            if record is None:
                raise KeyFileError(f"no key has id {key_id!r}; `semcrm keys list` shows the ids")
            if not record.revoked:
                record = KeyRecord(**{**asdict(record), "revoked": _now()})
                self._write({**self._records, key_id: record})
            return record

    def _write(self, records: dict[str, KeyRecord]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
        payload = {"version": VERSION, "keys": [asdict(r) for r in records.values()]}
        fd, temp = tempfile.mkstemp(prefix=".keys-", suffix=".json", dir=folder)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, indent=2)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._stamp, self._records = None, {}
        self._reload()
