"""Turning the bytes of a file, a MIME part or a header word into text.

Real exports lie about their charset, or do not say, so decoding is a chain
of reasoned guesses that never crashes and says what it did:

1. **A byte-order mark wins.** UTF-8, UTF-16 and UTF-32 BOMs name their
   encoding; the BOM is removed.
2. **UTF-8 first.** Bytes that decode strictly as UTF-8 are UTF-8 whatever
   was declared: a non-ASCII GBK or Latin-1 text almost never forms valid
   UTF-8 by accident, whereas "declared Latin-1, written UTF-8" is common.
3. **Then the declared charset**, through :data:`CHARSET_ALIASES`: every
   name of the GB family (``gb2312``, ``gbk``, ``cp936``, ``euc-cn`` ...)
   decodes as GB18030, its superset, because mailers declare ``gb2312`` and
   write GBK characters; ASCII names (``us-ascii``, ``ANSI_X3.4-1968``)
   decode as ASCII.
4. **Then the fallback chain** for unknown, missing or failing charsets:
   GB18030 (accepted only when most non-ASCII characters it yields are
   CJK, so random Latin-1 bytes are not read as Chinese), then cp1252 with
   replacement characters for its five undefined bytes.

The last step always produces text, so a *plausibility check* decides
whether that text is real: when more than :data:`MAX_BAD_FRACTION` of the
characters (and more than :data:`MAX_BAD_ABSOLUTE`) are replacement
characters or control characters, the bytes are not text in any charset we
know and :class:`~semcrm.ingest.errors.RejectedInput` says so. The same
check runs on every decoding, so a file of NUL bytes that happens to be
valid UTF-8 is rejected too.

``fallback_needed`` is True when the declared charset (or, with none
declared, UTF-8) could not be used as it is: a lying ``gb2312`` label, an
unknown name, a missing declaration on non-UTF-8 bytes.

**Where UTF-8 broke.** When the bytes were declared or assumed UTF-8 (no
charset, ``utf-8``, ``us-ascii``, a UTF-8 BOM) and are not valid UTF-8,
the place of the first bad byte (:func:`first_invalid_utf8`: its line,
1-based, and byte offset, 0-based, in ``data``) is given: as the ``where``
and in the reason of a rejection, and in a log warning when a fallback
charset decoded the bytes (the log names the file by a hash,
:func:`~semcrm.ingest.errors.logged_name`, and never quotes the bytes).

**Normalised text.** Every decoded text goes through :func:`normalise_text`
before anything else sees it, so every later stage (readers, offsets, the
PII recognisers, the NLP pipeline, evidence quotes) works on one clean
text. It is the text a reader *sees*: invisible format characters are
removed (zero-width space, non-joiner and joiner, word joiner, BOM, soft
hyphen, bidi embeddings, overrides and isolates: Unicode category Cf),
except a zero-width joiner or tag character inside an emoji sequence and a
joiner or non-joiner between letters of scripts that need them (Arabic,
Indic); combining marks on an ASCII digit are removed (a digit has no
accented form, so ``1\u0301`` is a 1); then the text is put in NFC, so an
accented letter has one encoding. Done here, once, because the alternative
(each recogniser skipping these characters) would leave the NLP, the store
and the API with text in which ``价\u200b格`` is not ``价格``. The PII stage
folds them out once more for text that never passed through here (HTML
character references, docx, PDF, file names; see
:mod:`semcrm.ingest.pii.invisible`).
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

from semcrm.ingest.errors import RejectedInput, logged_name

log = logging.getLogger(__name__)

#: Declared names mapped to the codec actually used (lower-case keys).
CHARSET_ALIASES: dict[str, str] = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "gb18030": "gb18030",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso646-us": "ascii",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
}

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Text with more bad characters than this fraction (and this count) is rejected.
MAX_BAD_FRACTION = 0.01
MAX_BAD_ABSOLUTE = 2

#: Unicode category Cc except tab, LF, VT, FF and CR, plus U+FFFD.
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def canonical_charset(declared: str | None) -> str | None:
    """The codec name to use for a declared charset, or None if Python knows no such codec."""
    if not declared:
        return None
    name = declared.strip().strip("\"'").lower()
    if name in CHARSET_ALIASES:
        return CHARSET_ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def bad_character_count(text: str) -> int:
    """Replacement characters plus control characters other than tab and line ends."""
    return len(_BAD_CHARACTERS.findall(text))


def is_plausible_text(text: str) -> bool:
    """True unless the text has many replacement or control characters (see module doc)."""
    bad = bad_character_count(text)
    return bad <= MAX_BAD_ABSOLUTE or bad <= MAX_BAD_FRACTION * len(text)


_EMOJI = "\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff\ufe0f"
_JOINING_SCRIPTS = "\u0600-\u08ff\u0900-\u0dff\ufb50-\ufdff\ufe70-\ufefc"
#: Cf characters to remove: all of them except those an emoji or a joining script needs.
_FORMAT_CHARACTERS = re.compile(
    rf"(?<=[{_EMOJI}])\u200d(?=[{_EMOJI}])"  # keep: ZWJ inside an emoji sequence
    rf"|(?<=[{_JOINING_SCRIPTS}])[\u200c\u200d](?=[{_JOINING_SCRIPTS}])"  # keep: ZWNJ/ZWJ
    r"|(?<=[\U0001f3f4\U000e0020-\U000e007f])[\U000e0020-\U000e007f]"  # keep: flag tags
    r"|(?P<drop>[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f])"
)
_MARK_ON_DIGIT = re.compile(
    r"(?<=[0-9])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def normalise_text(text: str) -> str:
    """The decoded text as a reader sees it: no invisible format characters, NFC.

    See the module doc: Cf characters go (except inside emoji sequences and between
    letters of joining scripts), combining marks on ASCII digits go, then NFC.
    """
    if text.isascii():
        return text
    text = _FORMAT_CHARACTERS.sub(lambda m: "" if m.group("drop") else m.group(), text)
    text = _MARK_ON_DIGIT.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets are the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_chinese(text: str) -> bool:
    """Most non-ASCII characters are CJK ideographs, CJK punctuation or full-width forms."""
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return True
    cjk = sum(
        1
        for c in non_ascii
        if "\u4e00" <= c <= "\u9fff"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or "\u3400" <= c <= "\u4dbf"
    )
    return cjk >= 0.6 * len(non_ascii)


def first_invalid_utf8(data: bytes) -> tuple[int, int] | None:
    """``(line, byte offset)`` of the first byte of ``data`` that is not UTF-8, or None.

    The line is 1-based and counts LF, CRLF and lone CR as line ends (as
    :func:`normalise_newlines` does); the offset is 0-based from the start of ``data``.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        lone_cr = data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset)
        return data.count(b"\n", 0, offset) + lone_cr + 1, offset
    return None


def _utf8_place(data: bytes) -> str | None:
    """``"line 3, byte 57"`` for the first byte that is not UTF-8, or None."""
    place = first_invalid_utf8(data)
    return f"line {place[0]}, byte {place[1]}" if place else None


def _checked(
    text: str, charset: str, fallback: bool, path: str, utf8_place: str | None = None
) -> tuple[str, str, bool]:
    """Normalise and check the decoded text; ``utf8_place`` is where UTF-8 broke, if it did."""
    text = normalise_text(text)
    if not is_plausible_text(text):
        broke = f"; the first byte that is not UTF-8 is at {utf8_place}" if utf8_place else ""
        raise RejectedInput(
            path,
            f"not text: {bad_character_count(text)} of {len(text)} characters are control or "
            "undecodable bytes under every charset tried (UTF-8, the declared one, GB18030, "
            f"cp1252){broke}; if it is text, re-export it as UTF-8",
            utf8_place,
        )
    if utf8_place:
        log.warning(
            "%s: not valid UTF-8 from %s on; decoded as %s",
            logged_name(path),
            utf8_place,
            charset,
        )
    return text, charset, fallback


def decode_bytes(data: bytes, declared: str | None, path: str) -> tuple[str, str, bool]:
    """Decode ``data`` and return ``(text, charset_used, fallback_needed)``.

    The text is normalised (:func:`normalise_text`): no invisible format characters, NFC.

    Args:
        data (bytes): the bytes of a file, part or header word.
        declared (str | None): the charset the container claims, if any.
        path (str): the file, for the message of a rejection.

    Raises:
        RejectedInput: when no charset yields plausible text (see the module doc).
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            place = _utf8_place(data) if codec == "utf-8" else None  # offsets in data
            lossy = _strict(body, codec) is None
            text = body.decode(codec, errors="replace")
            charset = codec.removesuffix("-le").removesuffix("-be")
            return _checked(text, charset, lossy, path, place)

    wanted = canonical_charset(declared)
    ascii_only = data.isascii()

    text = _strict(data, "utf-8")
    if text is not None:
        if ascii_only:
            return _checked(text, "ascii" if wanted == "ascii" else "utf-8", False, path)
        ignored = bool(declared) and wanted != "utf-8"
        return _checked(text, "utf-8", ignored, path)

    # UTF-8 was declared or assumed: say where it broke (rejection or log warning).
    place = _utf8_place(data) if wanted in (None, "utf-8", "ascii") else None

    if wanted is not None and wanted not in ("utf-8", "ascii"):
        text = _strict(data, wanted)
        if text is not None:
            # gb2312 declared, GBK written: GB18030 reads it, but the label lied.
            as_declared = _strict(data, (declared or "").strip().strip("\"'").lower())
            lied = wanted == "gb18030" and as_declared is None
            return _checked(text, wanted, lied, path)

    text = _strict(data, "gb18030")
    if text is not None and _looks_chinese(text):
        return _checked(text, "gb18030", True, path, place)

    text = data.decode("cp1252", errors="replace")
    return _checked(text, "cp1252", True, path, place)
