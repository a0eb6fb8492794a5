"""PDFs whose pages are partly or wholly scans: the text layer where there is one, OCR where
there is not, merged into one Document in page order.

Which pages need OCR is decided once, by the text-layer reader (extract/pdf/page.py): it
lists them in `pages_needing_ocr`, or, when every page needs it, raises `NoTextLayer`
carrying them. The scan reader is always told the pages."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kehoach.extract.base import NoTextLayer, ReadError
from kehoach.model import Document

if TYPE_CHECKING:       # kehoach.settings imports every reader's settings: no cycle at run time
    from kehoach.settings import ReadSettings


def read_pdf_auto(path: Path, *, source: str, settings: ReadSettings | None = None) -> Document:
    from kehoach.extract.pdf import read_pdf
    from kehoach.extract.scan import read_scanned_pdf
    if settings is None:
        from kehoach.settings import ReadSettings
        settings = ReadSettings()
    try:
        doc = read_pdf(path, source=source, settings=settings.pdf)
    except NoTextLayer as exc:
        return read_scanned_pdf(path, source=source, pages_to_ocr=set(exc.pages), settings=settings.scan)
    if not doc.pages_needing_ocr:
        return doc
    try:
        scanned = read_scanned_pdf(path, source=source, pages_to_ocr=set(doc.pages_needing_ocr),
                                   settings=settings.scan)
    except ReadError as exc:
        # the text pages are still worth having; say what was left out and why
        return replace(doc, warnings=doc.warnings + (f"pages {list(doc.pages_needing_ocr)} not read: {exc}",))
    return merge_pages(doc, scanned)


def merge_pages(text_doc: Document, ocr_doc: Document) -> Document:
    """Blocks and fragments of both readings in page order; each keeps its place within its
    page, and the shared reading-order index is renumbered."""
    ocr = set(ocr_doc.ocr_pages)
    items = []
    for origin, doc in ((0, text_doc), (1, ocr_doc)):
        keep = (lambda p: p not in ocr) if origin == 0 else (lambda p: p in ocr)
        for b in doc.blocks:
            if keep(b.page):
                items.append((b.page or 0, b.index, 0, origin, b))
        for f in doc.fragments:
            if keep(f.page):
                items.append((f.page or 0, f.block_index, 1, origin, f))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    blocks, fragments = [], []
    for index, (_, _, kind, _, item) in enumerate(items):
        if kind == 0:
            blocks.append(replace(item, index=index))
        else:
            fragments.append(replace(item, index=len(fragments), block_index=index))
    fmt = "pdf-scanned" if len(ocr) == (text_doc.pages or 0) else "pdf"
    return replace(text_doc, format=fmt, blocks=tuple(blocks), fragments=tuple(fragments),
                   warnings=text_doc.warnings + ocr_doc.warnings + (f"OCR on pages {sorted(ocr)}",),
                   ocr_confidence=ocr_doc.ocr_confidence, ocr_pages=tuple(sorted(ocr)))
