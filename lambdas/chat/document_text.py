"""The text inside an attached document, for the guardrail's read check (chat/document_checks.py).

What is read, per format (the formats chat/file_rules.py accepts):
- txt, md, csv: the bytes as UTF-8 (a leading byte order mark dropped), so Korean reads intact. No other encoding gets
  here: chat/file_rules.content_matches refuses a text file that is not valid UTF-8 or holds NUL bytes (EUC-KR,
  UTF-16) with a 400 before anything is read, so nothing is decoded by guesswork.
- html: what a reader of the page sees (the stdlib's html.parser): text outside <script>, <style> and <template>,
  plus comments and the alt/title attributes, where an instruction can hide from a reader but not from a model.
- pdf: the text layer of every page (pypdf, pure Python: lambdas/requirements-documents.txt). A scanned page has no
  text layer and gives nothing; an encrypted PDF that does not open with an empty password is unreadable; a stream
  that unpacks past chat/pdf_reader.py's STREAM_BYTES, or pages that take more than its SECONDS, are refused
  (RefusedError).
- docx, xlsx: the text of the Office Open XML parts, read safely (chat/ooxml_text.py).
- doc, xls: the legacy binary Office formats (OLE2 compound files) have no safe pure-Python reader here: unreadable.

Whitespace runs are folded (a space for spaces and tabs, at most one blank line), so layout padding costs no text
units. The text may have at most `max_chars` characters (guardrail.read_checks.max_document_chars); reading stops
soon after a longer one is seen (TooLongError), so a huge document costs little work.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from chat.ooxml_text import ArchiveRefusedError, ArchiveUnreadableError, ooxml_text
from chat.pdf_reader import PdfRefusedError, PdfUnreadableError, read_pdf

LEGACY = frozenset({"doc", "xls"})
_TEXT_FORMATS = frozenset({"txt", "md", "csv"})
_SPACES = re.compile(r"[^\S\n]+")
_LINE_ENDS = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class UnreadableError(Exception):
    """The document's text cannot be read (a legacy format, a damaged or encrypted file)."""


class TooLongError(Exception):
    """The document has more text than the check takes."""


class RefusedError(Exception):
    """A file built to exhaust its reader (a zip bomb, XML entity expansion): always refused."""


def document_text(file_format: str, data: bytes, max_chars: int) -> str:
    """The document's text, folded; raises UnreadableError, TooLongError or RefusedError."""
    if file_format in LEGACY:
        raise UnreadableError(f"the legacy .{file_format} format cannot be read safely")
    collected = _Collector(max_chars)
    if file_format in _TEXT_FORMATS:
        collected.add(_utf8(data))
    elif file_format == "html":
        _Html(collected).read(_utf8(data))
    elif file_format == "pdf":
        _pdf_text(data, collected)
    elif file_format in ("docx", "xlsx"):
        try:
            ooxml_text(data, file_format == "docx", collected.add)
        except ArchiveRefusedError as err:
            raise RefusedError(str(err)) from err
        except ArchiveUnreadableError as err:
            raise UnreadableError(f"the .{file_format} file is damaged or encrypted ({err})") from err
    else:
        raise UnreadableError(f"no reader for {file_format}")
    return collected.text()


class _Collector:
    """The pieces read so far; TooLongError once the folded text passes the cap (checked as pieces come, stopping early)."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars, self.raw = max_chars, 0
        self.pieces: list[str] = []

    def add(self, piece: str) -> None:
        self.pieces.append(piece)
        self.raw += len(piece)
        if self.raw > 2 * self.max_chars + 10_000:  # fold now and then: padding must not end a document early
            folded = self.text()
            self.pieces, self.raw = [folded], len(folded)

    def text(self) -> str:
        folded = _BLANK_LINES.sub("\n\n", _LINE_ENDS.sub("\n", _SPACES.sub(" ", "".join(self.pieces)))).strip()
        if len(folded) > self.max_chars:
            raise TooLongError(f"more than {self.max_chars:,} characters of text")
        return folded


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:  # file_rules refuses these first; kept for a caller that did not
        raise UnreadableError("the text is not UTF-8") from err


class _Html(HTMLParser):
    _HIDDEN = frozenset({"script", "style", "template"})
    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table"})

    def __init__(self, collected: _Collector) -> None:
        super().__init__(convert_charrefs=True)
        self.collected, self.hidden = collected, 0

    def read(self, text: str) -> None:
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in ("alt", "title") and value:
                self.collected.add(f" {value} ")
        if tag in self._BLOCKS:
            self.collected.add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in self._BLOCKS:
            self.collected.add("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.collected.add(data)

    def handle_comment(self, data: str) -> None:
        self.collected.add(f"\n{data}\n")


def _pdf_text(data: bytes, collected: _Collector) -> None:
    """Each page's text layer, in page order, read under chat/pdf_reader.py's limits (whose counts the turn's token
    bound then takes without reading the PDF again)."""

    def add(text: str) -> None:
        collected.add(text)
        collected.add("\n\n")

    try:
        read_pdf(data, add)
    except PdfRefusedError as err:
        raise RefusedError(str(err)) from err
    except PdfUnreadableError as err:
        raise UnreadableError(str(err)) from err
