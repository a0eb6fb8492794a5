"""The text-layer PDF reader (reader.py has the overview).

Only the settings are imported with the package: the settings tree imports PdfSettings on
every run, and the reader's modules (and through them PDFium and pdfplumber, which they load
lazily) are loaded when a name below is first used."""
from __future__ import annotations

from kehoach.extract.lazy import lazy_names
from kehoach.extract.pdf.settings import PdfSettings

# name → the module that defines it
_PUBLIC = {
    "read_pdf": "reader",
    "PageData": "page",
    "page_needs_ocr": "page",
    "pdfium_page_data": "source",
    "plumber_page_data": "plumber",
    "Word": "words",
    "group_lines": "words",
}

__all__ = ["PdfSettings", *_PUBLIC]


__getattr__ = lazy_names(__name__, _PUBLIC, globals())
