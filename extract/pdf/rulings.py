"""Ruled tables: ruling segments (from either page source) → grids of connected rulings →
cells with their spans → rows.

A vertically merged cell appears once, in its first row on the page; the rows it also covers
have an empty cell in its columns. Nothing is joined across pages: table recovery joins a row
cut by a page break, for every format alike."""
from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from kehoach.extract.grid import Grid, GridCell
from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.words import Word, cell_text, cluster, mostly_bold
from kehoach.model import Cell, Row


@dataclass(frozen=True)
class Seg:
    """An axis-aligned ruling: at `pos` (y of a horizontal, x of a vertical), from a to b."""
    horizontal: bool
    pos: float
    a: float
    b: float


def merge_collinear(segs: list[Seg], settings: PdfSettings) -> list[Seg]:
    """Pieces of one ruling (drawn cell by cell, or doubled) become one segment."""
    out: list[Seg] = []
    for horizontal in (True, False):
        group = sorted((s for s in segs if s.horizontal == horizontal), key=lambda s: (s.pos, s.a))
        for band in cluster(group, lambda s: s.pos, settings.snap):
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
    ys = [statistics.median(c) for c in cluster([s.pos for s in hs], lambda p: p, settings.snap)]
    xs = [statistics.median(c) for c in cluster([s.pos for s in vs], lambda p: p, settings.snap)]
    if len(xs) < settings.min_cols + 1 or len(ys) < 2:
        return None
    tol = settings.snap
    nr, nc = len(ys) - 1, len(xs) - 1
    # vbord[r][k]: a border at xs[k] along row band r; hbord[k][c]: a border at ys[k] along column c
    vbord = [[_coverage(vs, xs[k], ys[r], ys[r + 1], tol) >= settings.border_cover for k in range(nc + 1)]
             for r in range(nr)]
    hbord = [[_coverage(hs, ys[k], xs[c], xs[c + 1], tol) >= settings.border_cover for c in range(nc)]
             for k in range(nr + 1)]
    # Cells are grown in place (a cell with no border below it takes the next row band), so
    # they are kept in a list until the grid is done; ends are exclusive, as in extract/grid.py.
    cells: list[GridCell] = []
    owner: dict[tuple[int, int], int] = {}
    for r in range(nr):
        c = 0
        while c < nc:
            c1 = c + 1
            while c1 < nc and not vbord[r][c1]:
                c1 += 1
            above = owner.get((r - 1, c)) if r > 0 else None
            if (above is not None and cells[above].c0 == c and cells[above].c1 == c1
                    and not any(hbord[r][j] for j in range(c, c1))):
                old = cells[above]
                cells[above] = GridCell(old.r0, c, r + 1, c1, (xs[c], ys[old.r0], xs[c1], ys[r + 1]))
                idx = above
            else:
                cells.append(GridCell(r, c, r + 1, c1, (xs[c], ys[r], xs[c1], ys[r + 1])))
                idx = len(cells) - 1
            for j in range(c, c1):
                owner[(r, j)] = idx
            c = c1
    return Grid(xs=tuple(xs), ys=tuple(ys), cells=tuple(cells))


def find_grids(segs: list[Seg], settings: PdfSettings) -> list[Grid]:
    grids = []
    for group in connected_rulings(segs, settings):
        g = build_grid(group, settings)
        if g is not None:
            grids.append(g)
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


def grid_rows(grid: Grid, words: list[Word], page_no: int) -> list[Row]:
    """One Row per row band that starts a cell or holds text; cells in grid columns."""
    owner: dict[tuple[int, int], int] = {}
    for i, gc in enumerate(grid.cells):
        for r in range(gc.r0, gc.r1):
            for c in range(gc.c0, gc.c1):
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
        for i, gc in sorted(((i, gc) for i, gc in enumerate(grid.cells) if gc.r0 <= r < gc.r1),
                            key=lambda t: t[1].c0):
            ws = by_cell.get(i, [])
            first = gc.r0 == r
            starts = starts or first
            text = cell_text(ws, gc.bbox) if first else ""
            cells.append(Cell(text=text, col=gc.c0, colspan=gc.colspan, page=page_no,
                              bbox=gc.bbox if first else None, bold=first and mostly_bold(ws)))
        if starts:
            rows.append(Row(cells=tuple(cells), page=page_no))
    return rows
