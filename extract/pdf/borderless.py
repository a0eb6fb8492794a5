"""Tables drawn without ruling lines (a borderless Word table), found from how the text lines
align, on pages that have no ruled grid."""
from __future__ import annotations

import bisect

from kehoach.extract.labels import LINE_LABEL
from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.words import Word, cell_text, cluster, line_text, mostly_bold
from kehoach.model import Cell, Row


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
    for grp in cluster(starts_seen, lambda t: t[0], settings.align_tol):
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
    labels = sum(1 for k in starts if LINE_LABEL.match(line_text(pieces[k][fits[k].index(lead)]).strip()))
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
                              bold=mostly_bold(ws)))
        rows.append(Row(cells=tuple(cells), page=page_no))
    return first, last, rows
