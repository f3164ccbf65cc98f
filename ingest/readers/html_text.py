"""HTML to readable text, written as light markdown so the document reader sees its structure.

The standard library's :class:`html.parser.HTMLParser` is enough: we need
the text and its blocks, not a DOM. Headings become ``#`` lines, list items
``- `` lines, table rows ``| a | b |`` lines, paragraphs and ``<br>`` line
breaks; ``script``, ``style``, ``head`` (except ``<title>``), ``template``
and ``noscript`` are dropped; entities are decoded; runs of white space
inside a block collapse to one space (``<pre>`` keeps its own).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "template", "noscript", "svg"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
    "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "form", "fieldset",
    "address", "figure", "figcaption", "hr", "body", "html",
}  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._line: list[str] = []
        self._skip = 0
        self._pre = 0
        self._in_title = False
        self.title: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def _flush(self, blank: bool = True) -> None:
        line = "".join(self._line)
        line = line if self._pre else re.sub(r"[ \t\r\n\f]+", " ", line).strip()
        if line:
            self.blocks.append(line)
        if blank and self.blocks and self.blocks[-1] != "":
            self.blocks.append("")
        self._line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "br":
            self._flush(blank=False)
        elif tag in _HEADINGS:
            self._flush()
            self._line.append("#" * _HEADINGS[tag] + " ")
        elif tag == "li":
            self._flush(blank=False)
            self._line.append("- ")
        elif tag == "tr":
            self._flush(blank=False)
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre":
            self._flush()
            self._pre += 1
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if any(self._row):
                self.blocks.append("| " + " | ".join(self._row) + " |")
            self._row = None
        elif tag == "pre":
            self._flush()
            self._pre = max(0, self._pre - 1)
        elif tag in _HEADINGS or tag in _BLOCK:
            self._flush()
        elif tag == "li":
            self._flush(blank=False)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self._line.append(data)


def html_to_text(markup: str) -> tuple[str, str | None]:
    """The text of an HTML document (module doc) and its ``<title>``, if any."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    parser._flush()
    text = "\n".join(parser.blocks)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text + "\n" if text else "", parser.title or None
