"""What every reader shares: the error it raises for bad input and the Document constructor."""
from __future__ import annotations

import hashlib
from pathlib import Path

from kehoach.model import Document, TableFragment, TextBlock


class ReadError(Exception):
    """A file that cannot be read as a plan. The message names the reason (not the file:
    the pipeline adds the file), e.g. 'encrypted PDF', 'not a PDF (starts with b"PK")'.

    Each subclass is one kind of failure with a stable `reason` code, so that callers decide
    on the kind (the PDF router sends `NoTextLayer` to OCR) and the documents row can say
    which kind it was, while the message stays the sentence a user reads."""
    reason = "unreadable"


class EmptyFile(ReadError):
    reason = "empty"


class WrongType(ReadError):
    """The bytes are not of the format the name says (a PNG named .txt, a zip named .pdf)."""
    reason = "wrong_type"


class UnsupportedType(ReadError):
    reason = "unsupported"


class NotAPdf(WrongType):
    reason = "not_a_pdf"


class Encrypted(ReadError):
    reason = "encrypted"


class Corrupt(ReadError):
    """Truncated or damaged: the format is right, its structure is broken."""
    reason = "corrupt"


class NoTextLayer(ReadError):
    """A PDF whose pages are images: the router sends it to OCR. `pages` are the 1-based
    pages the reader found to need it, so that the decision is made once."""
    reason = "no_text_layer"

    def __init__(self, message: str, *, pages: tuple[int, ...] = ()):
        super().__init__(message)
        self.pages = tuple(pages)


class NoText(ReadError):
    """The file opened but holds no text at all."""
    reason = "no_text"


class LegacyEncoding(ReadError):
    """Text in a pre-Unicode Vietnamese font encoding (TCVN3, VNI) or not decodable."""
    reason = "legacy_encoding"


class TooLarge(ReadError):
    reason = "too_large"


class OcrUnavailable(ReadError):
    """The OCR engine or its models are missing, or the engine failed on an image."""
    reason = "ocr_unavailable"


class ConverterUnavailable(ReadError):
    """A format that needs an outside converter (LibreOffice for .doc) that is missing or failed."""
    reason = "converter"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def doc_id_of(sha256: str) -> str:
    return sha256[:16]


def make_document(path: Path, *, source: str, format: str, pages: int | None,
                  blocks: list[TextBlock] | tuple[TextBlock, ...],
                  fragments: list[TableFragment] | tuple[TableFragment, ...],
                  warnings: tuple[str, ...] = (), sha256: str | None = None,
                  ocr_confidence: float | None = None, pages_needing_ocr: tuple[int, ...] = (),
                  ocr_pages: tuple[int, ...] = (), layout: str = "positional") -> Document:
    sha = sha256 or file_digest(path)
    return Document(source=source, sha256=sha, doc_id=doc_id_of(sha), format=format, pages=pages,
                    blocks=tuple(blocks), fragments=tuple(fragments), warnings=tuple(warnings),
                    ocr_confidence=ocr_confidence, pages_needing_ocr=tuple(pages_needing_ocr),
                    ocr_pages=tuple(ocr_pages), layout=layout)
