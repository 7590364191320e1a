"""What an uploaded file really is, read from its content (its name and the browser's content type are ignored):
a PDF, a Word document (.docx), or a JPEG or PNG image; anything else, an empty file, an oversized one or a
damaged one is refused with a message that says which."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ACCEPTED = "a PDF, a Word document (.docx), or a JPEG or PNG image"
# A .docx is a zip archive: its parts together may not unpack to more than this (a "zip bomb" would).
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
PDF_END = b"%%EOF"


@dataclass(frozen=True)
class Checked:
    file_type: str  # a Document.FileType value
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.DOCUMENT_MAX_BYTES


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _is_docx(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names and unpacked <= DOCX_MAX_UNPACKED


def _is_whole_pdf(upload, size: int) -> bool:
    upload.seek(max(0, size - 2048))
    return PDF_END in upload.read()


def _is_image(upload) -> bool:
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _digest(upload) -> str:
    upload.seek(0)
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


def check_upload(upload) -> Checked:
    """The file's type, size and SHA-256, or a ValidationError saying what is wrong with it."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The file is empty. Choose the file again.")
    if size > max_bytes():
        raise ValidationError(
            f"The file must be {megabytes(max_bytes())} or smaller. This one is {megabytes(size)}: save it smaller "
            "(for example as a PDF), or split it into parts."
        )
    upload.seek(0)
    kind = _sniff(upload.read(16))
    upload.seek(0)
    if kind == "zip":
        kind = "docx" if _is_docx(upload) else None
    if kind is None:
        raise ValidationError(
            f"The file must be {ACCEPTED}. This file is none of these, whatever its name says. An older Word "
            "document (.doc) can be saved as .docx or PDF first."
        )
    upload.seek(0)
    whole = _is_whole_pdf(upload, size) if kind == "pdf" else True if kind == "docx" else _is_image(upload)
    if not whole:
        raise ValidationError("The file is damaged: it is not a complete document or image. Choose it again.")
    checked = Checked(file_type=kind, size=size, sha256=_digest(upload))
    upload.seek(0)
    return checked
