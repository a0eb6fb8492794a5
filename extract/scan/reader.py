"""Reader for scanned plans: PDF pages that are images, OCR'd offline with Tesseract.

page image → ink (red channel, so red seals fade; binarize; despeckle) → deskew → ruling lines
→ table grids with merged cells → OCR: the prose with tables blanked out, then the cells' inked
boxes stacked apart in a mosaic (so no text line crosses a cell border), small cells once more,
enlarged, with a label alphabet → post-OCR repair of Vietnamese marks →
TextBlocks and TableFragments sharing one reading-order sequence, each cell with its OCR
confidence.

Pixel coordinates become PDF points (72 per inch, origin top-left, as pdfplumber) in bboxes.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from kehoach.extract.base import OcrUnavailable, file_digest, make_document
from kehoach.extract.grid import Grid
from kehoach.extract.pdfium import open_pdf
from kehoach.extract.scan.engine import OcrWord, choose_lang, prose_lang, read_words
from kehoach.extract.scan.numbering import repair_fragment_labels
from kehoach.extract.scan.prose import prose_blocks
from kehoach.extract.scan.render import ocr_canvas, page_dpi, prepare, render_page
from kehoach.extract.scan.rulings import find_grids, ruling_masks
from kehoach.extract.scan.settings import ScanSettings
from kehoach.extract.scan.tables import read_tables
from kehoach.model import Document, Row, TableFragment, TextBlock


@dataclass
class PageResult:
    blocks: list[tuple[float, str, bool, tuple[int, int, int, int]]]   # (top, text, heading, box)
    tables: list[tuple[Grid, list[Row]]]
    chars: int = 0
    conf_sum: float = 0.0
    repairs: int = 0
    warnings: list[str] = field(default_factory=list)
    # Every reading of a small cell that may hold a label, keyed by (page, cell bbox): the
    # table's numbering chooses among them (repair_label_sequence).
    label_readings: dict[tuple, list[tuple[str, float]]] = field(default_factory=dict)

    def add_words(self, words: list[OcrWord]) -> None:
        """Count the words into the page's character-weighted confidence."""
        for w in words:
            self.chars += len(w.text)
            self.conf_sum += w.conf * len(w.text)


def read_scanned_pdf(path: Path, *, source: str, pages_to_ocr: set[int] | None = None,
                     settings: ScanSettings = ScanSettings()) -> Document:
    """OCR the given 1-based pages (None: every page) of a PDF into a Document of format
    "pdf-scanned". Other pages contribute nothing here; the PDF reader has them, and it is
    the PDF reader that tells which pages need OCR (extract/route.py)."""
    path = Path(path)
    lang = choose_lang(settings)
    if lang is None:
        raise OcrUnavailable(f"OCR engine not available: tesserocr with one of the models "
                        f"{settings.lang or ', '.join(settings.langs)} (pip: tesserocr; Debian: "
                        "tesseract-ocr-script-viet or tesseract-ocr-vie)")
    settings = replace(settings, lang=lang)
    pdf = open_pdf(path)
    try:
        npages = len(pdf)
        wanted = sorted(pages_to_ocr) if pages_to_ocr is not None else range(1, npages + 1)
        wanted = [p for p in wanted if 1 <= p <= npages]
        blocks: list[TextBlock] = []
        fragments: list[TableFragment] = []
        warnings: list[str] = []
        index = 0
        chars, conf_sum = 0, 0.0
        label_readings: dict[tuple, list[tuple[str, float]]] = {}
        for pno, res in _ocr_pages(pdf, wanted, settings):
            label_readings.update(res.label_readings)
            chars += res.chars
            conf_sum += res.conf_sum
            warnings.extend(res.warnings)
            page_conf = res.conf_sum / res.chars if res.chars else None
            if page_conf is not None and page_conf < settings.low_page_confidence:
                warnings.append(f"page {pno}: low OCR confidence {page_conf:.2f}")
            first = True
            items = _reading_order(res)
            for kind, item in items:
                if kind == "block":
                    _top, text, heading, _box = item
                    blocks.append(TextBlock(text=text, index=index, page=pno, heading=heading))
                else:
                    _grid, rows = item
                    fragments.append(TableFragment(rows=tuple(rows), index=len(fragments),
                                                   page=pno, after_break=first,
                                                   block_index=index))
                first = False
                index += 1
        fragments, notes = repair_fragment_labels(fragments, settings, label_readings)
        warnings.extend(notes)
        if not wanted:
            warnings.append("no page needs OCR")
        ocr_conf = conf_sum / chars if chars else None
        return make_document(path, source=source, layout="grid", format="pdf-scanned", pages=npages,
                             blocks=blocks, fragments=fragments, warnings=tuple(warnings),
                             sha256=file_digest(path), ocr_confidence=ocr_conf,
                             ocr_pages=tuple(wanted))
    finally:
        pdf.close()


def _reading_order(res: PageResult) -> list[tuple[str, object]]:
    """Blocks in Tesseract's order, each table placed before the first block below its top."""
    items: list[tuple[str, object]] = []
    tables = sorted(res.tables, key=lambda t: t[0].bbox[1])
    ti = 0
    for b in res.blocks:
        while ti < len(tables) and tables[ti][0].bbox[1] <= b[0]:
            items.append(("table", tables[ti]))
            ti += 1
        items.append(("block", b))
    items.extend(("table", t) for t in tables[ti:])
    return items


def _ocr_pages(pdf, wanted: list[int], settings: ScanSettings):
    """(page number, result) for the wanted pages, in order, one page in memory at a time."""
    for pno in wanted:
        page = pdf[pno - 1]
        try:
            dpi = page_dpi(page, settings)
            rgb = render_page(page, dpi)
        finally:
            page.close()
        yield pno, ocr_image(rgb, dpi, pno, settings)


def ocr_image(rgb: np.ndarray, dpi: int, pno: int, settings: ScanSettings = ScanSettings()) -> PageResult:
    """One page's reading: prose and tables, with their confidences."""
    gray, ink, rink, _angle = prepare(rgb, dpi, settings)
    hmask, vmask = ruling_masks(rink, dpi, settings)
    grids = find_grids(hmask, vmask, dpi, settings)
    rulings = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((3, 3), np.uint8))
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(rulings))
    paper = ocr_canvas(gray, text_ink, settings, dpi)
    res = PageResult(blocks=[], tables=[])
    to_pt = 72.0 / dpi

    # prose: the page with every table blanked
    prose = paper.copy()
    for g in grids:
        x0, y0, x1, y1 = g.bbox
        prose[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 255
    # Only the inked part goes to Tesseract: on a table page that is a page number, and a
    # whole blank page costs a third of a second of layout analysis.
    words = []
    ink_at = np.argwhere(prose < 128)
    if ink_at.size:
        m = int(0.1 * dpi)
        (y0, x0), (y1, x1) = ink_at.min(axis=0), ink_at.max(axis=0)
        y0, x0 = max(0, int(y0) - m), max(0, int(x0) - m)
        crop = prose[y0:int(y1) + m + 1, x0:int(x1) + m + 1]
        words = read_words(crop, dpi, settings.prose_psm, prose_lang(settings), settings)
        words = [OcrWord(w.text, w.conf, (w.box[0] + x0, w.box[1] + y0, w.box[2] + x0,
                                          w.box[3] + y0), w.line) for w in words]
    res.add_words(words)
    res.blocks = prose_blocks(words, paper.shape, dpi, settings, res)

    # tables: every non-empty cell
    if grids:
        res.tables = read_tables(grids, paper, text_ink, dpi, pno, to_pt, settings, res)
    return res
