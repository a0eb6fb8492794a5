"""The text-layer PDF reader's settings. Kept apart from the reader and importing nothing
else, because the settings tree (kehoach/settings.py) imports it on every run, including runs
that never open a PDF."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSettings:
    # Characters further apart than this share of the font size start a new word (PDFs that
    # draw no space glyphs); mixed-font words (a fallback font for Vietnamese letters) keep
    # their glyphs within a fraction of a point, far below this.
    x_tolerance_ratio: float = 0.15
    y_tolerance: float = 3.0
    # Ruling positions closer than this (points) are one line; collinear pieces with gaps up to
    # `join` are one segment; a ruling must reach within `touch` of another to connect to it.
    snap: float = 2.0
    join: float = 3.0
    touch: float = 2.5
    # A thin filled rectangle narrower than this (points) is drawn as a line.
    thin: float = 2.5
    # Share of a cell side a ruling must cover to count as a border there.
    border_cover: float = 0.5
    min_cols: int = 2
    # Gap (in font sizes) that splits a text line into columns when a neighbouring line has a
    # gap at the same place; a gap this wide splits on its own.
    gutter_em: float = 1.5
    lone_gutter_em: float = 5.0
    # Tables drawn without ruling lines (a borderless Word table), on pages without a ruled
    # grid: columns where pieces of lines (cut at gaps wider than `align_gap_em` font sizes)
    # start at the same x (within `align_tol` points) on at least `align_min_lines` lines; a
    # run of lines whose pieces all sit inside those columns, using at least `align_min_cols`
    # of them, with at least `align_min_rows` rows (a row starts where the first column has
    # text) is a table.
    text_tables: bool = True
    align_gap_em: float = 0.6
    align_tol: float = 3.0
    align_min_lines: int = 3
    align_min_cols: int = 3
    align_min_rows: int = 3
    # The page furniture band: the top and bottom share of the page where running page
    # numbers, headers and footers live (lines there that are only a page number, and texts
    # repeated there on most pages, are not content). The scan reader has its own band,
    # ScanSettings.furniture_margin (0.08, measured on OCR'd pages); the two were tuned apart.
    margin_share: float = 0.1
    # A page with less text than this, outside signature stamps, and an image over most of the
    # page is a scan (the one needs-OCR decision, extract/pdf/page.py).
    scan_min_chars: int = 40
    scan_image_share: float = 0.5
    # "pdfium" reads characters and paths through PDFium (pypdfium2, which pdfplumber itself
    # depends on) at ~10x pdfplumber's speed, feeding the same words and rulings to the same
    # steps; "pdfplumber" reads them with pdfminer. Both give the same words on the corpus
    # (tests/test_pdf_reader.py checks it).
    engine: str = "pdfium"
