"""Digital-signature stamps and the text annotations print.

Signing software leaves two kinds of text on a page that are not the document's: the stamp's
own lines ("Ký bởi: …", an e-mail, the signing time), in the text layer or in an annotation's
appearance, and, in annotations, the pieces that are the document's (the number and the day of
the date line, stamped as form fields). The labels are data (gazetteer/document_vocab.yaml)."""
from __future__ import annotations

import re

from kehoach.extract.pdf.words import Char
from kehoach.extract.pdfium import raw as _raw
from kehoach.gazetteer import load_yaml

_VOCAB = load_yaml("document_vocab.yaml")
_LABELS = "|".join(re.escape(label) for label in _VOCAB["signature_stamp_labels"])
# A line of the text layer that a stamp prints.
STAMP_LINE = re.compile(rf"^(?:{_LABELS})\s*:", re.I)
# Text of an annotation that is a signature appearance: who signed, an e-mail, the signing time.
SIGNATURE_TEXT = re.compile(
    rf"(?:{_LABELS})\s*:"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{4}\s*\d{1,2}:\d{2}", re.I)

Rect = tuple[float, float, float, float]    # x0, y0, x1, y1 in PDF (bottom-up) coordinates


def is_stamp_line(text: str) -> bool:
    return bool(STAMP_LINE.match(text))


def printed_annotations(page) -> list[tuple[Rect, bool]]:
    """The form fields, free-text and stamp annotations that print text (an appearance stream
    with text, the Print flag, not hidden): (rect in PDF coordinates, whether the appearance
    also draws an image)."""
    raw = _raw()
    n = raw.FPDFPage_GetAnnotCount(page.raw)
    if n <= 0:
        return []
    kinds = (raw.FPDF_ANNOT_WIDGET, raw.FPDF_ANNOT_FREETEXT, raw.FPDF_ANNOT_STAMP)
    out = []

    def walk(count, get, found, depth):
        for j in range(count):
            obj = get(j)
            kind = raw.FPDFPageObj_GetType(obj)
            found.add(kind)
            if kind == raw.FPDF_PAGEOBJ_FORM and depth < 6:
                walk(raw.FPDFFormObj_CountObjects(obj), lambda k, o=obj: raw.FPDFFormObj_GetObject(o, k),
                     found, depth + 1)

    for i in range(n):
        annot = raw.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            if raw.FPDFAnnot_GetSubtype(annot) not in kinds:
                continue
            flags = raw.FPDFAnnot_GetFlags(annot)
            if not flags & raw.FPDF_ANNOT_FLAG_PRINT or flags & raw.FPDF_ANNOT_FLAG_HIDDEN:
                continue
            r = raw.FS_RECTF()
            if not raw.FPDFAnnot_GetRect(annot, r):
                continue
            found: set[int] = set()
            walk(raw.FPDFAnnot_GetObjectCount(annot), lambda k, a=annot: raw.FPDFAnnot_GetObject(a, k), found, 0)
            if raw.FPDF_PAGEOBJ_TEXT in found:
                out.append(((min(r.left, r.right), min(r.bottom, r.top), max(r.left, r.right),
                             max(r.bottom, r.top)), raw.FPDF_PAGEOBJ_IMAGE in found))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return out


def document_text_of_annotations(annots: list[tuple[Rect, bool]], chars: list[Char],
                                 height: float) -> list[Char]:
    """Of the characters the annotations print, those that are the document's: a signature
    appearance (an image, or who signed, an e-mail, the signing time) is left out, and so is
    anything drawn over one."""
    def inside(c, rect):
        x, y = (c[1] + c[2]) / 2, height - (c[3] + c[4]) / 2
        return rect[0] - 1 <= x <= rect[2] + 1 and rect[1] - 1 <= y <= rect[3] + 1

    owned: list[list[Char]] = [[] for _ in annots]
    for c in chars:
        k = next((k for k, (rect, _) in enumerate(annots) if inside(c, rect)), None)
        if k is not None:
            owned[k].append(c)
    dropped = [rect for (rect, image), cs in zip(annots, owned)
               if image or SIGNATURE_TEXT.search("".join(c[0] for c in cs))]
    return [c for (rect, image), cs in zip(annots, owned) if rect not in dropped
            for c in cs if not any(inside(c, d) for d in dropped)]
