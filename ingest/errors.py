"""Errors raised while reading and de-identifying input.

::

    SemcrmError                      (semcrm.ontology.errors)
     └── IngestError                 something about one input went wrong
          └── RejectedInput          this file (or record) cannot be ingested;
                                     the batch goes on without it

Every error carries its subject: the file ``path``, the ``where`` inside it
(a line, an offset, an mbox message, a MIME part) and the ``reason`` in words
a user can act on. Messages never quote the input's content, so no personal
data reaches a log through an error.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from pathlib import Path

from semcrm.ontology.errors import SemcrmError


class IngestError(SemcrmError):
    """Reading or de-identifying one input failed."""

    def __init__(self, path: str, reason: str, where: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.where = where
        place = f", {where}" if where else ""
        super().__init__(f"{path}{place}: {reason}")


class RejectedInput(IngestError):
    """The input cannot be ingested as it is; nothing of it was stored."""


class ErasedSource(RejectedInput):
    """The input is a source that was erased from this store; it is not ingested again."""


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Log an unexpected failure for developers without any input content.

    An exception's message may quote the input (a decoder error shows the bytes it
    choked on), so only the exception's type and the code locations of its traceback
    are logged.
    """
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("%s: %s (message withheld)\n%s", what, type(error).__name__, frames)


def logged_name(path: str) -> str:
    """A stand-in for a file path in logs: its extension and a hash, never the name."""
    suffix = Path(path).suffix
    # only an extension-shaped suffix: "note.13912345678" must not put the number in the log
    suffix = suffix if re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,7}", suffix) else ""
    return f"file-{hashlib.sha256(path.encode('utf-8', 'replace')).hexdigest()[:12]}{suffix}"
