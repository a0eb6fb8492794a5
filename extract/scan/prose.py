"""The text outside a page's tables: Tesseract's lines joined into blocks where justified
prose wraps, the national header's two columns told apart, running page numbers dropped.
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from kehoach.extract.scan.engine import OcrWord
from kehoach.extract.scan.settings import ScanSettings
from kehoach.extract.scan.words import repaired_text
from kehoach.gazetteer import load_yaml

if TYPE_CHECKING:
    from kehoach.extract.scan.reader import PageResult


def prose_blocks(words: list[OcrWord], shape: tuple[int, int], dpi: int,
                  settings: ScanSettings, res: PageResult):
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
    return in_margin and bool(_page_number().fullmatch(text))


@functools.lru_cache(maxsize=1)
def _page_number() -> re.Pattern:
    """A running page number: '3', '- 3 -', 'Trang 3' (the word from gazetteer/ocr_vocab.yaml)."""
    words = "|".join(re.escape(w) for w in load_yaml("ocr_vocab.yaml")["page_number_words"])
    return re.compile(r"[-–—\s]*(?:(?:" + words + r")\s*)?\d{1,3}[-–—\s]*")
