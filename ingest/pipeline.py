"""The ingest pipeline: files in, one named graph per interaction out.

::

    file --read--> Interaction --pii--> de-identified Interaction --extract--> Extraction
         --rdf--> triples --store--> the interaction's named graph (one transaction)

:class:`Processor` runs the stages for one interaction without storing
anything (``semcrm extract`` and ``semcrm redact`` are dry runs over it);
:func:`ingest` runs it over files and folders and writes to a store.

File names: only the de-identified base name of a file is stored
(``semcrm:sourceName``) or reported (the ``source`` of each ingested record):
:func:`source_name` runs :func:`~semcrm.ingest.pii.redact_file_name` with the
interaction's speakers, participants and name hints, so ``张伟_13812345678_call.txt``
is stored as ``[PERSON-…]_[MOBILE-…]_call.txt`` with the pseudonyms the text gets.

Idempotence: an interaction's IRI is minted from its content hash. When the
store already holds that graph written by the same extractor version from
the same ontology, the record is *unchanged* and nothing is written; when
either changed, the graph is *replaced* in one transaction.
"""

from __future__ import annotations

import logging
import os
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from semcrm.ingest.errors import ErasedSource, IngestError, RejectedInput, log_failure
from semcrm.ingest.extract import EXTRACTOR_VERSION, Extraction, Extractor
from semcrm.ingest.model import Interaction
from semcrm.ingest.pii import (
    Pseudonymizer,
    Redaction,
    load_or_create_secret,
    redact,
    redact_file_name,
)
from semcrm.ingest.pii.detect import interaction_hints
from semcrm.ingest.rdf import interaction_triples
from semcrm.ingest.readers import iter_files, read_path_with_rejections
from semcrm.ontology import iris
from semcrm.ontology.loader import Ontology
from semcrm.ontology.namespaces import SEMCRM
from semcrm.ontology.store import KnowledgeStore, utc_timestamp

log = logging.getLogger("semcrm.ingest")

#: Limits of one interaction: beyond these a record is rejected (memory grows with the
#: number of facts, about 2.5 GB for a 1 MB transcript of short turns).
MAX_TEXT = 1_000_000
MAX_TURNS = 20_000

_EXTRACTOR_VERSION = ox.NamedNode(f"{SEMCRM}extractorVersion")
_ONTOLOGY_DIGEST = ox.NamedNode(f"{SEMCRM}ontologyDigest")


@dataclass(frozen=True)
class Processed:
    """One interaction through every stage, nothing stored."""

    redaction: Redaction
    extraction: Extraction
    triples: list
    source_name: str  # the de-identified base name of the file (:func:`source_name`)


class Processor:
    """Runs read -> de-identify -> extract -> RDF for single interactions."""

    def __init__(
        self, ontology: Ontology, secret: bytes, extractor: Extractor | None = None
    ) -> None:
        self.ontology = ontology
        self.pseudonymizer = Pseudonymizer(secret)
        self.extractor = extractor or Extractor(ontology)

    def process(self, interaction: Interaction) -> Processed:
        if len(interaction.text) > MAX_TEXT or len(interaction.turns) > MAX_TURNS:
            raise RejectedInput(
                interaction.source.path,
                f"the record has {len(interaction.text):,} characters in {len(interaction.turns):,} "
                f"turns; one interaction may have at most {MAX_TEXT:,} characters and "
                f"{MAX_TURNS:,} turns; split the file into several records",
                interaction.source.part,
            )
        redaction = redact(interaction, self.pseudonymizer)
        redaction.interaction.check()
        extraction = self.extractor.extract(redaction)
        name = source_name(interaction, self.pseudonymizer)
        triples = interaction_triples(extraction, redaction, self.ontology.digest, name)
        return Processed(redaction, extraction, triples, name)


def source_name(interaction: Interaction, pseudonymizer: Pseudonymizer) -> str:
    """The de-identified base name of ``interaction``'s file, the only form ever stored.

    The interaction's person names (speakers, participants, name hints; raw, before
    redaction) are the hints, so a speaker's name in the file name is found in any case
    and gets the pseudonym it gets in the text.
    """
    base = os.path.basename(interaction.source.path)
    name, _ = redact_file_name(base, pseudonymizer, interaction_hints(interaction))
    # control characters (ESC, CR, LF, BEL ...) would reach terminals through TSV output
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in name)


@dataclass
class IngestedRecord:
    iri: str
    source: str  # de-identified file name, with the record's part
    format: str
    kind: str
    status: str  # "new", "replaced", "unchanged"
    triples: int


@dataclass
class Rejection:
    file: str
    reason: str
    where: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"file": self.file, "where": self.where, "reason": self.reason}


@dataclass
class IngestReport:
    records: list[IngestedRecord] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    files: int = 0
    triples_before: int = 0
    triples_after: int = 0
    seconds: float = 0.0

    @property
    def formats(self) -> dict[str, int]:
        return dict(sorted(Counter(r.format for r in self.records).items()))

    @property
    def statuses(self) -> dict[str, int]:
        return dict(sorted(Counter(r.status for r in self.records).items()))

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "interactions": [
                {
                    "id": r.iri,
                    "source": r.source,
                    "format": r.format,
                    "kind": r.kind,
                    "status": r.status,
                    "triples": r.triples,
                }
                for r in self.records
            ],
            "formats": self.formats,
            "statuses": self.statuses,
            "rejected": [r.to_dict() for r in self.rejected],
            "triples_before": self.triples_before,
            "triples_after": self.triples_after,
            "seconds": round(self.seconds, 3),
        }


Progress = Callable[[Path], None]


def ingest(
    paths: Iterable[str | Path],
    store: KnowledgeStore,
    ontology: Ontology,
    *,
    processor: Processor | None = None,
    progress: Progress | None = None,
    files: list[Path] | None = None,
) -> IngestReport:
    """Ingest files and folders (recursively) into ``store``.

    A file that cannot be read, or a record that fails a later stage, is
    rejected with its reason; the batch goes on and nothing of the rejected
    record is written.
    """
    started = time.perf_counter()
    store.ensure_ontology(ontology)
    processor = processor or Processor(ontology, load_or_create_secret(store.data_dir))
    report = IngestReport(triples_before=len(store))
    for path in files if files is not None else list(iter_files(paths)):
        report.files += 1
        if progress:
            progress(path)
        interactions, rejections = read_path_with_rejections(path)
        for rejection in rejections:
            report.rejected.append(_rejection(rejection, path))
        for interaction in interactions:
            try:
                record = _ingest_one(interaction, store, ontology, processor)
            except IngestError as exc:
                report.rejected.append(_rejection(exc, path))
                continue
            except Exception as exc:  # a bug must not take the rest of the batch down
                log_failure(log, f"internal error on {interaction.source.content_hash[:16]}", exc)
                report.rejected.append(
                    Rejection(
                        str(path),
                        f"internal error in the pipeline ({type(exc).__name__}); "
                        "the record was skipped, please report it with the log",
                        interaction.source.part,
                    )
                )
                continue
            report.records.append(record)
            log.info(
                "%s %s %s %d triples", record.status, record.iri, record.format, record.triples
            )
    report.triples_after = len(store)
    if any(r.status != "unchanged" for r in report.records):
        store.set_meta(lastIngest=utc_timestamp())
    report.seconds = time.perf_counter() - started
    return report


def _ingest_one(
    interaction: Interaction, store: KnowledgeStore, ontology: Ontology, processor: Processor
) -> IngestedRecord:
    graph = iris.interaction(interaction.source.content_hash)
    status = "new"
    if store.is_erased(graph):
        raise ErasedSource(
            interaction.source.path,
            "this source was erased (`semcrm erase`) and is not ingested again",
            interaction.source.part,
        )
    if store.has_graph(graph):
        if _same_version(store, graph, ontology.digest):
            triples = sum(1 for _ in store.triples(graph))
            return IngestedRecord(
                graph.value,
                _source_label(interaction, source_name(interaction, processor.pseudonymizer)),
                interaction.source.format,
                interaction.kind,
                "unchanged",
                triples,
            )
        status = "replaced"
    processed = processor.process(interaction)
    store.replace_graph(graph, processed.triples)
    return IngestedRecord(
        graph.value,
        _source_label(interaction, processed.source_name),
        interaction.source.format,
        interaction.kind,
        status,
        len(processed.triples),
    )


def _same_version(store: KnowledgeStore, graph: ox.NamedNode, digest: str) -> bool:
    version = next(store.oxigraph.quads_for_pattern(graph, _EXTRACTOR_VERSION, None, graph), None)
    stored_digest = next(
        store.oxigraph.quads_for_pattern(graph, _ONTOLOGY_DIGEST, None, graph), None
    )
    return (
        version is not None
        and version.object.value == EXTRACTOR_VERSION
        and stored_digest is not None
        and stored_digest.object.value == digest
    )


def _source_label(interaction: Interaction, name: str) -> str:
    """The de-identified file name with the record's part: ``[PERSON-…].mbox (message 3)``."""
    return f"{name} ({interaction.source.part})" if interaction.source.part else name


def _rejection(error: IngestError, path: Path) -> Rejection:
    if isinstance(error, RejectedInput | IngestError):
        return Rejection(error.path or str(path), error.reason, error.where)
    return Rejection(str(path), str(error))
