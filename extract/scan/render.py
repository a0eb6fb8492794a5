"""A scanned page as images to read: rendered through PDFium at the scan's own resolution, its
ink in the channel where red seals fade, binarized, despeckled and levelled.
"""
from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from kehoach.extract import pdfium
from kehoach.extract.base import TooLarge
from kehoach.extract.scan.settings import ScanSettings


def page_dpi(page, settings: ScanSettings) -> int:
    """Resolution to render at: the scan's own, clamped to [min_dpi, dpi]."""
    raw = pdfium.raw()
    w, _ = page.get_size()
    best = 0.0
    for obj in page.get_objects(max_depth=4):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            l, _b, r, _t = obj.get_bounds()
            px, _py = obj.get_px_size()
            if r - l > 0.5 * w:
                best = max(best, px / ((r - l) / 72.0))
    dpi = settings.dpi if best <= 0 else int(min(settings.dpi, max(settings.min_dpi, round(best))))
    return _within_budget(dpi, w / 72.0, page.get_size()[1] / 72.0, settings)


def _within_budget(dpi: int, w_in: float, h_in: float, settings: ScanSettings) -> int:
    """The dpi lowered until the page's raster fits settings.max_page_mpx, checked before
    PDFium allocates it."""
    area = max(w_in, 0.0) * max(h_in, 0.0)
    budget = settings.max_page_mpx * 1e6
    if area * dpi * dpi <= budget:
        return dpi
    fit = int(math.sqrt(budget / area))
    if fit < settings.budget_min_dpi:
        raise TooLarge(f"page of {w_in:.0f}x{h_in:.0f} in: within the pixel budget "
                       f"(read.scan.max_page_mpx={settings.max_page_mpx:g}) it would render at "
                       f"{fit} dpi, below read.scan.budget_min_dpi={settings.budget_min_dpi}")
    return fit


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
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def binarize(gray: np.ndarray, settings: ScanSettings) -> np.ndarray:
    """Ink mask (255 = ink) for the text. Otsu's global threshold: typed pages have two tones,
    and a global threshold drops the bleed-through of the back page that a local one keeps.
    Specks smaller than a dot of an i are removed (a median filter would also erase the thin
    rulings and the marks of the letters)."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Otsu's cut lies midway between ink and paper; the thin hook of a hỏi tone mark and the
    # hairlines of a serif are lighter than the strokes, and a cut nearer the paper keeps them.
    cut = min(250.0, otsu * settings.ink_cut)
    _, ink = cv2.threshold(gray, cut, 255, cv2.THRESH_BINARY_INV)
    return despeckle(ink, settings.speck_px) if settings.denoise else ink


def despeckle(ink: np.ndarray, max_px: int) -> np.ndarray:
    """Remove specks: tiny components with no other ink close by. The dot under 'ạ' or of an
    'i' is as small, but it always sits next to its letter."""
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
    block = int(settings.rule_block_in * dpi) | 1
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, settings.rule_contrast)


def estimate_skew(ink: np.ndarray, settings: ScanSettings) -> float:
    """Degrees to rotate (counter-clockwise) so text lines are level: the angle that makes the
    row profile sharpest, searched on a reduced image."""
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
    if abs(angle) < 1e-6:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderValue=(fill,) * (3 if img.ndim == 3 else 1))


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
        return cv2.bitwise_not(text_ink)
    r = max(2, int(round(settings.ocr_context_in * dpi)))
    near = cv2.dilate(text_ink, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    return np.where(near > 0, gray, 255).astype(np.uint8)
