"""Files for chat tests, made here byte by byte: pictures (Pillow), a PDF with text pages and a picture (written by
hand, as ISO 32000-1 lays one out: pypdf reads its text back), and docx/xlsx packages (ZIP of the XML parts Word and
Excel write)."""

from __future__ import annotations

import io
import zipfile
import zlib

from PIL import Image

SENTENCE = "The quarterly report covers revenue, costs and the outlook for the next year in detail."


def picture(size: tuple[int, int], image_format: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 90 if mode == "L" else (30, 120, 200)).save(out, format=image_format)
    return out.getvalue()


def pdf(pages: int = 2, lines: int = 30, picture_size: tuple[int, int] | None = (120, 90)) -> bytes:
    """A PDF of `pages` letter pages, each `lines` lines of Helvetica text, the first with an RGB picture."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    image = None
    if picture_size:
        w, h = picture_size
        raw = zlib.compress(bytes([40, 160, 220]) * (w * h))
        head = f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8"
        image = add(head.encode() + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(raw) + raw + b"\nendstream")
    tree = len(objects) + 1 + 2 * pages
    kids = []
    for number in range(pages):
        text = b"BT /F1 10 Tf 14 TL 72 740 Td " + b" ".join(b"(%d. %s) '" % (i + 1, SENTENCE.encode()) for i in range(lines))
        text += b" ET" + (b" q 120 0 0 90 72 60 cm /Im1 Do Q" if image and number == 0 else b"")
        packed = zlib.compress(text)
        contents = add(b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream")
        xobject = b" /XObject << /Im1 %d 0 R >>" % image if image and number == 0 else b""
        resources = b"<< /Font << /F1 %d 0 R >>%s >>" % (font, xobject)
        page = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>"
        kids.append(add(page % (tree, resources, contents)))
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)) == tree
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def docx(paragraphs: int = 40, with_picture: bool = True) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{i}. {SENTENCE} 보고서</w:t></w:r></w:p>" for i in range(paragraphs))
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="urn:w"><w:body>{body}</w:body></w:document>'
    parts = {"[Content_Types].xml": "<Types/>", "word/document.xml": document}
    return _package(parts, {"word/media/image1.png": picture((640, 480))} if with_picture else {})


def xlsx(rows: int = 50) -> bytes:
    strings = ["지역", "Seoul head office, the largest branch by revenue", "Busan"]
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{r % 3}</v></c><c r="B{r}"><v>{45000 + r}</v></c></row>' for r in range(1, rows + 1)
    )
    parts = {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": '<workbook><sheets><sheet name="Sales" sheetId="1"/></sheets></workbook>',
        "xl/sharedStrings.xml": f'<sst count="{rows}">{shared}</sst>',
        "xl/worksheets/sheet1.xml": f"<worksheet><sheetData>{cells}</sheetData></worksheet>",
    }
    return _package(parts, {})


def _package(parts: dict[str, str], binaries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
        for name, data in binaries.items():
            archive.writestr(name, data)
    return out.getvalue()


def korean_text(repeat: int = 200) -> bytes:
    return ("연차 규정: 모든 직원은 해마다 스무 날의 연차를 쓸 수 있습니다. Annual leave is twenty days.\n" * repeat).encode()
