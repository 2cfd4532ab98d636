"""Checking an uploaded attachment on its content: type sniffing, size, a safe display name, its text."""

import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

ALLOWED_TYPES: dict[str, str] = {
    "txt": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
}
EXTENSION_ALIASES = {"jpeg": "jpg", "text": "txt"}
TEXT_MAX_CHARS = 20_000  # what the agent gets of a text attachment
PDF_MAX_PAGES = 50  # pages read from a PDF for its text

MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}
# Signatures of binary formats that must never pass as text (executables, archives, images, documents).
BINARY_MAGIC = (
    b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"PK\x03\x04", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff",
    b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\xd0\xcf\x11\xe0",
)  # fmt: skip
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()\-+,@]")


class AttachmentTooLarge(Exception):  # noqa: N818 - reads as a domain outcome
    def __init__(self, size: int, limit: int):
        super().__init__(f"The file is {size} bytes; the limit is {limit} bytes.")
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    kind: str
    content_type: str
    text: str


def safe_name(raw: str) -> str:
    """The uploaded name reduced to a display name: no directories, no control or unusual characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    name = PurePosixPath(name).name  # drops "../../" and any directory part
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 200 - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name[:200]
    return name or "attachment"


def extension(name: str) -> str:
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return EXTENSION_ALIASES.get(ext, ext)


def _decode_text(content: bytes) -> str | None:
    if content.startswith(BINARY_MAGIC) or _CONTROL.search(content[:65536]):
        return None
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def pdf_text(content: bytes) -> str:
    """The text of a PDF's first pages (empty when it has none, e.g. a scan, or cannot be read)."""
    try:
        reader = PdfReader(io.BytesIO(content))
        parts: list[str] = []
        for page in reader.pages[:PDF_MAX_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) >= TEXT_MAX_CHARS:
                break
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("PDF text not extracted: %s", exc)
        return ""
    return re.sub(r"[ \t]+", " ", "\n".join(parts)).strip()[:TEXT_MAX_CHARS]


def check_upload(*, name: str, content: bytes, max_bytes: int) -> CheckedUpload:
    """Validate an upload by its content; raises AttachmentTooLarge or ValidationError (field `file`)."""
    if len(content) > max_bytes:
        raise AttachmentTooLarge(len(content), max_bytes)
    if not content:
        raise ValidationError({"file": ["The file is empty."]})
    display = safe_name(name)
    kind = extension(display)
    if kind not in ALLOWED_TYPES:
        allowed = ", ".join(ALLOWED_TYPES)
        raise ValidationError({"file": [f"File type not allowed. Allowed: {allowed}."]})
    mismatch = ValidationError({"file": [f"The file's content is not a valid .{kind} file."]})
    text = ""
    if kind in MAGIC:
        if not content.startswith(MAGIC[kind]):
            raise mismatch
        if kind == "pdf":
            text = pdf_text(content)
    else:
        decoded = _decode_text(content)
        if decoded is None:
            raise mismatch
        if kind == "json":
            try:
                json.loads(decoded)
            except ValueError:
                raise mismatch from None
        text = decoded[:TEXT_MAX_CHARS]
    if extension(display) != kind or not display.lower().endswith(f".{kind}"):
        display = f"{display.rpartition('.')[0] or display}.{kind}"
    return CheckedUpload(name=display, kind=kind, content_type=ALLOWED_TYPES[kind], text=text)
