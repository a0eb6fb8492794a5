"""What every reader shares: the error it raises for bad input and the Document constructor."""
from __future__ import annotations

import hashlib
from pathlib import Path

from kehoach.model import Document, TableFragment, TextBlock


class ReadError(Exception):
    """A file that cannot be read as a plan. The message names the reason (not the file:
    the pipeline adds the file), e.g. 'encrypted PDF', 'not a PDF (starts with b"PK")'."""


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
                  ocr_pages: tuple[int, ...] = ()) -> Document:
    sha = sha256 or file_digest(path)
    return Document(source=source, sha256=sha, doc_id=doc_id_of(sha), format=format, pages=pages,
                    blocks=tuple(blocks), fragments=tuple(fragments), warnings=tuple(warnings),
                    ocr_confidence=ocr_confidence, pages_needing_ocr=tuple(pages_needing_ocr),
                    ocr_pages=tuple(ocr_pages))
