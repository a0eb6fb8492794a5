"""Reader for scanned plans: PDF pages that are images, OCR'd offline with Tesseract.

    settings   ScanSettings, RepairSettings (no heavy imports: the settings tree loads them)
    render     the page rendered, its ink binarized, despeckled, levelled
    rulings    table grids from the rulings in the image
    engine     libtesseract in process, the model chosen
    mosaic     cell crops stacked on one canvas, read in parts
    words      OCR words to repaired text
    prose      the text outside tables as blocks
    tables     the cells of a page's tables read
    numbering  the labels checked against the table's numbering
    lexicon    the syllables and words the repair checks against
    repair     the Vietnamese post-OCR repair
    reader     read_scanned_pdf: pages in, one Document out

Importing this package is cheap: the settings come at once, everything else (numpy, OpenCV,
Tesseract, PDFium) when a name of it is first asked for.
"""
from __future__ import annotations

from kehoach.extract.lazy import lazy_names
from kehoach.extract.scan.settings import RepairSettings, ScanSettings

_LAZY = {
    "engine": ("OcrWord", "choose_lang", "engine_available", "installed_langs", "parse_tsv",
               "prose_lang", "read_words", "recognize", "recognize_boxes", "tessdata_dir",
               "tesseract_available"),
    "render": ("binarize", "despeckle", "estimate_skew", "ink_gray", "ocr_canvas", "page_dpi",
               "prepare", "render_page", "rotate", "rule_ink"),
    "rulings": ("find_grids", "ruling_masks"),
    "mosaic": ("Placed", "build_mosaic", "mosaic_parts", "unmosaic"),
    "words": ("drop_unpaired_quotes", "is_label", "is_noise_mark", "mean_conf", "repaired_lines",
              "repaired_text", "tesseract_lines"),
    "numbering": ("repair_fragment_labels", "repair_label_sequence"),
    "lexicon": ("Lexicon", "build_lexicon", "default_lexicon"),
    "repair": ("Word", "repair_tokens", "repair_words"),
    "reader": ("PageResult", "ocr_image", "read_scanned_pdf"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

__all__ = ["RepairSettings", "ScanSettings", *_HOME]


__getattr__ = lazy_names(__name__, _HOME, globals())
