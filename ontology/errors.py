"""The root of semcrm's exceptions, and the ontology's own.

::

    SemcrmError
     ├── OntologyLoadError      an ontology or rule file cannot be read (file, line, IRI)
     ├── StoreError             the data folder cannot be opened or written
     │    └── StoreLocked       another semcrm process holds the data folder
     ├── IngestError            (semcrm.ingest.errors)
     └── RuleError              (semcrm.reasoning.errors)

A *finding* (an inconsistent class, a rule that derives nothing) is data, not
an exception; exceptions are for inputs that cannot be read and engines that
cannot finish.
"""

from __future__ import annotations


class SemcrmError(Exception):
    """Base class of every error semcrm raises on purpose."""


class OntologyLoadError(SemcrmError):
    """An ontology file cannot be loaded; the message names the file and place."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StoreError(SemcrmError):
    """The on-disk store cannot be opened, read or written."""


class StoreLocked(StoreError):
    """Another process has the data folder open for writing."""
