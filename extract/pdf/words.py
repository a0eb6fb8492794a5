"""Words and lines: the unit every layout step works on, whichever library read the page.

PDFium gives characters, so they are grouped into words here as pdfplumber groups them
(lines by baseline, split at spaces and at gaps wider than the tolerance); pdfplumber gives
words itself (plumber.py)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kehoach.extract.pdf.settings import PdfSettings

Box = tuple[float, float, float, float]     # x0, top, x1, bottom in top-down page points


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


# Weight and slant from the font's name, where the font's flags do not say it.
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
ITALIC_FONT = re.compile(r"italic|oblique", re.I)


def mostly_bold(words: list[Word]) -> bool:
    """More than half the words are bold (a table cell's weight)."""
    return sum(w.bold for w in words) * 2 > len(words)


def cluster(items: list, key, tol: float) -> list[list]:
    """Items sorted by key, split where consecutive keys differ by more than tol. One banding
    for characters into lines, ruling positions into borders, line starts into columns."""
    groups: list[list] = []
    last = None
    for it in sorted(items, key=key):
        k = key(it)
        if groups and last is not None and k - last <= tol:
            groups[-1].append(it)
        else:
            groups.append([it])
        last = k
    return groups


# A character as the PDFium source gives it: (text, x0, x1, top, bottom, size, bold, italic,
# upright, generated), a tuple because a page has tens of thousands and this is the hot path.
Char = tuple


def chars_to_words(chars: list[Char], settings: PdfSettings) -> list[Word]:
    words: list[Word] = []
    upright = [c for c in chars if c[8]]
    for line in cluster(upright, lambda c: c[3], settings.y_tolerance):
        line.sort(key=lambda c: c[1])
        cur: list[Char] = []

        def flush():
            if cur:
                n = len(cur)
                bold = italic = 0
                top, bottom, x1, size = cur[0][3], cur[0][4], cur[0][2], cur[0][5]
                for c in cur:
                    bold += c[6]
                    italic += c[7]
                    if c[3] < top:
                        top = c[3]
                    if c[4] > bottom:
                        bottom = c[4]
                    if c[2] > x1:
                        x1 = c[2]
                    if c[5] > size:
                        size = c[5]
                words.append(Word(unicodedata.normalize("NFC", "".join(c[0] for c in cur)), cur[0][1],
                                  x1, top, bottom, size, bold * 2 > n, italic * 2 > n))
            cur.clear()

        ratio = settings.x_tolerance_ratio
        for j, c in enumerate(line):
            if c[0].isspace():
                if c[9]:
                    # PDFium also puts generated spaces where a word changes font; it stands
                    # one in for a real space it absorbed, and then the next glyph starts a
                    # space's width after it.
                    k = j + 1
                    while k < len(line) and line[k][0].isspace():
                        k += 1
                    if k < len(line) and line[k][1] - c[1] <= ratio * c[5]:
                        continue
                flush()
                continue
            if cur:
                prev = cur[-1]
                if c[1] < prev[1] or c[1] > prev[2] + ratio * prev[5]:
                    flush()
            cur.append(c)
        flush()
    return words


def line_text(line: list[Word]) -> str:
    return " ".join(w.text for w in line)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words on one baseline, top to bottom, each line left to right. Words join a line when
    their vertical extents overlap by more than half the smaller height."""
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        placed = False
        for k in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = bands[k]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(bottom - top, w.bottom - w.top):
                lines[k].append(w)
                bands[k] = (min(top, w.top), max(bottom, w.bottom))
                placed = True
                break
        if not placed:
            lines.append([w])
            bands.append((w.top, w.bottom))
    for ln in lines:
        ln.sort(key=lambda w: w.x0)
    return sorted(lines, key=lambda ln: min(w.top for w in ln))


def cell_text(words: list[Word], bbox: Box | None = None) -> str:
    """In-cell lines joined by one space, each read left to right. A token wider than the
    cell (a URL, a long document symbol) is broken by the typesetter where the line is full;
    its pieces are joined back without a space."""
    lines = group_lines(words)
    if not lines:
        return ""
    out = line_text(lines[0])
    for prev, ln in zip(lines, lines[1:]):
        sep = "" if bbox is not None and _token_overflowed(prev, ln, words, bbox) else " "
        out += sep + line_text(ln)
    return out


def _token_overflowed(prev: list[Word], nxt: list[Word], words: list[Word], bbox: Box) -> bool:
    """A line holding one word that fills the cell to its right padding, followed by more of
    the token: the word did not fit the cell on a line of its own, so it was cut, not wrapped
    at a space (a word that fits is moved whole to the next line)."""
    if len(prev) != 1:
        return False
    w = prev[0]
    pad = max(0.5, min(x.x0 for x in words) - bbox[0])
    nw = nxt[0]
    char = max((w.x1 - w.x0) / max(1, len(w.text)), (nw.x1 - nw.x0) / max(1, len(nw.text)))
    right = bbox[2] - pad
    starts_left = w.x0 - (bbox[0] + pad) < char
    # the next character (a wide capital, perhaps) would not have fitted after the word
    fills = right - w.x1 < 1.6 * char
    follows = nxt[0].x0 - (bbox[0] + pad) < char
    # Geometry alone cannot tell "HĐND-UBND | huyện" (wrapped at a space) from a cut token;
    # a cut piece is a long run without a break opportunity (no hyphen), longer than any
    # Vietnamese syllable (7 letters): a URL, a number, a document symbol.
    long_token = len(w.text) >= 8 and "-" not in w.text and "–" not in w.text
    return starts_left and fills and follows and long_token
