"""Which format a file is in, decided from its content (names and extensions lie).

Detection runs in three stages, cheapest and most certain first:

1. **Magic bytes** (:func:`sniff_binary`): ``%PDF-`` is a PDF; a zip with
   ``word/document.xml`` is a docx; any other zip, gzip, image, executable
   or office-binary signature, or NUL bytes without a UTF-16/32 byte-order
   mark, is rejected as unsupported binary data. Nothing is decompressed.
2. **Mail headers** (:func:`sniff_email`), on the raw bytes because a
   message's parts carry their own charsets: a ``From `` separator line
   followed by header lines is an mbox; a block of RFC 822 header fields
   at the top with ``From`` (or ``Received``/``Return-Path``/``Message-ID``)
   and a second standard field is an e-mail.
3. **Text shape** (:func:`detect_text_format`), on the decoded text:
   ``WEBVTT`` first line; JSON (an AWS call-analytics or segments shape;
   objects one per line are JSON lines, and so is a one-line object with a
   time and an action field; any other JSON is rejected as unsupported);
   source code (rejected); an SRT index+timing opening; HTML; a
   conversation (see :mod:`semcrm.ingest.readers.conversation`); markdown
   (headings, tables, bold field bullets); else plain text.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from semcrm.ingest.errors import RejectedInput
from semcrm.ingest.readers.asr_json import asr_shape
from semcrm.ingest.readers.conversation import conversation_kind
from semcrm.ingest.readers.eventlog import ACTION_KEYS, TIME_KEYS

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data (never decompressed here; decompress it first)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%!PS", "a PostScript file"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (never unpacked here)"),
    (b"Rar!\x1a\x07", "a RAR archive (never unpacked here)"),
    (b"\xfd7zXZ\x00", "xz-compressed data (never decompressed here)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office/Outlook binary (.doc/.xls/.msg)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xca\xfe\xba\xbe", "a compiled Java class"),
    (b"\x00asm", "a WebAssembly module"),
)  # weaker signatures (MZ, RIFF, ID3 ...) are left to the NUL-byte test
_UNICODE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:")
_KEY_FIELDS = {b"from", b"received", b"return-path", b"message-id"}
_OTHER_FIELDS = {b"to", b"subject", b"date", b"cc", b"mime-version", b"content-type", b"sender"}
_MBOX_FROM = re.compile(rb"^From \S+")

_CODE_LINE = re.compile(
    r"^(?:from\s+[\w.]+\s+import\s|import\s+[\w.]+\s*$|def\s+\w+\s*\(|class\s+\w+\s*[(:]|"
    r"if __name__ ==|#include\s*[<\"]|package\s+[\w.]+;|public\s+(?:static\s+)?(?:class|void)\s|"
    r"function\s+\w+\s*\(|(?:const|let|var)\s+\w+\s*=|#!/)"
)
_SRT_START = re.compile(
    r"^\s*\d+\s*\n\s*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}"
)
_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)",
                   re.IGNORECASE | re.DOTALL)  # fmt: skip
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_MD_TABLE = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
_MD_BOLD_ITEM = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?\*\*[^*\n]+\*\*", re.MULTILINE)


#: Python refuses to read integers longer than this (``sys.get_int_max_str_digits``).
TOO_LONG_NUMBER = (
    "JSON with a number of more than 4,300 digits, which cannot be read; "
    "no transcript or event has one (a damaged or generated file?)"
)


def sniff_binary(data: bytes, path: str) -> str | None:
    """``"pdf"``, ``"docx"``, None for text; raises RejectedInput for other binary data."""
    head = data[:8192]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise RejectedInput(path, "unsupported format: a damaged zip archive") from None
        if "word/document.xml" in names:
            return "docx"
        kind = "an Excel workbook" if "xl/workbook.xml" in names else "a zip archive"
        raise RejectedInput(
            path,
            f"unsupported format: {kind} (archives are never unpacked here; "
            "extract the files and ingest those)",
        )
    for signature, what in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise RejectedInput(path, f"unsupported format: {what}")
    if b"\x00" in head and not head.startswith(_UNICODE_BOMS):
        raise RejectedInput(path, "unsupported format: binary data (NUL bytes), not text")
    return None


def _header_block(lines: list[bytes]) -> list[bytes] | None:
    """The field names of a leading RFC 822 header block, or None if there is none."""
    names: list[bytes] = []
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and names:
            continue
        if not _HEADER_LINE.match(line):
            return None
        names.append(line.split(b":", 1)[0].strip().lower())
    return names


def sniff_email(data: bytes) -> str | None:
    """``"mbox"``, ``"email"`` or None (see module doc)."""
    lines = data.lstrip(b"\r\n")[:65536].splitlines()[:200]
    if not lines:
        return None
    if _MBOX_FROM.match(lines[0]):
        names = _header_block(lines[1:])
        return "mbox" if names and set(names) & (_KEY_FIELDS | _OTHER_FIELDS) else None
    names = _header_block(lines)
    if not names or len(names) < 2:
        return None
    found = set(names)
    if found & _KEY_FIELDS and len(found & (_KEY_FIELDS | _OTHER_FIELDS)) >= 2:
        return "email"
    return None


def _json_format(text: str, path: str) -> str | None:
    stripped = text.strip()
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        document = None
    except RecursionError:
        raise RejectedInput(path, "JSON nested too deeply to read (over 1000 levels)") from None
    except ValueError:  # not a JSONDecodeError: an integer of more than 4,300 digits
        raise RejectedInput(path, TOO_LONG_NUMBER) from None
    else:
        shape = asr_shape(document)
        if shape:
            return shape
        if isinstance(document, dict) and "\n" in stripped and _is_jsonl(stripped):
            return "jsonl"
        if isinstance(document, dict) and "\n" not in stripped and _is_event(document):
            return "jsonl"  # a log of one event
        raise RejectedInput(
            path,
            "unsupported format: JSON document that is neither an ASR transcript "
            "(AWS call analytics 'SpeechSegments') nor a segments list",
        )
    if stripped.startswith("{") and _is_jsonl(stripped):
        return "jsonl"
    return None


def _is_event(document: dict[str, object]) -> bool:
    return any(k in document for k in TIME_KEYS) and any(k in document for k in ACTION_KEYS)


def _is_jsonl(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()]
    opening = sum(1 for line in lines if line.lstrip().startswith("{"))
    if opening < max(1, len(lines) // 2):
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except (ValueError, RecursionError):  # JSONDecodeError or a number too long to read
        return opening == len(lines)


def looks_like_source_code(text: str) -> bool:
    """True for program source (a shebang, or several import/def/class-style lines)."""
    if text.startswith("#!"):
        return True
    lines = [line for line in text.split("\n") if line.strip()]
    code = sum(1 for line in lines if _CODE_LINE.match(line))
    return code >= 3 and code >= 0.05 * len(lines)


_RDF = re.compile(
    r"^(?:\s*#[^\n]*\n|\s*\n)*\s*(?:@prefix|@base|PREFIX\s+\w*:|BASE\s+<|<\?xml[^>]*>\s*<rdf:RDF)",
    re.I,
)


def detect_text_format(text: str, path: str) -> str:
    """The format of decoded text (see module doc); raises RejectedInput if unsupported."""
    first = text.lstrip("\n").split("\n", 1)[0]
    if re.match(r"^WEBVTT(?:[ \t].*)?$", first):
        return "webvtt"
    if re.match(r"^\s*(?:\{|\[\s*[{\]\"\d-])", text):
        found = _json_format(text, path)
        if found:
            return found
    if looks_like_source_code(text):
        raise RejectedInput(path, "unsupported format: program source code, not an interaction")
    if _RDF.match(text):
        raise RejectedInput(
            path,
            "unsupported format: RDF data (an ontology or catalogue file), not an interaction; "
            "load it with --ontology DIR instead",
        )
    if _SRT_START.match(text):
        return "srt"
    if _HTML.match(text):
        return "html"
    kind = conversation_kind(text)
    if kind is not None:
        return kind
    if (
        _MD_HEADING.search(text)
        or len(_MD_TABLE.findall(text)) >= 2
        or len(_MD_BOLD_ITEM.findall(text)) >= 2
    ):
        return "markdown"
    return "text"
