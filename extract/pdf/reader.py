"""Reader for PDFs with a text layer.

Per page (from either page source, source.py or plumber.py): rulings → grids → rows
(rulings.py); words inside a grid fill its cells, the other words form text lines; on pages
without a grid, aligned lines may be a borderless table (borderless.py); the rest become
blocks in reading order (blocks.py). Running page numbers, headers and footers are not
content. The pages then become one Document, tables and blocks interleaved by position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kehoach.extract.base import Corrupt, EmptyFile, Encrypted, NotAPdf, NoText, NoTextLayer, file_digest, make_document
from kehoach.extract.pdf.blocks import Block, build_blocks, reading_order, split_columns
from kehoach.extract.pdf.borderless import aligned_tables
from kehoach.extract.pdf.page import PageData, page_needs_ocr
from kehoach.extract.pdf.rulings import find_grids, grid_rows
from kehoach.extract.pdf.settings import PdfSettings
from kehoach.extract.pdf.words import Word, group_lines, line_text
from kehoach.gazetteer import load_yaml
from kehoach.model import Document, TableFragment, TextBlock

_PAGE_WORDS = "|".join(re.escape(w) for w in load_yaml("document_vocab.yaml")["page_number_words"])
# "3", "- 3 -", "Trang 3", "3/12": a running page number, alone on its line.
_PAGE_NUMBER = re.compile(rf"^(?:-\s*)?(?:(?:{_PAGE_WORDS})\s*)?\d{{1,4}}(?:\s*/\s*\d{{1,4}})?(?:\s*-)?$", re.I)


# --- bad input --------------------------------------------------------------------------

def check_pdf_file(path: Path) -> None:
    """Reject files that are not PDFs before a parser guesses at them."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyFile("empty file")
    if b"%PDF-" not in head:
        raise NotAPdf(f"not a PDF (starts with {head[:8]!r})")


def looks_truncated(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2048))
        return b"%%EOF" not in fh.read()


def _parse_errors() -> tuple[type[BaseException], ...]:
    """Errors of the PDF libraries on broken files (anything else is a bug and propagates)."""
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    from kehoach.extract.pdfium import pdfium
    return (pdfium().PdfiumError, PDFException, PDFSyntaxError, PSException, PdfminerException)


# --- page furniture -------------------------------------------------------------------------

def _in_furniture_band(top: float, bottom: float, page_height: float, settings: PdfSettings) -> bool:
    share = settings.margin_share
    return bottom < page_height * share or top > page_height * (1 - share)


def _running_key(text: str) -> str:
    """A running header or footer compared across pages: its numbers (the page's) aside."""
    return re.sub(r"\d+", "#", text)


def is_margin_line(line: list[Word], page_height: float, settings: PdfSettings) -> bool:
    top = min(w.top for w in line)
    bottom = max(w.bottom for w in line)
    return (_in_furniture_band(top, bottom, page_height, settings)
            and bool(_PAGE_NUMBER.match(line_text(line))))


def _repeated_margin_texts(pages: list[PageContent], page_height: float, settings: PdfSettings) -> set[str]:
    """Block texts repeated at the top or bottom of most pages (running headers, footers)."""
    if len(pages) < 3:
        return set()
    seen: dict[str, set[int]] = {}
    for p in pages:
        for top, item in p.items:
            if isinstance(item, Block) and _in_furniture_band(top, top, page_height, settings):
                seen.setdefault(_running_key(item.text), set()).add(p.number)
    return {k for k, v in seen.items() if len(v) >= max(3, len(pages) // 2)}


# --- the page and the document -------------------------------------------------------------

@dataclass
class PageContent:
    number: int
    items: list[tuple[float, object]]       # (top, Block | list[Row]) in reading order


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
                if _running_key(item.text) in running:
                    continue
                bold = sum(len(s.text) for s in item.segments if s.bold) * 2 > len(item.text)
                heading = bold and len(item.text) < 200 and not item.columnar
                blocks.append(TextBlock(text=item.text, index=index, page=p.number, bold=bold,
                                        heading=heading))
            else:
                fragments.append(TableFragment(rows=tuple(item), index=len(fragments), page=p.number,
                                               after_break=first, block_index=index))
            index += 1
            first = False
    return blocks, fragments


def read_pdf(path: Path, *, source: str, settings: PdfSettings = PdfSettings()) -> Document:
    from kehoach.extract.pdf.plumber import plumber_pages
    from kehoach.extract.pdf.source import pdfium_pages

    path = Path(path)
    check_pdf_file(path)
    sha = file_digest(path)
    warnings: list[str] = []
    if looks_truncated(path):
        warnings.append("file looks truncated (no %%EOF at its end); read what could be parsed")
    loader = pdfium_pages if settings.engine == "pdfium" else plumber_pages
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
            raise Encrypted("encrypted PDF (needs a password)") from exc
        if not pages:
            raise Corrupt(f"truncated or corrupt PDF ({type(exc).__name__}: {exc})") from exc
        warnings.append(f"stopped at page {len(pages) + 1}: {type(exc).__name__}: {exc}")
    if len(scanned) == len(pages):
        raise NoTextLayer("no text layer (scanned PDF)", pages=tuple(scanned))
    if not any(p.items for p in pages):
        raise NoText("no text in the PDF")
    if scanned:
        warnings.append("pages without a text layer (scanned): " + ", ".join(map(str, scanned)))
    blocks, fragments = assemble(pages, height, settings)
    return make_document(path, source=source, layout="grid", format="pdf", pages=npages, blocks=blocks,
                         fragments=fragments, warnings=tuple(warnings), sha256=sha,
                         pages_needing_ocr=tuple(scanned))
