"""Many crops, few OCR runs: the inked boxes of a page's cells stacked apart on one white
canvas (so no text line crosses a cell border), read in parts, and the words sent back to the
crop they came from.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kehoach.extract.scan.engine import OcrWord


@dataclass(frozen=True)
class Placed:
    key: int
    src: tuple[int, int, int, int]     # crop box in the page image
    y: int                             # top of the crop in the mosaic
    x: int


def build_mosaic(page: np.ndarray, boxes: list[tuple[int, tuple[int, int, int, int]]],
                 gap: int, scale: float = 1.0) -> tuple[np.ndarray, list[Placed]]:
    """Crops stacked top to bottom on white, gap pixels apart, so each is its own text line(s)."""
    crops = []
    for key, (x0, y0, x1, y1) in boxes:
        c = page[y0:y1, x0:x1]
        if scale != 1.0:
            c = cv2.resize(c, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops.append((key, (x0, y0, x1, y1), c))
    width = max((c.shape[1] for _, _, c in crops), default=1) + 2 * gap
    height = sum(c.shape[0] + gap for _, _, c in crops) + gap
    canvas = np.full((height, width), 255, np.uint8)
    placed, y = [], gap
    for key, src, c in crops:
        canvas[y:y + c.shape[0], gap:gap + c.shape[1]] = c
        placed.append(Placed(key, src, y, gap))
        y += c.shape[0] + gap
    return canvas, placed


def mosaic_parts(placed: list[Placed], width: int, gap: int, max_h: int
                 ) -> list[tuple[int, int, int, int]]:
    """The mosaic cut between crops into parts about max_h tall (x0, y0, x1, y1), each read
    as its own block."""
    parts: list[tuple[int, int, int, int]] = []
    top = None
    for p in placed:
        bottom = p.y + p.src[3] - p.src[1]
        if top is None:
            top = p.y
        elif bottom - top > max_h:
            parts.append((0, max(0, top - gap // 2), width, p.y - gap // 2))
            top = p.y
    if top is not None:
        parts.append((0, max(0, top - gap // 2), width, bottom + gap // 2))
    return parts


def unmosaic(words: list[OcrWord], placed: list[Placed], scale: float = 1.0) -> dict[int, list[OcrWord]]:
    """Words back to their crop (by the word's vertical centre) in page coordinates."""
    out: dict[int, list[OcrWord]] = {}
    tops = [p.y for p in placed]
    for w in words:
        cy = (w.box[1] + w.box[3]) / 2
        k = int(np.searchsorted(tops, cy, side="right")) - 1
        if k < 0:
            continue
        p = placed[k]
        sx0, sy0, sx1, sy1 = p.src
        if cy > p.y + (sy1 - sy0) * scale:
            continue
        box = (int(sx0 + (w.box[0] - p.x) / scale), int(sy0 + (w.box[1] - p.y) / scale),
               int(sx0 + (w.box[2] - p.x) / scale), int(sy0 + (w.box[3] - p.y) / scale))
        out.setdefault(p.key, []).append(OcrWord(w.text, w.conf, box, w.line))
    return out
