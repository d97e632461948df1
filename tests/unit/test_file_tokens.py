"""The chat function's bound on attached files' input tokens (chat/file_tokens.py, chat/pdf_counts.py) is never less
than what the offline Bedrock reports for the same block on any model that reads files (local/bedrock_sim/file_tokens.py:
the documented formulas), and it follows the documented figures themselves."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pypdf
import pytest

from chat.file_tokens import CLAUDE_IMAGE_MAX, NOVA_IMAGE_MIN, document_tokens, files_tokens, image_tokens, sent_files
from chat.pdf_counts import MAX_INFLATED, counts
from infra.catalog.attachments import CONTENT_SUPPORT
from local.bedrock_sim.file_tokens import block_tokens
from tests import sample_files

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


def test_given_a_text_pdf_then_its_text_bound_is_close_to_what_a_reader_extracts_and_every_page_is_a_picture():
    data = sample_files.pdf(pages=4, lines=40)
    found = counts(data)
    extracted = sum(len(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert found is not None
    assert (found.pages, found.pictures) == (4, [(120, 90)])
    assert extracted <= found.text_chars <= extracted * 1.1
    assert document_tokens("anthropic", "pdf", data) == found.text_chars + 4 * CLAUDE_IMAGE_MAX + image_tokens("anthropic", 120, 90)


def test_given_pdfs_it_cannot_read_then_the_bound_falls_back_to_the_bytes_and_a_bomb_to_more_than_any_context():
    lzw = b"%PDF-1.4\n3 0 obj<</Filter/LZWDecode/Length 4>>stream\nabcd\nendstream endobj\n<</Type /Page>>\n%%EOF"
    assert counts(lzw) is None
    assert document_tokens("anthropic", "pdf", lzw) == len(lzw) + CLAUDE_IMAGE_MAX
    assert counts(b"%PDF-1.4\n<</Encrypt 5 0 R>>") is None
    bomb = zlib.compress(b"(" + b"a" * (MAX_INFLATED + 10) + b")")
    pdf = b"%PDF-1.4\n3 0 obj<</Filter/FlateDecode>>stream\n" + bomb + b"\nendstream endobj\n%%EOF"
    assert document_tokens("nova", "pdf", pdf) >= MAX_INFLATED  # far past any context window: such a turn is refused


def test_given_converse_messages_then_the_resent_files_are_found_in_plain_and_guarded_blocks():
    png, pdf = sample_files.picture((10, 10)), sample_files.pdf(pages=1)
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [{"guardContent": {"image": {"format": "png", "source": {"bytes": png}}}}, {"text": "a"}]},
        {"role": "assistant", "content": [{"text": "b"}]},
        {"role": "user", "content": [document("pdf", pdf), {"image": {"format": "png", "source": {"bytes": png}}}, {"text": "c"}]},
    ]
    assert sent_files(messages) == [("image", "png", png), ("document", "pdf", pdf), ("image", "png", png)]


def test_given_escaped_and_nested_strings_then_every_byte_inside_them_is_counted():
    content = b"BT (a\\(b) Tj [(x(y)z) 120 (c\\\\)] TJ <00410042> Tj ET"
    head = b"%PDF-1.4\n1 0 obj<</Length " + str(len(content)).encode() + b">>stream\n"
    found = counts(head + content + b"\nendstream endobj\n%%EOF")
    assert found is not None
    # a\(b: 4 bytes, x(y)z: 5, c\\: 3, the hex string: 4 bytes (two 2-byte codes); one separator after each string.
    assert found.text_chars == (4 + 1) + (5 + 1) + (3 + 1) + (4 + 1)
