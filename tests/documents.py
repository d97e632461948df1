"""Small valid documents for tests: a PDF with a text layer, a .docx, an .xlsx, and archives built to be refused.

The PDF is written by hand (PDF 1.7, ISO 32000-1): each page shows its text in a Type0 font with Identity-H encoding,
one 2-byte code per character (its Unicode code point, BMP only), and a ToUnicode CMap that maps each code back
(§9.10.3), which is what a text extractor reads, so any script (Korean included) extracts intact. No glyphs are
embedded: a viewer would show boxes, an extractor reads the text. Office files are the minimal OOXML packages.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cmap(text: str) -> bytes:
    chars = sorted(set(text))
    lines = []
    for start in range(0, len(chars), 100):  # at most 100 entries per bfchar block
        block = chars[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{ord(c):04X}> <{ord(c):04X}>" for c in block]
        lines.append("endbfchar")
    body = "\n".join(lines)
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Test def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{body}\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("ascii")


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf(pages: list[str], content: bytes | None = None) -> bytes:
    """A PDF whose page i shows pages[i] (lines split on newlines) as real text; `content`: every page's content
    stream object instead (a test of what a stream may hold)."""
    everything = "".join(pages) or " "
    objects: list[bytes] = []  # object n is objects[n - 1]
    page_ids = [5 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), len(pages)))
    objects.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestFont /Encoding /Identity-H /ToUnicode 4 0 R "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestFont "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /TestFont /Flags 4 /FontBBox [0 0 1000 1000] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >> /DW 1000 >>] >>"
    )
    objects.append(_stream(_cmap(everything)))
    for i, text in enumerate(pages):
        shown = b"".join(b"<%s> Tj 0 -20 Td " % "".join(f"{ord(c):04X}" for c in line).encode("ascii") for line in text.split("\n"))
        shown_text = b"BT /F1 12 Tf 50 750 Td " + shown + b"ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (page_ids[i] + 1)
        )
        objects.append(content or _stream(shown_text))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_bomb(unpacked: int = 20_000_000, pages: int = 1) -> bytes:
    """A PDF whose pages' content streams are each `unpacked` bytes of spaces, FlateDecode-compressed to kilobytes."""
    packed = zlib.compress(b" " * unpacked, 9)
    return pdf(["x"] * pages, content=b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")


def _package(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(paragraphs: list[str], *, comments: tuple[str, ...] = (), doctype: str = "") -> bytes:
    """A Word document with these paragraphs (and comments); `doctype` is put before the body's root, as an attack would."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES.format(
            overrides='<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        ),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>',
    }
    if comments:
        notes = "".join(f'<w:comment w:id="{i}"><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:comment>' for i, c in enumerate(comments))
        parts["word/comments.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="{_W}">{notes}</w:comments>'
    return _package(parts)


def xlsx(strings: list[str]) -> bytes:
    """A workbook whose first sheet holds these strings in column A (shared strings) and one number."""
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    rows = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c></row>' for i in range(len(strings)))
    return _package(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=""),
            "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_S}">{shared}</sst>',
            "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_S}"><sheetData>{rows}'
            f'<row r="99"><c r="B99"><v>12345</v></c></row></sheetData></worksheet>',
        }
    )


def zip_bomb_docx(unpacked: int = 25_000_000) -> bytes:
    """A .docx of a few kilobytes whose body unpacks to `unpacked` bytes (zeros compress about 1000:1)."""
    filler = b"<w:p/>" * (unpacked // 6)
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    return _package({"[Content_Types].xml": _CONTENT_TYPES.format(overrides=""), "word/document.xml": head + filler})


BILLION_LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
