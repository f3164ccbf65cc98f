"""Deterministic IRIs for everything semcrm stores.

An IRI is a pure function of a normalised key, so ingesting the same record
twice mints the same IRIs and writes the same triples (the store's triple
count does not change). Keys that could carry personal data never appear in
an IRI: people are keyed by their pseudonym, and everything else by a hash.

=====================  ==================================================
interaction            ``id:interaction/<first 16 hex of the content hash>``
turn, span, signal     under their interaction: ``.../turn/3``, ``.../span/10-42``
person                 ``id:person/<pseudonym>``
organisation           ``id:org/<hash of the normalised name>``
statement              ``id:statement/<hash of the N-Triples of s p o>``
justification          ``id:justification/<hash of rule and premises>``
=====================  ==================================================
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import pyoxigraph as ox

from semcrm.ontology.namespaces import ID

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def digest(*parts: str, length: int = 16) -> str:
    """Hex digest of the parts (NUL-separated), truncated to ``length``."""
    h = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    return h[:length]


def normalise_name(name: str) -> str:
    """Width-, case- and space-insensitive key for an organisation or product name."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[\s\u3000]+", " ", text).strip(" .,;:，。；：")
    return text


def interaction(content_hash: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}interaction/{content_hash[:16]}")


def turn(interaction_iri: ox.NamedNode, index: int) -> ox.NamedNode:
    return ox.NamedNode(f"{interaction_iri.value}/turn/{index}")


def span(interaction_iri: ox.NamedNode, start: int, end: int) -> ox.NamedNode:
    return ox.NamedNode(f"{interaction_iri.value}/span/{start}-{end}")


def local(interaction_iri: ox.NamedNode, kind: str, *key: object) -> ox.NamedNode:
    """A node that belongs to one interaction (a mention, a signal, a participation)."""
    return ox.NamedNode(f"{interaction_iri.value}/{kind}/{digest(*map(str, key), length=12)}")


def person(pseudonym: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}person/{pseudonym}")


def organisation(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}org/{digest(normalise_name(name))}")


def product(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}product/{digest(normalise_name(name))}")


def activity(extractor: str, version: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}extraction/{extractor}/{version}")


def statement(s: Term, p: Term, o: Term) -> ox.NamedNode:
    """The stable name of the triple ``s p o`` (the same for asserted and derived)."""
    return ox.NamedNode(f"{ID}statement/{digest(str(s), str(p), str(o), length=24)}")


def justification(rule: str, premises: Iterable[tuple[Term, Term, Term]]) -> ox.NamedNode:
    keys = sorted(f"{s} {p} {o}" for s, p, o in premises)
    return ox.NamedNode(f"{ID}justification/{digest(rule, *keys, length=24)}")
