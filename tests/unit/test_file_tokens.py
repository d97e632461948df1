"""The chat function's bound on attached files' input tokens (chat/file_tokens.py, chat/pdf_reader.py) is never less
than what the offline Bedrock reports for the same block on any model that reads files (local/bedrock_sim/file_tokens.py:
the documented formulas), and it follows the documented figures themselves."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from chat.document_text import document_text
from chat.file_tokens import CLAUDE_IMAGE_MAX, MAX_INFLATED, NOVA_IMAGE_MIN, document_tokens, files_tokens, image_tokens, sent_files
from chat.pdf_reader import PdfCounts, known_counts, pdf_counts
from infra.catalog.attachments import CONTENT_SUPPORT
from local.bedrock_sim.file_tokens import block_tokens
from tests import documents, sample_files

MODELS = sorted(CONTENT_SUPPORT)  # every model that reads files: Claude 4.5 to 5.5, Nova Lite/Pro, Nova 2 Lite
SIZES = [(1, 1), (28, 28), (29, 29), (200, 200), (800, 400), (900, 450), (1000, 1000), (1092, 1092), (1568, 1000)]
SIZES += [(1936, 1936), (2576, 1456), (2400, 1800), (300, 2700), (3200, 2400), (100, 8000), (8000, 100)]


def family(model_id: str) -> str:
    return "nova" if "nova" in model_id else "anthropic"


def document(fmt: str, data: bytes, *, citations: bool = True) -> dict[str, Any]:
    return {"document": {"format": fmt, "name": "doc", "source": {"bytes": data}, "citations": {"enabled": citations}}}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_given_a_picture_then_the_bound_is_at_least_what_each_model_reports(size, image_format):
    data = sample_files.picture(size, image_format, mode="L")
    fmt = image_format.lower()
    for model_id in MODELS:
        reported = block_tokens(model_id, {"image": {"format": fmt, "source": {"bytes": data}}}, data)
        assert files_tokens(family(model_id), [("image", fmt, data)]) >= reported, (model_id, size)


def test_given_the_documented_examples_then_the_image_bounds_follow_them():
    assert image_tokens("anthropic", 1000, 1000) == 1_334  # "1000x1000 px (1 megapixel) ~1334" tokens (width x height / 750)
    assert image_tokens("anthropic", 200, 200) == 64  # ceil(200/28)^2 patches: more than 200 x 200 / 750 = 54
    assert image_tokens("anthropic", 8000, 8000) == CLAUDE_IMAGE_MAX  # resized to the native resolution first
    assert image_tokens("nova", 900, 450) == NOVA_IMAGE_MIN >= 2_600  # the table's largest row, whatever the picture
    assert image_tokens("nova", 4000, 3000) == 30_000  # beyond the table: a token per 400 px


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("pdf", sample_files.pdf(pages=3)),
        ("pdf", sample_files.pdf(pages=6, picture_size=(1600, 1200))),
        ("pdf", sample_files.pdf(pages=1, picture_size=None)),
        ("pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
        ("docx", sample_files.docx()),
        ("xlsx", sample_files.xlsx(rows=400)),
        ("txt", sample_files.korean_text()),
        ("md", "# 메모\n- 연차\n".encode() * 300),
        ("csv", b"region,amount\n" + b"Seoul,100\n" * 500),
        ("html", b"<html><body>" + b"<p>policy</p>" * 400 + b"</body></html>"),
        ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40),
        ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 9000),
    ],
)
def test_given_a_document_then_the_bound_is_at_least_what_each_model_reports_with_or_without_citations(fmt, data):
    for model_id in MODELS:
        bound = document_tokens(family(model_id), fmt, data)
        for citations in (False, True):
            assert bound >= block_tokens(model_id, document(fmt, data, citations=citations), data), (model_id, fmt, citations)


def test_given_a_text_pdf_then_its_text_is_what_pypdf_extracts_and_every_page_is_a_picture():
    data = sample_files.pdf(pages=4, lines=40)
    extracted = sum(len(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert pdf_counts(data) == PdfCounts(extracted, 4, ((120, 90),))
    assert document_tokens("anthropic", "pdf", data) == extracted + 4 * CLAUDE_IMAGE_MAX + image_tokens("anthropic", 120, 90)


def test_given_a_pdf_whose_text_stream_is_not_flate_encoded_then_its_text_is_counted_not_its_bytes():
    shown = b"BT /F1 12 Tf 72 700 Td (Quarterly report: revenue grew 12 percent) Tj ET"
    data = _one_page_pdf(b"<< /Filter /ASCIIHexDecode /Length %d >>" % (2 * len(shown) + 1), shown.hex().encode() + b">")
    extracted = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert extracted == "Quarterly report: revenue grew 12 percent"
    for model_id in MODELS:
        bound = document_tokens(family(model_id), "pdf", data)
        assert bound == len(extracted) + (NOVA_IMAGE_MIN if "nova" in model_id else CLAUDE_IMAGE_MAX)  # not its bytes
        assert bound >= block_tokens(model_id, document("pdf", data), data)


def test_given_a_pdf_with_a_picture_inside_a_form_then_the_picture_counts():
    picture = b"<< /Type /XObject /Subtype /Image /Width 1600 /Height 1200 /ColorSpace /DeviceGray /BitsPerComponent 8"
    picture += b" /Length 1 >>\nstream\n\x00\nendstream"
    form = b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Im1 6 0 R >> >> /Length 7 >>"
    form += b"\nstream\n/Im1 Do\nendstream"
    data = _one_page_pdf(b"<< /Length 7 >>", b"/Fm1 Do", b" /XObject << /Fm1 5 0 R >>", [form, picture])
    assert pdf_counts(data) == PdfCounts(0, 1, ((1600, 1200),))
    assert document_tokens("nova", "pdf", data) == NOVA_IMAGE_MIN + image_tokens("nova", 1600, 1200)


def test_given_a_pdf_the_read_check_read_then_its_counts_are_known_without_reading_it_again():
    data = sample_files.pdf(pages=5, lines=7)  # no other test reads this one
    assert known_counts(data) is None
    document_text("pdf", data, 50_000)
    extracted = sum(len(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert known_counts(data) == PdfCounts(extracted, 5, ((120, 90),))


def test_given_pdfs_it_cannot_read_then_the_bound_falls_back_to_the_bytes_and_a_bomb_to_more_than_any_context():
    damaged = b"%PDF-1.4\n3 0 obj<</Filter/FlateDecode/Length 4>>stream\nabcd\nendstream endobj\n<</Type /Page>>\n%%EOF"
    assert document_tokens("anthropic", "pdf", damaged) == len(damaged) + CLAUDE_IMAGE_MAX
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(sample_files.pdf(pages=3)))
    writer.encrypt("secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert document_tokens("nova", "pdf", locked.getvalue()) >= len(locked.getvalue()) + 3 * NOVA_IMAGE_MIN
    bomb = documents.pdf_bomb(20_000_000)  # one stream unpacking past the reader's limit
    assert document_tokens("nova", "pdf", bomb) >= MAX_INFLATED  # far past any context window: such a turn is refused


def _one_page_pdf(head: bytes, content: bytes, resources: bytes = b"", extra: tuple[bytes, ...] | list[bytes] = ()) -> bytes:
    """A one-page PDF (objects 1-4: catalog, pages, page, content stream; `extra` from object 5 on)."""
    font = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << %s%s >> /Contents 4 0 R >>" % (font, resources),
        head + b"\nstream\n" + content + b"\nendstream",
        *extra,
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_given_converse_messages_then_the_resent_files_are_found_in_plain_and_guarded_blocks():
    png, pdf = sample_files.picture((10, 10)), sample_files.pdf(pages=1)
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [{"guardContent": {"image": {"format": "png", "source": {"bytes": png}}}}, {"text": "a"}]},
        {"role": "assistant", "content": [{"text": "b"}]},
        {"role": "user", "content": [document("pdf", pdf), {"image": {"format": "png", "source": {"bytes": png}}}, {"text": "c"}]},
    ]
    assert sent_files(messages) == [("image", "png", png), ("document", "pdf", pdf), ("image", "png", png)]


def test_given_a_docx_damaged_inside_its_text_part_then_it_counts_as_its_bytes_never_an_error():
    """Read checks off, nothing else opens the archive before the estimate: a zlib error must not become a 5xx."""
    damaged = bytearray(documents.docx(["hello world " * 200]))
    start = damaged.find(b"word/document.xml") + len(b"word/document.xml") + 10
    damaged[start : start + 40] = bytes(b ^ 0xFF for b in damaged[start : start + 40])

    assert document_tokens("claude", "docx", bytes(damaged)) == len(damaged)
