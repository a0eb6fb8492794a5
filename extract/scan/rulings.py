"""Table grids from the rulings found in the page image: long straight ink runs, their
crossings, and the cell borders that are drawn (a border left out merges two cells).
"""
from __future__ import annotations

import cv2
import numpy as np

from kehoach.extract.grid import Grid, GridCell
from kehoach.extract.scan.settings import ScanSettings


def ruling_masks(ink: np.ndarray, dpi: int, settings: ScanSettings) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rulings: ink runs far longer than any letter stroke. Opened
    first (a closing first would weld the letters of a word into a run as long as a rule),
    then closed along the rule to bridge the scanner's breaks."""
    gap = max(1, int(settings.line_gap_in * dpi))
    hl = max(10, int(settings.hline_min_in * dpi))
    vl = max(10, int(settings.vline_min_in * dpi))
    rect = cv2.getStructuringElement
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, (hl, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, rect(cv2.MORPH_RECT, (gap, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, (1, vl)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, rect(cv2.MORPH_RECT, (1, gap)))
    return h, v


def _positions(profile: np.ndarray, threshold: float, merge: int) -> list[int]:
    """Centres of the runs where profile ≥ threshold; runs closer than merge are one line."""
    idx = np.flatnonzero(profile >= threshold)
    if idx.size == 0:
        return []
    runs: list[list[int]] = [[int(idx[0]), int(idx[0])]]
    for i in idx[1:]:
        if i - runs[-1][1] <= merge:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    return [(a + b) // 2 for a, b in runs]


def find_grids(hmask: np.ndarray, vmask: np.ndarray, dpi: int,
               settings: ScanSettings) -> list[Grid]:
    """Each group of crossing rulings large enough to be a table becomes a grid of cells."""
    both = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((5, 5), np.uint8))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids: list[Grid] = []
    for k in range(1, n):
        x, y, w, h, _a = stats[k]
        if w < settings.min_table_w_in * dpi or h < settings.min_table_h_in * dpi:
            continue
        g = _grid_in(hmask[y:y + h, x:x + w], vmask[y:y + h, x:x + w], x, y, dpi, settings)
        if g is not None:
            grids.append(g)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _grid_in(hm: np.ndarray, vm: np.ndarray, ox: int, oy: int, dpi: int,
             settings: ScanSettings) -> Grid | None:
    merge = max(2, int(settings.line_merge_in * dpi))
    h, w = hm.shape
    ys = _positions((hm > 0).sum(axis=1), settings.hline_min_in * dpi, merge)
    xs = _positions((vm > 0).sum(axis=0), settings.vline_min_in * dpi, merge)
    # A table drawn without its outer left/right (or top/bottom) border still ends there.
    if xs and xs[0] > merge * 2:
        xs.insert(0, 0)
    if xs and xs[-1] < w - 1 - merge * 2:
        xs.append(w - 1)
    if ys and ys[0] > merge * 2:
        ys.insert(0, 0)
    if ys and ys[-1] < h - 1 - merge * 2:
        ys.append(h - 1)
    if len(xs) < 3 or len(ys) < 2:
        return None                    # a box or a lone rule, not a table
    nr, nc = len(ys) - 1, len(xs) - 1
    # A border is looked for in a window around its mean position: a residual skew moves a
    # long rule by a few pixels from one end to the other. The masks hold rules only, so the
    # window may be wide, but never wider than a third of the rows or columns it separates.
    tol = max(3, int(settings.border_window_in * dpi))

    def win(pos: list[int], k: int) -> int:
        near = [pos[k] - pos[k - 1]] if k > 0 else []
        near += [pos[k + 1] - pos[k]] if k + 1 < len(pos) else []
        return max(1, min([tol] + [n // 3 for n in near]))

    def vborder(i: int, j: int) -> bool:        # border left of column j in row i
        t = win(xs, j)
        a, b = ys[i] + win(ys, i), ys[i + 1] - win(ys, i + 1)
        if b <= a:
            return True
        band = vm[a:b, max(0, xs[j] - t):xs[j] + t + 1] > 0
        return band.any(axis=1).mean() >= settings.segment_cover

    def hborder(i: int, j: int) -> bool:        # border above row i in column j
        t = win(ys, i)
        a, b = xs[j] + win(xs, j), xs[j + 1] - win(xs, j + 1)
        if b <= a:
            return True
        band = hm[max(0, ys[i] - t):ys[i] + t + 1, a:b] > 0
        return band.any(axis=0).mean() >= settings.segment_cover

    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(nr):
        for j in range(nc):
            if j > 0 and not vborder(i, j):
                parent[find(i * nc + j)] = find(i * nc + j - 1)
            if i > 0 and not hborder(i, j):
                parent[find(i * nc + j)] = find((i - 1) * nc + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(nr):
        for j in range(nc):
            groups.setdefault(find(i * nc + j), []).append((i, j))
    cells = []
    for members in groups.values():
        r0 = min(i for i, _ in members)
        r1 = max(i for i, _ in members) + 1
        c0 = min(j for _, j in members)
        c1 = max(j for _, j in members) + 1
        box = (ox + xs[c0], oy + ys[r0], ox + xs[c1], oy + ys[r1])
        cells.append(GridCell(r0, c0, r1, c1, box))
    cells.sort(key=lambda c: (c.r0, c.c0))
    if nr < 1 or len(cells) < 2:
        return None
    return Grid(tuple(ox + x for x in xs), tuple(oy + y for y in ys), tuple(cells))
