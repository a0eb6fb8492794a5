"""Reader for PDFs with a text layer, built on pdfplumber.

Per page: ruling segments (lines, thin or stroked rectangles, polylines) → grids (connected
rulings) → cells with their spans → rows; words inside a grid fill its cells, the other words
form text lines → column segments (a gutter between the two columns of the national header or
the signature block splits a line) → blocks (paragraphs) in reading order. Running page numbers
at the top or bottom of pages are not content.

Nothing is joined across pages: a row cut by a page break is the last row of one fragment and
the first row of the next, and table recovery joins it (for every format alike). A vertically
merged cell appears once, in its first row on that page; the rows it also covers have an empty
cell in its columns.
"""
from __future__ import annotations

import bisect
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kehoach.extract.base import ReadError, file_digest, make_document
from kehoach.extract.labels import LINE_LABEL
from kehoach.model import Cell, Document, Row, TableFragment, TextBlock


@dataclass(frozen=True)
class PdfSettings:
    # Characters further apart than this share of the font size start a new word (PDFs that
    # draw no space glyphs); mixed-font words (a fallback font for Vietnamese letters) keep
    # their glyphs within a fraction of a point, far below this.
    x_tolerance_ratio: float = 0.15
    y_tolerance: float = 3.0
    # Ruling positions closer than this (points) are one line; collinear pieces with gaps up to
    # `join` are one segment; a ruling must reach within `touch` of another to connect to it.
    snap: float = 2.0
    join: float = 3.0
    touch: float = 2.5
    # A thin filled rectangle narrower than this (points) is drawn as a line.
    thin: float = 2.5
    # Share of a cell side a ruling must cover to count as a border there.
    border_cover: float = 0.5
    min_cols: int = 2
    # Gap (in font sizes) that splits a text line into columns when a neighbouring line has a
    # gap at the same place; a gap this wide splits on its own.
    gutter_em: float = 1.5
    lone_gutter_em: float = 5.0
    # Tables drawn without ruling lines (a borderless Word table), on pages without a ruled
    # grid: columns where pieces of lines (cut at gaps wider than `align_gap_em` font sizes)
    # start at the same x (within `align_tol` points) on at least `align_min_lines` lines; a
    # run of lines whose pieces all sit inside those columns, using at least `align_min_cols`
    # of them, with at least `align_min_rows` rows (a row starts where the first column has
    # text) is a table.
    text_tables: bool = True
    align_gap_em: float = 0.6
    align_tol: float = 3.0
    align_min_lines: int = 3
    align_min_cols: int = 3
    align_min_rows: int = 3
    # Top and bottom share of the page where running page numbers and headers live.
    margin_share: float = 0.1
    # A page with less text than this, outside signature stamps, and an image over most of the
    # page is a scan.
    scan_min_chars: int = 40
    scan_image_share: float = 0.5
    # "pdfium" reads characters and paths through PDFium (pypdfium2, which pdfplumber itself
    # depends on) at ~10x pdfplumber's speed, feeding the same words and rulings to the same
    # steps; "pdfplumber" reads them with pdfminer. Both give the same words on the corpus
    # (tests/test_pdf_reader.py checks it).
    engine: str = "pdfium"


# --- bad input --------------------------------------------------------------------------

def check_pdf_file(path: Path) -> None:
    """Reject files that are not PDFs before a parser guesses at them."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        raise ReadError("empty file")
    if b"%PDF-" not in head:
        raise ReadError(f"not a PDF (starts with {head[:8]!r})")


def _open(path: Path):
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
            raise ReadError("encrypted PDF (needs a password)") from exc
        raise ReadError(f"truncated or corrupt PDF ({inner})") from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ReadError(f"encrypted PDF (needs a password or an unsupported cipher: {type(exc).__name__})") from exc
    except PDFSyntaxError as exc:
        raise ReadError(f"truncated or corrupt PDF ({exc})") from exc
    except (PSException, ValueError, KeyError, TypeError) as exc:
        raise ReadError(f"truncated or corrupt PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise ReadError("encrypted PDF (needs a password)") from exc
        raise
    if not pages:
        raise ReadError("truncated or corrupt PDF (no pages)")
    return pdf


def looks_truncated(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2048))
        return b"%%EOF" not in fh.read()


# --- words --------------------------------------------------------------------------------

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


_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_ITALIC = re.compile(r"italic|oblique", re.I)


@dataclass
class PageData:
    """What the layout steps need from a page, whichever library read it."""
    words: list[Word]
    rulings: list["Seg"]
    width: float
    height: float
    image_share: float          # largest image's share of the page area


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
        bold = sum(1 for c in chars if _BOLD.search(c.get("fontname", ""))) * 2 > len(chars)
        italic = sum(1 for c in chars if _ITALIC.search(c.get("fontname", ""))) * 2 > len(chars)
        size = statistics.median(c.get("size", 0) for c in chars)
        # Some producers write decomposed accents (e + combining marks): compare as NFC.
        words.append(Word(unicodedata.normalize("NFC", w["text"]), w["x0"], w["x1"], w["top"],
                          w["bottom"], size, bold, italic))
    return words


# --- rulings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seg:
    """An axis-aligned ruling: at `pos` (y of a horizontal, x of a vertical), from a to b."""
    horizontal: bool
    pos: float
    a: float
    b: float


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


def merge_collinear(segs: list[Seg], settings: PdfSettings) -> list[Seg]:
    """Pieces of one ruling (drawn cell by cell, or doubled) become one segment."""
    out: list[Seg] = []
    for horizontal in (True, False):
        group = sorted((s for s in segs if s.horizontal == horizontal), key=lambda s: (s.pos, s.a))
        for band in _cluster(group, lambda s: s.pos, settings.snap):
            pos = statistics.median(s.pos for s in band)
            pieces = sorted(band, key=lambda s: s.a)
            a, b = pieces[0].a, pieces[0].b
            for s in pieces[1:]:
                if s.a <= b + settings.join:
                    b = max(b, s.b)
                else:
                    out.append(Seg(horizontal, pos, a, b))
                    a, b = s.a, s.b
            out.append(Seg(horizontal, pos, a, b))
    return out


def _cluster(items: list, key, tol: float) -> list[list]:
    """Items sorted by key, split where consecutive keys differ by more than tol."""
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


# --- grids and cells ------------------------------------------------------------------------

@dataclass(frozen=True)
class GridCell:
    r0: int
    r1: int        # last row band (inclusive)
    c0: int
    c1: int        # last column band (inclusive)
    bbox: tuple[float, float, float, float]


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]


def connected_rulings(segs: list[Seg], settings: PdfSettings) -> list[list[Seg]]:
    """Rulings that touch each other, as groups: each group is a candidate table."""
    parent = list(range(len(segs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    t = settings.touch
    hs = [i for i, s in enumerate(segs) if s.horizontal]
    vs = [i for i, s in enumerate(segs) if not s.horizontal]
    for i in hs:
        h = segs[i]
        for j in vs:
            v = segs[j]
            if h.a - t <= v.pos <= h.b + t and v.a - t <= h.pos <= v.b + t:
                parent[find(i)] = find(j)
    groups: dict[int, list[Seg]] = {}
    for i, s in enumerate(segs):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def _coverage(segs: list[Seg], pos: float, a: float, b: float, tol: float) -> float:
    """Share of [a, b] covered by the segments lying at `pos`."""
    if b <= a:
        return 0.0
    spans = sorted((max(a, s.a), min(b, s.b)) for s in segs if abs(s.pos - pos) <= tol and s.b > a and s.a < b)
    covered, end = 0.0, a
    for lo, hi in spans:
        lo = max(lo, end)
        if hi > lo:
            covered += hi - lo
            end = hi
    return covered / (b - a)


def build_grid(group: list[Seg], settings: PdfSettings) -> Grid | None:
    hs = [s for s in group if s.horizontal]
    vs = [s for s in group if not s.horizontal]
    ys = [statistics.median(c) for c in _cluster([s.pos for s in hs], lambda p: p, settings.snap)]
    xs = [statistics.median(c) for c in _cluster([s.pos for s in vs], lambda p: p, settings.snap)]
    if len(xs) < settings.min_cols + 1 or len(ys) < 2:
        return None
    tol = settings.snap
    nr, nc = len(ys) - 1, len(xs) - 1
    # vbord[r][k]: a border at xs[k] along row band r; hbord[k][c]: a border at ys[k] along column c
    vbord = [[_coverage(vs, xs[k], ys[r], ys[r + 1], tol) >= settings.border_cover for k in range(nc + 1)]
             for r in range(nr)]
    hbord = [[_coverage(hs, ys[k], xs[c], xs[c + 1], tol) >= settings.border_cover for c in range(nc)]
             for k in range(nr + 1)]
    cells: list[GridCell] = []
    owner: dict[tuple[int, int], int] = {}
    for r in range(nr):
        c = 0
        while c < nc:
            c1 = c
            while c1 + 1 < nc and not vbord[r][c1 + 1]:
                c1 += 1
            above = owner.get((r - 1, c)) if r > 0 else None
            if (above is not None and cells[above].c0 == c and cells[above].c1 == c1
                    and not any(hbord[r][j] for j in range(c, c1 + 1))):
                old = cells[above]
                cells[above] = GridCell(old.r0, r, c, c1, (xs[c], ys[old.r0], xs[c1 + 1], ys[r + 1]))
                idx = above
            else:
                cells.append(GridCell(r, r, c, c1, (xs[c], ys[r], xs[c1 + 1], ys[r + 1])))
                idx = len(cells) - 1
            for j in range(c, c1 + 1):
                owner[(r, j)] = idx
            c = c1 + 1
    return Grid(xs=xs, ys=ys, cells=cells)


def find_grids(segs: list[Seg], settings: PdfSettings) -> list[Grid]:
    grids = []
    for group in connected_rulings(segs, settings):
        g = build_grid(group, settings)
        if g is not None:
            grids.append(g)
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


# --- lines of words -------------------------------------------------------------------------

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


def cell_text(words: list[Word], bbox: tuple[float, float, float, float] | None = None) -> str:
    """In-cell lines joined by one space, each read left to right. A token wider than the
    cell (a URL, a long document symbol) is broken by the typesetter where the line is full;
    its pieces are joined back without a space."""
    lines = group_lines(words)
    if not lines:
        return ""
    out = " ".join(w.text for w in lines[0])
    for prev, ln in zip(lines, lines[1:]):
        sep = "" if bbox is not None and _token_overflowed(prev, ln, words, bbox) else " "
        out += sep + " ".join(w.text for w in ln)
    return out


def _token_overflowed(prev: list[Word], nxt: list[Word], words: list[Word],
                      bbox: tuple[float, float, float, float]) -> bool:
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


def grid_rows(grid: Grid, words: list[Word], page_no: int) -> list[Row]:
    """One Row per row band that starts a cell or holds text; cells in grid columns."""
    owner: dict[tuple[int, int], int] = {}
    for i, gc in enumerate(grid.cells):
        for r in range(gc.r0, gc.r1 + 1):
            for c in range(gc.c0, gc.c1 + 1):
                owner[(r, c)] = i
    by_cell: dict[int, list[Word]] = {}
    for w in words:
        r = bisect.bisect_right(grid.ys, (w.top + w.bottom) / 2) - 1
        c = bisect.bisect_right(grid.xs, (w.x0 + w.x1) / 2) - 1
        i = owner.get((min(r, len(grid.ys) - 2), min(c, len(grid.xs) - 2)))
        if i is not None:
            by_cell.setdefault(i, []).append(w)
    rows: list[Row] = []
    nr = len(grid.ys) - 1
    for r in range(nr):
        cells: list[Cell] = []
        starts = False
        for i, gc in sorted(((i, gc) for i, gc in enumerate(grid.cells) if gc.r0 <= r <= gc.r1),
                            key=lambda t: t[1].c0):
            ws = by_cell.get(i, [])
            first = gc.r0 == r
            starts = starts or first
            text = cell_text(ws, gc.bbox) if first else ""
            bold = first and bool(ws) and sum(w.bold for w in ws) * 2 > len(ws)
            cells.append(Cell(text=text, col=gc.c0, colspan=gc.c1 - gc.c0 + 1, page=page_no,
                              bbox=gc.bbox if first else None, bold=bold))
        if starts:
            rows.append(Row(cells=tuple(cells), page=page_no))
    return rows


# --- tables without ruling lines ----------------------------------------------------------

def _pieces(line: list[Word], gap_em: float) -> list[list[Word]]:
    """A line cut at gaps wider than gap_em font sizes (wider than a space between words)."""
    out = [[line[0]]]
    for a, b in zip(line, line[1:]):
        if b.x0 - a.x1 > gap_em * max(a.size, b.size, 1.0):
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _fit_columns(pieces: list[list[Word]], starts: list[float], tol: float) -> list[int] | None:
    """The column of each piece, or None when a piece starts left of every column or runs
    into the next column."""
    cols = []
    for pc in pieces:
        j = bisect.bisect_right(starts, pc[0].x0 + tol) - 1
        if j < 0 or (j + 1 < len(starts) and pc[-1].x1 > starts[j + 1] - 1.0):
            return None
        cols.append(j)
    return cols


def aligned_tables(lines: list[list[Word]], page_no: int, settings: PdfSettings
                   ) -> list[tuple[int, int, list[Row]]]:
    """Tables without rulings among the text lines of a page: (first line, last line, rows).

    Columns are x positions where pieces of several lines start; a table is a run of lines
    whose pieces all lie inside columns (prose runs across them), and a row starts at each line
    with text in the table's first column (the number column), the lines below it without such
    text continuing its cells."""
    pieces = [_pieces(ln, settings.align_gap_em) for ln in lines]
    multi = [k for k, p in enumerate(pieces) if len(p) >= 2]
    if len(multi) < settings.align_min_lines:
        return []
    starts_seen = [(p[0].x0, k) for k in multi for p in pieces[k]]
    starts = []
    for grp in _cluster(starts_seen, lambda t: t[0], settings.align_tol):
        if len({k for _, k in grp}) >= settings.align_min_lines:
            starts.append(min(x for x, _ in grp))
    if len(starts) < settings.align_min_cols:
        return []
    fits = [_fit_columns(p, starts, settings.align_tol) for p in pieces]
    out: list[tuple[int, int, list[Row]]] = []
    k = 0
    while k < len(lines):
        if fits[k] is None or len(pieces[k]) < 2:
            k += 1
            continue
        # grow a run of fitting lines around a line with several pieces
        first = k
        while first > 0 and fits[first - 1] is not None and _near(lines[first - 1], lines[first]):
            first -= 1
        last = k
        while last + 1 < len(lines) and fits[last + 1] is not None and _near(lines[last], lines[last + 1]):
            last += 1
        k = last + 1
        table = _aligned_rows(lines, pieces, fits, first, last, page_no, settings)
        if table is not None:
            out.append(table)
    return out


def _near(a: list[Word], b: list[Word]) -> bool:
    """b close enough below a to be in the same table (a row gap, not a section break)."""
    size = max(w.size for w in a + b) or 10.0
    return min(w.top for w in b) - max(w.bottom for w in a) < 2.5 * size


def _aligned_rows(lines, pieces, fits, first, last, page_no, settings):
    used = sorted({j for k in range(first, last + 1) for j in fits[k]})
    if len(used) < settings.align_min_cols:
        return None
    lead = used[0]
    # the table starts at its first line with text in the first column (a header or row)
    while first <= last and lead not in fits[first]:
        first += 1
    starts = [k for k in range(first, last + 1) if lead in fits[k]]
    labels = sum(1 for k in starts if LINE_LABEL.match(
        " ".join(w.text for w in pieces[k][fits[k].index(lead)]).strip()))
    if len(starts) < settings.align_min_rows or labels < 2:
        return None
    col_of = {j: i for i, j in enumerate(used)}
    rows: list[Row] = []
    for n, k0 in enumerate(starts):
        k1 = starts[n + 1] - 1 if n + 1 < len(starts) else last
        cell_words: dict[int, list[Word]] = {}
        for k in range(k0, k1 + 1):
            for pc, j in zip(pieces[k], fits[k]):
                cell_words.setdefault(col_of[j], []).extend(pc)
        cells = []
        for c in range(len(used)):
            ws = cell_words.get(c, [])
            bbox = ((min(w.x0 for w in ws), min(w.top for w in ws), max(w.x1 for w in ws),
                     max(w.bottom for w in ws)) if ws else None)
            cells.append(Cell(text=cell_text(ws), col=c, colspan=1, page=page_no, bbox=bbox,
                              bold=bool(ws) and sum(w.bold for w in ws) * 2 > len(ws)))
        rows.append(Row(cells=tuple(cells), page=page_no))
    return first, last, rows


# --- text outside tables -------------------------------------------------------------------

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
        n = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.bold) * 2 > n

    @cached_property
    def italic(self) -> bool:
        n = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.italic) * 2 > n


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
    columnar = seg.columnar or any(s.columnar for s in block.segments)
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


def _bottom(b: Block) -> float:
    return max(s.bottom for s in b.segments)


def _columnar(b: Block) -> bool:
    return any(s.columnar for s in b.segments)


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
            region_bottom = max(region_bottom, _bottom(b))
            continue
        if region:
            flush()
        if _columnar(b):
            region.append(b)
            region_bottom = _bottom(b)
        else:
            out.append(b)
    if region:
        flush()
    return out


# --- running headers, page numbers, stamps -------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$", re.I)
# Lines a digital-signature stamp prints (VGCA/VNPT style): not the document's own text.
_STAMP = re.compile(r"^(?:Ký bởi|Người ký|Ký ngày|Thời gian ký|Ngày ký|Cơ quan|Email|Chức vụ)\s*:", re.I)


def is_margin_line(line: list[Word], page_height: float, settings: PdfSettings) -> bool:
    top = min(w.top for w in line)
    bottom = max(w.bottom for w in line)
    in_margin = bottom < page_height * settings.margin_share or top > page_height * (1 - settings.margin_share)
    return in_margin and bool(_PAGE_NUMBER.match(" ".join(w.text for w in line)))


def page_needs_ocr(page, settings: PdfSettings = PdfSettings()) -> bool:
    """A page whose content is an image: no text, or only a signature stamp or watermark
    (rotated text never counts). Takes a PageData, a pdfplumber page or a pypdfium2 page."""
    data = page if isinstance(page, PageData) else (
        plumber_page_data(page, settings) if hasattr(page, "extract_words") else pdfium_page_data(page, settings))
    if data.image_share < settings.scan_image_share:
        return False            # no page-sized image: whatever its text, not a scan
    text_chars = sum(len(" ".join(w.text for w in ln)) for ln in group_lines(data.words)
                     if not _STAMP.match(" ".join(w.text for w in ln)))
    if text_chars >= settings.scan_min_chars:
        return False
    return data.image_share >= settings.scan_image_share


# --- the page and the document -------------------------------------------------------------

@dataclass
class PageContent:
    number: int
    items: list[tuple[float, object]]       # (top, Block | list[Row]) in reading order
    needs_ocr: bool = False


def read_page(page: PageData, number: int, settings: PdfSettings) -> PageContent:
    words = page.words
    grids = find_grids(page.rulings, settings)
    table_words: dict[int, list[Word]] = {}
    free: list[Word] = []
    for w in words:
        g = next((i for i, g in enumerate(grids) if g.contains(w.cx, w.cy)), None)
        if g is None:
            free.append(w)
        else:
            table_words.setdefault(g, []).append(w)
    items: list[tuple[float, object]] = []
    for i, g in enumerate(grids):
        rows = grid_rows(g, table_words.get(i, []), number)
        if any(c.text for r in rows for c in r.cells):
            items.append((g.ys[0], rows))
        else:
            free.extend(table_words.get(i, []))
    lines = [ln for ln in group_lines(free) if not is_margin_line(ln, page.height, settings)]
    if lines:
        xs0 = sorted(min(w.x0 for w in ln) for ln in lines)
        xs1 = sorted(max(w.x1 for w in ln) for ln in lines)
        area = (xs0[len(xs0) // 10], xs1[(len(xs1) * 9) // 10])
        if settings.text_tables and not grids:
            for first, last, rows in aligned_tables(lines, number, settings):
                items.append((min(w.top for w in lines[first]), rows))
                lines[first:last + 1] = [[] for _ in range(last + 1 - first)]
            lines = [ln for ln in lines if ln]
    if lines:
        blocks = reading_order(build_blocks(split_columns(lines, settings), area))
        items.extend((b.top, b) for b in blocks)
    items.sort(key=lambda t: t[0])
    return PageContent(number=number, items=_stable_columns(items))


def _stable_columns(items: list[tuple[float, object]]) -> list[tuple[float, object]]:
    """Keep the blocks' own reading order (columns left to right) while tables interleave by
    their top."""
    tables = [t for t in items if not isinstance(t[1], Block)]
    blocks = reading_order([t[1] for t in items if isinstance(t[1], Block)])
    out: list[tuple[float, object]] = []
    ti = 0
    for b in blocks:
        while ti < len(tables) and tables[ti][0] <= b.top:
            out.append(tables[ti])
            ti += 1
        out.append((b.top, b))
    out.extend(tables[ti:])
    return out


def _repeated_margin_texts(pages: list[PageContent], page_height: float, settings: PdfSettings) -> set[str]:
    """Block texts repeated at the top or bottom of most pages (running headers, footers)."""
    if len(pages) < 3:
        return set()
    seen: dict[str, set[int]] = {}
    for p in pages:
        for top, item in p.items:
            if isinstance(item, Block) and (top < page_height * settings.margin_share
                                            or top > page_height * (1 - settings.margin_share)):
                key = re.sub(r"\d+", "#", item.text)
                seen.setdefault(key, set()).add(p.number)
    return {k for k, v in seen.items() if len(v) >= max(3, len(pages) // 2)}


def assemble(pages: list[PageContent], page_height: float, settings: PdfSettings
             ) -> tuple[list[TextBlock], list[TableFragment]]:
    running = _repeated_margin_texts(pages, page_height, settings)
    blocks: list[TextBlock] = []
    fragments: list[TableFragment] = []
    index = 0
    for p in pages:
        first = True
        for top, item in p.items:
            if isinstance(item, Block):
                if re.sub(r"\d+", "#", item.text) in running:
                    continue
                bold = sum(len(s.text) for s in item.segments if s.bold) * 2 > len(item.text)
                heading = bold and len(item.text) < 200 and not any(s.columnar for s in item.segments)
                blocks.append(TextBlock(text=item.text, index=index, page=p.number, bold=bold,
                                        heading=heading))
            else:
                fragments.append(TableFragment(rows=tuple(item), index=len(fragments), page=p.number,
                                               after_break=first, block_index=index))
            index += 1
            first = False
    return blocks, fragments


# --- PDFium page source ---------------------------------------------------------------------

def _pdfium():
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    return pdfium, raw


def _matmul(m, n):
    """Affine matrices as (a, b, c, d, e, f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _text_object_fn(raw):
    """FPDFText_GetTextObject returning a plain address, so text objects compare cheaply (a
    private function object: the shared binding keeps its pointer type)."""
    fns = _private_text_fns(raw)
    return fns[1] if fns else None


_PRIVATE_FNS: list = []


def _private_text_fns(raw):
    """(FPDFText_GetLooseCharBox, FPDFText_GetTextObject) as private function objects taking
    and returning plain addresses: a call per character is the reader's hottest step, and
    ctypes converts a c_void_p argument faster than the bindings' typed pointers."""
    import ctypes
    if _PRIVATE_FNS:
        return _PRIVATE_FNS[0]
    try:
        from pypdfium2_raw import bindings
        lib = next(iter(bindings._libs.values()))
        loose = lib["FPDFText_GetLooseCharBox"]
        loose.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        loose.restype = ctypes.c_int
        obj = lib["FPDFText_GetTextObject"]
        obj.argtypes = [ctypes.c_void_p, ctypes.c_int]
        obj.restype = ctypes.c_void_p
        fns = (loose, obj)
    except Exception:
        fns = None
    _PRIVATE_FNS.append(fns)
    return fns


def pdfium_words(page, height: float, settings: PdfSettings, reload=None) -> list[Word]:
    """Characters with their boxes and fonts → words, as pdfplumber groups them: lines by
    baseline, left to right, split at spaces and at gaps wider than the tolerance.

    With `reload` (a function that loads the page again), the printed text of annotations
    (a number or day stamped by the signing software as a form field) joins the page's words,
    as words of its own: see `annotation_chars`."""
    tp = page.get_textpage()
    try:
        codes = _textpage_codes(tp)
        chars = _textpage_chars(tp, codes, height)
    finally:
        tp.close()
    words = _chars_to_words(chars, settings)
    if reload is not None:
        # words of their own: an annotation's text never runs into the page's text
        words.extend(_chars_to_words(annotation_chars(page, codes, height, reload), settings))
    return words


def _textpage_codes(tp) -> list[int]:
    """The UTF-16 code of every character of a PDFium text page (0 where it has none)."""
    import ctypes
    _, raw = _pdfium()
    n = tp.count_chars()
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(tp.raw, 0, n, buf)
    return list(buf[:max(0, got - 1)]) + [0] * max(0, n - max(0, got - 1))


def _textpage_chars(tp, codes: list[int], height: float, start: int = 0,
                    nested: bool = False) -> list[tuple]:
    """Characters from index `start` of a text page as (text, x0, x1, top, bottom, size,
    bold, italic, upright, generated). `nested`: the text objects may sit inside form
    XObjects, whose matrices are not page coordinates, so each character's baseline and
    slant are read from the character itself."""
    import ctypes
    _, raw = _pdfium()
    n = len(codes)
    rect = raw.FS_RECTF()
    flags = ctypes.c_int()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    fm = raw.FS_MATRIX()
    namebuf = ctypes.create_string_buffer(128)
    origin, gen = raw.FPDFText_GetCharOrigin, raw.FPDFText_IsGenerated
    traw = tp.raw
    fns = _private_text_fns(raw)
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
                face = (bool(_BOLD.search(text_name)) or weight >= 600,
                        bool(_ITALIC.search(text_name)) or bool(flags.value & 0x40))
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


# Text a digital-signature appearance prints (who signed, the agency, an e-mail, the signing
# time): not the document's own text.
_SIGNATURE_TEXT = re.compile(
    r"(?:Ký bởi|Người ký|Ký ngày|Thời gian ký|Ngày ký|Cơ quan|Email|Chức vụ)\s*:"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{4}\s*\d{1,2}:\d{2}", re.I)


def _printed_annotations(page) -> list[tuple[tuple[float, float, float, float], bool]]:
    """The form fields, free-text and stamp annotations that print text (an appearance stream
    with text, the Print flag, not hidden): (rect in PDF coordinates, whether the appearance
    also draws an image)."""
    _, raw = _pdfium()
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


def annotation_chars(page, codes: list[int], height: float, reload) -> list[tuple]:
    """Characters that annotations print on the page, which PDFium's text page leaves out:
    signing software stamps the document number and the day of the date line as form fields
    (`/Widget`, drawn from a form XObject appearance). The page is flattened (the printable
    annotations become part of its content, appended after it) and read again with `reload`;
    the characters after the page's own, inside an annotation that prints only text, are the
    annotations' text. A signature appearance (an image, or who signed, an e-mail, the signing
    time) is not the document's text and is left out."""
    annots = _printed_annotations(page)
    if not annots:
        return []
    _, raw = _pdfium()
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

    def inside(c, rect):
        x, y = (c[1] + c[2]) / 2, height - (c[3] + c[4]) / 2
        return rect[0] - 1 <= x <= rect[2] + 1 and rect[1] - 1 <= y <= rect[3] + 1

    owned: list[list[tuple]] = [[] for _ in annots]
    for c in chars:
        k = next((k for k, (rect, _) in enumerate(annots) if inside(c, rect)), None)
        if k is not None:
            owned[k].append(c)
    dropped = [rect for (rect, image), cs in zip(annots, owned)
               if image or _SIGNATURE_TEXT.search("".join(c[0] for c in cs))]
    return [c for (rect, image), cs in zip(annots, owned) if rect not in dropped
            for c in cs if not any(inside(c, d) for d in dropped)]


def _chars_to_words(chars: list[tuple], settings: PdfSettings) -> list[Word]:
    words: list[Word] = []
    upright = [c for c in chars if c[8]]
    for line in _cluster(upright, lambda c: c[3], settings.y_tolerance):
        line.sort(key=lambda c: c[1])
        cur: list[tuple] = []

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


def pdfium_rulings_and_images(page, height: float, settings: PdfSettings) -> tuple[list[Seg], float]:
    """Straight horizontal and vertical pieces of the visible paths, in top-down page
    coordinates, and the largest image's share of the page."""
    import ctypes
    _, raw = _pdfium()
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


def pdfium_page_data(page, settings: PdfSettings, reload=None) -> PageData:
    """`reload` loads the page again (see `pdfium_words`); the page itself is then changed
    (its annotations flattened), so it is given only by the reader's own document."""
    width, height = page.get_size()
    rulings, image_share = pdfium_rulings_and_images(page, height, settings)
    return PageData(pdfium_words(page, height, settings, reload), rulings, width, height, image_share)


def _pdfium_pages(path: Path, settings: PdfSettings):
    """(page count, iterator of PageData) read with PDFium; ReadError for unreadable files."""
    pdfium, raw = _pdfium()
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReadError("encrypted PDF (needs a password)") from exc
        if "security" in msg:
            raise ReadError("encrypted PDF (unsupported security handler)") from exc
        raise ReadError(f"truncated or corrupt PDF ({exc})") from exc
    n = len(pdf)
    if n == 0:
        pdf.close()
        raise ReadError("truncated or corrupt PDF (no pages)")

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


def _plumber_pages(path: Path, settings: PdfSettings):
    pdf = _open(path)
    n = len(pdf.pages)

    def gen():
        try:
            for page in pdf.pages:
                yield plumber_page_data(page, settings)
                page.flush_cache()
        finally:
            pdf.close()
    return n, gen()


def _parse_errors() -> tuple[type[BaseException], ...]:
    """Errors of the PDF libraries on broken files (anything else is a bug and propagates)."""
    import pypdfium2 as pdfium
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException
    return (pdfium.PdfiumError, PDFException, PDFSyntaxError, PSException, PdfminerException)


def read_pdf(path: Path, *, source: str, settings: PdfSettings = PdfSettings()) -> Document:
    path = Path(path)
    check_pdf_file(path)
    sha = file_digest(path)
    warnings: list[str] = []
    if looks_truncated(path):
        warnings.append("file looks truncated (no %%EOF at its end); read what could be parsed")
    loader = _pdfium_pages if settings.engine == "pdfium" else _plumber_pages
    npages, page_iter = loader(path, settings)
    pages: list[PageContent] = []
    scanned: list[int] = []
    height = 842.0
    try:
        for n, data in enumerate(page_iter, start=1):
            height = data.height
            content = read_page(data, n, settings)
            if page_needs_ocr(data, settings):
                scanned.append(n)
            pages.append(content)
    except _parse_errors() as exc:
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise ReadError("encrypted PDF (needs a password)") from exc
        if not pages:
            raise ReadError(f"truncated or corrupt PDF ({type(exc).__name__}: {exc})") from exc
        warnings.append(f"stopped at page {len(pages) + 1}: {type(exc).__name__}: {exc}")
    if len(scanned) == len(pages):
        raise ReadError("no text layer (scanned PDF)")
    if not any(p.items for p in pages):
        raise ReadError("no text in the PDF")
    if scanned:
        warnings.append("pages without a text layer (scanned): " + ", ".join(map(str, scanned)))
    blocks, fragments = assemble(pages, height, settings)
    return make_document(path, source=source, layout="grid", format="pdf", pages=npages, blocks=blocks,
                         fragments=fragments, warnings=tuple(warnings), sha256=sha,
                         pages_needing_ocr=tuple(scanned))
