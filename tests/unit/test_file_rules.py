"""Files in chat, the pure rules: document names Converse accepts, formats by first bytes, the window's byte budget."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from chat.file_blocks import _within_budget
from chat.file_rules import DOCUMENT_NAME, FORMATS, content_matches, document_name, image_size, key_name
from common.runtime_config import ChatModelSpec, FileSupport


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("Q3 report_final.pdf", "Q3 report-final"),
        ("John's  report (v2).docx", "John-s report (v2)"),
        ("분기보고서.pdf", "document-1"),
        ("invoice #123 [draft].txt", "invoice -123 [draft]"),
        (".pdf", "document-1"),
    ],
)
def test_given_a_file_name_when_naming_the_document_then_only_characters_converse_accepts(file_name, expected):
    name = document_name(file_name, 1, set())
    assert name == expected
    assert DOCUMENT_NAME.fullmatch(name)
    assert len(name) <= 200


def test_given_two_files_with_one_stem_when_naming_then_the_names_differ():
    taken: set[str] = set()
    assert [document_name("a.pdf", 1, taken), document_name("a.txt", 2, taken)] == ["a", "a (2)"]


def test_given_a_path_in_a_file_name_when_keying_then_only_the_last_part_stays():
    assert key_name("../../etc/passwd .png") == "passwd-.png"
    assert key_name("C:\\Users\\me\\화면 캡처.png") == "화면-캡처.png"


def _zip(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(part, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("extension", "good", "bad"),
    [
        (".pdf", b"%PDF-1.7\n", b"<html>"),
        (".docx", _zip("word/document.xml"), _zip("xl/workbook.xml")),
        (".xlsx", _zip("xl/workbook.xml"), b"%PDF-1.7"),
        (".txt", "한글 메모".encode(), b"\x00\x01binary"),
        (".gif", b"GIF89a\x01\x00\x01\x00", b"\x89PNG\r\n\x1a\n"),
    ],
)
def test_given_bytes_when_matching_the_extension_then_only_the_real_format_passes(extension, good, bad):
    assert content_matches(FORMATS[extension], good)
    assert not content_matches(FORMATS[extension], bad)


@pytest.mark.parametrize(("pil_format", "converse_format"), [("PNG", "png"), ("JPEG", "jpeg"), ("GIF", "gif"), ("WEBP", "webp")])
def test_given_an_image_when_reading_its_header_then_width_and_height(pil_format, converse_format):
    out = io.BytesIO()
    Image.new("RGB", (321, 123)).save(out, format=pil_format)
    assert image_size(out.getvalue(), converse_format) == (321, 123)


def _model(images: bool = True, documents: bool = True) -> ChatModelSpec:
    return ChatModelSpec.model_validate(
        {
            "id": "m",
            "name": "M",
            "family": "anthropic",
            "max_output_tokens": 10,
            "params": {"temperature": None, "top_p": None, "top_k": None},
            "temperature_with_top_p": False,
            "max_stop_sequences": 4,
            "output_tokens_per_second": 10,
            "price": {"input_per_million": 1, "output_per_million": 1},
            "files": FileSupport(images=images, documents=documents).model_dump(),
        }
    )


def _message(*files: tuple[str, int]) -> dict:
    return {"role": "user", "content": "x", "attachments": [{"key": f"attachments/u/id123456/{k}", "name": k, "size": n} for k, n in files]}


def test_given_earlier_files_when_the_budget_is_small_then_only_the_newest_whole_messages_that_fit_are_resent():
    history = [_message(("old.png", 500)), {"role": "assistant", "content": "y"}, _message(("new.pdf", 300), ("new.png", 300))]
    keys = _within_budget(history, _model(), budget=700)
    assert keys == {"attachments/u/id123456/new.pdf", "attachments/u/id123456/new.png"}  # 600 fit, the old 500 would not
    assert _within_budget(history, _model(), budget=0) == set()
    assert _within_budget(history, _model(documents=False), budget=1_000) == {
        "attachments/u/id123456/new.png",
        "attachments/u/id123456/old.png",
    }
