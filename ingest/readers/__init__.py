"""Readers: any supported file in, interactions out, or a rejection that says why.

::

    read_path(path)                  -> list[Interaction]       (raises RejectedInput)
    read_path_with_rejections(path)  -> (interactions, rejections)
    iter_files(paths)                -> the files under files/folders, sorted

**Partial success.** A file is one record, or (an mbox) many. The ingest
command calls :func:`read_path_with_rejections`, which never raises for
bad input: it returns the interactions it could read and one
:class:`RejectedInput` per file or message it could not. :func:`read_path`
is the simple form for one file: it returns the interactions, logs each
rejected message of a container, and raises the rejection only when
nothing at all could be read.

**Steps** (one function each, below): check the file (exists, not empty,
at most :data:`MAX_FILE_BYTES`, no line longer than :data:`MAX_LINE_BYTES`,
checked while reading so a huge single-line file is refused after the
first megabyte), sniff binary formats and mail headers, decode the text
(:func:`semcrm.ingest.decode.decode_bytes`, newlines normalised), detect
the text format (:mod:`semcrm.ingest.detect`), run the reader registered
for the format in :data:`READERS`, and check every interaction's
invariant before it is returned.

A reader that fails in a way nobody foresaw is a bug, but one file must
not stop a batch: the exception is logged with its traceback and the file
is rejected with the exception's type, asking for a report.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

# A module import, not names: detect imports reader helpers, so either may load first.
from semcrm.ingest import detect
from semcrm.ingest.decode import decode_bytes, normalise_newlines
from semcrm.ingest.errors import RejectedInput, log_failure, logged_name
from semcrm.ingest.model import Interaction
from semcrm.ingest.readers.asr_json import read_aws_call_analytics, read_segments
from semcrm.ingest.readers.base import RawFile, ReadItem
from semcrm.ingest.readers.captions import read_srt, read_webvtt
from semcrm.ingest.readers.conversation import read_conversation
from semcrm.ingest.readers.documents import read_document
from semcrm.ingest.readers.eventlog import read_event_log
from semcrm.ingest.readers.mail_files import read_eml, read_mbox
from semcrm.ingest.readers.office import read_docx, read_html, read_pdf

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "READERS",
    "SUPPORTED_FORMATS",
    "iter_files",
    "read_path",
    "read_path_with_rejections",
]

log = logging.getLogger(__name__)

#: Files larger than this are refused before they are read.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: A text file with a longer line is refused: no interaction has a 1 MiB line.
MAX_LINE_BYTES = 1024 * 1024
_CHUNK = 256 * 1024

#: The reader of each format, in detection order; the keys are ``Source.format`` values.
READERS: dict[str, Callable[[RawFile], list[ReadItem]]] = {
    "pdf": read_pdf,
    "docx": read_docx,
    "mbox": read_mbox,
    "email": read_eml,
    "webvtt": read_webvtt,
    "asr_json": lambda raw: read_aws_call_analytics(raw, json.loads(raw.text)),
    "segments_json": lambda raw: read_segments(raw, json.loads(raw.text)),
    "jsonl": read_event_log,
    "srt": read_srt,
    "html": read_html,
    "chat": lambda raw: read_conversation(raw, "chat"),
    "transcript": lambda raw: read_conversation(raw, "call"),
    "markdown": lambda raw: read_document(raw, markdown=True),
    "text": lambda raw: read_document(raw, markdown=False),
}

SUPPORTED_FORMATS: tuple[str, ...] = tuple(READERS)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under the given files/folders, recursive, sorted, skipping hidden files/dirs.

    A path that does not exist is yielded as it is, and so is a folder that
    cannot be listed (no permission), so that reading it gives a rejection that
    names it instead of the path and everything under it silently vanishing.
    """
    found: set[Path] = set()

    def unlisted(error: OSError) -> None:
        if error.filename is not None:
            found.add(Path(os.fsdecode(error.filename)))

    for given in paths:
        path = Path(given)
        if not path.is_dir():
            found.add(path)
            continue
        for root, dirs, files in os.walk(path, onerror=unlisted):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.update(Path(root) / name for name in files if not name.startswith("."))
    yield from sorted(found)


def _read_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes, refusing missing, empty, oversized and long-line files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RejectedInput(shown, "no such file") from None
    except OSError as error:
        raise RejectedInput(shown, f"cannot be read ({error.strerror})") from None
    if path.is_dir():
        try:
            with os.scandir(path):
                pass
        except OSError as error:
            raise RejectedInput(
                shown, f"a folder that cannot be listed ({error.strerror}); nothing in it was read"
            ) from None
        raise RejectedInput(shown, "is a folder, not a file (pass it to iter_files)")
    if not path.is_file():
        raise RejectedInput(
            shown, "not a regular file (a FIFO, socket or device); nothing was read"
        )
    if size == 0:
        raise RejectedInput(shown, "empty file")
    if size > MAX_FILE_BYTES:
        raise RejectedInput(
            shown,
            f"file is {size // (1024 * 1024)} MB, above the {MAX_FILE_BYTES // (1024 * 1024)} MB "
            "limit for one input; split it (an mbox can be split by message)",
        )
    chunks: list[bytes] = []
    line_length = 0
    lines_before = 0
    binary = False
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                if not chunks:
                    binary = chunk.startswith((b"%PDF-", b"PK\x03\x04"))
                chunks.append(chunk)
                if binary:
                    continue
                first = chunk.find(b"\n")
                if first < 0:
                    line_length += len(chunk)
                else:
                    if line_length + first > MAX_LINE_BYTES:
                        break
                    lines_before += chunk.count(b"\n")
                    line_length = len(chunk) - chunk.rfind(b"\n") - 1
                if line_length > MAX_LINE_BYTES:
                    break
            else:
                return b"".join(chunks)
    except OSError as error:
        raise RejectedInput(shown, f"cannot be read ({error.strerror})") from None
    raise RejectedInput(
        shown,
        f"a line is longer than {MAX_LINE_BYTES // 1024} KiB (size {size} bytes); this is not "
        "an interaction record (a minified or binary export?)",
        where=f"line {lines_before + 1}",
    )


def _raw_file(path: Path, shown: str) -> RawFile:
    data = _read_bytes(path, shown)
    binary = detect.sniff_binary(data, shown)
    if binary:
        return RawFile(shown, data, binary)
    mail = detect.sniff_email(data)
    if mail:
        return RawFile(shown, data, mail)
    text, charset, fallback = decode_bytes(data, None, shown)
    text = normalise_newlines(text)
    if not text.strip():
        raise RejectedInput(shown, "the file contains only white space")
    return RawFile(shown, data, detect.detect_text_format(text, shown), text, charset, fallback)


def read_path_with_rejections(path: str | Path) -> tuple[list[Interaction], list[RejectedInput]]:
    """Read one file into interactions, with a rejection for each record that failed.

    Never raises for bad input (see the module doc on partial success).
    """
    shown = str(path)
    try:
        raw = _raw_file(Path(path), shown)
        items = READERS[raw.format](raw)
    except RejectedInput as rejection:
        return [], [rejection]
    except Exception as error:  # a reader bug must not stop the batch; see module doc
        log_failure(log, f"reader failed on {logged_name(shown)}", error)
        reason = f"could not be read ({type(error).__name__}); please report this file"
        return [], [RejectedInput(shown, reason)]
    interactions: list[Interaction] = []
    rejections: list[RejectedInput] = []
    for item in items:
        if isinstance(item, RejectedInput):
            rejections.append(item)
            continue
        try:
            item.check()
        except ValueError:
            log.error("reader produced an inconsistent interaction in %s", logged_name(shown))
            rejections.append(
                RejectedInput(
                    shown,
                    "reader produced inconsistent turns; please report this file",
                    item.source.part,
                )
            )
            continue
        interactions.append(item)
    return interactions, rejections


def read_path(path: str | Path) -> list[Interaction]:
    """Read one file (any supported format, detected from content, not the name) into
    one or more interactions (an mbox gives one per message). Raises RejectedInput
    (with path, where and a reason a user can act on) when the file cannot be ingested.
    Never raises anything else for bad input."""
    interactions, rejections = read_path_with_rejections(path)
    if not interactions:
        raise rejections[0] if rejections else RejectedInput(str(path), "no records found")
    for rejection in rejections:
        log.warning("skipped a record of %s: %s", logged_name(str(path)), rejection.reason)
    return interactions
