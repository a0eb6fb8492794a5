"""The one door to PDFium (pypdfium2) for every PDF reader: the text layer and the scans.

Imported lazily, so that a run over text and Word files never loads PDFium; opening a file
turns PDFium's errors into the typed read errors users see.
"""
from __future__ import annotations

from pathlib import Path

from kehoach.extract.base import Corrupt, Encrypted


def pdfium():
    import pypdfium2
    return pypdfium2


def raw():
    import pypdfium2.raw
    return pypdfium2.raw


def open_pdf(path: Path):
    """A pypdfium2 PdfDocument with at least one page; Encrypted or Corrupt otherwise.
    The caller closes it."""
    lib = pdfium()
    try:
        pdf = lib.PdfDocument(str(path))
    except lib.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise Encrypted("encrypted PDF (needs a password)") from exc
        if "security" in msg:
            raise Encrypted("encrypted PDF (unsupported security handler)") from exc
        raise Corrupt(f"truncated or corrupt PDF ({exc})") from exc
    if len(pdf) == 0:
        pdf.close()
        raise Corrupt("truncated or corrupt PDF (no pages)")
    return pdf
