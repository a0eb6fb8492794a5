"""A page as the layout steps see it, and the one decision whether it needs OCR.

The decision is made here once, for every PDF: the text-layer reader lists the pages that
need OCR in `Document.pages_needing_ocr`, or, when every page does, raises `NoTextLayer`
carrying them, and the router (extract/route.py) hands exactly those pages to the scan
reader."""
from __future__ import annotations

from dataclasses import dataclass

from kehoach.extract.pdf.rulings import Seg
from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.stamps import is_stamp_line
from kehoach.extract.pdf.words import Word, group_lines, line_text


@dataclass
class PageData:
    """What the layout steps need from a page, whichever library read it."""
    words: list[Word]
    rulings: list[Seg]
    width: float
    height: float
    image_share: float          # largest image's share of the page area


def page_needs_ocr(page, settings: PdfSettings = PdfSettings()) -> bool:
    """A page whose content is an image: no text, or only a signature stamp or watermark
    (rotated text never counts). Takes a PageData, a pdfplumber page or a pypdfium2 page."""
    if isinstance(page, PageData):
        data = page
    elif hasattr(page, "extract_words"):
        from kehoach.extract.pdf.plumber import plumber_page_data
        data = plumber_page_data(page, settings)
    else:
        from kehoach.extract.pdf.source import pdfium_page_data
        data = pdfium_page_data(page, settings)
    if data.image_share < settings.scan_image_share:
        return False            # no page-sized image: whatever its text, not a scan
    text_chars = sum(len(text) for text in map(line_text, group_lines(data.words))
                     if not is_stamp_line(text))
    return text_chars < settings.scan_min_chars
