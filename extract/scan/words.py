"""OCR words to text: Tesseract's lines in order, specks read as marks dropped, and the
Vietnamese post-OCR repair applied to each run of text.
"""
from __future__ import annotations

import re

from kehoach.extract.labels import OCR_LABEL
from kehoach.extract.scan.engine import OcrWord
from kehoach.extract.scan.lexicon import default_lexicon
from kehoach.extract.scan.repair import Word, repair_words
from kehoach.extract.scan.settings import ScanSettings


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
    return text, mean_conf(words), len(notes)


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


def mean_conf(words: list[OcrWord]) -> float | None:
    n = sum(len(w.text) for w in words)
    if not n:
        return None
    return sum(w.conf * len(w.text) for w in words) / n


def is_label(text: str) -> bool:
    return bool(OCR_LABEL.match(text.strip()))


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
