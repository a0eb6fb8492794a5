"""Reader for scanned plans: PDF pages that are images, OCR'd offline with Tesseract.

page image → ink (red channel, so red seals fade; binarize; despeckle) → deskew → ruling lines
→ table grids with merged cells → OCR: the prose with tables blanked out, then the cells' inked
boxes stacked apart in a mosaic (so no text line crosses a cell border), small cells once more,
enlarged, with a label alphabet → post-OCR repair of Vietnamese marks →
TextBlocks and TableFragments sharing one reading-order sequence, each cell with its OCR
confidence.

Pixel coordinates become PDF points (72 per inch, origin top-left, as pdfplumber) in bboxes.
Tesseract runs in process, one thread (extract/ocr.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from kehoach.extract import ocr
from kehoach.extract.base import ReadError, file_digest, make_document
from kehoach.extract.labels import OCR_LABEL, roman_value, to_roman
from kehoach.extract.ocr import OcrWord
from kehoach.extract.ocr_repair import (RepairSettings, Word, default_lexicon, repair_words)
from kehoach.model import Cell, Document, Row, TableFragment, TextBlock


@dataclass(frozen=True)
class ScanSettings:
    # --- which pages need OCR
    min_image_share: float = 0.30      # page share covered by one image to call it a scan
    min_text_chars: int = 200          # fewer upright characters than this: no real text layer
    min_text_area: float = 0.15        # text spread over less of the page: a stamp, not a body
    # --- raster
    dpi: int = 300                     # render resolution cap; a scan is never upsampled past it
    min_dpi: int = 200                 # and never rendered below this
    ink_channel: str = "red"           # "red": red seals and stamps fade; "gray": luminance
    denoise: bool = True               # drop specks (JPEG and scanner noise) after binarizing
    speck_px: int = 12                 # largest isolated speck removed (pixels)
    ink_cut: float = 1.3               # threshold as a multiple of Otsu's
    grey_ocr: bool = True              # Tesseract reads grey around the ink, not the binary
    ocr_context_in: float = 0.01       # how far around the text ink the grey is kept
    rule_block_in: float = 0.15        # local threshold window for rulings
    rule_contrast: int = 12            # grey levels a ruling pixel is darker than its window
    deskew: bool = True
    max_skew_deg: float = 3.0
    skew_step_deg: float = 0.1
    # --- rulings (lengths in inches, so they hold at any resolution)
    hline_min_in: float = 0.40
    vline_min_in: float = 0.20
    line_gap_in: float = 0.03          # scanner breaks in a ruling bridged up to this length
    line_merge_in: float = 0.05        # two rulings closer than this are one (double lines)
    segment_cover: float = 0.55        # share of a cell border that must be inked to exist
    border_window_in: float = 0.04     # how far from its mean position a border is looked for
    min_table_w_in: float = 1.5
    min_table_h_in: float = 0.25
    # --- OCR
    tessdata: str = ""                 # folder of Tesseract models; "" = $TESSDATA_PREFIX or
                                       # the distribution's (extract/ocr.py)
    # Tesseract languages in order of preference: the Vietnamese script model (Debian
    # tesseract-ocr-script-viet) reads this corpus better than the language model 'vie'
    # (corpus/scanned/ENGINES.md); the first one installed is used.
    langs: tuple[str, ...] = ("Vietnamese", "vie")
    lang: str = ""                     # set to force one
    # Text outside tables is read with the language model `vie` when installed: as exact on
    # prose as the script model (word accuracy 0.995 against 0.997 on a dense page of seed 001)
    # and a quarter faster; the script model stays for the cells (ENGINES.md).
    prose_lang: str = "vie"
    prose_psm: int = 3
    cell_psm: int = 6
    label_psm: int = 6
    mosaic_gap_in: float = 0.12
    # A tall mosaic read as one block loses a line now and then (a one-word last line of a
    # cell); it is read in parts about this tall.
    mosaic_part_in: float = 10.0
    cell_edge_in: float = 0.01         # a cell crop reaches this close to a top/bottom ruling
    label_max_w_in: float = 0.45       # ink narrower than this in a cell may be a lone label
    label_chars: str = "0123456789IVXLivxl.,-)abcdđe"
    label_scale: float = 2.0
    label_min_conf: float = 0.5
    label_recheck_conf: float = 0.9    # a label read less surely is cheaper to change
    label_guess_conf: float = 0.3      # labels read less surely than this are taken from the
                                       # numbering when it allows exactly one
    mark_min_conf: float = 0.3         # lone punctuation read less surely is dropped as a speck
    dash_min_w: float = 0.2            # a lone dash narrower than this × letter height is a speck
    timeout_s: int = 180               # one OCR run (a page's prose, a part of its cell mosaic)
    # --- layout
    furniture_margin: float = 0.08     # page-number lines within this share of the top/bottom
    reflow_slack_in: float = 0.35      # a line ending this close to its column's right edge wraps
    column_gap_in: float = 0.6         # a gap this wide between two words separates columns
    repair: RepairSettings = field(default_factory=RepairSettings)
    low_page_confidence: float = 0.75  # pages below this get a warning


# ----------------------------------------------------------------------------------------
# which pages need OCR
# ----------------------------------------------------------------------------------------

def needs_ocr(pdf_path: Path, settings: ScanSettings = ScanSettings()) -> list[int]:
    """1-based pages that are images without a real text layer: no text at all, or only a
    signature stamp / watermark (few characters, a small or rotated patch of the page)."""
    pdfium = _pdfium()
    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as exc:
        raise ReadError(f"not a readable PDF ({exc})") from exc
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                if page_needs_ocr(_page_profile(page), settings):
                    out.append(i + 1)
            finally:
                page.close()
        return out
    finally:
        pdf.close()


@dataclass(frozen=True)
class PageProfile:
    image_share: float        # largest image's share of the page area
    upright_chars: int        # non-space characters not rotated (watermarks are)
    text_area: float          # share of the page spanned by the upright characters


def page_needs_ocr(p: PageProfile, settings: ScanSettings = ScanSettings()) -> bool:
    if p.image_share < settings.min_image_share:
        return False
    return p.upright_chars < settings.min_text_chars or p.text_area < settings.min_text_area


def _page_profile(page) -> PageProfile:
    import pypdfium2.raw as raw
    w, h = page.get_size()
    area = max(w * h, 1.0)
    image_share = 0.0
    for obj in page.get_objects(max_depth=4):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            l, b, r, t = obj.get_bounds()
            image_share = max(image_share, (r - l) * (t - b) / area)
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        text = tp.get_text_range() if n else ""
        boxes = []
        for j in range(min(n, len(text))):
            if text[j].isspace():
                continue
            angle = raw.FPDFText_GetCharAngle(tp.raw, j)
            if angle > 0.05 and abs(angle - 2 * math.pi) > 0.05:
                continue          # rotated: a watermark or a margin note, not the body
            boxes.append(tp.get_charbox(j))
    finally:
        tp.close()
    if not boxes:
        return PageProfile(min(image_share, 1.0), 0, 0.0)
    x0 = min(b[0] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y0 = min(b[1] for b in boxes)
    y1 = max(b[3] for b in boxes)
    return PageProfile(min(image_share, 1.0), len(boxes), (x1 - x0) * (y1 - y0) / area)


# ----------------------------------------------------------------------------------------
# image preparation
# ----------------------------------------------------------------------------------------

def _cv2():
    import cv2
    return cv2


def _pdfium():
    import pypdfium2
    return pypdfium2


def page_dpi(page, settings: ScanSettings) -> int:
    """Resolution to render at: the scan's own, clamped to [min_dpi, dpi]."""
    import pypdfium2.raw as raw
    w, _ = page.get_size()
    best = 0.0
    for obj in page.get_objects(max_depth=4):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            l, _b, r, _t = obj.get_bounds()
            px, _py = obj.get_px_size()
            if r - l > 0.5 * w:
                best = max(best, px / ((r - l) / 72.0))
    if best <= 0:
        return settings.dpi
    return int(min(settings.dpi, max(settings.min_dpi, round(best))))


def render_page(page, dpi: int) -> np.ndarray:
    """RGB array of the page as printed; form widgets (signature boxes) are not drawn, they
    are no part of the scanned sheet."""
    bitmap = page.render(scale=dpi / 72.0, may_draw_forms=False, draw_annots=False,
                         rev_byteorder=True)
    try:
        arr = bitmap.to_numpy()
        return np.ascontiguousarray(arr[:, :, :3] if arr.ndim == 3 else arr)
    finally:
        bitmap.close()


def ink_gray(rgb: np.ndarray, settings: ScanSettings) -> np.ndarray:
    """One channel where ink is dark. In the red channel red seals are as light as paper while
    black and blue ink stay dark."""
    if rgb.ndim == 2:
        return rgb
    if settings.ink_channel == "red":
        return np.ascontiguousarray(rgb[:, :, 0])
    return _cv2().cvtColor(rgb, _cv2().COLOR_RGB2GRAY)


def binarize(gray: np.ndarray, settings: ScanSettings) -> np.ndarray:
    """Ink mask (255 = ink) for the text. Otsu's global threshold: typed pages have two tones,
    and a global threshold drops the bleed-through of the back page that a local one keeps.
    Specks smaller than a dot of an i are removed (a median filter would also erase the thin
    rulings and the marks of the letters)."""
    cv2 = _cv2()
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Otsu's cut lies midway between ink and paper; the thin hook of a hỏi tone mark and the
    # hairlines of a serif are lighter than the strokes, and a cut nearer the paper keeps them.
    cut = min(250.0, otsu * settings.ink_cut)
    _, ink = cv2.threshold(gray, cut, 255, cv2.THRESH_BINARY_INV)
    return despeckle(ink, settings.speck_px) if settings.denoise else ink


def despeckle(ink: np.ndarray, max_px: int) -> np.ndarray:
    """Remove specks: tiny components with no other ink close by. The dot under 'ạ' or of an
    'i' is as small, but it always sits next to its letter."""
    cv2 = _cv2()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] <= max_px]
    if not small:
        return ink
    # Specks are few: each is handled inside its own box, not over the whole page.
    def box(k: int, grow: int = 0) -> tuple[slice, slice]:
        x, y = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
        w, h = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
        return (slice(max(0, y - grow), y + h + grow), slice(max(0, x - grow), x + w + grow))

    big = ink.copy()
    for k in small:
        ys, xs = box(k)
        big[ys, xs][labels[ys, xs] == k] = 0
    reach = (4 * int(math.sqrt(max_px)) + 3) // 2
    out = None
    for k in small:
        if big[box(k, reach)].any():
            continue
        out = ink.copy() if out is None else out
        ys, xs = box(k)
        out[ys, xs][labels[ys, xs] == k] = 0
    return ink if out is None else out


def rule_ink(gray: np.ndarray, dpi: int, settings: ScanSettings) -> np.ndarray:
    """A more permissive ink mask for finding rulings: a hairline rule scanned at 200 dpi is a
    light grey one pixel wide that Otsu drops; a local threshold keeps it, and what else it
    keeps (grain, bleed-through) is no long straight run."""
    cv2 = _cv2()
    block = int(settings.rule_block_in * dpi) | 1
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, settings.rule_contrast)


def estimate_skew(ink: np.ndarray, settings: ScanSettings) -> float:
    """Degrees to rotate (counter-clockwise) so text lines are level: the angle that makes the
    row profile sharpest, searched on a reduced image."""
    cv2 = _cv2()
    scale = min(1.0, 600.0 / max(ink.shape))
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    steps = int(round(settings.max_skew_deg / settings.skew_step_deg))
    for k in range(-steps, steps + 1):
        a = k * settings.skew_step_deg
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rot = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = rot.sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(prof)).sum())
        if score > best_score:
            best, best_score = a, score
    return best


def rotate(img: np.ndarray, angle: float, fill: int) -> np.ndarray:
    cv2 = _cv2()
    if abs(angle) < 1e-6:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderValue=(fill,) * (3 if img.ndim == 3 else 1))


# ----------------------------------------------------------------------------------------
# table grids
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GridCell:
    r0: int
    c0: int
    r1: int                 # exclusive
    c1: int                 # exclusive
    box: tuple[int, int, int, int]   # x0, y0, x1, y1 in pixels, inside the rulings


@dataclass(frozen=True)
class Grid:
    xs: tuple[int, ...]     # column borders, pixels
    ys: tuple[int, ...]     # row borders
    cells: tuple[GridCell, ...]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def ruling_masks(ink: np.ndarray, dpi: int, settings: ScanSettings) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rulings: ink runs far longer than any letter stroke. Opened
    first (a closing first would weld the letters of a word into a run as long as a rule),
    then closed along the rule to bridge the scanner's breaks."""
    cv2 = _cv2()
    gap = max(1, int(settings.line_gap_in * dpi))
    hl = max(10, int(settings.hline_min_in * dpi))
    vl = max(10, int(settings.vline_min_in * dpi))
    rect = cv2.getStructuringElement
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, (hl, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, rect(cv2.MORPH_RECT, (gap, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, (1, vl)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, rect(cv2.MORPH_RECT, (1, gap)))
    return h, v


def _positions(profile: np.ndarray, threshold: float, merge: int) -> list[int]:
    """Centres of the runs where profile ≥ threshold; runs closer than merge are one line."""
    idx = np.flatnonzero(profile >= threshold)
    if idx.size == 0:
        return []
    runs: list[list[int]] = [[int(idx[0]), int(idx[0])]]
    for i in idx[1:]:
        if i - runs[-1][1] <= merge:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    return [(a + b) // 2 for a, b in runs]


def find_grids(hmask: np.ndarray, vmask: np.ndarray, dpi: int,
               settings: ScanSettings) -> list[Grid]:
    """Each group of crossing rulings large enough to be a table becomes a grid of cells."""
    cv2 = _cv2()
    both = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((5, 5), np.uint8))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids: list[Grid] = []
    for k in range(1, n):
        x, y, w, h, _a = stats[k]
        if w < settings.min_table_w_in * dpi or h < settings.min_table_h_in * dpi:
            continue
        g = _grid_in(hmask[y:y + h, x:x + w], vmask[y:y + h, x:x + w], x, y, dpi, settings)
        if g is not None:
            grids.append(g)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _grid_in(hm: np.ndarray, vm: np.ndarray, ox: int, oy: int, dpi: int,
             settings: ScanSettings) -> Grid | None:
    merge = max(2, int(settings.line_merge_in * dpi))
    h, w = hm.shape
    ys = _positions((hm > 0).sum(axis=1), settings.hline_min_in * dpi, merge)
    xs = _positions((vm > 0).sum(axis=0), settings.vline_min_in * dpi, merge)
    # A table drawn without its outer left/right (or top/bottom) border still ends there.
    if xs and xs[0] > merge * 2:
        xs.insert(0, 0)
    if xs and xs[-1] < w - 1 - merge * 2:
        xs.append(w - 1)
    if ys and ys[0] > merge * 2:
        ys.insert(0, 0)
    if ys and ys[-1] < h - 1 - merge * 2:
        ys.append(h - 1)
    if len(xs) < 3 or len(ys) < 2:
        return None                    # a box or a lone rule, not a table
    nr, nc = len(ys) - 1, len(xs) - 1
    # A border is looked for in a window around its mean position: a residual skew moves a
    # long rule by a few pixels from one end to the other. The masks hold rules only, so the
    # window may be wide, but never wider than a third of the rows or columns it separates.
    tol = max(3, int(settings.border_window_in * dpi))

    def win(pos: list[int], k: int) -> int:
        near = [pos[k] - pos[k - 1]] if k > 0 else []
        near += [pos[k + 1] - pos[k]] if k + 1 < len(pos) else []
        return max(1, min([tol] + [n // 3 for n in near]))

    def vborder(i: int, j: int) -> bool:        # border left of column j in row i
        t = win(xs, j)
        a, b = ys[i] + win(ys, i), ys[i + 1] - win(ys, i + 1)
        if b <= a:
            return True
        band = vm[a:b, max(0, xs[j] - t):xs[j] + t + 1] > 0
        return band.any(axis=1).mean() >= settings.segment_cover

    def hborder(i: int, j: int) -> bool:        # border above row i in column j
        t = win(ys, i)
        a, b = xs[j] + win(xs, j), xs[j + 1] - win(xs, j + 1)
        if b <= a:
            return True
        band = hm[max(0, ys[i] - t):ys[i] + t + 1, a:b] > 0
        return band.any(axis=0).mean() >= settings.segment_cover

    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(nr):
        for j in range(nc):
            if j > 0 and not vborder(i, j):
                parent[find(i * nc + j)] = find(i * nc + j - 1)
            if i > 0 and not hborder(i, j):
                parent[find(i * nc + j)] = find((i - 1) * nc + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(nr):
        for j in range(nc):
            groups.setdefault(find(i * nc + j), []).append((i, j))
    cells = []
    for members in groups.values():
        r0 = min(i for i, _ in members)
        r1 = max(i for i, _ in members) + 1
        c0 = min(j for _, j in members)
        c1 = max(j for _, j in members) + 1
        box = (ox + xs[c0], oy + ys[r0], ox + xs[c1], oy + ys[r1])
        cells.append(GridCell(r0, c0, r1, c1, box))
    cells.sort(key=lambda c: (c.r0, c.c0))
    if nr < 1 or len(cells) < 2:
        return None
    return Grid(tuple(ox + x for x in xs), tuple(oy + y for y in ys), tuple(cells))


# ----------------------------------------------------------------------------------------
# Tesseract
# ----------------------------------------------------------------------------------------

def choose_lang(settings: ScanSettings) -> str | None:
    """The Tesseract language to use: the forced one if installed, else the first installed
    of the preferred ones; None when none is."""
    have = ocr.installed_langs(settings.tessdata)
    wanted = (settings.lang,) if settings.lang else settings.langs
    return next((l for l in wanted if all(p in have for p in l.split("+"))), None)


def tesseract_available(settings: ScanSettings = ScanSettings()) -> bool:
    return choose_lang(settings) is not None


def _read(img: np.ndarray, dpi: int, psm: int, lang: str, settings: ScanSettings,
          whitelist: str | None = None,
          boxes: list[tuple[int, int, int, int]] | None = None) -> list[OcrWord]:
    """Words of the image, or of each of its boxes read on its own, in image coordinates."""
    h, w = img.shape[:2]
    parts = ocr.recognize_boxes(img, boxes or [(0, 0, w, h)], dpi, psm, lang, whitelist=whitelist,
                                tessdata=settings.tessdata, timeout_s=settings.timeout_s)
    return [word for part in parts for word in part]


# ----------------------------------------------------------------------------------------
# mosaic: many crops, few OCR runs
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    key: int
    src: tuple[int, int, int, int]     # crop box in the page image
    y: int                             # top of the crop in the mosaic
    x: int


def build_mosaic(page: np.ndarray, boxes: list[tuple[int, tuple[int, int, int, int]]],
                 gap: int, scale: float = 1.0) -> tuple[np.ndarray, list[Placed]]:
    """Crops stacked top to bottom on white, gap pixels apart, so each is its own text line(s)."""
    cv2 = _cv2()
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


# ----------------------------------------------------------------------------------------
# text assembly
# ----------------------------------------------------------------------------------------

def tesseract_lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    """Words grouped by Tesseract's own line ids (reliable inside one cell), lines top
    to bottom, words left to right."""
    by: dict[tuple[int, int, int], list[OcrWord]] = {}
    for w in words:
        by.setdefault(w.line, []).append(w)
    lines = [sorted(ws, key=lambda w: w.box[0]) for ws in by.values()]
    lines.sort(key=lambda l: min(w.box[1] for w in l))
    return lines


def repaired_text(words: list[OcrWord], settings: ScanSettings) -> tuple[str, float | None, int]:
    """Text of words (one line), char-weighted mean confidence, number of repairs."""
    return repaired_lines([words], settings)


def repaired_lines(lines: list[list[OcrWord]], settings: ScanSettings) -> tuple[str, float | None, int]:
    """Text of one run of text (a line, or a cell's wrapped lines in order), its
    char-weighted mean confidence and the number of repairs. Specks are told line by line
    (by the line's letter height); the words are repaired as one sequence, since a cell's
    'Quý' and 'III/2024' or a web address may sit on two lines."""
    lex = default_lexicon()
    words: list[OcrWord] = []
    for line in lines:
        line = [_trim_specks(w) for w in line if not is_noise_mark(w, settings)]
        line = _drop_stray_marks([w for w in line if w.text], settings)
        # A document symbol wrapped at its hyphen ('61/2018/NĐ-' | 'CP') is one token again.
        if words and line and _SYMBOL_CUT.search(words[-1].text):
            w0, first = words.pop(), line[0]
            line[0] = OcrWord(w0.text + first.text, min(w0.conf, first.conf), w0.box, w0.line)
        words.extend(line)
    if not words:
        return "", None, 0
    fixed, notes = repair_words([Word(w.text, w.conf) for w in words], lex, settings.repair)
    text = " ".join(w.text for w in fixed)
    return text, _mean_conf(words), len(notes)


_PUNCT_WORDS = set("-–—/;:,.()%&+")
_SYMBOL_CUT = re.compile(r"[0-9]/\S*-$")


def is_noise_mark(w: OcrWord, settings: ScanSettings) -> bool:
    """A 'word' with no letter or digit that is a speck or a ruling's remnant read as a mark
    (ˆ ` ' _ ~ |), or a punctuation mark the OCR itself doubts."""
    if any(ch.isalnum() for ch in w.text):
        return False
    if not all(ch in _PUNCT_WORDS for ch in w.text):
        return True
    return w.conf < settings.mark_min_conf


_STOPS = ".,:;"
_LEAD_STOPS = re.compile(r"^[.,:;]+(?=[^\W_])")


def _drop_stray_marks(words: list[OcrWord], settings: ScanSettings) -> list[OcrWord]:
    """Specks by the text that OCR reads as punctuation, told by typography and size:
    - '.', ',', ':' or ';' standing alone between spaces (Vietnamese, as French-free typed
      text, attaches them to the word before; an ellipsis '...' is kept);
    - the same marks glued before a word's first letter or digit ('.Một', ':100%');
    - a dash much shorter than a dash: its width under settings.dash_min_w of the line's
      letter height (a printed '-' is about a third of it; a speck is a dot)."""
    heights = sorted(w.box[3] - w.box[1] for w in words if any(ch.isalpha() for ch in w.text))
    h = heights[len(heights) // 2] if heights else 0
    out = []
    for w in words:
        t = w.text
        if not any(ch.isalnum() for ch in t):
            if "..." in t or "…" in t:
                out.append(w)
                continue
            t = "".join(ch for ch in t if ch not in _STOPS)
            if not t:
                continue
            if set(t) <= set("-–") and h and (w.box[2] - w.box[0]) < settings.dash_min_w * h:
                continue
        else:
            t = _LEAD_STOPS.sub("", t)
        out.append(w if t == w.text else OcrWord(t, w.conf, w.box, w.line))
    return out


_SPECK_MARKS = "ˆ`~'_|¡"


def _trim_specks(w: OcrWord) -> OcrWord:
    """Marks a speck adds at a word's edge ("'Tổ", "Sự-~"): never part of a Vietnamese word."""
    if not any(ch.isalnum() for ch in w.text):
        return w
    t = w.text.strip(_SPECK_MARKS)
    return w if t == w.text else OcrWord(t, w.conf, w.box, w.line)


def _mean_conf(words: list[OcrWord]) -> float | None:
    n = sum(len(w.text) for w in words)
    if not n:
        return None
    return sum(w.conf * len(w.text) for w in words) / n


def is_label(text: str) -> bool:
    return bool(OCR_LABEL.match(text.strip()))


# ----------------------------------------------------------------------------------------
# the reader
# ----------------------------------------------------------------------------------------

@dataclass
class _PageResult:
    blocks: list[tuple[float, str, bool, tuple[int, int, int, int]]]   # (top, text, heading, box)
    tables: list[tuple[Grid, list[Row]]]
    chars: int = 0
    conf_sum: float = 0.0
    repairs: int = 0
    warnings: list[str] = field(default_factory=list)
    # Every reading of a small cell that may hold a label, keyed by (page, cell bbox): the
    # table's numbering chooses among them (repair_label_sequence).
    label_readings: dict[tuple, list[tuple[str, float]]] = field(default_factory=dict)


def read_scanned_pdf(path: Path, *, source: str, pages_to_ocr: set[int] | None = None,
                     settings: ScanSettings = ScanSettings()) -> Document:
    """OCR the given 1-based pages (default: those needs_ocr finds) of a PDF into a Document
    of format "pdf-scanned". Other pages contribute nothing here; the PDF reader has them."""
    path = Path(path)
    pdfium = _pdfium()
    lang = choose_lang(settings)
    if lang is None:
        raise ReadError(f"OCR engine not available: tesserocr with one of the models "
                        f"{settings.lang or ', '.join(settings.langs)} (pip: tesserocr; Debian: "
                        "tesseract-ocr-script-viet or tesseract-ocr-vie)")
    settings = replace(settings, lang=lang)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ReadError(f"not a readable PDF ({exc})") from exc
    try:
        npages = len(pdf)
        wanted = sorted(pages_to_ocr) if pages_to_ocr is not None else needs_ocr(path, settings)
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
        fragments, notes = _repair_labels(fragments, settings, label_readings)
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


def _repair_labels(fragments: list[TableFragment], settings: ScanSettings,
                   readings: dict[tuple, list[tuple[str, float]]] | None = None
                   ) -> tuple[list[TableFragment], list[str]]:
    """The numbering runs on across page breaks, so the label column is checked over all the
    document's table rows at once."""
    rows = [r for f in fragments for r in f.rows]
    fixed, notes = repair_label_sequence(rows, settings, readings)
    out, k = [], 0
    for f in fragments:
        n = len(f.rows)
        out.append(replace(f, rows=tuple(fixed[k:k + n])))
        k += n
    return out, notes


def _reading_order(res: _PageResult) -> list[tuple[str, object]]:
    """Blocks in Tesseract's order, each table placed before the first block below its top."""
    items: list[tuple[str, object]] = []
    tables = sorted(res.tables, key=lambda t: t[0].box[1])
    ti = 0
    for b in res.blocks:
        while ti < len(tables) and tables[ti][0].box[1] <= b[0]:
            items.append(("table", tables[ti]))
            ti += 1
        items.append(("block", b))
    items.extend(("table", t) for t in tables[ti:])
    return items


def ocr_page(page, pno: int, settings: ScanSettings = ScanSettings()) -> _PageResult:
    dpi = page_dpi(page, settings)
    rgb = render_page(page, dpi)
    return ocr_image(rgb, dpi, pno, settings)


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


def prepare(rgb: np.ndarray, dpi: int, settings: ScanSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Levelled grey page, its text ink and its ruling ink; and the skew angle removed."""
    gray = ink_gray(rgb, settings)
    # The skew is measured on the plain threshold (specks do not move a row profile), so the
    # page is despeckled once, after it is levelled.
    angle = estimate_skew(binarize(gray, replace(settings, denoise=False)), settings) \
        if settings.deskew else 0.0
    if abs(angle) >= settings.skew_step_deg / 2:
        gray = rotate(gray, angle, 255)
    return gray, binarize(gray, settings), rule_ink(gray, dpi, settings), angle


def ocr_canvas(gray: np.ndarray, text_ink: np.ndarray, settings: ScanSettings,
               dpi: int = 200) -> np.ndarray:
    """What Tesseract reads: the grey levels around the text ink, white elsewhere. Grey keeps
    the small tone marks' shape that a binary cut coarsens (hỏi read as sắc: measured on the
    scanned corpus), and the white drops grain, bleed-through, seals and the rulings."""
    if not settings.grey_ocr:
        return _cv2().bitwise_not(text_ink)
    r = max(2, int(round(settings.ocr_context_in * dpi)))
    near = _cv2().dilate(text_ink, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    return np.where(near > 0, gray, 255).astype(np.uint8)


def ocr_image(rgb: np.ndarray, dpi: int, pno: int, settings: ScanSettings = ScanSettings()) -> _PageResult:
    """One page's reading: prose and tables, with their confidences."""
    cv2 = _cv2()
    gray, ink, rink, _angle = prepare(rgb, dpi, settings)
    hmask, vmask = ruling_masks(rink, dpi, settings)
    grids = find_grids(hmask, vmask, dpi, settings)
    rulings = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((3, 3), np.uint8))
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(rulings))
    paper = ocr_canvas(gray, text_ink, settings, dpi)
    res = _PageResult(blocks=[], tables=[])
    to_pt = 72.0 / dpi

    # prose: the page with every table blanked
    prose = paper.copy()
    for g in grids:
        x0, y0, x1, y1 = g.box
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
        words = _read(crop, dpi, settings.prose_psm, _prose_lang(settings), settings)
        words = [OcrWord(w.text, w.conf, (w.box[0] + x0, w.box[1] + y0, w.box[2] + x0,
                                          w.box[3] + y0), w.line) for w in words]
    _add_conf(res, words)
    res.blocks = _prose_blocks(words, paper.shape, dpi, settings, res)

    # tables: every non-empty cell
    if grids:
        res.tables = _read_tables(grids, paper, text_ink, dpi, pno, to_pt, settings, res)
    return res


def _prose_lang(settings: ScanSettings) -> str:
    if settings.prose_lang and settings.prose_lang in ocr.installed_langs(settings.tessdata):
        return settings.prose_lang
    return settings.lang


def _add_conf(res: _PageResult, words: list[OcrWord]) -> None:
    for w in words:
        res.chars += len(w.text)
        res.conf_sum += w.conf * len(w.text)


def _prose_blocks(words: list[OcrWord], shape: tuple[int, int], dpi: int,
                  settings: ScanSettings, res: _PageResult):
    """Tesseract lines → blocks: a line that reaches its paragraph's right edge wraps into the
    next (justified prose); any other line ends its block (headings, header lines, list items).
    Page numbers in the top or bottom margin are dropped."""
    h = shape[0]
    by_line: dict[tuple[int, int, int], list[OcrWord]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    lines = []
    gap = settings.column_gap_in * dpi
    for key in sorted(by_line):
        ws = sorted(by_line[key], key=lambda w: w.box[0])
        # A wide gap inside one Tesseract line is two columns read as one (the national
        # header: issuer left, motto and date right): each side is its own line and block.
        parts: list[list[OcrWord]] = [[ws[0]]]
        for w in ws[1:]:
            if w.box[0] - parts[-1][-1].box[2] > gap:
                parts.append([])
            parts[-1].append(w)
        for n, part in enumerate(parts):
            box = (min(w.box[0] for w in part), min(w.box[1] for w in part),
                   max(w.box[2] for w in part), max(w.box[3] for w in part))
            text, _conf, nrep = repaired_text(part, settings)
            res.repairs += nrep
            if not text or _is_furniture(text, box, h, settings):
                continue
            lines.append((key + (n,) if len(parts) > 1 else key, box, text))
    par_right: dict[tuple[int, int], int] = {}
    for key, box, _t in lines:
        par_right[key[:2]] = max(par_right.get(key[:2], 0), box[2])
    slack = settings.reflow_slack_in * dpi
    blocks = []
    cur: list = []
    for key, box, text in lines:
        if cur:
            pkey, pbox, _pt = cur[-1]
            wraps = (len(key) == 3 and len(pkey) == 3 and pkey[:2] == key[:2]
                     and pbox[2] >= par_right[pkey[:2]] - slack)
            if not wraps:
                blocks.append(_block(cur))
                cur = []
        cur.append((key, box, text))
    if cur:
        blocks.append(_block(cur))
    return blocks


def _block(lines: list) -> tuple[float, str, bool, tuple[int, int, int, int]]:
    text = " ".join(t for _k, _b, t in lines).strip()
    box = (min(b[0] for _k, b, _t in lines), min(b[1] for _k, b, _t in lines),
           max(b[2] for _k, b, _t in lines), max(b[3] for _k, b, _t in lines))
    letters = [c for c in text if c.isalpha()]
    heading = bool(letters) and len(lines) == 1 and all(c.isupper() for c in letters) and len(letters) >= 4
    return (float(box[1]), text, heading, box)


def _is_furniture(text: str, box: tuple[int, int, int, int], h: int, settings: ScanSettings) -> bool:
    m = settings.furniture_margin * h
    in_margin = box[3] <= m or box[1] >= h - m
    return in_margin and bool(re.fullmatch(r"[-–—\s]*(?:Trang\s*)?\d{1,3}[-–—\s]*", text))


def _read_tables(grids: list[Grid], paper: np.ndarray, text_ink: np.ndarray, dpi: int, pno: int,
                 to_pt: float, settings: ScanSettings, res: _PageResult) -> list[tuple[Grid, list[Row]]]:
    pad = max(2, int(0.03 * dpi))
    edge = max(1, int(round(settings.cell_edge_in * dpi)))
    entries: list[tuple[int, int, GridCell, tuple[int, int, int, int] | None]] = []
    boxes = []
    for gi, g in enumerate(grids):
        for ci, c in enumerate(g.cells):
            ink_box = _ink_box(text_ink, c.box, pad, edge)
            key = len(entries)
            entries.append((gi, ci, c, ink_box))
            if ink_box is not None:
                boxes.append((key, ink_box))
    texts: dict[int, tuple[str, float | None]] = {}
    relabel: dict[int, list[tuple[str, float]]] = {}
    if boxes:
        gap = int(settings.mosaic_gap_in * dpi)
        canvas, placed = build_mosaic(paper, boxes, gap)
        words = _read(canvas, dpi, settings.cell_psm, settings.lang, settings,
                      boxes=mosaic_parts(placed, canvas.shape[1], gap,
                                         int(settings.mosaic_part_in * dpi)))
        _add_conf(res, words)
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
            canvas, placed = build_mosaic(_cv2().bitwise_not(text_ink), retry, gap, scale=scale)
            lw = _read(canvas, int(dpi * scale), settings.label_psm, settings.lang, settings,
                       whitelist=settings.label_chars)
            for key, ws in unmosaic(lw, placed, scale=scale).items():
                t = "".join(w.text for w in sorted(ws, key=lambda w: w.box[0]))
                conf = _mean_conf(ws) or 0.0
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
            x0, y0, x1, y1 = c.box
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


def _cell_text(ws: list[OcrWord], settings: ScanSettings, res: _PageResult) -> tuple[str, float | None]:
    text, _c, nrep = repaired_lines(tesseract_lines(ws), settings)
    res.repairs += nrep
    return drop_unpaired_quotes(text.strip()), _mean_conf(ws)


_OPEN_QUOTES, _CLOSE_QUOTES = "\"“'‘", "\"”'’"


def drop_unpaired_quotes(text: str) -> str:
    """A quote mark opening a cell that no mark closes, or closing one that none opened, is a
    speck ('"Các chương trình', 'Thường xuyên”'): a quotation inside one cell is closed in it."""
    t = text
    if t[:1] in _OPEN_QUOTES and not any(ch in _CLOSE_QUOTES for ch in t[1:]):
        t = t[1:].lstrip()
    if t[-1:] in _CLOSE_QUOTES and not any(ch in _OPEN_QUOTES for ch in t[:-1]):
        t = t[:-1].rstrip()
    return t


# ----------------------------------------------------------------------------------------
# label sequences
# ----------------------------------------------------------------------------------------

def _label_key(label: str) -> tuple[str, tuple[int, ...], str] | None:
    """('num', (1, 2), '.') for '1.2.', ('roman', (2,), '') for 'II'."""
    s = label.strip().replace(",", ".").replace("/", ".")   # OCR reads the dot of "1.2" as , or /
    m = re.fullmatch(r"([0-9]{1,3}(?:\.[0-9]{1,3})*)(\.?)", s)
    if m:
        return "num", tuple(int(x) for x in m.group(1).split(".")), m.group(2)
    m = re.fullmatch(r"([IVXL]{1,6})(\.?)", s)
    if m and roman_value(m.group(1)):
        return "roman", (roman_value(m.group(1)),), m.group(2)
    return None


def _label_of(kind: str, parts: tuple[int, ...], tail: str) -> str:
    if kind == "roman":
        return to_roman(parts[0]) + tail
    return ".".join(str(p) for p in parts) + tail


def _successors(key: tuple[str, tuple[int, ...], str]) -> list[tuple[str, tuple[int, ...], str]]:
    """Labels that may follow key in a plan's numbering: its next sibling, its first child,
    and the next item of any level above it."""
    kind, parts, tail = key
    out = [(kind, parts[:-1] + (parts[-1] + 1,), tail)]
    if kind == "num":
        out.append((kind, parts + (1,), ""))
        for k in range(1, len(parts)):
            out.append((kind, parts[:k - 1] + (parts[k - 1] + 1,), "."))
            out.append((kind, parts[:k - 1] + (parts[k - 1] + 1,), ""))
    return out


_DIGIT_LOOKALIKES = {"8": "9630", "9": "8", "6": "85", "3": "8", "0": "8", "5": "6"}


def _readings(text: str) -> list[str]:
    """What a printed label may have been when OCR read text: itself, with its dots read as
    commas, or with dots it lost put back between digits ('21' → '2.1', '2.1.')."""
    t = text.strip()
    out = [t]
    # Shapes OCR puts for a label's dot (⁄ fraction slash) or its one ('l', 'I', '|' among digits).
    if re.search(r"[0-9]", t):
        alt = re.sub(r"[lI|]", "1", t.replace("\u2044", "/"))
        if alt != t:
            out.append(alt)
            t = alt
    # A Roman II whose serifs touch is read as 'H' ('HI' for III); l, 1 and | are its I.
    if re.fullmatch(r"[IHl1|]*H[IHl1|]*\.?", t):
        alt = re.sub(r"[l1|]", "I", t.replace("H", "II"))
        if alt != t:
            out.append(alt)
    bare = re.sub(r"^[^0-9A-Za-z]+|[^0-9A-Za-z.]+$", "", t)     # specks read around a label
    if bare and bare != t:
        out.append(bare)
        t = bare
    if "," in t or "/" in t:
        out.append(t.replace(",", ".").replace("/", "."))
    digits = re.sub(r"[.,/]", "", t)
    if digits.isdigit() and 2 <= len(digits) <= 4:
        for cut in range(1, len(digits)):
            dotted = digits[:cut] + "." + digits[cut:]
            out += [dotted, dotted + "."]
        out += [digits, digits + "."]
    # One digit taken for a look-alike ('9' read as '8' with confidence 0.95 between '8' and
    # '10'): tried last and at a higher cost (_reading_cost), so it is chosen only where the
    # numbering on both sides asks for it.
    for k, ch in enumerate(t):
        for alt_ch in _DIGIT_LOOKALIKES.get(ch, ""):
            out.append(t[:k] + alt_ch + t[k + 1:])
    seen: list[str] = []
    for o in out:
        if o not in seen and _label_key(o):
            seen.append(o)
    return seen or [t]


def _reading_cost(cell: Cell, reading: str, settings: ScanSettings) -> float:
    """Keeping what was read is free; a dot read as ',' or '/' is a small change; a dot put
    back or a speck dropped is one change, more when OCR was sure of what it read."""
    t = cell.text.strip()
    if reading == t:
        return 0.0
    if reading == re.sub(r"[,/]", ".", t):
        return 0.25
    if reading.replace(".", "") == t.replace(".", "") and len(reading) > len(t):
        # A dot put back: the mark OCR loses most often on a label (measured on the scanned
        # corpus: '2.1' read '21' at 0.94 on one row after another). Cheap enough that a run
        # of such rows is mended rather than kept as a second numbering; an already
        # consistent numbering (19, 20, 21) never asks for it.
        return 0.5
    if len(reading) == len(t) and sum(a != b for a, b in zip(reading, t)) == 1 \
            and all(_DIGIT_LOOKALIKES.get(a, "").find(b) >= 0 for a, b in zip(t, reading) if a != b):
        return 2.0                      # a digit taken for a look-alike
    return 1.0 if (cell.confidence or 0.0) < settings.label_recheck_conf else 1.5


def _follows(prev: str | None, cur: str, steps: int = 1) -> bool:
    """cur can come after prev in a numbering, with steps-1 labels left out between them."""
    if prev is None:
        return True
    p, c = _label_key(prev), _label_key(cur)
    if not p or not c:
        return False
    frontier = {p}
    for _ in range(steps):
        frontier = {s for f in frontier for s in _successors(f)}
        if (c[0], c[1]) in {(s[0], s[1]) for s in frontier}:
            return True
    return False


def _label_options(cell: Cell, others: list[tuple[str, float]], settings: ScanSettings
                   ) -> list[tuple[str, float]]:
    """What a label cell may say, each with its cost: the readings of the text it holds, and
    of the cell's other OCR reading (the re-read with the label alphabet, or the first read)
    when that one is confident; the other reading costs nothing more when it was as sure."""
    kept = cell.text.strip()
    sources = [(kept, cell.confidence or 0.0, 0.0)]
    for text, conf in others:
        text = text.strip()
        if text and text != kept and conf >= settings.label_min_conf:
            sources.append((text, conf, 0.0 if conf >= (cell.confidence or 0.0) else 0.5))
    best: dict[str, float] = {}
    for text, conf, extra in sources:
        as_read = replace(cell, text=text, confidence=conf)
        for o in _readings(text):
            c = _reading_cost(as_read, o, settings) + extra
            if "," in o or "/" in o or not _label_key(o):
                c += 1.0
            if c < best.get(o, float("inf")):
                best[o] = c
    return list(best.items())


def repair_label_sequence(rows: list[Row], settings: ScanSettings,
                          readings: dict[tuple, list[tuple[str, float]]] | None = None
                          ) -> tuple[list[Row], list[str]]:
    """First-column labels checked against the table's own numbering. Each label may be read
    as printed or with the dots OCR loses restored; the readings chosen are those that make the
    column one unbroken numbering with the fewest changes (a small Viterbi search). An empty
    cell between two labels gets the one label that both allow. What the numbering does not
    settle is left as read."""
    readings = readings or {}
    firsts = [(i, next((c for c in r.cells if c.col == 0), None)) for i, r in enumerate(rows)]
    options_of = {i: _label_options(c, readings.get((c.page, c.bbox), []), settings)
                  for i, c in firsts if c is not None and c.text.strip()}
    # A label OCR itself hardly believes (a speck, a smudged '11' read '1É' at 0.06) is no
    # evidence for the numbering: it is settled like an empty cell, by its neighbours.
    unsure = {i for i, c in firsts if c is not None and c.text.strip()
              and max([c.confidence if c.confidence is not None else 1.0]
                      + [conf for t, conf in readings.get((c.page, c.bbox), []) if t.strip()])
              < settings.label_guess_conf}
    labelled = [(i, c) for i, c in firsts
                if c is not None and c.text.strip() and i not in unsure
                and any(_label_key(o) for o, _cost in options_of[i])]
    # A few characters in the label column that no reading makes a label ('đề' for a bold
    # '2.') are a label OCR lost: a gap in the numbering, like an empty cell.
    lost = {i for i, c in firsts if c is not None and 0 < len(c.text.strip()) <= 3
            and i in options_of and not any(_label_key(o) for o, _c in options_of[i])}
    unsure |= lost
    # Empty label cells between two labels: the numbering may skip that many values there.
    # (A label too unsure to count is such a cell too.)
    empties = [sum(1 for j, c in firsts[a + 1:b]
                   if c is not None and (not c.text.strip() or j in unsure))
               for (a, _), (b, _) in zip(labelled, labelled[1:])]
    notes: list[str] = []
    chosen: dict[int, str] = {}
    if len(labelled) >= 2:
        # Keeping what was read is free; a comma read for a dot costs little, a restored dot
        # costs one change.
        options = [[o for o, _c in options_of[i]] for i, _ in labelled]
        cost = [[c for _o, c in options_of[i]] for i, _ in labelled]
        inf = float("inf")
        best = [cost[0][:]]
        back: list[list[int]] = [[-1] * len(options[0])]
        for k in range(1, len(options)):
            row_best, row_back = [], []
            for j, o in enumerate(options[k]):
                cands = [(best[k - 1][p] + cost[k][j] + (0.0 if _follows(po, o, 1 + empties[k - 1]) else 3.0), p)
                         for p, po in enumerate(options[k - 1])]
                v, p = min(cands) if cands else (inf, -1)
                row_best.append(v)
                row_back.append(p)
            best.append(row_best)
            back.append(row_back)
        j = min(range(len(best[-1])), key=lambda x: best[-1][x])
        for k in range(len(options) - 1, -1, -1):
            chosen[labelled[k][0]] = options[k][j]
            j = back[k][j]
    out = list(rows)
    for i, cell in labelled:
        new = chosen.get(i, cell.text.strip())
        if new != cell.text.strip():
            out[i] = _with_label(out[i], cell, new)
            notes.append(f"page {cell.page}: label {cell.text.strip()!r} read as {new!r} "
                         f"from the table's numbering")
    # A trailing dot ('2.' read '2') is the smallest mark of a label and the first one lost:
    # a top-level number OCR was unsure of takes the dot style most of the column's other
    # top-level numbers show.
    top = [(i, c, _label_key(c.text)) for i, c in
           ((i, next((c for c in out[i].cells if c.col == 0), None)) for i, _ in labelled)]
    top = [(i, c, k) for i, c, k in top if k and k[0] == "num" and len(k[1]) == 1]
    for i, c, k in top:
        if (c.confidence or 0.0) >= settings.label_recheck_conf:
            continue
        others = [k2[2] for j, _c2, k2 in top if j != i]
        dots, bare = others.count("."), others.count("")
        want = "." if dots > bare else "" if bare > dots else k[2]
        if want != k[2]:
            label = _label_of(k[0], k[1], want)
            notes.append(f"page {c.page}: label {c.text.strip()!r} read as {label!r} "
                         f"from the table's numbering")
            out[i] = _with_label(out[i], c, label)
    # Empty cells: between the nearest labels before and after (header rows repeated at a page
    # break in between are no labels and are passed over), the one label both allow.
    present = [(i, next((c for c in out[i].cells if c.col == 0), None)) for i, _ in firsts]
    present = [(i, c) for i, c in present if c is not None]
    for k, (i, cell) in enumerate(present):
        if cell.text.strip() and i not in unsure:
            continue
        before = [c for j, c in present[:k] if _label_key(c.text) and j not in unsure]
        after = [c for j, c in present[k + 1:] if _label_key(c.text) and j not in unsure]
        if not before or not after:
            continue
        if before[-1].page != cell.page:
            continue      # first row of a page: the rest of a row split at the break, unnumbered
        prev, nxt = before[-1].text.strip(), after[0].text.strip()
        fits = {_label_of(*c) for c in _successors(_label_key(prev)) if _follows(_label_of(*c), nxt)}
        if len(fits) == 2:
            # '2.' or '2': the column's own labels of that depth say whether a dot follows.
            tails = {_label_key(c.text)[2] for _, c in present if _label_key(c.text)
                     and len(_label_key(c.text)[1]) == 1 and _label_key(c.text)[0] == "num"}
            same = {f.rstrip(".") for f in fits}
            if len(same) == 1 and len(tails) == 1:
                fits = {f for f in fits if f.endswith(".") == (tails == {"."})}
        if len(fits) != 1:
            continue
        label = fits.pop()
        if label == cell.text.strip():
            continue
        out[i] = _with_label(out[i], cell, label)
        what = f"unsure label {cell.text.strip()!r}" if cell.text.strip() else "empty label cell"
        notes.append(f"page {cell.page}: {what} read as {label!r} from the table's numbering")
    return out, notes


def _with_label(row: Row, cell: Cell, label: str) -> Row:
    new_cell = replace(cell, text=label)
    return replace(row, cells=tuple(new_cell if c is cell else c for c in row.cells))
