"""The cells of a page's tables read: every inked cell once in a mosaic, and the small ones
that may hold a lone label once more, enlarged, with the label alphabet.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from kehoach.extract.grid import Grid, GridCell
from kehoach.extract.scan.engine import OcrWord, read_words
from kehoach.extract.scan.mosaic import build_mosaic, mosaic_parts, unmosaic
from kehoach.extract.scan.settings import ScanSettings
from kehoach.extract.scan.words import (drop_unpaired_quotes, is_label, mean_conf, repaired_lines,
                                        tesseract_lines)
from kehoach.model import Cell, Row

if TYPE_CHECKING:
    from kehoach.extract.scan.reader import PageResult


def read_tables(grids: list[Grid], paper: np.ndarray, text_ink: np.ndarray, dpi: int, pno: int,
                to_pt: float, settings: ScanSettings, res: PageResult) -> list[tuple[Grid, list[Row]]]:
    pad = max(2, int(0.03 * dpi))
    edge = max(1, int(round(settings.cell_edge_in * dpi)))
    entries: list[tuple[int, int, GridCell, tuple[int, int, int, int] | None]] = []
    boxes = []
    for gi, g in enumerate(grids):
        for ci, c in enumerate(g.cells):
            ink_box = _ink_box(text_ink, c.bbox, pad, edge)
            key = len(entries)
            entries.append((gi, ci, c, ink_box))
            if ink_box is not None:
                boxes.append((key, ink_box))
    texts: dict[int, tuple[str, float | None]] = {}
    relabel: dict[int, list[tuple[str, float]]] = {}
    if boxes:
        gap = int(settings.mosaic_gap_in * dpi)
        canvas, placed = build_mosaic(paper, boxes, gap)
        words = read_words(canvas, dpi, settings.cell_psm, settings.lang, settings,
                           boxes=mosaic_parts(placed, canvas.shape[1], gap,
                                              int(settings.mosaic_part_in * dpi)))
        res.add_words(words)
        for key, ws in unmosaic(words, placed).items():
            texts[key] = _cell_text(ws, settings, res)
        # Lone labels (STT "1", "II", "2.1") are what OCR reads worst: a line of three
        # characters gives Tesseract little to go on, and it drops the dot or misreads the
        # whole. Every small cell is read once more, larger and with the label alphabet only;
        # both readings go to the numbering repair, which chooses.
        retry = [(key, ib) for key, ib in boxes if _label_candidate(ib, dpi, settings)]
        if retry:
            scale = settings.label_scale
            # The binary ink, not the grey canvas: on a crop of three characters the grey
            # halo of the canvas makes Tesseract drop a label's dot or misread it whole.
            canvas, placed = build_mosaic(cv2.bitwise_not(text_ink), retry, gap, scale=scale)
            lw = read_words(canvas, int(dpi * scale), settings.label_psm, settings.lang,
                            settings, whitelist=settings.label_chars)
            for key, ws in unmosaic(lw, placed, scale=scale).items():
                t = "".join(w.text for w in sorted(ws, key=lambda w: w.box[0]))
                conf = mean_conf(ws) or 0.0
                before = texts.get(key, ("", None))
                if is_label(t):
                    relabel[key] = [(before[0], before[1] or 0.0), (t, conf)]
                # A restricted alphabet forces some answer even on a word ("TT" → "I"): only
                # a confident label replaces what the first reading said.
                if is_label(t) and conf >= max(settings.label_min_conf, before[1] or 0.0):
                    texts[key] = (t, conf)
    out = []
    for gi, g in enumerate(grids):
        rows: dict[int, list[Cell]] = {}
        for key, (egi, ci, c, _ib) in enumerate(entries):
            if egi != gi:
                continue
            text, conf = texts.get(key, ("", None))
            x0, y0, x1, y1 = c.bbox
            cell = Cell(text=text, col=c.c0, colspan=c.c1 - c.c0, page=pno,
                        bbox=(x0 * to_pt, y0 * to_pt, x1 * to_pt, y1 * to_pt), confidence=conf)
            rows.setdefault(c.r0, []).append(cell)
            if key in relabel:
                res.label_readings[(pno, cell.bbox)] = relabel[key]
        grid_rows = [Row(cells=tuple(sorted(rows[r], key=lambda c: c.col)), page=pno)
                     for r in sorted(rows)]
        out.append((g, grid_rows))
    return out


def _ink_box(text_ink: np.ndarray, box: tuple[int, int, int, int], pad: int, edge: int | None = None):
    """Tight box of the ink inside a cell (rulings excluded), padded; None when empty.

    The ink is looked for at least pad inside the cell's border (what is left of a ruling
    there would come back as a stray '-' or '|'), but the crop may reach up to edge from the
    top and bottom rulings: the dot below a last line's ạ/ộ/ị/ụ and the marks above a first
    line's capitals lie in that band when the text fills its cell (a crop cut at pad read
    'Ngoai vu', 'nôi', 'vi' for 'Ngoại vụ', 'nội', 'vị' with confidence 0.96)."""
    x0, y0, x1, y1 = box
    edge = pad if edge is None else min(edge, pad)
    inner = text_ink[y0 + pad:y1 - pad, x0 + pad:x1 - pad]
    if inner.size == 0:
        return None
    ys, xs = np.nonzero(inner)
    if ys.size < 8:                      # specks, not a character
        return None
    bx0 = x0 + pad + int(xs.min())
    by0 = y0 + pad + int(ys.min())
    bx1 = x0 + pad + int(xs.max()) + 1
    by1 = y0 + pad + int(ys.max()) + 1
    # Sideways the crop stays inside the cell's inner box: what is left of a vertical
    # ruling would otherwise come back as a stray '|'.
    return (max(x0 + pad, bx0 - pad), max(y0 + edge, by0 - pad),
            min(x1 - pad, bx1 + pad), min(y1 - edge, by1 + pad))


def _label_candidate(ink_box, dpi: int, settings: ScanSettings) -> bool:
    x0, y0, x1, y1 = ink_box
    return (x1 - x0) <= settings.label_max_w_in * dpi and (y1 - y0) <= 0.35 * dpi


def _cell_text(ws: list[OcrWord], settings: ScanSettings, res: PageResult) -> tuple[str, float | None]:
    text, _c, nrep = repaired_lines(tesseract_lines(ws), settings)
    res.repairs += nrep
    return drop_unpaired_quotes(text.strip()), mean_conf(ws)
