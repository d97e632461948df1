"""What a PDF can show a model, counted from its bytes with the standard library (no PDF library in the Lambda): the most
characters of text, the pages, and the pictures it holds. chat/file_tokens.py turns them into tokens.

Text: a PDF's text is the string operands of its content streams (`(...)` literal and `<...>` hex strings shown by
Tj/TJ/'/"; ISO 32000-1 §9.4.3), each byte one character code at most (two-byte codes of CID fonts: fewer). So the text
is at most the bytes of every string in the file, after inflating FlateDecode streams (§7.4.4), plus one separator per
string (an extractor may put a space or line break between runs). Counted anywhere but in streams that cannot hold
text a model is shown: pictures (/Subtype /Image: counted as pictures instead), embedded fonts, metadata, cross-reference
and embedded-file streams. Counting too much is safe: an unrecognised stream is counted as if it were text.
Not a guarantee: a font whose ToUnicode map turns one code into several characters (ligatures such as "ffi") can
extract more characters than its codes; the product accepts this, as it accepts one token a character for text
(common/usage/estimate.py).

Pages: the /Type /Page objects (in object streams too), or the page tree's largest /Count, whichever is more.

A stream this module cannot decode (a filter other than FlateDecode, an encrypted file, damaged data) makes `counts`
answer None: the caller then bounds the document by its size instead.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

# Bytes inflated per document at most: past it the text is taken as this many characters, far more than any model's
# context window holds (a decompression bomb, or a document no model would take whole), and reading stops.
MAX_INFLATED = 16_000_000
_STREAM = re.compile(rb"stream(?:\r\n|\n)")  # "endstream" is skipped by position (a look-behind is 40x slower)
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NOT_TEXT = re.compile(rb"/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType|XML)\b|/Length[123]\b|/Type\s*/(?:Metadata|XRef|EmbeddedFile)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_WIDTH = re.compile(rb"/Width\s+(\d+)")
_HEIGHT = re.compile(rb"/Height\s+(\d+)")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_PARENS = re.compile(rb"[()]")
_OPEN, _CLOSE = re.compile(rb"\("), re.compile(rb"\)")
_ESCAPED = re.compile(rb"\\.", re.DOTALL)
_NOT_PARENS = bytes(b for b in range(256) if b not in b"()")
_IMAGE_FILTERS = (b"/DCTDecode", b"/JPXDecode", b"/CCITTFaxDecode", b"/JBIG2Decode")


class UnreadableError(Exception):
    """A stream this module cannot decode."""


class _TooLargeError(Exception):
    """MAX_INFLATED reached."""


@dataclass
class PdfCounts:
    text_chars: int = 0  # the most characters of text (module docstring)
    pages: int = 0
    pictures: list[tuple[int, int]] = field(default_factory=list)  # (width, height) of each image XObject
    _inflated: int = 0
    _page_objects: int = 0
    _page_counts: list[int] = field(default_factory=list)


def counts(data: bytes) -> PdfCounts | None:
    """The PDF's counts, or None when a stream cannot be decoded (module docstring)."""
    if b"/Encrypt" in data:
        return None  # strings and streams are encrypted: neither can be read (and Claude refuses such a PDF)
    found = PdfCounts()
    try:
        outside = 0
        for match in _STREAM.finditer(data):
            if match.start() < outside or data[match.start() - 3 : match.start()] == b"end":
                continue  # inside the stream just read, or its "endstream"
            start = match.end()
            end = data.find(b"endstream", start)
            if end < 0:
                end = len(data)
            head = data[data.rfind(b"obj", 0, match.start()) + 3 : match.start()]
            _read(data[outside : match.start()], found)  # dictionaries between streams: strings there count too
            _stream(head, data[start:end], found)
            outside = end
        _read(data[outside:], found)
    except UnreadableError:
        return None
    except _TooLargeError:
        found.text_chars = max(found.text_chars, MAX_INFLATED)
    found.pages = max([found._page_objects, *found._page_counts, 1])
    return found


def _stream(head: bytes, raw: bytes, found: PdfCounts) -> None:
    if _IMAGE.search(head):
        width, height = _WIDTH.search(head), _HEIGHT.search(head)
        found.pictures.append((int(width.group(1)) if width else 0, int(height.group(1)) if height else 0))
        return
    if _NOT_TEXT.search(head):
        return
    filters = _FILTER.search(head)
    names = re.findall(rb"/[A-Za-z0-9]+", filters.group(1)) if filters else []
    if any(name in _IMAGE_FILTERS for name in names):
        return  # picture data without /Subtype /Image (an inline image's stream): never text
    if not names:
        _read(raw, found)
    elif names == [b"/FlateDecode"]:
        _read(_inflate(raw, found), found)
    else:
        raise UnreadableError(b" ".join(names).decode("ascii", "replace"))


def _inflate(raw: bytes, found: PdfCounts) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, MAX_INFLATED - found._inflated + 1)
    except zlib.error as err:
        raise UnreadableError(str(err)) from err
    found._inflated += len(out)
    if found._inflated > MAX_INFLATED:
        raise _TooLargeError
    return out


def _read(chunk: bytes, found: PdfCounts) -> None:
    """Strings (literal and hex) and page objects in a piece of the file or of an inflated stream."""
    found._page_objects += len(_PAGE.findall(chunk))
    found._page_counts += [int(a or b) for a, b in _COUNT.findall(chunk)]
    found.text_chars += _literal_bytes(chunk)
    for hexa in _HEX.finditer(chunk):
        digits = len(hexa.group(1)) - sum(hexa.group(1).count(space) for space in (b" ", b"\n", b"\r", b"\t"))
        found.text_chars += (digits + 1) // 2 + 1


def _literal_bytes(chunk: bytes) -> int:
    """The bytes inside `( … )` strings (balanced parentheses, backslash escapes), plus one separator per string."""
    plain = _ESCAPED.sub(b"__", chunk)  # an escaped byte (\( \) \\ …) is string content: same length, no meaning
    opens = [m.start() for m in _OPEN.finditer(plain)]
    if plain.translate(None, _NOT_PARENS) == b"()" * len(opens):  # none nested, none left open: the common case
        return sum(m.start() for m in _CLOSE.finditer(plain)) - sum(opens)  # each string's bytes and one separator
    total, depth, start = 0, 0, 0
    for mark in _PARENS.finditer(plain):
        at = mark.start()
        if plain[at] == 0x28:
            if depth == 0:
                start = at
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                total += at - start
    if depth:
        total += len(plain) - start  # an unclosed string: the rest counts
    return total
