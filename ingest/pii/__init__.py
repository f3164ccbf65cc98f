"""De-identification: find personal data in an interaction and replace it by pseudonyms.

Public API::

    detect(interaction) -> list[PiiSpan]                 non-overlapping, sorted, raw offsets
    redact(interaction, pseudonymizer) -> Redaction      the de-identified copy + offset maps
    redact_text(text, pseudonymizer, name_hints=()) -> (text, spans)   subjects, free text
    redact_file_name(name, pseudonymizer, name_hints=()) -> (name, spans)  a file's base name
    Pseudonymizer(secret).pseudonym(type, value)         "PERSON-1A2B3C4D"
    load_or_create_secret(data_dir) -> bytes             data_dir/secret.key (0600)
    PII_TYPES, PiiSpan, Redaction, DPV_CATEGORIES

Design, in the order a record goes through it:

* **Recognisers are plain functions** over the text (one module per family:
  :mod:`.phones`, :mod:`.ids`, :mod:`.cards`, :mod:`.emails`,
  :mod:`.addresses`, :mod:`.plates`, :mod:`.names_zh`, :mod:`.names_en`,
  :mod:`.names` for names the format reveals). Numbers are matched on an
  ASCII view of the text with the same offsets (full-width digits count).
* **Look-alikes are claimed, not ignored**: office landlines, corporate
  accounts, role mailboxes and Message-IDs are proposed as blockers that win
  over weaker proposals for the same characters, then dropped.
* **Context decides what shape cannot**: the nearest cue word before a number
  (手机/Cell vs 座机/Direct, 卡号 vs 账号) and the context of a name (a
  speaker label, 我是…, "Hi Imogen", a signature line). Word lists
  generalise (surnames, titles, Faker's given names, jieba's dictionary as
  a veto); there is no list of particular people.
* **Known names spread**: every name found is searched for again across the
  interaction, so a name the context revealed once is redacted everywhere.
* **Pseudonyms are keyed hashes** of normalised values (:mod:`.pseudonyms`),
  stable across documents and runs of one installation.

Errors::

    SemcrmError
     └── IngestError                  (semcrm.ingest.errors)
          └── SecretKeyError          the secret key file is unreadable or malformed

Nothing in this package logs or raises with a PII value in the message.
"""

from __future__ import annotations

from semcrm.ingest.pii.categories import DPV_CATEGORIES, categories_of, category_of
from semcrm.ingest.pii.detect import detect
from semcrm.ingest.pii.file_names import redact_file_name
from semcrm.ingest.pii.pseudonyms import (
    Pseudonymizer,
    SecretKeyError,
    load_or_create_secret,
    normalise,
)
from semcrm.ingest.pii.redact import Redaction, redact, redact_text
from semcrm.ingest.pii.spans import PII_TYPES, PSEUDONYM_PREFIXES, PiiSpan

__all__ = [
    "DPV_CATEGORIES",
    "PII_TYPES",
    "PSEUDONYM_PREFIXES",
    "PiiSpan",
    "Pseudonymizer",
    "Redaction",
    "SecretKeyError",
    "categories_of",
    "category_of",
    "detect",
    "load_or_create_secret",
    "normalise",
    "redact",
    "redact_file_name",
    "redact_text",
]
