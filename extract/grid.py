"""The one cell grid that every ruled-table reader builds: the PDF text layer from its vector
rulings, the scan reader from the rulings it finds in the image.

Bands are numbered from 0 and a cell's ends are exclusive, as Python slices are: a cell over
rows 2 and 3 has r0=2, r1=4, so `r1 - r0` is its row span.
"""
from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]     # x0, top, x1, bottom (points or pixels)


@dataclass(frozen=True)
class GridCell:
    r0: int
    c0: int
    r1: int          # exclusive
    c1: int          # exclusive
    bbox: Box        # inside the rulings

    @property
    def rowspan(self) -> int:
        return self.r1 - self.r0

    @property
    def colspan(self) -> int:
        return self.c1 - self.c0


@dataclass(frozen=True)
class Grid:
    xs: tuple[float, ...]    # column borders, left to right
    ys: tuple[float, ...]    # row borders, top to bottom
    cells: tuple[GridCell, ...]

    @property
    def bbox(self) -> Box:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]
