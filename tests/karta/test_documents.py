"""The bad-file corpus (R-KK-1): every disguised, broken or hostile upload is refused."""

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from karta.documents import MAX_BYTES, DocumentError, check_document
from tests.karta.factories import image_bytes, pdf_bytes


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming huge dimensions with a tiny compressed body (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pit.pdf", b"\x00" * 5_000_000)
    return out.getvalue()


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, format="GIF")
    return out.getvalue()


def _truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", (400, 400))
    return data[: len(data) // 2]


def _pdf_with_javascript() -> bytes:
    data = pdf_bytes()
    return data.replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>", 1
    )


BAD_FILES = {
    "empty": (b"", "empty"),
    "windows executable named .pdf": (b"MZ\x90\x00\x03" + b"\x00" * 200, "unsupported_type"),
    "elf executable named .png": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "unsupported_type"),
    "shell script": (b"#!/bin/sh\nrm -rf /\n", "unsupported_type"),
    "html renamed to .png": (b"<!DOCTYPE html><script>alert(1)</script>", "unsupported_type"),
    "svg renamed to .png": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "unsupported_type",
    ),
    "zip bomb": (_zip_bomb(), "unsupported_type"),
    "docx (zip) named .pdf": (b"PK\x03\x04" + b"\x00" * 100, "unsupported_type"),
    "gif": (_gif(), "unsupported_type"),
    "pdf header only": (b"%PDF-1.7\n", "corrupt"),
    "truncated pdf": (pdf_bytes()[:200], "corrupt"),
    "pdf with garbage body": (b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n", "corrupt"),
    "encrypted pdf": (pdf_bytes(password="tajne"), "encrypted"),
    "pdf with javascript": (_pdf_with_javascript(), "active_content"),
    "pdf with an embedded file": (
        pdf_bytes().replace(b"%%EOF", b"% /EmbeddedFile\n%%EOF"),
        "active_content",
    ),
    "pdf/html polyglot": (
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
        "corrupt",
    ),
    "png with a zip appended (polyglot)": (image_bytes("PNG") + _zip_bomb(), "corrupt"),
    "truncated png": (image_bytes("PNG")[:60], "corrupt"),
    "truncated jpeg": (_truncated_jpeg(), "corrupt"),
    "png decompression bomb": (_png_header_only(20000, 20000), "image_size"),
    "tiny 1x1 tracking pixel": (image_bytes("PNG", (1, 1)), "image_size"),
    "oversized file": (b"%PDF-1.4\n" + b"0" * (MAX_BYTES + 1), "too_large"),
    "jpeg magic then html": (b"\xff\xd8\xff\xe0<html><script>alert(1)</script>", "corrupt"),
    "png magic only": (b"\x89PNG\r\n\x1a\n", "corrupt"),
    "pdf with 11 pages": (pdf_bytes(pages=11), "pages"),
}


def test_the_corpus_has_at_least_twenty_bad_files() -> None:
    assert len(BAD_FILES) >= 20


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_its_reason(name: str) -> None:
    data, code = BAD_FILES[name]
    with pytest.raises(DocumentError) as caught:
        check_document(data)
    assert caught.value.code == code


def test_a_plain_pdf_is_kept_byte_for_byte() -> None:
    data = pdf_bytes()
    clean = check_document(data)
    assert clean.content == data
    assert (clean.content_type, clean.extension) == ("application/pdf", "pdf")


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_an_image_is_reencoded_without_its_metadata(fmt: str, content_type: str) -> None:
    image = Image.new("RGB", (120, 160), (10, 20, 30))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"comment": b"secret"} if fmt == "JPEG" else {}))
    clean = check_document(out.getvalue())
    assert clean.content_type == content_type
    assert b"secret" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as reopened:
        assert reopened.size == (120, 160)
