"""Tesseract, in process: words with boxes and confidences from a grey image, and the choice
of the installed model that reads them.

The engine is the libtesseract 5.5 that the tesserocr wheel carries; the Vietnamese models are
Debian's (tesseract-ocr-vie, tesseract-ocr-script-viet), found in their tessdata folder. In
process, and not through the `tesseract` command, because on this corpus the wheel's engine
reads the same models a third faster than Debian's 5.3 command (corpus/scanned/ENGINES.md,
fifth round), each model is loaded once per process instead of once per run, and images go
over as bytes instead of PNG files.
"""
from __future__ import annotations

import csv
import functools
import io
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kehoach.extract.base import OcrUnavailable
from kehoach.extract.scan.settings import ScanSettings

# Where distributions put their models, after $TESSDATA_PREFIX: Debian 12 / Ubuntu 22.04+,
# Debian 11, Fedora, a source build, Homebrew.
_TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")

# One engine per model is shared by the whole process; a caller's threads take turns.
_LOCK = threading.Lock()

_TSV_FIELDS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top",
               "width", "height", "conf", "text")


@dataclass(frozen=True)
class OcrWord:
    text: str
    conf: float                        # 0..1
    box: tuple[int, int, int, int]     # x0, y0, x1, y1 pixels
    line: tuple[int, int, int]         # Tesseract block, paragraph, line


def tessdata_dir(explicit: str = "") -> str | None:
    """The folder of .traineddata files: the explicit one, else $TESSDATA_PREFIX, else the
    first distribution folder that holds a model."""
    return _find_tessdata(explicit, os.environ.get("TESSDATA_PREFIX", ""))


@functools.lru_cache(maxsize=8)
def _find_tessdata(explicit: str, env: str) -> str | None:
    # cached: every OCR run asks, and the answer is a look at the disk
    for d in (explicit, env, *_TESSDATA_DIRS):
        if d and Path(d).is_dir() and any(Path(d).glob("*.traineddata")):
            return d
    return None


def engine_available() -> bool:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=8)
def installed_langs(tessdata: str = "") -> frozenset[str]:
    folder = tessdata_dir(tessdata)
    if folder is None or not engine_available():
        return frozenset()
    return frozenset(p.name.removesuffix(".traineddata") for p in Path(folder).glob("*.traineddata"))


@functools.lru_cache(maxsize=4)
def _api(folder: str, lang: str):
    import tesserocr
    try:
        api = tesserocr.PyTessBaseAPI(path=folder.rstrip("/") + "/", lang=lang,
                                      oem=tesserocr.OEM.LSTM_ONLY)
    except RuntimeError as exc:
        raise OcrUnavailable(f"OCR model '{lang}' does not load from {folder} ({exc})") from exc
    # Plans print dark on light: the light-on-dark retry of every unsure line only costs time.
    api.SetVariable("tessedit_do_invert", "0")
    return api


def choose_lang(settings: ScanSettings) -> str | None:
    """The Tesseract language to use: the forced one if installed, else the first installed
    of the preferred ones; None when none is."""
    have = installed_langs(settings.tessdata)
    wanted = (settings.lang,) if settings.lang else settings.langs
    return next((l for l in wanted if all(p in have for p in l.split("+"))), None)


def tesseract_available(settings: ScanSettings = ScanSettings()) -> bool:
    return choose_lang(settings) is not None


def prose_lang(settings: ScanSettings) -> str:
    if settings.prose_lang and settings.prose_lang in installed_langs(settings.tessdata):
        return settings.prose_lang
    return settings.lang


def read_words(img: np.ndarray, dpi: int, psm: int, lang: str, settings: ScanSettings,
               whitelist: str | None = None,
               boxes: list[tuple[int, int, int, int]] | None = None) -> list[OcrWord]:
    """Words of the image, or of each of its boxes read on its own, in image coordinates."""
    h, w = img.shape[:2]
    parts = recognize_boxes(img, boxes or [(0, 0, w, h)], dpi, psm, lang, whitelist=whitelist,
                            tessdata=settings.tessdata, timeout_s=settings.timeout_s)
    return [word for part in parts for word in part]


def recognize(img: np.ndarray, dpi: int, psm: int, lang: str, *, whitelist: str | None = None,
              tessdata: str = "", timeout_s: float = 180) -> list[OcrWord]:
    """Words of one 8-bit grey image, in Tesseract's reading order."""
    h, w = img.shape[:2]
    return recognize_boxes(img, [(0, 0, w, h)], dpi, psm, lang, whitelist=whitelist,
                           tessdata=tessdata, timeout_s=timeout_s)[0]


def recognize_boxes(img: np.ndarray, boxes: list[tuple[int, int, int, int]], dpi: int, psm: int,
                    lang: str, *, whitelist: str | None = None, tessdata: str = "",
                    timeout_s: float = 180) -> list[list[OcrWord]]:
    """Words of each box (x0, y0, x1, y1) of one 8-bit grey image, read on its own, in image
    coordinates. Each box is its own layout: no text line crosses a box's edge, and a tall
    image cut into boxes keeps lines that Tesseract drops when it lays out the whole."""
    folder = tessdata_dir(tessdata)
    if folder is None or not engine_available():
        raise OcrUnavailable("OCR engine not installed (pip: tesserocr; Debian: tesseract-ocr-vie "
                        "tesseract-ocr-script-viet)")
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("recognize takes an 8-bit grey image")
    with _LOCK:
        return _read_boxes(_api(folder, lang), img, boxes, dpi, psm, whitelist, timeout_s)


def _read_boxes(api, img: np.ndarray, boxes: list[tuple[int, int, int, int]], dpi: int, psm: int,
                whitelist: str | None, timeout_s: float) -> list[list[OcrWord]]:
    api.SetPageSegMode(psm)
    # An empty whitelist lifts the restriction a label reading set on the shared engine.
    api.SetVariable("tessedit_char_whitelist", whitelist or "")
    out = []
    try:
        for x0, y0, x1, y1 in boxes:
            # Each box goes over as an image of its own: Tesseract's SetRectangle on an 8-bit
            # image gave garbage on some pages (libtesseract 5.5.4).
            crop = np.ascontiguousarray(img[y0:y1, x0:x1])
            h, w = crop.shape
            if not h or not w:
                out.append([])
                continue
            api.SetImageBytes(crop.tobytes(), w, h, 1, w)
            api.SetSourceResolution(int(dpi))
            if not api.Recognize(int(timeout_s * 1000)):
                raise OcrUnavailable(f"OCR gave up after {timeout_s:g} s or failed on a {w}×{h} image")
            out.append([OcrWord(o.text, o.conf, (o.box[0] + x0, o.box[1] + y0, o.box[2] + x0,
                                                 o.box[3] + y0), o.line)
                        for o in parse_tsv(api.GetTSVText(0))])
    finally:
        api.Clear()
    return out


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Words of Tesseract's TSV (the library's rows, without the command's header line)."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), fieldnames=_TSV_FIELDS, delimiter="\t",
                              quoting=csv.QUOTE_NONE):
        if row["level"] != "5":
            continue
        text = unicodedata.normalize("NFC", (row["text"] or "").strip())
        if not text:
            continue
        l, t = int(row["left"]), int(row["top"])
        w, h = int(row["width"]), int(row["height"])
        conf = max(0.0, float(row["conf"])) / 100.0
        words.append(OcrWord(text, conf, (l, t, l + w, t + h),
                             (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))))
    return words
