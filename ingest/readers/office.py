"""HTML, docx and PDF: extract the text, then read it as a document.

- **HTML** goes through :func:`.html_text.html_to_text` (light markdown).
- **docx** is read with python-docx, paragraphs and tables in body order:
  ``Heading N`` and ``Title`` styles become ``#`` lines, list styles ``- ``
  items, table rows ``| a | b |`` lines. A docx is a zip file, so before
  python-docx opens it the members are checked against
  :data:`MAX_UNZIPPED_BYTES` and :data:`MAX_COMPRESSION_RATIO`; a zip bomb
  is rejected without being inflated.
- **PDF** uses pypdf's text layer, page by page (each turn's meta gives its
  ``page``). An encrypted PDF is tried with the empty password; a PDF
  without any text layer (a scan) is rejected with a pointer to OCR.

The interaction text is the extracted text, not the file's bytes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import zipfile
from collections.abc import Iterator

from semcrm.ingest.decode import normalise_newlines
from semcrm.ingest.readers.base import RawFile, ReadItem
from semcrm.ingest.readers.documents import read_document
from semcrm.ingest.readers.html_text import html_to_text

log = logging.getLogger(__name__)

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


def read_html(raw: RawFile) -> list[ReadItem]:
    """Read an HTML file as a document."""
    text, title = html_to_text(raw.text)
    if not text.strip():
        return [raw.reject("the HTML page has no visible text")]
    return read_document(raw, markdown=True, text=text, title=title)


def zip_bomb_reason(archive: zipfile.ZipFile) -> str | None:
    """Why the archive must not be inflated, or None when its sizes are sane."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            return (
                f"member {info.filename!r} would inflate {ratio:.0f}-fold to "
                f"{info.file_size // (1024 * 1024)} MB (a zip bomb?); refused without inflating"
            )
    if total > MAX_UNZIPPED_BYTES:
        return (
            f"the archive would inflate to {total // (1024 * 1024)} MB, above the "
            f"{MAX_UNZIPPED_BYTES // (1024 * 1024)} MB limit; refused without inflating"
        )
    return None


def read_docx(raw: RawFile) -> list[ReadItem]:
    """Read a Word (docx) file as a document."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(raw.data)) as archive:
            if reason := zip_bomb_reason(archive):
                return [raw.reject(reason)]
        document = Document(io.BytesIO(raw.data))
    except Exception as error:  # python-docx raises many kinds on a corrupt package
        return [raw.reject(f"not a readable docx file ({type(error).__name__}); re-save it")]

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if style == "Title":
                lines += [f"# {text}", ""]
            elif style.startswith("Heading") and style[7:].strip().isdigit():
                lines += ["#" * min(6, int(style[7:])) + f" {text}", ""]
            elif style.startswith("List"):
                lines.append(f"- {text}")
            else:
                lines += [text, ""]
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
    text = normalise_newlines("\n".join(lines)).strip()
    if not text:
        return [raw.reject("the docx file has no text")]
    title = document.core_properties.title or None
    return read_document(raw, markdown=True, text=text + "\n", title=title)


class _ToDebug(logging.Handler):
    """Passes pypdf's warnings on to this module's log at debug level, named by file.

    Without it pypdf's warnings ("EOF marker not found") reach stderr through
    logging's last-resort handler, beside the clear rejection the reader gives.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.file_name = name

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s: pypdf: %s", self.file_name, record.getMessage())


@contextlib.contextmanager
def _pypdf_warnings_to_debug(name: str) -> Iterator[None]:
    pypdf_log = logging.getLogger("pypdf")
    handler = _ToDebug(name)
    propagate = pypdf_log.propagate
    pypdf_log.addHandler(handler)
    pypdf_log.propagate = False
    try:
        yield
    finally:
        pypdf_log.removeHandler(handler)
        pypdf_log.propagate = propagate


def read_pdf(raw: RawFile) -> list[ReadItem]:
    """Read the text layer of a PDF as a document."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with _pypdf_warnings_to_debug(raw.path):
            reader = PdfReader(io.BytesIO(raw.data))
            if reader.is_encrypted and not reader.decrypt(""):
                return [raw.reject("the PDF is encrypted; save an unencrypted copy")]
            pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:  # pypdf raises many kinds on a damaged file
        kind = "damaged or cut off" if isinstance(error, PdfReadError) else type(error).__name__
        return [raw.reject(f"not a readable PDF ({kind}); re-export it")]
    page_starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page in pages:
        page_text = normalise_newlines(page).strip()
        page_starts.append(offset)
        parts.append(page_text)
        offset += len(page_text) + 2
    text = "\n\n".join(parts)
    if not text.strip():
        return [raw.reject("the PDF has no text layer (a scan?); run OCR on it first")]
    metadata = reader.metadata
    title = str(metadata.title) if metadata is not None and metadata.title else None
    return read_document(
        raw, markdown=False, text=text + "\n", title=title, page_starts=page_starts
    )
