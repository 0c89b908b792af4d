"""Checking an uploaded tax document (R-KK-1). Pure module: no Django import.

The type comes from the content bytes, never from the name or the declared type. PDFs must
open without a password and without active content; images are decoded fully and re-encoded
(which drops metadata and anything appended after the image), with a pixel limit against
decompression bombs.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageFile, UnidentifiedImageError

MAX_BYTES: Final = 10 * 1024 * 1024
MAX_PIXELS: Final = 40_000_000  # an A4 page scanned at 600 dpi is ~35 Mpx
MAX_PDF_PAGES: Final = 10
# Active or embedded content has no place in a scanned tax form.
_PDF_FORBIDDEN: Final = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


class DocumentError(ValueError):
    """A file that is refused; ``code`` selects the message shown to the resident."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanDocument:
    content: bytes
    content_type: str
    extension: str


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def check_document(data: bytes) -> CleanDocument:
    """The stored form of an upload, or :class:`DocumentError`."""
    if not data:
        raise DocumentError("empty")
    if len(data) > MAX_BYTES:
        raise DocumentError("too_large")
    kind = sniff(data)
    if kind is None:
        raise DocumentError("unsupported_type")
    if kind == "pdf":
        return _check_pdf(data)
    return _reencode_image(data, kind)


def _check_pdf(data: bytes) -> CleanDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%%EOF" not in data[-1024:]:
        raise DocumentError("corrupt")
    if any(marker in data for marker in _PDF_FORBIDDEN):
        raise DocumentError("active_content")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=True)
            if reader.is_encrypted:
                raise DocumentError("encrypted")
            pages = len(reader.pages)
            if not 1 <= pages <= MAX_PDF_PAGES:
                raise DocumentError("pages")
            for page in reader.pages:
                _ = page.mediabox
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentError("corrupt") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on hostile input
        raise DocumentError("corrupt") from exc
    return CleanDocument(content=data, content_type="application/pdf", extension="pdf")


def _png_has_trailing_data(data: bytes) -> bool:
    end = data.rfind(b"IEND")
    return end == -1 or len(data) > end + 8  # "IEND" + 4-byte CRC closes the file


def _reencode_image(data: bytes, kind: str) -> CleanDocument:
    if kind == "png" and _png_has_trailing_data(data):
        raise DocumentError("corrupt")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            ImageFile.LOAD_TRUNCATED_IMAGES = False  # a library may have turned it on
            with Image.open(io.BytesIO(data)) as probe:
                if (probe.format or "").lower() != kind:
                    raise DocumentError("unsupported_type")
                width, height = probe.size
                if width * height > MAX_PIXELS or width < 16 or height < 16:
                    raise DocumentError("image_size")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                if getattr(image, "n_frames", 1) != 1:
                    raise DocumentError("unsupported_type")
                converted = image.convert("L" if image.mode in ("1", "L", "LA") else "RGB")
    except DocumentError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DocumentError("image_size") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise DocumentError("corrupt") from exc
    # convert() copies ``info`` (comments, ICC, EXIF) and save() would write it back out.
    converted.info.clear()
    out = io.BytesIO()
    if kind == "jpeg":
        converted.save(out, format="JPEG", quality=90)
        return CleanDocument(content=out.getvalue(), content_type="image/jpeg", extension="jpg")
    converted.save(out, format="PNG", optimize=False)
    return CleanDocument(content=out.getvalue(), content_type="image/png", extension="png")
