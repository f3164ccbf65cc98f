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
