"""The text inside a .docx or .xlsx file (Office Open XML: a zip of XML parts), read without trusting the archive.

Which parts: Word's body, headers, footers, footnotes, endnotes and comments (word/*.xml); Excel's shared strings,
worksheets (inline strings, and formula results that are text) and comments; and the document properties
(docProps/core.xml: title, subject, keywords, description...). Text is what the text elements hold (w:t, a:t in text
boxes and shapes, Excel's t), Word's deleted text and field codes included: a model given the file may read them too.

The archive is untrusted (a zip bomb packs gigabytes into a few kilobytes; the file is at most 4.5 MB here):
- at most MAX_PARTS entries, and the parts read unpack to at most MAX_UNPACKED_BYTES in total: the sizes the archive
  declares are summed first, then the bytes actually inflated are counted (a declared size can lie) and reading stops
  at the cap;
- XML is parsed by the stdlib's expat as a stream (never into a tree), and a document type declaration is an error
  before anything in it is read. OOXML parts never have one: "DTD declarations shall not be used ... Package
  implementers ... shall treat the presence of DTD declarations as an error" (ECMA-376 Part 2, Open Packaging
  Conventions, [M1.18]). So entity expansion ("billion laughs", "quadratic blowup") and external entities cannot
  happen whatever the runtime's expat version (https://docs.python.org/3/library/xml.html#xml-security: "Expat versions
  lower than 2.7.2 may be vulnerable"). That is defusedxml's forbid_dtd, without adding a dependency.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO
from xml.parsers import expat

MAX_PARTS = 10_000  # entries in the archive (a real .docx has tens; zipfile reads every central directory entry)
MAX_UNPACKED_BYTES = 20_000_000  # the XML parts read, unpacked: far above any document whose text fits the checked cap
_CHUNK = 64 * 1024

_WORD = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments[A-Za-z]*)\.xml$")
_EXCEL = re.compile(r"^xl/(sharedStrings|worksheets/sheet\d+|comments\d*|threadedComments/threadedComment\d*)\.xml$")
_PROPERTIES = "docProps/core.xml"
_TEXT = frozenset({"t", "delText", "instrText", "text"})  # Word and DrawingML runs, Excel strings, threaded comments
_CORE = frozenset({"title", "subject", "keywords", "description", "creator", "category"})
_BREAKS = frozenset({"p", "br", "cr", "tr", "si", "row", "comment", "threadedComment"})
ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError, zlib.error)


class ArchiveRefusedError(Exception):
    """An archive built to exhaust its reader: too many entries, parts that unpack past the cap, or XML that declares a
    document type (entity expansion). Never read, whatever guardrail.read_checks.unreadable_documents says."""


class ArchiveUnreadableError(Exception):
    """Not a zip this can read (damaged, encrypted, a compression zipfile lacks), or XML that is not well formed."""


def ooxml_text(data: bytes, word: bool, add: Callable[[str], None]) -> None:
    """Every text piece of a .docx (`word`) or an .xlsx, part by part, handed to `add` (which may raise to stop)."""
    pattern = _WORD if word else _EXCEL
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS:
                raise ArchiveRefusedError(f"it has {len(entries):,} parts; at most {MAX_PARTS:,} are read")
            parts = sorted((e for e in entries if pattern.match(e.filename) or e.filename == _PROPERTIES), key=_order)
            if sum(e.file_size for e in parts) > MAX_UNPACKED_BYTES:
                raise ArchiveRefusedError(f"its text parts unpack to more than {MAX_UNPACKED_BYTES:,} bytes")
            budget = [MAX_UNPACKED_BYTES]
            for entry in parts:
                with archive.open(entry) as part:
                    _parse(_bounded(part, budget), entry.filename == _PROPERTIES, add)
    except ARCHIVE_ERRORS as err:  # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression
        raise ArchiveUnreadableError(str(err) or type(err).__name__) from err


def _order(entry: zipfile.ZipInfo) -> tuple[int, str]:
    """The body first, then the other parts by name, numbers as numbers (sheet2 before sheet10)."""
    first = entry.filename in ("word/document.xml", "xl/sharedStrings.xml")
    return (0 if first else 1, re.sub(r"\d+", lambda m: m.group().zfill(6), entry.filename))


def _bounded(part: IO[bytes], budget: list[int]) -> Iterator[bytes]:
    """The part's bytes in chunks, each charged to the archive's budget; past it, ArchiveRefusedError."""
    while chunk := part.read(_CHUNK):
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise ArchiveRefusedError(f"its text parts unpack to more than {MAX_UNPACKED_BYTES:,} bytes")
        yield chunk


class _RefusedError(Exception):
    pass


def _refuse(*_: object) -> int:
    raise _RefusedError("its XML declares a document type (OOXML parts never do; entities could expand without bound)")


class _Reader:
    """Expat handlers: text inside the wanted elements goes to `add`, with a line break after paragraphs and rows."""

    def __init__(self, properties: bool, add: Callable[[str], None]) -> None:
        self.wanted, self.properties, self.add = (_CORE if properties else _TEXT), properties, add
        self.depth = 0
        self.text_cell = False  # an Excel cell whose <v> is text (t="str": a formula's string result)

    def _counted(self, local: str) -> bool:
        return local in self.wanted or (local == "v" and self.text_cell)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "c":
            self.text_cell = attributes.get("t") == "str"
        if self._counted(local):
            self.depth += 1
        elif local == "tab":
            self.add("\t")

    def end(self, name: str) -> None:
        local = name.rsplit(" ", 1)[-1]
        if self._counted(local):
            self.depth -= 1
        if local in _BREAKS or self.properties:
            self.add("\n")
        elif local == "c":
            self.add("\t")

    def data(self, text: str) -> None:
        if self.depth > 0:
            self.add(text)


def _parse(chunks: Iterator[bytes], properties: bool, add: Callable[[str], None]) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    reader = _Reader(properties, add)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _RefusedError as err:
        raise ArchiveRefusedError(str(err)) from err
    except expat.ExpatError as err:
        raise ArchiveUnreadableError(str(err)) from err
