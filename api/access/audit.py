"""The append-only access audit log, ``<data>/audit/access.jsonl``.

One JSON object per line, one line per decision or change about access (a grant applied,
pending, approved, rejected, refused or withdrawn; an approval refused). Each line is
written with one ``write`` on a file opened ``O_APPEND`` and ``fsync``-ed before the call
returns, so a crash loses at most the line being written and never rewrites an earlier one.
Nothing in semcrm opens the file for anything but appending, and no API route writes,
edits or deletes it.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

_LOCK = threading.Lock()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AuditLog:
    """The access audit log of one data folder."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / "audit" / "access.jsonl"

    def append(self, entry: dict) -> dict:
        """Append ``entry`` (with ``time`` added when missing) as one fsynced line."""
        line = {"time": now(), **entry}
        data = (json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        folder = self.path.parent
        created = not folder.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with _LOCK:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        if created:
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return line

    def entries(self) -> list[dict]:
        """Every line, oldest first (a torn last line from a crash is skipped)."""
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return []
        out = []
        for raw in text.splitlines():
            try:
                out.append(json.loads(raw))
            except ValueError:
                continue
        return out
