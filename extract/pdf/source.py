"""The PDFium page source: characters, paths and images of each page read through PDFium's C
API (pypdfium2, through kehoach.extract.pdfium) at ~10x pdfplumber's speed, turned into the
same words, rulings and image share that the pdfplumber source gives (plumber.py).

Coordinates: PDFium's are bottom-up; everything leaving this module is top-down (y measured
from the page's top), as pdfplumber has it."""
from __future__ import annotations

import ctypes
from pathlib import Path

from kehoach.extract.pdf.page import PageData
from kehoach.extract.pdf.rulings import Seg, merge_collinear
from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.stamps import document_text_of_annotations, printed_annotations
from kehoach.extract.pdf.words import BOLD_FONT, ITALIC_FONT, Char, Word, chars_to_words
from kehoach.extract.pdfium import open_pdf
from kehoach.extract.pdfium import raw as _raw

Matrix = tuple[float, float, float, float, float, float]


def pdfium_pages(path: Path, settings: PdfSettings):
    """(page count, iterator of PageData) read with PDFium; Encrypted or Corrupt for files
    PDFium cannot open."""
    pdf = open_pdf(path)
    n = len(pdf)

    def gen():
        try:
            for i in range(n):
                page = pdf[i]
                try:
                    yield pdfium_page_data(page, settings, reload=lambda i=i: pdf[i])
                finally:
                    page.close()
        finally:
            pdf.close()
    return n, gen()


def pdfium_page_data(page, settings: PdfSettings, reload=None) -> PageData:
    """`reload` loads the page again (see `pdfium_words`); the page itself is then changed
    (its annotations flattened), so it is given only by the reader's own document."""
    width, height = page.get_size()
    rulings, image_share = pdfium_rulings_and_images(page, height, settings)
    return PageData(pdfium_words(page, height, settings, reload), rulings, width, height, image_share)


def pdfium_words(page, height: float, settings: PdfSettings, reload=None) -> list[Word]:
    """Characters with their boxes and fonts → words, as pdfplumber groups them.

    With `reload` (a function that loads the page again), the printed text of annotations
    (a number or day stamped by the signing software as a form field) joins the page's words,
    as words of its own: see `annotation_chars`."""
    tp = page.get_textpage()
    try:
        codes = _textpage_codes(tp)
        chars = _textpage_chars(tp, codes, height)
    finally:
        tp.close()
    words = chars_to_words(chars, settings)
    if reload is not None:
        # words of their own: an annotation's text never runs into the page's text
        words.extend(chars_to_words(annotation_chars(page, codes, height, reload), settings))
    return words


# --- characters ---------------------------------------------------------------------------

_FAST_FNS: list = []


def _fast_text_fns():
    """(FPDFText_GetLooseCharBox, FPDFText_GetTextObject) as function objects of their own
    taking and returning plain addresses: a call per character is the reader's hottest step,
    ctypes converts a c_void_p argument faster than the bindings' typed pointers, and a text
    object's address compares cheaply. They are made from the public bindings' addresses,
    so the bindings' own function objects (shared with pypdfium2) keep their types."""
    if _FAST_FNS:
        return _FAST_FNS[0]
    raw = _raw()
    try:
        def rebind(fn, restype, *argtypes):
            return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)
        fns = (rebind(raw.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p),
               rebind(raw.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int))
    except Exception:
        fns = None
    _FAST_FNS.append(fns)
    return fns


def _textpage_codes(tp) -> list[int]:
    """The UTF-16 code of every character of a PDFium text page (0 where it has none)."""
    raw = _raw()
    n = tp.count_chars()
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(tp.raw, 0, n, buf)
    return list(buf[:max(0, got - 1)]) + [0] * max(0, n - max(0, got - 1))


def _textpage_chars(tp, codes: list[int], height: float, start: int = 0,
                    nested: bool = False) -> list[Char]:
    """Characters from index `start` of a text page as (text, x0, x1, top, bottom, size,
    bold, italic, upright, generated). `nested`: the text objects may sit inside form
    XObjects, whose matrices are not page coordinates, so each character's baseline and
    slant are read from the character itself."""
    raw = _raw()
    n = len(codes)
    rect = raw.FS_RECTF()
    flags = ctypes.c_int()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    fm = raw.FS_MATRIX()
    namebuf = ctypes.create_string_buffer(128)
    origin, gen = raw.FPDFText_GetCharOrigin, raw.FPDFText_IsGenerated
    traw = tp.raw
    fns = _fast_text_fns()
    if fns is not None:
        (loose, get_obj), tp_addr, rect_arg = fns, ctypes.cast(traw, ctypes.c_void_p).value, ctypes.addressof(rect)
    else:
        loose, get_obj, tp_addr, rect_arg = raw.FPDFText_GetLooseCharBox, None, traw, rect
    # Per text object (one show-text operation): weight, slant, size, upright, baseline.
    styles: dict[int, tuple[bool, bool, float, bool, float | None]] = {}
    fonts: dict[tuple[bytes, int], tuple[bool, bool]] = {}
    chars = []
    append = chars.append
    skip = (0, 0xFFFF, 0x0D, 0x0A)
    for i in range(start, n):
        code = codes[i]
        if code in skip:
            continue
        generated = False
        if code == 0x20:
            generated = gen(traw, i) == 1
        # PDFium reports a hyphen that ends a line as 0x02 (0xFFFE in its text buffer).
        ch = "-" if code in (2, 0xFFFE) else chr(code)
        if not loose(tp_addr, i, rect_arg):
            continue
        key = get_obj(tp_addr, i) if get_obj is not None and not generated and not nested else None
        style = styles.get(key) if key is not None else None
        if style is None:
            raw.FPDFText_GetFontInfo(traw, i, namebuf, 128, ctypes.byref(flags))
            name = namebuf.value
            face = fonts.get((name, flags.value))
            if face is None:
                weight = raw.FPDFText_GetFontWeight(traw, i)
                text_name = name.decode("latin-1", "replace")
                face = (bool(BOLD_FONT.search(text_name)) or weight >= 600,
                        bool(ITALIC_FONT.search(text_name)) or bool(flags.value & 0x40))
                fonts[(name, flags.value)] = face
            baseline = None
            if key is not None and raw.FPDFPageObj_GetMatrix(raw.FPDFText_GetTextObject(traw, i), fm):
                upright = abs(fm.b) < 1e-6 and abs(fm.c) < 1e-6 and fm.a > 0 and fm.d > 0
                baseline = fm.f if upright else None
            elif nested and raw.FPDFText_GetMatrix(traw, i, fm):
                # upright as pdfminer has it: a slant (a synthetic italic) is still upright
                upright = abs(fm.b) < 1e-6 and fm.a > 0 and fm.d > 0
            else:
                angle = raw.FPDFText_GetCharAngle(traw, i)
                upright = angle < 0.05 or angle > 6.23 or angle == -1
            style = (face[0], face[1], raw.FPDFText_GetFontSize(traw, i), upright, baseline)
            if key is not None:
                styles[key] = style
        size = style[2]
        # Boxes follow each glyph (a stacked Vietnamese accent is taller); a line is what
        # shares a baseline, and a word's box is set from the baseline and font size as
        # pdfminer does. A show-text operation draws on one baseline.
        if style[4] is not None:
            base = height - style[4]
        else:
            origin(traw, i, pox, poy)
            base = height - oy.value
        append((ch, rect.left, rect.right, base - 0.8 * size, base + 0.2 * size,
                size, style[0], style[1], style[3], generated))
    return chars


def annotation_chars(page, codes: list[int], height: float, reload) -> list[Char]:
    """Characters that annotations print on the page, which PDFium's text page leaves out:
    signing software stamps the document number and the day of the date line as form fields
    (`/Widget`, drawn from a form XObject appearance). The page is flattened (the printable
    annotations become part of its content, appended after it) and read again with `reload`;
    the characters after the page's own, inside an annotation that prints only text, are the
    annotations' text, less the signature appearances (stamps.py)."""
    annots = printed_annotations(page)
    if not annots:
        return []
    raw = _raw()
    if raw.FPDFPage_Flatten(page.raw, raw.FLAT_PRINT) != raw.FLATTEN_SUCCESS:
        return []
    flat = reload()
    try:
        tp = flat.get_textpage()
        try:
            new = _textpage_codes(tp)
            if new[:len(codes)] != codes:
                return []           # the page's own text changed: not an appended overlay
            chars = _textpage_chars(tp, new, height, start=len(codes), nested=True)
        finally:
            tp.close()
    finally:
        flat.close()
    return document_text_of_annotations(annots, chars, height)


# --- paths and images ---------------------------------------------------------------------

def _matmul(m: Matrix, n: Matrix) -> Matrix:
    """Affine matrices as (a, b, c, d, e, f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def pdfium_rulings_and_images(page, height: float, settings: PdfSettings) -> tuple[list[Seg], float]:
    """Straight horizontal and vertical pieces of the visible paths, in top-down page
    coordinates, and the largest image's share of the page."""
    raw = _raw()
    segs: list[Seg] = []
    width = page.get_width()
    area = (width * height) or 1.0
    best_image = 0.0
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    fm = raw.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()

    def visible(obj) -> bool:
        raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fillmode), ctypes.byref(stroke))
        if stroke.value and raw.FPDFPageObj_GetStrokeColor(obj, r, g, b, a) and a.value > 0 \
                and not (r.value > 242 and g.value > 242 and b.value > 242):
            return True
        if fillmode.value and raw.FPDFPageObj_GetFillColor(obj, r, g, b, a) and a.value > 0 \
                and not (r.value > 242 and g.value > 242 and b.value > 242):
            return True
        return False

    def add(p, q):
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) < 0.5 and abs(x1 - x0) > settings.thin:
            segs.append(Seg(True, height - (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) < 0.5 and abs(y1 - y0) > settings.thin:
            segs.append(Seg(False, (x0 + x1) / 2, height - max(y0, y1), height - min(y0, y1)))

    def walk(count, get, parent, depth):
        nonlocal best_image
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            m = parent
            if raw.FPDFPageObj_GetMatrix(obj, fm):
                m = _matmul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), parent)
            if kind == raw.FPDF_PAGEOBJ_FORM and depth < 4:
                walk(raw.FPDFFormObj_CountObjects(obj), lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j), m, depth + 1)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                pts = [_apply(m, u, v) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                w = max(0.0, min(width, max(xs)) - max(0.0, min(xs)))
                h = max(0.0, min(height, max(ys)) - max(0.0, min(ys)))
                best_image = max(best_image, w * h / area)
            elif kind == raw.FPDF_PAGEOBJ_PATH and visible(obj):
                start = cur = None
                for k in range(raw.FPDFPath_CountSegments(obj)):
                    seg = raw.FPDFPath_GetPathSegment(obj, k)
                    raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
                    pt = _apply(m, x.value, y.value)
                    t = raw.FPDFPathSegment_GetType(seg)
                    if t == raw.FPDF_SEGMENT_MOVETO:
                        start = pt
                    elif t == raw.FPDF_SEGMENT_LINETO and cur is not None:
                        add(cur, pt)
                    cur = pt
                    if raw.FPDFPathSegment_GetClose(seg) and start is not None and cur is not None:
                        add(cur, start)
                        cur = start

    pg = page.raw
    walk(raw.FPDFPage_CountObjects(pg), lambda j: raw.FPDFPage_GetObject(pg, j), (1, 0, 0, 1, 0, 0), 0)
    return merge_collinear(segs, settings), best_image
