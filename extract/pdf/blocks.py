"""Text outside tables: lines → column segments (a gutter between the two columns of the
national header or the signature block splits a line) → blocks (paragraphs) → reading order."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import cached_property

from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.words import Word


def _by_characters(words: list[Word], attr: str) -> bool:
    """More than half the characters (not words: a short bold word in a long line does not
    make the line bold) have the attribute."""
    n = sum(len(w.text) for w in words)
    return sum(len(w.text) for w in words if getattr(w, attr)) * 2 > n


@dataclass
class Segment:
    """Words of one line between column gutters; the words do not change once cut, so the
    measures are computed once (block building asks for them many times)."""
    words: list[Word]
    columnar: bool = False          # cut from a line by a column gutter

    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @cached_property
    def bold(self) -> bool:
        return _by_characters(self.words, "bold")

    @cached_property
    def italic(self) -> bool:
        return _by_characters(self.words, "italic")


def _gaps(line: list[Word], min_em: float) -> list[tuple[float, float]]:
    em = statistics.median(w.size for w in line) or 10.0
    return [(a.x1, b.x0) for a, b in zip(line, line[1:]) if b.x0 - a.x1 > min_em * em]


def split_columns(lines: list[list[Word]], settings: PdfSettings) -> list[Segment]:
    """Cut lines at column gutters: a wide gap that a neighbouring line also has at the same
    place (the two columns of the national header, of the signature block), or a very wide
    gap alone."""
    cands = [_gaps(ln, settings.gutter_em) for ln in lines]
    segments: list[Segment] = []
    for k, ln in enumerate(lines):
        em = statistics.median(w.size for w in ln) or 10.0
        cuts = []
        for lo, hi in cands[k]:
            lone = hi - lo >= settings.lone_gutter_em * em
            near = [j for j in (k - 1, k + 1) if 0 <= j < len(lines)
                    and abs(min(w.top for w in lines[j]) - min(w.top for w in ln)) < 3 * em]
            shared = any(min(hi, h2) - max(lo, l2) > 0 for j in near for l2, h2 in cands[j])
            if lone or shared:
                cuts.append(hi)
        if not cuts:
            segments.append(Segment(list(ln)))
            continue
        start = 0
        for cut in cuts:
            end = next(i for i, w in enumerate(ln) if w.x0 >= cut)
            segments.append(Segment(ln[start:end], columnar=True))
            start = end
        segments.append(Segment(ln[start:], columnar=True))
    return segments


def _upper_text(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass
class Block:
    segments: list[Segment] = field(default_factory=list)

    @property
    def last(self) -> Segment:
        return self.segments[-1]

    @property
    def x0(self) -> float:
        return min(s.x0 for s in self.segments)

    @property
    def x1(self) -> float:
        return max(s.x1 for s in self.segments)

    @property
    def top(self) -> float:
        return self.segments[0].top

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def columnar(self) -> bool:
        return any(s.columnar for s in self.segments)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


def _continues(block: Block, seg: Segment, area: tuple[float, float], line_gap: float) -> bool:
    """Whether seg is the next line of the paragraph in block."""
    last = block.last
    size = seg.size
    if abs(seg.size - last.size) > 0.6 or seg.bold != last.bold or seg.italic != last.italic:
        return False
    gap = seg.top - last.bottom
    if gap < -0.3 * size or gap > line_gap + 0.3 * size:
        return False
    if min(seg.x1, block.x1) - max(seg.x0, block.x0) <= 0:
        return False
    columnar = seg.columnar or block.columnar
    centred = abs((seg.x0 + seg.x1) / 2 - (last.x0 + last.x1) / 2) < size and abs(seg.x0 - last.x0) > size
    if not columnar and _upper_text(seg.text) != _upper_text(last.text):
        return False            # "KẾ HOẠCH" above its title, a heading above its text
    if centred or columnar:
        return True
    if seg.x0 > last.x0 + 0.8 * size:
        return False            # first-line indent of a new paragraph
    # The previous line stopped short although the next word would have fitted: it ended its
    # paragraph (a justified or left-aligned text fills its lines).
    first_word = seg.words[0].x1 - seg.words[0].x0
    if last.x1 + size * 0.6 + first_word < area[1] - size:
        return False
    return True


def build_blocks(segments: list[Segment], area: tuple[float, float]) -> list[Block]:
    gaps = []
    ordered = sorted(segments, key=lambda s: (s.top, s.x0))
    for a, b in zip(ordered, ordered[1:]):
        g = b.top - a.bottom
        if 0 <= g < a.size and abs(a.size - b.size) < 0.6 and min(a.x1, b.x1) > max(a.x0, b.x0):
            gaps.append(round(g, 1))
    line_gap = statistics.median(gaps) if gaps else 2.0
    blocks: list[Block] = []
    open_blocks: list[Block] = []
    for seg in ordered:
        best = None
        for b in open_blocks:
            if _continues(b, seg, area, line_gap):
                overlap = min(seg.x1, b.x1) - max(seg.x0, b.x0)
                if best is None or overlap > best[0]:
                    best = (overlap, b)
        if best is not None:
            best[1].segments.append(seg)
        else:
            nb = Block([seg])
            blocks.append(nb)
            open_blocks.append(nb)
        # a block is open while its last line is near
        open_blocks = [b for b in open_blocks if seg.top - b.last.bottom < 3 * seg.size]
    return blocks


def reading_order(blocks: list[Block]) -> list[Block]:
    """Top to bottom, except where a gutter made columns (national header, signature block):
    there each column is read top to bottom, left column first."""
    out: list[Block] = []
    region: list[Block] = []
    region_bottom = 0.0

    def flush():
        columns: list[list[Block]] = []
        for b in sorted(region, key=lambda b: b.x0):
            col = next((c for c in columns if min(b.x1, max(x.x1 for x in c)) > max(b.x0, min(x.x0 for x in c))), None)
            if col is None:
                columns.append([b])
            else:
                col.append(b)
        for col in columns:
            out.extend(sorted(col, key=lambda b: b.top))
        region.clear()

    for b in sorted(blocks, key=lambda b: (round(b.top), b.x0)):
        size = b.segments[0].size
        if region and b.top <= region_bottom + 1.5 * size:
            region.append(b)
            region_bottom = max(region_bottom, b.bottom)
            continue
        if region:
            flush()
        if b.columnar:
            region.append(b)
            region_bottom = b.bottom
        else:
            out.append(b)
    if region:
        flush()
    return out
