"""The pdfplumber (pdfminer) page source: the slower, pure-Python reading of the same words,
rulings and images that the PDFium source (source.py) gives, kept as `engine="pdfplumber"`
to check one against the other."""
from __future__ import annotations

import statistics
import unicodedata
from pathlib import Path

from kehoach.extract.base import Corrupt, Encrypted
from kehoach.extract.pdf.page import PageData
from kehoach.extract.pdf.rulings import Seg, merge_collinear
from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.words import BOLD_FONT, ITALIC_FONT, Word


def open_plumber(path: Path):
    """A pdfplumber PDF with at least one page; Encrypted or Corrupt otherwise. pdfminer
    raises many kinds of error on bad files, some only wrapped by pdfplumber."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(inner).lower():
            raise Encrypted("encrypted PDF (needs a password)") from exc
        raise Corrupt(f"truncated or corrupt PDF ({inner})") from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise Encrypted(f"encrypted PDF (needs a password or an unsupported cipher: {type(exc).__name__})") from exc
    except PDFSyntaxError as exc:
        raise Corrupt(f"truncated or corrupt PDF ({exc})") from exc
    except (PSException, ValueError, KeyError, TypeError) as exc:
        raise Corrupt(f"truncated or corrupt PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise Encrypted("encrypted PDF (needs a password)") from exc
        raise
    if not pages:
        raise Corrupt("truncated or corrupt PDF (no pages)")
    return pdf


def plumber_pages(path: Path, settings: PdfSettings):
    """(page count, iterator of PageData) read with pdfplumber."""
    pdf = open_plumber(path)
    n = len(pdf.pages)

    def gen():
        try:
            for page in pdf.pages:
                yield plumber_page_data(page, settings)
                page.flush_cache()
        finally:
            pdf.close()
    return n, gen()


def plumber_page_data(page, settings: PdfSettings) -> PageData:
    area = float(page.width * page.height) or 1.0
    shares = [max(0.0, min(page.width, im["x1"]) - max(0, im["x0"])) *
              max(0.0, min(page.height, im["bottom"]) - max(0, im["top"])) / area for im in page.images]
    return PageData(page_words(page, settings), page_rulings(page, settings), float(page.width),
                    float(page.height), max(shares, default=0.0))


def page_words(page, settings: PdfSettings) -> list[Word]:
    raw = page.extract_words(x_tolerance_ratio=settings.x_tolerance_ratio,
                             y_tolerance=settings.y_tolerance, keep_blank_chars=False,
                             use_text_flow=False, return_chars=True)
    words = []
    for w in raw:
        chars = w["chars"]
        if not w.get("upright", True) or not chars:
            continue            # rotated text: watermarks and stamps, not content
        bold = sum(1 for c in chars if BOLD_FONT.search(c.get("fontname", ""))) * 2 > len(chars)
        italic = sum(1 for c in chars if ITALIC_FONT.search(c.get("fontname", ""))) * 2 > len(chars)
        size = statistics.median(c.get("size", 0) for c in chars)
        # Some producers write decomposed accents (e + combining marks): compare as NFC.
        words.append(Word(unicodedata.normalize("NFC", w["text"]), w["x0"], w["x1"], w["top"],
                          w["bottom"], size, bold, italic))
    return words


def _is_white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:          # CMYK: white has no ink
        return all(v <= 0.05 for v in vals)
    return bool(vals) and all(v >= 0.95 for v in vals)


def page_rulings(page, settings: PdfSettings) -> list[Seg]:
    segs: list[Seg] = []

    def add(x0, top, x1, bottom):
        w, h = x1 - x0, bottom - top
        if h <= settings.thin and w > settings.thin:
            segs.append(Seg(True, (top + bottom) / 2, x0, x1))
        elif w <= settings.thin and h > settings.thin:
            segs.append(Seg(False, (x0 + x1) / 2, top, bottom))

    for ln in page.lines:
        if _is_white(ln.get("stroking_color")):
            continue
        pts = ln.get("pts") or [(ln["x0"], ln["top"]), (ln["x1"], ln["bottom"])]
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            add(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    for rc in page.rects:
        x0, top, x1, bottom = rc["x0"], rc["top"], rc["x1"], rc["bottom"]
        thin = (x1 - x0) <= settings.thin or (bottom - top) <= settings.thin
        visible_fill = rc.get("fill") and not _is_white(rc.get("non_stroking_color"))
        visible_stroke = rc.get("stroke") and not _is_white(rc.get("stroking_color"))
        if thin and (visible_fill or visible_stroke):
            add(x0, top, x1, bottom)
        elif visible_stroke or visible_fill:
            # A framed or shaded box: its four sides are borders.
            add(x0, top - 0.1, x1, top + 0.1)
            add(x0, bottom - 0.1, x1, bottom + 0.1)
            add(x0 - 0.1, top, x0 + 0.1, bottom)
            add(x1 - 0.1, top, x1 + 0.1, bottom)
    for cv in page.curves:
        if _is_white(cv.get("stroking_color")) or not cv.get("stroke", True):
            continue
        pts = cv.get("pts") or []
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                add(min(ax, bx) - (0.1 if abs(ax - bx) < 0.5 else 0), min(ay, by) - (0.1 if abs(ay - by) < 0.5 else 0),
                    max(ax, bx) + (0.1 if abs(ax - bx) < 0.5 else 0), max(ay, by) + (0.1 if abs(ay - by) < 0.5 else 0))
    return merge_collinear(segs, settings)
