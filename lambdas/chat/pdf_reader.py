"""One PDF read with pypdf (the `documents` layer: lambdas/requirements-documents.txt), under limits against files built to
exhaust their reader, for both its users: the guardrail's read check (chat/document_text.py: each page's text) and the
turn's token bound (chat/file_tokens.py: how much text, how many pages, which pictures).

Limits: a PDF's streams are compressed (a "flate bomb"): pypdf stops any one stream at its configured output limit
(LimitReachedError; pypdf's Configuration), lowered here to STREAM_BYTES; each page's content streams and form XObjects
are unpacked one by one first (pypdf keeps them) against UNPACKED_BYTES for the whole document; and reading stops once
it took SECONDS. Each is a refusal (PdfRefusedError), as a zip bomb is. An encrypted PDF that does not open with an
empty password, or a damaged one, is unreadable (PdfUnreadableError).

The counts of each PDF read in full are kept (a few integers, by the bytes' SHA-256): the turn reads its documents'
text before it makes its estimate (chat/turn.py `_plan`), so the estimate takes this turn's PDFs' counts without
parsing them again; a PDF the window resends from an earlier turn is read here once more (same limits) unless known.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STREAM_BYTES = 10_000_000  # one unpacked PDF stream (a page's text is far smaller)
UNPACKED_BYTES = 50_000_000  # every page's content streams and form XObjects, unpacked
SECONDS = 8.0  # all pages' text; the function has 29 s for the whole turn
_KEPT = 64  # counts kept (a warm function serves many turns; each entry is a few integers)
_known: OrderedDict[bytes, PdfCounts] = OrderedDict()


class PdfUnreadableError(Exception):
    """The PDF cannot be read (damaged, or encrypted with a password)."""


class PdfRefusedError(Exception):
    """The PDF is over the reader's limits (a decompression bomb, too slow to read)."""


class _CallerStopError(Exception):
    """An error raised by read_pdf's `page_text`, carried past its catch-all for the PDF's own errors."""

    def __init__(self, err: Exception) -> None:
        super().__init__(str(err))
        self.err = err


@dataclass(frozen=True)
class PdfCounts:
    text_chars: int  # the characters pypdf extracts from every page's text layer, unfolded
    pages: int
    pictures: tuple[tuple[int, int], ...]  # (width, height) of each image XObject each page (or a form on it) draws


def known_counts(data: bytes) -> PdfCounts | None:
    """The counts of an earlier reading of these bytes in full, if still kept."""
    return _known.get(_digest(data))


def pdf_counts(data: bytes) -> PdfCounts:
    """The PDF's counts, kept from an earlier reading of the same bytes or read now; raises PdfUnreadableError or
    PdfRefusedError."""
    known = known_counts(data)
    return known if known is not None else read_pdf(data)


def read_pdf(data: bytes, page_text: Callable[[str], None] | None = None) -> PdfCounts:
    """Read every page, giving each page's text to `page_text` as it is read (which may raise to stop reading); the
    counts are kept for `pdf_counts`. pypdf is imported here: only a turn with a PDF pays for the import."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    kinds = ("zlib", "lzw", "run_length", "brotli", "array_based_stream")
    limits: dict[str, Any] = {f"{kind}_maximum_output_length": STREAM_BYTES for kind in kinds}
    budget = _Budget()
    chars, pictures = 0, []
    try:
        with apply_configuration(None, **limits):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise PdfUnreadableError("the PDF is encrypted (it does not open without a password)")
            for page in reader.pages:
                forms, images = _page_xobjects(page)
                for stream in _page_contents(page) + forms:
                    budget.spend(len(stream.get_data()))
                pictures += [_size(image) for image in images]
                text = page.extract_text() or ""
                chars += len(text)
                if page_text is not None:
                    try:
                        page_text(text)
                    except Exception as err:  # the caller's own stop (e.g. too much text): passed on as it is
                        raise _CallerStopError(err) from err
                budget.spend(0)
            pages = len(reader.pages)
    except _CallerStopError as stop:
        raise stop.err from None
    except (PdfUnreadableError, PdfRefusedError):
        raise
    except LimitReachedError as err:
        # Mostly a stream that unpacks past the limit; also pypdf's other structure caps (arrays, page tree depth).
        raise PdfRefusedError(f"it is over the PDF reader's limits (a stream may unpack to at most {STREAM_BYTES:,} bytes)") from err
    except Exception as err:
        # The bytes are the user's: whatever pypdf raises on them (its PyPdfError; its DependencyError, which is not
        # one, for a JBIG2 stream without the jbig2dec program; plain errors from deep inside a malformed object) means
        # the PDF cannot be read here, a 400 naming it, never a 5xx.
        raise PdfUnreadableError(f"the PDF cannot be read ({type(err).__name__})") from err
    counts = PdfCounts(chars, pages, tuple(pictures))
    _known[_digest(data)] = counts
    while len(_known) > _KEPT:
        _known.popitem(last=False)
    return counts


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class _Budget:
    """What reading a PDF may still unpack, and until when."""

    def __init__(self) -> None:
        self.left, self.until = UNPACKED_BYTES, time.monotonic() + SECONDS

    def spend(self, unpacked: int) -> None:
        self.left -= unpacked
        if self.left < 0:
            raise PdfRefusedError(f"its pages unpack to more than {UNPACKED_BYTES:,} bytes")
        if time.monotonic() > self.until:
            raise PdfRefusedError(f"its pages take more than {SECONDS:.0f} s to read")


def _page_contents(page: Any) -> list[Any]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    found = contents.get_object()
    return [s.get_object() for s in found] if isinstance(found, list) else [found]


def _xobjects(holder: Any) -> list[Any]:
    resources = holder.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    return [] if xobjects is None else [x.get_object() for x in xobjects.get_object().values()]


def _page_xobjects(page: Any) -> tuple[list[Any], list[Any]]:
    """(the form XObjects the page's resources name, the image XObjects the page or those forms name): one level of
    forms, what a page draws directly; an image reached from several pages counts on each."""
    named = _xobjects(page)
    forms = [x for x in named if x.get("/Subtype") == "/Form"]
    images = [x for x in named if x.get("/Subtype") == "/Image"]
    images += [x for form in forms for x in _xobjects(form) if x.get("/Subtype") == "/Image"]
    return forms, images


def _size(image: Any) -> tuple[int, int]:
    """An image's /Width and /Height (required by ISO 32000-1 §8.9.5); a picture without them counts as Converse's
    largest image, 8,000 x 8,000 px, as an image file whose header cannot be read does (chat/file_tokens.py)."""
    width, height = image.get("/Width"), image.get("/Height")
    width, height = (v.get_object() if v is not None else None for v in (width, height))
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        return (8_000, 8_000)
    return (int(width), int(height))
